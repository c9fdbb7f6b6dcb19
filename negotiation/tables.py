"""Results as tables: one row per solution, proposal, issue range, party or Pareto outcome.

:func:`to_records` gives plain dicts (no third-party types); :func:`to_frame`
gives a pandas DataFrame (pandas is an optional extra:
``pip install 'negotiation[tables]'``; it is imported only there). Issue
values are as in the JSON: floats for continuous issues, level names for
discrete ones; ``u_<party>`` columns hold each party's utility.

========== ====================== =============================================
kind       one row per            columns
========== ====================== =============================================
solutions  solution (``nash`` ..) ``solution``, ``label``, issues, ``u_<party>``,
                                  ``exact``, ``certified``, ``gap``, ``method``,
                                  ``message``
proposals  proposal               ``proposal``, issues, ``u_<party>``,
                                  ``accepted_by``, ``in_agreement_set``,
                                  ``margin``, ``surplus_<party>``,
                                  ``distance_<solution>``, ``source``
ranges     issue                  ``issue``, ``continuous``, ``min``, ``max``,
                                  ``levels``, ``certified``, ``efficient_min``,
                                  ``efficient_max``, ``efficient_levels``,
                                  ``scale_min``, ``scale_max``, ``unit``
parties    party                  ``party``, ``veto``, ``power``,
                                  ``reservation``, ``min``, ``max``
pareto     Pareto-optimal grid    ``index`` (flat grid index), issues,
           outcome                ``u_<party>``
========== ====================== =============================================
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from .report import Report

#: The kinds of table :func:`to_records` and :func:`to_frame` make.
KINDS = ("solutions", "proposals", "ranges", "parties", "pareto")

Row = dict[str, Any]


def to_records(report: Report, kind: str) -> list[Row]:
    """One part of a report as a list of plain dicts, one per row.

    Parameters
    ----------
    report : Report
        From :func:`negotiation.analyse`.
    kind : {"solutions", "proposals", "ranges", "parties", "pareto"}
        Which table (see the module notes for the columns).

    Returns
    -------
    list of dict
        Every dict has the same keys, in column order. Numbers are Python
        floats (not rounded), levels and names text, lists of names lists.
        A solution that does not exist (no deal) has ``None`` values.

    Raises
    ------
    ValueError
        If ``kind`` is not one of the kinds.

    Examples
    --------
    >>> rows = to_records(report, "solutions")  # doctest: +SKIP
    >>> rows[0]["solution"], rows[0]["u_ukraine"]  # doctest: +SKIP
    """
    return _table(report, kind)[1]


def to_frame(report: Report, kind: str) -> Any:
    """One part of a report as a pandas DataFrame.

    Parameters
    ----------
    report : Report
        From :func:`negotiation.analyse`.
    kind : {"solutions", "proposals", "ranges", "parties", "pareto"}
        Which table (see the module notes for the columns).

    Returns
    -------
    pandas.DataFrame
        The rows of :func:`to_records` with a default integer index; the key
        column (``solution``, ``proposal``, ``issue``, ``party`` or ``index``)
        comes first. Columns of discrete issues are ordered categoricals with
        the issue's levels as categories. An empty table keeps its columns.

    Raises
    ------
    ValueError
        If ``kind`` is not one of the kinds.
    ImportError
        If pandas is not installed.
    """
    columns, rows = _table(report, kind)
    try:
        import pandas as pd  # type: ignore[import-untyped]
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError(
            "to_frame needs pandas: pip install 'negotiation[tables]' (or use to_records)"
        ) from exc
    frame = pd.DataFrame.from_records(rows, columns=columns)
    for issue in report.scenario.issues:
        if not issue.continuous and kind in ("solutions", "proposals", "pareto"):
            frame[issue.name] = pd.Categorical(
                frame[issue.name], categories=list(issue.levels or ()), ordered=True
            )
    return frame


# --------------------------------------------------------------------------- tables
def _table(report: Report, kind: str) -> tuple[list[str], list[Row]]:
    builders = {
        "solutions": _solutions,
        "proposals": _proposals,
        "ranges": _ranges,
        "parties": _parties,
        "pareto": _pareto,
    }
    if kind not in builders:
        raise ValueError(f"unknown table kind {kind!r}; choose one of {', '.join(KINDS)}")
    columns, rows = builders[kind](report)
    if len(set(columns)) != len(columns):
        twice = sorted({c for c in columns if columns.count(c) > 1})
        raise ValueError(
            f"the {kind} table would have two columns called "
            f"{', '.join(map(repr, twice))}: rename the issue"
        )
    return columns, rows


def _u(report: Report) -> list[str]:
    return [f"u_{n}" for n in report.scenario.party_names]


def _label(key: str) -> str:
    """The analysis's label (``"weighted Nash"``), or the key if it has none."""
    try:
        from .registry import get
    except ImportError:  # pragma: no cover - a package without the registry
        return key
    try:
        return str(get(key).label)
    except KeyError:
        return key


def _number(x: Any) -> float | None:
    return None if x is None else float(x)


def _solutions(report: Report) -> tuple[list[str], list[Row]]:
    s = report.scenario
    columns = [
        "solution",
        "label",
        *s.issue_names,
        *_u(report),
        "exact",
        "certified",
        "gap",
        "method",
        "message",
    ]
    rows = []
    for key, sol in report.solutions.items():
        row: Row = {"solution": key, "label": _label(key)}
        for name in s.issue_names:
            row[name] = None if sol is None else sol.outcome[name]
        for name in s.party_names:
            row[f"u_{name}"] = None if sol is None else float(sol.utilities[name])
        row["exact"] = None if sol is None else getattr(sol, "exact", None)
        row["certified"] = None if sol is None else getattr(sol, "certified", None)
        gap = None if sol is None else getattr(sol, "gap", None)
        row["gap"] = None if gap is None or not math.isfinite(gap) else float(gap)
        row["method"] = None if sol is None else getattr(sol, "method", None)
        row["message"] = None if sol is None else getattr(sol, "message", None)
        rows.append(row)
    return columns, rows


def _proposals(report: Report) -> tuple[list[str], list[Row]]:
    s = report.scenario
    veto = [p.name for p in s.parties if p.veto]
    solutions = list(report.solutions)
    columns = (
        ["proposal", *s.issue_names, *_u(report), "accepted_by", "in_agreement_set", "margin"]
        + [f"surplus_{n}" for n in s.party_names]
        + [f"distance_{k}" for k in solutions]
        + ["source"]
    )
    rows = []
    for name, ev in report.proposals.items():
        row: Row = {"proposal": name}
        row.update({i: ev.point.outcome[i] for i in s.issue_names})
        row.update({f"u_{n}": float(ev.point.utilities[n]) for n in s.party_names})
        row["accepted_by"] = list(ev.accepted_by)
        row["in_agreement_set"] = bool(ev.in_agreement_set)
        row["margin"] = float(min(ev.surplus[n] for n in veto))
        row.update({f"surplus_{n}": float(ev.surplus[n]) for n in s.party_names})
        row.update({f"distance_{k}": _number(ev.distance.get(k)) for k in solutions})
        row["source"] = ev.source
        rows.append(row)
    return columns, rows


def _ranges(report: Report) -> tuple[list[str], list[Row]]:
    columns = [
        "issue",
        "continuous",
        "min",
        "max",
        "levels",
        "certified",
        "efficient_min",
        "efficient_max",
        "efficient_levels",
        "scale_min",
        "scale_max",
        "unit",
    ]
    efficient = report.pareto.issue_ranges(report.problem.space)
    rows = []
    for issue in report.scenario.issues:
        r = report.range.issues.get(issue.name)
        e = efficient.get(issue.name)
        row: Row = {"issue": issue.name, "continuous": issue.continuous}
        for prefix, ir in (("", r), ("efficient_", e)):
            row[f"{prefix}min"] = None if ir is None or ir.min is None else float(ir.min)
            row[f"{prefix}max"] = None if ir is None or ir.max is None else float(ir.max)
            row[f"{prefix}levels"] = None if ir is None or ir.levels is None else list(ir.levels)
        row["certified"] = None if r is None else getattr(r, "certified", None)
        if issue.continuous and issue.range is not None:
            row["scale_min"], row["scale_max"] = float(issue.range[0]), float(issue.range[1])
        else:
            row["scale_min"] = row["scale_max"] = None
        row["unit"] = issue.unit
        rows.append({c: row[c] for c in columns})
    return columns, rows


def _parties(report: Report) -> tuple[list[str], list[Row]]:
    columns = ["party", "veto", "power", "reservation", "min", "max"]
    rows = []
    for p in report.scenario.parties:
        lo, hi = report.range.parties.get(p.name, (None, None))
        rows.append(
            {
                "party": p.name,
                "veto": p.veto,
                "power": float(p.power),
                "reservation": float(report.range.reservation[p.name]),
                "min": None if lo is None else float(lo),
                "max": None if hi is None else float(hi),
            }
        )
    return columns, rows


def _pareto(report: Report) -> tuple[list[str], list[Row]]:
    s = report.scenario
    columns = ["index", *s.issue_names, *_u(report)]
    frontier = report.pareto
    coords = report.problem.space.coordinates(frontier.indices)
    rows = []
    for j in range(frontier.size):
        row: Row = {"index": int(frontier.indices[j])}
        for k, issue in enumerate(s.issues):
            row[issue.name] = issue.decode(coords[j][k])
        for i, name in enumerate(s.party_names):
            row[f"u_{name}"] = float(frontier.utilities[j, i])
        rows.append(row)
    return columns, rows


__all__ = ["KINDS", "to_frame", "to_records"]
