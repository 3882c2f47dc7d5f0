"""Bytes to text, or a clear reason why a file is not text at all."""

from __future__ import annotations

import codecs

from charset_normalizer import from_bytes

from newslake.readers.base import Rejected

# Signatures of common binary formats that sometimes arrive with a text extension.
_MAGIC = {
    b"%PDF": "PDF document",
    b"\x89PNG": "PNG image",
    b"\xff\xd8\xff": "JPEG image",
    b"GIF8": "GIF image",
    b"PK\x03\x04": "ZIP archive",
    b"\x1f\x8b": "gzip data",
    b"\x7fELF": "ELF executable",
}
_SNIFF = 8192
_CONTROL = set(range(0, 32)) - {9, 10, 12, 13}


def _looks_binary(data: bytes) -> str | None:
    for magic, what in _MAGIC.items():
        if data.startswith(magic):
            return f"{what} (starts with {magic!r})"
    head = data[:_SNIFF]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None
    if b"\x00" in head:
        return f"NUL byte at offset {head.index(0)}"
    controls = sum(1 for b in head if b in _CONTROL)
    if head and controls / len(head) > 0.05:
        return f"{controls} control bytes in the first {len(head)}"
    return None


def decode_text(data: bytes) -> tuple[str, str]:
    """Return (text, encoding). Raises `Rejected` for empty, binary or undecodable input."""
    if not data.strip():
        raise Rejected("empty", "file is empty" if not data else "file holds only white space")
    binary = _looks_binary(data)
    if binary:
        raise Rejected("binary", binary)
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        first_error = exc
    best = from_bytes(data).best()
    if best is None or best.chaos > 0.3:
        raise Rejected(
            "undecodable",
            f"not UTF-8 (byte {data[first_error.start]:#04x} at offset {first_error.start}) "
            "and no other encoding fits",
        )
    return str(best), best.encoding
