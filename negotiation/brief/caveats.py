"""What the conclusion rests on: the assumptions that matter most, and the caveats.

The three assumptions the conclusion depends on most come from
:func:`negotiation.sensitivity.top_assumptions` (each assumption moved to the
ends of its range, one at a time). The caveats are summarised in a few lines;
the annex lists every assumption with its range.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

from ..evidence import entries
from ..formatting import count, join_words, short, value

if TYPE_CHECKING:  # pragma: no cover
    from ..report import Report


def top_assumptions(report: Report, n: int = 3) -> list[Any]:
    """The ``n`` assumptions whose ranges move the analysis most ([] when the screen is not
    available)."""
    try:
        from ..sensitivity import top_assumptions as screen
    except ImportError:
        return []
    return list(screen(report.scenario, n=n))


def assumption_sentence(report: Report, item: Any) -> str:
    """One sentence on one screened assumption: its range and what its ends do."""
    d = item.to_dict() if hasattr(item, "to_dict") else {}
    label = d.get("label") or d.get("path") or str(item)
    low, high = d.get("low"), d.get("high")
    text = label
    if low is not None and high is not None:
        current = getattr(item, "value", None)
        now = f"{short(current)} in the file, " if isinstance(current, (int, float)) else ""
        text += f" ({now}tested from {short(low)} to {short(high)})"
    effects = []
    for end, at in (("low", low), ("high", high)):
        deal = d.get(f"deal_{end}")
        if deal is not None and deal != report.deal_possible:
            what = "a deal becomes possible" if deal else "no deal is possible"
            effects.append(f"at {short(at)} {what}")
    shifts: list[tuple[float, Any]] = []
    for end, at in (("low", low), ("high", high)):
        s = d.get(f"nash_shift_{end}")
        if isinstance(s, (int, float)) and s > 0:
            shifts.append((float(s), at))
    if shifts:
        size, at = max(shifts, key=lambda t: t[0])
        effects.append(
            f"at {short(at)} the Nash solution moves by {value(size, 2)} (issues scaled 0 to 1)"
        )
    return text + (": " + "; ".join(effects) if effects else "") + "."


def assumption_counts(report: Report) -> Counter:
    """How many evidence entries marked ``assumption: true`` each party has."""
    counts: Counter = Counter()
    for p in report.scenario.parties:
        keys = {
            key
            for key, ev in (p.evidence or {}).items()
            if any(e.get("assumption") for e in entries(ev))
        }
        counts[p.name] = len(keys)
    return +counts


def caveats(report: Report) -> list[str]:
    """The caveats in a few lines (the annex has the details)."""
    from ..evidence import missing_evidence

    s = report.scenario
    out = []
    counts = assumption_counts(report)
    total = sum(counts.values())
    if total:
        per = join_words([f"{n} {k}" for k, n in counts.items()])
        verb = "rests" if total == 1 else "rest"
        out.append(
            f"{count(total, 'party parameter')} {verb} on assumptions rather than a "
            f"source ({per}); the annex lists each with the range to test."
        )
    missing = missing_evidence(s)
    if missing:
        out.append(
            f"{count(len(missing), 'evidence gap')} in the scenario file "
            "(negotiation validate --strict lists them)."
        )
    grid = join_words([f"{i.name} {i.grid} points" for i in s.issues if i.continuous])
    if grid:
        text = (
            f"Grid: {report.problem.space.size:,} packages ({grid}; discrete issues by "
            "level); counts are on this grid, solutions and ranges are refined from it."
        )
        inexact = [a for a, v in report.solutions.items() if v is not None and not v.exact]
        if inexact:
            text += f" Grid-accurate only: {join_words(inexact)}."
        out.append(text)
    if s.notes:
        out.append(f"{count(len(s.notes), 'note')} from loading the scenario (in the annex).")
    out.append(
        "Utilities model each party's preferences from the sources; they are not "
        "forecasts, and changing an assumed number can move the solutions."
    )
    return out
