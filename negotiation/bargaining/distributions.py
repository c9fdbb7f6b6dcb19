"""The three one-dimensional distributions of the non-cooperative models.

Used for a party's private cost of war (:mod:`negotiation.bargaining.private_information`,
the normal truncated at 0) and for the acceptance thresholds of a ratifier's
members (:mod:`negotiation.bargaining.ratification`, the normal not truncated).
Written as in a scenario file: ``{uniform: [lo, hi]}``, ``{triangular: [lo,
mode, hi]}``, ``{normal: [mean, sd]}``. All three are log-concave, which the
private-information search relies on (its survival function ``1 - F`` is
log-concave, Bagnoli & Bergstrom 2005, Theorem 3 and Table 1).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


def ndtr(x):  # scipy is imported on first use, not when a scenario file is loaded
    from scipy.special import ndtr as f

    return f(x)


def ndtri(q):
    from scipy.special import ndtri as f

    return f(q)


KINDS = ("uniform", "triangular", "normal")


@dataclass(frozen=True)
class Distribution:
    """``kind`` with ``params``; ``truncated``: a normal truncated to ``[0, inf)``."""

    kind: str
    params: tuple[float, ...]
    truncated: bool = False

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown distribution {self.kind!r}")

    # ------------------------------------------------------------------ support
    @property
    def lo(self) -> float:
        if self.kind == "normal":
            return 0.0 if self.truncated else -math.inf
        return self.params[0]

    @property
    def hi(self) -> float:
        return math.inf if self.kind == "normal" else self.params[-1]

    @property
    def mean(self) -> float:
        if self.kind == "uniform":
            return 0.5 * (self.params[0] + self.params[1])
        if self.kind == "triangular":
            return sum(self.params) / 3.0
        m, s = self.params
        if not self.truncated:
            return m
        a = -m / s
        z = 1.0 - float(ndtr(a))
        return m + s * float(np.exp(-0.5 * a * a) / math.sqrt(2 * math.pi)) / z

    # ------------------------------------------------------------------ functions
    def cdf(self, x):
        x = np.asarray(x, dtype=float)
        if self.kind == "uniform":
            lo, hi = self.params
            return np.clip((x - lo) / (hi - lo), 0.0, 1.0)
        if self.kind == "triangular":
            lo, mode, hi = self.params
            left = np.where(mode > lo, (x - lo) ** 2 / ((hi - lo) * max(mode - lo, 1e-300)), 0.0)
            right = np.where(
                hi > mode, 1.0 - (hi - x) ** 2 / ((hi - lo) * max(hi - mode, 1e-300)), 1.0
            )
            out = np.where(x <= mode, left, right)
            return np.where(x <= lo, 0.0, np.where(x >= hi, 1.0, out))
        m, s = self.params
        if not self.truncated:
            return ndtr((x - m) / s)
        z0 = ndtr(-m / s)
        return np.where(x <= 0, 0.0, (ndtr((x - m) / s) - z0) / (1.0 - z0))

    def pdf(self, x):
        x = np.asarray(x, dtype=float)
        if self.kind == "uniform":
            lo, hi = self.params
            return np.where((x >= lo) & (x <= hi), 1.0 / (hi - lo), 0.0)
        if self.kind == "triangular":
            lo, mode, hi = self.params
            up = np.where(mode > lo, 2 * (x - lo) / ((hi - lo) * max(mode - lo, 1e-300)), 0.0)
            down = np.where(hi > mode, 2 * (hi - x) / ((hi - lo) * max(hi - mode, 1e-300)), 0.0)
            return np.where((x < lo) | (x > hi), 0.0, np.where(x <= mode, up, down))
        m, s = self.params
        dens = np.exp(-0.5 * ((x - m) / s) ** 2) / (s * math.sqrt(2 * math.pi))
        if not self.truncated:
            return dens
        return np.where(x < 0, 0.0, dens / ndtr(m / s))

    def partial_mean(self, a: float) -> float:
        """``E[X; X < a]`` (the mean over the part of the distribution below ``a``):
        ``a F(a) - int_lo^a F`` (integration by parts)."""
        from scipy.integrate import quad

        lo = self.lo if math.isfinite(self.lo) else self.ppf(1e-15)
        if a <= lo:
            return 0.0
        hi = min(a, self.hi)
        integral = quad(lambda c: float(self.cdf(c)), lo, hi, limit=200)[0]
        if a > hi:  # beyond a bounded support: F = 1 there
            integral += a - hi
        return float(a * float(self.cdf(a)) - integral)

    def sf(self, x):
        """``P(X >= x)`` (the survival function ``1 - F``)."""
        x = np.asarray(x, dtype=float)
        if self.kind == "normal":
            m, s = self.params
            tail = ndtr((m - x) / s)  # accurate far in the upper tail
            if not self.truncated:
                return tail
            return np.where(x <= 0, 1.0, tail / ndtr(m / s))
        return 1.0 - self.cdf(x)

    def ppf(self, q: float) -> float:
        """The ``q``-quantile ``F^{-1}(q)`` (``q`` in ``(0, 1)``; the ends of a bounded
        support at 0 and 1)."""
        if self.kind == "uniform":
            lo, hi = self.params
            return lo + q * (hi - lo)
        if self.kind == "triangular":
            lo, mode, hi = self.params
            cut = (mode - lo) / (hi - lo)
            if q <= cut:
                return lo + math.sqrt(q * (hi - lo) * (mode - lo))
            return hi - math.sqrt((1.0 - q) * (hi - lo) * (hi - mode))
        m, s = self.params
        if self.truncated:
            z0 = float(ndtr(-m / s))
            q = z0 + q * (1.0 - z0)
        if q <= 0.0:
            return -math.inf if not self.truncated else 0.0
        if q >= 1.0:
            return math.inf
        return m + s * float(ndtri(q))

    def to_dict(self) -> dict[str, list[float]]:
        return {self.kind: [float(p) for p in self.params]}

    def describe(self) -> str:
        args = ", ".join(f"{p:g}" for p in self.params)
        cut = ", truncated at 0" if self.truncated else ""
        return f"{self.kind}({args}{cut})"


def check_params(kind: str, params: list[float]) -> str | None:
    """What is wrong with ``params`` for ``kind`` (``None``: nothing)."""
    need = {"uniform": 2, "triangular": 3, "normal": 2}[kind]
    if len(params) != need:
        names = {"uniform": "[lo, hi]", "triangular": "[lo, mode, hi]", "normal": "[mean, sd]"}
        return f"{kind} needs {names[kind]}, got {len(params)} numbers"
    if not all(math.isfinite(p) for p in params):
        return "the numbers must be finite"
    if kind == "uniform" and not params[0] < params[1]:
        return "uniform needs lo < hi"
    if kind == "triangular" and not (params[0] <= params[1] <= params[2] and params[0] < params[2]):
        return "triangular needs lo <= mode <= hi and lo < hi"
    if kind == "normal" and not params[1] > 0:
        return "normal needs sd > 0"
    return None


__all__ = ["KINDS", "Distribution", "check_params"]
