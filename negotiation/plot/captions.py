"""The words on a figure: subtitles, axis labels, source lines, reproduce commands."""

from __future__ import annotations

import shlex
from collections.abc import Mapping
from typing import TYPE_CHECKING

from ..formatting import short, shorten

if TYPE_CHECKING:  # pragma: no cover
    from ..model.issues import Issue
    from ..model.scenario import Scenario


def date_text(scenario: Scenario) -> str:
    return str(scenario.date) if scenario.date else "undated"


def subtitle(scenario: Scenario) -> str:
    return f"{scenario.title} · {date_text(scenario)}"


def utility_label(party: str) -> str:
    return f"utility of {party} (0 worst to 1 best)"


def issue_label(
    issue: Issue,
    width_in: float | None = None,
    size: float = 11.0,
    scale: tuple[float, float] | None = None,
) -> str:
    """Axis label of an issue, with its unit (or its scale when the file gives none).

    ``scale`` overrides the issue's own range in the label; with ``width_in``,
    long labels are wrapped to that width (at most three lines).
    """
    if issue.unit:
        text = f"{issue.name} ({issue.unit})"
    elif issue.range is not None:
        lo, hi = scale or issue.range
        text = f"{issue.name} (scale {short(lo)} to {short(hi)})"
    else:
        text = f"{issue.name} (level)"
    if width_in is None:
        return text
    from .text import wrap

    lines = wrap(text, width_in * 72, size)
    if len(lines) > 3:
        lines = lines[:3]
        lines[-1] = shorten(lines[-1] + " …", max(len(lines[-1]) - 1, 8))
    return "\n".join(lines)


def reproduce_command(file: str | None, kind: str) -> str:
    """The command that redraws a figure: ``negotiation plot FILE --kind KIND``."""
    return f"negotiation plot {shlex.quote(file or 'SCENARIO.yaml')} --kind {kind}"


def sources_text(sources: Mapping[str, Mapping[str, object]], budget: int = 160) -> str:
    """The sources a scenario rests on, shortened to about ``budget`` characters."""
    items = []
    for key, src in sources.items():
        name = src.get("title") or src.get("outlet") or src.get("file") or src.get("url") or ""
        items.append(f"[{key}] {shorten(str(name), 48)}" if name else f"[{key}]")
    if not items:
        return "no sources listed in the scenario file"
    out: list[str] = []
    for j, item in enumerate(items):
        rest = len(items) - j
        if out and len("; ".join(out + [item])) > budget:
            out.append(f"and {rest} more (see the scenario file)")
            break
        out.append(item)
    return "; ".join(out)


def source_line(scenario: Scenario, kind: str | None = None, command: str | None = None) -> str:
    """Bottom line of a figure: the model and file, the sources, the reproduce command."""
    file = scenario.file or "scenario built in code"
    text = f"Source: negotiation model of {file}. Evidence: {sources_text(scenario.sources)}."
    cmd = command or (reproduce_command(scenario.file, kind) if kind else None)
    if cmd:
        text += f"\nReproduce: {cmd}"
    return text
