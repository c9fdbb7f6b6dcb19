"""Reading the parameter blocks of an experiment file: ``vary`` (a grid), ``sample``
(Monte Carlo distributions, or every assumption over its range) and ``one_at_a_time``
(each assumption alone over its range); see ``docs/experiment-format.md``."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from ..errors import quote, render
from ..scenario.errors_map import suggest
from .parameters import (
    Domain,
    baseline,
    canonical,
    describe,
    label,
)

if TYPE_CHECKING:  # pragma: no cover
    from ..model.scenario import Scenario

from .spec import DISTRIBUTIONS, MAX_GRID, MAX_POINTS, Distribution, Parameter, Path
from .spec_reader import ReadContext, number, parameter_path, tidy


def read_vary(ctx: ReadContext, value: Any, scenario: Scenario) -> tuple[Parameter, ...]:
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
        path, dom = parameter_path(ctx, scenario, key, where)
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
            a = number(ctx, spec["from"], where + ("from",), "from")
            b = number(ctx, spec["to"], where + ("to",), "to")
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
                values = tuple(tidy(x) for x in grid)
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


def read_distribution(
    ctx: ReadContext, spec: Any, dom: Domain, where: Path, key: str
) -> Distribution:
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
    nums = tuple(number(ctx, v, w + (j,), f"{kind}'s number {j + 1}") for j, v in enumerate(args))

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


def read_sample(
    ctx: ReadContext, value: Any, scenario: Scenario, taken: set[Path]
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
        out = assumption_parameters(ctx, scenario, ("sample", "parameters"), taken, sampled=True)
        if not out:
            raise ctx.error(
                ("sample", "parameters"),
                "the scenario marks no parameter as an assumption with a range",
            )
    elif isinstance(params, dict) and params:
        seen: dict[Path, str] = {}
        for key, spec in params.items():
            where: Path = ("sample", "parameters", key)
            path, dom = parameter_path(ctx, scenario, key, where)
            if path in taken:
                raise ctx.error(
                    where,
                    f"{quote(key)} is also in vary: a parameter is either "
                    "varied on the grid or drawn",
                )
            if path in seen:
                raise ctx.error(where, f"{quote(key)} is the same parameter as {quote(seen[path])}")
            seen[path] = key
            dist = read_distribution(ctx, spec, dom, where, str(key))
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


def assumption_parameters(
    ctx: ReadContext, scenario: Scenario, where: Path, taken: set[Path], sampled: bool
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


def read_one_at_a_time(
    ctx: ReadContext, value: Any, scenario: Scenario
) -> tuple[tuple[Parameter, ...], int]:
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
        out = assumption_parameters(ctx, scenario, where, set(), sampled=False)
        if not out:
            raise ctx.error(where, "the scenario marks no parameter as an assumption with a range")
        return tuple(out), steps
    if not isinstance(params, dict) or not params:
        raise ctx.error(where, "parameters is 'assumptions' or a mapping {path: [lo, hi]}")
    out = []
    seen: set[Path] = set()
    for key, rng in params.items():
        w = where + (key,)
        path, dom = parameter_path(ctx, scenario, key, w)
        if path in seen:
            raise ctx.error(w, f"{quote(key)} is listed twice")
        seen.add(path)
        if dom.kind != "number":
            raise ctx.error(w, f"{key} takes {dom.what}; one_at_a_time moves numbers")
        if not isinstance(rng, list) or len(rng) != 2:
            raise ctx.error(w, f"give the range as [lo, hi], got {render(rng)}")
        lo = number(ctx, rng[0], w + (0,), "lo")
        hi = number(ctx, rng[1], w + (1,), "hi")
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


__all__ = [
    "assumption_parameters",
    "read_distribution",
    "read_one_at_a_time",
    "read_sample",
    "read_vary",
]
