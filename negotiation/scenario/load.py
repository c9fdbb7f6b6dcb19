"""Load a scenario file (or mapping), validate it and build the model.

The one entry point for input: every problem raises a single
:class:`~negotiation.errors.ScenarioError` naming file, line and field.
"""

from __future__ import annotations

import math
import os
from dataclasses import replace
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ValidationError

from ..errors import ScenarioError, quote, render
from ..model.issues import Issue
from ..model.scenario import BatnaConflict, Conflict, Party, Proposal, Scenario
from ..model.values import IdealValue, LevelValue, PointsValue, ValueFunction
from .checks import check_counts, check_name, check_numbers, check_size
from .entries import check_evidence_sources, plain_evidence
from .errors_map import dotted, suggest, to_scenario_error
from .fields import MIN_RELATIVE_WIDTH, check_keys, decimal, exact, outcome, value_function
from .fields import batna as batna_of
from .noncoop import parse_constraints, parse_private_costs, parse_ratification, parse_shift
from .schema import PartySpec, ScenarioSpec
from .source import read_text
from .yamlio import Path, line_of, load_yaml

PROB_TOL = 1e-6
#: Keys allowed in a party's ``evidence`` mapping (besides ``<group>.<issue>``).
PARTY_PARAMETERS = (
    "weights",
    "values",
    "batna",
    "power",
    "veto",
    "capability",
    "discount",
    "outside_option",
    "recognition",
)


class _Ctx:
    def __init__(
        self,
        data: Any,
        lines: dict[Path, int],
        file: str | None,
        texts: dict[Path, str] | None = None,
    ) -> None:
        self.data, self.lines, self.file = data, lines, file
        self.texts = texts or {}
        self.notes: list[str] = []

    def error(self, path: Path, message: str) -> ScenarioError:
        return ScenarioError(message, dotted(path), self.file, line_of(self.lines, path))

    def show(self, path: Path, value: Any) -> str:
        """``value`` (found at ``path``) as the file writes it: ``1``, ``true``, ``'text'``."""
        text = self.texts.get(tuple(path))
        return quote(text, 40)[1:-1] if text is not None else render(value, 40)

    def written_range(self, issue: str) -> str:
        """An issue's ``[lo, hi]`` as the file writes it."""
        path: Path = ("issues", issue, "range")
        rng = self.data["issues"][issue]["range"]
        return f"[{self.show(path + (0,), rng[0])}, {self.show(path + (1,), rng[1])}]"

    def validate(self, model: type[BaseModel], value: Any, path: Path) -> Any:
        try:
            return model.model_validate(value)
        except ValidationError as exc:
            raise to_scenario_error(exc, value, self, model, path) from None


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
    name = os.fsdecode(path)
    data, lines, texts = load_yaml(read_text(name), name)
    return _build(data, lines, name, texts)


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


def _build(
    data: Any, lines: dict[Path, int], file: str | None, texts: dict[Path, str] | None = None
) -> Scenario:
    ctx = _Ctx(data, lines, file, texts)
    if data is None and lines:
        raise ScenarioError(
            "the file is empty; a scenario is a mapping with 'title', 'issues' and 'parties'",
            "",
            file,
            line_of(lines, ()),
        )
    if not isinstance(data, dict):
        kind = (
            "a list"
            if isinstance(data, list)
            else "nothing"
            if data is None
            else f"a single value ({ctx.show((), data)})"
        )
        raise ScenarioError(
            f"the scenario must be a mapping with 'title', 'issues' and 'parties', got {kind}",
            "",
            file,
            line_of(lines, ()),
        )
    fmt = data.get("format", 1)
    if type(fmt) is not int or fmt != 1:
        raise ctx.error(
            ("format",),
            "format must be the integer 1 (the version of the "
            f"scenario format), got {ctx.show(('format',), fmt)}",
        )
    if "games" in data and "issues" not in data and "parties" not in data:
        raise _games_only(ctx, data)
    check_counts(ctx, data)
    spec: ScenarioSpec = ctx.validate(ScenarioSpec, data, ())
    check_numbers(ctx, data)
    issues = _issues(ctx, spec)
    sources = {k: v.model_dump(exclude_none=True) for k, v in spec.sources.items()}
    for key in sources:
        check_name(ctx, key, ("sources", key), "a source")
    for name in spec.parties:
        check_name(ctx, name, ("parties", name), "a party")
    parties = tuple(_party(ctx, name, p, issues, sources) for name, p in spec.parties.items())
    issues = _with_kinks(issues, parties)
    check_size(
        ctx, issues, len(parties), ("analysis", "grid") if "analysis" in data else ("issues",)
    )
    if not any(p.veto for p in parties):
        raise ctx.error(
            ("parties",),
            "at least one party must have veto: true "
            "(the agreement set is what every veto party accepts)",
        )
    party_names = [p.name for p in parties]
    conflict = None
    if spec.conflict is not None:
        c = spec.conflict
        total = math.fsum(o.probability for o in c.outcomes)
        if abs(total - 1.0) > PROB_TOL:
            written = sum(
                (
                    exact(ctx.texts.get(("conflict", "outcomes", j, "probability")), o.probability)
                    for j, o in enumerate(c.outcomes)
                ),
                Decimal(0),
            )
            raise ctx.error(
                ("conflict", "outcomes"), f"probabilities sum to {decimal(written)}, not 1"
            )
        for who in c.costs:
            if who not in party_names:
                raise ctx.error(
                    ("conflict", "costs", who),
                    f"{quote(who)} is not a party{suggest(who, party_names)}",
                )
        outs = tuple(
            (o.probability, outcome(ctx, o.outcome, issues, ("conflict", "outcomes", j, "outcome")))
            for j, o in enumerate(c.outcomes)
        )
        check_evidence_sources(ctx, c.evidence, ("conflict", "evidence"), sources)
        # every party gets its cost (0 when not listed), so a scenario whose file lists a
        # cost of 0 and one that leaves it out are the same scenario
        costs = {n: float(c.costs.get(n, 0.0)) for n in party_names}
        # a private cost (issue 12) replaces the known one; its mean sets the reservation value
        private = parse_private_costs(ctx, c.private_costs, parties, c.costs)
        costs.update({n: dist.mean for n, dist in private.items()})
        shift = parse_shift(ctx, c.shift, issues, sources)
        conflict = Conflict(outs, costs, plain_evidence(c.evidence), private, shift)
    for p in parties:
        if isinstance(p.batna, BatnaConflict) and conflict is None:
            raise ctx.error(
                ("parties", p.name, "batna"),
                "batna is 'conflict' but the file has no top-level 'conflict' block",
            )
    proposals = []
    for pname, prop in spec.proposals.items():
        path = ("proposals", pname)
        check_name(ctx, pname, path, "a proposal")
        check_evidence_sources(ctx, prop.evidence, path + ("evidence",), sources)
        proposals.append(
            Proposal(
                pname,
                outcome(ctx, prop.outcome, issues, path + ("outcome",)),
                prop.source,
                plain_evidence(prop.evidence),
            )
        )
    # ---- blocks parsed by their own modules (games, constraints, bargaining, ratification)
    games = _games(ctx, data, parties, proposals, sources, conflict is not None)
    from ..bargaining.options import parse_bargaining  # the bargaining block and recognition

    bargaining, parties = parse_bargaining(ctx, data.get("bargaining"), parties, sources)
    constraints = parse_constraints(ctx, spec.constraints, issues)
    ratification = parse_ratification(ctx, data.get("ratification"), parties, issues, sources)
    # ---- end of the blocks
    for key, ev in spec.evidence.items():
        check_evidence_sources(ctx, ev, ("evidence", key), sources)
    for iname, ispec in spec.issues.items():
        check_evidence_sources(ctx, ispec.evidence, ("issues", iname, "evidence"), sources)
    return Scenario(
        title=spec.title,
        date=spec.date,
        file=file,
        issues=issues,
        parties=parties,
        conflict=conflict,
        proposals=tuple(proposals),
        sources=sources,
        games=games,
        bargaining=bargaining,
        constraints=constraints,
        ratification=ratification or None,
        notes=tuple(ctx.notes),
        raw=data,
        lines=lines,
        texts=ctx.texts,
    )


def _with_kinks(issues: tuple[Issue, ...], parties: tuple[Party, ...]) -> tuple[Issue, ...]:
    """Add every value-function kink inside a continuous issue's range to its grid."""
    out = []
    for k, issue in enumerate(issues):
        if issue.range is not None:
            lo, hi = issue.range
            kinks = sorted(
                {
                    float(b)
                    for p in parties
                    if p.weights[k] > 0 and isinstance(vf := p.values[k], (IdealValue, PointsValue))
                    for b in vf.breakpoints()
                    if lo < b < hi
                }
            )
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
                raise ctx.error(
                    ("analysis", "grid", key),
                    f"{quote(key)} is not an issue{suggest(key, list(spec.issues))}",
                )
            elif spec.issues[key].levels is not None:
                raise ctx.error(
                    ("analysis", "grid", key), f"{quote(key)} is discrete: its levels are its grid"
                )
            else:
                per_issue[key] = n
    out = []
    for name, i in spec.issues.items():
        path = ("issues", name)
        check_name(ctx, name, path, "an issue", dots=False)
        if (i.range is None) == (i.levels is None):
            raise ctx.error(
                path,
                "give either 'range: [lo, hi]' (continuous) "
                "or 'levels: [...]' (discrete), not both or neither",
            )
        if i.range is not None:
            lo, hi = i.range
            if not lo < hi:
                raise ctx.error(
                    path + ("range",), f"range must have lo < hi, got {ctx.written_range(name)}"
                )
            if hi - lo < MIN_RELATIVE_WIDTH * max(1.0, abs(lo), abs(hi)):
                raise ctx.error(
                    path + ("range",),
                    f"range {ctx.written_range(name)} is too "
                    f"narrow: its width must be at least {MIN_RELATIVE_WIDTH:g} "
                    "times the larger of 1 and its ends' sizes (choose a smaller "
                    "unit, or measure from a nearer origin)",
                )
            out.append(
                Issue(
                    name,
                    range=(float(lo), float(hi)),
                    grid=per_issue.get(name, default),
                    description=i.description,
                    unit=i.unit,
                )
            )
        else:
            levels = i.levels or []
            if len(levels) == 0:
                raise ctx.error(path + ("levels",), "a discrete issue needs at least one level")
            seen = set()
            for j, lev in enumerate(levels):
                check_name(ctx, lev, path + ("levels", j), "a level")
                if lev in seen:
                    raise ctx.error(path + ("levels", j), f"level {quote(lev)} is listed twice")
                seen.add(lev)
            out.append(Issue(name, levels=tuple(levels), description=i.description, unit=i.unit))
    return tuple(out)


def _party(
    ctx: _Ctx, name: str, p: PartySpec, issues: tuple[Issue, ...], sources: dict[str, Any]
) -> Party:
    path = ("parties", name)
    inames = [i.name for i in issues]
    check_keys(ctx, p.weights, inames, path + ("weights",), "an issue")
    check_keys(ctx, p.values, inames, path + ("values",), "an issue")
    for iname in inames:
        if iname not in p.weights:
            raise ctx.error(
                path + ("weights",),
                f"missing weight for issue {quote(iname)} (write 0 if it does not matter)",
            )
    raw = [float(p.weights[i]) for i in inames]
    total = math.fsum(raw)
    if total <= 0:
        raise ctx.error(path + ("weights",), "weights are all zero; at least one must be positive")
    if abs(total - 1.0) > 1e-9:
        written = sum(
            (exact(ctx.texts.get(path + ("weights", i)), w) for i, w in zip(inames, raw)),
            Decimal(0),
        )
        ctx.notes.append(f"{name}: weights sum to {decimal(written)}; normalised to sum 1")
    weights = tuple(w / total for w in raw)
    values: list[ValueFunction] = []
    for issue, w in zip(issues, weights):
        vpath = path + ("values", issue.name)
        if issue.name not in p.values:
            if w > 0:
                raise ctx.error(
                    path + ("values",),
                    f"missing value function for issue {quote(issue.name)} "
                    "(its weight is positive)",
                )
            values.append(
                LevelValue((0.0,) * len(issue.levels))
                if issue.levels is not None
                else PointsValue(_range(issue), (0.0, 0.0))
            )
            continue
        values.append(value_function(ctx, p.values[issue.name], issue, vpath))
    batna = batna_of(ctx, p.batna, issues, path + ("batna",), name)
    evidence = {}
    for key, ev in p.evidence.items():
        parts = key.split(".", 2)
        if parts[0] not in PARTY_PARAMETERS:
            raise ctx.error(
                path + ("evidence", key),
                f"{quote(key)} is not a parameter of a party"
                f"{suggest(parts[0], list(PARTY_PARAMETERS))}; use one of "
                f"{', '.join(PARTY_PARAMETERS)}, optionally followed by .<issue>",
            )
        if parts[0] in ("weights", "values") and len(parts) > 1 and parts[1] not in inames:
            raise ctx.error(
                path + ("evidence", key),
                f"{quote(parts[1])} is not an issue{suggest(parts[1], inames)}",
            )
        check_evidence_sources(ctx, ev, path + ("evidence", key), sources)
        evidence[key] = plain_evidence(ev)
    return Party(
        name=name,
        weights=weights,
        values=tuple(values),
        batna=batna,
        veto=p.veto,
        power=float(p.power),
        evidence=evidence,
        capability=None if p.capability is None else float(p.capability),
        discount=float(p.discount),
        outside_option=None if p.outside_option is None else float(p.outside_option),
        recognition=None if p.recognition is None else float(p.recognition),
    )


def _range(issue: Issue) -> tuple[float, float]:
    assert issue.range is not None, f"{issue.name} is continuous"
    return issue.range


# ---------------------------------------------------------------------- the games block
def _games(
    ctx: _Ctx,
    data: dict[str, Any],
    parties: tuple[Party, ...],
    proposals: list[Proposal],
    sources: dict[str, Any],
    has_conflict: bool,
) -> Any:
    """The ``games`` block as ``{name: GameSpec}`` (:mod:`negotiation.games.spec`), or
    ``None`` when the file has none (or an empty one)."""
    block = data.get("games")
    if block is None or block == {}:
        return None
    from ..games.spec import parse_games

    return parse_games(
        block,
        file=ctx.file,
        lines=ctx.lines,
        texts=ctx.texts,
        parties=[p.name for p in parties],
        veto=[p.name for p in parties if p.veto],
        proposals=[p.name for p in proposals],
        sources=sources,
        has_conflict=has_conflict,
    )


class GamesOnlyFile(ScenarioError):
    """A file that holds strategic games but no scenario (no ``issues``, no ``parties``).

    ``negotiation equilibria`` reads such a file (:func:`negotiation.games.cli.load_games`)
    and ``negotiation validate`` checks its games; every other command reports this error.
    """


def _games_only(ctx: _Ctx, data: dict[str, Any]) -> ScenarioError:
    """The error for a file that holds games but no scenario (no issues, no parties)."""
    where: Path = ("games",)
    return GamesOnlyFile(
        "this file holds only strategic games (no 'issues' or 'parties'): read it with "
        "'negotiation equilibria FILE'; a scenario for 'run' needs 'issues' and 'parties'",
        dotted(where),
        ctx.file,
        line_of(ctx.lines, where),
    )
