"""The weighted median: the position a capability-and-salience weighted majority prefers.

Each actor ``i`` casts ``w_i = c_i s_i`` votes and prefers, of two outcomes,
the one nearer its position (single-peaked, symmetric preferences). In one
dimension the outcome that no other beats in a pairwise vote, the Condorcet
winner, is then the weighted median (Black 1948, *J. Political Economy* 56:
23-34): a point ``m`` with at most half of the weight strictly on either side,

.. math::

    \\sum_{x_i < m} w_i \\le W/2 \\quad\\text{and}\\quad \\sum_{x_i > m} w_i \\le W/2,
    \\qquad W = \\sum_i w_i.                                        \\qquad (2)

It minimises the weighted sum of *absolute* distances. When the weight splits
exactly in half the set (2) is an interval ``[L, U]`` between two positions,
and every point of it ties in a vote against every other; the forecast is then
its midpoint ``(L + U) / 2``, the choice that does not depend on the direction
of the scale (mirroring the scale mirrors the forecast). The same function
gives the median of the expected-utility model (Bueno de Mesquita 1994), which
votes in the same way.
"""

from __future__ import annotations

import numpy as np

from .actors import ActorTable
from .results import IssueForecast

KEY = "median"
#: Relative tolerance on the cumulative weight when testing "exactly half".
HALF_TOL = 1e-12


def weighted_median(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Row-wise weighted median of ``(issues, actors)`` arrays (equation 2).

    The midpoint of the median interval when the weight splits exactly in half;
    NaN where all weights are 0. Vectorised over rows.
    """
    x = np.atleast_2d(np.asarray(x, dtype=float))
    w = np.atleast_2d(np.asarray(w, dtype=float))
    order = np.argsort(x, axis=1, kind="stable")
    xs = np.take_along_axis(x, order, axis=1)
    cum = np.cumsum(np.take_along_axis(w, order, axis=1), axis=1)
    total = cum[:, -1:]
    half = total / 2
    tol = HALF_TOL * total
    n = x.shape[1]
    lo = np.minimum(np.argmax(cum >= half - tol, axis=1), n - 1)
    above = cum > half + tol
    hi = np.where(above.any(axis=1), np.argmax(above, axis=1), n - 1)
    rows = np.arange(x.shape[0])
    m = (xs[rows, lo] + xs[rows, hi]) / 2
    return np.where(total[:, 0] > 0, m, np.nan)


def median(table: ActorTable) -> dict[str, IssueForecast]:
    """Equation (2) on every issue of ``table``."""
    return {
        issue.name: IssueForecast.static(
            KEY, issue, float(weighted_median(issue.position, issue.weight)[0])
        )
        for issue in table.issues
    }


__all__ = ["median", "weighted_median"]
