"""Archive members: .gz, .zip, .tar, .tar.gz/.tgz built here in memory."""

from __future__ import annotations

import gzip
import io
import tarfile
import zipfile

import pytest

from newslake.readers import RawArticle, format_of, read_document
from newslake.readers.archives import Member, RejectedMember, is_archive, iter_members
from newslake.readers.base import Rejected

MB = 1 << 20
ARTICLE = b"Budget approved\n\nThe council voted on Tuesday to approve the new budget.\n"
RECORDS = b'{"title": "Parks", "text": "Parks get more money this year."}\n'


def zip_bytes(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def tar_bytes(files: dict[str, bytes], mode: str = "w:gz") -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode=mode) as archive:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            if name.endswith("/"):
                info.type = tarfile.DIRTYPE
            else:
                info.size = len(data)
            archive.addfile(info, io.BytesIO(data) if data else None)
    return buffer.getvalue()


def members(name: str, data: bytes, max_member: int = MB, max_total: int = 10 * MB) -> list:
    return list(iter_members(name, data, max_member, max_total))


def test_is_archive():
    for name in ("a.zip", "a.tar", "a.tar.gz", "A.TGZ", "a.txt.gz", "inbox/x.jsonl.gz"):
        assert is_archive(name), name
    for name in ("a.warc.gz", "a.WARC.GZ", "a.warc", "a.html", "a.txt", "a"):
        assert not is_archive(name), name
    assert format_of("a.zip") is None and format_of("a.txt.gz") is None


def test_gz_single_file():
    assert members("inbox/story.txt.gz", gzip.compress(ARTICLE)) == [Member("story.txt", ARTICLE)]
    (member,) = members("story.txt.gz", gzip.compress(ARTICLE))
    article = next(iter(read_document(member.name, member.data)))
    assert isinstance(article, RawArticle) and article.title == "Budget approved"


def test_gz_of_several_gzip_members_is_one_file():
    assert members("s.txt.gz", gzip.compress(b"one ") + gzip.compress(b"two")) == [Member("s.txt", b"one two")]


def test_zip_members_skip_junk_and_keep_paths():
    data = zip_bytes(
        {
            "2021/": b"",
            "2021/story.txt": ARTICLE,
            "2021/records.jsonl": RECORDS,
            "__MACOSX/2021/._story.txt": b"\x00\x05\x16\x07",
            ".DS_Store": b"\x00\x00\x00\x01Bud1",
            "2021/.hidden.txt": b"secret",
            "inner.zip": zip_bytes({"x.txt": ARTICLE}),
        }
    )
    got = members("batch.zip", data)
    assert [m.name for m in got] == ["2021/story.txt", "2021/records.jsonl", "inner.zip"]
    assert got[0].data == ARTICLE
    # a nested archive is not opened: read_document rejects it as unsupported
    (rejection,) = read_document(got[2].name, got[2].data)
    assert rejection.reason == "unsupported_type"


@pytest.mark.parametrize(("name", "mode"), [("batch.tar.gz", "w:gz"), ("batch.tgz", "w:gz"), ("batch.tar", "w")])
def test_tar_members(name, mode):
    data = tar_bytes({"./2021/": b"", "./2021/story.txt": ARTICLE, "./2021/records.jsonl": RECORDS, "./._story.txt": b"x"}, mode)
    assert members(name, data) == [Member("2021/story.txt", ARTICLE), Member("2021/records.jsonl", RECORDS)]


def test_warc_gz_inside_an_archive_is_a_member():
    assert [m.name for m in members("crawls.zip", zip_bytes({"day1.warc.gz": b"\x1f\x8b..."}))] == ["day1.warc.gz"]


def test_oversize_member_is_rejected_alone():
    big = b"0" * (2 * MB)
    for name, data in (("batch.zip", zip_bytes({"a.txt": ARTICLE, "big.txt": big, "b.txt": ARTICLE})),
                       ("batch.tar.gz", tar_bytes({"a.txt": ARTICLE, "big.txt": big, "b.txt": ARTICLE}))):
        got = members(name, data, max_member=MB, max_total=10 * MB)
        assert [type(m).__name__ for m in got] == ["Member", "RejectedMember", "Member"], name
        assert got[1].name == "big.txt" and got[1].rejection.reason == "too_large"


def test_zip_bomb_is_caught_while_reading():
    bomb = gzip.compress(bytes(50 * MB))  # 50 MB of zeros in ~50 KB
    assert len(bomb) < MB
    (rejected,) = members("bomb.txt.gz", bomb, max_member=MB)
    assert isinstance(rejected, RejectedMember) and rejected.rejection.reason == "too_large"
    # a zip whose header lies about the member's size is caught by counting
    data = bytearray(zip_bytes({"bomb.txt": bytes(2 * MB)}))
    size = (2 * MB).to_bytes(4, "little")
    data = bytes(data).replace(size, (100).to_bytes(4, "little"))  # local and central "uncompressed size"
    (got,) = members("bomb.zip", data, max_member=MB)
    assert isinstance(got, RejectedMember) and got.rejection.reason in ("too_large", "undecodable")


def test_total_size_cap():
    data = zip_bytes({f"{n}.txt": bytes(400_000) for n in range(10)})
    got = []
    with pytest.raises(Rejected) as caught:
        for item in iter_members("many.zip", data, MB, MB):
            got.append(item)
    assert caught.value.rejection.reason == "too_large"
    assert len(got) == 2  # what fitted was yielded before the cap


@pytest.mark.parametrize(
    ("name", "data", "prefix"),
    [
        ("bad.zip", b"PK\x03\x04 this is not really a zip", "corrupt zip"),
        ("cut.zip", zip_bytes({"a.txt": ARTICLE})[:40], "corrupt zip"),
        ("bad.tar", b"not a tar at all" * 40, "corrupt tar"),
        ("bad.txt.gz", b"\x1f\x8b\x08\x00 garbage garbage", "corrupt gzip"),
        ("cut.txt.gz", gzip.compress(ARTICLE * 50)[:-30], "corrupt gzip"),
        ("cut.tar.gz", tar_bytes({"a.txt": ARTICLE * 200})[:200], "corrupt"),
    ],
    ids=lambda value: value if isinstance(value, str) else "data",  # archive bytes hold the clock: no id of them
)
def test_corrupt_archive(name, data, prefix):
    with pytest.raises(Rejected) as caught:
        members(name, data)
    assert caught.value.rejection.reason == "undecodable"
    assert caught.value.rejection.detail.startswith(prefix)
