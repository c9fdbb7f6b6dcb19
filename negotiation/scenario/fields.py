"""The parts of a scenario the loader checks value by value: value functions,
BATNAs and outcomes, and the exact sums of written numbers its notes and messages show.

Split from :mod:`negotiation.scenario.load`, which calls these while it builds
a scenario.
"""

from __future__ import annotations

import math
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from ..errors import quote
from ..model.issues import Issue
from ..model.scenario import BatnaConflict, BatnaOutcome
from ..model.values import IdealValue, LevelValue, PointsValue, ValueFunction
from .errors_map import suggest
from .schema import BatnaOutcomeSpec, IdealSpec, PointsSpec
from .yamlio import Path

if TYPE_CHECKING:  # pragma: no cover
    from .load import _Ctx

#: Smallest width of an issue's range relative to the larger of 1 and its ends' sizes (so
#: that issue values span at most 18 orders of magnitude with the 1e12 limit, and that 12
#: significant digits of output resolve the range to one part in a million); also the
#: smallest gap between value-function breakpoints, relative to the range's width.
MIN_RELATIVE_WIDTH = 1e-6


def check_keys(ctx: _Ctx, given: dict, allowed: list[str], path: Path, what: str) -> None:
    for key in given:
        if key not in allowed:
            raise ctx.error(path + (key,), f"{quote(key)} is not {what}{suggest(key, allowed)}")


def exact(text: str | None, value: float) -> Decimal:
    """A number as written (``0.1`` is exactly one tenth), else as the float it is."""
    try:
        return Decimal(text) if text is not None else Decimal(repr(value))
    except InvalidOperation:  # 0x1f, 0o17
        return Decimal(repr(value))


def decimal(x: Decimal) -> str:
    """A sum of numbers as written, without float noise (``0.1 + 0.2`` is ``0.3``)."""
    text = f"{x.normalize():f}"
    return text if len(text) <= 24 else f"{float(x):.17g}"


def _range(issue: Issue) -> tuple[float, float]:
    assert issue.range is not None, f"{issue.name} is continuous"
    return issue.range


def value_function(ctx: _Ctx, spec: Any, issue: Issue, path: Path) -> ValueFunction:
    if issue.levels is not None:
        if not isinstance(spec, dict):
            raise ctx.error(
                path, "a discrete issue's value function maps every level to a number in [0, 1]"
            )
        check_keys(ctx, spec, list(issue.levels), path, f"a level of {quote(issue.name)}")
        vals = []
        for lev in issue.levels:
            if lev not in spec:
                raise ctx.error(path, f"missing value for level {quote(lev)}")
            vals.append(_unit_number(ctx, spec[lev], path + (lev,)))
        return LevelValue(tuple(vals))
    lo, hi = _range(issue)
    finest = MIN_RELATIVE_WIDTH * (hi - lo)
    if isinstance(spec, dict) and "points" in spec:
        pts = ctx.validate(PointsSpec, spec, path).points
        xs = [float(x) for x, _ in pts]
        for j in range(1, len(xs)):
            if not xs[j] > xs[j - 1]:
                raise ctx.error(path + ("points", j), "point x-values must strictly increase")
            if xs[j] - xs[j - 1] < finest:
                raise ctx.error(
                    path + ("points", j),
                    "point x-values must be at least "
                    f"{MIN_RELATIVE_WIDTH:g} of the issue's range apart",
                )
        vs = [_unit_number(ctx, v, path + ("points", j, 1)) for j, (_, v) in enumerate(pts)]
        return PointsValue(tuple(xs), tuple(vs))
    if isinstance(spec, dict) and "ideal" in spec:
        s = ctx.validate(IdealSpec, spec, path)
        if not lo <= s.ideal <= hi:
            raise ctx.error(
                path + ("ideal",),
                f"ideal {ctx.show(path + ('ideal',), s.ideal)} "
                "is outside the issue's range "
                f"{ctx.written_range(issue.name)}",
            )
        if s.worst is not None:
            if s.worst == s.ideal:
                raise ctx.error(path + ("worst",), "worst must differ from ideal")
            dist = abs(s.worst - s.ideal)
            if dist < finest:
                raise ctx.error(
                    path + ("worst",),
                    "worst must be at least "
                    f"{MIN_RELATIVE_WIDTH:g} of the issue's range from ideal",
                )
        else:
            dist = max(s.ideal - lo, hi - s.ideal)
        return IdealValue(
            float(s.ideal),
            float(s.exponent),
            float(dist),
            None if s.worst is None else float(s.worst),
        )
    keys = list(spec) if isinstance(spec, dict) else []
    hint = suggest(keys[0], ["ideal", "points"]) if keys and isinstance(keys[0], str) else ""
    raise ctx.error(
        path,
        "a continuous issue's value function is {ideal: x, exponent: e} or "
        f"{{points: [[x, v], ...]}}{hint}",
    )


def _unit_number(ctx: _Ctx, value: Any, path: Path) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ctx.error(path, f"must be a number in [0, 1], got {ctx.show(path, value)}")
    if not math.isfinite(value):
        raise ctx.error(path, "must be a finite number (not NaN or infinity)")
    if not 0.0 <= value <= 1.0:
        raise ctx.error(path, f"must be in [0, 1], got {ctx.show(path, value)}")
    return float(value)


def batna(ctx: _Ctx, spec: Any, issues, path: Path, party: str):
    if spec is None:
        ctx.notes.append(f"{party}: no batna given; reservation value 0")
        return 0.0
    if isinstance(spec, bool):
        raise ctx.error(
            path,
            "batna must be a number, {outcome: ..., cost: c} or 'conflict', "
            f"got {ctx.show(path, spec)}",
        )
    if isinstance(spec, (int, float)):
        if not math.isfinite(spec):
            raise ctx.error(path, "must be a finite number (not NaN or infinity)")
        return float(spec)
    if spec == "conflict":
        return BatnaConflict()
    if isinstance(spec, dict):
        s = ctx.validate(BatnaOutcomeSpec, spec, path)
        return BatnaOutcome(outcome(ctx, s.outcome, issues, path + ("outcome",)), float(s.cost))
    hint = suggest(spec, ["conflict"]) if isinstance(spec, str) else ""
    raise ctx.error(
        path,
        f"batna must be a number, {{outcome: ..., cost: c}} or 'conflict', "
        f"got {ctx.show(path, spec)}{hint}",
    )


def outcome(ctx: _Ctx, given: dict, issues, path: Path) -> dict[str, float | str]:
    inames = [i.name for i in issues]
    check_keys(ctx, given, inames, path, "an issue")
    out: dict[str, float | str] = {}
    for issue in issues:
        if issue.name not in given:
            raise ctx.error(
                path,
                f"missing value for issue {quote(issue.name)} (an outcome must set every issue)",
            )
        v = given[issue.name]
        vpath = path + (issue.name,)
        if issue.continuous:
            rng = ctx.written_range(issue.name)
            if isinstance(v, bool) or not isinstance(v, (int, float)):
                raise ctx.error(vpath, f"must be a number in {rng}, got {ctx.show(vpath, v)}")
            if not math.isfinite(v):
                raise ctx.error(vpath, "must be a finite number (not NaN or infinity)")
            lo, hi = _range(issue)
            if not lo <= v <= hi:
                raise ctx.error(vpath, f"{ctx.show(vpath, v)} is outside the issue's range {rng}")
            out[issue.name] = float(v)
        else:
            levels = list(issue.levels or ())
            if not isinstance(v, str) or v not in levels:
                shown = ", ".join(quote(lev, 24)[1:-1] for lev in levels[:20])
                raise ctx.error(
                    vpath,
                    f"{ctx.show(vpath, v)} is not a level of "
                    f"{quote(issue.name)}"
                    f"{suggest(v, levels) if isinstance(v, str) else ''}; "
                    f"levels: {shown}{', ...' if len(levels) > 20 else ''}",
                )
            out[issue.name] = v
    return out


__all__ = [
    "MIN_RELATIVE_WIDTH",
    "batna",
    "check_keys",
    "decimal",
    "exact",
    "outcome",
    "value_function",
]
