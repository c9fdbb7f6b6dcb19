"""The Pareto frontier of the grid agreement set (key ``pareto``).

Computed with :func:`negotiation.solve.pareto.pareto_mask` (all parties
count). In the JSON: ``pareto`` (size and the efficient range of each issue).
In the text report: the efficient range, and a closing line with the size.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..formatting import text_table, value
from ..registry import Analysis, MethodNote
from ..solve.pareto import pareto_mask
from ..solve.results import ParetoFrontier

if TYPE_CHECKING:  # pragma: no cover
    from ..report import Report
    from ..solve.problem import Problem


def pareto_frontier(problem: Problem) -> ParetoFrontier:
    """Pareto frontier of the grid agreement set (all parties count)."""
    import numpy as np

    idx = np.flatnonzero(problem.agreement)
    U = problem.U[idx]
    keep = pareto_mask(U)
    return ParetoFrontier(idx[keep], U[keep])


def to_json(report: Report, f: ParetoFrontier) -> dict[str, Any]:
    return {
        "pareto": {
            "size": f.size,
            "issue_range": {
                k: v.to_dict() for k, v in f.issue_ranges(report.problem.space).items()
            },
        }
    }


def to_text(report: Report, f: ParetoFrontier) -> list[str]:
    eff = f.issue_ranges(report.problem.space)
    if not report.deal_possible or not eff:
        return []
    rows = []
    for issue in report.scenario.issues:
        ir = eff[issue.name]
        rows.append(
            [
                issue.name,
                ", ".join(ir.levels)
                if ir.levels is not None
                else f"{value(ir.min)} to {value(ir.max)}",
            ]
        )
    title = "Efficient range (values on the Pareto frontier of the agreement set, grid-accurate)"
    return [title, text_table(["issue", "efficient"], rows), ""]


PARETO = Analysis(
    key="pareto",
    label="Pareto frontier",
    compute=lambda ctx: pareto_frontier(ctx.problem),
    method=MethodNote(
        "The Pareto frontier holds the agreements that no other agreement improves for one "
        "party without hurting another (every party counts; on the grid).",
        "pareto-frontier",
    ),
    json=to_json,
    text=to_text,
    summary=lambda report, f: f"Pareto frontier of the agreement set: {f.size} grid outcomes",
)
