"""`tag --jsonl` input: every line checked as `tag_records` reads it, before any model loads."""

from __future__ import annotations

import pytest

from newslake.extract.tagging import BadRecord, read_jsonl
from newslake.readers.jsonrec import MAX_JSON_DEPTH


def test_good_lines_are_the_records_and_blank_lines_are_skipped():
    lines = ['{"id": "a", "text": "Hi.", "dct": "2020-01-02"}\n', "\n", '{"id": "b", "text": null}\n']
    assert [r["id"] for r in read_jsonl(lines)] == ["a", "b"]


@pytest.mark.parametrize(
    ("line", "says"),
    [
        ("{not json", "line 2: Expecting property name"),
        ('["a list"]', 'line 2: expected an object with "id", "text", "dct"'),
        ('{"id": "x", "text": 3}', "line 2: record 'x': text must be a string"),
        ('{"id": "x", "text": "t", "dct": "Monday"}', "line 2: record 'x': dct must be 'YYYY-MM-DD' or null"),
        ('{"text": ' + "[" * (MAX_JSON_DEPTH + 1) + "]" * (MAX_JSON_DEPTH + 1) + "}", f"line 2: nested deeper than {MAX_JSON_DEPTH} levels"),
    ],
)
def test_a_bad_line_is_named_by_its_number(line, says):
    lines = ['{"id": "ok", "text": "fine"}', line]
    with pytest.raises(BadRecord) as caught:
        list(read_jsonl(lines))
    assert str(caught.value).startswith(says)
