"""Measures: paths into the JSON of ``negotiation run`` (``report.to_dict()``).

A measure is a dotted path such as ``deal_possible``,
``solutions.nash.outcome.territory``, ``bargaining_range.territory.max`` or
``proposals.us_berlin_package.surplus.ukraine``; its value at a point is the
value at that path in the point's report (``None`` when the report has no such
field there, e.g. a solution when no deal is possible).

:func:`template` lists every path the contract can hold for a scenario (built
from its issues, parties, proposals and the registered solutions), with the
kind of value it holds, so that a measure is checked before any work starts.
A path the template does not know is accepted when the scenario's own report
has it (an analysis registered by other code). :func:`extract` reads a path
from a report's JSON; lists (the levels of a discrete issue, ``accepted_by``)
are stored as JSON text.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from ..model.scenario import Scenario

#: Kinds of measure values: how they are stored and summarised.
KINDS = ("bool", "number", "integer", "text", "list", "json")


@dataclass(frozen=True)
class Measure:
    """One measure: its path (the column name), its parts and the kind of its values."""

    path: str
    parts: tuple[str, ...]
    kind: str

    @property
    def numeric(self) -> bool:
        return self.kind in ("number", "integer")


def _solutions() -> list[str]:
    from ..registry import analyses

    return [a.key for a in analyses("solution")]


def template(scenario: Scenario) -> dict[str, str]:
    """Every leaf path of the JSON contract for ``scenario`` and the kind of its value."""
    out: dict[str, str] = {}
    parties = scenario.party_names
    issues = scenario.issues
    sols = _solutions()

    def outcome(prefix: str) -> None:
        for i in issues:
            out[f"{prefix}.{i.name}"] = "text" if i.levels is not None else "number"

    def utilities(prefix: str) -> None:
        for p in parties:
            out[f"{prefix}.{p}"] = "number"

    out.update(
        {
            "scenario.title": "text",
            "scenario.date": "text",
            "scenario.file": "text",
            "parties": "list",
            "issues": "list",
            "veto": "list",
            "notes": "list",
            "deal_possible": "bool",
            "agreement_grid_points": "integer",
            "pareto.size": "integer",
            "closest.min_surplus": "number",
        }
    )
    utilities("reservation")
    for i in issues:
        if i.levels is not None:
            out[f"bargaining_range.{i.name}.levels"] = "list"
            out[f"pareto.issue_range.{i.name}.levels"] = "list"
        else:
            for end in ("min", "max"):
                out[f"bargaining_range.{i.name}.{end}"] = "number"
                out[f"pareto.issue_range.{i.name}.{end}"] = "number"
            out[f"bargaining_range.{i.name}.gap"] = "number"
        out[f"bargaining_range.{i.name}.certified"] = "bool"
    for p in parties:
        out[f"party_range.{p}.min"] = "number"
        out[f"party_range.{p}.max"] = "number"
    outcome("closest.outcome")
    utilities("closest.utilities")
    for s in sols:
        outcome(f"solutions.{s}.outcome")
        utilities(f"solutions.{s}.utilities")
        for key, kind in (
            ("exact", "bool"),
            ("certified", "bool"),
            ("criterion", "number"),
            ("bound", "number"),
            ("gap", "number"),
            ("method", "text"),
            ("message", "text"),
        ):
            out[f"solutions.{s}.{key}"] = kind
    for prop in scenario.proposals:
        base = f"proposals.{prop.name}"
        outcome(f"{base}.outcome")
        utilities(f"{base}.utilities")
        utilities(f"{base}.surplus")
        out[f"{base}.accepted_by"] = "list"
        out[f"{base}.in_agreement_set"] = "bool"
        out[f"{base}.source"] = "text"
        for s in sols:
            out[f"{base}.distance.{s}"] = "number"
    return out


def resolve(path: str, known: dict[str, str], report_json: Any = None) -> Measure | None:
    """The :class:`Measure` for ``path`` (``None`` when it is not a path of the contract)."""
    if path in known:
        return Measure(path, tuple(path.split(".")), known[path])
    if report_json is not None:
        value = extract(report_json, tuple(path.split(".")), raw=True)
        if value is not _ABSENT and not isinstance(value, dict):
            return Measure(path, tuple(path.split(".")), _kind_of(value))
    return None


def _kind_of(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "list"
    return "json"


def suggestions(path: str, known: dict[str, str]) -> str:
    """`` (did you mean ...?)`` for a mistyped measure, or the fields under a prefix."""
    import difflib

    under = sorted(k[len(path) + 1 :] for k in known if k.startswith(path + "."))
    if under:
        shown = ", ".join(under[:8]) + (", ..." if len(under) > 8 else "")
        return f": it holds several values; name one of its fields ({shown})"
    close = difflib.get_close_matches(path, list(known), n=1, cutoff=0.75)
    return f" (did you mean '{close[0]}'?)" if close else ""


class _Absent:
    def __repr__(self) -> str:
        return "<absent>"


_ABSENT: Any = _Absent()


def extract(data: Any, parts: tuple[str, ...], raw: bool = False) -> Any:
    """The value at ``parts`` in a report's JSON; ``None`` when absent (``raw``: the
    marker ``_ABSENT``); a list as JSON text unless ``raw``."""
    node = data
    for part in parts:
        if isinstance(node, dict) and part in node:
            node = node[part]
        else:
            return _ABSENT if raw else None
    if raw:
        return node
    return store_value(node)


def store_value(value: Any) -> Any:
    """A measure value as stored: scalars as they are, lists and mappings as JSON text."""
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return value


__all__ = ["KINDS", "Measure", "extract", "resolve", "store_value", "suggestions", "template"]
