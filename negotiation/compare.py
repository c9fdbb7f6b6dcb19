"""Several scenarios side by side: what moved between dated snapshots of the talks."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .formatting import issue_range, issue_value, text_table, value
from .registry import Marker, analyses
from .solve.results import _num

if TYPE_CHECKING:  # pragma: no cover
    from .model.issues import Issue
    from .registry import Analysis, Package
    from .report import Report
    from .solve.results import IssueRange

#: Package kinds that are not the outcome of a model: proposals on the table and the
#: closest outcome (solutions have their own tables and markers).
NOT_MODEL_OUTCOMES = ("solution", "proposal", "closest")


def model_outcomes(report: Report) -> list[tuple[Analysis, Package]]:
    """The packages of section analyses that are the outcome of a model (an equilibrium,
    a bargaining or conflict outcome, a forecast...), in registry order, each with the
    analysis that points at it."""
    return [
        (a, p)
        for a in analyses("section")
        if a.key in report.results
        for p in a.packages_of(report, report.results[a.key])
        if p.kind not in NOT_MODEL_OUTCOMES
    ]


def outcome_analyses(reports: Sequence[Report]) -> list[Analysis]:
    """The section analyses with a model outcome in some report, in registry order."""
    used = {a.key for r in reports for a, _ in model_outcomes(r)}
    return [a for a in analyses("section") if a.key in used]


@dataclass(frozen=True)
class OutcomeGroup:
    """The model outcomes of one analysis drawn with one marker: one legend entry and one
    horizontal slot in the comparison figure."""

    key: str  # "<analysis key>:<marker symbol>"
    analysis: str
    marker: Marker
    label: str


def outcome_groups(reports: Sequence[Report]) -> list[OutcomeGroup]:
    """The model outcomes of ``reports`` grouped by analysis and marker, in registry order.

    An analysis that draws all its packages with one marker is one group labelled with
    the analysis's label; one that uses several markers gets a group per marker,
    labelled with its packages' label when they share one (``weighted median forecast``),
    else with the analysis's label and the packages' kind.
    """
    found: dict[tuple[str, str], list[Package]] = {}
    for r in reports:
        for a, p in model_outcomes(r):
            found.setdefault((a.key, p.marker.symbol), []).append(p)
    out = []
    for a in outcome_analyses(reports):
        mine = [(sym, ps) for (k, sym), ps in found.items() if k == a.key]
        for sym, ps in mine:
            legends = {p.legend for p in ps}
            if len(legends) == 1 and "" not in legends:
                label = ps[0].legend
            elif len(mine) == 1:
                label = a.label
            elif len({p.label for p in ps}) == 1:
                label = ps[0].label
            else:
                label = f"{a.label} ({', '.join(dict.fromkeys(p.kind for p in ps))})"
            out.append(OutcomeGroup(f"{a.key}:{sym}", a.key, ps[0].marker, label))
    return out


def chronological(reports: Sequence[Report]) -> list[Report]:
    """Reports by scenario date (ISO dates sort as text); undated ones last, as given."""
    dated = [r for r in reports if r.scenario.date]
    undated = [r for r in reports if not r.scenario.date]
    return sorted(dated, key=lambda r: str(r.scenario.date)) + undated


@dataclass(frozen=True)
class SharedIssue:
    """An issue present, with the same kind, in every scenario compared."""

    name: str
    continuous: bool
    scale: tuple[float, float] | None  # continuous: the widest range over the scenarios
    levels: tuple[str, ...] | None  # discrete: every level, in order of appearance
    issue: Issue  # as defined in the first scenario


@dataclass(frozen=True)
class Comparison:
    """Reports in date order, restricted to the parties and issues they share."""

    reports: tuple[Report, ...]
    parties: tuple[str, ...]
    issues: tuple[str, ...]
    shared: tuple[SharedIssue, ...] = field(default=(), repr=False)
    left_out_issues: tuple[str, ...] = ()
    left_out_parties: tuple[str, ...] = ()

    def label(self, r: Report) -> str:
        return r.scenario.date or r.scenario.title

    def changes(self) -> list[str]:
        """Plain sentences on what moved between consecutive scenarios."""
        out = []
        for a, b in zip(self.reports, self.reports[1:]):
            la, lb = self.label(a), self.label(b)
            if a.deal_possible != b.deal_possible:
                out.append(
                    f"{la} -> {lb}: a deal becomes "
                    f"{'possible' if b.deal_possible else 'impossible'}."
                )
            for p in self.parties:
                da, db = a.range.reservation[p], b.range.reservation[p]
                if abs(db - da) >= 0.005:
                    out.append(
                        f"{la} -> {lb}: {p}'s reservation value "
                        f"{'rises' if db > da else 'falls'} from {value(da)} to "
                        f"{value(db)}."
                    )
            for name in self.issues:
                ra, rb = a.range.issues.get(name), b.range.issues.get(name)
                if ra is None or rb is None:
                    continue
                both_levels = ra.levels is not None and rb.levels is not None
                if both_levels and ra.levels != rb.levels:
                    out.append(
                        f"{la} -> {lb}: acceptable {name} levels change from "
                        f"{issue_range(ra)} to {issue_range(rb)}."
                    )
                elif ra.levels is None and rb.levels is None and _moved(ra, rb):
                    out.append(
                        f"{la} -> {lb}: the {name} range moves from "
                        f"{issue_range(ra, sep='-')} to {issue_range(rb, sep='-')}."
                    )
            na, nb = a.solutions.get("nash"), b.solutions.get("nash")
            if na is not None and nb is not None:
                moved = [
                    f"{k} {value(na.outcome[k])} -> {value(nb.outcome[k])}"
                    for k in self.issues
                    if value(na.outcome[k]) != value(nb.outcome[k])
                ]
                if moved:
                    out.append(f"{la} -> {lb}: the Nash solution moves: {'; '.join(moved)}.")
        return out

    def to_dict(self) -> dict[str, Any]:
        rs = self.reports
        return {
            "scenarios": [
                {"title": r.scenario.title, "date": r.scenario.date, "file": r.scenario.file}
                for r in rs
            ],
            "parties": list(self.parties),
            "issues": list(self.issues),
            "reservation": {p: [_num(r.range.reservation[p]) for r in rs] for p in self.parties},
            "deal_possible": [r.deal_possible for r in rs],
            "bargaining_range": {
                i: [r.range.issues[i].to_dict() if i in r.range.issues else None for r in rs]
                for i in self.issues
            },
            "solutions": {
                a.key: [
                    None
                    if _solution(r, a.key) is None
                    else self._restrict(_solution(r, a.key).to_dict())
                    for r in rs
                ]
                for a in analyses("solution")
            },
            "proposals": [
                {
                    name: {
                        "accepted_by": list(ev.accepted_by),
                        "in_agreement_set": ev.in_agreement_set,
                    }
                    for name, ev in r.proposals.items()
                }
                for r in rs
            ],
            "changes": self.changes(),
            **self._outcomes_dict(),
        }

    def _outcomes_dict(self) -> dict[str, Any]:
        """``{"outcomes": {analysis: [[package, ...] per scenario]}}`` when some section
        analysis points at a model outcome; nothing otherwise."""
        used = outcome_analyses(self.reports)
        if not used:
            return {}
        return {
            "outcomes": {
                a.key: [
                    [
                        {
                            "key": p.key,
                            "label": p.label,
                            "kind": p.kind,
                            "status": p.status,
                            **self._restrict(
                                {
                                    "outcome": {
                                        k: v if isinstance(v, str) else _num(v)
                                        for k, v in p.outcome.items()
                                    },
                                    "utilities": {k: _num(v) for k, v in p.utilities.items()},
                                }
                            ),
                        }
                        for b, p in model_outcomes(r)
                        if b.key == a.key
                    ]
                    for r in self.reports
                ]
                for a in used
            }
        }

    def _restrict(self, d: dict[str, Any]) -> dict[str, Any]:
        return {
            "outcome": {k: v for k, v in d["outcome"].items() if k in self.issues},
            "utilities": {k: v for k, v in d["utilities"].items() if k in self.parties},
        }

    def to_text(self) -> str:
        rs = self.reports
        cols = [self.label(r) for r in rs]
        out = ["Comparison of " + ", ".join(f"{self.label(r)} ({r.scenario.file})" for r in rs), ""]
        rows = [["deal possible"] + ["yes" if r.deal_possible else "no" for r in rs]]
        rows += [
            [f"reservation {p}"] + [value(r.range.reservation[p]) for r in rs] for p in self.parties
        ]
        rows += [
            [f"range {i}"] + [issue_range(r.range.issues.get(i), sep="-") for r in rs]
            for i in self.issues
        ]
        out += [text_table([""] + cols, rows, right_numbers=False), ""]
        for a in analyses("solution"):
            rows = [
                [i]
                + [
                    value(_solution(r, a.key).outcome[i])
                    if _solution(r, a.key) is not None
                    else "-"
                    for r in rs
                ]
                for i in self.issues
            ]
            out += [f"{a.label} solution", text_table(["issue"] + cols, rows), ""]
        for a in outcome_analyses(rs):
            out.append(f"{a.label} (outcomes of a model)")
            for r in rs:
                found = [p for b, p in model_outcomes(r) if b.key == a.key]
                out.append(f"  {self.label(r)}:" + ("" if found else " none"))
                for p in found:
                    shared = {i.name: i for i in r.scenario.issues if i.name in self.issues}
                    where = ", ".join(
                        f"{n} {issue_value(i, p.outcome[n])}" for n, i in shared.items()
                    )
                    out.append(f"    {p.label} ({p.status or p.kind}): {where}")
            out.append("")
        out.append("Proposals (accepted by; * = inside the agreement set)")
        for r in rs:
            out.append(f"  {self.label(r)}:")
            for name, ev in r.proposals.items():
                star = "*" if ev.in_agreement_set else " "
                out.append(f"   {star} {name}: {', '.join(ev.accepted_by) or 'nobody'}")
        out += ["", "What moved"]
        out += [f"  - {c}" for c in self.changes()] or ["  nothing material"]
        return "\n".join(out) + "\n"


def _moved(a: IssueRange, b: IssueRange, tol: float = 1e-3) -> bool:
    """Did a continuous range move by more than ``tol`` at either end?"""
    return any(
        x is None or y is None or abs(x - y) > tol for x, y in ((a.min, b.min), (a.max, b.max))
    )


def _solution(r: Report, key: str) -> Any:
    return r.solutions.get(key)


def _shared_issues(reports: Sequence[Report]) -> tuple[list[SharedIssue], list[str]]:
    names: list[str] = []
    for r in reports:
        names += [i.name for i in r.scenario.issues if i.name not in names]
    shared, left_out = [], []
    for name in names:
        found = [next((i for i in r.scenario.issues if i.name == name), None) for r in reports]
        same = [f for f in found if f is not None]
        if len(same) < len(found) or len({f.continuous for f in same}) != 1:
            left_out.append(name)
        elif same[0].continuous:
            ranges = [f.range for f in same if f.range is not None]
            scale = (min(lo for lo, _ in ranges), max(hi for _, hi in ranges))
            shared.append(SharedIssue(name, True, scale, None, same[0]))
        else:
            levels: list[str] = []
            for f in same:
                levels += [lv for lv in f.levels or () if lv not in levels]
            shared.append(SharedIssue(name, False, None, tuple(levels), same[0]))
    return shared, left_out


def compare(reports: Sequence[Report]) -> Comparison:
    """Put analysed scenarios in date order, keeping the parties and issues they share."""
    rs = chronological(list(reports))
    if not rs:
        raise ValueError("no reports to compare")
    parties = [
        p for p in rs[0].scenario.party_names if all(p in r.scenario.party_names for r in rs)
    ]
    every_party: list[str] = []
    for r in rs:
        every_party += [n for n in r.scenario.party_names if n not in every_party]
    shared, left_out = _shared_issues(rs)
    return Comparison(
        tuple(rs),
        tuple(parties),
        tuple(i.name for i in shared),
        tuple(shared),
        tuple(left_out),
        tuple(n for n in every_party if n not in parties),
    )
