"""Near-duplicate detection: MinHash signatures over word shingles, and an LSH index.

Exact duplicates are handled by the article id (a hash of the normalized title and
body, see `newslake.ingest.normalize.article_id`). This module finds the *near* ones: a
syndicated copy of a story with another headline, an extra promo line, another
byline or footer. Such a copy is still published, with `duplicate_of` set to the
article it copies, so that it does not count twice in the entity and date tables.

How it works
------------
* `dedup_text(title, body)` picks the text to compare: the body alone, or the title
  and the body when the body is very short (see its docstring for why).
* `shingles(text, k)` are the text's word k-grams after normalization (NFKC,
  casefold, punctuation dropped, white space folded).
* `signatures(texts)` computes one MinHash signature per text, `num_perm` uint64
  values. The hashing is datasketch's "affine64" scheme with its default
  SHA-1 based 64-bit shingle hash, computed for a whole batch at once with numpy,
  so a signature equals `datasketch.MinHash(num_perm, seed, scheme="affine64")`
  updated with the UTF-8 shingles (a test keeps this true).
* `NearDuplicateIndex` is banded LSH over `band_keys`, with the candidates of
  `datasketch.MinHashLSH` under the same banding. LSH candidates are verified
  by the Jaccard similarity estimated from the two signatures (LSH alone returns
  false positives), and among the verified ones the first-seen article wins.
* `link_near_duplicates` is the one call per run: it checks each new article, in
  order, against the lake's earlier canonical articles and against the run's
  earlier canonical articles, and returns the signatures and `duplicate_of` links.
  A duplicate is never a target: links always point at a canonical article.
  (`link_signatures` does the same from signatures computed earlier, e.g. per batch.)
* `save_signatures` / `load_signatures` keep signatures in the lake's state as
  Parquet, so a later run indexes earlier articles without recomputing them.

Texts with fewer than `k` words have no shingle: their signature is the empty-set
signature (every value 2**64 - 1). It never matches anything, not even another
empty one, and it is never indexed. Such texts are too short for similarity to
mean anything; their exact copies are still caught by the article id.

The similarity is *estimated*: with 128 permutations the estimate of a true
Jaccard of 0.9 has a standard deviation of about 0.027, so pairs close to the
threshold can fall on either side of it.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from newslake.storage import atomic_write_parquet

THRESHOLD = 0.9
NUM_PERM = 128
SEED = 1
SHINGLE_WORDS = 5
# LSH banding (bands, rows per band). datasketch's own choice for threshold 0.9 and
# 128 permutations is 5 bands of 25 rows, which finds a pair of true Jaccard 0.9
# only 31% of the time (0.95: 80%). Candidates are verified anyway, so we trade
# false positives (cheap) for recall: 16 x 8 finds a 0.85 pair 99.4% of the time,
# a 0.9 pair 99.99%, and an unrelated pair (Jaccard <= 0.3) at most 0.1%.
LSH_BANDS = (16, 8)
# A body shorter than this many words is compared together with its title.
SHORT_BODY_WORDS = 50

SCHEME = "affine64"  # datasketch's permutation scheme; values are uint64
HASH_NAME = "sha1-64le"  # shingle hash: first 8 bytes of SHA-1, little endian
NORMALIZATION = "nfkc-casefold-words-v1"
EMPTY_VALUE = np.uint64(2**64 - 1)  # a signature of the empty set is all of these
METADATA_KEY = b"newslake.dedup"

_APOSTROPHES = re.compile(r"(?<=\w)['\u2019\u02bc](?=\w)")
_WORDS = re.compile(r"[^\W_]+")
_CHUNK_SHINGLES = 1 << 12  # shingles permuted per numpy step: 4k x 128 x 8 bytes = 4 MiB (cache-sized)


# --------------------------------------------------------------------------- text


def dedup_text(title: str | None, body: str | None, short_body_words: int = SHORT_BODY_WORDS) -> str:
    """The text whose shingles stand for an article: its body, or title and body if the body is short.

    The headline is left out on purpose: syndication is where headlines are
    rewritten (another desk, another length limit, SEO), while the body is copied
    as it is. A different 10-word headline would add about 2 x 14 foreign shingles
    to a 400-word body and can push a real copy under 0.9. A very short body (a
    brief, a "more to follow" stub) is not distinctive on its own, though: two
    different briefs can share most of their few words. There the title is the
    tie-breaker, so that only briefs with the same headline and body match.
    """
    body = body or ""
    if len(body.split()) >= short_body_words:  # counted as the articles' word_count counts
        return body
    return f"{title or ''}\n{body}"


def _words(text: str) -> list[str]:
    """NFKC, casefolded words without punctuation ("Don't" -> "dont", "U.S." -> "u", "s")."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return _WORDS.findall(_APOSTROPHES.sub("", text))


def shingles(text: str, k: int = SHINGLE_WORDS) -> set[str]:
    """The text's word k-shingles, each the k normalized words joined by one space.

    A text with fewer than k words has no shingle: the empty set.
    """
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")
    words = _words(text)
    return {" ".join(words[i : i + k]) for i in range(len(words) - k + 1)}


# --------------------------------------------------------------------------- signatures


def _fmix64(values: np.ndarray) -> np.ndarray:
    """MurmurHash3's 64-bit finalizer, as datasketch applies it before permuting."""
    values = values ^ (values >> np.uint64(33))
    values = values * np.uint64(0xFF51AFD7ED558CCD)
    values = values ^ (values >> np.uint64(33))
    values = values * np.uint64(0xC4CEB9FE1A85EC53)
    return values ^ (values >> np.uint64(33))


_PERMUTATIONS: dict[tuple[int, int], tuple[np.ndarray, np.ndarray]] = {}


def _permutations(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    key = (num_perm, seed)
    if key not in _PERMUTATIONS:
        from datasketch import MinHash  # its permutations define our signatures

        a, b = MinHash(num_perm=num_perm, seed=seed, scheme=SCHEME).permutations
        _PERMUTATIONS[key] = (a.reshape(1, -1), b.reshape(1, -1))
    return _PERMUTATIONS[key]


def shingle_hashes(items: Iterable[str]) -> np.ndarray:
    """64-bit hashes of shingles: datasketch's `sha1_hash64` of their UTF-8, vectorized."""
    sha1 = hashlib.sha1
    joined = b"".join([sha1(item.encode("utf-8")).digest()[:8] for item in items])
    return np.frombuffer(joined, dtype="<u8").astype(np.uint64, copy=False)


def signatures(
    texts: Sequence[str], num_perm: int = NUM_PERM, seed: int = SEED, k: int = SHINGLE_WORDS
) -> np.ndarray:
    """MinHash signatures of the texts' shingles: an (n, num_perm) uint64 array.

    Row i equals the hash values of `datasketch.MinHash(num_perm, seed,
    scheme="affine64")` updated with the UTF-8 encoded `shingles(texts[i], k)`.
    The shingles of many texts are hashed and permuted together (numpy), then
    reduced to each text's minima with `np.minimum.reduceat`.
    """
    a, b = _permutations(num_perm, seed)
    out = np.full((len(texts), num_perm), EMPTY_VALUE, dtype=np.uint64)
    rows: list[int] = []
    parts: list[np.ndarray] = []
    pending = 0

    def flush() -> None:
        nonlocal pending
        if not rows:
            return
        lengths = np.fromiter((len(p) for p in parts), dtype=np.int64, count=len(parts))
        starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
        hashed = _fmix64(np.concatenate(parts)).reshape(-1, 1)
        permuted = hashed * a  # uint64 arithmetic wraps: that is the mod 2**64
        permuted += b
        out[rows] = np.minimum.reduceat(permuted, starts, axis=0)
        rows.clear()
        parts.clear()
        pending = 0

    for i, text in enumerate(texts):
        grams = shingles(text, k)
        if not grams:
            continue  # stays the empty-set signature
        rows.append(i)
        parts.append(shingle_hashes(grams))
        pending += len(grams)
        if pending >= _CHUNK_SHINGLES:
            flush()
    flush()
    return out


def article_texts(articles: pa.Table) -> list[str]:
    """`dedup_text(title, body)` of each row of an `articles` table: what its signature is of."""
    return [dedup_text(t, b) for t, b in zip(articles.column("title").to_pylist(), articles.column("body").to_pylist())]


def article_signatures(articles: pa.Table) -> np.ndarray:
    """`signatures` of each row of an `articles` table."""
    return signatures(article_texts(articles))


def signature_array(sigs: np.ndarray, num_perm: int = NUM_PERM) -> pa.Array:
    """Signatures as one fixed-size binary value each (little-endian uint64), without a copy per row."""
    sigs = _as_matrix(sigs, len(sigs), num_perm)
    data = np.ascontiguousarray(sigs.astype("<u8", copy=False)).tobytes()
    return pa.FixedSizeBinaryArray.from_buffers(pa.binary(8 * num_perm), len(sigs), [None, pa.py_buffer(data)])


def signatures_of_array(column: pa.Array | pa.ChunkedArray, num_perm: int = NUM_PERM) -> np.ndarray:
    """The (n, num_perm) uint64 array that `signature_array` (or `save_signatures`) wrote."""
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks() if column.num_chunks else pa.array([], pa.binary(8 * num_perm))
    if len(column) == 0:
        return np.empty((0, num_perm), dtype=np.uint64)
    offset = column.offset * 8 * num_perm
    values = np.frombuffer(column.buffers()[1], dtype="<u8", count=len(column) * num_perm, offset=offset)
    return values.astype(np.uint64).reshape(len(column), num_perm)


def is_empty(signature: np.ndarray) -> bool:
    """True for the signature of the empty set (a text with fewer than k words)."""
    return bool(np.all(np.asarray(signature) == EMPTY_VALUE))


def estimated_jaccard(signature: np.ndarray, others: np.ndarray) -> np.ndarray:
    """The Jaccard similarity estimated from signatures: the share of equal positions.

    `others` is one signature or an (m, num_perm) array; the result has one value per row.
    """
    others = np.atleast_2d(others)
    return np.count_nonzero(others == np.asarray(signature).reshape(1, -1), axis=1) / others.shape[1]


# --------------------------------------------------------------------------- index


class NearDuplicateIndex:
    """Canonical articles' signatures, queryable for the first-seen near duplicate.

    Only articles added with `add` are targets; the order of `add` calls is the
    "first seen" order. Empty-set signatures are never added.

    The LSH is banding over `band_keys`: one dict per band from key to positions.
    Two signatures are candidates exactly when `datasketch.MinHashLSH` with the same
    `params` would make them candidates (all rows of some band equal; a test keeps
    this true), at a tenth of its cost per article and without its import of scipy.
    """

    def __init__(
        self,
        num_perm: int = NUM_PERM,
        threshold: float = THRESHOLD,
        seed: int = SEED,
        bands: tuple[int, int] = LSH_BANDS,
    ) -> None:
        if bands[0] * bands[1] > num_perm:
            raise ValueError(f"{bands[0]} bands of {bands[1]} rows need more than {num_perm} permutations")
        self.num_perm = num_perm
        self.threshold = threshold
        self.seed = seed
        self.bands = bands
        self._buckets: list[dict[int, list[int]]] = [{} for _ in range(bands[0])]
        self._order: dict[str, int] = {}
        self._ids: list[str] = []
        self._rows: list[np.ndarray] = []

    def __len__(self) -> int:
        return len(self._order)

    def __contains__(self, article_id: object) -> bool:
        return article_id in self._order

    def _checked(self, signature: np.ndarray) -> np.ndarray:
        signature = np.asarray(signature, dtype=np.uint64)
        if signature.shape != (self.num_perm,):
            raise ValueError(f"expected a signature of {self.num_perm} values, got shape {signature.shape}")
        return signature

    def add(self, article_id: str, signature: np.ndarray, keys: np.ndarray | None = None) -> bool:
        """Make the article a target. Returns False (and does nothing) for an empty
        signature or an id already added: the first addition of an id stays.
        `keys` are the signature's `band_keys`, when the caller has them already."""
        signature = self._checked(signature)
        if article_id in self._order or is_empty(signature):
            return False
        position = len(self._rows)
        keys = band_keys(signature[None, :], self.bands)[0] if keys is None else keys
        for bucket, key in zip(self._buckets, keys.tolist()):
            bucket.setdefault(key, []).append(position)
        self._order[article_id] = position
        self._ids.append(article_id)
        self._rows.append(signature)
        return True

    def candidates(self, signature: np.ndarray, keys: np.ndarray | None = None) -> list[str]:
        """Added articles that share a band with `signature` (unverified), first seen first."""
        signature = self._checked(signature)
        keys = band_keys(signature[None, :], self.bands)[0] if keys is None else keys
        found: set[int] = set()
        for bucket, key in zip(self._buckets, keys.tolist()):
            found.update(bucket.get(key, ()))
        return [self._ids[p] for p in sorted(found)]

    def find(self, signature: np.ndarray, keys: np.ndarray | None = None) -> str | None:
        """The first-seen added article whose estimated Jaccard with `signature` is at
        least the threshold, or None. An empty signature matches nothing."""
        signature = self._checked(signature)
        if not self._order or is_empty(signature):
            return None
        for article_id in self.candidates(signature, keys):  # in first-seen order
            if estimated_jaccard(signature, self._rows[self._order[article_id]])[0] >= self.threshold:
                return article_id
        return None

    @classmethod
    def from_signatures(
        cls,
        ids: Sequence[str],
        sigs: np.ndarray,
        threshold: float = THRESHOLD,
        seed: int = SEED,
        bands: tuple[int, int] = LSH_BANDS,
    ) -> "NearDuplicateIndex":
        """An index of the given articles, added in the given (first-seen) order."""
        sigs = _as_matrix(sigs, len(ids))
        index = cls(num_perm=sigs.shape[1], threshold=threshold, seed=seed, bands=bands)
        for article_id, signature, keys in zip(ids, sigs, band_keys(sigs, bands)):
            index.add(article_id, signature, keys)
        return index


def _as_matrix(sigs: np.ndarray, n: int, num_perm: int | None = None) -> np.ndarray:
    sigs = np.asarray(sigs, dtype=np.uint64)
    if sigs.size == 0 and num_perm is not None:
        sigs = sigs.reshape(0, num_perm)
    if sigs.ndim != 2 or sigs.shape[0] != n:
        raise ValueError(f"expected {n} signatures as an (n, num_perm) array, got shape {sigs.shape}")
    if num_perm is not None and sigs.shape[1] != num_perm:
        raise ValueError(f"signatures have {sigs.shape[1]} values each, expected num_perm={num_perm}")
    return sigs


def link_signatures(
    existing_ids: Sequence[str],
    existing_sigs: np.ndarray,
    new_ids: Sequence[str],
    new_sigs: np.ndarray,
    *,
    threshold: float = THRESHOLD,
    seed: int = SEED,
    bands: tuple[int, int] = LSH_BANDS,
) -> list[str | None]:
    """`duplicate_of` for each new article, from signatures already computed.

    `existing_ids`/`existing_sigs` are the lake's canonical articles (not its
    duplicates) in first-seen order, as `load_signatures` returns them. The new
    articles are taken in the given order: each is compared with the existing
    canonical articles and with the canonical new articles before it. A duplicate
    links to the first-seen match and does not become a target itself, so links
    never chain (a copy of a copy links to the original, or to nothing).
    """
    new_sigs = _as_matrix(new_sigs, len(new_ids))
    existing_sigs = _as_matrix(existing_sigs, len(existing_ids), new_sigs.shape[1])
    old_keys, new_keys = band_keys(existing_sigs, bands), band_keys(new_sigs, bands)
    old_in, new_in = _interacting(list(existing_ids), existing_sigs, old_keys, list(new_ids), new_sigs, new_keys)
    index = NearDuplicateIndex(num_perm=new_sigs.shape[1], threshold=threshold, seed=seed, bands=bands)
    for i in np.flatnonzero(old_in).tolist():  # in first-seen order, as `from_signatures` adds them
        index.add(existing_ids[i], existing_sigs[i], old_keys[i])
    duplicate_of: list[str | None] = [None] * len(new_ids)
    for i in np.flatnonzero(new_in).tolist():
        article_id, signature, keys = new_ids[i], new_sigs[i], new_keys[i]
        target = index.find(signature, keys)
        if target == article_id:  # the same article again: exact dedup's business, not a link
            target = None
        duplicate_of[i] = target
        if target is None:
            index.add(article_id, signature, keys)
    return duplicate_of


def _interacting(
    old_ids: list[str], old_sigs: np.ndarray, old_keys: np.ndarray, new_ids: list[str], new_sigs: np.ndarray, new_keys: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Which existing and new articles the linking loop must see: (bool per existing, bool per new).

    An article with an empty signature is never added nor matched. A non-empty one
    that shares no band key with any other and whose id no other carries is never a
    candidate of another, and has none itself: its link is None and leaving it out of
    the index changes no other article's link. Only the rest, usually few, go through
    the loop, with the same result as if every article did (the common case of a
    backlog of distinct articles then costs a few numpy sorts, not a loop)."""
    empty = np.concatenate([_empty_rows(old_sigs), _empty_rows(new_sigs)])
    keys = np.concatenate([old_keys, new_keys])[~empty]
    shared = np.zeros(len(keys), dtype=bool)
    for column in keys.T:  # a key that occurs twice in a band: those rows are candidates of each other
        _, inverse, counts = np.unique(column, return_inverse=True, return_counts=True)
        shared |= counts[inverse] > 1
    ids = [article_id for article_id, e in zip(old_ids + new_ids, empty.tolist()) if not e]
    seen = Counter(ids)
    if len(seen) < len(ids):
        shared |= np.fromiter((seen[article_id] > 1 for article_id in ids), dtype=bool, count=len(ids))
    keep = np.zeros(len(empty), dtype=bool)
    keep[~empty] = shared
    return keep[: len(old_ids)], keep[len(old_ids):]


def _empty_rows(sigs: np.ndarray) -> np.ndarray:
    """True for each row that is the empty-set signature (see `is_empty`)."""
    return np.all(sigs == EMPTY_VALUE, axis=1) if len(sigs) else np.zeros(0, dtype=bool)


def link_near_duplicates(
    existing_ids: Sequence[str],
    existing_sigs: np.ndarray,
    new_ids: Sequence[str],
    new_texts: Sequence[str],
    *,
    num_perm: int = NUM_PERM,
    seed: int = SEED,
    k: int = SHINGLE_WORDS,
    threshold: float = THRESHOLD,
    bands: tuple[int, int] = LSH_BANDS,
) -> tuple[np.ndarray, list[str | None]]:
    """One run's near-duplicate links: (signatures of the new texts, duplicate_of per new article).

    `signatures(new_texts)` then `link_signatures` (see there for the rules).
    `new_texts` should be `dedup_text(title, body)` of each new article.
    """
    if len(new_ids) != len(new_texts):
        raise ValueError(f"{len(new_ids)} ids but {len(new_texts)} texts")
    existing_sigs = _as_matrix(existing_sigs, len(existing_ids), num_perm)
    new_sigs = signatures(new_texts, num_perm=num_perm, seed=seed, k=k)
    links = link_signatures(
        existing_ids, existing_sigs, new_ids, new_sigs, threshold=threshold, seed=seed, bands=bands
    )
    return new_sigs, links


def canonical(
    ids: Sequence[str], sigs: np.ndarray, duplicate_of: Sequence[str | None]
) -> tuple[list[str], np.ndarray]:
    """The rows to keep as targets for later runs: articles that are not duplicates."""
    keep = [i for i, target in enumerate(duplicate_of) if target is None]
    return [ids[i] for i in keep], np.asarray(sigs, dtype=np.uint64)[keep]


# --------------------------------------------------------------------------- the lake's signatures


_BAND_MIX = np.array([0x9E3779B97F4A7C15 + 2 * i + 1 for i in range(64)], dtype=np.uint64)


def band_keys(sigs: np.ndarray, bands: tuple[int, int] = LSH_BANDS) -> np.ndarray:
    """One 64-bit key per LSH band of each signature: (n, bands) uint64.

    Two signatures share a key exactly when (barring a 2**-64 collision) all the
    band's rows are equal, which is the candidate rule of `MinHashLSH` with the same
    banding; candidates are verified by their estimated Jaccard anyway."""
    count, rows = bands
    sigs = np.asarray(sigs, dtype=np.uint64)
    if sigs.size == 0:
        return np.empty((0, count), dtype=np.uint64)
    shaped = sigs[:, : count * rows].reshape(len(sigs), count, rows)
    mixed = (shaped * _BAND_MIX[:rows]).sum(axis=2, dtype=np.uint64)  # wraps mod 2**64
    return _fmix64(mixed + np.arange(count, dtype=np.uint64))


def signature_table(ids: Sequence[str], sigs: np.ndarray, first_seq: int) -> pa.Table:
    """Rows of the lake's `signatures` table for canonical articles, in first-seen order."""
    from newslake.schema import SIGNATURES

    sigs = _as_matrix(sigs, len(ids), NUM_PERM)
    n = len(ids)
    raw = np.ascontiguousarray(sigs.astype("<u8", copy=False)).tobytes()
    keys = band_keys(sigs)
    # built from buffers, not row by row: one bytes value and one list of band keys per row
    offsets = pa.array(np.arange(n + 1, dtype=np.int32) * (8 * NUM_PERM), pa.int32()).buffers()[1]
    signature = pa.Array.from_buffers(pa.binary(), n, [None, offsets, pa.py_buffer(raw)])
    key_offsets = pa.array(np.arange(n + 1, dtype=np.int32) * keys.shape[1], pa.int32())
    bands = pa.ListArray.from_arrays(key_offsets, pa.array(keys.reshape(-1), pa.uint64()))
    return pa.table(
        {
            "article_id": pa.array(list(ids), pa.string()),
            "seq": pa.array(range(first_seq, first_seq + n), pa.int64()),
            "signature": signature,
            "bands": bands,
        },
        schema=SIGNATURES,
    )


def signatures_from_table(table: pa.Table) -> tuple[list[str], np.ndarray]:
    """(ids, signatures) of `signatures` rows, in first-seen (seq) order."""
    if table.num_rows == 0:
        return [], np.empty((0, NUM_PERM), dtype=np.uint64)
    table = table.sort_by("seq")
    blobs = table.column("signature").to_pylist()
    sigs = np.frombuffer(b"".join(blobs), dtype="<u8").astype(np.uint64).reshape(len(blobs), -1)
    return table.column("article_id").to_pylist(), sigs


def lake_candidates(con, new_sigs: np.ndarray, excluded: Sequence[str] = ()) -> tuple[list[str], np.ndarray]:
    """The lake's canonical articles that share an LSH band with any new signature.

    `con` has a view `signatures` over the lake's signature parts; the join runs in
    DuckDB over the band keys, so only candidates' signatures come into memory,
    however many articles the lake holds. `excluded` ids (superseded articles) are
    left out. Returned in first-seen order, ready for `link_signatures`."""
    from newslake.schema import SIGNATURES

    keys = band_keys(new_sigs)
    if keys.size == 0:
        return [], np.empty((0, NUM_PERM), dtype=np.uint64)
    probe = pa.table(
        {
            "band": pa.array(np.tile(np.arange(keys.shape[1]), keys.shape[0]), pa.int32()),
            "key": pa.array(keys.reshape(-1), pa.uint64()),
        }
    )
    con.register("__probe", probe)
    con.register("__excluded", pa.table({"article_id": pa.array(list(excluded), pa.string())}))
    try:
        found = con.sql(
            """
            with keyed as (
                select article_id, seq, signature, unnest(bands) as key, generate_subscripts(bands, 1) - 1 as band
                from signatures
            ),
            hits as (
                select distinct k.article_id
                from keyed as k
                join __probe as p on p.band = k.band and p.key = k.key
            )
            select s.article_id, s.seq, s.signature, s.bands
            from signatures as s
            where s.article_id in (select article_id from hits)
              and s.article_id not in (select article_id from __excluded)
            order by s.seq
            """
        ).to_arrow_table()
    finally:
        con.unregister("__probe")
        con.unregister("__excluded")
    return signatures_from_table(found.cast(SIGNATURES))


# --------------------------------------------------------------------------- persistence


@dataclass(frozen=True)
class SignatureParams:
    num_perm: int = NUM_PERM
    seed: int = SEED
    k: int = SHINGLE_WORDS

    def metadata(self) -> dict:
        return {
            "num_perm": self.num_perm,
            "seed": self.seed,
            "k": self.k,
            "scheme": SCHEME,
            "hash": HASH_NAME,
            "normalization": NORMALIZATION,
            # datasketch draws the permutations from the seed; a fingerprint of them
            # catches a datasketch version that draws them differently.
            "permutations": _fingerprint(*_permutations(self.num_perm, self.seed)),
        }


def _fingerprint(a: np.ndarray, b: np.ndarray) -> str:
    return hashlib.sha256(a.astype("<u8").tobytes() + b.astype("<u8").tobytes()).hexdigest()[:16]


def _schema(params: SignatureParams) -> pa.Schema:
    return pa.schema(
        [("article_id", pa.string()), ("signature", pa.binary(8 * params.num_perm))],
        metadata={METADATA_KEY: json.dumps(params.metadata(), sort_keys=True).encode()},
    )


def save_signatures(
    path: Path, ids: Sequence[str], sigs: np.ndarray, *, seed: int = SEED, k: int = SHINGLE_WORDS
) -> None:
    """Write signatures as Parquet (article_id, signature as little-endian fixed-size binary),
    atomically, with the parameters that made them in the schema metadata."""
    sigs = _as_matrix(sigs, len(ids))
    params = SignatureParams(num_perm=sigs.shape[1], seed=seed, k=k)
    schema = _schema(params)
    table = pa.table([pa.array(list(ids), pa.string()), signature_array(sigs, params.num_perm)], schema=schema)
    atomic_write_parquet(table, Path(path))


def load_signatures(
    path: Path, *, num_perm: int = NUM_PERM, seed: int = SEED, k: int = SHINGLE_WORDS
) -> tuple[list[str], np.ndarray]:
    """Read signatures written by `save_signatures`: (ids, (n, num_perm) uint64 array).

    `path` is one Parquet file, or a folder whose `*.parquet` files are read in
    name order (one file per run, named so that names sort in run order). A path
    that does not exist gives no signatures. Signatures made with other
    parameters (num_perm, seed, k, hashing or normalization) cannot be compared
    with new ones: loading them raises ValueError.
    """
    path = Path(path)
    if not path.exists():
        return [], np.empty((0, num_perm), dtype=np.uint64)
    files = sorted(path.glob("*.parquet")) if path.is_dir() else [path]
    expected = SignatureParams(num_perm=num_perm, seed=seed, k=k).metadata()
    ids: list[str] = []
    blocks: list[np.ndarray] = []
    for file in files:
        table = pq.read_table(file)
        raw = (table.schema.metadata or {}).get(METADATA_KEY)
        found = json.loads(raw) if raw else None
        if found != expected:
            if found is None:
                differences = "unknown parameters (no newslake.dedup metadata)"
            else:
                differences = ", ".join(
                    f"{name}={found.get(name)!r} (expected {value!r})"
                    for name, value in expected.items()
                    if found.get(name) != value
                )
            raise ValueError(
                f"signatures in {file.name} were made with {differences}: they cannot be compared "
                "with new ones; recompute them from the articles' text"
            )
        blocks.append(signatures_of_array(table.column("signature"), num_perm))
        ids.extend(table.column("article_id").to_pylist())
    sigs = np.concatenate(blocks) if blocks else np.empty((0, num_perm), dtype=np.uint64)
    return ids, sigs
