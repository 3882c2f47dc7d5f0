"""Hostile inputs: does every bad or odd input end in exactly one place?

Builds, in a temporary folder, a source of good articles and of inputs a hostile or
careless producer sends (deep JSON, wrong field types, binary garbage, wrong
encodings, control characters, archives with traversal, links and devices, truncated
files, link loops, a 5 MB one-line article...), runs `newslake run` on it as a user
would (a subprocess), then reads the lake and prints a markdown table:

    input | outcome (article / duplicate / quarantined: reason) | lost

where lost = items neither published, nor counted as a duplicate of a published
article, nor quarantined. A second run must find every item unchanged; a third,
after one file is deleted, must report it (runs.deleted_files). Exits 1 when any
item is lost, lands somewhere unexpected, or a run fails.

    .venv/bin/python bench/hostile_inputs.py [--keep DIR]

`tests/test_hostile_inputs.py` runs the cases marked quick through the CLI.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import os
import resource
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import zipfile
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "data" / "samples"

PARAGRAPH = (
    "The city council of {town} voted on Tuesday to close the old harbour bridge for repairs, "
    "after engineers found cracks in two of its supports during an inspection last month. "
    "Mayor Anna Peeters said the work would take until the end of March."
)


def story(title: str, town: str = "Ghent") -> str:
    """A small plain-text article, distinct per title."""
    body = "\n\n".join(PARAGRAPH.format(town=t) + f" ({title})" for t in (town, "Bruges", "Leuven"))
    return f"{title}\n\nMarch 3, 2021\n\n{body}\n"


def record(title: str, **fields) -> dict:
    return {"title": title, "text": story(title).split("\n\n", 2)[2], "published": "2021-03-04", **fields}


@dataclass
class Case:
    name: str  # what the input is
    uris: dict[str, int]  # where its items land (a file, a member "a.zip!b") -> how many items it holds
    expect: tuple[str, ...]  # one outcome per item: "article", "duplicate" or a quarantine reason
    quick: bool = False  # run by the fast end-to-end test too


class Inbox:
    """The source folder being built, and the cases in it."""

    def __init__(self, root: Path, outside: Path):
        self.root, self.outside, self.cases = root, outside, []
        root.mkdir(parents=True)
        outside.mkdir(parents=True)

    def add(self, name: str, uri: str | dict[str, int], expect: str | tuple[str, ...], data: bytes | str | None = None, quick: bool = False):
        """A case; `data` is the file's content (its name: the URI less any "!member",
        so write a file whose name the URI escapes yourself and give no data)."""
        if data is not None:
            path = self.root / next(iter(uri)).split("!")[0] if isinstance(uri, dict) else self.root / uri.split("!")[0]
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        expect = (expect,) if isinstance(expect, str) else expect
        uris = uri if isinstance(uri, dict) else {uri: len(expect)}
        self.cases.append(Case(name, uris, tuple(sorted(expect)), quick))


def _zip(members: list[tuple[str, bytes, int | None]]) -> bytes:
    """A zip of (name, data, unix mode or None)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data, mode in members:
            info = zipfile.ZipInfo(name)
            if mode is not None:
                info.create_system, info.external_attr = 3, mode << 16
            archive.writestr(info, data)
    return buffer.getvalue()


def _tar(members: list[tarfile.TarInfo | tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for member in members:
            if isinstance(member, tarfile.TarInfo):
                archive.addfile(member)
            else:
                info = tarfile.TarInfo(member[0])
                info.size = len(member[1])
                archive.addfile(info, io.BytesIO(member[1]))
    return buffer.getvalue()


def _special(name: str, kind: bytes, link: str = "") -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type, info.linkname = kind, link
    return info


def _warc(truncate: bool) -> bytes:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=False)
    for n, title in enumerate(("Harbour bridge closes", "Tram line reopens")):
        paragraphs = "".join(f"<p>{p}</p>" for p in story(title).split("\n\n")[2:])
        page = f"<html lang='en'><head><title>{title}</title></head><body><article><h1>{title}</h1>{paragraphs}</article></body></html>"
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(
            f"https://example.org/news/{n}", "response", payload=io.BytesIO(page.encode()), http_headers=headers,
            warc_headers_dict={"WARC-Date": "2021-03-05T10:00:00Z"},
        ))
    data = buffer.getvalue()
    return data[: len(data) - 300] if truncate else data


def huge_text(chars: int) -> str:
    """Real news text (the bundled samples) repeated into one line of `chars` characters."""
    texts = [" ".join(p.read_text(encoding="utf-8").split()) for p in sorted(SAMPLES.glob("*.txt"))]
    line = " ".join(texts)
    return (line + " ") * (chars // len(line) + 1)


def build(root: Path, outside: Path, quick: bool = False) -> list[Case]:
    """Write the inputs under `root` (and link targets under `outside`); the cases.
    `quick`: only the cases the fast test runs (no 5 MB article, no zip bomb)."""
    box = Inbox(root, outside)
    deep = 100_000
    # good articles, in every text format
    box.add("good plain-text article", "good/plain.txt", "article", story("Plain story"), quick=True)
    box.add("good JSON article", "good/record.json", "article", json.dumps(record("JSON story")), quick=True)
    box.add("good JSONL, two lines", "good/lines.jsonl", ("article", "article"),
            "\n".join(json.dumps(record(t)) for t in ("Line one", "Line two")) + "\n")
    box.add("same story in two files", {"dup/a.txt": 1, "dup/b.txt": 1}, ("article", "duplicate"))
    (root / "dup").mkdir()
    for name in ("a.txt", "b.txt"):
        (root / "dup" / name).write_text(story("Copied story"))
    box.cases[-1].quick = True
    # deep nesting
    box.add(f"JSON nested {deep:,} levels", "deep/deep.json", "malformed_json", "[" * deep + "]" * deep, quick=True)
    box.add(f"JSONL line nested {deep:,} levels, beside a good line", "deep/deep.jsonl", ("article", "malformed_json"),
            json.dumps(record("Beside the deep line")) + "\n" + '{"a":' * deep + "1" + "}" * deep + "\n", quick=True)
    box.add(f"HTML nested {deep:,} divs", "deep/deep.html", "no_article_text",
            "<html><body>" + "<div>" * deep + "<p>x</p>" + "</div>" * deep + "</body></html>")
    # wrong JSON field types
    for field, value, quick_case in (("title", 42, True), ("body", 42, True), ("published", {"$date": 1}, False), ("url", ["a", "b"], False),
                                     ("authors", [1, 2], False), ("language", 7, False), ("outlet", True, False)):
        rec = record(f"Wrong {field}")
        if field == "body":
            del rec["text"]
        rec[field] = value
        box.add(f"JSON field '{field}' is {type(value).__name__} {json.dumps(value)}", f"types/{field}.json", "malformed_json",
                json.dumps(rec), quick=quick_case)
    box.add("JSON list with a number among records", "types/list.json", ("article", "malformed_json"),
            json.dumps([record("Listed story"), 42]))
    box.add("JSON wrapper with an empty list", "types/empty_list.json", "no_article_text", json.dumps({"articles": []}))
    box.add("JSON cut off mid-string", "types/truncated.json", "malformed_json", '{"title": "Cut", "text": "The council')
    # empty, binary, encodings
    box.add("empty file", "bytes/empty.txt", "empty", b"", quick=True)
    box.add("only white space", "bytes/blank.txt", "empty", b"  \n\t\n")
    box.add("JSONL of blank lines", "bytes/blank.jsonl", "empty", b"\n\n\n")
    box.add("binary garbage named .txt", "bytes/garbage.txt", "binary", os.urandom(4096), quick=True)
    box.add("PNG named .txt", "bytes/image.txt", "binary", b"\x89PNG\r\n\x1a\n" + os.urandom(200))
    box.add("NUL bytes in text", "bytes/nul.txt", "binary", story("NUL story").replace("council", "coun\x00cil").encode())
    box.add("unknown extension", "bytes/sheet.xlsx", "unsupported_type", b"PK\x03\x04 not really")
    box.add("bytes no encoding fits", "bytes/undecodable.txt", "undecodable", bytes(range(128, 256)) * 4)
    box.add("UTF-16 with BOM", "enc/utf16.txt", "article", story("UTF-16 story").encode("utf-16"), quick=True)
    box.add("UTF-8 BOM before JSON", "enc/bom.json", "article", b"\xef\xbb\xbf" + json.dumps(record("BOM story")).encode())
    box.add("cp1252 text", "enc/cp1252.txt", "article", story("Café owners protest in Liège").encode("cp1252"))
    box.add("ESC, BEL, DEL and C1 controls in the text", "enc/controls.txt", "article",
            story("Controls \x1b[31mred\x1b[0m story\x07").replace("bridge", "bri\x7fdge\x9b2J"), quick=True)
    box.add("escaped NUL inside a JSON string", "enc/nul_escape.json", "article",
            json.dumps(record("Escaped NUL story")).replace("harbour", "har\\u0000bour"))
    # archives
    box.add("zip member ../../evil.txt", {"arch/traversal.zip!../../evil.txt": 1, "arch/traversal.zip!ok.txt": 1},
            ("article", "refused_member"), _zip([("../../evil.txt", b"evil", None), ("ok.txt", story("Zipped story").encode(), None)]), quick=True)
    box.add("zip member with an absolute path", "arch/absolute.zip!/etc/evil.txt", "refused_member",
            _zip([("/etc/evil.txt", story("Absolute").encode(), None)]), quick=True)
    box.add("zip member that is a symlink", "arch/link.zip!link.txt", "refused_member", _zip([("link.txt", b"/etc/passwd", 0o120777)]))
    box.add("tar.gz with a character device", "arch/device.tar.gz!dev/null", "refused_member", _tar([_special("dev/null", tarfile.CHRTYPE)]), quick=True)
    box.add("tar.gz with a symlink and a hard link", {"arch/links.tar.gz!up.txt": 1, "arch/links.tar.gz!hard.txt": 1},
            ("refused_member", "refused_member"),
            _tar([_special("up.txt", tarfile.SYMTYPE, "../../etc/passwd"), _special("hard.txt", tarfile.LNKTYPE, "/etc/shadow")]))
    box.add("tar.gz with a FIFO", "arch/fifo.tar.gz!pipe", "refused_member", _tar([_special("pipe", tarfile.FIFOTYPE)]))
    # names that would forge another item's source_uri
    box.add("zip beside a file named like its member", "names/bundle.zip!story.json", "article",
            _zip([("story.json", json.dumps({"title": "Member story", "text": story("Member story")}).encode(), None)]), quick=True)
    (root / "names" / "bundle.zip!story.json").write_text(json.dumps({"title": "Lookalike story", "text": story("Lookalike story")}))
    box.add("file named like an archive member", "names/bundle.zip%21story.json", "article", quick=True)
    (root / "names" / "100%.txt").write_text(story("Percent story"))
    box.add("file name with a percent sign", "names/100%25.txt", "article", quick=True)
    box.add("tar.gz holding one member name twice", {"arch/twice.tar.gz!story.txt": 1, "arch/twice.tar.gz!story.txt!2": 1},
            ("article", "article"), _tar([("story.txt", story("First of two").encode()), ("story.txt", story("Second of two").encode())]),
            quick=True)
    box.add("truncated .gz", "arch/cut.txt.gz", "undecodable", gzip.compress(story("Gz story").encode() * 50)[:-200])
    box.add("WARC cut off after its first record", {"arch/cut.warc": 2}, ("article", "undecodable"), _warc(truncate=True))
    box.add("HTML page with no body", "html/nav.html", "no_article_text", "<html><body><nav>Home | World</nav></body></html>", quick=True)
    # the file system
    (outside / "linked").mkdir()
    (outside / "linked" / "story.txt").write_text(story("Linked folder story"))
    (root / "fs").mkdir()
    (root / "fs" / "linked").symlink_to(outside / "linked", target_is_directory=True)
    box.add("symlink to a folder outside the source", "fs/linked/story.txt", "article", quick=True)
    (root / "fs" / "zalias").symlink_to(outside / "linked", target_is_directory=True)
    box.add("second symlink to the same folder", "fs/zalias", "unreadable")
    (root / "fs" / "loop").symlink_to("..", target_is_directory=True)
    box.add("symlink loop to an ancestor folder", "fs/loop", "unreadable", quick=True)
    (root / "fs" / "dangling.txt").symlink_to(outside / "missing.txt")
    box.add("broken symlink", "fs/dangling.txt", "unreadable", quick=True)
    (root / "fs" / "self.txt").symlink_to("self.txt")
    box.add("symlink to itself", "fs/self.txt", "unreadable")
    os.mkfifo(root / "fs" / "pipe.txt")
    box.add("named pipe (FIFO)", "fs/pipe.txt", "unreadable", quick=True)
    if os.geteuid() != 0:  # root reads whatever the permissions say
        box.add("unreadable file (chmod 000)", "fs/secret.txt", "unreadable", story("Secret"))
        (root / "fs" / "secret.txt").chmod(0)
    long_name = "fs/" + "long_" * 48 + ".txt"
    box.add(f"file name of {len(Path(long_name).name)} characters", long_name, "article", story("Long name story"))
    bad_name = os.fsdecode(b"fs/caf\xe9.txt")
    (root / bad_name).write_text(story("Latin-1 file name story"))
    box.add("file name that is not UTF-8", "fs/caf%E9.txt", "article", quick=True)
    box.add("ESC sequence in a file name", "fs/evil\x1b[31m.txt", "article", story("Escape in the name"))
    if not quick:
        box.add("5 MB one-line article", "big/huge.txt", "article", "A very long article\n\n" + huge_text(5_000_000)[:5_000_000] + "\n")
        box.add("gz that expands past max_file_bytes", "big/bomb.txt.gz!bomb.txt", "too_large", gzip.compress(b"\0" * 60_000_000, 9))
    if quick:  # leave out the others' files (links included)
        for case in box.cases:
            for uri in case.uris if not case.quick else ():
                path = root / uri.split("!")[0]
                if path.is_symlink() or path.is_file() or path.is_fifo():
                    path.unlink()
    return [c for c in box.cases if c.quick or not quick]


def run_cli(source: Path, lake: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """`newslake run` as a user types it."""
    return subprocess.run(
        [sys.executable, "-m", "newslake.cli", "run", "--source", str(source), "--lake", str(lake), "--quiet", *args],
        cwd=REPO, env={"PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",  # a busy machine
                       **os.environ, "PREFECT_LOGGING_LEVEL": "WARNING", **(env or {})},
        capture_output=True, text=True, timeout=900,
    )


def last_run(lake: Path) -> dict:
    """The newest row of the runs log, through `newslake query`."""
    sql = "select status, items_seen, unchanged, quarantined, deleted_files, removed from runs order by started_at desc limit 1"
    out = subprocess.run([sys.executable, "-m", "newslake.cli", "query", "--lake", str(lake), "--format", "json", sql],
                         cwd=REPO, capture_output=True, text=True, check=True).stdout
    return json.loads(out)[0]


def _matches(row_uri: str, uri: str) -> bool:
    return row_uri == uri or row_uri.startswith(uri + "#")


def _has_controls(text: str) -> bool:
    return any((ord(c) < 32 and c not in "\n\t") or 0x7F <= ord(c) < 0xA0 for c in text)


def _article_outcome(article: dict) -> str:
    """"article", with what a reader should know: cut for extraction, control characters left."""
    notes = ["text_truncated"] if article["text_truncated"] else []
    if any(_has_controls(article[f] or "") for f in ("title", "body", "outlet", "url")):
        notes.append("CONTROL CHARACTERS LEFT")
    return "article" + (f" ({', '.join(notes)})" if notes else "")


def outcomes(lake_dir: Path, cases: list[Case]) -> list[dict]:
    """Per case: what its items became, and how many were lost."""
    sys.path.insert(0, str(REPO))
    from newslake import schema
    from newslake.lake import Lake
    from newslake.lake.parts import read_parts

    lake = Lake(lake_dir)
    manifest = lake.manifest()

    def table(name: str) -> list[dict]:
        return read_parts(lake, manifest.parts(name), schema.TABLES[name].schema).to_pylist()

    articles, quarantine, ledger = table("articles"), table("quarantine"), table("ledger")
    published = {a["article_id"] for a in articles}
    claimed: Counter = Counter()
    results = []
    for case in cases:
        found, lost = [], 0
        for uri, items in case.uris.items():
            here = [a for a in articles if _matches(a["source_uri"], uri)]
            rejected = [q for q in quarantine if _matches(q["source_uri"], uri)]
            listed = next((row["article_ids"] for row in ledger if row["source_uri"] == uri), [])
            mine = Counter(a["article_id"] for a in here)
            duplicates = sum(1 for i in listed if i in published) - sum(mine.values())
            found += [_article_outcome(a) for a in here]
            found += ["duplicate"] * duplicates + [f"{q['reason']}: {q['detail']}" for q in rejected]
            claimed.update({("a", a["source_uri"]) for a in here} | {("q", q["source_uri"], q["detail"]) for q in rejected})
            lost += max(items - len(here) - duplicates - len(rejected), 0)
        kinds = tuple(sorted(f.split(" ")[0].rstrip(":") if "CONTROL" not in f else "controls left" for f in found))
        results.append({"case": case, "found": found, "lost": lost, "as_expected": kinds == case.expect})
    unclaimed = [a["source_uri"] for a in articles if ("a", a["source_uri"]) not in claimed]
    unclaimed += [q["source_uri"] for q in quarantine if ("q", q["source_uri"], q["detail"]) not in claimed]
    return results, unclaimed


def _cell(text: str, width: int = 110) -> str:
    text = text.encode("unicode_escape").decode("ascii") if any(ord(c) < 32 or 0x7F <= ord(c) < 0xA0 for c in text) else text
    text = text.replace("|", "\\|")
    return text if len(text) <= width else text[: width - 1] + "…"


def table_lines(results: list[dict]) -> list[str]:
    lines = ["| # | input | outcome | lost |", "|---|---|---|---|"]
    for n, r in enumerate(results, 1):
        outcome = "; ".join(k + (f" ×{v}" if v > 1 else "") for k, v in Counter(r["found"]).items())
        flag = "" if r["as_expected"] else " **(unexpected)**"
        lines.append(f"| {n} | {_cell(r['case'].name, 60)} | {_cell(outcome or 'nothing')}{flag} | {r['lost']} |")
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keep", type=Path, help="build in this folder (kept) instead of a temporary one")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="newslake-hostile-")) if args.keep is None else args.keep
    source, lake = work / "inbox", work / "lake"
    started = time.perf_counter()
    cases = build(source, work / "outside")
    with prefect_server(work / "prefect") as env:
        return check(work, source, lake, cases, env, started, keep=args.keep is not None)


@contextmanager
def prefect_server(home: Path):
    """One Prefect server for the bench's runs (as `newslake serve` keeps one), instead of
    a temporary server started by each run."""
    sys.path.insert(0, str(REPO))
    from newslake.config import use_embedded_environment

    use_embedded_environment()
    os.environ["PREFECT_HOME"] = str(home)
    from prefect.server.api.server import SubprocessASGIServer

    server = SubprocessASGIServer()
    server.start(timeout=120)
    try:
        yield {"PREFECT_API_URL": server.api_url}
    finally:
        server.stop()


def check(work: Path, source: Path, lake: Path, cases: list[Case], env: dict, started: float, keep: bool) -> int:
    """Run, account for every item, rerun, delete a file and run again; print the table."""
    problems = []
    first = run_cli(source, lake, env=env)
    if first.returncode != 0:
        print(first.stdout[-3000:], first.stderr[-3000:], sep="\n")
        return 1
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
    results, unclaimed = outcomes(lake, cases)
    print(f"{len(cases)} inputs, {sum(sum(c.uris.values()) for c in cases)} items; first run "
          f"{time.perf_counter() - started:.0f} s, peak RSS of the run {peak} MB\n")
    print("\n".join(table_lines(results)))

    again = run_cli(source, lake, env=env)
    rerun = last_run(lake)
    (source / "good" / "plain.txt").unlink()
    third = run_cli(source, lake, env=env)
    after_delete = last_run(lake)
    n = len(results)
    print(f"| {n + 1} | the same inbox again | {rerun['status']}: {rerun['unchanged']} of {rerun['items_seen']} items unchanged | "
          f"{rerun['items_seen'] - rerun['unchanged']} |")
    print(f"| {n + 2} | a source file deleted (good/plain.txt) | {after_delete['status']}: deleted_files "
          f"{after_delete['deleted_files']}, {after_delete['removed']} article left the lake | 0 |")
    lost = sum(r["lost"] for r in results)
    if again.returncode or rerun["status"] != "nothing_new" or rerun["unchanged"] != rerun["items_seen"]:
        problems.append(f"the second run did not find everything unchanged: {rerun} {again.stderr[-500:]}")
    if third.returncode or (after_delete["deleted_files"], after_delete["removed"]) != (1, 1):
        problems.append(f"the deleted file was not reported: {after_delete} {third.stderr[-500:]}")
    problems += [f"unexpected outcome for {r['case'].name!r}: {r['found']} (expected {r['case'].expect})" for r in results if not r["as_expected"]]
    problems += [f"row of no input: {uri!r}" for uri in unclaimed]
    print(f"\n{lost} items lost; {time.perf_counter() - started:.0f} s in all" + (f"; kept in {work}" if keep else ""))
    for problem in problems:
        print("PROBLEM:", problem)
    if not keep:
        shutil.rmtree(work, ignore_errors=True)
    return 1 if lost or problems else 0


if __name__ == "__main__":
    sys.exit(main())
