"""Hostile inputs: the pure checks that guard them, and one CLI run over many of them
(the quick cases of bench/hostile_inputs.py) where each must land in exactly one place."""

from __future__ import annotations

import importlib.util
import io
import json
import os
import sys
import tarfile
import zipfile

import pytest

from conftest import REPO, command_env
from newslake.ingest.ledger import Refused, discover, uri_of, walk
from newslake.ingest.normalize import MAX_EXTRACT_CHARS, article_fields, cap_fields, clean_text, strip_controls
from newslake.readers.archives import RejectedMember, iter_members, unsafe_path
from newslake.readers.jsonrec import MAX_JSON_DEPTH, nesting_too_deep, read_json, read_jsonl, wrong_type
from newslake.report.summary import summary_lines

MB = 1 << 20


def _bench():
    """bench/hostile_inputs.py as a module: its cases and its accounting."""
    if "hostile_inputs" not in sys.modules:
        spec = importlib.util.spec_from_file_location("hostile_inputs", REPO / "bench" / "hostile_inputs.py")
        sys.modules["hostile_inputs"] = module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    return sys.modules["hostile_inputs"]


# ----------------------------------------------------------------------------- depth


def test_nesting_depth_is_found_without_parsing():
    assert nesting_too_deep("[" * 100_000 + "]" * 100_000) == MAX_JSON_DEPTH
    assert nesting_too_deep('{"a":' * 100_000) == 5 * MAX_JSON_DEPTH
    assert nesting_too_deep("[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH) is None
    # brackets inside strings (escaped quotes included) are text, not nesting
    assert nesting_too_deep('{"text": "' + "[{" * 500 + '\\" [[[["}') is None
    assert nesting_too_deep("[" + '{"a": ["x"]}, ' * 1000 + "{}]") is None  # many records, shallow
    assert nesting_too_deep('["unterminated ' + "[" * 500) is None  # a string to the end


def test_deep_json_is_quarantined_with_its_depth():
    (rejected,) = read_json("[" * 100_000 + "]" * 100_000)
    assert rejected.reason == "malformed_json" and f"deeper than {MAX_JSON_DEPTH} levels" in rejected.detail
    good = '{"title": "A", "text": "The council met on Tuesday."}'
    article, deep = read_jsonl(good + "\n" + "[" * 50_000 + "\n")
    assert article.title == "A" and (deep.reason, deep.line) == ("malformed_json", 2)


# ----------------------------------------------------------------------------- field types


@pytest.mark.parametrize(
    ("field", "value", "said"),
    [
        ("title", 42, "field 'title' is a number, expected a string"),
        ("body", 42, "field 'body' is a number, expected a string"),
        ("body", True, "field 'body' is a boolean, expected a string"),
        ("published", {"$date": 1}, "field 'published' is an object, expected a string or a number"),
        ("authors", ["A", 3], "field 'authors' holds a number, expected strings or objects with a string name"),
    ],
)
def test_wrong_field_types_say_so(field, value, said):
    assert wrong_type(field, field, value) == said
    text = "The council met on Tuesday." if field != "body" else value
    record = {"title": "T", "body": text, field: value}
    (rejected,) = read_json(json.dumps(record))
    assert (rejected.reason, rejected.detail) == ("malformed_json", said)


def test_right_field_types_pass():
    for field, value in (("published", 1583020800), ("authors", [{"name": "A"}, None, "B"]), ("outlet", {"name": "X"})):
        assert wrong_type(field, field, value) is None


# ----------------------------------------------------------------------------- control characters


def test_control_characters_are_removed():
    assert strip_controls("red \x1b[31malert\x1b[0m\x07 \x1b]0;title\x07ok\x7f\x9b2J\x00!") == "red alert ok!"
    assert strip_controls("tab\tand\nnewline") == "tab\tand\nnewline"
    assert strip_controls("page\x0cbreak\x85next\x0bline") == "page\nbreak\nnext\nline"  # line breaks stay breaks
    assert clean_text("Title\x1b[1m bold\x1b[0m\r\nBody\x01") == "Title bold\nBody"
    assert all(chr(c) not in clean_text("".join(map(chr, range(0xA0)))) for c in [*range(0, 9), *range(11, 32), *range(0x7F, 0xA0)])


# ----------------------------------------------------------------------------- the extraction cap


def test_cap_fields_cuts_a_prefix_at_white_space():
    fields, cut = cap_fields([("title", "Budget vote"), ("body", "one two three four five")], 20)
    assert cut and fields == [("title", "Budget vote"), ("body", "one two")]  # 11 + 7 characters
    assert cap_fields([("title", "T"), ("body", "short")], 20) == ([("title", "T"), ("body", "short")], False)
    fields, cut = cap_fields(article_fields("x" * 30, ["caption"], "body"), 10)
    assert cut and fields == [("title", "x" * 10)]  # no white space: cut hard; later fields dropped
    huge = "word " * 1_000_000
    (_, body), = cap_fields([("body", huge)], MAX_EXTRACT_CHARS)[0]
    assert len(body) <= MAX_EXTRACT_CHARS and huge.startswith(body)


def test_capped_articles_extract_a_prefix(seed_text):
    from newslake import schema
    from newslake.extract.mentions import capped_articles

    row = {"article_id": "a", "title": "Title", "captions": ["one", "two"], "body": seed_text, "language": "en"}
    table = schema.to_table([row], schema.ARTICLES)
    capped = capped_articles(table, 100).to_pylist()[0]
    assert len(capped["title"]) + len("\n".join(capped["captions"])) + len(capped["body"]) <= 100
    assert seed_text.startswith(capped["body"]) and capped["captions"] == ["one", "two"]
    assert capped_articles(table, 10**9) is table


# ----------------------------------------------------------------------------- archives


def test_unsafe_member_paths():
    assert unsafe_path("../../evil.txt") and unsafe_path("a/../../b") and unsafe_path("/etc/x") and unsafe_path("C:/x")
    assert unsafe_path("a/b..c/d.txt") is None and unsafe_path("2021/story.txt") is None


def test_refused_members_are_named():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("../../evil.txt", b"x")
        link = zipfile.ZipInfo("link.txt")
        link.create_system, link.external_attr = 3, 0o120777 << 16
        archive.writestr(link, b"/etc/passwd")
    got = list(iter_members("a.zip", buffer.getvalue(), MB, MB))
    assert [(m.name, m.rejection.reason) for m in got] == [("../../evil.txt", "refused_member"), ("link.txt", "refused_member")]
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        for name, kind in (("dev", tarfile.CHRTYPE), ("pipe", tarfile.FIFOTYPE), ("sym", tarfile.SYMTYPE), ("hard", tarfile.LNKTYPE)):
            info = tarfile.TarInfo(name)
            info.type, info.linkname = kind, "target"
            archive.addfile(info)
    got = list(iter_members("a.tar", buffer.getvalue(), MB, MB))
    assert all(isinstance(m, RejectedMember) and m.rejection.reason == "refused_member" for m in got) and len(got) == 4
    assert "character device" in got[0].rejection.detail and "hard link to 'target'" in got[3].rejection.detail


# ----------------------------------------------------------------------------- discovery


def test_links_to_folders_are_followed_once(tmp_path):
    source, outside = tmp_path / "source", tmp_path / "outside"
    (source / "real").mkdir(parents=True)
    outside.mkdir()
    (source / "real" / "a.txt").write_text("a")
    (outside / "b.txt").write_text("b")
    (source / "ext").symlink_to(outside, target_is_directory=True)
    (source / "real_again").symlink_to(source / "real", target_is_directory=True)
    (source / "real" / "up").symlink_to("..", target_is_directory=True)
    items = list(walk(source))
    files = sorted(p.relative_to(source).as_posix() for p in items if not isinstance(p, Refused))
    refused = {r.path.relative_to(source).as_posix(): r.why for r in items if isinstance(r, Refused)}
    assert files == ["ext/b.txt", "real/a.txt"]
    assert "already read as 'real'" in refused["real_again"] and "loop" in refused["real/up"]
    found = {f.uri: f for f in discover(source)}
    assert found["real/up"].error and found["real_again"].error and not found["ext/b.txt"].error
    # a refused path has a stand-in hash, the same on every run: a rerun counts it unchanged
    assert found["real/up"].sha256 == {f.uri: f for f in discover(source)}["real/up"].sha256 != found["real_again"].sha256


def test_non_utf8_names_become_escaped_uris():
    # percent-encoded, so that it cannot meet a name that spells "\xe9" (see test_source_uris)
    assert uri_of(os.fsdecode(b"caf\xe9.txt")) == "caf%E9.txt" and uri_of("café.txt") == "café.txt"
    assert uri_of("caf\\xe9.txt") == "caf\\xe9.txt"


def test_summary_reports_deleted_files():
    report = {"run_id": "r", "status": "published", "counts": {
        "files_seen": 3, "items_seen": 3, "new_articles": 0, "duplicates": 0, "unchanged": 3, "quarantined": 0,
        "deleted_files": 2, "removed": 1}}
    assert ("deleted files", "2 gone from the source: 1 of their articles left the lake") in summary_lines(report)


# ----------------------------------------------------------------------------- end to end


@pytest.fixture(scope="module")
def hostile_run(kept_home, tmp_path_factory):
    """The quick hostile cases, one `newslake run` over all of them (on the session's Prefect server)."""
    bench = _bench()
    work = tmp_path_factory.mktemp("hostile")
    cases = bench.build(work / "inbox", work / "outside", quick=True)
    done = bench.run_cli(work / "inbox", work / "lake", "--no-extract", env=command_env(kept_home))
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    return bench, work, cases, done


def test_every_hostile_input_lands_in_one_place(hostile_run):
    bench, work, cases, done = hostile_run
    assert len(cases) >= 20
    results, unclaimed = bench.outcomes(work / "lake", cases)
    wrong = [(r["case"].name, r["found"], r["case"].expect) for r in results if not r["as_expected"] or r["lost"]]
    assert not wrong and not unclaimed, (wrong, unclaimed)
    assert "Traceback" not in done.stdout + done.stderr


def test_a_rerun_finds_every_hostile_input_unchanged(hostile_run):
    bench, work, cases, _ = hostile_run
    again = bench.run_cli(work / "inbox", work / "lake", "--no-extract")
    assert again.returncode == 0, again.stderr[-2000:]
    last = bench.last_run(work / "lake")
    assert last["status"] == "nothing_new" and last["unchanged"] == last["items_seen"] == sum(sum(c.uris.values()) for c in cases)
