"""The brief's table: every package the analyses point at, and what each party gets.

One row per package of :meth:`Report.packages` (every registered solution,
every proposal, the closest outcome when there is no deal), then the
reservation values; so a newly registered solution gets its row here without
an edit.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..formatting import issue_value, value
from .blocks import Table

if TYPE_CHECKING:  # pragma: no cover
    from ..report import Report


def outcomes_table(report: Report) -> Table:
    s = report.scenario
    names = s.party_names
    packages = [p for p in report.packages() if p.table]
    rows, marks = [], []
    previous = None
    for p in packages:
        status = p.status or p.kind
        if p.kind == "solution" and not p.exact:
            status += " *"
        rows.append(
            (p.label, status)
            + tuple(issue_value(i, p.outcome[i.name]) for i in s.issues)
            + tuple(value(p.utilities[n], 2) for n in names)
        )
        mark = "rule" if previous is not None and p.kind != previous else ""
        if p.kind == "proposal" and not p.acceptable or p.kind == "closest":
            mark = (mark + " flag").strip()
        marks.append(mark)
        previous = p.kind
    rows.append(
        ("without a deal", "reservation value")
        + ("",) * len(s.issues)
        + tuple(value(report.range.reservation[n], 2) for n in names)
    )
    marks.append("rule muted")
    inexact = any(p.kind == "solution" and not p.exact for p in packages)
    caption = (
        "Each package, issue by issue, and what each party gets from it (u: utility on "
        "the party's own scale, 0 worst to 1 best); last row: what each expects without a "
        "deal. Status: which veto parties reject a proposal."
    )
    if inexact:
        caption += " * grid-accurate only (the continuous refinement did not converge)."
    return Table(
        ("package", "status") + tuple(s.issue_names) + tuple(f"u({n})" for n in names),
        tuple(rows),
        (1.7, 1.5) + (1.0,) * len(s.issues) + (0.7,) * len(names),
        caption,
        (False, False) + tuple(i.continuous for i in s.issues) + (True,) * len(names),
        tuple(marks),
        flag_column=1,
    )
