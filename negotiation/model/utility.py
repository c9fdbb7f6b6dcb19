"""Vectorised utilities and reservation values.

A party's utility is additive over issues, ``u_i(o) = sum_k w_ik v_ik(o_k)``,
so the utility of every grid outcome is a sum of small per-issue tables
broadcast over the grid: no Python loop over outcomes.
"""

from __future__ import annotations

import numpy as np

from .scenario import BatnaConflict, BatnaOutcome, Scenario


def weight_matrix(scenario: Scenario) -> np.ndarray:
    """``(P, K)`` normalised weights."""
    return np.array([p.weights for p in scenario.parties], dtype=float)


def issue_tables(scenario: Scenario) -> list[np.ndarray]:
    """Per issue ``k`` a ``(n_k, P)`` table of weighted values on its grid."""
    w = weight_matrix(scenario)
    tables = []
    for k, issue in enumerate(scenario.issues):
        g = issue.grid_values()
        tables.append(
            np.stack([w[i, k] * p.values[k](g) for i, p in enumerate(scenario.parties)], axis=1)
        )
    return tables


def grid_utilities(scenario: Scenario, tables: list[np.ndarray] | None = None) -> np.ndarray:
    """``(N, P)`` utilities of every outcome of ``scenario.space`` (flat, row-major).

    ``tables`` are :func:`issue_tables` of the scenario, when already computed.
    """
    tables = issue_tables(scenario) if tables is None else tables
    shape = tuple(t.shape[0] for t in tables)
    n_parties = len(scenario.parties)
    total = np.zeros(shape + (n_parties,))
    for k, t in enumerate(tables):
        view = [1] * len(shape) + [n_parties]
        view[k] = shape[k]
        total += t.reshape(view)
    return total.reshape(-1, n_parties)


def utilities(scenario: Scenario, coords: np.ndarray) -> np.ndarray:
    """Utilities ``(M, P)`` of outcomes given as ``(M, K)`` coordinates."""
    coords = np.atleast_2d(np.asarray(coords, dtype=float))
    w = weight_matrix(scenario)
    out = np.zeros((coords.shape[0], len(scenario.parties)))
    for k in range(len(scenario.issues)):
        for i, p in enumerate(scenario.parties):
            if w[i, k]:
                out[:, i] += w[i, k] * p.values[k](coords[:, k])
    return out


def outcome_utilities(scenario: Scenario, outcome: dict) -> np.ndarray:
    """Utilities ``(P,)`` of one outcome given by issue name."""
    return utilities(scenario, scenario.space.encode(outcome)[None, :])[0]


def conflict_utilities(scenario: Scenario) -> np.ndarray:
    """Expected utility of the conflict lottery (before costs), per party."""
    if scenario.conflict is None:
        raise ValueError("scenario has no conflict block")
    total = np.zeros(len(scenario.parties))
    for probability, outcome in scenario.conflict.outcomes:
        total += probability * outcome_utilities(scenario, outcome)
    return total


def reservation_values(scenario: Scenario) -> np.ndarray:
    """Each party's reservation value (BATNA utility), ``(P,)``."""
    d = np.zeros(len(scenario.parties))
    for i, p in enumerate(scenario.parties):
        b = p.batna
        if isinstance(b, BatnaOutcome):
            d[i] = outcome_utilities(scenario, b.outcome)[i] - b.cost
        elif isinstance(b, BatnaConflict):
            costs = scenario.conflict.costs if scenario.conflict is not None else {}
            d[i] = conflict_utilities(scenario)[i] - costs.get(p.name, 0.0)
        else:
            d[i] = float(b)
    return d
