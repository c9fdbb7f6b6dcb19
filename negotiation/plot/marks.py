"""The outcomes every figure marks: solutions, proposals, the closest outcome."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ..report import SOLUTION_LABELS
from ..solve.cooperative import SOLUTIONS
from .style import CLOSEST_STYLE, PROPOSAL_STYLE, SOLUTION_STYLE

if TYPE_CHECKING:  # pragma: no cover
    from ..report import Report


@dataclass(frozen=True)
class Mark:
    """One marked outcome."""

    key: str                         # solution key, proposal name or "closest"
    label: str                       # text shown next to the marker
    kind: str                        # "solution", "proposal" or "closest"
    outcome: dict[str, float | str]
    utilities: dict[str, float]
    coords: np.ndarray               # (K,) issue coordinates
    marker: str
    size: float
    acceptable: bool = True          # proposals: in the agreement set
    accepted_by: tuple[str, ...] = ()


def marks(report: "Report", *, proposals: bool = True, closest: bool = True) -> list[Mark]:
    """Solutions (in :data:`SOLUTIONS` order), then proposals, then (no deal) the closest outcome."""
    space = report.problem.space
    out: list[Mark] = []
    for key in SOLUTIONS:
        sol = report.solutions.get(key)
        if sol is None:
            continue
        st = SOLUTION_STYLE[key]
        coords = sol.coords if sol.coords is not None else space.encode(sol.outcome)
        out.append(Mark(key, SOLUTION_LABELS.get(key, key), "solution", dict(sol.outcome),
                        dict(sol.utilities), np.asarray(coords, dtype=float), st["marker"],
                        st["size"]))
    if proposals:
        for name, ev in report.proposals.items():
            out.append(Mark(name, name, "proposal", dict(ev.point.outcome),
                            dict(ev.point.utilities), space.encode(ev.point.outcome),
                            PROPOSAL_STYLE["marker"], PROPOSAL_STYLE["size"],
                            ev.in_agreement_set, tuple(ev.accepted_by)))
    if closest and not report.range.deal_possible and report.range.closest is not None:
        c = report.range.closest
        out.append(Mark("closest", "closest outcome", "closest", dict(c.outcome),
                        dict(c.utilities), space.encode(c.outcome), CLOSEST_STYLE["marker"],
                        CLOSEST_STYLE["size"], False))
    return out


def base_point(report: "Report") -> tuple[str, np.ndarray] | None:
    """Where the other issues are held: the Nash solution, else the closest outcome."""
    nash = report.solutions.get("nash")
    if nash is not None:
        coords = nash.coords if nash.coords is not None else \
            report.problem.space.encode(nash.outcome)
        return "the Nash solution", np.asarray(coords, dtype=float)
    for key in SOLUTIONS:
        sol = report.solutions.get(key)
        if sol is not None:
            return f"the {SOLUTION_LABELS.get(key, key)} solution", \
                report.problem.space.encode(sol.outcome)
    c = report.range.closest
    if c is not None:
        return "the closest outcome (no deal is possible)", report.problem.space.encode(c.outcome)
    return None


def outcome_text(report: "Report", outcome: dict[str, Any], skip: str | None = None) -> str:
    parts = []
    for issue in report.scenario.issues:
        if issue.name == skip:
            continue
        from .style import fmt_issue

        unit = f" {issue.unit}" if issue.unit and issue.continuous and len(issue.unit) <= 6 else ""
        parts.append(f"{issue.name} {fmt_issue(issue, outcome[issue.name])}{unit}")
    return ", ".join(parts)


def proposal_handles(mk: list[Mark]) -> list:
    """Legend entries for accepted and rejected proposals and the closest outcome."""
    from matplotlib.lines import Line2D

    from .style import INK

    handles = []
    if any(m.kind == "proposal" and m.acceptable for m in mk):
        handles.append(Line2D([], [], ls="none", marker="o", ms=7, color=INK,
                              label="proposal every veto party accepts"))
    if any(m.kind == "proposal" and not m.acceptable for m in mk):
        handles.append(Line2D([], [], ls="none", marker="o", ms=7, mfc="white", mec=INK,
                              mew=1.4, label="proposal a veto party rejects"))
    if any(m.kind == "closest" for m in mk):
        handles.append(Line2D([], [], ls="none", marker=CLOSEST_STYLE["marker"], ms=8,
                              color=INK, label="closest outcome (no deal)"))
    return handles
