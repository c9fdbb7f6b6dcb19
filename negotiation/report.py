"""The analysis report: the JSON contract (``to_dict``) and the text tables."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .model.scenario import Scenario
from .solve.cooperative import SOLUTIONS
from .solve.problem import Problem
from .solve.results import (BargainingRange, ParetoFrontier, ProposalEvaluation, Solution,
                            _num)

SOLUTION_LABELS = {
    "nash": "Nash",
    "weighted_nash": "weighted Nash",
    "kalai_smorodinsky": "Kalai-Smorodinsky",
    "egalitarian": "egalitarian",
    "utilitarian": "utilitarian",
}


@dataclass(frozen=True)
class Report:
    """Everything ``negotiation run`` reports about one scenario."""

    scenario: Scenario
    problem: Problem = field(repr=False)
    range: BargainingRange
    solutions: dict[str, Solution | None]
    proposals: dict[str, ProposalEvaluation]
    pareto: ParetoFrontier

    @property
    def deal_possible(self) -> bool:
        return self.range.deal_possible

    def to_dict(self) -> dict[str, Any]:
        """The machine contract of ``negotiation run --format json``."""
        s = self.scenario
        rng = self.range.to_dict()
        out: dict[str, Any] = {
            "scenario": {"title": s.title, "date": s.date, "file": s.file},
            "parties": s.party_names,
            "issues": s.issue_names,
            "reservation": {k: _num(v) for k, v in self.range.reservation.items()},
            "deal_possible": self.range.deal_possible,
            "bargaining_range": rng["bargaining_range"],
            "party_range": rng["party_range"],
            "solutions": {k: (None if self.solutions.get(k) is None
                              else self.solutions[k].to_dict()) for k in SOLUTIONS},
            "proposals": {k: v.to_dict() for k, v in self.proposals.items()},
            "pareto": {"size": self.pareto.size,
                       "issue_range": {k: v.to_dict() for k, v in
                                       self.pareto.issue_ranges(self.problem.space).items()}},
            "sources": s.sources,
            "closest": None if self.range.closest is None else {
                **self.range.closest.to_dict(), "min_surplus": _num(self.range.max_slack)},
            "agreement_grid_points": self.range.grid_points,
            "veto": [p.name for p in s.parties if p.veto],
            "notes": list(s.notes),
        }
        return out

    def to_text(self) -> str:
        return format_report(self)


def _fmt(v: Any, digits: int = 3) -> str:
    if isinstance(v, str):
        return v
    if v is None:
        return "-"
    return f"{v:.{digits}f}"


def table(headers: list[str], rows: list[list[str]], indent: str = "  ",
          right_numbers: bool = True) -> str:
    """A plain-text table: text left-aligned, numbers right-aligned (unless told not to)."""
    widths = [max(len(str(h)), *(len(str(r[j])) for r in rows)) if rows else len(str(h))
              for j, h in enumerate(headers)]

    def numeric(x: str) -> bool:
        return x.replace(".", "", 1).replace("-", "", 1).isdigit()

    def line(cells: list[str]) -> str:
        parts = [str(c).rjust(w) if right_numbers and numeric(str(c)) else str(c).ljust(w)
                 for c, w in zip(cells, widths)]
        return (indent + "  ".join(parts)).rstrip()

    rule = indent + "  ".join("-" * w for w in widths)
    return "\n".join([line(headers), rule] + [line(r) for r in rows])


def format_report(report: Report) -> str:
    s, r = report.scenario, report.range
    names = s.party_names
    veto = [p.name for p in s.parties if p.veto]
    out: list[str] = []
    head = s.title + (f"  ({s.date})" if s.date else "")
    out += [head, "=" * len(head)]
    if s.file:
        out.append(f"scenario file: {s.file}")
    out.append("")
    if r.deal_possible:
        out.append(f"DEAL POSSIBLE: some outcomes are acceptable to every veto party "
                   f"({', '.join(veto)}); {r.grid_points} of {report.problem.space.size} "
                   "grid outcomes.")
    else:
        out.append(f"NO DEAL POSSIBLE: no outcome gives every veto party ({', '.join(veto)}) "
                   "its reservation value.")
        out.append(f"  The closest outcome leaves the worst-off veto party "
                   f"{-r.max_slack:.3f} utility short.")
    out.append("")
    out.append("Parties")
    rows = []
    for p in s.parties:
        lo, hi = r.parties.get(p.name, (None, None))
        rows.append([p.name, "yes" if p.veto else "no", _fmt(p.power, 2),
                     _fmt(r.reservation[p.name]), _fmt(lo), _fmt(hi)])
    out.append(table(["party", "veto", "power", "reservation", "agreement min",
                      "agreement max"], rows))
    out.append("")
    if r.deal_possible:
        out.append("Bargaining range (issue values found in some agreement)")
        rows = []
        for issue in s.issues:
            ir = r.issues[issue.name]
            if ir.levels is not None:
                rows.append([issue.name, ", ".join(ir.levels) or "(none)",
                             f"of {', '.join(issue.levels)}"])
            else:
                rows.append([issue.name, f"{ir.min:.3f} to {ir.max:.3f}",
                             f"of [{issue.range[0]:g}, {issue.range[1]:g}]"
                             + (f" {issue.unit}" if issue.unit else "")])
        out.append(table(["issue", "acceptable", "scale"], rows))
        out.append("")
        eff = report.pareto.issue_ranges(report.problem.space)
        if eff:
            out.append("Efficient range (values on the Pareto frontier of the agreement set, "
                       "grid-accurate)")
            rows = []
            for issue in s.issues:
                ir = eff[issue.name]
                rows.append([issue.name, ", ".join(ir.levels) if ir.levels is not None
                             else f"{ir.min:.3f} to {ir.max:.3f}"])
            out.append(table(["issue", "efficient"], rows))
            out.append("")
    elif r.closest is not None:
        out.append("Closest outcome (maximises the smallest surplus)")
        rows = [[k, _fmt(v)] for k, v in r.closest.outcome.items()]
        out.append(table(["issue", "value"], rows))
        out.append("")
    out.append("Solutions")
    if r.deal_possible:
        rows = []
        for key in SOLUTIONS:
            sol = report.solutions.get(key)
            if sol is None:
                rows.append([SOLUTION_LABELS[key]] + ["-"] * (len(s.issues) + len(names)))
                continue
            mark = "" if sol.exact else " *"
            rows.append([SOLUTION_LABELS[key] + mark]
                        + [_fmt(sol.outcome[i.name]) for i in s.issues]
                        + [_fmt(sol.utilities[n]) for n in names])
        out.append(table(["solution"] + s.issue_names + [f"u({n})" for n in names], rows))
        if any(sol is not None and not sol.exact for sol in report.solutions.values()):
            out.append("  * grid-accurate only: no refined point was at least as good as the "
                       "best grid point")
    else:
        out.append("  none: there is no agreement to choose from")
    out.append("")
    if report.proposals:
        out.append("Proposals")
        rows = []
        for name, ev in report.proposals.items():
            margin = min(ev.surplus[n] for n in veto)
            rows.append([name] + [_fmt(ev.point.outcome[i.name]) for i in s.issues]
                        + [_fmt(ev.point.utilities[n]) for n in names]
                        + [", ".join(ev.accepted_by) or "nobody",
                           "yes" if ev.in_agreement_set else "no", f"{margin:+.3f}"])
        out.append(table(["proposal"] + s.issue_names + [f"u({n})" for n in names]
                         + ["accepted by", "deal?", "margin"], rows))
        out.append("  margin: smallest surplus u - reservation among veto parties "
                   "(negative: someone vetoes)")
        out.append("")
    out.append(f"Pareto frontier of the agreement set: {report.pareto.size} grid outcomes")
    if s.notes:
        out.append("")
        out.append("Notes")
        out += [f"  - {n}" for n in s.notes]
    if s.sources:
        out.append("")
        out.append("Sources")
        for key, src in s.sources.items():
            desc = " - ".join(str(src[k]) for k in ("file", "section", "title") if k in src)
            out.append(f"  [{key}] {desc}")
    return "\n".join(out) + "\n"
