"""Checks the schema cannot express: names, the size of numbers, the size of the problem.

Called by :mod:`negotiation.scenario.load` while it builds a scenario:

* :func:`check_name`: a name (issue, party, level, proposal, source) is
  non-blank text without control or invisible format characters; an issue
  name has no dot (evidence keys such as ``values.<issue>.exponent`` are
  dotted paths).
* :func:`check_numbers`: every number in the file is at most
  :data:`~.limits.MAX_MAGNITUDE` in size, so that sums, differences and
  products of them stay finite, and a party's weight is 0 or at least
  :data:`~.limits.MIN_WEIGHT` (the solvers divide by weighted slopes).
* :func:`check_size`: the outcome grid, the utility matrix and the
  breakpoint work, computed from the issues and value functions without
  building any grid, stay within :mod:`~.limits`.
"""

from __future__ import annotations

import math
import unicodedata
from typing import TYPE_CHECKING, Any

from ..errors import quote, render
from ..model.issues import Issue
from .limits import (
    MAX_BREAKPOINTS,
    MAX_COMBINATIONS,
    MAX_GRID_WORK,
    MAX_ISSUES,
    MAX_MAGNITUDE,
    MAX_OUTCOMES,
    MAX_PARTIES,
    MAX_UTILITIES,
    MIN_WEIGHT,
)
from .source import char_name, noncharacter
from .yamlio import Path

if TYPE_CHECKING:  # pragma: no cover
    from .load import _Ctx

#: Character categories a name may not contain: controls, format (invisible) characters,
#: line and paragraph separators, surrogates (and the noncharacters, see ``source``).
_BAD_IN_NAMES = ("Cc", "Cf", "Zl", "Zp", "Cs")


def check_name(ctx: _Ctx, name: Any, path: Path, what: str, dots: bool = True) -> None:
    """``name`` is usable as the name of a ``what`` (see the module notes); ``dots=False``:
    ``what`` names may not contain a dot."""
    if not isinstance(name, str):
        raise ctx.error(path, f"the name of {what} must be text, got {render(name)}")
    if not name.strip():
        raise ctx.error(
            path,
            f"the name of {what} is empty; give it a name"
            if not name
            else f"the name of {what} is blank ({quote(name)})",
        )
    for ch in name:
        if unicodedata.category(ch) in _BAD_IN_NAMES or noncharacter(ch):
            raise ctx.error(
                path,
                f"the name {quote(name)} contains {char_name(ch)}, an "
                "invisible or control character",
            )
    if not dots and "." in name:
        raise ctx.error(
            path,
            f"the name {quote(name)} contains a dot, but issue names are "
            "parts of dotted paths such as 'values.<issue>.exponent'; use "
            "another character (e.g. '_')",
        )


def check_numbers(ctx: _Ctx, data: Any, path: Path = ()) -> None:
    """Every number in ``data`` is at most :data:`MAX_MAGNITUDE` in size, and a weight
    (``parties.<p>.weights.<issue>``) 0 or at least :data:`MIN_WEIGHT` (NaN and infinity
    are left to the schema, which names the field's meaning)."""
    if isinstance(data, dict):
        for key, value in data.items():
            check_numbers(ctx, value, path + (key,))
    elif isinstance(data, list):
        for j, value in enumerate(data):
            check_numbers(ctx, value, path + (j,))
    elif isinstance(data, (int, float)) and not isinstance(data, bool):
        if isinstance(data, float) and not math.isfinite(data):
            return
        if abs(data) > MAX_MAGNITUDE:
            raise ctx.error(
                path,
                f"{ctx.show(path, data)} is too large: numbers in a scenario "
                f"are at most {_power(MAX_MAGNITUDE)} in size (choose a "
                "larger unit)",
            )
        if 0 < data < MIN_WEIGHT and len(path) == 4 and path[2] == "weights":
            raise ctx.error(
                path,
                f"weight {ctx.show(path, data)} is too small: a weight is 0 "
                f"or at least {_power(MIN_WEIGHT)} (write 0)",
            )


def _power(x: float) -> str:
    return f"{x:.0e}".replace("e+", "e").replace("e-0", "e-")


def check_counts(ctx: _Ctx, data: dict[str, Any]) -> None:
    """At most :data:`MAX_PARTIES` parties and :data:`MAX_ISSUES` issues (before any work)."""
    for key, limit in (("parties", MAX_PARTIES), ("issues", MAX_ISSUES)):
        given = data.get(key)
        if isinstance(given, dict) and len(given) > limit:
            raise ctx.error((key,), f"{len(given)} {key}: the limit is {limit}")


def grid_points(issue: Issue) -> int:
    """The number of grid values of ``issue``, as ``Issue.grid_values`` builds them, computed
    without building the grid (even points, less those a kink replaces, plus the kinks)."""
    if issue.levels is not None:
        return len(issue.levels)
    lo, hi = issue.range  # type: ignore[misc]
    kinks = sorted({k for k in issue.kinks if lo < k < hi})
    if not kinks:
        return issue.grid
    n, tol = issue.grid, 1e-9 * (hi - lo)
    step = (hi - lo) / (n - 1)
    replaced = set()
    for k in kinks:  # the even points within tol of a kink (at most a few per kink)
        j = round((k - lo) / step)
        for i in (j - 1, j, j + 1):
            if 0 < i < n - 1 and abs(lo + i * step - k) <= tol:
                replaced.add(i)
    return n - len(replaced) + len(kinks)


def check_size(ctx: _Ctx, issues: tuple[Issue, ...], n_parties: int, path: Path) -> None:
    """The grid, the utility matrix and the breakpoint work within :mod:`~.limits`."""
    for issue in issues:
        if len(issue.kinks) > MAX_BREAKPOINTS:
            raise ctx.error(
                ("issues", issue.name),
                f"the value functions have {len(issue.kinks):,} breakpoints inside "
                f"the range of '{issue.name}'; the limit is {MAX_BREAKPOINTS:,} "
                "(use fewer points)",
            )
    sizes = [grid_points(i) for i in issues]
    size = math.prod(sizes)
    dims = " x ".join(f"{s:,}" for s in sizes)
    hint = "lower analysis.grid (solutions and ranges do not depend on the grid)"
    if size > MAX_OUTCOMES:
        raise ctx.error(
            path,
            f"the outcome grid would have {size:,} outcomes ({dims}); the "
            f"limit is {MAX_OUTCOMES:,}: {hint}",
        )
    if size * n_parties > MAX_UTILITIES:
        raise ctx.error(
            path,
            f"{size:,} outcomes x {n_parties} parties is {size * n_parties:,} "
            f"utilities; the limit is {MAX_UTILITIES:,}: {hint}",
        )
    combinations = math.prod(len(i.levels) for i in issues if i.levels is not None)
    if combinations > MAX_COMBINATIONS:
        counts = " x ".join(str(len(i.levels)) for i in issues if i.levels is not None)
        raise ctx.error(
            ("issues",),
            f"the discrete issues have {combinations:,} combinations "
            f"of levels ({counts}); the limit is "
            f"{MAX_COMBINATIONS:,}: merge or drop some issues or levels",
        )
    kinks = sum(len(i.kinks) for i in issues)
    if size * (kinks + 1) > MAX_GRID_WORK:
        raise ctx.error(
            path,
            f"{size:,} outcomes x {kinks + 1:,} breakpoints is "
            f"{size * (kinks + 1):,}; the limit is {MAX_GRID_WORK:,}: {hint}, "
            "or use value functions with fewer points",
        )


__all__ = ["check_counts", "check_name", "check_numbers", "check_size", "grid_points"]
