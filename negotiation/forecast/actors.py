"""The inputs of the forecasting models: actors with capability, position and salience.

Spatial forecasting models (Bueno de Mesquita 1994; Stokman & Van Oosten 1994;
Thomson et al. 2006, "The European Union Decides") describe each actor on each
issue by three numbers:

- **capability** ``c_i``: how much the actor can bring to bear on the outcome;
- **position** ``x_i``: the outcome it wants, on a numeric scale of the issue;
- **salience** ``s_i``: how much the issue matters to it.

An :class:`ActorTable` holds them per issue. It is built from

- the standard actor table of that literature, a CSV file with the columns
  ``actor,capability,position,salience`` and optionally ``issue`` (several
  issues in one file) and ``outcome`` (the known decision, for accuracy
  benchmarks): :func:`read_actor_csv`; every bad row is one
  :class:`~negotiation.errors.ScenarioError` ``FILE:LINE: column: message``;
- a scenario: :func:`from_scenario` (position = the party's ideal point, the
  most moderate one when its value is flat at the top, or the index of its best
  level on a discrete issue; salience = its weight on the
  issue; capability = :attr:`Party.forecast_capability`, which is ``power``
  unless the file gives ``capability``).
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from ..errors import ScenarioError, quote
from ..scenario.source import decode, read_bytes

if TYPE_CHECKING:  # pragma: no cover
    from ..model.scenario import Scenario

#: Columns of the standard actor table: required, then optional.
REQUIRED = ("actor", "capability", "position", "salience")
OPTIONAL = ("issue", "outcome")
#: Largest actor table read (bytes); a benchmark table of 1,000 issues is about 1 MB.
MAX_CSV_BYTES = 32 << 20
#: Largest magnitude of a number in an actor table.
MAX_MAGNITUDE = 1e12
#: The issue name of a table without an ``issue`` column.
DEFAULT_ISSUE = "issue"
#: A discrete-issue forecast within this of half-way between two levels is a tie.
TIE_TOL = 1e-9


@dataclass(frozen=True, eq=False)
class IssueActors:
    """The actors on one issue.

    Attributes
    ----------
    name : str
        The issue.
    actors : tuple of str
        Actor names, in input order (unique on the issue).
    capability, position, salience : ndarray
        One number per actor (``salience`` on the input's own scale).
    outcome : float or None
        The known decision on the issue's scale (``outcome`` column), if any.
    levels : tuple of str or None
        For a discrete scenario issue, its levels (``position`` is a level index).
    scale : tuple of float or None
        The issue's range when known (a continuous scenario issue).
    """

    name: str
    actors: tuple[str, ...]
    capability: np.ndarray
    position: np.ndarray
    salience: np.ndarray
    outcome: float | None = None
    levels: tuple[str, ...] | None = None
    scale: tuple[float, float] | None = None

    @property
    def weight(self) -> np.ndarray:
        """``c_i s_i``: each actor's weight in the compromise and the median."""
        return self.capability * self.salience

    def nearest_level(self, x: float) -> str | None:
        """The level nearest to the coordinate ``x`` (``None``: a continuous issue, or
        ``x`` exactly half-way between two levels: see :meth:`between_levels`)."""
        if self.levels is None or not math.isfinite(x) or self.between_levels(x) is not None:
            return None
        return self.levels[int(min(max(math.floor(x + 0.5), 0), len(self.levels) - 1))]

    def between_levels(self, x: float) -> tuple[str, str] | None:
        """The two levels ``x`` lies exactly half-way between (within :data:`TIE_TOL`), in
        level order; ``None`` otherwise (or on a continuous issue). A forecast there is a
        tie: no tie-break decides it."""
        if self.levels is None or not math.isfinite(x):
            return None
        k = math.floor(x)
        if abs(x - (k + 0.5)) > TIE_TOL or k < 0 or k + 1 >= len(self.levels):
            return None
        return self.levels[k], self.levels[k + 1]


@dataclass(frozen=True, eq=False)
class ActorTable:
    """Actors on one or more issues (see the module notes).

    ``file`` is the CSV or scenario file (``None`` when built in code);
    ``issues`` are in input order; ``title`` labels outputs.
    """

    issues: tuple[IssueActors, ...]
    file: str | None = None
    title: str = "actor table"
    source: str = "csv"  # "csv" or "scenario"
    notes: tuple[str, ...] = field(default=())

    def issue(self, name: str) -> IssueActors:
        for i in self.issues:
            if i.name == name:
                return i
        raise KeyError(name)

    @property
    def issue_names(self) -> list[str]:
        return [i.name for i in self.issues]

    @property
    def actor_names(self) -> list[str]:
        """Every actor, in order of first appearance."""
        seen: dict[str, None] = {}
        for i in self.issues:
            for a in i.actors:
                seen.setdefault(a, None)
        return list(seen)

    @property
    def has_outcomes(self) -> bool:
        return any(i.outcome is not None for i in self.issues)


def table_from_arrays(
    actors: list[str],
    capability,
    position,
    salience,
    *,
    issue: str = DEFAULT_ISSUE,
    outcome: float | None = None,
    title: str = "actor table",
) -> ActorTable:
    """A one-issue table from lists (for code and tests)."""
    return ActorTable(
        (
            IssueActors(
                issue,
                tuple(actors),
                np.asarray(capability, dtype=float),
                np.asarray(position, dtype=float),
                np.asarray(salience, dtype=float),
                outcome,
            ),
        ),
        None,
        title,
        "code",
    )


# --------------------------------------------------------------------------- CSV
def _number(text: str, column: str, file: str, line: int, *, positive: bool = False) -> float:
    t = text.strip()
    if not t:
        raise ScenarioError("empty; give a number", column, file, line)
    try:
        v = float(t)
    except ValueError:
        raise ScenarioError(f"not a number: {quote(t)}", column, file, line) from None
    if not math.isfinite(v):
        raise ScenarioError(f"must be a finite number, not {quote(t)}", column, file, line)
    if abs(v) > MAX_MAGNITUDE:
        raise ScenarioError(
            f"{quote(t)} is too large (the limit is {MAX_MAGNITUDE:g} in magnitude)",
            column,
            file,
            line,
        )
    if positive and v < 0:
        raise ScenarioError(f"must be 0 or more, not {quote(t)}", column, file, line)
    return v


def read_actor_csv(path: str) -> ActorTable:
    """Read the standard actor table from the CSV file ``path``.

    The header names the columns (any order, any case): ``actor``,
    ``capability``, ``position``, ``salience`` and optionally ``issue`` and
    ``outcome``. Capability and salience are numbers of at least 0 on any
    scale; position any number. An actor appears at most once per issue;
    ``outcome``, when given, is the same on every row of an issue (or empty).

    Raises
    ------
    ScenarioError
        ``FILE:LINE: column: message`` for the first bad row or cell.
    """
    text = decode(read_bytes(path, MAX_CSV_BYTES), path).lstrip("\ufeff")
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise ScenarioError("contains a NUL character; not a text table", "", path, line)
    reader = csv.reader(io.StringIO(text, newline=""))
    header: list[str] | None = None
    header_line = 0
    rows: dict[str, list[tuple[int, str, float, float, float, float | None]]] = {}
    try:
        for record in reader:
            line = reader.line_num
            if not record or all(not c.strip() for c in record):
                continue
            if record[0].lstrip().startswith("#"):
                continue  # a comment line
            if header is None:
                header = [c.strip().lower() for c in record]
                header_line = line
                _check_header(header, path, line)
                continue
            if len(record) != len(header):
                raise ScenarioError(
                    f"{len(record)} cells, but the header (line {header_line}) has "
                    f"{len(header)} columns",
                    "",
                    path,
                    line,
                )
            cell = dict(zip(header, record))
            actor = cell["actor"].strip()
            if not actor:
                raise ScenarioError("empty; give the actor's name", "actor", path, line)
            issue = cell.get("issue", DEFAULT_ISSUE).strip() if "issue" in cell else DEFAULT_ISSUE
            if not issue:
                raise ScenarioError("empty; give the issue's name", "issue", path, line)
            c = _number(cell["capability"], "capability", path, line, positive=True)
            x = _number(cell["position"], "position", path, line)
            s = _number(cell["salience"], "salience", path, line, positive=True)
            outcome = None
            if "outcome" in cell and cell["outcome"].strip():
                outcome = _number(cell["outcome"], "outcome", path, line)
            group = rows.setdefault(issue, [])
            for first, name, *_ in group:
                if name == actor:
                    raise ScenarioError(
                        f"actor {quote(actor)} appears twice on issue {quote(issue)} "
                        f"(first on line {first})",
                        "actor",
                        path,
                        line,
                    )
            group.append((line, actor, c, x, s, outcome))
    except csv.Error as exc:
        raise ScenarioError(f"not a valid CSV table: {exc}", "", path, reader.line_num) from None
    if header is None:
        raise ScenarioError(
            "empty table; the first line names the columns " + ",".join(REQUIRED), "", path, 1
        )
    if not rows:
        raise ScenarioError("the table has a header but no actors", "", path, header_line)
    issues = tuple(_issue(name, group, path) for name, group in rows.items())
    return ActorTable(issues, path, _title(path), "csv")


def _check_header(header: list[str], path: str, line: int) -> None:
    known = REQUIRED + OPTIONAL
    for j, name in enumerate(header):
        if name not in known:
            raise ScenarioError(
                f"unknown column {quote(name)} (column {j + 1}); the columns are "
                f"{', '.join(REQUIRED)} and optionally {', '.join(OPTIONAL)}",
                "",
                path,
                line,
            )
        if header.index(name) != j:
            raise ScenarioError(f"column {quote(name)} appears twice", "", path, line)
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise ScenarioError(
            f"missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)} "
            f"(the header must name {', '.join(REQUIRED)})",
            "",
            path,
            line,
        )


def _issue(name: str, group: list, path: str) -> IssueActors:
    outcomes = [(line, o) for line, *_, o in group if o is not None]
    outcome = None
    if outcomes:
        first_line, outcome = outcomes[0]
        for line, o in outcomes[1:]:
            if o != outcome:
                raise ScenarioError(
                    f"issue {quote(name)} has outcome {o:g} here but {outcome:g} on line "
                    f"{first_line}; an issue has one outcome",
                    "outcome",
                    path,
                    line,
                )
    cap = np.array([g[2] for g in group])
    sal = np.array([g[4] for g in group])
    if not np.any(cap * sal > 0):
        raise ScenarioError(
            f"issue {quote(name)}: no actor has both capability and salience above 0, so "
            "no model can weigh the positions",
            "salience",
            path,
            group[0][0],
        )
    return IssueActors(
        name,
        tuple(g[1] for g in group),
        cap,
        np.array([g[3] for g in group]),
        sal,
        outcome,
    )


def _title(path: str) -> str:
    import os

    return os.path.splitext(os.path.basename(path))[0]


# --------------------------------------------------------------------------- scenario
def moderate_ideal(xs: np.ndarray, vs: np.ndarray, centre: float) -> float:
    """The point nearest ``centre`` of the set where the piecewise-linear function
    through ``(xs, vs)`` (``xs`` increasing) takes its maximum.

    The set is the union of the best breakpoints and of the segments between two
    consecutive best breakpoints (where the function is flat at the top).
    """
    xs = np.asarray(xs, dtype=float)
    vs = np.asarray(vs, dtype=float)
    top = vs >= vs.max() - 1e-12
    best = xs[top]
    cands = [float(best[np.argmin(np.abs(best - centre))])]
    for j in np.flatnonzero(top[:-1] & top[1:]):  # flat segments [xs[j], xs[j+1]]
        cands.append(float(min(max(centre, xs[j]), xs[j + 1])))
    return min(cands, key=lambda x: (abs(x - centre), x))


def best_position(vf, issue) -> float:
    """A party's position on an issue: its ideal point, the most moderate one when
    several points are best.

    ``IdealValue``: the ideal. ``PointsValue``: when the value is highest on a
    set of points (a flat top, e.g. Russia's territory value 1 on ``[0.225, 0.25]``),
    the point of that set nearest to the middle of the issue's range, the most
    moderate of its ideal points (a party asks for no more than it values; the
    midpoint of the set would put it beyond its own maximal claim). ``LevelValue``:
    the index of the best level (the middle index when several levels tie).
    """
    from ..model.values import IdealValue, LevelValue, PointsValue

    if isinstance(vf, IdealValue):
        return float(vf.ideal)
    if isinstance(vf, PointsValue):
        vs = np.asarray(vf.vs, dtype=float)
        xs = np.asarray(vf.xs, dtype=float)
        rng = issue.range if issue.range is not None else (xs[0], xs[-1])
        return moderate_ideal(xs, vs, (float(rng[0]) + float(rng[1])) / 2)
    if isinstance(vf, LevelValue):
        vs = np.asarray(vf.values, dtype=float)
        idx = np.flatnonzero(vs >= vs.max() - 1e-12)
        return float((idx.min() + idx.max()) / 2)
    raise TypeError(f"no position for a value function of type {type(vf).__name__}")


def from_scenario(scenario: Scenario) -> ActorTable:
    """The scenario's parties as an actor table, one issue per scenario issue.

    Position: the party's ideal point (a continuous issue) or the index of its
    best level in level order (a discrete issue); salience: its weight on the
    issue (weights sum to 1 per party); capability: ``capability`` from the file,
    else ``power``.
    """
    issues = []
    names = tuple(scenario.party_names)
    cap = np.array([p.forecast_capability for p in scenario.parties], dtype=float)
    for k, issue in enumerate(scenario.issues):
        pos = np.array([best_position(p.values[k], issue) for p in scenario.parties])
        sal = np.array([p.weights[k] for p in scenario.parties], dtype=float)
        issues.append(
            IssueActors(
                issue.name,
                names,
                cap.copy(),
                pos,
                sal,
                None,
                issue.levels,
                issue.range,
            )
        )
    return ActorTable(
        tuple(issues), scenario.file, scenario.title, "scenario", tuple(scenario.notes)
    )


__all__ = [
    "ActorTable",
    "IssueActors",
    "best_position",
    "from_scenario",
    "moderate_ideal",
    "read_actor_csv",
    "table_from_arrays",
]
