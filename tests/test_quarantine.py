"""One test per quarantine reason, through the same batch parser the flow maps."""

from __future__ import annotations

import os
from datetime import datetime, timezone
from pathlib import Path

import pytest

from newslake.ingest.batch import Limits, parse_batch
from newslake.ingest.ledger import discover

NOW = datetime(2026, 1, 1, tzinfo=timezone.utc)
GOOD = "A headline\n\nJanuary 10, 2020\n\nA body paragraph with words.\n"


def quarantine_of(tmp_path: Path, name: str, data: bytes, max_bytes: int = 1_000_000) -> list[dict]:
    (tmp_path / name).write_bytes(data)
    batch = parse_batch(discover(tmp_path), run_id="r", now=NOW, limits=Limits(max_bytes, 10 * max_bytes))
    return batch.quarantine.to_pylist()


@pytest.mark.parametrize(
    "name, data, reason, detail_part, line",
    [
        ("empty.txt", b"", "empty", "empty", None),
        ("blank.txt", b"  \n\n ", "empty", "white space", None),
        ("image.txt", b"\x89PNG\r\n\x1a\n" + bytes(200), "binary", "PNG", None),
        ("nul.txt", b"text\x00more text", "binary", "NUL", None),
        ("bytes.txt", bytes(range(128, 256)) * 3, "undecodable", "not UTF-8", None),
        ("broken.json", b'{"title": "x",\n "text": "y"\n', "malformed_json", "line", 3),
        ("bad.jsonl", b'{"title": "a", "text": "b"}\n{"title": \n', "malformed_json", "line 2", 2),
        ("nobody.json", b'{"title": "only a title"}', "no_article_text", "no text field", None),
        ("titleonly.txt", b"A headline\n\nJanuary 10, 2020\n", "no_article_text", "no body", None),
        ("sheet.xlsx", b"PK\x03\x04 spreadsheet", "unsupported_type", ".xlsx", None),
    ],
)
def test_quarantine_reason(tmp_path, name, data, reason, detail_part, line):
    rows = quarantine_of(tmp_path, name, data)
    assert len(rows) == 1
    row = rows[0]
    assert row["reason"] == reason
    assert detail_part in row["detail"]
    assert row["line"] == line
    assert row["source_uri"] == name


def test_too_large(tmp_path):
    rows = quarantine_of(tmp_path, "big.txt", GOOD.encode() * 100, max_bytes=1000)
    assert [r["reason"] for r in rows] == ["too_large"]
    assert "1,000 byte limit" in rows[0]["detail"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their permissions")
def test_unreadable(tmp_path):
    path = tmp_path / "locked.txt"
    path.write_text(GOOD)
    path.chmod(0)
    rows = quarantine_of(tmp_path, "locked.txt", GOOD.encode())
    path.chmod(0o644)
    assert [r["reason"] for r in rows] == ["unreadable"]


def test_unreadable_file_from_discovery(tmp_path):
    """A file that vanishes or cannot be opened between listing and hashing."""
    (tmp_path / "dangling.txt").symlink_to(tmp_path / "missing.txt")
    files = discover(tmp_path)
    batch = parse_batch(files, run_id="r", now=NOW, limits=Limits(1000, 10_000))
    assert [r["reason"] for r in batch.quarantine.to_pylist()] == ["unreadable"]
    assert "FileNotFoundError" in batch.quarantine.to_pylist()[0]["detail"]


def test_good_file_next_to_bad_ones(tmp_path):
    (tmp_path / "good.txt").write_text(GOOD)
    (tmp_path / "empty.txt").write_bytes(b"")
    batch = parse_batch(discover(tmp_path), run_id="r", now=NOW, limits=Limits(10_000, 100_000))
    assert [a["title"] for a in batch.articles.to_pylist()] == ["A headline"]
    assert [q["reason"] for q in batch.quarantine.to_pylist()] == ["empty"]
    assert sorted(l["outcome"] for l in batch.ledger.to_pylist()) == ["article", "quarantined"]


def test_archive_members_become_ledger_units(tmp_path):
    import gzip
    import io
    import json
    import tarfile
    import zipfile

    good_json = json.dumps({"title": "Zipped story", "text": "A body inside a zip."}).encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("inner/story.json", good_json)
        archive.writestr("inner/empty.txt", b"")
        archive.writestr("__MACOSX/._story.json", b"junk")
    (tmp_path / "bundle.zip").write_bytes(buffer.getvalue())
    tar_buffer = io.BytesIO()
    with tarfile.open(fileobj=tar_buffer, mode="w:gz") as archive:
        info = tarfile.TarInfo("a.txt")
        info.size = len(GOOD.encode())
        archive.addfile(info, io.BytesIO(GOOD.encode()))
    (tmp_path / "bundle.tar.gz").write_bytes(tar_buffer.getvalue())
    (tmp_path / "single.txt.gz").write_bytes(gzip.compress(GOOD.replace("A headline", "Gzipped headline").encode()))
    (tmp_path / "broken.zip").write_bytes(b"PK\x03\x04 not really a zip")

    batch = parse_batch(discover(tmp_path), run_id="r", now=NOW, limits=Limits(10_000, 100_000))
    by_uri = {a["source_uri"]: a for a in batch.articles.to_pylist()}
    assert set(by_uri) == {"bundle.zip!inner/story.json", "bundle.tar.gz!a.txt", "single.txt.gz!single.txt"}
    assert by_uri["bundle.zip!inner/story.json"]["title"] == "Zipped story"
    assert {(q["source_uri"], q["reason"]) for q in batch.quarantine.to_pylist()} == {
        ("bundle.zip!inner/empty.txt", "empty"),
        ("broken.zip", "undecodable"),
    }
    ledger = {row["source_uri"]: row for row in batch.ledger.to_pylist()}
    assert ledger["bundle.zip"]["outcome"] == "archive" and ledger["bundle.zip"]["item_count"] == 2
    assert ledger["bundle.zip!inner/story.json"]["outcome"] == "member"
    assert ledger["bundle.zip!inner/story.json"]["sha256"] != ledger["bundle.zip"]["sha256"]
    assert batch.items == 2 + 1 + 1 + 1
