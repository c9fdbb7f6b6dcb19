"""The brief's method notes: one line per method, from the registered analyses.

Each analysis registers a :class:`~negotiation.registry.MethodNote`; notes
that point at the same section of ``docs/methods.md`` (the five bargaining
solutions) share a line.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..registry import METHODS_PAGE, analyses

if TYPE_CHECKING:  # pragma: no cover
    from ..report import Report

UTILITIES_NOTE = (
    "Utilities: each party's weighted sum of how much it values each issue's "
    "outcome, on its own scale from 0 (worst) to 1 (best); not comparable across "
    "parties."
)
UTILITIES = (UTILITIES_NOTE, "notation-and-utilities")


def method_notes(report: Report) -> list[tuple[str, str]]:
    """``(text, reference into docs/methods.md)`` per method of the analyses with a result
    (no bargaining solutions when no deal is possible), in registry order."""
    groups: dict[str, list[str]] = {}
    for a in analyses():
        if a.method is not None and report.results.get(a.key) is not None:
            groups.setdefault(a.method.anchor, []).append(a.method.text)
    notes = [UTILITIES] + [(" ".join(texts), anchor) for anchor, texts in groups.items()]
    return [(text, f"{METHODS_PAGE}#{anchor}") for text, anchor in notes]
