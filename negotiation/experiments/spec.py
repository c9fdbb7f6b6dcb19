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

from ..errors import quote, render
from ..scenario.errors_map import dotted, suggest
from .measures import Measure
from .parameters import (
    Domain,
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
    """The experiment of ``data`` (read from ``file``), validated; every problem a located
    :class:`~negotiation.errors.ScenarioError`. The blocks are read by
    :mod:`.spec_reader` (scenario, measures, plot, the trial of each parameter) and
    :mod:`.spec_parameters` (``vary``, ``sample``, ``one_at_a_time``)."""
    from .spec_parameters import read_one_at_a_time, read_sample, read_vary
    from .spec_reader import ReadContext, read_measures, read_plot, read_scenario, try_parameter

    ctx = ReadContext(data, lines, file)
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
    scenario, ref, resolved, payload = read_scenario(
        ctx, data["scenario"], base_dir, scenario_ref, scenario_payload
    )
    precision = data.get("precision", "grid")
    if precision not in ("grid", "exact"):
        raise ctx.error(
            ("precision",), f"precision must be 'grid' or 'exact', got {render(precision)}"
        )
    measures = read_measures(ctx, data["measure"], scenario)
    vary = read_vary(ctx, data.get("vary"), scenario)
    taken = {p.path for p in vary}
    sample, draws, seed = read_sample(ctx, data.get("sample"), scenario, taken)
    oat, steps = read_one_at_a_time(ctx, data.get("one_at_a_time"), scenario)
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
        plot=read_plot(ctx, data.get("plot"), measures, vary),
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
            try_parameter(ctx, scenario, p)
    plain = {k: v for k, v in data.items() if k != "scenario"}
    payload.update({"experiment": plain, "file": file, "scenario_ref": ref, "lines": {}})
    object.__setattr__(exp, "payload", payload)
    return exp


__all__ = [
    "Distribution",
    "Experiment",
    "Parameter",
    "experiment_from_dict",
    "experiment_from_payload",
    "load_experiment",
]
