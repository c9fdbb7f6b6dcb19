"""The proposals on record, scored against the agreement set (key ``proposals``).

Computed by :func:`negotiation.solve.proposals.evaluate_proposal`, with the
distance to every registered solution. In the JSON: ``proposals``. In the
text report: the proposals table. In the figures and the brief's table: one
package per proposal, filled when every veto party accepts it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..formatting import join_words, signed, text_table, value
from ..registry import Analysis, Context, Marker, MethodNote, Package
from ..solve.proposals import evaluate_proposal
from ..solve.results import ProposalEvaluation

if TYPE_CHECKING:  # pragma: no cover
    from ..report import Report

PROPOSAL = Marker("o", 9)
MARGIN_NOTE = (
    "  margin: smallest surplus u - reservation among veto parties (negative: someone vetoes)"
)


def compute(ctx: Context) -> dict[str, ProposalEvaluation]:
    solutions = ctx.solutions()
    return {
        p.name: evaluate_proposal(ctx.problem, p.name, p.outcome, solutions, p.source)
        for p in ctx.scenario.proposals
    }


def margin(report: Report, ev: ProposalEvaluation) -> float:
    """Smallest surplus ``u_i - d_i`` among the veto parties (negative: someone vetoes)."""
    return min(ev.surplus[n] for n in report.veto)


def to_text(report: Report, proposals: dict[str, ProposalEvaluation]) -> list[str]:
    if not proposals:
        return []
    s = report.scenario
    rows = []
    for name, ev in proposals.items():
        rows.append(
            [name]
            + [value(ev.point.outcome[i.name]) for i in s.issues]
            + [value(ev.point.utilities[n]) for n in s.party_names]
            + [
                ", ".join(ev.accepted_by) or "nobody",
                "yes" if ev.in_agreement_set else "no",
                signed(margin(report, ev)),
            ]
        )
    return [
        "Proposals",
        text_table(
            ["proposal"]
            + s.issue_names
            + [f"u({n})" for n in s.party_names]
            + ["accepted by", "deal?", "margin"],
            rows,
        ),
        MARGIN_NOTE,
        "",
    ]


def status(report: Report, ev: ProposalEvaluation) -> str:
    """``accepted``, or who of the veto parties rejects it."""
    rejecting = [n for n in report.veto if n not in ev.accepted_by]
    return "accepted" if not rejecting else f"rejected by {join_words(rejecting)}"


def packages(report: Report, proposals: dict[str, ProposalEvaluation]) -> list[Package]:
    return [
        Package(
            name,
            name,
            "proposal",
            dict(ev.point.outcome),
            dict(ev.point.utilities),
            PROPOSAL,
            acceptable=ev.in_agreement_set,
            accepted_by=tuple(ev.accepted_by),
            status=status(report, ev),
        )
        for name, ev in proposals.items()
    ]


def to_json(report: Report, proposals: dict[str, ProposalEvaluation]) -> dict[str, Any]:
    return {"proposals": {k: v.to_dict() for k, v in proposals.items()}}


PROPOSALS = Analysis(
    key="proposals",
    label="proposals",
    compute=compute,
    marker=PROPOSAL,
    method=MethodNote(
        "A proposal is a deal when every veto party gets at least its "
        "reservation value; its margin is the smallest such surplus.",
        "proposal-evaluation",
    ),
    json=to_json,
    text=to_text,
    packages=packages,
)
