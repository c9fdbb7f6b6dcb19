"""The outcomes every figure marks: the packages the registered analyses point at.

Solutions, proposals and (with no deal) the closest outcome come from
:meth:`Report.packages`, with the marker each analysis registered, so a new
analysis shows up in every figure without an edit here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ..formatting import issue_value
from .palette import INK

if TYPE_CHECKING:  # pragma: no cover
    from ..registry import Package
    from ..report import Report

#: The disagreement point (every party at its reservation value); not an analysis package.
DISAGREEMENT_MARKER = ("X", 10)


@dataclass(frozen=True)
class Mark:
    """One marked outcome: a package with its issue coordinates."""

    package: Package
    coords: np.ndarray  # (K,) issue coordinates

    @property
    def key(self) -> str:
        return self.package.key

    @property
    def label(self) -> str:
        return self.package.label

    @property
    def kind(self) -> str:
        return self.package.kind

    @property
    def utilities(self) -> Any:
        return self.package.utilities

    @property
    def marker(self) -> str:
        return self.package.marker.symbol

    @property
    def size(self) -> float:
        return self.package.marker.size

    @property
    def labelled(self) -> bool:
        """Solutions, proposals and the closest outcome carry a text label; the outcomes of
        the other models (equilibria, bargaining, forecasts...) a legend entry instead,
        so that a figure with every model stays readable."""
        return self.kind in LABELLED

    @property
    def legend(self) -> str:
        """The legend entry of an unlabelled mark."""
        p = self.package
        return p.legend or KIND_LEGENDS.get(p.kind, p.label)

    @property
    def filled(self) -> bool:
        """Proposals a veto party rejects are drawn hollow, everything else filled."""
        return self.package.kind != "proposal" or self.package.acceptable

    def style(self) -> dict[str, Any]:
        """Keyword arguments of ``ax.plot`` for this mark."""
        hollow = self.kind == "proposal"
        return {
            "marker": self.marker,
            "ms": self.size,
            "color": INK,
            "mfc": INK if self.filled else "white",
            "mec": INK,
            "mew": 1.4 if hollow else 0.6,
            "ls": "none",
        }


#: Kinds of package whose marks carry a text label in the figures.
LABELLED = ("solution", "proposal", "closest")
#: Legend entries of the other kinds (when a package gives no ``legend`` of its own).
KIND_LEGENDS = {
    "equilibrium": "equilibrium of a derived game",
    "conflict": "demand under private information",
    "bargaining": "alternating offers",
    "forecast": "forecast",
}


def marks(report: Report) -> list[Mark]:
    """Every package of the report (solutions, proposals, then the rest), with coordinates."""
    space = report.problem.space
    out = []
    for p in report.packages():
        coords = p.coords if p.coords is not None else space.encode(dict(p.outcome))
        out.append(Mark(p, np.asarray(coords, dtype=float)))
    return out


def base_point(report: Report) -> tuple[str, np.ndarray] | None:
    """Where the other issues are held: the Nash solution, else the first solution, else the
    closest outcome."""
    mk = marks(report)
    solutions = [m for m in mk if m.kind == "solution"]
    nash = [m for m in solutions if m.key == "nash"]
    if nash or solutions:
        m = (nash or solutions)[0]
        return f"the {m.label} solution", m.coords
    closest = [m for m in mk if m.kind == "closest"]
    if closest:
        return "the closest outcome (no deal is possible)", closest[0].coords
    return None


def outcome_text(report: Report, outcome: dict[str, Any], skip: str | None = None) -> str:
    parts = []
    for issue in report.scenario.issues:
        if issue.name == skip:
            continue
        unit = f" {issue.unit}" if issue.unit and issue.continuous and len(issue.unit) <= 6 else ""
        parts.append(f"{issue.name} {issue_value(issue, outcome[issue.name])}{unit}")
    return ", ".join(parts)


def package_handles(mk: list[Mark], solutions: bool = False) -> list:
    """Legend entries for accepted and rejected proposals, the outcomes of the other models
    (one entry per legend text and marker), the closest outcome and (with ``solutions``)
    each solution's marker."""
    from matplotlib.lines import Line2D

    handles = []
    if solutions:
        seen = set()
        for m in mk:
            if m.kind == "solution" and m.key not in seen:
                seen.add(m.key)
                handles.append(
                    Line2D(
                        [],
                        [],
                        ls="none",
                        marker=m.marker,
                        ms=m.size * 0.8,
                        color=INK,
                        label=m.label,
                    )
                )
    if any(m.kind == "proposal" and m.filled for m in mk):
        handles.append(
            Line2D(
                [],
                [],
                ls="none",
                marker="o",
                ms=7,
                color=INK,
                label="proposal every veto party accepts",
            )
        )
    if any(m.kind == "proposal" and not m.filled for m in mk):
        handles.append(
            Line2D(
                [],
                [],
                ls="none",
                marker="o",
                ms=7,
                mfc="white",
                mec=INK,
                mew=1.4,
                label="proposal a veto party rejects",
            )
        )
    groups: dict[tuple[str, str], Mark] = {}
    for m in mk:
        if not m.labelled:
            groups.setdefault((m.legend, str(m.marker)), m)
    for (label, _), m in groups.items():
        handles.append(
            Line2D([], [], ls="none", marker=m.marker, ms=m.size * 0.8, color=INK, label=label)
        )
    closest = [m for m in mk if m.kind == "closest"]
    if closest:
        handles.append(
            Line2D(
                [],
                [],
                ls="none",
                marker=closest[0].marker,
                ms=8,
                color=INK,
                label="closest outcome (no deal)",
            )
        )
    return handles
