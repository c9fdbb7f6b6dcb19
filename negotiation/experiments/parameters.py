"""What a parameter path of an experiment means: its role, its valid values, its label.

A parameter is one field of the scenario file, named by the dotted path
:meth:`Scenario.replace <negotiation.Scenario.replace>` accepts
(``conflict.costs.russia``, ``parties.ukraine.values.territory.points.1.1``).
:func:`describe` tells what kind of value it takes (a number, an integer, a
level name, true/false), its valid domain (``[0, 1]`` for a value, ``>= 0`` for
a weight, the issue's range for an issue value...), whether changing it moves
the outcome grid (an issue's range, ``analysis.grid``, a value function's
kinks), and its role, which the vectorised grid path (:mod:`.fast`) uses.

Conflict probabilities must sum to 1: when a point sets some of them,
:func:`point_changes` rescales the others in proportion (as
:meth:`Assumption.changes <negotiation.scenario.assumptions.Assumption.changes>`
does), or normalises the given ones when every probability is set.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..scenario.errors_map import dotted
from ..scenario.replace import parse_path

if TYPE_CHECKING:  # pragma: no cover
    from ..model.scenario import Scenario

Path = tuple[Any, ...]
_MISSING = object()


@dataclass(frozen=True)
class Domain:
    """The values a parameter may take, and what it is.

    Attributes
    ----------
    kind : str
        ``"number"``, ``"integer"``, ``"level"`` (a level name) or ``"bool"``.
    lo, hi : float
        Bounds of a number (``-inf``/``inf`` when open-ended).
    lo_open, hi_open : bool
        Whether the bound itself is excluded (a power must be above 0).
    levels : tuple of str
        The allowed level names of a ``"level"`` parameter.
    role : str
        What it is: ``weight``, ``level_value``, ``point_value``, ``exponent``,
        ``power``, ``veto``, ``batna``, ``batna_cost``, ``batna_outcome``,
        ``cost``, ``probability``, ``war_outcome``, ``proposal``, or ``other``
        (then only the per-point path is used).
    moves_grid : bool
        Changing it can change the outcome grid (issue range, grid size, kinks).
    party, issue : str or None
        The party and issue it belongs to, when it has one.
    index : int or None
        Position: the level index, the point index, the conflict outcome.
    name : str or None
        The proposal's name, or the level's name.
    what : str
        The domain in words, for messages: ``in [0, 1]``, ``at least 0``.
    """

    kind: str
    lo: float = -math.inf
    hi: float = math.inf
    lo_open: bool = False
    hi_open: bool = False
    levels: tuple[str, ...] = ()
    role: str = "other"
    moves_grid: bool = False
    party: str | None = None
    issue: str | None = None
    index: int | None = None
    name: str | None = None

    @property
    def what(self) -> str:
        if self.kind == "bool":
            return "true or false"
        if self.kind == "level":
            return "one of the levels " + ", ".join(self.levels)
        lo = (
            ""
            if self.lo == -math.inf
            else ("above " if self.lo_open else "at least ") + _g(self.lo)
        )
        hi = "" if self.hi == math.inf else ("below " if self.hi_open else "at most ") + _g(self.hi)
        if lo and hi and not self.lo_open and not self.hi_open:
            words = f"in [{_g(self.lo)}, {_g(self.hi)}]"
        else:
            words = " and ".join(w for w in (lo, hi) if w) or "finite"
        return ("an integer " if self.kind == "integer" else "a number ") + words

    @property
    def bounded(self) -> bool:
        return (
            self.kind in ("number", "integer") and math.isfinite(self.lo) and math.isfinite(self.hi)
        )

    def check(self, value: Any) -> str | None:
        """Why ``value`` is not valid (``None``: it is)."""
        if self.kind == "bool":
            return None if isinstance(value, bool) else f"must be true or false, got {_show(value)}"
        if self.kind == "level":
            if isinstance(value, str) and value in self.levels:
                return None
            return f"must be {self.what}, got {_show(value)}"
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return f"must be {self.what}, got {_show(value)}"
        if not math.isfinite(value):
            return "must be a finite number"
        if self.kind == "integer" and float(value) != int(value):
            return f"must be an integer, got {_show(value)}"
        if (
            value < self.lo
            or value > self.hi
            or (self.lo_open and value == self.lo)
            or (self.hi_open and value == self.hi)
        ):
            return f"must be {self.what}, got {_show(value)}"
        return None

    def contains_interval(self, lo: float, hi: float) -> bool:
        """Is every number of ``[lo, hi]`` valid?"""
        return self.check(lo) is None and self.check(hi) is None


def _g(x: float) -> str:
    return f"{x:g}"


def _show(value: Any) -> str:
    from ..errors import render

    return render(value)


def canonical(scenario: Scenario, key: str) -> Path:
    """The path tuple of ``key`` in the scenario (``proposals.p.nato`` ->
    ``proposals.p.outcome.nato``; list positions as integers)."""
    return parse_path(key, scenario.raw, scenario.file)


def raw_value(scenario: Scenario, path: Path) -> Any:
    """The value at ``path`` in the file, or the loader's default (``_MISSING``: none)."""
    node: Any = scenario.raw
    for part in path:
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        else:
            return _default(scenario, path)
    return node


def _default(scenario: Scenario, path: Path) -> Any:
    if len(path) == 3 and path[0] == "parties":
        return {"power": 1.0, "veto": True}.get(str(path[2]), _MISSING)
    if len(path) == 3 and path[:2] == ("conflict", "costs"):
        return 0.0
    if path[:2] == ("analysis", "grid"):
        return 101
    return _MISSING


def baseline(scenario: Scenario, path: Path) -> Any:
    """The parameter's value in the scenario (``None`` when the file has none)."""
    value = raw_value(scenario, path)
    if value is _MISSING:
        return None
    if path[:2] == ("analysis", "grid") and isinstance(value, dict):
        return value.get("default", 101)
    return value


#: Party fields the bargaining problem (``negotiation.solve``) does not read: the
#: discount factor, capability, outside option and recognition of the scenario format.
PARTY_SCALARS = ("discount", "capability", "outside_option", "recognition")


def _issue_domain(scenario: Scenario, issue: str, **kw: Any) -> Domain:
    for i in scenario.issues:
        if i.name == issue:
            if i.levels is not None:
                return Domain("level", levels=tuple(i.levels), issue=issue, **kw)
            lo, hi = i.range  # type: ignore[misc]
            return Domain("number", lo, hi, issue=issue, **kw)
    return Domain("number", role="other")


def _issue(scenario: Scenario, name: Any) -> Any:
    for i in scenario.issues:
        if i.name == name:
            return i
    return None


def describe(scenario: Scenario, path: Path) -> Domain:
    """What the parameter at ``path`` is and which values it may take (see :class:`Domain`).

    Paths the function does not know get ``Domain("number", role="other")``:
    any finite number, checked by the loader point by point.
    """
    n = len(path)
    party_names = set(scenario.party_names)
    if n >= 3 and path[0] == "parties" and path[1] in party_names:
        party, field = path[1], path[2]
        if field == "weights" and n == 4:
            return Domain("number", 0.0, math.inf, role="weight", party=party, issue=path[3])
        if field == "power" and n == 3:
            return Domain("number", 0.0, math.inf, lo_open=True, role="power", party=party)
        if field == "veto" and n == 3:
            return Domain("bool", role="veto", party=party)
        if field in PARTY_SCALARS and n == 3:
            # read by other analyses (alternating offers, forecasts, ratification), not by
            # the bargaining problem: the grid path leaves its tables as they are
            return Domain("number", role="party_scalar", party=party)
        if field == "batna":
            if n == 3:
                return Domain("number", role="batna", party=party)
            if n == 4 and path[3] == "cost":
                return Domain("number", role="batna_cost", party=party)
            if n == 5 and path[3] == "outcome":
                return _issue_domain(scenario, path[4], role="batna_outcome", party=party)
        if field == "values" and n >= 5:
            issue = _issue(scenario, path[3])
            if issue is None:
                return Domain("number")
            if issue.levels is not None and n == 5:
                idx = issue.levels.index(path[4]) if path[4] in issue.levels else None
                return Domain(
                    "number",
                    0.0,
                    1.0,
                    role="level_value",
                    party=party,
                    issue=issue.name,
                    index=idx,
                    name=str(path[4]),
                )
            if issue.levels is None:
                if n == 7 and path[4] == "points" and isinstance(path[5], int):
                    if path[6] == 1:
                        return Domain(
                            "number",
                            0.0,
                            1.0,
                            role="point_value",
                            party=party,
                            issue=issue.name,
                            index=path[5],
                        )
                    if path[6] == 0:
                        lo, hi = issue.range
                        return Domain(
                            "number",
                            -math.inf,
                            math.inf,
                            role="other",
                            moves_grid=True,
                            party=party,
                            issue=issue.name,
                        )
                if n == 5 and path[4] == "exponent":
                    return Domain(
                        "number",
                        0.0,
                        math.inf,
                        lo_open=True,
                        role="exponent",
                        party=party,
                        issue=issue.name,
                    )
                if n == 5 and path[4] in ("ideal", "worst"):
                    lo, hi = issue.range
                    if path[4] == "ideal":
                        return Domain(
                            "number",
                            lo,
                            hi,
                            role="other",
                            moves_grid=True,
                            party=party,
                            issue=issue.name,
                        )
                    return Domain(
                        "number", role="other", moves_grid=True, party=party, issue=issue.name
                    )
    if path[:2] == ("conflict", "costs") and n == 3:
        return Domain("number", role="cost", party=str(path[2]))
    if path[:2] == ("conflict", "outcomes") and n >= 4 and isinstance(path[2], int):
        if path[3] == "probability" and n == 4:
            return Domain("number", 0.0, 1.0, role="probability", index=path[2])
        if path[3] == "outcome" and n == 5:
            return _issue_domain(scenario, path[4], role="war_outcome", index=path[2])
    if path[0] == "proposals" and n == 4 and path[2] == "outcome":
        return _issue_domain(scenario, path[3], role="proposal", name=str(path[1]))
    if path[0] == "issues" and n == 4 and path[2] == "range" and path[3] in (0, 1):
        return Domain("number", role="other", moves_grid=True, issue=str(path[1]))
    if path[:2] == ("analysis", "grid") and n in (2, 3):
        return Domain("integer", 2, 100_000, role="other", moves_grid=True)
    return Domain("number")


def label(scenario: Scenario, path: Path, domain: Domain | None = None) -> str:
    """A short name for tables and figures (``russia cost of war``)."""
    d = domain or describe(scenario, path)
    p, i = d.party, d.issue
    if d.role == "weight":
        return f"{p} weight on {i}"
    if d.role == "level_value":
        return f"{p} value of {i}={d.name}"
    if d.role == "point_value":
        issue = _issue(scenario, i)
        pts = raw_value(scenario, tuple(path[:5]))
        try:
            x = float(pts[d.index][0])  # type: ignore[index]
            return f"{p} value of {i} at {x:g}"
        except (TypeError, IndexError, KeyError, ValueError):
            return f"{p} value of {i} point {d.index}" if issue else dotted(path)
    if d.role == "exponent":
        return f"{p} exponent of {i}"
    if d.role == "power":
        return f"{p} bargaining power"
    if d.role == "veto":
        return f"{p} veto"
    if d.role in ("batna", "batna_cost"):
        return f"{p} fallback" + (" cost" if d.role == "batna_cost" else "")
    if d.role == "cost":
        return f"{p} cost of war"
    if d.role == "probability":
        outcomes = raw_value(scenario, ("conflict", "outcomes"))
        name = None
        if isinstance(outcomes, list) and d.index is not None and d.index < len(outcomes):
            entry = outcomes[d.index]
            name = entry.get("label") if isinstance(entry, dict) else None
        return f"P(war: {name or f'outcome {d.index}'})"
    if d.role == "war_outcome":
        return f"war outcome {d.index}: {i}"
    if d.role == "proposal":
        return f"{d.name}: {i}"
    return dotted(path)


def _probability_paths(scenario: Scenario) -> list[tuple[Path, float]]:
    outcomes = raw_value(scenario, ("conflict", "outcomes"))
    out = []
    if isinstance(outcomes, list):
        for j, o in enumerate(outcomes):
            p = o.get("probability") if isinstance(o, dict) else None
            if isinstance(p, (int, float)) and not isinstance(p, bool):
                out.append((("conflict", "outcomes", j, "probability"), float(p)))
    return out


class ProbabilityError(ValueError):
    """Conflict probabilities set by a point cannot be completed to sum 1."""


def point_changes(scenario: Scenario, values: Mapping[Path, Any]) -> dict[str, Any]:
    """The ``replace`` changes of a point: its parameter values, plus the other conflict
    probabilities rescaled so that all of them sum to 1.

    When the point sets some probabilities, the others keep their proportions
    and share ``1 - (sum of the set ones)``; when it sets all of them, they are
    divided by their sum. Raises :class:`ProbabilityError` when the set ones
    exceed 1 (or are all 0 with nothing else to carry the mass).
    """
    changes: dict[str, Any] = {dotted(p): v for p, v in values.items()}
    probs = [
        p
        for p in values
        if len(p) == 4 and p[:2] == ("conflict", "outcomes") and p[3] == "probability"
    ]
    if not probs:
        return changes
    given = {p: float(values[p]) for p in probs}
    total = math.fsum(given.values())
    others = [(p, q) for p, q in _probability_paths(scenario) if p not in given]
    if others:
        rest = 1.0 - total
        if rest < -1e-12:
            raise ProbabilityError(
                f"the conflict probabilities set sum to {total:.6g}, more than 1"
            )
        rest = max(rest, 0.0)
        base = math.fsum(q for _, q in others)
        for p, q in others:
            changes[dotted(p)] = q * rest / base if base > 1e-12 else rest / len(others)
        return changes
    if total <= 0:
        raise ProbabilityError("the conflict probabilities are all 0")
    if abs(total - 1.0) > 1e-12:
        for p, q in given.items():
            changes[dotted(p)] = q / total
    return changes


def normalise_probabilities(scenario: Scenario, paths: list[Path], columns: list[Any]) -> None:
    """In place: when ``paths`` hold every conflict probability, divide the columns (arrays
    of draws) by their sum, so the recorded values are the ones used."""
    import numpy as np

    probs = [
        j
        for j, p in enumerate(paths)
        if len(p) == 4 and p[:2] == ("conflict", "outcomes") and p[3] == "probability"
    ]
    every = {p for p, _ in _probability_paths(scenario)}
    if not probs or {paths[j] for j in probs} != every:
        return
    total = np.zeros(len(columns[probs[0]]))
    for j in probs:
        total = total + np.asarray(columns[j], dtype=float)
    safe = np.where(total > 0, total, 1.0)
    for j in probs:
        col = np.asarray(columns[j], dtype=float)
        columns[j] = np.where(total > 0, col / safe, col)


__all__ = [
    "Domain",
    "ProbabilityError",
    "baseline",
    "canonical",
    "describe",
    "label",
    "normalise_probabilities",
    "point_changes",
    "raw_value",
]
