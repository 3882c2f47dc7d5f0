"""Archives cut into pieces: the pieces of a `.jsonl.gz`, a `.json.gz`, a `.tar` and a
`.tar.gz` give the articles and quarantine rows of the archive read whole, from any piece
boundary the ledger may record; the caps and refusals of the whole-archive reader hold.
Pure functions over small archives written here."""

from __future__ import annotations

import gzip
import io
import json
import tarfile
from datetime import datetime, timezone

import pyarrow as pa
import pytest

from newslake.ingest.archive_pieces import cut_archive
from newslake.ingest.batch import Limits, parse_batch
from newslake.ingest.ledger import Ledger, Resume, discover
from newslake.ingest.splits import MEMBERS
from newslake import schema

from conftest import synthetic_record

NOW = datetime(2026, 1, 1, tzinfo=timezone.utc)
LIMITS = Limits(10_000_000, 100_000_000)


def jsonl(records) -> bytes:
    return "".join(json.dumps(r) + "\n" for r in records).encode()


def json_list(records) -> bytes:
    return ("[\n" + ",\n".join(json.dumps(r) for r in records) + "\n]\n").encode()


def records(n: int, start: int = 0, bad: int | None = None) -> list:
    return [{"title": "no text"} if i == bad else synthetic_record(start + i) for i in range(n)]


def write_tar(path, members: list[tuple[str, bytes]], gz: bool) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with tarfile.open(path, "w:gz" if gz else "w", format=tarfile.GNU_FORMAT) as tar:
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))


def write(path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def one_file(folder):
    (file,) = discover(folder)
    return file


def content(batch) -> tuple[list, list]:
    """What a parse gives besides the ledger, with run metadata left out."""
    arts = sorted((r["article_id"], r["source_uri"], r["source_sha256"], r["title"], r["body"])
                  for r in batch.articles.to_pylist())
    quar = sorted((r["source_uri"], r["source_sha256"], r["line"], r["reason"], r["detail"]) for r in batch.quarantine.to_pylist())
    return arts, quar


def parse(items):
    return parse_batch(items, run_id="r", now=NOW, limits=LIMITS)


ARCHIVES = {
    "export.jsonl.gz": lambda p: write(p, gzip.compress(jsonl(records(23, bad=9)))),
    "export.json.gz": lambda p: write(p, gzip.compress(json_list(records(23, bad=9)))),
    # gzip members one after another (as `cat a.gz b.gz` makes), the cut inside a line, and NUL padding
    "joined.jsonl.gz": lambda p: write(p, gzip.compress(jsonl(records(9))[:-40]) + gzip.compress(jsonl(records(9))[-40:] + jsonl(records(8, 50)))
                                       + b"\0" * 512),
    # a member on its own, a large one, a refused link, a member twice, a hidden file, a large JSON list
    "bundle.tar.gz": lambda p: write_tar(p, [("a/one.json", json.dumps(synthetic_record(90)).encode()),
                                             ("a/big.jsonl", jsonl(records(17, 100, bad=3))),
                                             ("a/note.txt", b"The council met in Leeds on Tuesday to approve the plan.\n"),
                                             ("a/one.json", json.dumps(synthetic_record(91)).encode()),
                                             ("a/.hidden.json", b"{}"),
                                             ("a/list.json", json_list(records(11, 200)))], gz=True),
    "bundle.tar": lambda p: write_tar(p, [("big.jsonl", jsonl(records(12, 300))), ("small.jsonl", jsonl(records(2, 400)))], gz=False),
}


@pytest.mark.parametrize("name", list(ARCHIVES))
def test_an_archive_in_pieces_gives_what_the_whole_read_gives(tmp_path, name):
    """Pieces of 4 records: the same articles (ids, member URIs such as
    `bundle.tar.gz!a/big.jsonl#L3`, the members' sha256) and the same quarantine rows as
    the archive read whole; pieces named by member and records, members pieces by the
    members' order."""
    ARCHIVES[name](tmp_path / "src" / name)
    file = one_file(tmp_path / "src")
    pieces = cut_archive(file, 4, None, LIMITS.max_bytes, LIMITS.max_archive_bytes, tmp_path / "index")
    assert pieces and len(pieces) > 2 and pieces[-1].last and not any(p.last for p in pieces[:-1])
    assert all(p.uri.startswith(name) for p in pieces)
    whole, cut = parse([file]), parse(pieces)
    assert content(cut) == content(whole) and whole.articles.num_rows > 10
    assert cut.items == whole.items
    # where a piece ends, the next one starts: the ledger's point
    starts = [(p.archive.next_at, p.archive.next_line) for p in pieces[:-1]]
    assert len(set(starts)) == len(starts) and [s for s, _ in starts] == sorted(s for s, _ in starts)


def test_the_pieces_of_a_tar_gz_are_its_members_and_records(tmp_path):
    ARCHIVES["bundle.tar.gz"](tmp_path / "src" / "bundle.tar.gz")
    file = one_file(tmp_path / "src")
    pieces = cut_archive(file, 4, None, LIMITS.max_bytes, LIMITS.max_archive_bytes, tmp_path / "index")
    assert [p.uri for p in pieces] == [
        "bundle.tar.gz#members-1-1",
        "bundle.tar.gz!a/big.jsonl#L1-4", "bundle.tar.gz!a/big.jsonl#L5-8", "bundle.tar.gz!a/big.jsonl#L9-12",
        "bundle.tar.gz!a/big.jsonl#L13-16", "bundle.tar.gz!a/big.jsonl#L17-17",
        "bundle.tar.gz#members-3-4",
        "bundle.tar.gz!a/list.json#item-0-3", "bundle.tar.gz!a/list.json#item-4-7", "bundle.tar.gz!a/list.json#item-8-10",
    ]
    assert [p.kind for p in pieces].count(MEMBERS) == 2
    assert (tmp_path / "index" / f"{file.sha256}.gzidx").is_file()


@pytest.mark.parametrize("name", ["export.jsonl.gz", "bundle.tar.gz", "bundle.tar"])
def test_an_archive_resumes_from_any_piece_the_ledger_recorded(tmp_path, name):
    """Cut again from where each piece's segment row says the next starts: the pieces that
    follow, the same (the cut pass reads the archive again; nothing before is parsed)."""
    ARCHIVES[name](tmp_path / "src" / name)
    file = one_file(tmp_path / "src")
    args = (LIMITS.max_bytes, LIMITS.max_archive_bytes, tmp_path / "index")
    pieces = cut_archive(file, 4, None, *args)
    for i, piece in enumerate(pieces[:-1]):
        at = Resume(file.sha256, *piece.resume_at, items=0)
        assert cut_archive(file, 4, at, *args) == pieces[i + 1:], piece.uri
    # and with pieces of another size than the run that began it: the records still add up
    at = Resume(file.sha256, *pieces[2].resume_at, items=0)
    assert content(parse(pieces[:3] + cut_archive(file, 3, at, *args))) == content(parse([file]))


def test_the_ledger_resumes_an_archive_from_its_segment_rows(tmp_path):
    """Segment rows of an archive's members are the archive's: the ledger says where the
    archive goes on, and nothing is complete until its `pieces` row."""
    ARCHIVES["bundle.tar.gz"](tmp_path / "src" / "bundle.tar.gz")
    file = one_file(tmp_path / "src")
    pieces = cut_archive(file, 4, None, LIMITS.max_bytes, LIMITS.max_archive_bytes, tmp_path / "index")
    first = parse(pieces[:3]).ledger
    ledger = Ledger(first)
    assert ledger.resume(file.uri, file.sha256) == Resume(file.sha256, *pieces[2].resume_at, items=sum(
        r["item_count"] for r in first.to_pylist() if r["outcome"] == "segment"))
    assert not ledger.seen(file.sha256) and ledger.missing(set()) == [file.uri]
    done = Ledger(pa.concat_tables([first, parse(pieces[3:]).ledger]))
    assert done.seen(file.sha256) and done.resume(file.uri, file.sha256) is None
    assert done.items_of(file.sha256) == parse([file]).items


def test_small_archives_zips_and_damaged_ones_are_read_whole(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "few.jsonl.gz").write_bytes(gzip.compress(jsonl(records(4))))
    (src / "cut.jsonl.gz").write_bytes(gzip.compress(jsonl(records(12)))[:-30])  # its end lost
    (src / "page.html.gz").write_bytes(gzip.compress(b"<html><body><p>x</p></body></html>"))
    import zipfile

    with zipfile.ZipFile(src / "z.zip", "w") as z:
        z.writestr("big.jsonl", jsonl(records(12)))
    args = (LIMITS.max_bytes, LIMITS.max_archive_bytes, tmp_path / "index")
    assert [cut_archive(f, 4, None, *args) for f in discover(src)] == [None, None, None, None]


def test_the_caps_hold_for_an_archive_in_pieces(tmp_path):
    """A member over the member limit (counted while decompressing) is too_large, as the
    whole read says; an archive expanding beyond its limit is read whole, and refused."""
    src = tmp_path / "src"
    big = jsonl(records(12))
    write_tar(src / "b.tar.gz", [("big.jsonl", big), ("huge.jsonl", jsonl(records(30)))], gz=True)
    file = one_file(src)
    limits = Limits(len(big) + 10, 100_000_000)
    pieces = cut_archive(file, 4, None, limits.max_bytes, limits.max_archive_bytes, tmp_path / "index")
    whole = parse_batch([file], run_id="r", now=NOW, limits=limits)
    got = parse_batch(pieces, run_id="r", now=NOW, limits=limits)
    assert content(got) == content(whole)
    assert [r["reason"] for r in got.quarantine.to_pylist()] == ["too_large"]
    assert cut_archive(file, 4, None, limits.max_bytes, len(big) * 2, tmp_path / "index") is None
    assert schema.QUARANTINE.names == whole.quarantine.schema.names
