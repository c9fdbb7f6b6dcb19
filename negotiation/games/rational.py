"""Exact rational linear algebra for the small systems the exact solvers meet.

Gauss-Jordan elimination over :class:`fractions.Fraction`; no floating point.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction


def solve(matrix: Sequence[Sequence[Fraction]], rhs: Sequence[Fraction]) -> list[Fraction] | None:
    """The solution of the square system ``matrix @ z = rhs``, or ``None`` if singular."""
    k = len(rhs)
    a = [[Fraction(v) for v in row] + [Fraction(b)] for row, b in zip(matrix, rhs)]
    for col in range(k):
        piv = next((r for r in range(col, k) if a[r][col] != 0), None)
        if piv is None:
            return None
        if piv != col:
            a[col], a[piv] = a[piv], a[col]
        p = a[col][col]
        row = a[col] = [v / p for v in a[col]]
        for r in range(k):
            if r != col and a[r][col] != 0:
                f = a[r][col]
                a[r] = [x - f * y for x, y in zip(a[r], row)]
    return [a[r][k] for r in range(k)]


def fraction_text(x: Fraction) -> str:
    """``"1/3"``, ``"2"``, ``"-5/7"``."""
    x = Fraction(x)
    return str(x.numerator) if x.denominator == 1 else f"{x.numerator}/{x.denominator}"


__all__ = ["fraction_text", "solve"]
