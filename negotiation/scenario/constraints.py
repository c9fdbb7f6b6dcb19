"""Linear constraints between continuous issues (the top-level ``constraints`` list).

Each item is one text such as ``"share_a + share_b + share_c == 1"`` or
``"aid_us + 0.5 * aid_eu <= 0.8"``. It is parsed by a small tokenizer and a
recursive-descent parser (no ``eval``): numbers, names of continuous issues,
``+``, ``-``, ``*``, parentheses-free products ``number * name`` or
``name * number``, and exactly one comparison ``<=``, ``>=`` or ``==``. Both
sides may hold names and numbers; everything is moved to the left:
``sum_k a_k x_k  (<=|>=|==)  rhs``.

The result is a :class:`LinearConstraint`: coefficients per issue (scenario
order), the sense and the right-hand side, frozen. The solvers turn it into
rows of :class:`negotiation.solve.bnb.Row` (exact in the certified search)
and into a grid mask with a relative tolerance (``GRID_TOL``).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np

SENSES = ("<=", ">=", "==")
#: A grid outcome meets a constraint when it is violated by at most this, relative to
#: ``1 + |rhs| + sum_k |a_k x_k|`` (an equality can only hold up to rounding on a grid).
GRID_TOL = 1e-9

_TOKEN = re.compile(
    r"\s*(?:(?P<num>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)|(?P<op><=|>=|==|[-+*])|"
    r"(?P<name>[A-Za-z_][A-Za-z0-9_]*))"
)


class ConstraintSyntaxError(ValueError):
    """A constraint text that is not a linear comparison of continuous issues."""


@dataclass(frozen=True)
class LinearConstraint:
    """``sum_k coefficients[k] * x_k  sense  rhs`` over the issues (scenario order).

    ``coefficients`` is a tuple with one entry per issue (0 for issues not
    named, always 0 for discrete ones); ``text`` is the item as written.
    """

    coefficients: tuple[float, ...]
    sense: str
    rhs: float
    text: str = ""

    @property
    def vector(self) -> np.ndarray:
        return np.asarray(self.coefficients, dtype=float)

    def residual(self, X: np.ndarray) -> np.ndarray:
        """``a . x - rhs`` for outcomes ``X`` ``(M, K)``."""
        return np.asarray(X, dtype=float) @ self.vector - self.rhs

    def holds(self, X: np.ndarray, tol: float = GRID_TOL) -> np.ndarray:
        """Which outcomes ``X`` ``(M, K)`` meet the constraint, up to ``tol`` relative to
        ``1 + |rhs| + sum_k |a_k x_k|``."""
        X = np.atleast_2d(np.asarray(X, dtype=float))
        r = self.residual(X)
        slack = tol * (1.0 + abs(self.rhs) + np.abs(X * self.vector).sum(axis=1))
        if self.sense == "<=":
            return r <= slack
        if self.sense == ">=":
            return r >= -slack
        return np.abs(r) <= slack

    def describe(self, names: list[str]) -> str:
        """The constraint as ``a x + b y <= c`` (normalised form)."""
        parts = []
        for a, n in zip(self.coefficients, names):
            if a == 0:
                continue
            sign = "-" if a < 0 else "+"
            mag = abs(a)
            term = n if mag == 1 else f"{mag:g} * {n}"
            parts.append(f"{sign} {term}")
        lhs = " ".join(parts).lstrip("+ ") if parts else "0"
        if lhs.startswith("- "):
            lhs = "-" + lhs[2:]
        return f"{lhs} {self.sense} {self.rhs:g}"


def _tokens(text: str) -> list[tuple[str, str]]:
    out = []
    pos = 0
    text = text.rstrip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            bad = text[pos:].lstrip()[:1]
            if bad in "<>=":
                raise ConstraintSyntaxError(
                    f"{bad!r} at position {pos + 1}: compare with '<=', '>=' or '==' "
                    "(a strict inequality has no optimum)"
                )
            raise ConstraintSyntaxError(f"unexpected character {bad!r} at position {pos + 1}")
        kind = m.lastgroup or ""
        out.append((kind, m.group(kind)))
        pos = m.end()
    return out


def _side(tokens: list[tuple[str, str]], names: dict[str, int], K: int, where: str):
    """Coefficients and constant of one side: a sum of signed terms."""
    coef = [0.0] * K
    const = 0.0
    if not tokens:
        raise ConstraintSyntaxError(f"the {where} side is empty")
    j = 0
    first = True
    while j < len(tokens):
        sign = 1.0
        signs = 0  # a binary operator, then at most one unary sign
        while j < len(tokens) and tokens[j] in (("op", "+"), ("op", "-")):
            signs += 1
            if signs > (1 if first else 2):
                raise ConstraintSyntaxError("too many signs in a row")
            sign = -sign if tokens[j][1] == "-" else sign
            j += 1
        if not first and not signs:
            raise ConstraintSyntaxError(f"expected '+' or '-' before {tokens[j][1]!r}")
        first = False
        # a term: factor ('*' factor)*, at most one name
        factor = 1.0
        name: str | None = None
        need = True
        while need:
            if j >= len(tokens):
                raise ConstraintSyntaxError(f"the {where} side ends with an operator")
            kind, text = tokens[j]
            if kind == "num":
                factor *= float(text)
            elif kind == "name":
                if name is not None:
                    raise ConstraintSyntaxError(
                        f"{name} * {text}: a product of two issues is not linear"
                    )
                if text not in names:
                    raise ConstraintSyntaxError(f"{text!r} is not a continuous issue")
                name = text
            else:
                raise ConstraintSyntaxError(f"expected a number or an issue, got {text!r}")
            j += 1
            need = j < len(tokens) and tokens[j] == ("op", "*")
            if need:
                j += 1
        if not math.isfinite(factor):
            raise ConstraintSyntaxError("a number is too large")
        if name is None:
            const += sign * factor
        else:
            coef[names[name]] += sign * factor
    return coef, const


def parse_constraint(text: str, issues: list[str], continuous: list[bool]) -> LinearConstraint:
    """Parse one constraint text over the named ``issues``.

    Raises :class:`ConstraintSyntaxError` with a short message saying what is
    wrong (the loader adds the file, line and list item).
    """
    if not isinstance(text, str) or not text.strip():
        raise ConstraintSyntaxError("a constraint is a text such as 'a + b <= 1'")
    tokens = _tokens(text)
    senses = [j for j, t in enumerate(tokens) if t[0] == "op" and t[1] in SENSES]
    if len(senses) != 1:
        raise ConstraintSyntaxError(
            "needs exactly one comparison '<=', '>=' or '==' "
            f"(found {len(senses)}; '<' and '>' are not allowed)"
        )
    k = senses[0]
    names = {n: i for i, (n, c) in enumerate(zip(issues, continuous)) if c}
    for kind, t in tokens:
        if kind == "name" and t not in names and t in issues:
            raise ConstraintSyntaxError(f"{t!r} is discrete: only continuous issues can be summed")
    left, lc = _side(tokens[:k], names, len(issues), "left")
    right, rc = _side(tokens[k + 1 :], names, len(issues), "right")
    coef = tuple(a - b for a, b in zip(left, right))
    if not any(coef):
        raise ConstraintSyntaxError("names no issue (or its issues cancel out)")
    return LinearConstraint(
        tuple(0.0 if c == 0 else float(c) for c in coef), tokens[k][1], rc - lc, text
    )


def constraint_mask(constraints, X: np.ndarray, tol: float = GRID_TOL) -> np.ndarray:
    """Outcomes ``X`` ``(M, K)`` meeting every constraint (on a grid: up to ``tol``)."""
    X = np.atleast_2d(np.asarray(X, dtype=float))
    ok = np.ones(X.shape[0], dtype=bool)
    for c in constraints:
        ok &= c.holds(X, tol)
    return ok


__all__ = [
    "GRID_TOL",
    "ConstraintSyntaxError",
    "LinearConstraint",
    "constraint_mask",
    "parse_constraint",
]
