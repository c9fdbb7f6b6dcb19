"""What a brief says, as a list of blocks rendered both to HTML and to PDF.

Everything here is generated from the analysis results and the scenario
file: the bottom line, captions, tables, method notes and caveats. Nothing
is written by hand about a particular scenario.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..report import SOLUTION_LABELS
from ..solve.cooperative import SOLUTIONS

if TYPE_CHECKING:  # pragma: no cover
    from ..model.issues import Issue
    from ..report import Report


# --------------------------------------------------------------------------- blocks
@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 2


@dataclass(frozen=True)
class Para:
    text: str
    style: str = "body"          # body, lead, meta, small


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]


@dataclass(frozen=True)
class Figure:
    kind: str
    png: bytes                   # the figure at print resolution
    width: float                 # inches (its natural size)
    height: float
    caption: str
    command: str
    alt: str


@dataclass(frozen=True)
class Table:
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...]     # relative column widths
    caption: str = ""
    numeric: tuple[bool, ...] = ()


@dataclass(frozen=True)
class PageBreak:
    pass


@dataclass
class Brief:
    title: str
    date: str
    file: str
    blocks: list = field(default_factory=list)


# --------------------------------------------------------------------------- helpers
def _fmt_issue(issue: "Issue", v: Any) -> str:
    if isinstance(v, str):
        return v
    if not issue.continuous:
        return issue.levels[int(round(float(v)))]
    span = issue.range[1] - issue.range[0]
    digits = max(0, min(4, 2 - int(math.floor(math.log10(span))))) if span > 0 else 2
    return f"{float(v):.{digits}f}"


def _unit(issue: "Issue") -> str:
    return f" ({issue.unit})" if issue.unit else ""


def join_words(items: list[str], last: str = "and") -> str:
    items = [i for i in items if i]
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    if len(items) == 2:
        return f"{items[0]} {last} {items[1]}"
    return ", ".join(items[:-1]) + f", {last} " + items[-1]


def main_issues(report: "Report", n: int = 3) -> list["Issue"]:
    """The ``n`` issues with the largest total weight among the veto parties."""
    s = report.scenario
    veto = [p for p in s.parties if p.veto] or list(s.parties)
    totals = [sum(p.weights[k] for p in veto) for k in range(len(s.issues))]
    order = sorted(range(len(s.issues)), key=lambda k: (-totals[k], k))
    return [s.issues[k] for k in order[:n]]


def _range_phrase(report: "Report", issue: "Issue") -> str:
    ir = report.range.issues[issue.name]
    if ir.levels is not None:
        if not ir.levels:
            return f"no level of {issue.name}"
        if len(ir.levels) == len(issue.levels):
            return f"any level of {issue.name}"
        return f"{issue.name} at {join_words(list(ir.levels), 'or')}"
    lo, hi = _fmt_issue(issue, ir.min), _fmt_issue(issue, ir.max)
    if lo == hi:
        return f"{issue.name} at {lo}"
    full = (_fmt_issue(issue, issue.range[0]), _fmt_issue(issue, issue.range[1]))
    if (lo, hi) == full:
        return f"{issue.name} anywhere from {lo} to {hi} (its whole scale)"
    return f"{issue.name} from {lo} to {hi}"


def _outcome_phrase(report: "Report", outcome: dict, issues: list["Issue"]) -> str:
    return join_words([f"{i.name} {_fmt_issue(i, outcome[i.name])}" for i in issues])


# --------------------------------------------------------------------------- bottom line
def bottom_line(report: "Report") -> list[str]:
    """Three sentences: is a deal possible, where, and which proposals work for whom."""
    s, r = report.scenario, report.range
    veto = [p.name for p in s.parties if p.veto]
    main = main_issues(report)
    size = report.problem.space.size
    out = []
    if r.deal_possible:
        out.append(f"A deal is possible: {r.grid_points:,} of the {size:,} packages on the "
                   f"analysis grid give every veto party ({join_words(veto)}) at least what it "
                   "expects without a deal.")
        where = join_words([_range_phrase(report, i) for i in main])
        nash = report.solutions.get("nash")
        tail = (f"; the Nash bargaining solution sits at "
                f"{_outcome_phrase(report, nash.outcome, main)}") if nash is not None else ""
        out.append(f"On the main issues the acceptable deals span {where}{tail}.")
    else:
        gap = -r.max_slack if math.isfinite(r.max_slack) else float("nan")
        out.append(f"No deal is possible: no package gives every veto party ({join_words(veto)}) "
                   f"what it expects without a deal; even the closest package leaves the "
                   f"worst-off veto party {gap:.2f} short on its 0-to-1 utility scale.")
        if r.closest is not None:
            worst = min(veto, key=lambda n: r.closest.utilities[n] - r.reservation[n])
            out.append(f"That closest package is {_outcome_phrase(report, r.closest.outcome, main)}"
                       f" on the main issues, and {worst} is the party it fails most.")
        else:
            out.append("No closest package could be computed.")
    out.append(_proposals_sentence(report, veto))
    return out


def _proposals_sentence(report: "Report", veto: list[str]) -> str:
    props = report.proposals
    if not props:
        return ("No proposals are on record in the scenario file, so none is assessed; the "
                "solutions in the figures mark where a mediator could aim.")
    ok = [n for n, ev in props.items() if ev.in_agreement_set]
    parts = []
    if ok:
        parts.append(f"{join_words(ok)} {'is' if len(ok) == 1 else 'are'} acceptable to every "
                     "veto party")
    for name, ev in props.items():
        if ev.in_agreement_set:
            continue
        rejecting = [n for n in veto if n not in ev.accepted_by]
        accepting = [n for n in veto if n in ev.accepted_by]
        if accepting:
            parts.append(f"{name} is accepted by {join_words(accepting)} but rejected by "
                         f"{join_words(rejecting)}")
        else:
            parts.append(f"{name} is rejected by every veto party")
    n = len(props)
    return (f"Of the {n} proposal{'s' if n != 1 else ''} on record, "
            + "; ".join(parts) + ".")


# --------------------------------------------------------------------------- tables
def _outcome_rows(report: "Report"):
    """(label, kind, outcome or None, utilities) of every solution, proposal, closest, batna."""
    rows = []
    for key in SOLUTIONS:
        sol = report.solutions.get(key)
        if sol is not None:
            rows.append((SOLUTION_LABELS.get(key, key) + ("" if sol.exact else " *"),
                         "solution", sol.outcome, sol.utilities))
    for name, ev in report.proposals.items():
        rows.append((name, "proposal, deal" if ev.in_agreement_set else "proposal, no deal",
                     ev.point.outcome, ev.point.utilities))
    if not report.range.deal_possible and report.range.closest is not None:
        c = report.range.closest
        rows.append(("closest package", "no deal", c.outcome, c.utilities))
    return rows


def outcomes_tables(report: "Report") -> list[Table]:
    """Two tables: the package of each solution and proposal, and what each party gets."""
    s = report.scenario
    names = s.party_names
    rows = _outcome_rows(report)
    inexact = any(sol is not None and not sol.exact for sol in report.solutions.values())
    star = " * grid-accurate only (the continuous refinement did not converge)." if inexact \
        else ""
    packages = Table(
        ("outcome", "kind") + tuple(s.issue_names),
        tuple((label, kind) + tuple(_fmt_issue(i, out[i.name]) for i in s.issues)
              for label, kind, out, _ in rows),
        (1.6, 1.2) + (1.0,) * len(s.issues),
        "The package of each solution and proposal, issue by issue." + star)
    util_rows = [(label, kind) + tuple(f"{u[n]:.2f}" for n in names)
                 for label, kind, _, u in rows]
    util_rows.append(("reservation value", "without a deal")
                     + tuple(f"{report.range.reservation[n]:.2f}" for n in names))
    utilities = Table(
        ("outcome", "kind") + tuple(names), tuple(util_rows),
        (1.6, 1.2) + (0.8,) * len(names),
        "What each party gets from each package, on its own scale from 0 (worst) to 1 "
        "(best), against what it expects without a deal.",
        (False, False) + (True,) * len(names))
    return [packages, utilities]


def _value_text(report: "Report", party, parameter: str) -> str:
    from ..model.scenario import BatnaConflict, BatnaOutcome
    from ..model.values import IdealValue, LevelValue, PointsValue

    s = report.scenario
    head, _, rest = parameter.partition(".")
    if head == "weights":
        k = s.issue_names.index(rest)
        return f"{party.weights[k]:.2f}"
    if head == "values":
        k = s.issue_names.index(rest.split(".")[0])
        issue, vf = s.issues[k], party.values[k]
        if isinstance(vf, LevelValue):
            return ", ".join(f"{lv} {v:g}" for lv, v in zip(issue.levels, vf.values))
        if isinstance(vf, IdealValue):
            txt = f"ideal {vf.ideal:g}, exponent {vf.exponent:g}"
            return txt + (f", worst {vf.worst:g}" if vf.worst is not None else "")
        if isinstance(vf, PointsValue):
            return "points " + " ".join(f"({x:g}, {v:g})" for x, v in zip(vf.xs, vf.vs))
        return str(vf)
    if head == "batna":
        d = report.range.reservation[party.name]
        b = party.batna
        if isinstance(b, BatnaConflict):
            return f"war lottery: {d:.2f}"
        if isinstance(b, BatnaOutcome):
            return f"outcome less cost {b.cost:g}: {d:.2f}"
        return f"{d:.2f}"
    if head == "power":
        return f"{party.power:g}"
    if head == "veto":
        return "yes" if party.veto else "no"
    return ""


from ..evidence import _covers, _entries  # noqa: E402  (shared with --strict)


def _entry_text(report: "Report", e: dict) -> tuple[str, str]:
    """(evidence text, confidence text) of one evidence entry."""
    parts = []
    if e.get("source"):
        src = report.scenario.sources.get(e["source"], {})
        title = src.get("title") or src.get("outlet") or src.get("file") or ""
        parts.append(f"[{e['source']}]" + (f" {title}" if title else ""))
    if e.get("note"):
        parts.append(str(e["note"]))
    conf = e.get("confidence") or ""
    if e.get("assumption"):
        conf = "assumption" + (f", {conf}" if conf else "")
        if e.get("range") is not None:
            lo, hi = e["range"]
            conf += f"; range {lo:g} to {hi:g}"
    return " - ".join(parts), conf


def parameter_rows(report: "Report") -> list[tuple[str, str, str, str, str]]:
    """(party, parameter, value, evidence, confidence): one row per evidence entry."""
    from ..evidence import party_parameters

    s = report.scenario
    rows = []
    needed = party_parameters(s)
    for p in s.parties:
        ev = p.evidence or {}
        params = list(needed[p.name])
        # evidence keys on details (values.territory.exponent) or groups (weights)
        for key in ev:
            if key not in params and not any(_covers(key, q) for q in params):
                params.append(key)
        for parameter in params:
            keys = [k for k in ev if _covers(k, parameter)]
            entries = [e for k in keys for e in _entries(ev[k])]
            value = _value_text(report, p, parameter) if parameter in needed[p.name] else ""
            if not entries:
                rows.append((p.name, parameter, value, "no evidence given", "none"))
                continue
            for j, e in enumerate(entries):
                text, conf = _entry_text(report, e)
                rows.append((p.name if True else "", parameter, value if j == 0 else "",
                             text, conf))
    raw_issues = s.raw.get("issues", {}) if isinstance(s.raw, dict) else {}
    for issue in s.issues:
        spec = raw_issues.get(issue.name) if isinstance(raw_issues, dict) else None
        ev = spec.get("evidence") if isinstance(spec, dict) else None
        groups = ev.items() if isinstance(ev, dict) and not ("source" in ev or "assumption" in ev) \
            else [("scale", ev)] if ev is not None else []
        for key, sub in groups:
            for e in _entries(sub):
                text, conf = _entry_text(report, e)
                rows.append(("issue", f"{issue.name} {key}", "", text, conf))
    if s.conflict is not None:
        ev = s.conflict.evidence
        items = ev.items() if isinstance(ev, dict) and not ("source" in ev or "assumption" in ev) \
            else [("lottery", ev)]
        for key, sub in items:
            for e in _entries(sub) or [{}]:
                text, conf = _entry_text(report, e) if e else ("no evidence given", "none")
                rows.append(("conflict", str(key), "", text, conf))
    for prop in s.proposals:
        for e in _entries(prop.evidence) or [{}]:
            text, conf = _entry_text(report, e) if e else ("no evidence given", "none")
            rows.append(("proposal", prop.name, "", text, conf))
    return rows


def parameter_table(report: "Report") -> Table:
    rows = parameter_rows(report)
    return Table(("party", "parameter", "value", "evidence (source and note)", "confidence"),
                 tuple(rows), (0.8, 1.2, 1.3, 4.2, 1.1),
                 "Every model parameter, its value and the evidence behind it, as given in the "
                 "scenario file. Assumptions are marked, with the range to test.")


def sources_table(report: "Report") -> Table:
    rows = []
    for key, src in report.scenario.sources.items():
        where = src.get("url") or src.get("file") or ""
        if src.get("section"):
            where += f" ({src['section']})"
        rows.append((key, src.get("title", ""), src.get("outlet", ""), src.get("date", ""),
                     where))
    return Table(("key", "title", "outlet", "date", "file or address"), tuple(rows),
                 (0.9, 3.2, 1.1, 0.9, 2.4), "Sources listed in the scenario file.")


# --------------------------------------------------------------------------- notes
def method_notes(report: "Report") -> list[str]:
    veto = [p.name for p in report.scenario.parties if p.veto]
    others = [p.name for p in report.scenario.parties if not p.veto]
    notes = [
        "Each party's utility is a weighted sum over the issues of how much it values each "
        "issue's outcome, on its own scale from 0 (worst) to 1 (best). Utilities are not "
        "comparable across parties.",
        "A party's reservation value is what it expects without a deal (a fixed number, an "
        "outcome less a cost, or the expected value of continued war minus its cost).",
        f"The agreement set is every package that gives each veto party ({join_words(veto)}) "
        "at least its reservation value; the bargaining range of an issue is the values that "
        "issue takes in the agreement set."
        + (f" Parties without a veto ({join_words(others)}) are shown but do not decide "
           "whether a deal exists." if others else ""),
        "Nash solution: the package in the agreement set that maximises the product of the "
        "veto parties' gains over their reservation values; weighted Nash raises each gain "
        "to the party's bargaining power.",
        "Kalai-Smorodinsky: equal shares of each party's largest possible gain; egalitarian: "
        "equal absolute gains; utilitarian: the largest total utility of the veto parties.",
        "The Pareto frontier is the set of agreements no other agreement improves for one "
        "party without hurting another.",
        "Solutions are searched on a grid of packages, then refined on the continuous issues "
        "(to about 1e-8, from the best grid points; the refinement is local); figures sweep "
        "one issue at a time with the others held at the Nash solution.",
    ]
    return notes


def caveats(report: "Report") -> list[str]:
    s = report.scenario
    out = []
    assumed = []
    for p in s.parties:
        for key, ev in (p.evidence or {}).items():
            for e in _entries(ev):
                if e.get("assumption"):
                    rng = e.get("range")
                    txt = f"{p.name} {key}"
                    if rng is not None:
                        txt += f" (test {rng[0]:g} to {rng[1]:g})"
                    assumed.append(txt)
    assumed = list(dict.fromkeys(assumed))
    if assumed:
        shown = assumed[:24]
        more = f", and {len(assumed) - len(shown)} more" if len(assumed) > len(shown) else ""
        what = f"{len(assumed)} parameters are marked as assumptions" if len(assumed) != 1 \
            else "1 parameter is marked as an assumption"
        out.append(f"{what} rather than read from a source: {', '.join(shown)}{more}. "
                   "Results that depend on them should be tested over the ranges given.")
    from ..evidence import missing_evidence
    missing = missing_evidence(s)
    if missing:
        out.append(f"{len(missing)} evidence gap{'s' if len(missing) != 1 else ''} in the "
                   "scenario file (run negotiation validate --strict for the list).")
    grid = ", ".join(f"{i.name} {i.grid} points" for i in s.issues if i.continuous)
    if grid:
        out.append(f"Grid: {report.problem.space.size:,} packages ({grid}; discrete issues "
                   "by level). The agreement-set counts and the clouds in the figures are on "
                   "this grid; ranges and solutions on continuous issues are refined from the best "
                   "grid points (a local refinement: a finer grid lowers the risk of missing "
                   "a narrow better region).")
    inexact = [SOLUTION_LABELS.get(k, k) for k, v in report.solutions.items()
               if v is not None and not v.exact]
    if inexact:
        out.append(f"Grid-accurate only (continuous refinement did not converge): "
                   f"{join_words(inexact)}; their values are exact to one grid step.")
    if report.range.deal_possible and not report.range.exact:
        out.append("Some bargaining-range bounds are grid-accurate only.")
    out += [f"Note from loading the scenario: {n}" for n in s.notes]
    out.append("Utilities measure each party's preferences as modelled from the sources; "
               "they are not forecasts, and small changes to assumed numbers can move the "
               "solutions.")
    return out


# --------------------------------------------------------------------------- the brief
FIGURES = (
    ("ranges", "What each party accepts on each issue, the others held at the Nash "
               "solution (or the closest package when there is no deal); the highlighted band "
               "is the bargaining range."),
    ("solutions", "Where each bargaining solution and proposal lands on every issue, "
                  "against the bargaining range."),
    ("utility-space", "Every package in utility terms: the agreement set, the Pareto "
                      "frontier, the disagreement point, the solutions and the proposals."),
)


def build(report: "Report", figure_png) -> Brief:
    """The brief of ``report``; ``figure_png(kind) -> (png bytes, width, height)``."""
    from ..plot.style import reproduce_command

    s = report.scenario
    date = str(s.date) if s.date else "undated"
    b = Brief(title=s.title, date=date, file=s.file or "scenario built in code")
    veto = [p.name for p in s.parties if p.veto]
    b.blocks.append(Para(f"Negotiation brief · {date} · scenario file {b.file} · parties "
                         f"{join_words(s.party_names)} (veto: {join_words(veto)})", "meta"))
    b.blocks.append(Heading("Bottom line"))
    b.blocks.append(Para(" ".join(bottom_line(report)), "lead"))
    b.blocks.append(Heading("Solutions and proposals"))
    b.blocks.extend(outcomes_tables(report))
    b.blocks.append(Heading("Key figures"))
    for j, (kind, text) in enumerate(FIGURES):
        png, w, h = figure_png(kind)
        cmd = reproduce_command(s.file, kind)
        b.blocks.append(Figure(kind, png, w, h, f"Figure {j + 1}. {text}", cmd,
                               f"Figure {j + 1}: {kind} of {s.title}"))
    b.blocks.append(Heading("Caveats"))
    b.blocks.append(Bullets(tuple(caveats(report))))
    b.blocks.append(Heading("Method"))
    b.blocks.append(Bullets(tuple(method_notes(report))))
    b.blocks.append(PageBreak())
    b.blocks.append(Heading("Annex: parameters and evidence"))
    b.blocks.append(parameter_table(report))
    b.blocks.append(Heading("Annex: sources"))
    if s.sources:
        b.blocks.append(sources_table(report))
    else:
        b.blocks.append(Para("The scenario file lists no sources.", "body"))
    return b
