"""The bottom line: three sentences generated from the results, never typed by hand.

Whether a deal is possible, where (the range on the issues the veto parties
weigh most, and the Nash solution), and which proposals are acceptable to
whom. Used by the brief and by the generated scenario pages.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from ..formatting import issue_value, join_words, value

if TYPE_CHECKING:  # pragma: no cover
    from ..model.issues import Issue
    from ..report import Report


def main_issues(report: Report, n: int = 3) -> list[Issue]:
    """The ``n`` issues with the largest total weight among the veto parties."""
    s = report.scenario
    veto = [p for p in s.parties if p.veto] or list(s.parties)
    totals = [sum(p.weights[k] for p in veto) for k in range(len(s.issues))]
    order = sorted(range(len(s.issues)), key=lambda k: (-totals[k], k))
    return [s.issues[k] for k in order[:n]]


def range_phrase(report: Report, issue: Issue) -> str:
    """``territory from 0.18 to 0.25``, ``nato at renounced``, ``any level of nato``..."""
    ir = report.range.issues[issue.name]
    if ir.levels is not None:
        if not ir.levels:
            return f"no level of {issue.name}"
        if len(ir.levels) == len(issue.levels or ()):
            return f"any level of {issue.name}"
        return f"{issue.name} at {join_words(list(ir.levels), 'or')}"
    lo, hi = issue_value(issue, ir.min), issue_value(issue, ir.max)
    if lo == hi:
        return f"{issue.name} at {lo}"
    scale = issue.range or (ir.min, ir.max)
    full = (issue_value(issue, scale[0]), issue_value(issue, scale[1]))
    if (lo, hi) == full:
        return f"{issue.name} anywhere from {lo} to {hi} (its whole scale)"
    return f"{issue.name} from {lo} to {hi}"


def outcome_phrase(outcome: dict[str, Any], issues: list[Issue]) -> str:
    return join_words([f"{i.name} {issue_value(i, outcome[i.name])}" for i in issues])


def bottom_line(report: Report) -> list[str]:
    """Three sentences: is a deal possible, where, and which proposals work for whom."""
    r = report.range
    veto = report.veto
    main = main_issues(report)
    size = report.problem.space.size
    out = []
    if r.deal_possible:
        out.append(
            f"A deal is possible: {r.grid_points:,} of the {size:,} packages on the "
            f"analysis grid give every veto party ({join_words(veto)}) at least what it "
            "expects without a deal."
        )
        where = join_words([range_phrase(report, i) for i in main])
        nash = report.solutions.get("nash")
        tail = (
            (f"; the Nash bargaining solution sits at {outcome_phrase(nash.outcome, main)}")
            if nash is not None
            else ""
        )
        out.append(f"On the main issues the acceptable deals span {where}{tail}.")
    else:
        gap = -r.max_slack if math.isfinite(r.max_slack) else float("nan")
        out.append(
            f"No deal is possible: no package gives every veto party ({join_words(veto)}) "
            f"what it expects without a deal; even the closest package leaves the "
            f"worst-off veto party {value(gap, 2)} short on its 0-to-1 utility scale."
        )
        if r.closest is not None:
            closest = r.closest
            worst = min(veto, key=lambda n: closest.utilities[n] - r.reservation[n])
            out.append(
                f"That closest package is {outcome_phrase(closest.outcome, main)}"
                f" on the main issues, and {worst} is the party it fails most."
            )
        else:
            out.append("No closest package could be computed.")
    out.append(proposals_sentence(report))
    return out


def proposals_sentence(report: Report) -> str:
    props = report.proposals
    veto = report.veto
    if not props:
        return (
            "No proposals are on record in the scenario file, so none is assessed; the "
            "solutions in the figures mark where a mediator could aim."
        )
    ok = [n for n, ev in props.items() if ev.in_agreement_set]
    parts = []
    if ok:
        parts.append(
            f"{join_words(ok)} {'is' if len(ok) == 1 else 'are'} acceptable to every veto party"
        )
    # the others, grouped by who rejects them (the table has each one's row)
    by_rejecting: dict[tuple[str, ...], list[str]] = {}
    for name, ev in props.items():
        if not ev.in_agreement_set:
            rejecting = tuple(n for n in veto if n not in ev.accepted_by)
            by_rejecting.setdefault(rejecting, []).append(name)
    for rejecting, names in by_rejecting.items():
        who = (
            "every veto party"
            if len(rejecting) == len(veto)
            else f"{join_words(list(rejecting))} (the other veto parties accept)"
            if len(by_rejecting) == 1
            else join_words(list(rejecting))
        )
        verb = "is" if len(names) == 1 else "are"
        parts.append(f"{join_words(names)} {verb} rejected by {who}")
    n = len(props)
    return f"Of the {n} proposal{'s' if n != 1 else ''} on record, " + "; ".join(parts) + "."
