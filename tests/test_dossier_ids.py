"""Dossier ids across files and parts: hashes, repeats, the ids already loaded (``cchc_analysis.dossier_ids``)."""

from __future__ import annotations

import itertools

import numpy as np
import pyarrow as pa

from cchc_analysis.dossier_ids import KnownIds, id_hashes, repeated_positions


def test_equal_ids_have_equal_hashes_whatever_the_array():
    ids = ["HS-001", "HS-002", "MP.0001-250105-0001", "", "a" * 8, "a" * 9, "x"]
    plain = id_hashes(pa.array(ids))
    assert id_hashes(pa.array(ids, type=pa.large_string())).tolist() == plain.tolist()
    sliced = pa.array(["padding", *ids, "more"])[1:-1]  # an Arrow slice: offsets do not start at 0
    assert id_hashes(sliced).tolist() == plain.tolist()
    chunked = pa.chunked_array([pa.array(ids[:3]), pa.array(ids[3:])])
    assert id_hashes(chunked).tolist() == plain.tolist()
    assert id_hashes(pa.array(["HS-001", "HS-001"])).tolist() == [plain[0], plain[0]]


def test_structured_ids_do_not_collide():
    # Ids that differ in a few digits, at word boundaries too: a weak hash makes such pairs collide.
    ids = [
        f"MP.{u:04d}-2501{d:02d}-{s:04d}" for u, d, s in itertools.product(range(40), range(1, 31), range(40))
    ]
    ids += [f"{i:08d}{j:08d}" for i in range(150) for j in range(150)]
    ids += [f"{i:07d}x{j:07d}y" for i in range(150) for j in range(150)]
    ids += ["".join(p) for p in itertools.product("0189xy", repeat=6)]
    assert len(set(id_hashes(pa.array(ids)).tolist())) == len(ids)


def test_repeated_positions_name_every_occurrence():
    hashes = id_hashes(pa.array(["A", "B", "A", "C", "B", "A"]))
    assert repeated_positions(hashes).tolist() == [0, 1, 2, 4, 5]
    assert repeated_positions(id_hashes(pa.array(["A", "B"]))).tolist() == []
    assert repeated_positions(np.zeros(0, dtype=np.uint64)).tolist() == []


def test_known_ids_give_the_first_row_in_the_same_file():
    known = KnownIds()
    first = pa.array(["H1", "H2", "H3"])
    known.add(first, id_hashes(first), np.array([2, 3, 4]), "a.csv")
    later = pa.array(["H3", "H9", "H1"])
    seen, rows = known.find(later, id_hashes(later), "a.csv")
    assert seen.tolist() == [True, False, True] and rows.tolist() == [4, 0, 2]
    seen, rows = known.find(later, id_hashes(later), "b.csv")  # another file: no row to name
    assert seen.tolist() == [True, False, True] and rows.tolist() == [0, 0, 0]
    known.add(later, id_hashes(later), np.array([7, 8, 9]), "b.csv")  # H1, H3 keep their first place
    assert len(known) == 4 and "H9" in known
    assert known.find(pa.array(["H1"]), id_hashes(pa.array(["H1"])), "a.csv")[1].tolist() == [2]


def test_known_ids_with_candidates_keep_only_those():
    candidates = id_hashes(pa.array(["H2"]))
    known = KnownIds(candidates=candidates)
    ids = pa.array(["H1", "H2", "H3"])
    known.add(ids, id_hashes(ids), np.array([2, 3, 4]), "a.csv")
    assert len(known) == 1 and "H2" in known and "H1" not in known
    again = pa.array(["H2", "H1"])
    assert known.find(again, id_hashes(again), "b.csv")[0].tolist() == [True, False]


def test_known_ids_from_plain_strings():
    known = KnownIds(["H1", None, "H2"])
    ids = pa.array(["H2", "H3", None])
    assert known.find(ids, id_hashes(ids), "x.csv")[0].tolist() == [True, False, False]
