"""One test per quarantine reason, through the same batch parser the flow maps."""

from __future__ import annotations

import os
from datetime import datetime, timezone
from pathlib import Path

import pytest

from newslake.ingest import parse_batch
from newslake.ledger import discover

NOW = datetime(2026, 1, 1, tzinfo=timezone.utc)
GOOD = "A headline\n\nJanuary 10, 2020\n\nA body paragraph with words.\n"


def quarantine_of(tmp_path: Path, name: str, data: bytes, max_bytes: int = 1_000_000) -> list[dict]:
    (tmp_path / name).write_bytes(data)
    batch = parse_batch(discover(tmp_path), run_id="r", now=NOW, max_bytes=max_bytes)
    return batch.quarantine


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
    batch = parse_batch(files, run_id="r", now=NOW, max_bytes=1000)
    assert [r["reason"] for r in batch.quarantine] == ["unreadable"]
    assert "FileNotFoundError" in batch.quarantine[0]["detail"]


def test_good_file_next_to_bad_ones(tmp_path):
    (tmp_path / "good.txt").write_text(GOOD)
    (tmp_path / "empty.txt").write_bytes(b"")
    batch = parse_batch(discover(tmp_path), run_id="r", now=NOW, max_bytes=10_000)
    assert [a["title"] for a in batch.articles] == ["A headline"]
    assert [q["reason"] for q in batch.quarantine] == ["empty"]
    assert sorted(l["outcome"] for l in batch.ledger) == ["article", "quarantined"]
