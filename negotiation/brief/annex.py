"""The annex: every parameter with its value, evidence and confidence, and the sources.

A separate document (``<name>-annex.html`` and ``.pdf``) linked from the
brief, so that the brief itself stays at two pages. Everything is read from
the scenario file; the generated scenario pages (``negotiation document``)
use the same parameter rows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..evidence import covers, entries, party_parameters
from ..formatting import count, short, value
from ..plot.captions import date_text
from .blocks import Document, Heading, Para, Table

if TYPE_CHECKING:  # pragma: no cover
    from ..model.scenario import Party
    from ..report import Report

Row = tuple[str, str, str, str, str]


def value_text(report: Report, party: Party, parameter: str) -> str:
    """The value of one party parameter (``weights.x``, ``values.x``, ``batna``...) as text."""
    from ..model.scenario import BatnaConflict, BatnaOutcome
    from ..model.values import IdealValue, LevelValue, PointsValue

    s = report.scenario
    head, _, rest = parameter.partition(".")
    if head == "weights":
        return value(party.weights[s.issue_names.index(rest)], 2)
    if head == "values":
        k = s.issue_names.index(rest.split(".")[0])
        issue, vf = s.issues[k], party.values[k]
        if isinstance(vf, LevelValue):
            return ", ".join(f"{lv} {short(v)}" for lv, v in zip(issue.levels or (), vf.values))
        if isinstance(vf, IdealValue):
            txt = f"ideal {short(vf.ideal)}, exponent {short(vf.exponent)}"
            return txt + (f", worst {short(vf.worst)}" if vf.worst is not None else "")
        if isinstance(vf, PointsValue):
            return "points " + " ".join(f"({short(x)}, {short(v)})" for x, v in zip(vf.xs, vf.vs))
        return str(vf)
    if head == "batna":
        d = report.range.reservation[party.name]
        if isinstance(party.batna, BatnaConflict):
            return f"war lottery: {value(d, 2)}"
        if isinstance(party.batna, BatnaOutcome):
            return f"outcome less cost {short(party.batna.cost)}: {value(d, 2)}"
        return value(d, 2)
    if head == "power":
        return short(party.power)
    if head == "veto":
        return "yes" if party.veto else "no"
    if head == "recognition" and party.recognition is not None:
        return short(party.recognition)  # as loaded (normalised when every party gives one)
    if head in ("discount", "outside_option", "capability"):
        v = getattr(party, head)
        return "" if v is None else short(v)
    return ""


def entry_text(report: Report, e: dict[str, Any]) -> tuple[str, str]:
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
            conf += f"; range {short(lo)} to {short(hi)}"
    return " - ".join(parts), conf


def _grouped(ev: Any, whole: str) -> list[tuple[str, Any]]:
    """Evidence keyed by part (``{outcomes: ..., costs: ...}``) or one entry for ``whole``."""
    if isinstance(ev, dict) and not ("source" in ev or "assumption" in ev):
        return list(ev.items())
    return [(whole, ev)] if ev is not None else []


def parameter_rows(report: Report) -> list[Row]:
    """(party, parameter, value, evidence, confidence): one row per evidence entry."""
    s = report.scenario
    rows: list[Row] = []
    needed = party_parameters(s)
    for p in s.parties:
        ev = p.evidence or {}
        params = list(needed[p.name])
        # evidence keys on details (values.territory.exponent) or groups (weights)
        for key in ev:
            if key not in params and not any(covers(key, q) for q in params):
                params.append(key)
        for parameter in params:
            found = [e for k in ev if covers(k, parameter) for e in entries(ev[k])]
            value = value_text(report, p, parameter) if parameter in needed[p.name] else ""
            if not found:
                rows.append((p.name, parameter, value, "no evidence given", "none"))
            for j, e in enumerate(found):
                text, conf = entry_text(report, e)
                rows.append((p.name, parameter, value if j == 0 else "", text, conf))
    raw_issues: Any = s.raw.get("issues", {}) if isinstance(s.raw, dict) else {}
    for issue in s.issues:
        spec = raw_issues.get(issue.name) if isinstance(raw_issues, dict) else None
        issue_ev = spec.get("evidence") if isinstance(spec, dict) else None
        for key, sub in _grouped(issue_ev, "scale"):
            for e in entries(sub):
                text, conf = entry_text(report, e)
                rows.append(("issue", f"{issue.name} {key}", "", text, conf))
    if s.conflict is not None:
        for key, sub in _grouped(s.conflict.evidence, "lottery") or [("lottery", None)]:
            for e in entries(sub) or [{}]:
                text, conf = entry_text(report, e) if e else ("no evidence given", "none")
                rows.append(("conflict", str(key), "", text, conf))
    for r in s.ratification or ():
        for key, sub in _grouped(r.evidence, "ratifier") or [("ratifier", None)]:
            val = (
                f"{r.thresholds.kind} {list(r.thresholds.params)}"
                if key == "thresholds"
                else short(r.pass_share)
                if key == "pass"
                else ""
            )
            for j, e in enumerate(entries(sub) or [{}]):
                text, conf = entry_text(report, e) if e else ("no evidence given", "none")
                rows.append((f"ratification {r.key}", str(key), val if j == 0 else "", text, conf))
    if s.bargaining is not None:
        b = s.bargaining
        values = {
            "breakdown": short(b.breakdown),
            "discount": "" if b.discount is None else short(b.discount),
        }
        for key, sub in _grouped(b.evidence, "bargaining"):
            for j, e in enumerate(entries(sub)):
                text, conf = entry_text(report, e)
                rows.append(
                    ("bargaining", str(key), values.get(key, "") if j == 0 else "", text, conf)
                )
    for prop in s.proposals:
        for e in entries(prop.evidence) or [{}]:
            text, conf = entry_text(report, e) if e else ("no evidence given", "none")
            rows.append(("proposal", prop.name, "", text, conf))
    return rows


def parameter_table(report: Report) -> Table:
    rows = parameter_rows(report)
    marks = tuple("flag" if r[4].startswith("assumption") or r[4] == "none" else "" for r in rows)
    return Table(
        ("party", "parameter", "value", "evidence (source and note)", "confidence"),
        tuple(rows),
        (0.8, 1.2, 1.3, 4.2, 1.1),
        "Every model parameter, its value and the evidence behind it, as given in the "
        "scenario file. Assumptions are marked, with the range to test.",
        marks=marks,
    )


def sources_table(report: Report) -> Table:
    rows = []
    for key, src in report.scenario.sources.items():
        where = str(src.get("url") or src.get("file") or "")
        if src.get("section"):
            where += f" ({src['section']})"
        rows.append(
            (
                key,
                str(src.get("title", "")),
                str(src.get("outlet", "")),
                str(src.get("date", "")),
                where,
            )
        )
    return Table(
        ("key", "title", "outlet", "date", "file or address"),
        tuple(rows),
        (0.9, 3.2, 1.1, 0.9, 2.4),
        "Sources listed in the scenario file.",
    )


def build_annex(report: Report, brief_name: str) -> Document:
    """The annex document; ``brief_name`` is the brief's file name (without suffix)."""
    s = report.scenario
    date = date_text(s)
    doc = Document(
        title=f"Annex: parameters and evidence — {s.title}",
        meta=f"Annex to the negotiation brief · {date} · scenario file "
        f"{s.file or 'scenario built in code'}",
        footer=f"Annex · {s.title} · {date}",
    )
    doc.blocks.append(
        Para("Back to the brief: ", "meta", link=(f"{brief_name}.html", f"{brief_name}.html"))
    )
    doc.blocks.append(Heading("Parameters and evidence"))
    doc.blocks.append(parameter_table(report))
    if s.notes:
        doc.blocks.append(Heading(f"Notes from loading the scenario ({len(s.notes)})"))
        doc.blocks.append(Table(("note",), tuple((n,) for n in s.notes), (1.0,)))
    doc.blocks.append(Heading("Sources"))
    if s.sources:
        doc.blocks.append(sources_table(report))
    else:
        doc.blocks.append(Para("The scenario file lists no sources."))
    doc.blocks.append(
        Para(
            f"{count(len(parameter_rows(report)), 'evidence row')}, "
            f"{count(len(s.sources), 'source')}.",
            "small",
        )
    )
    return doc
