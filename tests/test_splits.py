"""Large files cut into pieces: the pieces of a JSON list or a WARC read the same records
as the whole-file reader, from any piece boundary, in bounded memory. Pure functions over
small files written here."""

from __future__ import annotations

import gzip
import json

import pytest

from newslake.ingest.ledger import discover, segment_file
from newslake.ingest.splits import cut, kind_of, read_piece
from newslake.readers import RawArticle, ReaderOptions, read_document
from newslake.readers import jsonlist

from conftest import synthetic_record, write_json_list, write_warc

OPTIONS = ReaderOptions()


def key(item):
    """What a reader says about a record: an article's place and text, or the rejection."""
    return (item.part, item.line, item.title, item.body, item.url, item.published) if isinstance(item, RawArticle) else item


def read_all(pieces, max_bytes: int = 10_000_000) -> list:
    return [key(item) for piece in pieces for item in read_piece(piece, max_bytes, OPTIONS)]


def whole(path) -> list:
    return [key(item) for item in read_document(path.name, path.read_bytes(), OPTIONS)]


def one_file(folder):
    (file,) = discover(folder)
    return file


TRICKY = [
    {"title": "Brackets [in] {strings}, and commas", "text": "He said \"no, [never]\" \\ twice.\n\nThe council met on Monday."},
    {"title": "no text"},
    7,
    {"title": "Nested", "text": "The board of Leeds met again on Friday.", "meta": {"tags": [["a", "b"], {"c": "]}"}]}},
]


def test_a_json_list_in_pieces_reads_as_the_whole_file(tmp_path, monkeypatch):
    """Strings holding brackets, commas, escaped quotes and backslashes, records that are
    rejected, nesting: each piece reads the items the whole-file reader reads, with the
    same names (`item-<n>`). Blocks of 7 bytes put every boundary inside a string or an
    escape somewhere."""
    records = [synthetic_record(i) for i in range(5)] + TRICKY + [synthetic_record(9)]
    path = tmp_path / "src" / "list.json"
    path.parent.mkdir()
    path.write_text("\ufeff  [\n" + ",\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n]\n", encoding="utf-8")
    file = one_file(path.parent)
    assert kind_of(file) == "json"
    monkeypatch.setattr(jsonlist, "BLOCK", 7)
    pieces = cut(file, 3)
    assert [p.uri for p in pieces] == ["list.json#item-0-2", "list.json#item-3-5", "list.json#item-6-8", "list.json#item-9-9"]
    assert [p.end_line for p in pieces] == [3, 6, 9, 10] and pieces[-1].last and not pieces[0].last
    assert read_all(pieces) == whole(path)
    # from where the ledger says the second piece ended, as a rerun starts
    resumed = cut(file, 3, pieces[1].end_byte, pieces[1].end_line)
    assert resumed == pieces[2:]


A, B = '{"title": "a", "text": "The council met."}', '{"title": "b", "text": "The board met."}'


@pytest.mark.parametrize(
    ("text", "reasons", "titles"),
    [
        (f'[{A}, {B[:-8]}', ["malformed_json", "malformed_json"], ["a"]),  # cut short inside an item
        (f"[{A}, {B}", ["malformed_json"], ["a", "b"]),  # left open
        (f"[{A}, {B}] trailing", ["malformed_json"], ["a", "b"]),
        (f"[{A}, , {B}]", ["malformed_json"], ["a", "b"]),
        (f"[{A}, {B},]", ["malformed_json"], ["a", "b"]),
        ("[ ]", ["no_article_text"], []),
    ],
)
def test_a_damaged_json_list_is_accounted_for_item_by_item(tmp_path, text, reasons, titles):
    """Cut short, left open, followed by more, a stray comma, empty: the good items stay
    and each fault is one rejection (the whole-file reader refuses such a file whole)."""
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "list.json").write_text(text)
    file = one_file(tmp_path / "src")
    found = [item for piece in cut(file, 1) for item in read_piece(piece, 10_000_000, OPTIONS)]
    assert [i.reason for i in found if not isinstance(i, RawArticle)] == reasons
    assert [i.title for i in found if isinstance(i, RawArticle)] == titles


def test_an_item_over_the_size_limit_is_rejected_unread(tmp_path):
    records = [synthetic_record(i) for i in range(4)]
    records[1] = {**records[1], "text": records[1]["text"] * 50}
    path = write_json_list(tmp_path / "src" / "list.json", records)
    found = [item for piece in cut(one_file(path.parent), 2) for item in read_piece(piece, 5_000, OPTIONS)]
    assert [(i.reason, i.detail) for i in found if not isinstance(i, RawArticle)] == [("too_large", "item 1: over 5,000 bytes")]
    assert [i.part for i in found if isinstance(i, RawArticle)] == ["item-0", "item-2", "item-3"]


def test_only_a_json_list_is_cut(tmp_path):
    """An object (one record, or a wrapper), JSON lines in a .json file, UTF-16: read whole."""
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "a.json").write_text('{"articles": [{"title": "a", "text": "b"}]}')
    (tmp_path / "src" / "b.json").write_text('{"title": "a", "text": "b"}\n{"title": "c", "text": "d"}\n')
    (tmp_path / "src" / "c.json").write_bytes('[{"title": "a", "text": "b"}]'.encode("utf-16"))
    assert [kind_of(f) for f in discover(tmp_path / "src")] == [None, None, None]


def pages(n: int, bad: int | None = None) -> list[dict]:
    return [{"title": "no text"} if i == bad else synthetic_record(500 + i) for i in range(n)]


@pytest.mark.parametrize("name", ["crawl.warc.gz", "crawl.warc"])
def test_a_warc_in_pieces_reads_as_the_whole_file(tmp_path, name):
    """Pieces of 3 pages start at a record (a gzip member of its own in a .warc.gz), keep
    the record numbers of the whole file (`record-<n>`), and read what it reads."""
    path = write_warc(tmp_path / "src" / name, pages(10, bad=4), gzip=name.endswith(".gz"))
    file = one_file(path.parent)
    pieces = cut(file, 3)
    assert [p.uri for p in pieces] == [f"{name}#record-1-4", f"{name}#record-5-7", f"{name}#record-8-10", f"{name}#record-11-11"]
    assert [p.lines for p in pieces] == [3, 3, 3, 1]  # pages: the articles a piece may hold
    assert read_all(pieces) == whole(path)
    assert cut(file, 3, pieces[0].end_byte, pieces[0].end_line) == pieces[1:]


def test_a_truncated_warc_in_pieces_keeps_the_good_records(tmp_path):
    path = write_warc(tmp_path / "src" / "crawl.warc.gz", pages(8))
    path.write_bytes(path.read_bytes()[:-100])
    found = read_all(cut(one_file(path.parent), 3))
    assert found == whole(path) and found[-1].reason == "undecodable" and len(found) == 8


def test_a_warc_gzipped_as_one_stream_is_one_piece(tmp_path):
    """Without a gzip member per record no reader can start in the middle: read whole."""
    plain = write_warc(tmp_path / "plain" / "crawl.warc", pages(6), gzip=False)
    path = tmp_path / "src" / "crawl.warc.gz"
    path.parent.mkdir()
    path.write_bytes(gzip.compress(plain.read_bytes()))
    assert len(cut(one_file(path.parent), 2)) == 1


def test_a_page_over_the_size_limit_is_rejected_unread(tmp_path):
    records = pages(4)
    records[2] = {**records[2], "text": records[2]["text"] * 50}
    path = write_warc(tmp_path / "src" / "crawl.warc", records, gzip=False)
    found = [item for piece in cut(one_file(path.parent), 2) for item in read_piece(piece, 5_000, OPTIONS)]
    assert [i.reason for i in found if not isinstance(i, RawArticle)] == ["too_large"]
    assert [i.part for i in found if isinstance(i, RawArticle)] == ["record-2", "record-3", "record-5"]


def test_a_segment_names_its_file():
    assert segment_file("big.jsonl#L2001-4000") == "big.jsonl"
    assert segment_file("list.json#item-0-1999") == "list.json"
    assert segment_file("news/crawl%231.warc.gz#record-1-730") == "news/crawl%231.warc.gz"


def test_reading_a_piece_holds_one_item_at_a_time(tmp_path, monkeypatch):
    """The scanner reads blocks, not the file: a piece of many items is read and parsed
    in memory bounded by a few blocks and one item, whatever the file's size (measured
    by tracemalloc, with blocks of 64 KiB against a file of 15 MB)."""
    import tracemalloc

    monkeypatch.setattr(jsonlist, "BLOCK", 1 << 16)
    record = json.dumps(synthetic_record(1))
    path = tmp_path / "src" / "list.json"
    path.parent.mkdir()
    with path.open("w") as out:
        out.write("[" + ",\n".join([record] * 20_000) + "]")
    (piece,) = cut(one_file(path.parent), 20_000)
    tracemalloc.start()
    count = sum(1 for item in read_piece(piece, 10_000_000, OPTIONS) if isinstance(item, RawArticle))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert count == 20_000 and path.stat().st_size > 200 * jsonlist.BLOCK and peak < 16 * jsonlist.BLOCK
