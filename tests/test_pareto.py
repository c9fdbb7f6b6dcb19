"""``pareto_mask`` against a brute-force ``O(N^2)`` definition of dominance.

Hypothesis draws small integer-valued arrays (many ties and duplicates, the
hard cases for a sort-based or tree-based algorithm); a second group of tests
shrinks the algorithm's tuning constants so that tiny inputs exercise deep
trees, chunked pair lists and the pivot prefilter; a third compares larger
random clouds, where the real constants are in force, with brute force.
"""

from __future__ import annotations

import zlib

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from negotiation.solve import pareto
from negotiation.solve.pareto import pareto_mask


def dominates(V: np.ndarray, u: np.ndarray) -> np.ndarray:
    """For each row ``v`` of ``V``: does ``v`` dominate ``u``?"""
    return np.all(V >= u, axis=1) & np.any(V > u, axis=1)


def brute_force(U: np.ndarray) -> np.ndarray:
    """The definition: each row against every row, a block of rows at a time."""
    U = np.asarray(U, dtype=float)
    n, p = U.shape
    out = np.ones(n, dtype=bool)
    for i0 in range(0, n, 512):
        block = U[i0:i0 + 512]
        ge = np.ones((len(block), n), dtype=bool)
        gt = np.zeros((len(block), n), dtype=bool)
        for d in range(p):
            ge &= U[None, :, d] >= block[:, d, None]
            gt |= U[None, :, d] > block[:, d, None]
        out[i0:i0 + 512] = ~np.any(ge & gt, axis=1)
    return out


def int_arrays(max_rows: int = 60, max_value: int = 3):
    """(N, P) arrays, P in 1..5, small integer entries: lots of ties and duplicates."""
    return st.integers(1, 5).flatmap(lambda p: st.integers(0, max_rows).flatmap(
        lambda n: hnp.arrays(np.int64, (n, p), elements=st.integers(0, max_value))))


def with_duplicates(draw_array):
    """An array with some of its rows repeated (and the result shuffled)."""
    @st.composite
    def build(draw):
        U = draw(draw_array)
        if len(U):
            extra = draw(st.lists(st.integers(0, len(U) - 1), max_size=len(U)))
            U = np.vstack([U, U[extra]]) if extra else U
            perm = draw(st.permutations(range(len(U))))
            U = U[list(perm)]
        return U.astype(float)
    return build()


# At least 100 examples (these are cheap); more under the "thorough" profile (conftest.py).
SETTINGS = settings(max_examples=max(100, settings.default.max_examples), deadline=None)


# --------------------------------------------------------------- properties
@SETTINGS
@given(with_duplicates(int_arrays()))
def test_matches_brute_force_and_the_definition(U):
    mask = pareto_mask(U)
    assert mask.dtype == bool and mask.shape == (len(U),)
    assert np.array_equal(mask, brute_force(U))
    kept = U[mask]
    for u in kept:                      # no kept row is dominated
        assert not dominates(U, u).any()
    for u in U[~mask]:                  # every dropped row is dominated by a kept row
        assert dominates(kept, u).any()
    if len(U):
        assert mask.any()               # a non-empty set has a non-dominated row
    # duplicates share their fate
    if len(U):
        _, group = np.unique(U, axis=0, return_inverse=True)
        group = np.asarray(group).ravel()
        for g in np.unique(group):
            assert len(set(mask[group == g].tolist())) == 1


@SETTINGS
@given(with_duplicates(int_arrays()), st.randoms(use_true_random=False))
def test_permutation_invariant(U, rnd):
    perm = list(range(len(U)))
    rnd.shuffle(perm)
    perm = np.array(perm, dtype=int)
    assert np.array_equal(pareto_mask(U[perm]), pareto_mask(U)[perm])


@SETTINGS
@given(with_duplicates(int_arrays(max_rows=80, max_value=6)))
def test_deep_trees_and_chunking(U):
    # Tiny leaves, pair chunks and batches force every code path on small inputs.
    saved = {k: getattr(pareto, k) for k in
             ("LEAF", "PAIR_CHUNK", "DENSE_CELLS", "PIVOTS", "PREFILTER_MIN", "PIVOT_CHUNK")}
    try:
        pareto.LEAF, pareto.PAIR_CHUNK, pareto.DENSE_CELLS = 2, 3, 4
        pareto.PIVOTS, pareto.PREFILTER_MIN, pareto.PIVOT_CHUNK = 3, 5, 7
        got = pareto_mask(U)
    finally:
        for k, v in saved.items():
            setattr(pareto, k, v)
    assert np.array_equal(got, brute_force(U))


# --------------------------------------------------------------- larger data
def _cloud(rng, kind: str, n: int, p: int) -> np.ndarray:
    if kind == "uniform":
        return rng.random((n, p))
    if kind == "simplex":   # every point non-dominated
        U = rng.random((n, p))
        return U / U.sum(axis=1, keepdims=True)
    if kind == "grid":      # coarse values: ties in every column, duplicates
        return rng.integers(0, 6, size=(n, p)).astype(float)
    if kind == "sheet":     # a negotiation-like 2-parameter surface, conflicting ideals
        x, y = rng.random(n), rng.random(n)
        ideals = rng.random((p, 2))
        return np.stack([1 - np.abs(x - a) - 0.5 * np.abs(y - b) for a, b in ideals], axis=1)
    raise ValueError(kind)


@pytest.mark.parametrize("kind,n,p", [
    ("uniform", 4500, 3), ("uniform", 2500, 5), ("simplex", 2500, 4), ("grid", 4500, 4),
    ("sheet", 4500, 4), ("sheet", 2500, 6), ("simplex", 1500, 6),
])
def test_larger_clouds_match_brute_force(kind, n, p):
    rng = np.random.default_rng(zlib.crc32(f"{kind}-{n}-{p}".encode()))
    U = _cloud(rng, kind, n, p)
    assert np.array_equal(pareto_mask(U), brute_force(U))


@pytest.mark.parametrize("n", [15, 16, 17, 31, 33, 100, 4097])
def test_sizes_around_leaf_and_padding_boundaries(n):
    rng = np.random.default_rng(n)
    U = rng.integers(0, 4, size=(n, 3)).astype(float)
    assert np.array_equal(pareto_mask(U), brute_force(U))


# --------------------------------------------------------------- hand cases
def test_empty_and_single():
    assert pareto_mask(np.zeros((0, 3))).shape == (0,)
    assert pareto_mask(np.array([[0.2, 0.5, 0.1]])).tolist() == [True]


def test_one_column_keeps_every_copy_of_the_maximum():
    U = np.array([[1.0], [3.0], [3.0], [2.0]])
    assert pareto_mask(U).tolist() == [False, True, True, False]


def test_two_parties_staircase():
    U = np.array([[1, 0], [0, 1], [0.5, 0.5], [0.4, 0.4], [1, 0], [0.5, 0.2], [0, 0.9]])
    assert pareto_mask(U).tolist() == [True, True, True, False, True, False, False]


def test_identical_rows_all_stay():
    U = np.ones((5, 4))
    assert pareto_mask(U).all()


def test_weak_dominance_drops_a_row():
    U = np.array([[1.0, 1.0, 1.0], [1.0, 1.0, 0.5], [0.0, 2.0, 0.0]])
    assert pareto_mask(U).tolist() == [True, False, True]


def test_signed_zero_and_infinities():
    U = np.array([[0.0, 1.0, -np.inf], [-0.0, 1.0, -np.inf], [np.inf, 0.0, -np.inf],
                  [-np.inf, -np.inf, -np.inf]])
    assert pareto_mask(U).tolist() == brute_force(U).tolist() == [True, True, True, False]
    V = np.array([[-np.inf, 0.0], [-np.inf, -1.0], [-np.inf, 0.0]])
    assert pareto_mask(V).tolist() == brute_force(V).tolist() == [True, False, True]


def test_nan_rows_are_kept_and_dominate_nothing():
    U = np.array([[np.nan, 9.0, 9.0], [1.0, 1.0, 1.0], [0.0, 0.0, 0.0]])
    assert pareto_mask(U).tolist() == [True, True, False]


def test_rejects_non_matrix():
    with pytest.raises(ValueError):
        pareto_mask(np.zeros(3))
