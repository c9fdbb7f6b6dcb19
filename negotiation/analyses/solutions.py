"""The five cooperative bargaining solutions, one registration each.

The solvers are the functions of :mod:`negotiation.solve.cooperative`; each
is computed with the ideal point of the agreement set (every party's best
agreement) and is ``None`` when no deal is possible. As ``"solution"``
analyses they need no renderers: the JSON (``solutions.<key>``), the text
report, the figures, the comparison and the brief show them from the
registration alone.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..registry import Analysis, Context, Marker, MethodNote
from ..solve.cooperative import (
    egalitarian,
    kalai_smorodinsky,
    nash_bargaining,
    utilitarian,
    weighted_nash,
)
from .agreement import ideal

SECTION = "the-bargaining-solutions"


def with_ideal(solver: Callable[..., Any]) -> Callable[[Context], Any]:
    """``solver(problem, ideal=...)`` when a deal is possible, else ``None``."""

    def compute(ctx: Context) -> Any:
        best = ideal(ctx)
        return None if best is None else solver(ctx.problem, ideal=best)

    return compute


NASH = Analysis(
    key="nash",
    label="Nash",
    kind="solution",
    compute=with_ideal(nash_bargaining),
    marker=Marker("*", 15),
    method=MethodNote(
        "Nash: the agreement that maximises the product of the veto parties' "
        "gains over their reservation values.",
        SECTION,
    ),
)

WEIGHTED_NASH = Analysis(
    key="weighted_nash",
    label="weighted Nash",
    kind="solution",
    compute=with_ideal(weighted_nash),
    marker=Marker("P", 10),
    method=MethodNote(
        "Weighted Nash: the same product with each gain raised to the party's bargaining power.",
        SECTION,
    ),
)

KALAI_SMORODINSKY = Analysis(
    key="kalai_smorodinsky",
    label="Kalai-Smorodinsky",
    kind="solution",
    compute=with_ideal(kalai_smorodinsky),
    marker=Marker("D", 8),
    method=MethodNote(
        "Kalai-Smorodinsky: every veto party gets the same share of its largest possible gain.",
        SECTION,
    ),
)

EGALITARIAN = Analysis(
    key="egalitarian",
    label="egalitarian",
    kind="solution",
    compute=with_ideal(egalitarian),
    marker=Marker("^", 9),
    method=MethodNote("Egalitarian: equal absolute gains for the veto parties.", SECTION),
)

UTILITARIAN = Analysis(
    key="utilitarian",
    label="utilitarian",
    kind="solution",
    compute=with_ideal(utilitarian),
    marker=Marker("s", 8),
    method=MethodNote("Utilitarian: the largest total utility of the veto parties.", SECTION),
)

#: The five solutions in output order.
SOLUTIONS = (NASH, WEIGHTED_NASH, KALAI_SMORODINSKY, EGALITARIAN, UTILITARIAN)
