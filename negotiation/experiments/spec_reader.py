"""Reading an experiment file: the context that locates every error (file, line,
field), the scenario it names, its measures, its plot settings, and the trial of each
parameter with ``Scenario.replace`` before any work starts (:mod:`.spec`)."""

from __future__ import annotations

import hashlib
import json
import math
import os
from typing import TYPE_CHECKING, Any

from ..errors import ScenarioError, quote, render
from ..scenario.errors_map import dotted, suggest
from .measures import Measure, resolve, suggestions, template
from .parameters import (
    Domain,
    ProbabilityError,
    canonical,
    describe,
    point_changes,
    raw_value,
)

if TYPE_CHECKING:  # pragma: no cover
    from ..model.scenario import Scenario

from .spec import PLOT_KEYS, TRIAL_VALUES, Parameter, Path


class ReadContext:
    def __init__(self, data: Any, lines: dict, file: str | None) -> None:
        self.data, self.lines, self.file = data, lines, file

    def error(self, path: Path, message: str) -> ScenarioError:
        from ..scenario.yamlio import line_of

        return ScenarioError(
            message, dotted(path), self.file, line_of(self.lines, path) if self.lines else None
        )


def read_scenario(
    ctx: ReadContext, value: Any, base_dir: str, ref: str | None, given: dict[str, Any] | None
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


def read_measures(ctx: ReadContext, value: Any, scenario: Scenario) -> tuple[Measure, ...]:
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


def parameter_path(
    ctx: ReadContext, scenario: Scenario, key: Any, where: Path
) -> tuple[Path, Domain]:
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


def number(ctx: ReadContext, value: Any, where: Path, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ctx.error(where, f"{what} must be a finite number, got {render(value)}")
    return float(value)


def tidy(x: float) -> float:
    """A grid value without float noise (12 significant digits)."""
    return float(f"{x:.12g}")


def read_plot(
    ctx: ReadContext, value: Any, measures: tuple[Measure, ...], vary: tuple[Parameter, ...]
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


def try_parameter(ctx: ReadContext, scenario: Scenario, p: Parameter) -> None:
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
    "ReadContext",
    "number",
    "parameter_path",
    "read_measures",
    "read_plot",
    "read_scenario",
    "tidy",
    "try_parameter",
]
