"""Several scenarios side by side: what moved between dated snapshots of the talks."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .report import SOLUTION_LABELS, Report, table
from .solve.cooperative import SOLUTIONS
from .solve.results import _num


def chronological(reports: list[Report]) -> list[Report]:
    """Reports by scenario date (ISO dates sort as text); undated ones last, as given."""
    dated = [r for r in reports if r.scenario.date]
    undated = [r for r in reports if not r.scenario.date]
    return sorted(dated, key=lambda r: str(r.scenario.date)) + undated


@dataclass(frozen=True)
class Comparison:
    """Reports in date order, restricted to the parties and issues they share."""

    reports: tuple[Report, ...]
    parties: tuple[str, ...]
    issues: tuple[str, ...]

    def _label(self, r: Report) -> str:
        return r.scenario.date or r.scenario.title

    def changes(self) -> list[str]:
        """Plain sentences on what moved between consecutive scenarios."""
        out = []
        for a, b in zip(self.reports, self.reports[1:]):
            la, lb = self._label(a), self._label(b)
            if a.deal_possible != b.deal_possible:
                out.append(f"{la} -> {lb}: a deal becomes "
                           f"{'possible' if b.deal_possible else 'impossible'}.")
            for p in self.parties:
                da, db = a.range.reservation[p], b.range.reservation[p]
                if abs(db - da) >= 0.005:
                    out.append(f"{la} -> {lb}: {p}'s reservation value "
                               f"{'rises' if db > da else 'falls'} from {da:.3f} to {db:.3f}.")
            for name in self.issues:
                ra, rb = a.range.issues.get(name), b.range.issues.get(name)
                if ra is None or rb is None:
                    continue
                if ra.levels is not None and rb.levels is not None:
                    if ra.levels != rb.levels:
                        out.append(f"{la} -> {lb}: acceptable {name} levels change from "
                                   f"{', '.join(ra.levels) or 'none'} to "
                                   f"{', '.join(rb.levels) or 'none'}.")
                elif ra.levels is None and rb.levels is None:
                    if abs(ra.min - rb.min) > 1e-3 or abs(ra.max - rb.max) > 1e-3:
                        out.append(f"{la} -> {lb}: the {name} range moves from "
                                   f"{ra.min:.3f}-{ra.max:.3f} to {rb.min:.3f}-{rb.max:.3f}.")
            na, nb = a.solutions.get("nash"), b.solutions.get("nash")
            if na is not None and nb is not None:
                moved = [f"{k} {_show(na.outcome[k])} -> {_show(nb.outcome[k])}"
                         for k in self.issues
                         if _show(na.outcome[k]) != _show(nb.outcome[k])]
                if moved:
                    out.append(f"{la} -> {lb}: the Nash solution moves: {'; '.join(moved)}.")
        return out

    def to_dict(self) -> dict[str, Any]:
        rs = self.reports
        return {
            "scenarios": [{"title": r.scenario.title, "date": r.scenario.date,
                           "file": r.scenario.file} for r in rs],
            "parties": list(self.parties),
            "issues": list(self.issues),
            "reservation": {p: [_num(r.range.reservation[p]) for r in rs] for p in self.parties},
            "deal_possible": [r.deal_possible for r in rs],
            "bargaining_range": {i: [r.range.issues[i].to_dict() if i in r.range.issues
                                     else None for r in rs] for i in self.issues},
            "solutions": {k: [None if r.solutions.get(k) is None else
                              _restrict(r.solutions[k].to_dict(), self) for r in rs]
                          for k in SOLUTIONS},
            "proposals": [{name: {"accepted_by": list(ev.accepted_by),
                                  "in_agreement_set": ev.in_agreement_set}
                           for name, ev in r.proposals.items()} for r in rs],
            "changes": self.changes(),
        }

    def to_text(self) -> str:
        rs = self.reports
        cols = [self._label(r) for r in rs]
        out = ["Comparison of " + ", ".join(f"{self._label(r)} ({r.scenario.file})" for r in rs),
               ""]
        rows = [["deal possible"] + ["yes" if r.deal_possible else "no" for r in rs]]
        rows += [[f"reservation {p}"] + [f"{r.range.reservation[p]:.3f}" for r in rs]
                 for p in self.parties]
        for i in self.issues:
            cells = []
            for r in rs:
                ir = r.range.issues.get(i)
                if ir is None:
                    cells.append("-")
                elif ir.levels is not None:
                    cells.append(", ".join(ir.levels) or "none")
                else:
                    cells.append(f"{ir.min:.3f}-{ir.max:.3f}")
            rows.append([f"range {i}"] + cells)
        out.append(table([""] + cols, rows, right_numbers=False))
        out.append("")
        for key in SOLUTIONS:
            rows = []
            for i in self.issues:
                rows.append([i] + [_show(r.solutions[key].outcome[i])
                                   if r.solutions.get(key) is not None else "-" for r in rs])
            out.append(f"{SOLUTION_LABELS[key]} solution")
            out.append(table(["issue"] + cols, rows))
            out.append("")
        out.append("Proposals (accepted by; * = inside the agreement set)")
        for r in rs:
            out.append(f"  {self._label(r)}:")
            for name, ev in r.proposals.items():
                star = "*" if ev.in_agreement_set else " "
                out.append(f"   {star} {name}: {', '.join(ev.accepted_by) or 'nobody'}")
        out.append("")
        changes = self.changes()
        out.append("What moved")
        out += [f"  - {c}" for c in changes] or ["  nothing material"]
        return "\n".join(out) + "\n"


def _show(v: Any) -> str:
    return v if isinstance(v, str) else f"{v:.3f}"


def _restrict(d: dict[str, Any], comp: Comparison) -> dict[str, Any]:
    return {"outcome": {k: v for k, v in d["outcome"].items() if k in comp.issues},
            "utilities": {k: v for k, v in d["utilities"].items() if k in comp.parties}}


def compare(reports: list[Report]) -> Comparison:
    """Put analysed scenarios in date order, keeping the parties and issues they share."""
    rs = chronological(list(reports))
    parties = [p for p in rs[0].scenario.party_names
               if all(p in r.scenario.party_names for r in rs)]
    issues = []
    for i in rs[0].scenario.issues:
        same = [next((j for j in r.scenario.issues if j.name == i.name), None) for r in rs]
        if all(j is not None and j.continuous == i.continuous for j in same):
            issues.append(i.name)
    return Comparison(tuple(rs), tuple(parties), tuple(issues))
