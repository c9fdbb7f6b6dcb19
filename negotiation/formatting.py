"""Numbers and words as text: the one place every output formats values.

The text report, the figures, the brief, the comparison and the scenario
pages all show numbers through these functions, so that the same value reads
the same everywhere. Nothing here imports numpy or matplotlib.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from .model.issues import Issue
    from .solve.results import IssueRange


def value(v: Any, digits: int = 3) -> str:
    """A level name as is, a number with ``digits`` decimals, ``-`` for nothing."""
    if isinstance(v, str):
        return v
    if v is None:
        return "-"
    return f"{float(v):.{digits}f}"


def short(v: Any) -> str:
    """A parameter as a person writes it: the shortest form (``0.4``, ``1e-06``, ``100``);
    anything that is not a number as text."""
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return str(v)
    return f"{v:g}"


def signed(v: float, digits: int = 3) -> str:
    """A number with its sign always shown (``+0.115``, ``-0.061``)."""
    return f"{float(v):+.{digits}f}"


def issue_digits(issue: Issue) -> int:
    """Decimals that show an issue's values to about 1% of its range."""
    if issue.range is None:
        return 0
    span = issue.range[1] - issue.range[0]
    return max(0, min(4, 2 - math.floor(math.log10(span)))) if span > 0 else 2


def issue_value(issue: Issue, v: Any) -> str:
    """An issue value: a level name (also from a level index), or a number with sensible
    decimals for the issue's scale."""
    if isinstance(v, str):
        return v
    if issue.levels is not None:
        return issue.levels[round(float(v))]
    return f"{float(v):.{issue_digits(issue)}f}"


def issue_range(
    r: IssueRange | None, digits: int = 3, sep: str = " to ", empty: str = "none"
) -> str:
    """The values of an issue range: its levels, or ``min to max``; ``-`` when missing."""
    if r is None:
        return "-"
    if r.levels is not None:
        return ", ".join(r.levels) or empty
    return f"{value(r.min, digits)}{sep}{value(r.max, digits)}"


def join_words(items: Sequence[str], last: str = "and") -> str:
    """``a``, ``a and b``, ``a, b and c`` (empty items are dropped)."""
    items = [i for i in items if i]
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    if len(items) == 2:
        return f"{items[0]} {last} {items[1]}"
    return ", ".join(items[:-1]) + f", {last} " + items[-1]


def count(n: int, word: str, plural: str | None = None) -> str:
    """``1 party``, ``3 parties``, ``0 proposals``."""
    if n == 1:
        return f"{n} {word}"
    if plural is None:
        plural = (
            word[:-1] + "ies" if word.endswith("y") and word[-2:-1] not in "aeiou" else word + "s"
        )
    return f"{n} {plural}"


def shorten(text: str, n: int) -> str:
    """``text`` on one line, cut to at most ``n`` characters with an ellipsis."""
    text = " ".join(str(text).split())
    if len(text) <= n:
        return text
    cut = text[: max(n - 1, 1)]
    if " " in cut[n // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:") + "…"


def text_table(
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    indent: str = "  ",
    right_numbers: bool = True,
) -> str:
    """A plain-text table: text left-aligned, numbers right-aligned (unless told not to)."""
    widths = [
        max(len(str(h)), *(len(str(r[j])) for r in rows)) if rows else len(str(h))
        for j, h in enumerate(headers)
    ]

    def numeric(x: str) -> bool:
        return x.replace(".", "", 1).replace("-", "", 1).isdigit()

    def line(cells: Sequence[str]) -> str:
        parts = [
            str(c).rjust(w) if right_numbers and numeric(str(c)) else str(c).ljust(w)
            for c, w in zip(cells, widths)
        ]
        return (indent + "  ".join(parts)).rstrip()

    rule = indent + "  ".join("-" * w for w in widths)
    return "\n".join([line(headers), rule] + [line(r) for r in rows])
