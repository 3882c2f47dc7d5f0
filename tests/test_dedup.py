"""Near-duplicate detection: shingles, signatures, the LSH index, links and persistence."""

from __future__ import annotations

import numpy as np
import pyarrow.parquet as pq
import pytest
from datasketch import MinHash

from newslake.ingest import dedup
from newslake.storage import atomic_write_parquet

# A wire story (about 330 words), and the same story as two other outlets ran it.
STORY = """\
The regional water authority said on Tuesday that it would spend 420 million euros over the next
six years replacing lead pipes in older neighbourhoods, after tests last spring found levels above
the legal limit in more than three hundred homes. The programme, which the authority described as
the largest in its history, will start in the northern districts in March and move south block by
block. Residents will be told by letter at least four weeks before work begins on their street,
and temporary supply points will be set up where the water has to be cut for more than a day.
The authority's chief engineer, Marta Holm, said the old pipes had been laid between 1890 and 1935
and had outlived every estimate of their working life. "We have been patching them for decades,"
she said. "Patching is no longer honest. We are going to take them out." The city council approved
the budget late on Monday by 41 votes to 9. Opposition members argued that the cost should be
shared with the national government, which set the stricter limit two years ago, and proposed an
amendment asking for a federal grant; it was rejected. Tenant associations welcomed the plan but
asked for a faster schedule in buildings where children under six live, saying that four years of
waiting was too long for families who already use bottled water. Holm said the authority would
publish a map of the planned work online and update it every month, and that homes with the
highest readings would be among the first to be connected to new pipes. Independent engineers who
reviewed the plan for the council said the timetable was ambitious but achievable if the supply of
copper and polyethylene pipe holds steady. They warned that a shortage of qualified plumbers could
delay the later phases, and recommended that the authority start training apprentices this year.
The authority will also offer free water filters to every household on the affected streets until
their connection has been replaced, and will test the water in each home again after the work."""

SYNDICATED = (
    "Subscribe to our newsletter for the day's top stories, delivered every morning.\n"
    + STORY.replace("\n", " ")
    + "\nReporting by the Northern Desk; editing by J. Ruiz. Copyright 2024 Northern Wire Services."
)
REPRINT = (
    STORY.upper().replace(".", " .")  # other case and punctuation spacing: same words
    + "\n\nRead more: our full coverage of the city's infrastructure.\nBy Staff Reporter | Updated 09:14"
)

# Another article on the same topic, by other people, in other words.
SAME_TOPIC = """\
Lead pipes will be dug out of thousands of older homes under a plan approved by the city council on
Monday night. The water authority's project, costed at 420 million euros, follows tests showing lead
above the legal limit in several hundred homes last spring. Work begins in March in the north of the
city. Families with young children said they hoped their streets would come first, and a tenants'
group asked for the schedule to be shortened. Councillors from the opposition wanted the national
government to share the bill because it had tightened the limit, but their amendment failed. The
authority's chief engineer said the pipes, laid more than a century ago, had reached the end of their
life and could no longer be repaired. Engineers who reviewed the plan said it could be delivered on
time if materials and skilled plumbers were available. Households on affected streets will get free
filters until their pipes are replaced, and a monthly updated map of the work will be published."""


def test_shingles_are_normalized_word_kgrams():
    assert dedup.shingles("The  cat, sat! on\tthe MAT.", k=3) == {"the cat sat", "cat sat on", "sat on the", "on the mat"}
    assert dedup.shingles("Don\u2019t stop: don't STOP", k=2) == {"dont stop", "stop dont"}
    assert dedup.shingles("ﬁve  ﬁve", k=2) == {"five five"}  # NFKC


def test_signatures_equal_datasketch_minhash():
    sigs = dedup.signatures([STORY, SAME_TOPIC, "too short"], num_perm=64, seed=7)
    assert sigs.shape == (3, 64) and sigs.dtype == np.uint64
    for text, sig in zip([STORY, SAME_TOPIC], sigs):
        reference = MinHash(num_perm=64, seed=7, scheme="affine64")
        reference.update_batch([s.encode("utf-8") for s in dedup.shingles(text)])
        assert np.array_equal(reference.hashvalues, sig)


def test_signatures_do_not_depend_on_batching():
    texts = [STORY, SAME_TOPIC, SYNDICATED, "", REPRINT] * 30  # more shingles than one numpy chunk
    together = dedup.signatures(texts)
    one_by_one = np.vstack([dedup.signatures([t]) for t in texts])
    assert np.array_equal(together, one_by_one)


def test_syndicated_copy_with_other_boilerplate_is_linked():
    _, links = dedup.link_near_duplicates([], [], ["orig", "synd", "reprint"], [STORY, SYNDICATED, REPRINT])
    assert links == [None, "orig", "orig"]


def test_same_topic_other_article_is_not_linked():
    sigs, links = dedup.link_near_duplicates([], [], ["a", "b"], [STORY, SAME_TOPIC])
    assert links == [None, None]
    assert dedup.estimated_jaccard(sigs[0], sigs[1])[0] < 0.5


def test_links_never_chain_from_texts():
    # B is a near copy of A; C is a near copy of B but too far from A. C must not
    # link to B (a duplicate) and, not being close enough to A, is canonical.
    words = [f"w{i}" for i in range(1100)]
    a, b, c = (" ".join(words[shift : shift + 1000]) for shift in (0, 35, 70))
    sigs, links = dedup.link_near_duplicates([], [], ["A", "B", "C"], [a, b, c])
    jaccard = lambda i, j: dedup.estimated_jaccard(sigs[i], sigs[j])[0]  # noqa: E731
    assert jaccard(0, 1) >= 0.9 and jaccard(1, 2) >= 0.9 and jaccard(0, 2) < 0.9  # the construction holds
    assert links == [None, "A", None]


def _near(signature: np.ndarray, positions: range, salt: int) -> np.ndarray:
    """A copy of a signature with some positions changed (estimated Jaccard 1 - len/num_perm)."""
    out = signature.copy()
    out[list(positions)] = np.arange(len(positions), dtype=np.uint64) + np.uint64(salt)
    return out


def test_links_go_to_the_first_seen_canonical_article():
    rng = np.random.default_rng(0)
    a = rng.integers(0, 2**63, 128, dtype=np.uint64)
    b = _near(a, range(0, 10), 1)  # J(a, b) = 0.92
    c = _near(b, range(10, 20), 2)  # J(b, c) = 0.92, J(a, c) = 0.84
    d = _near(a, range(120, 128), 3)  # J(a, d) = 0.94, J(b, d) = 0.86
    other = rng.integers(0, 2**63, 128, dtype=np.uint64)
    links = dedup.link_signatures([], np.empty((0, 128), np.uint64), list("abcdo"), np.stack([a, b, c, d, other]))
    assert links == [None, "a", None, "a", None]
    # c is canonical now: a later copy of c links to c even though b came earlier.
    e = _near(c, range(30, 35), 4)
    assert dedup.link_signatures(list("aco"), np.stack([a, c, other]), ["e"], e[None, :]) == ["c"]
    # When several canonical articles match, the earliest wins, whatever the LSH returns first.
    twin = _near(a, range(60, 62), 5)
    assert dedup.link_signatures(["t", "a"], np.stack([twin, a]), ["x"], b[None, :]) == ["t"]
    assert dedup.link_signatures(["a", "t"], np.stack([a, twin]), ["x"], b[None, :]) == ["a"]


def test_existing_articles_come_before_the_run_and_win():
    old_sigs = dedup.signatures([STORY])
    _, links = dedup.link_near_duplicates(["old"], old_sigs, ["new1", "new2"], [SYNDICATED, REPRINT])
    assert links == ["old", "old"]


def test_index_returns_earliest_added_verified_candidate():
    sigs = dedup.signatures([SYNDICATED, REPRINT, SAME_TOPIC, STORY])
    index = dedup.NearDuplicateIndex()
    assert index.add("second", sigs[1]) and index.add("first", sigs[0])  # order of add is first-seen order
    assert not index.add("second", sigs[0])  # an id is added once
    index.add("other", sigs[2])
    assert index.find(sigs[3]) == "second"
    rebuilt = dedup.NearDuplicateIndex.from_signatures(["first", "second", "other"], sigs[[0, 1, 2]])
    assert rebuilt.find(sigs[3]) == "first"
    assert len(rebuilt) == 3 and "other" in rebuilt


def test_index_verifies_lsh_candidates():
    # Candidates from LSH are checked: a signature that shares a band (here: the
    # first 8 values) but little else is not reported.
    sig = dedup.signatures([STORY])[0]
    other = dedup.signatures([SAME_TOPIC])[0].copy()
    other[:8] = sig[:8]
    index = dedup.NearDuplicateIndex.from_signatures(["story"], sig[None, :])
    assert index.candidates(other) == ["story"]
    assert index.find(other) is None


def test_index_candidates_are_those_of_datasketch_lsh():
    from datasketch import LeanMinHash, MinHashLSH

    rng = np.random.default_rng(3)
    base = rng.integers(0, 2**63, size=(40, dedup.NUM_PERM), dtype=np.uint64)
    # copies of the first rows that keep one or two bands, and change everything else
    mixed = rng.integers(0, 2**63, size=(40, dedup.NUM_PERM), dtype=np.uint64)
    for i in range(40):
        band = i % dedup.LSH_BANDS[0]
        rows = slice(band * dedup.LSH_BANDS[1], (band + 1) * dedup.LSH_BANDS[1])
        mixed[i, rows] = base[i % 7, rows]
    ids = [f"a{i}" for i in range(40)]
    ours = dedup.NearDuplicateIndex.from_signatures(ids, base)
    theirs = MinHashLSH(threshold=dedup.THRESHOLD, num_perm=dedup.NUM_PERM, params=dedup.LSH_BANDS)
    for article_id, sig in zip(ids, base):
        theirs.insert(article_id, LeanMinHash(seed=dedup.SEED, hashvalues=sig, scheme=dedup.SCHEME))
    for sig in [*mixed, *base[:5]]:
        expected = theirs.query(LeanMinHash(seed=dedup.SEED, hashvalues=sig, scheme=dedup.SCHEME))
        assert sorted(ours.candidates(sig)) == sorted(expected)


def test_short_texts_do_not_crash_and_never_match():
    texts = ["", "Too short.", "Too short.", "four words right here"]
    sigs, links = dedup.link_near_duplicates([], [], ["e", "s1", "s2", "w4"], texts)
    assert links == [None, None, None, None]
    assert all(dedup.is_empty(s) for s in sigs)
    index = dedup.NearDuplicateIndex.from_signatures(["e", "s1"], sigs[:2])
    assert len(index) == 0 and index.find(sigs[2]) is None


def test_dedup_text_uses_the_title_only_for_short_bodies():
    assert dedup.dedup_text("Headline", STORY) == STORY
    assert dedup.dedup_text("Headline", "Markets closed higher. More to follow.").startswith("Headline\n")
    # Two briefs with the same stub body but other headlines are not duplicates.
    stub = "Shares rose sharply in early trading on Friday after the announcement, and more details will follow later today."
    one = dedup.dedup_text("Carmaker Veltra agrees merger with battery maker Ionis", stub)
    two = dedup.dedup_text("Grocer Halvorsen announces surprise profit for the third quarter", stub)
    assert dedup.link_near_duplicates([], [], ["1", "2"], [one, two])[1] == [None, None]


def test_canonical_keeps_only_link_targets():
    sigs, links = dedup.link_near_duplicates([], [], ["orig", "synd", "other"], [STORY, SYNDICATED, SAME_TOPIC])
    ids, kept = dedup.canonical(["orig", "synd", "other"], sigs, links)
    assert ids == ["orig", "other"] and np.array_equal(kept, sigs[[0, 2]])


def test_signatures_round_trip_through_parquet(tmp_path):
    ids = ["a", "b", "c"]
    sigs = dedup.signatures([STORY, SAME_TOPIC, ""])
    path = tmp_path / "state" / "signatures.parquet"
    dedup.save_signatures(path, ids, sigs)
    loaded_ids, loaded = dedup.load_signatures(path)
    assert loaded_ids == ids and loaded.dtype == np.uint64 and np.array_equal(loaded, sigs)
    metadata = pq.read_schema(path).metadata[dedup.METADATA_KEY]
    assert b'"num_perm": 128' in metadata and b'"seed": 1' in metadata
    assert [p.name for p in path.parent.iterdir()] == ["signatures.parquet"]  # no temporary left


def test_signatures_load_from_a_folder_of_runs_in_name_order(tmp_path):
    sigs = dedup.signatures([STORY, SAME_TOPIC, SYNDICATED])
    dedup.save_signatures(tmp_path / "20240102T000000Z-bbbbbb.parquet", ["b"], sigs[1:2])
    dedup.save_signatures(tmp_path / "20240101T000000Z-aaaaaa.parquet", ["a", "c"], sigs[[0, 2]])
    ids, loaded = dedup.load_signatures(tmp_path)
    assert ids == ["a", "c", "b"] and np.array_equal(loaded, sigs[[0, 2, 1]])
    missing_ids, missing = dedup.load_signatures(tmp_path / "missing")
    assert missing_ids == [] and missing.shape == (0, 128)
    # What was loaded is what the next run links against.
    _, links = dedup.link_near_duplicates(ids, loaded, ["new"], [REPRINT])
    assert links == ["a"]


def test_signatures_made_with_other_parameters_are_refused(tmp_path):
    path = tmp_path / "sigs.parquet"
    dedup.save_signatures(path, ["a"], dedup.signatures([STORY], num_perm=64, seed=1))
    with pytest.raises(ValueError, match=r"num_perm=64 \(expected 128\)"):
        dedup.load_signatures(path)
    assert dedup.load_signatures(path, num_perm=64)[0] == ["a"]
    dedup.save_signatures(path, ["a"], dedup.signatures([STORY], seed=2), seed=2)
    with pytest.raises(ValueError, match=r"seed=2 \(expected 1\)") as refused:
        dedup.load_signatures(path)
    assert "num_perm" not in str(refused.value)  # only what differs is named
    with pytest.raises(ValueError, match=r"k=5 \(expected 4\)"):
        dedup.load_signatures(path, seed=2, k=4)
    dedup.save_signatures(path, [], np.empty((0, 128), np.uint64))
    assert dedup.load_signatures(path)[1].shape == (0, 128)


def test_signatures_without_metadata_are_refused(tmp_path):
    import pyarrow as pa

    path = tmp_path / "sigs.parquet"
    atomic_write_parquet(pa.table({"article_id": ["a"], "signature": [b"\0" * 1024]}), path)
    with pytest.raises(ValueError, match="unknown parameters"):
        dedup.load_signatures(path)


def _linked_one_by_one(existing_ids, existing_sigs, new_ids, new_sigs):
    """The linking rule, article by article over one index of every article (see `link_signatures`)."""
    index = dedup.NearDuplicateIndex.from_signatures(existing_ids, existing_sigs)
    links = []
    for article_id, signature in zip(new_ids, new_sigs):
        target = index.find(signature)
        target = None if target == article_id else target
        links.append(target)
        if target is None:
            index.add(article_id, signature)
    return links


def _changed(sig: np.ndarray, rng: np.random.Generator, changed: int) -> np.ndarray:
    """A copy of a signature with `changed` of its values replaced."""
    out = sig.copy()
    out[rng.choice(len(out), changed, replace=False)] = rng.integers(0, 2**63, changed, dtype=np.uint64)
    return out


def test_linking_skips_isolated_articles_with_the_same_links():
    rng = np.random.default_rng(7)
    distinct = rng.integers(0, 2**63, (300, dedup.NUM_PERM), dtype=np.uint64)
    empty = np.full(dedup.NUM_PERM, dedup.EMPTY_VALUE, dtype=np.uint64)
    existing_ids = [f"old{i}" for i in range(40)] + ["same-id"]
    existing_sigs = np.vstack([distinct[:40], distinct[40:41]])
    new_rows, new_ids = [], []
    for i in range(41, 300):
        kind = i % 7
        if kind == 0:  # a near copy of a lake article
            new_rows.append(_changed(existing_sigs[i % 40], rng, 5))
        elif kind == 1 and new_rows:  # a near copy of an earlier new article (which may be a copy itself)
            new_rows.append(_changed(new_rows[-1], rng, 6))
        elif kind == 2:
            new_rows.append(empty)
        elif kind == 3:  # below the threshold but sharing a band: a candidate that fails verification
            new_rows.append(_changed(existing_sigs[i % 40], rng, 30) if i % 2 else _changed(distinct[i], rng, 20))
        else:
            new_rows.append(distinct[i])
        new_ids.append(f"new{i}")
    new_ids[10] = "same-id"  # an id the lake has, with another signature
    new_ids[20] = new_ids[21] = "twice"  # one id twice among the new
    new_sigs = np.vstack(new_rows)
    fast = dedup.link_signatures(existing_ids, existing_sigs, new_ids, new_sigs)
    assert fast == _linked_one_by_one(existing_ids, existing_sigs, new_ids, new_sigs)
    assert any(fast) and fast.count(None) > len(fast) // 2  # the case covers both outcomes


def test_signature_table_holds_each_signature_and_its_band_keys():
    sigs = dedup.signatures([STORY, SAME_TOPIC, ""])
    table = dedup.signature_table(["a", "b", "c"], sigs, 1000)
    assert table.column("seq").to_pylist() == [1000, 1001, 1002]
    assert table.column("signature").to_pylist() == [row.astype("<u8").tobytes() for row in sigs]
    assert table.column("bands").to_pylist() == [list(map(int, k)) for k in dedup.band_keys(sigs)]
    assert dedup.signature_table([], sigs[:0], 0).num_rows == 0


def test_signature_arrays_round_trip():
    sigs = dedup.signatures([STORY, SAME_TOPIC, ""])
    assert np.array_equal(dedup.signatures_of_array(dedup.signature_array(sigs)), sigs)
    assert np.array_equal(dedup.signatures_of_array(dedup.signature_array(sigs).slice(1)), sigs[1:])
    assert dedup.signatures_of_array(dedup.signature_array(sigs[:0])).shape == (0, dedup.NUM_PERM)
