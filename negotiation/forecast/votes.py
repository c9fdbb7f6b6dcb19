"""Vote sums and win probabilities of the expected-utility model (equation 3).

Bueno de Mesquita (1994) and Scholz, Calbert & Smith (2011): actor ``k`` gives
``v_k(i, j) = w_k (|x_k - x_j| - |x_k - x_i|)`` votes to ``i`` against ``j``
(``w_k = c_k s_k``; positive: ``k`` sides with ``i``), and the probability that
``i`` beats ``j`` is a share of these votes (three readings, ``rule``).

Summing over voters for every pair costs ``actors^3`` per issue. With
``F(y) = sum_k w_k |x_k - y|`` (piecewise linear, evaluated from sorted prefix
sums) both sums have closed forms: ``sum_k v_k(i, j) = F(x_j) - F(x_i)`` and,
since ``|g_k| = min(L, 2 |x_k - m|)`` for ``g_k = |x_k - x_j| - |x_k - x_i|``,
``L = |x_i - x_j|`` and ``m`` the midpoint, ``sum_k w_k |g_k| = 2 F(m) - F(x_i) -
F(x_j) + L W``. One round then costs ``O(issues x actors^2 log actors)``.
"""

from __future__ import annotations

import numpy as np


def _sorted_prefix(x: np.ndarray, w: np.ndarray):
    """Per row: sorted positions, prefix sums of ``w`` and ``w x`` (with a leading 0)."""
    order = np.argsort(x, axis=1, kind="stable")
    xs = np.take_along_axis(x, order, axis=1)
    ws = np.take_along_axis(w, order, axis=1)
    zero = np.zeros((x.shape[0], 1))
    cw = np.concatenate([zero, np.cumsum(ws, axis=1)], axis=1)
    cwx = np.concatenate([zero, np.cumsum(ws * xs, axis=1)], axis=1)
    return xs, cw, cwx


def _dist_sum(xs, cw, cwx, y):
    """``F(y) = sum_k w_k |x_k - y|`` for query points ``y`` of shape ``(B, M)``.

    Batched over rows with one :func:`numpy.searchsorted` on the rows laid end
    to end (each row moved to its own interval of the real line).
    """
    B, N = xs.shape
    lo = xs[:, :1]
    span = np.maximum(xs[:, -1:] - lo, 1e-300)
    offset = 4.0 * np.arange(B)[:, None]
    flat = ((xs - lo) / span + offset).ravel()
    q = np.clip((y - lo) / span, -1.0, 2.0) + offset
    idx = (
        np.searchsorted(flat, q.ravel(), side="right").reshape(y.shape) - N * np.arange(B)[:, None]
    )
    idx = np.clip(idx, 0, N)
    rows = np.arange(B)[:, None]
    w_le = cw[rows, idx]
    wx_le = cwx[rows, idx]
    W = cw[:, -1:]
    S = cwx[:, -1:]
    return y * (2 * w_le - W) - 2 * wx_le + S


def _vote_sums(x: np.ndarray, w: np.ndarray):
    """Per pair ``(i, j)``: ``sum_k v_k(i, j)`` and ``sum_k |v_k(i, j)|``, ``(B, N, N)`` each.

    With ``F(y) = sum_k w_k |x_k - y|`` and ``g_k = |x_k - x_j| - |x_k - x_i|``:
    ``sum_k w_k g_k = F(x_j) - F(x_i)``, and since ``|g_k| = min(L, 2|x_k - m|)``
    (``L = |x_i - x_j|``, ``m`` their midpoint),
    ``sum_k w_k |g_k| = 2 F(m) - F(x_i) - F(x_j) + L W``.
    """
    xs, cw, cwx = _sorted_prefix(x, w)
    F = _dist_sum(xs, cw, cwx, x)  # (B, N)
    B, N = x.shape
    mid = ((x[:, :, None] + x[:, None, :]) / 2).reshape(B, N * N)
    Fm = _dist_sum(xs, cw, cwx, mid).reshape(B, N, N)
    L = np.abs(x[:, :, None] - x[:, None, :])
    net = F[:, None, :] - F[:, :, None]
    W = cw[:, -1][:, None, None]
    absolute = 2 * Fm - F[:, :, None] - F[:, None, :] + L * W
    return net, np.maximum(absolute, np.abs(net))


def win_probability(x: np.ndarray, w: np.ndarray, rule: str = "pairwise") -> np.ndarray:
    """``P[b, i, j]``: the probability that ``i`` beats ``j`` (equation 3, ``rule``)."""
    net, absolute = _vote_sums(x, w)
    pos = (net + absolute) / 2
    if rule == "pairwise":
        num, den = pos, absolute
    elif rule == "net":
        num, den = np.maximum(net, 0.0), absolute
    elif rule == "all-pairs":
        num = pos
        den = np.broadcast_to(absolute.sum(axis=(1, 2))[:, None, None], pos.shape)
    else:
        raise ValueError(f"unknown probability rule {rule!r}")
    with np.errstate(invalid="ignore", divide="ignore"):
        p = np.where(den > 0, num / np.where(den > 0, den, 1.0), 0.5)
    return np.clip(p, 0.0, 1.0)


__all__ = ["win_probability"]
