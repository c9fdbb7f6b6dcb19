"""The analysis report: the JSON contract (``to_dict``) and the text report (``to_text``).

A :class:`Report` holds the result of every registered analysis
(:mod:`negotiation.registry`), keyed by the analysis key. Both outputs are
assembled by iterating over the registry: a ``"solution"`` analysis becomes a
key under ``solutions`` and a row of the solutions table; a ``"section"``
analysis adds its own JSON keys, text section and closing line.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .formatting import text_table, value
from .registry import Package, analyses

if TYPE_CHECKING:  # pragma: no cover
    from .model.scenario import Scenario
    from .solve.problem import Problem
    from .solve.results import BargainingRange, ParetoFrontier, ProposalEvaluation, Solution

#: Top-level keys of the JSON in the order of the first version of the contract; keys
#: added later come after them, in registry order.
JSON_ORDER = (
    "scenario",
    "parties",
    "issues",
    "reservation",
    "deal_possible",
    "bargaining_range",
    "party_range",
    "solutions",
    "proposals",
    "pareto",
    "sources",
    "closest",
    "agreement_grid_points",
    "veto",
    "notes",
)

#: Order of packages in figures and tables: solutions, then proposals, then the rest.
PACKAGE_ORDER = {"solution": 0, "proposal": 1}


@dataclass(frozen=True, eq=False)
class Report:
    """Everything ``negotiation run`` reports about one scenario.

    ``results`` maps each analysis key to its result; ``range``,
    ``solutions``, ``proposals`` and ``pareto`` are the built-in ones.
    """

    scenario: Scenario
    problem: Problem = field(repr=False)
    results: Mapping[str, Any] = field(repr=False)

    # ------------------------------------------------------------------ the results
    @property
    def range(self) -> BargainingRange:
        return self.results["range"]

    @property
    def solutions(self) -> dict[str, Solution | None]:
        """Every solution-kind result, in registry order (``None``: no deal)."""
        return {a.key: self.results[a.key] for a in analyses("solution") if a.key in self.results}

    @property
    def proposals(self) -> dict[str, ProposalEvaluation]:
        return self.results.get("proposals", {})

    @property
    def pareto(self) -> ParetoFrontier:
        return self.results["pareto"]

    @property
    def deal_possible(self) -> bool:
        return self.range.deal_possible

    @property
    def veto(self) -> list[str]:
        """Names of the parties with a veto, in file order."""
        return [p.name for p in self.scenario.parties if p.veto]

    def packages(self) -> list[Package]:
        """Every package an analysis points at: solutions, then proposals, then others."""
        out = [
            p
            for a in analyses()
            if a.key in self.results
            for p in a.packages_of(self, self.results[a.key])
        ]
        return sorted(out, key=lambda p: PACKAGE_ORDER.get(p.kind, len(PACKAGE_ORDER)))

    def __repr__(self) -> str:
        s = self.scenario
        n_sol = sum(v is not None for v in self.solutions.values())
        # the sections with a result (solutions are counted, not named)
        sections = [
            k
            for k, v in self.results.items()
            if k not in self.solutions and v not in (None, {}, [])
        ]
        return (
            f"<Report {s.title!r} ({s.date or 'undated'}): "
            f"deal_possible={self.deal_possible}, {n_sol} solutions, "
            f"{len(self.proposals)} proposals, sections: {', '.join(sections)}>"
        )

    # ------------------------------------------------------------------ outputs
    def to_dict(self) -> dict[str, Any]:
        """The machine contract of ``negotiation run --format json``."""
        s = self.scenario
        out: dict[str, Any] = {
            "scenario": {"title": s.title, "date": s.date, "file": s.file},
            "parties": s.party_names,
            "issues": s.issue_names,
            "solutions": {},
            "sources": s.sources,
            "veto": self.veto,
            "notes": list(s.notes),
        }
        for a in analyses():
            if a.key not in self.results:
                continue
            result = self.results[a.key]
            if a.kind == "solution":
                out["solutions"][a.key] = None if result is None else result.to_dict()
            if a.json is not None:
                out.update(a.json(self, result))
        first = {k: out[k] for k in JSON_ORDER if k in out}
        return {**first, **{k: v for k, v in out.items() if k not in first}}

    def to_text(self) -> str:
        """The text report of ``negotiation run``."""
        return format_report(self)

    def to_records(self, kind: str) -> list[dict[str, Any]]:
        """One table of the report as a list of flat dicts (see :mod:`negotiation.tables`)."""
        from .tables import to_records

        return to_records(self, kind)

    def to_frame(self, kind: str) -> Any:
        """One table of the report as a pandas DataFrame (see :mod:`negotiation.tables`)."""
        from .tables import to_frame

        return to_frame(self, kind)


def solutions_text(report: Report) -> list[str]:
    """The ``Solutions`` section: one row per solution-kind analysis."""
    s = report.scenario
    out = ["Solutions"]
    if not report.deal_possible:
        return out + ["  none: there is no agreement to choose from", ""]
    rows = []
    for a in analyses("solution"):
        if a.key not in report.results:
            continue
        sol = report.results[a.key]
        if sol is None:
            rows.append([a.label] + ["-"] * (len(s.issues) + len(s.parties)))
            continue
        mark = "" if getattr(sol, "certified", True) else " *"
        rows.append(
            [a.label + mark]
            + [value(sol.outcome[i.name]) for i in s.issues]
            + [value(sol.utilities[n]) for n in s.party_names]
        )
    out.append(text_table(["solution"] + s.issue_names + [f"u({n})" for n in s.party_names], rows))
    out += certificate_lines(report)
    return out + [""]


def certificate_lines(report: Report) -> list[str]:
    """One line saying whether the solutions are certified optima, or each one's gap."""
    sols = {k: v for k, v in report.solutions.items() if v is not None}
    if not sols:
        return []
    if all(getattr(v, "certified", False) for v in sols.values()):
        return [
            "  certified optimum: each solution is the global optimum of its criterion over "
            "the continuous agreement set (proven bound, gap <= 1e-9)"
        ]
    if all(getattr(v, "precision", "exact") == "grid" for v in sols.values()):
        return ["  * best grid outcomes (precision 'grid'): not certified"]
    out = []
    for key, sol in sols.items():
        if not getattr(sol, "certified", False):
            gap = getattr(sol, "gap", float("nan"))
            out.append(
                f"  * {key}: not certified; the true optimum of its criterion is at most "
                f"{gap:.2g} better (search budget reached)"
            )
    return out


def format_report(report: Report) -> str:
    """Header, then each analysis's section in registry order, then notes and sources."""
    s = report.scenario
    head = s.title + (f"  ({s.date})" if s.date else "")
    out = [head, "=" * len(head)]
    if s.file:
        out.append(f"scenario file: {s.file}")
    out.append("")
    solutions_done = False
    summaries: list[str] = []
    for a in analyses():
        if a.key not in report.results:
            continue
        result = report.results[a.key]
        if a.kind == "solution" and not solutions_done:
            out += solutions_text(report)
            solutions_done = True
        if a.text is not None:
            out += a.text(report, result)
        if a.summary is not None:
            line = a.summary(report, result)
            if line:
                summaries.append(line)
    out += summaries
    if s.notes:
        out += ["", "Notes"] + [f"  - {n}" for n in s.notes]
    if s.sources:
        out += ["", "Sources"]
        for key, src in s.sources.items():
            desc = " - ".join(str(src[k]) for k in ("file", "section", "title") if k in src)
            out.append(f"  [{key}] {desc}")
    return "\n".join(out) + "\n"
