"""The compromise model: the capability-and-salience weighted mean of the positions.

.. math::

    \\hat x = \\frac{\\sum_i c_i s_i x_i}{\\sum_i c_i s_i}            \\qquad (1)

The forecast of Achen's and Van den Bos's compromise model as compared in
Thomson, Stokman, Achen & König (eds., 2006), *The European Union Decides*
(ch. 10): each actor pulls the outcome towards its position in proportion to
its capability times its salience. It is the minimiser of the weighted sum of
*squared* distances, so it answers "where is the middle of gravity", not "what
would win a vote" (that is :mod:`~negotiation.forecast.median`). Shifting or
rescaling the position scale shifts or rescales the forecast; rescaling
capabilities or saliences changes nothing.
"""

from __future__ import annotations

import numpy as np

from .actors import ActorTable
from .results import IssueForecast

KEY = "compromise"


def weighted_mean(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Row-wise equation (1) for ``(issues, actors)`` arrays; NaN where all weights are 0."""
    x = np.atleast_2d(np.asarray(x, dtype=float))
    w = np.atleast_2d(np.asarray(w, dtype=float))
    total = w.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = (w * x).sum(axis=1) / total
    return np.where(total > 0, out, np.nan)


def compromise(table: ActorTable) -> dict[str, IssueForecast]:
    """Equation (1) on every issue of ``table``."""
    return {
        issue.name: IssueForecast.static(
            KEY, issue, float(weighted_mean(issue.position, issue.weight)[0])
        )
        for issue in table.issues
    }


__all__ = ["compromise", "weighted_mean"]
