"""The experiment file format: reading, validation and the :class:`Experiment` it describes.

An experiment file is YAML (read by the scenario reader,
:mod:`negotiation.scenario.yamlio`, so it has line numbers for every field)::

    title: How Russia's war cost opens the bargaining range
    scenario: ../scenarios/berlin-2025-12.yaml    # relative to this file, or absolute
    vary:                                          # a full grid (optional)
      conflict.costs.russia: {from: 0.02, to: 0.30, steps: 15}
      parties.ukraine.weights.guarantees: {values: [0.15, 0.25, 0.35]}
    sample:                                        # Monte Carlo (optional)
      draws: 10000
      seed: 7
      parameters: assumptions                      # or {path: {uniform: [lo, hi]}, ...}
    measure: [deal_possible, solutions.nash.outcome.territory]
    precision: grid                                # grid (fast) or exact (certified)

``docs/experiment-format.md`` documents every key. Every problem (an unknown
key, a bad path, an impossible value, a distribution outside a parameter's
valid domain, a measure the report does not have) is one
:class:`~negotiation.errors.ScenarioError` naming the experiment file, the line
and the field, raised before any work starts. Each parameter is also tried
once at the ends of its values with ``Scenario.replace``, so that what the
loader would reject is found here too.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from ..errors import ScenarioError, quote, render
from ..scenario.errors_map import dotted, suggest
from .measures import Measure, resolve, suggestions, template
from .parameters import (
    Domain,
    ProbabilityError,
    baseline,
    canonical,
    describe,
    label,
    point_changes,
    raw_value,
)

if TYPE_CHECKING:  # pragma: no cover
    from ..model.scenario import Scenario

KEYS = (
    "title",
    "description",
    "scenario",
    "vary",
    "sample",
    "one_at_a_time",
    "measure",
    "precision",
    "chunk",
    "plot",
)
DISTRIBUTIONS = {"uniform": 2, "triangular": 3, "normal": (2, 4), "beta": 4, "choice": None}
PLOT_KEYS = ("color", "boundary", "x", "y", "histogram")
#: ``plot``: ``color`` (a measure), ``boundary`` (measures: the deal / acceptance lines, and
#: where the summary looks for flips), ``x``/``y`` (varied parameters), ``histogram``
#: (measures).
#: Largest number of points of one experiment, and of its vary grid.
MAX_POINTS = 1_000_000_000
MAX_GRID = 10_000_000
#: How many values of a ``vary`` list are tried with ``Scenario.replace`` up front.
TRIAL_VALUES = 25

Path = tuple[Any, ...]


@dataclass(frozen=True)
class Distribution:
    """A Monte Carlo distribution: ``kind`` and its numbers; ``lo``/``hi`` its support
    (for ``normal``, the truncation: the parameter's domain, narrowed by ``[lo, hi]``)."""

    kind: str
    args: tuple[Any, ...]
    lo: float
    hi: float

    def describe(self) -> str:
        return f"{self.kind} {list(self.args)}"


@dataclass(frozen=True)
class Parameter:
    """One parameter of the experiment (a column of the results).

    ``name`` is the column name (the path as written, or an assumption's
    path); ``path`` the canonical path tuple; ``values`` its grid values
    (``vary``), ``dist`` its distribution (``sample``), ``low``/``high`` its
    range (``one_at_a_time``). ``group`` ties the numbers of one assumption
    together: their draws keep the order the file gives them.
    """

    name: str
    path: Path
    domain: Domain
    baseline: Any
    label: str
    values: tuple[Any, ...] | None = None
    dist: Distribution | None = None
    group: int | None = None
    low: float | None = None
    high: float | None = None
    where: Path = ()

    @property
    def dotted(self) -> str:
        return dotted(self.path)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "name": self.name,
            "path": self.dotted,
            "label": self.label,
            "baseline": self.baseline,
        }
        if self.values is not None:
            out["values"] = list(self.values)
        if self.dist is not None:
            out["distribution"] = {self.dist.kind: list(self.dist.args)}
        if self.low is not None:
            out["range"] = [self.low, self.high]
        return out


@dataclass(frozen=True)
class Experiment:
    """A validated experiment: the scenario, the parameters and the measures.

    Build one with :func:`load_experiment` (a file) or
    :func:`experiment_from_dict` (a mapping). ``vary``, ``sample`` and
    ``one_at_a_time`` hold :class:`Parameter` objects; ``draws`` and ``seed``
    belong to ``sample``; ``steps`` to ``one_at_a_time``.
    """

    title: str
    file: str | None
    scenario_ref: str
    scenario_file: str | None
    measures: tuple[Measure, ...]
    precision: str = "grid"
    description: str | None = None
    vary: tuple[Parameter, ...] = ()
    sample: tuple[Parameter, ...] = ()
    draws: int = 0
    seed: int = 0
    one_at_a_time: tuple[Parameter, ...] = ()
    steps: int = 2
    chunk: int | None = None
    plot: dict[str, Any] = field(default_factory=dict)
    payload: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)
    scenario_obj: Any = field(default=None, repr=False, compare=False)

    # ------------------------------------------------------------------ structure
    @property
    def scenario(self) -> Scenario:
        return self.scenario_obj

    @property
    def parameters(self) -> tuple[Parameter, ...]:
        """Every parameter, in column order: ``vary``, then ``sample`` (or
        ``one_at_a_time``)."""
        return self.vary + self.sample + self.one_at_a_time

    @property
    def grid_size(self) -> int:
        return math.prod(len(p.values or ()) for p in self.vary) if self.vary else 1

    @property
    def points(self) -> int:
        """Number of points: grid points times draws, or the one-at-a-time plan."""
        if self.one_at_a_time:
            return 1 + self.steps * len(self.one_at_a_time)
        return self.grid_size * max(self.draws, 1)

    @property
    def stem(self) -> str:
        if self.file:
            return os.path.splitext(os.path.basename(self.file))[0]
        return "experiment"

    @cached_property
    def fingerprint(self) -> str:
        """A hash of everything that decides the numbers (the experiment as validated
        and the scenario's content): a resumed sweep must have the same."""
        body = {
            "experiment": {
                k: v
                for k, v in self.to_dict().items()
                if k not in ("file", "scenario", "scenario_file")
            },
            "scenario": self.payload.get("scenario_hash"),
        }
        return hashlib.sha256(
            json.dumps(body, sort_keys=True, default=str).encode("utf-8")
        ).hexdigest()[:32]

    def to_dict(self) -> dict[str, Any]:
        """Plain data describing the experiment (for ``summary.json`` and the store)."""
        out: dict[str, Any] = {
            "title": self.title,
            "file": self.file,
            "scenario": self.scenario_ref,
            "scenario_file": self.scenario_file,
            "precision": self.precision,
            "points": self.points,
            "measure": [m.path for m in self.measures],
        }
        if self.description:
            out["description"] = self.description
        if self.vary:
            out["vary"] = [p.to_dict() for p in self.vary]
        if self.sample:
            out["sample"] = {
                "draws": self.draws,
                "seed": self.seed,
                "parameters": [p.to_dict() for p in self.sample],
            }
        if self.one_at_a_time:
            out["one_at_a_time"] = {
                "steps": self.steps,
                "parameters": [p.to_dict() for p in self.one_at_a_time],
            }
        if self.chunk:
            out["chunk"] = self.chunk
        if self.plot:
            out["plot"] = dict(self.plot)
        return out


# --------------------------------------------------------------------------- reading
def load_experiment(path: str | os.PathLike, *, check: bool = True) -> Experiment:
    """Read and validate an experiment file.

    Parameters
    ----------
    path : str or os.PathLike
        A YAML file in the experiment format (``docs/experiment-format.md``).
    check : bool
        Also try every parameter at the ends of its values with
        ``Scenario.replace`` (default); workers that rebuild a checked
        experiment skip it.

    Raises
    ------
    ScenarioError
        Anything wrong with the file, naming the file, line and field.
    """
    from ..scenario.source import read_text
    from ..scenario.yamlio import load_yaml

    name = os.fsdecode(path)
    data, lines, _ = load_yaml(read_text(name), name)
    return _build(data, lines, name, os.path.dirname(os.path.abspath(name)), check=check)


def experiment_from_dict(
    data: dict[str, Any],
    *,
    base_dir: str | None = None,
    file: str | None = None,
    check: bool = True,
) -> Experiment:
    """Validate an experiment given as a mapping (the YAML structure).

    ``scenario`` may be a path (relative to ``base_dir``, default the current
    directory) or a :class:`~negotiation.Scenario`. Errors name the field; there
    are no lines to name.
    """
    return _build(data, {}, file, base_dir or os.getcwd(), check=check)


def experiment_from_payload(payload: dict[str, Any]) -> Experiment:
    """Rebuild an experiment on a worker from :attr:`Experiment.payload` (no file access:
    the scenario's text travels in the payload; the parameters are not tried again)."""
    from ..scenario.load import _build as build_scenario
    from ..scenario.load import scenario_from_dict
    from ..scenario.yamlio import load_yaml

    sc = payload["scenario"]
    if sc.get("text") is not None:
        data, lines, texts = load_yaml(sc["text"], sc["file"])
        scenario = build_scenario(data, lines, sc["file"], texts)
    else:
        scenario = scenario_from_dict(sc["data"], sc.get("file"))
    data = dict(payload["experiment"])
    data["scenario"] = scenario
    return _build(
        data,
        payload.get("lines") or {},
        payload.get("file"),
        os.getcwd(),
        check=False,
        scenario_ref=payload.get("scenario_ref"),
        scenario_payload=payload,
    )


class _Ctx:
    def __init__(self, data: Any, lines: dict, file: str | None) -> None:
        self.data, self.lines, self.file = data, lines, file

    def error(self, path: Path, message: str) -> ScenarioError:
        from ..scenario.yamlio import line_of

        return ScenarioError(
            message, dotted(path), self.file, line_of(self.lines, path) if self.lines else None
        )


def _build(
    data: Any,
    lines: dict,
    file: str | None,
    base_dir: str,
    *,
    check: bool,
    scenario_ref: str | None = None,
    scenario_payload: dict[str, Any] | None = None,
) -> Experiment:
    ctx = _Ctx(data, lines, file)
    if not isinstance(data, dict):
        raise ctx.error(
            (),
            "an experiment is a mapping with 'title', 'scenario' and 'measure'"
            f", got {render(data)}",
        )
    for key in data:
        if key not in KEYS:
            raise ctx.error(
                (key,),
                f"unknown key {quote(str(key))}{suggest(str(key), list(KEYS))}"
                f"; the keys are {', '.join(KEYS)}",
            )
    for key in ("title", "scenario", "measure"):
        if key not in data:
            raise ctx.error((), f"missing key {quote(key)}")
    title = data["title"]
    if not isinstance(title, str) or not title.strip():
        raise ctx.error(("title",), f"title must be text, got {render(title)}")
    description = data.get("description")
    if description is not None and not isinstance(description, str):
        raise ctx.error(("description",), "description must be text")
    scenario, ref, resolved, payload = _scenario(
        ctx, data["scenario"], base_dir, scenario_ref, scenario_payload
    )
    precision = data.get("precision", "grid")
    if precision not in ("grid", "exact"):
        raise ctx.error(
            ("precision",), f"precision must be 'grid' or 'exact', got {render(precision)}"
        )
    measures = _measures(ctx, data["measure"], scenario)
    vary = _vary(ctx, data.get("vary"), scenario)
    taken = {p.path for p in vary}
    sample, draws, seed = _sample(ctx, data.get("sample"), scenario, taken)
    oat, steps = _one_at_a_time(ctx, data.get("one_at_a_time"), scenario)
    if oat and (vary or sample or "sample" in data):
        raise ctx.error(
            ("one_at_a_time",),
            "one_at_a_time moves each parameter alone from "
            "the scenario's values: it cannot be combined with vary or sample",
        )
    chunk = data.get("chunk")
    if chunk is not None and (
        isinstance(chunk, bool) or not isinstance(chunk, int) or not 1 <= chunk <= 1_000_000
    ):
        raise ctx.error(
            ("chunk",),
            f"chunk must be an integer from 1 to 1000000 (points per task), got {render(chunk)}",
        )
    exp = Experiment(
        title=title.strip(),
        file=file,
        scenario_ref=ref,
        scenario_file=resolved,
        measures=measures,
        precision=precision,
        description=description.strip() if description else None,
        vary=vary,
        sample=sample,
        draws=draws,
        seed=seed,
        one_at_a_time=oat,
        steps=steps,
        chunk=chunk,
        plot=_plot(ctx, data.get("plot"), measures, vary),
        payload={},
        scenario_obj=scenario,
    )
    if exp.grid_size > MAX_GRID:
        raise ctx.error(
            ("vary",), f"the vary grid has {exp.grid_size:,} points; the limit is {MAX_GRID:,}"
        )
    if exp.points > MAX_POINTS:
        raise ctx.error(
            ("sample", "draws"),
            f"the experiment has {exp.points:,} points; the limit is {MAX_POINTS:,}",
        )
    if check:
        for p in exp.parameters:
            _trial(ctx, scenario, p)
    plain = {k: v for k, v in data.items() if k != "scenario"}
    payload.update({"experiment": plain, "file": file, "scenario_ref": ref, "lines": {}})
    object.__setattr__(exp, "payload", payload)
    return exp


def _scenario(
    ctx: _Ctx, value: Any, base_dir: str, ref: str | None, given: dict[str, Any] | None
) -> tuple[Any, str, str | None, dict[str, Any]]:
    from ..model.scenario import Scenario

    if isinstance(value, Scenario):
        if given is not None:
            return value, ref or (value.file or "<scenario>"), value.file, dict(given)
        text = None
        if value.file and os.path.isfile(value.file):
            from ..scenario.source import read_text

            text = read_text(value.file)
        sc = (
            {"text": text, "file": value.file}
            if text is not None
            else {"data": value.raw, "file": value.file}
        )
        digest = hashlib.sha256(
            (
                text if text is not None else json.dumps(value.raw, sort_keys=True, default=str)
            ).encode("utf-8")
        ).hexdigest()
        return (
            value,
            value.file or "<scenario>",
            value.file,
            {"scenario": sc, "scenario_hash": digest},
        )
    if not isinstance(value, str) or not value.strip():
        raise ctx.error(
            ("scenario",),
            "scenario must be the path of a scenario file "
            f"(relative to the experiment file), got {render(value)}",
        )
    path = value if os.path.isabs(value) else os.path.join(base_dir, value)
    path = os.path.normpath(path)
    from ..scenario.load import _build as build_scenario
    from ..scenario.source import read_text
    from ..scenario.yamlio import load_yaml

    shown = os.path.relpath(path) if not os.path.isabs(value) else path
    try:
        text = read_text(shown)
    except ScenarioError as exc:
        raise ctx.error(
            ("scenario",), f"{quote(value)}: {exc.message} (looked for {shown})"
        ) from None
    data, lines, texts = load_yaml(text, shown)
    scenario = build_scenario(data, lines, shown, texts)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return (
        scenario,
        value,
        shown,
        {"scenario": {"text": text, "file": shown}, "scenario_hash": digest},
    )


def _measures(ctx: _Ctx, value: Any, scenario: Scenario) -> tuple[Measure, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value:
        raise ctx.error(
            ("measure",),
            "measure must be a list of paths into the report's JSON "
            "(such as deal_possible), got " + render(value),
        )
    known = template(scenario)
    report_json = None
    out: list[Measure] = []
    seen: set[str] = set()
    for j, path in enumerate(value):
        where = ("measure", j)
        if not isinstance(path, str) or not path.strip():
            raise ctx.error(
                where,
                f"a measure is a dotted path such as "
                f"'solutions.nash.outcome.territory', got {render(path)}",
            )
        path = path.strip()
        if path in seen:
            raise ctx.error(where, f"measure {quote(path)} is listed twice")
        seen.add(path)
        m = resolve(path, known)
        if m is None:
            if report_json is None and not any(k.startswith(path + ".") for k in known):
                from ..analysis import analyse

                report_json = analyse(scenario, precision="grid").to_dict()
            m = resolve(path, known, report_json)
        if m is None:
            raise ctx.error(
                where,
                f"{quote(path)} is not a value of the report's JSON{suggestions(path, known)}",
            )
        out.append(m)
    return tuple(out)


def _parameter_path(ctx: _Ctx, scenario: Scenario, key: Any, where: Path) -> tuple[Path, Domain]:
    if not isinstance(key, str) or not key.strip():
        raise ctx.error(
            where,
            f"a parameter is a dotted path of the scenario such as "
            f"'conflict.costs.russia', got {render(key)}",
        )
    try:
        path = canonical(scenario, key)
    except ScenarioError as exc:
        raise ctx.error(where, exc.message) from None
    current = raw_value(scenario, path)
    if isinstance(current, (dict, list)):
        inner = list(current)[:6] if isinstance(current, dict) else list(range(len(current)))[:6]
        raise ctx.error(
            where,
            f"{quote(key)} is a group of values; name one number in it "
            f"(for example {quote(key + '.' + str(inner[0]))})"
            if inner
            else f"{quote(key)} is empty",
        )
    return path, describe(scenario, path)


def _number(ctx: _Ctx, value: Any, where: Path, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ctx.error(where, f"{what} must be a finite number, got {render(value)}")
    return float(value)


def _tidy(x: float) -> float:
    """A grid value without float noise (12 significant digits)."""
    return float(f"{x:.12g}")


def _vary(ctx: _Ctx, value: Any, scenario: Scenario) -> tuple[Parameter, ...]:
    if value is None:
        return ()
    if not isinstance(value, dict) or not value:
        raise ctx.error(
            ("vary",), "vary maps parameter paths to {from: a, to: b, steps: n} or {values: [...]}"
        )
    out: list[Parameter] = []
    seen: dict[Path, str] = {}
    for key, spec in value.items():
        where: Path = ("vary", key)
        path, dom = _parameter_path(ctx, scenario, key, where)
        if path in seen:
            raise ctx.error(where, f"{quote(key)} is the same parameter as {quote(seen[path])}")
        seen[path] = key
        if not isinstance(spec, dict):
            raise ctx.error(
                where, "give {from: a, to: b, steps: n} or {values: [...]}, got " + render(spec)
            )
        keys = set(spec)
        if keys == {"values"}:
            vals = spec["values"]
            if not isinstance(vals, list) or not vals:
                raise ctx.error(where + ("values",), "values must be a non-empty list")
            for j, v in enumerate(vals):
                problem = dom.check(v)
                if problem:
                    raise ctx.error(
                        where + ("values", j),
                        f"{render(v)} is not a valid value of {key}: {problem}",
                    )
            if len(set(map(repr, vals))) != len(vals):
                raise ctx.error(where + ("values",), "a value is listed twice")
            values = tuple(
                float(v) if dom.kind == "number" else int(v) if dom.kind == "integer" else v
                for v in vals
            )
        elif keys == {"from", "to", "steps"}:
            if dom.kind not in ("number", "integer"):
                raise ctx.error(where, f"{key} takes {dom.what}: list them with values: [...]")
            a = _number(ctx, spec["from"], where + ("from",), "from")
            b = _number(ctx, spec["to"], where + ("to",), "to")
            n = spec["steps"]
            if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= MAX_GRID:
                raise ctx.error(
                    where + ("steps",), f"steps must be a whole number from 1, got {render(n)}"
                )
            for end, x in (("from", a), ("to", b)):
                problem = dom.check(int(x) if dom.kind == "integer" and x == int(x) else x)
                if problem:
                    raise ctx.error(
                        where + (end,),
                        f"{render(spec[end])} is not a valid value of {key}: {problem}",
                    )
            if n > 1 and a == b:
                raise ctx.error(where, "from and to are equal: give steps: 1, or two ends")
            if n == 1:
                grid = [a]
            else:
                grid = [a + (b - a) * j / (n - 1) for j in range(n)]
            if dom.kind == "integer":
                ints = [round(x) for x in grid]
                if len(set(ints)) != len(ints):
                    raise ctx.error(
                        where + ("steps",),
                        f"{n} steps from {render(spec['from'])}"
                        f" to {render(spec['to'])} repeat whole numbers",
                    )
                values = tuple(ints)
            else:
                values = tuple(_tidy(x) for x in grid)
        else:
            extra = sorted(keys - {"from", "to", "steps", "values"})
            hint = (
                f"unknown key {quote(str(extra[0]))}"
                if extra
                else "give {from: a, to: b, steps: n} or {values: [...]}"
            )
            raise ctx.error(where + ((extra[0],) if extra else ()), hint)
        out.append(
            Parameter(
                str(key),
                path,
                dom,
                baseline(scenario, path),
                label(scenario, path, dom),
                values=values,
                where=where,
            )
        )
    return tuple(out)


def _distribution(ctx: _Ctx, spec: Any, dom: Domain, where: Path, key: str) -> Distribution:
    if not isinstance(spec, dict) or len(spec) != 1:
        raise ctx.error(
            where,
            "give one distribution: {uniform: [lo, hi]}, {triangular: [lo, "
            "mode, hi]}, {normal: [mean, sd]}, {beta: [a, b, lo, hi]} or "
            "{choice: [...]}",
        )
    ((kind, args),) = spec.items()
    if kind not in DISTRIBUTIONS:
        raise ctx.error(
            where + (kind,),
            f"unknown distribution {quote(str(kind))}"
            f"{suggest(str(kind), list(DISTRIBUTIONS))}; use "
            f"{', '.join(DISTRIBUTIONS)}",
        )
    w = where + (kind,)
    if not isinstance(args, list) or not args:
        raise ctx.error(w, f"{kind} takes a list of numbers, got {render(args)}")
    if kind == "choice":
        for j, v in enumerate(args):
            problem = dom.check(v)
            if problem:
                raise ctx.error(w + (j,), f"{render(v)} is not a valid value of {key}: {problem}")
        return Distribution("choice", tuple(args), math.nan, math.nan)
    if dom.kind != "number":
        raise ctx.error(w, f"{key} takes {dom.what}: draw it with choice: [...]")
    n = DISTRIBUTIONS[kind]
    sizes = n if isinstance(n, tuple) else (n,)
    if len(args) not in sizes:
        shapes = {
            "uniform": "[lo, hi]",
            "triangular": "[lo, mode, hi]",
            "normal": "[mean, sd] or [mean, sd, lo, hi]",
            "beta": "[a, b, lo, hi]",
        }
        raise ctx.error(w, f"{kind} takes {shapes[kind]}, got {render(args)}")
    nums = tuple(_number(ctx, v, w + (j,), f"{kind}'s number {j + 1}") for j, v in enumerate(args))

    def within(lo: float, hi: float) -> None:
        for x in (lo, hi):
            problem = dom.check(x)
            if problem:
                raise ctx.error(
                    w,
                    f"{kind} {render(list(args))} reaches {x:g}, outside the "
                    f"valid values of {key} ({dom.what})",
                )

    if kind == "uniform":
        lo, hi = nums
        if not lo < hi:
            raise ctx.error(w, f"uniform needs lo < hi, got {render(args)}")
        within(lo, hi)
        return Distribution(kind, nums, lo, hi)
    if kind == "triangular":
        lo, mode, hi = nums
        if not (lo <= mode <= hi and lo < hi):
            raise ctx.error(w, f"triangular needs lo <= mode <= hi and lo < hi, got {render(args)}")
        within(lo, hi)
        return Distribution(kind, nums, lo, hi)
    if kind == "beta":
        a, b, lo, hi = nums
        if not (a > 0 and b > 0):
            raise ctx.error(w, f"beta's shapes a and b must be above 0, got {render(args)}")
        if not lo < hi:
            raise ctx.error(w, f"beta needs lo < hi, got {render(args)}")
        within(lo, hi)
        return Distribution(kind, nums, lo, hi)
    mean, sd = nums[0], nums[1]
    if not sd > 0:
        raise ctx.error(w, f"normal's standard deviation must be above 0, got {render(args)}")
    lo, hi = (nums[2], nums[3]) if len(nums) == 4 else (-math.inf, math.inf)
    if not lo < hi:
        raise ctx.error(w, f"normal's truncation needs lo < hi, got {render(args)}")
    if len(nums) == 4:
        within(lo, hi)
    lo, hi = max(lo, dom.lo), min(hi, dom.hi)
    problem = dom.check(mean)
    if problem or not lo <= mean <= hi:
        raise ctx.error(
            w,
            f"normal's mean {mean:g} is outside the valid values of {key} "
            f"({dom.what}" + (f", truncated to [{lo:g}, {hi:g}])" if len(nums) == 4 else ")"),
        )
    return Distribution(kind, nums, lo, hi)


def _sample(
    ctx: _Ctx, value: Any, scenario: Scenario, taken: set[Path]
) -> tuple[tuple[Parameter, ...], int, int]:
    if value is None:
        return (), 0, 0
    if not isinstance(value, dict):
        raise ctx.error(("sample",), "sample is a mapping with draws, seed and parameters")
    for key in value:
        if key not in ("draws", "seed", "parameters"):
            raise ctx.error(
                ("sample", key),
                f"unknown key {quote(str(key))}"
                f"{suggest(str(key), ['draws', 'seed', 'parameters'])}",
            )
    draws = value.get("draws")
    if isinstance(draws, bool) or not isinstance(draws, int) or not 1 <= draws <= MAX_POINTS:
        raise ctx.error(
            ("sample", "draws"), f"draws must be a whole number from 1, got {render(draws)}"
        )
    seed = value.get("seed", 0)
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**63:
        raise ctx.error(
            ("sample", "seed"), f"seed must be a whole number from 0, got {render(seed)}"
        )
    params = value.get("parameters")
    if params is None:
        raise ctx.error(
            ("sample",),
            "missing key 'parameters' (assumptions, or a mapping of paths to distributions)",
        )
    out: list[Parameter] = []
    if params == "assumptions":
        out = _assumption_parameters(ctx, scenario, ("sample", "parameters"), taken, sampled=True)
        if not out:
            raise ctx.error(
                ("sample", "parameters"),
                "the scenario marks no parameter as an assumption with a range",
            )
    elif isinstance(params, dict) and params:
        seen: dict[Path, str] = {}
        for key, spec in params.items():
            where: Path = ("sample", "parameters", key)
            path, dom = _parameter_path(ctx, scenario, key, where)
            if path in taken:
                raise ctx.error(
                    where,
                    f"{quote(key)} is also in vary: a parameter is either "
                    "varied on the grid or drawn",
                )
            if path in seen:
                raise ctx.error(where, f"{quote(key)} is the same parameter as {quote(seen[path])}")
            seen[path] = key
            dist = _distribution(ctx, spec, dom, where, str(key))
            out.append(
                Parameter(
                    str(key),
                    path,
                    dom,
                    baseline(scenario, path),
                    label(scenario, path, dom),
                    dist=dist,
                    where=where,
                )
            )
    else:
        raise ctx.error(
            ("sample", "parameters"),
            "parameters is 'assumptions' or a mapping "
            "{path: {uniform: [lo, hi]}, ...}, got " + render(params),
        )
    return tuple(out), draws, seed


def _assumption_parameters(
    ctx: _Ctx, scenario: Scenario, where: Path, taken: set[Path], sampled: bool
) -> list[Parameter]:
    """One parameter per number an assumption's range applies to (its targets)."""
    from ..scenario.assumptions import assumptions

    out: list[Parameter] = []
    seen: set[Path] = set()
    for group, a in enumerate(assumptions(scenario)):
        if a.range is None or not a.targets:
            continue
        lo, hi = a.range
        targets = []
        for t in a.targets:
            path = canonical(scenario, t)
            if path in taken or path in seen:
                continue
            seen.add(path)
            targets.append((t, path))
        base = {path: baseline(scenario, path) for _, path in targets}
        for t, path in targets:
            dom = describe(scenario, path)
            if dom.kind != "number" or not dom.contains_interval(lo, hi):
                raise ctx.error(
                    where,
                    f"the assumption on {t} has range [{lo:g}, {hi:g}], "
                    f"outside its valid values ({dom.what})",
                )
            p_lo, p_hi = lo, hi
            if not sampled and len(targets) > 1:
                # moved alone, a number of a group stays between its neighbours in the file
                v = base[path]
                below = [b for q, b in base.items() if q != path and b < v]
                above = [b for q, b in base.items() if q != path and b > v]
                p_lo = max([lo] + below)
                p_hi = min([hi] + above)
            common = dict(
                name=t,
                path=path,
                domain=dom,
                baseline=base[path],
                label=label(scenario, path, dom),
                where=where,
            )
            if sampled:
                out.append(
                    Parameter(
                        **common,
                        dist=Distribution("uniform", (lo, hi), lo, hi),
                        group=group if len(targets) > 1 else None,
                    )
                )
            else:
                out.append(Parameter(**common, low=p_lo, high=p_hi))
    return out


def _one_at_a_time(ctx: _Ctx, value: Any, scenario: Scenario) -> tuple[tuple[Parameter, ...], int]:
    if value is None:
        return (), 2
    if not isinstance(value, dict):
        raise ctx.error(("one_at_a_time",), "one_at_a_time is a mapping with parameters and steps")
    for key in value:
        if key not in ("parameters", "steps"):
            raise ctx.error(
                ("one_at_a_time", key),
                f"unknown key {quote(str(key))}{suggest(str(key), ['parameters', 'steps'])}",
            )
    steps = value.get("steps", 2)
    if isinstance(steps, bool) or not isinstance(steps, int) or not 2 <= steps <= 1000:
        raise ctx.error(
            ("one_at_a_time", "steps"),
            f"steps must be a whole number from 2 (the two ends) to 1000, got {render(steps)}",
        )
    params = value.get("parameters", "assumptions")
    where: Path = ("one_at_a_time", "parameters")
    if params == "assumptions":
        out = _assumption_parameters(ctx, scenario, where, set(), sampled=False)
        if not out:
            raise ctx.error(where, "the scenario marks no parameter as an assumption with a range")
        return tuple(out), steps
    if not isinstance(params, dict) or not params:
        raise ctx.error(where, "parameters is 'assumptions' or a mapping {path: [lo, hi]}")
    out = []
    seen: set[Path] = set()
    for key, rng in params.items():
        w = where + (key,)
        path, dom = _parameter_path(ctx, scenario, key, w)
        if path in seen:
            raise ctx.error(w, f"{quote(key)} is listed twice")
        seen.add(path)
        if dom.kind != "number":
            raise ctx.error(w, f"{key} takes {dom.what}; one_at_a_time moves numbers")
        if not isinstance(rng, list) or len(rng) != 2:
            raise ctx.error(w, f"give the range as [lo, hi], got {render(rng)}")
        lo = _number(ctx, rng[0], w + (0,), "lo")
        hi = _number(ctx, rng[1], w + (1,), "hi")
        if not lo < hi:
            raise ctx.error(w, f"the range needs lo < hi, got {render(rng)}")
        for j, x in ((0, lo), (1, hi)):
            problem = dom.check(x)
            if problem:
                raise ctx.error(w + (j,), f"{x:g} is not a valid value of {key}: {problem}")
        out.append(
            Parameter(
                str(key),
                path,
                dom,
                baseline(scenario, path),
                label(scenario, path, dom),
                low=lo,
                high=hi,
                where=w,
            )
        )
    return tuple(out), steps


def _plot(
    ctx: _Ctx, value: Any, measures: tuple[Measure, ...], vary: tuple[Parameter, ...]
) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ctx.error(("plot",), "plot is a mapping such as {color: MEASURE, boundary: MEASURE}")
    names = [m.path for m in measures]
    kinds = {m.path: m.kind for m in measures}
    params = [p.name for p in vary]
    out: dict[str, Any] = {}
    for key, v in value.items():
        if key not in PLOT_KEYS:
            raise ctx.error(
                ("plot", key), f"unknown key {quote(str(key))}{suggest(str(key), list(PLOT_KEYS))}"
            )
        many = key in ("boundary", "histogram")
        items = v if many and isinstance(v, list) else [v]
        choices = params if key in ("x", "y") else names
        what = "a varied parameter" if key in ("x", "y") else "a measure"
        for j, item in enumerate(items):
            where = ("plot", key, j) if isinstance(v, list) else ("plot", key)
            if item not in choices:
                raise ctx.error(
                    where,
                    f"{render(item)} is not {what} of this experiment"
                    f"{suggest(str(item), choices) if isinstance(item, str) else ''}",
                )
            if key == "boundary" and kinds[item] not in ("bool", "number", "integer"):
                raise ctx.error(
                    where,
                    f"{item} is {kinds[item]}: a boundary is a true/false "
                    "measure or a number (drawn where it crosses 0)",
                )
        out[key] = list(items) if many else v
    return out


def _trial(ctx: _Ctx, scenario: Scenario, p: Parameter) -> None:
    """Try the parameter at the ends of its values with ``Scenario.replace``."""
    if p.values is not None:
        vals = list(p.values)
        if len(vals) > TRIAL_VALUES:
            step = (len(vals) - 1) / (TRIAL_VALUES - 1)
            vals = [vals[round(j * step)] for j in range(TRIAL_VALUES)]
    elif p.dist is not None:
        if p.dist.kind == "choice":
            vals = list(p.dist.args)
        else:
            vals = [x for x in (p.dist.lo, p.dist.hi) if math.isfinite(x)]
            if p.dist.kind == "normal":
                vals.append(p.dist.args[0])
    else:
        vals = [p.low, p.high]
    for v in vals:
        try:
            scenario.replace(point_changes(scenario, {p.path: v}))
        except ProbabilityError as exc:
            raise ctx.error(p.where, f"{render(v)}: {exc}") from None
        except ScenarioError as exc:
            where = "" if exc.path == p.dotted else f" ({exc.path})"
            raise ctx.error(
                p.where,
                f"{p.name} = {render(v)} is not valid in the scenario: {exc.message}{where}",
            ) from None


__all__ = [
    "Distribution",
    "Experiment",
    "Parameter",
    "experiment_from_dict",
    "experiment_from_payload",
    "load_experiment",
]
