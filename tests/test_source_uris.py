"""One name, one item: source_uri is unique by construction (files, archive members,
records), a repeat that happens anyway is quarantined without stopping the run, a
file that changes while read is held back, and the lake's own folder is no source.
Pure functions over real files and Arrow tables here; the runs are in
tests/test_source_uris_e2e.py."""

from __future__ import annotations

import io
import json
import os
import tarfile
import zipfile
from datetime import datetime, timezone
from pathlib import Path

import pyarrow as pa
import pytest

from newslake import schema
from newslake.ingest.batch import Limits, hold_back, parse_batch, quarantine_repeats
from newslake.ingest.ledger import discover, escape_name, file_part, lake_ground, member_uri, owner_in, uri_of
from newslake.ingest.splits import cut

NOW = datetime(2026, 12, 7, tzinfo=timezone.utc)
LIMITS = Limits(10_000_000, 100_000_000)


def story(title: str) -> str:
    return f"{title}\n\nMarch 3, 2021\n\nThe council of Ghent met on Monday about {title.lower()}, and it said more would follow.\n"


def record(title: str) -> dict:
    return {"title": title, "text": story(title)}


def tar_of(*members: tuple[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def parse(source: Path, **kw):
    return parse_batch(discover(source), run_id="r1", now=NOW, limits=LIMITS, **kw)


# ----------------------------------------------------------------------------- the scheme


def test_a_file_name_cannot_forge_a_member_or_record_uri():
    assert uri_of("bundle.zip!story.json") == "bundle.zip%21story.json" != member_uri("bundle.zip", "story.json")
    assert uri_of("feed.jsonl#L3") == "feed.jsonl%23L3"
    assert uri_of("100%21.txt") == "100%2521.txt" != uri_of("100!.txt") == "100%21.txt"
    assert uri_of(os.fsdecode(b"caf\xe9.txt")) == "caf%E9.txt" != uri_of("caf\\xe9.txt")
    assert uri_of("news/été 2021.txt") == "news/été 2021.txt"  # ordinary names read as themselves
    assert member_uri("a.zip", "in/x#1!.json") == "a.zip!in/x%231%21.json"


def test_a_repeated_member_name_gets_an_ordinal():
    assert [member_uri("a.tar", "s.txt", n) for n in (1, 2, 3)] == ["a.tar!s.txt", "a.tar!s.txt!2", "a.tar!s.txt!3"]
    assert member_uri("a.tar", "s.txt!2") == "a.tar!s.txt%212" != member_uri("a.tar", "s.txt", 2)


def test_file_part_and_owner_place_new_and_old_uris():
    assert file_part("a%23b.zip!in.jsonl#L3") == "a%23b.zip"
    # a lake written before names were escaped holds `a#b.jsonl#L3`: it belongs to the file `a#b.jsonl`
    assert owner_in("a#b.jsonl#L3", {"a#b.jsonl"}) == "a#b.jsonl"
    assert owner_in("a#b.jsonl#L3", {"a"}) == "a" and owner_in("ab.jsonl#L3", {"a"}) is None
    assert owner_in("t.tar!s.txt!2", {"t.tar"}) == "t.tar"


# ----------------------------------------------------------------------------- real files


def test_a_lookalike_file_beside_its_archive_and_a_repeated_member_are_distinct_items(tmp_path):
    source = tmp_path / "src"
    source.mkdir()
    with zipfile.ZipFile(source / "bundle.zip", "w") as archive:
        archive.writestr("story.json", json.dumps(record("Member story")))
    (source / "bundle.zip!story.json").write_text(json.dumps(record("Lookalike story")))
    (source / "twice.tar").write_bytes(tar_of(("s.txt", story("First of two").encode()), ("s.txt", story("Second of two").encode())))
    batch = parse(source)
    ledger = batch.ledger.column("source_uri").to_pylist()
    assert len(ledger) == len(set(ledger))
    by_uri = dict(zip(batch.articles.column("source_uri").to_pylist(), batch.articles.column("title").to_pylist()))
    assert by_uri == {
        "bundle.zip!story.json": "Member story",
        "bundle.zip%21story.json": "Lookalike story",
        "twice.tar!s.txt": "First of two",
        "twice.tar!s.txt!2": "Second of two",
    }


def test_items_of_a_json_list_have_uris_of_their_own(tmp_path):
    source = tmp_path / "src"
    source.mkdir()
    (source / "list.json").write_text(json.dumps([record("One story"), record("Two story")]))
    (source / "one.json").write_text(json.dumps(record("Alone story")))
    uris = sorted(parse(source).articles.column("source_uri").to_pylist())
    assert uris == ["list.json#item-0", "list.json#item-1", "one.json"]


# ----------------------------------------------------------------------------- the net under it


def _ledger(*uris: str) -> pa.Table:
    return schema.to_table([{"source_uri": u, "sha256": "s", "outcome": "article", "item_count": 1, "article_ids": ["x"]}
                            for u in uris], schema.LEDGER)


def test_a_repeated_uri_is_quarantined_and_the_rest_kept():
    articles = pa.table({"article_id": ["a", "b", "c"], "source_uri": ["x.jsonl#L1", "x.jsonl#L2", "y.txt"],
                         "source_sha256": ["s1", "s1", "s2"]})
    ledger, kept, quarantine = quarantine_repeats(
        _ledger("x.jsonl", "y.txt", "x.jsonl", "z.txt"), articles, schema.QUARANTINE.empty_table(), {"z.txt"}, "r1", NOW
    )
    assert ledger.column("source_uri").to_pylist() == ["x.jsonl", "y.txt"]  # one row per URI; z.txt stays the lake's
    assert ledger.column("article_ids").to_pylist() == [[], ["x"]]
    assert kept.column("article_id").to_pylist() == ["c"]
    assert quarantine.column("reason").to_pylist() == ["repeated_source_uri"] * 2
    assert quarantine.column("source_uri").to_pylist() == ["x.jsonl#L1", "x.jsonl#L2"]
    assert "'x.jsonl'" in quarantine.column("detail")[0].as_py()


def test_no_repeat_changes_nothing():
    articles = pa.table({"article_id": ["a"], "source_uri": ["y.txt"], "source_sha256": ["s"]})
    ledger = _ledger("y.txt")
    assert quarantine_repeats(ledger, articles, schema.QUARANTINE.empty_table(), set(), "r1", NOW)[0] is ledger


# ----------------------------------------------------------------------------- files that change while read


def test_a_file_rewritten_after_discovery_is_held_back(tmp_path):
    source = tmp_path / "src"
    source.mkdir()
    feed = source / "feed.jsonl"
    lines = "".join(json.dumps(record(f"Story {i}")) + "\n" for i in range(10))
    feed.write_text(lines)
    (source / "plain.txt").write_text(story("Plain story"))
    files = discover(source)
    feed.write_text(lines[: len(lines) // 3])  # truncated mid-rewrite, as a writer does
    batch = parse_batch(files, run_id="r1", now=NOW, limits=LIMITS)
    assert batch.held == ("feed.jsonl",)
    assert batch.items == 1 and batch.ledger.column("source_uri").to_pylist() == ["plain.txt"]
    assert batch.articles.column("source_uri").to_pylist() == ["plain.txt"]
    os.utime(feed, ns=(files[0].mtime_ns, files[0].mtime_ns))  # same size and mtime, other bytes: the hash tells
    feed.write_text(lines.replace("Story 1", "Story X"))
    os.utime(feed, ns=(files[0].mtime_ns, files[0].mtime_ns))
    assert parse_batch(files, run_id="r1", now=NOW, limits=LIMITS).held == ("feed.jsonl",)


def test_a_piece_of_a_file_that_changed_is_held_back_with_the_rest_of_its_file(tmp_path):
    source = tmp_path / "src"
    source.mkdir()
    feed = source / "big.jsonl"
    feed.write_text("".join(json.dumps(record(f"Story {i}")) + "\n" for i in range(6)))
    (file,) = discover(source)
    first, second, third = cut(file, 2)
    batch_one = parse_batch([first], run_id="r1", now=NOW, limits=LIMITS)
    with feed.open("a") as out:
        out.write(json.dumps(record("Story late")) + "\n")
    batch_two = parse_batch([second, third], run_id="r1", now=NOW, limits=LIMITS)
    assert batch_two.held == ("big.jsonl", "big.jsonl") and batch_two.items == 0
    # the merge drops the file's pieces read before the change too (the ledger resumes after the last one)
    ledger, articles, quarantine, items = hold_back(
        batch_one.ledger, batch_one.articles, batch_one.quarantine, set(batch_two.held)
    )
    assert (ledger.num_rows, articles.num_rows, quarantine.num_rows, items) == (0, 0, 0, 2)


# ----------------------------------------------------------------------------- the lake's own ground


def test_the_lake_inside_its_source_is_left_out_of_discovery(tmp_path):
    source = tmp_path / "inbox"
    (source / "lake" / "parts").mkdir(parents=True)
    (source / "lake" / "parts" / "x.txt").write_text("not news")
    (source / "story.txt").write_text(story("Inbox story"))
    (source / "again").symlink_to(source / "lake", target_is_directory=True)
    leave_out = lake_ground(source, source / "lake")
    assert [f.uri for f in discover(source, leave_out=leave_out)] == ["story.txt"]
    assert lake_ground(tmp_path / "elsewhere", source / "lake") == []


@pytest.mark.parametrize("inside", ["lake", "lake/parts"])
def test_a_source_that_is_the_lake_or_lies_inside_it_is_refused(tmp_path, inside):
    (tmp_path / "lake" / "parts").mkdir(parents=True)
    with pytest.raises(ValueError, match="lake's own files are not articles") as refused:
        lake_ground(tmp_path / inside, tmp_path / "lake")
    assert "\n" not in str(refused.value)


def test_escape_name_keeps_every_separator_ours():
    for name in ("a!b", "a#b", "a%b", "!#%", os.fsdecode(b"\xff!")):
        escaped = escape_name(name)
        assert "!" not in escaped and "#" not in escaped and all(escaped[i + 1 : i + 3].isalnum() for i, c in enumerate(escaped) if c == "%")
