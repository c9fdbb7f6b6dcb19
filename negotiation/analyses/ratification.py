"""Ratification (key ``ratification``): which packages survive each party's ratifiers.

Computed by :func:`negotiation.bargaining.ratification.ratification` when the
scenario has a ``ratification`` block (nothing otherwise: no key, no
section). In the JSON: ``ratification`` with ``deal_possible``, ``ratifiers``
(threshold ``F^{-1}(pass)`` of each), ``cut_by`` (share of the agreement
set's grid outcomes each ratifier rejects), ``agreement_grid_points``
(before and after), ``bargaining_range``, ``party_range`` and the five
``solutions`` recomputed with every ratifier as an extra veto row, and
``proposals`` (which ratifiers reject each proposal on record). In the
text report and the brief: the same in words.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..formatting import text_table, value
from ..registry import Analysis, Context, MethodNote

if TYPE_CHECKING:  # pragma: no cover
    from ..bargaining.ratification import RatificationResult
    from ..report import Report


def compute(ctx: Context) -> RatificationResult | None:
    from ..bargaining.ratification import ratification

    return ratification(ctx.problem)


def to_json(report: Report, r: RatificationResult | None) -> dict[str, Any]:
    return {} if r is None else {"ratification": r.to_dict()}


def _label(key: str) -> str:
    """The registry's label of the solution ``key`` (the key itself if unregistered)."""
    from .. import registry

    try:
        return registry.get(key).label
    except KeyError:
        return key


def _share(x: float | None) -> str:
    return "-" if x is None else f"{100 * x:.0f}%"


def verdict(report: Report, r: RatificationResult) -> str:
    if not report.deal_possible:
        return "No deal is possible even before ratification."
    if r.deal_possible:
        return (
            f"A deal survives ratification: {r.grid_after} of {r.grid_before} grid packages "
            "of the agreement set pass every ratifier."
        )
    return (
        "NO DEAL SURVIVES RATIFICATION: every package the governments accept fails some ratifier."
    )


def to_text(report: Report, r: RatificationResult | None) -> list[str]:
    if r is None:
        return []
    rows = []
    for k, info in r.ratifiers.items():
        law = ", ".join(f"{n} {v}" for n, v in info["thresholds"].items())
        rows.append([k, law, f"{info['pass']:g}", value(r.thresholds[k]), _share(r.cut_by[k])])
    out = [
        "Ratification (two-level games, Putnam 1988)",
        "  " + verdict(report, r),
        text_table(["ratifier", "member thresholds", "pass", "needs utility", "cuts"], rows),
        "  cuts: share of the agreement set's grid packages the ratifier alone rejects",
    ]
    if r.deal_possible:
        rows = []
        for issue in report.scenario.issues:
            ir = r.range.issues[issue.name]
            rows.append(
                [
                    issue.name,
                    ", ".join(ir.levels) or "(none)"
                    if ir.levels is not None
                    else f"{value(ir.min)} to {value(ir.max)}",
                ]
            )
        out += ["  Bargaining range after ratification", text_table(["issue", "acceptable"], rows)]
        rows = []
        names = report.scenario.party_names
        for key, s in r.solutions.items():
            if s is None:
                continue
            rows.append(
                [_label(key)]
                + [value(s.outcome[i.name]) for i in report.scenario.issues]
                + [value(s.utilities[n]) for n in names]
            )
        out += [
            "  Solutions after ratification",
            text_table(
                ["solution"] + report.scenario.issue_names + [f"u({n})" for n in names], rows
            ),
        ]
    if r.proposals:
        rows = [
            [k, "passes" if not v else "rejected by " + ", ".join(v)]
            for k, v in r.proposals.items()
        ]
        out += ["  Proposals at ratification", text_table(["proposal", "ratification"], rows)]
    return out + [""]


def to_brief(report: Report, r: RatificationResult | None) -> list[Any]:
    if r is None:
        return []
    from ..brief.blocks import Bullets, Heading

    items = [verdict(report, r)]
    items.append(
        "What each ratifier needs (the utility at which its pass share of members accept) and "
        "how much of the governments' agreement set it alone rejects: "
        + "; ".join(
            f"{k} {value(r.thresholds[k])} ({info['pass']:.0%} must accept; cuts "
            f"{_share(r.cut_by[k])})"
            for k, info in r.ratifiers.items()
        )
        + "."
    )
    nash = r.solutions.get("nash")
    before = report.solutions.get("nash")
    if nash is not None and (before is None or dict(nash.outcome) != dict(before.outcome)):
        items.append(
            "The Nash solution moves under ratification to "
            + ", ".join(f"{k} {value(v)}" for k, v in nash.outcome.items())
            + "."
        )
    return [Heading("Ratification at home"), Bullets(tuple(items), "small")]


RATIFICATION = Analysis(
    key="ratification",
    label="ratification",
    compute=compute,
    method=MethodNote(
        "A ratifier passes a package when enough of its members' thresholds lie below its "
        "utility of it: one more veto constraint on the agreement set.",
        "ratification",
    ),
    json=to_json,
    text=to_text,
    brief=to_brief,
)

__all__ = ["RATIFICATION"]
