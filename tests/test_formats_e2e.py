"""Every input format and every quarantine reason in one real flow run; counts reconcile."""

from __future__ import annotations

import gzip
import io
import json
import tarfile
import zipfile

from conftest import table_of


from test_readers_warc import build_warc

PARAGRAPH = (
    "The city council of Ghent voted on Tuesday to close the old harbour bridge for repairs, "
    "after engineers found cracks in two of its supports during an inspection last month. "
)
BODY = "\n\n".join(PARAGRAPH.replace("Ghent", town) for town in ("Ghent", "Bruges", "Leuven"))


def article_text(title: str, date: str = "March 3, 2021") -> str:
    return f"{title}\n\n{date}\n\n{BODY}\n"


def html(title: str) -> str:
    paragraphs = "".join(f"<p>{p}</p>" for p in BODY.split("\n\n"))
    return (
        f'<html lang="en"><head><title>{title}</title>'
        '<meta property="article:published_time" content="2021-03-04T10:00:00Z"></head>'
        f"<body><nav>Home | World | Sport</nav><article><h1>{title}</h1>{paragraphs}</article>"
        "<footer>Copyright Example News</footer></body></html>"
    )


def write_inbox(folder):
    folder.mkdir()
    (folder / "plain.txt").write_text(article_text("Plain text story"), encoding="utf-8")
    (folder / "latin1.txt").write_bytes(article_text("Café owners in Liège protest").encode("latin-1"))
    (folder / "crlf.txt").write_bytes(article_text("Windows line endings story").replace("\n", "\r\n").encode())
    (folder / "record.json").write_text(json.dumps({"title": "JSON story", "text": BODY.replace("council", "mayor"), "published": "2021-03-05"}))
    (folder / "records.jsonl").write_text(
        json.dumps({"title": "JSONL one", "maintext": BODY.replace("bridge", "tunnel"), "date_publish": "2021-03-06 08:00:00"}) + "\n"
        + '{"title": "cut off", "maintext": \n'
        + json.dumps({"title": "JSONL two", "maintext": BODY.replace("bridge", "station"), "date_publish": "2021-03-07"}) + "\n"
    )
    (folder / "page.html").write_text(html("HTML story about a road"), encoding="utf-8")
    (folder / "crawl.warc.gz").write_bytes(build_warc(gzip=True))
    (folder / "story.txt.gz").write_bytes(gzip.compress(article_text("Gzipped story about a canal").encode()))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("zipped.json", json.dumps({"title": "Zipped", "text": BODY.replace("harbour", "airport")}))
        archive.writestr("nested/page.htm", html("Zipped page about a tram"))
    (folder / "bundle.zip").write_bytes(buffer.getvalue())
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        data = article_text("Tarred story about a lock").encode()
        info = tarfile.TarInfo("tarred.txt")
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))
    (folder / "bundle.tar.gz").write_bytes(buffer.getvalue())
    # one file per quarantine reason (unreadable is covered in test_quarantine: root reads anything)
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100))
    (folder / "undecodable.txt").write_bytes(bytes(range(128, 256)) * 3)
    (folder / "huge.txt").write_text(article_text("Huge") * 2000)
    (folder / "truncated.json").write_text('{"title": "Truncated", "text": "The body was cu')
    (folder / "nav_only.html").write_text("<html><body><nav>Home | World | Sport</nav></body></html>")
    (folder / "sheet.xlsx").write_bytes(b"PK\x03\x04 spreadsheet bytes")
    (folder / "bad_date.txt").write_text(article_text("A story with an absurd date", "Published: January 10, 3020"))


def test_every_format_and_reason(prefect_server, tmp_path, monkeypatch):
    from flows.pipeline import news_pipeline

    inbox = tmp_path / "inbox"
    write_inbox(inbox)
    monkeypatch.setenv("NEWSLAKE_MAX_FILE_BYTES", "200000")
    report = news_pipeline(source=str(inbox), lake=str(tmp_path / "lake"), extract=False)
    counts = report["counts"]
    assert counts["new_articles"] + counts["duplicates"] + counts["unchanged"] + counts["quarantined"] == counts["items_seen"]
    articles = table_of(tmp_path / "lake", "articles").to_pylist()
    formats = {a["source_format"] for a in articles}
    assert formats == {"text", "json", "jsonl", "html", "warc"}
    titles = {a["title"] for a in articles}
    assert {"Plain text story", "Café owners in Liège protest", "Windows line endings story", "HTML story about a road",
            "Gzipped story about a canal", "Zipped", "Zipped page about a tram", "Tarred story about a lock"} <= titles
    quarantine = table_of(tmp_path / "lake", "quarantine").to_pylist()
    reasons = {q["reason"] for q in quarantine}
    assert reasons >= {"empty", "binary", "undecodable", "too_large", "malformed_json", "no_article_text", "unsupported_type"}
    assert any(q["source_uri"] == "records.jsonl" and q["line"] == 2 for q in quarantine)
    bad_date = next(a for a in articles if a["title"] == "A story with an absurd date")
    assert bad_date["published_at"] is None and bad_date["published_precision"] == "unparsed"
    assert any(a["source_uri"].startswith("bundle.zip!") for a in articles)

    again = news_pipeline(source=str(inbox), lake=str(tmp_path / "lake"), extract=False)
    assert again["status"] == "nothing_new"
    assert again["counts"]["unchanged"] == again["counts"]["items_seen"] == counts["items_seen"]
