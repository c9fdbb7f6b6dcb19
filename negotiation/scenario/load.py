"""Load a scenario file (or mapping), validate it and build the model.

The one entry point for input: every problem raises a single
:class:`~negotiation.errors.ScenarioError` naming file, line and field.
"""

from __future__ import annotations

import math
import os
from dataclasses import replace
from pathlib import Path as FsPath
from typing import Any

from pydantic import BaseModel, ValidationError

from ..errors import ScenarioError
from ..model.issues import Issue
from ..model.scenario import BatnaConflict, BatnaOutcome, Conflict, Party, Proposal, Scenario
from ..model.values import IdealValue, LevelValue, PointsValue, ValueFunction
from .entries import check_evidence_sources, plain_evidence
from .errors_map import dotted, suggest, to_scenario_error
from .schema import BatnaOutcomeSpec, IdealSpec, PartySpec, PointsSpec, ScenarioSpec
from .yamlio import Path, line_of, load_yaml

PROB_TOL = 1e-6
#: Largest full-factorial outcome grid accepted (memory: ~8 bytes x parties per outcome).
MAX_OUTCOMES = 5_000_000
#: Keys allowed in a party's ``evidence`` mapping (besides ``<group>.<issue>``).
PARTY_PARAMETERS = ("weights", "values", "batna", "power", "veto")


class _Ctx:
    def __init__(self, data: Any, lines: dict[Path, int], file: str | None) -> None:
        self.data, self.lines, self.file = data, lines, file
        self.notes: list[str] = []

    def error(self, path: Path, message: str) -> ScenarioError:
        return ScenarioError(message, dotted(path), self.file, line_of(self.lines, path))

    def validate(self, model: type[BaseModel], value: Any, path: Path) -> Any:
        try:
            return model.model_validate(value)
        except ValidationError as exc:
            raise to_scenario_error(exc, value, self.lines, self.file, model, path) from None


def load_scenario(path: str | os.PathLike) -> Scenario:
    """Read and validate a scenario file.

    Parameters
    ----------
    path : str or os.PathLike
        A YAML file in the scenario format (``docs/scenario-format.md``).

    Returns
    -------
    Scenario
        The validated, immutable scenario; ``raw`` holds the mapping as read and
        ``lines`` the line of every field.

    Raises
    ------
    ScenarioError
        If the file does not exist, is not valid YAML or does not describe a
        valid scenario; the message names the file, line and field.
    """
    name = os.fspath(path)
    fs = FsPath(name)
    if not fs.exists():
        raise ScenarioError("file does not exist", "", name)
    if fs.is_dir():
        raise ScenarioError("is a directory, not a scenario file", "", name)
    try:
        raw = fs.read_bytes()
    except OSError as exc:
        raise ScenarioError(f"cannot read file: {exc.strerror or exc}", "", name) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - raw.rfind(b"\n", 0, exc.start)
        raise ScenarioError(f"not UTF-8 text (byte 0x{raw[exc.start]:02x} at column {column}); "
                            "save the file as UTF-8", "", name, line) from None
    data, lines = load_yaml(text, name)
    return _build(data, lines, name)


def scenario_from_dict(data: dict[str, Any], file: str | None = None) -> Scenario:
    """Validate a scenario given as a mapping (the YAML structure) and build it.

    Parameters
    ----------
    data : dict
        The structure of a scenario file as Python dicts, lists, text and numbers.
    file : str, optional
        A file name to show in error messages and the report.

    Returns
    -------
    Scenario
        The validated scenario; ``raw`` is ``data`` itself (not a copy).

    Raises
    ------
    ScenarioError
        If ``data`` does not describe a valid scenario. Errors name the field's
        dotted path; there is no line to name.
    """
    return _build(data, {}, file)


def _build(data: Any, lines: dict[Path, int], file: str | None) -> Scenario:
    ctx = _Ctx(data, lines, file)
    if data is None and lines:
        raise ScenarioError("the file is empty; a scenario is a mapping with 'title', "
                            "'issues' and 'parties'", "", file, line_of(lines, ()))
    if not isinstance(data, dict):
        kind = ("a list" if isinstance(data, list) else "nothing" if data is None
                else f"a single value ({data!r})")
        raise ScenarioError("the scenario must be a mapping with 'title', 'issues' and "
                            f"'parties', got {kind}", "", file, line_of(lines, ()))
    spec: ScenarioSpec = ctx.validate(ScenarioSpec, data, ())
    issues = _issues(ctx, spec)
    names = [i.name for i in issues]
    sources = {k: v.model_dump(exclude_none=True) for k, v in spec.sources.items()}
    parties = tuple(_party(ctx, name, p, issues, sources) for name, p in spec.parties.items())
    issues = _with_kinks(issues, parties)
    size = math.prod(len(i.grid_values()) for i in issues)
    if size > MAX_OUTCOMES:
        dims = " x ".join(str(len(i.grid_values())) for i in issues)
        raise ctx.error(("analysis", "grid") if "analysis" in data else ("issues",),
                        f"the outcome grid would have {size:,} outcomes ({dims}); the limit "
                        f"is {MAX_OUTCOMES:,}: lower analysis.grid (refinement keeps "
                        "solutions exact on a coarser grid)")
    if not any(p.veto for p in parties):
        raise ctx.error(("parties",), "at least one party must have veto: true "
                        "(the agreement set is what every veto party accepts)")
    party_names = [p.name for p in parties]
    conflict = None
    if spec.conflict is not None:
        c = spec.conflict
        total = sum(o.probability for o in c.outcomes)
        if abs(total - 1.0) > PROB_TOL:
            raise ctx.error(("conflict", "outcomes"),
                            f"probabilities sum to {total:.6g}, not 1")
        for who in c.costs:
            if who not in party_names:
                raise ctx.error(("conflict", "costs", who),
                                f"'{who}' is not a party{suggest(who, party_names)}")
        outs = tuple((o.probability,
                      _outcome(ctx, o.outcome, issues, ("conflict", "outcomes", j, "outcome")))
                     for j, o in enumerate(c.outcomes))
        check_evidence_sources(ctx, c.evidence, ("conflict", "evidence"), sources)
        # every party gets its cost (0 when not listed), so a scenario whose file lists a
        # cost of 0 and one that leaves it out are the same scenario
        costs = {n: float(c.costs.get(n, 0.0)) for n in party_names}
        conflict = Conflict(outs, costs, plain_evidence(c.evidence))
    for p in parties:
        if isinstance(p.batna, BatnaConflict) and conflict is None:
            raise ctx.error(("parties", p.name, "batna"),
                            "batna is 'conflict' but the file has no top-level 'conflict' block")
    proposals = []
    for pname, prop in spec.proposals.items():
        path = ("proposals", pname)
        check_evidence_sources(ctx, prop.evidence, path + ("evidence",), sources)
        proposals.append(Proposal(pname, _outcome(ctx, prop.outcome, issues, path + ("outcome",)),
                                  prop.source, plain_evidence(prop.evidence)))
    for key, ev in spec.evidence.items():
        check_evidence_sources(ctx, ev, ("evidence", key), sources)
    for iname, ispec in spec.issues.items():
        check_evidence_sources(ctx, ispec.evidence, ("issues", iname, "evidence"), sources)
    del names
    return Scenario(title=spec.title, date=spec.date, file=file, issues=issues,
                    parties=parties, conflict=conflict, proposals=tuple(proposals),
                    sources=sources, notes=tuple(ctx.notes), raw=data, lines=lines)


def _with_kinks(issues: tuple[Issue, ...], parties: tuple[Party, ...]) -> tuple[Issue, ...]:
    """Add every value-function kink inside a continuous issue's range to its grid."""
    out = []
    for k, issue in enumerate(issues):
        if issue.range is not None:
            lo, hi = issue.range
            kinks = sorted({float(b) for p in parties if p.weights[k] > 0
                            and isinstance(vf := p.values[k], (IdealValue, PointsValue))
                            for b in vf.breakpoints() if lo < b < hi})
            issue = replace(issue, kinks=tuple(kinks))
        out.append(issue)
    return tuple(out)


def _issues(ctx: _Ctx, spec: ScenarioSpec) -> tuple[Issue, ...]:
    grid = spec.analysis.grid
    per_issue: dict[str, int] = {}
    default = 101
    if isinstance(grid, int):
        default = grid
    else:
        for key, n in grid.items():
            if key == "default":
                default = n
            elif key not in spec.issues:
                raise ctx.error(("analysis", "grid", key),
                                f"'{key}' is not an issue{suggest(key, list(spec.issues))}")
            elif spec.issues[key].levels is not None:
                raise ctx.error(("analysis", "grid", key),
                                f"'{key}' is discrete: its levels are its grid")
            else:
                per_issue[key] = n
    out = []
    for name, i in spec.issues.items():
        path = ("issues", name)
        if (i.range is None) == (i.levels is None):
            raise ctx.error(path, "give either 'range: [lo, hi]' (continuous) "
                                  "or 'levels: [...]' (discrete), not both or neither")
        if i.range is not None:
            lo, hi = i.range
            if not lo < hi:
                raise ctx.error(path + ("range",), f"range must have lo < hi, got [{lo}, {hi}]")
            out.append(Issue(name, range=(float(lo), float(hi)),
                             grid=per_issue.get(name, default),
                             description=i.description, unit=i.unit))
        else:
            levels = i.levels or []
            if len(levels) == 0:
                raise ctx.error(path + ("levels",), "a discrete issue needs at least one level")
            seen = set()
            for j, lev in enumerate(levels):
                if lev in seen:
                    raise ctx.error(path + ("levels", j), f"level '{lev}' is listed twice")
                seen.add(lev)
            out.append(Issue(name, levels=tuple(levels), description=i.description,
                             unit=i.unit))
    return tuple(out)


def _check_keys(ctx: _Ctx, given: dict, allowed: list[str], path: Path, what: str) -> None:
    for key in given:
        if key not in allowed:
            raise ctx.error(path + (key,), f"'{key}' is not {what}{suggest(key, allowed)}")


def _party(ctx: _Ctx, name: str, p: PartySpec, issues: tuple[Issue, ...],
           sources: dict[str, Any]) -> Party:
    path = ("parties", name)
    inames = [i.name for i in issues]
    _check_keys(ctx, p.weights, inames, path + ("weights",), "an issue")
    _check_keys(ctx, p.values, inames, path + ("values",), "an issue")
    for iname in inames:
        if iname not in p.weights:
            raise ctx.error(path + ("weights",),
                            f"missing weight for issue '{iname}' (write 0 if it does not matter)")
    raw = [float(p.weights[i]) for i in inames]
    total = sum(raw)
    if total <= 0:
        raise ctx.error(path + ("weights",), "weights are all zero; at least one must be positive")
    if abs(total - 1.0) > 1e-9:
        ctx.notes.append(f"{name}: weights sum to {total:.6g}; normalised to sum 1")
    weights = tuple(w / total for w in raw)
    values: list[ValueFunction] = []
    for issue, w in zip(issues, weights):
        vpath = path + ("values", issue.name)
        if issue.name not in p.values:
            if w > 0:
                raise ctx.error(path + ("values",),
                                f"missing value function for issue '{issue.name}' "
                                "(its weight is positive)")
            values.append(LevelValue((0.0,) * len(issue.levels)) if issue.levels is not None
                          else PointsValue(_range(issue), (0.0, 0.0)))
            continue
        values.append(_value(ctx, p.values[issue.name], issue, vpath))
    batna = _batna(ctx, p.batna, issues, path + ("batna",), name)
    evidence = {}
    for key, ev in p.evidence.items():
        parts = key.split(".")
        if parts[0] not in PARTY_PARAMETERS:
            raise ctx.error(path + ("evidence", key),
                            f"'{key}' is not a parameter of a party"
                            f"{suggest(parts[0], list(PARTY_PARAMETERS))}; use one of "
                            f"{', '.join(PARTY_PARAMETERS)}, optionally followed by .<issue>")
        if parts[0] in ("weights", "values") and len(parts) > 1 and parts[1] not in inames:
            raise ctx.error(path + ("evidence", key),
                            f"'{parts[1]}' is not an issue{suggest(parts[1], inames)}")
        check_evidence_sources(ctx, ev, path + ("evidence", key), sources)
        evidence[key] = plain_evidence(ev)
    return Party(name=name, weights=weights, values=tuple(values), batna=batna, veto=p.veto,
                 power=float(p.power), evidence=evidence)


def _range(issue: Issue) -> tuple[float, float]:
    assert issue.range is not None, f"{issue.name} is continuous"
    return issue.range


def _value(ctx: _Ctx, spec: Any, issue: Issue, path: Path) -> ValueFunction:
    if issue.levels is not None:
        if not isinstance(spec, dict):
            raise ctx.error(path, "a discrete issue's value function maps every level to a "
                                  "number in [0, 1]")
        _check_keys(ctx, spec, list(issue.levels), path, f"a level of '{issue.name}'")
        vals = []
        for lev in issue.levels:
            if lev not in spec:
                raise ctx.error(path, f"missing value for level '{lev}'")
            vals.append(_unit_number(ctx, spec[lev], path + (lev,)))
        return LevelValue(tuple(vals))
    lo, hi = _range(issue)
    if isinstance(spec, dict) and "points" in spec:
        pts = ctx.validate(PointsSpec, spec, path).points
        xs = [float(x) for x, _ in pts]
        for j in range(1, len(xs)):
            if not xs[j] > xs[j - 1]:
                raise ctx.error(path + ("points", j), "point x-values must strictly increase")
        vs = [_unit_number(ctx, v, path + ("points", j, 1)) for j, (_, v) in enumerate(pts)]
        return PointsValue(tuple(xs), tuple(vs))
    if isinstance(spec, dict) and "ideal" in spec:
        s = ctx.validate(IdealSpec, spec, path)
        if not lo <= s.ideal <= hi:
            raise ctx.error(path + ("ideal",), f"ideal {s.ideal} is outside the issue's range "
                                                f"[{lo}, {hi}]")
        if s.worst is not None:
            if s.worst == s.ideal:
                raise ctx.error(path + ("worst",), "worst must differ from ideal")
            dist = abs(s.worst - s.ideal)
        else:
            dist = max(s.ideal - lo, hi - s.ideal)
        return IdealValue(float(s.ideal), float(s.exponent), float(dist),
                          None if s.worst is None else float(s.worst))
    keys = list(spec) if isinstance(spec, dict) else []
    hint = suggest(keys[0], ["ideal", "points"]) if keys else ""
    raise ctx.error(path, "a continuous issue's value function is {ideal: x, exponent: e} or "
                          f"{{points: [[x, v], ...]}}{hint}")


def _unit_number(ctx: _Ctx, value: Any, path: Path) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ctx.error(path, f"must be a number in [0, 1], got {value!r}")
    if not math.isfinite(value):
        raise ctx.error(path, "must be a finite number (not NaN or infinity)")
    if not 0.0 <= value <= 1.0:
        raise ctx.error(path, f"must be in [0, 1], got {value}")
    return float(value)


def _batna(ctx: _Ctx, spec: Any, issues, path: Path, party: str):
    if spec is None:
        ctx.notes.append(f"{party}: no batna given; reservation value 0")
        return 0.0
    if isinstance(spec, bool):
        raise ctx.error(path, "batna must be a number, {outcome: ..., cost: c} or 'conflict'")
    if isinstance(spec, (int, float)):
        if not math.isfinite(spec):
            raise ctx.error(path, "must be a finite number (not NaN or infinity)")
        return float(spec)
    if spec == "conflict":
        return BatnaConflict()
    if isinstance(spec, dict):
        s = ctx.validate(BatnaOutcomeSpec, spec, path)
        return BatnaOutcome(_outcome(ctx, s.outcome, issues, path + ("outcome",)), float(s.cost))
    hint = suggest(spec, ["conflict"]) if isinstance(spec, str) else ""
    raise ctx.error(path, f"batna must be a number, {{outcome: ..., cost: c}} or 'conflict', "
                          f"got {spec!r}{hint}")


def _outcome(ctx: _Ctx, outcome: dict, issues, path: Path) -> dict[str, float | str]:
    inames = [i.name for i in issues]
    _check_keys(ctx, outcome, inames, path, "an issue")
    out: dict[str, float | str] = {}
    for issue in issues:
        if issue.name not in outcome:
            raise ctx.error(path, f"missing value for issue '{issue.name}' "
                                  "(an outcome must set every issue)")
        v = outcome[issue.name]
        vpath = path + (issue.name,)
        if issue.continuous:
            if isinstance(v, bool) or not isinstance(v, (int, float)):
                raise ctx.error(vpath, f"must be a number in [{issue.range[0]}, "
                                       f"{issue.range[1]}], got {v!r}")
            if not math.isfinite(v):
                raise ctx.error(vpath, "must be a finite number (not NaN or infinity)")
            lo, hi = issue.range
            if not lo <= v <= hi:
                raise ctx.error(vpath, f"{v} is outside the issue's range [{lo}, {hi}]")
            out[issue.name] = float(v)
        else:
            if v not in issue.levels:
                raise ctx.error(vpath, f"'{v}' is not a level of '{issue.name}'"
                                       f"{suggest(str(v), list(issue.levels))}; levels: "
                                       f"{', '.join(issue.levels)}")
            out[issue.name] = v
    return out
