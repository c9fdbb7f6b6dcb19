"""What a brief takes from sweeps of its scenario (``negotiation brief FILE --sweep DIR``).

A Monte Carlo sweep (``sample:`` in the experiment, no ``vary:``) gives the
bottom line the probability that a deal exists when every sampled assumption
is drawn over its range: the share of draws with ``deal_possible`` and its
standard error ``sqrt(p (1 - p) / n)``. A one-at-a-time sweep gives the
section "what the conclusion depends on most" its tornado: the assumptions
that move the first numeric measure most (each moved alone over its range),
with the compact chart. Both come from
:func:`negotiation.experiments.plots.for_brief`; the experiments and their
commands are named in the brief so a reader can regenerate them
(``docs/experiments/``).

A directory that holds no sweep, or a sweep of another scenario (or of an
earlier version of this one: the file's SHA-256 is recorded when the sweep
starts), is an input error: :class:`SweepMismatch`, one line.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..formatting import short, value
from .blocks import Image

if TYPE_CHECKING:  # pragma: no cover
    from ..model.scenario import Scenario

#: Rows of the tornado in the brief (its two pages hold five).
TORNADO_ROWS = 5
#: Resolution of the tornado inside the brief, its natural width and its largest height
#: on the page (inches).
FIGURE_DPI = 200
FIGURE_WIDTH = 7.2
FIGURE_MAX_HEIGHT = 2.0


class SweepMismatch(ValueError):
    """``--sweep DIR`` cannot be used for this brief (the message is one line)."""


@dataclass(frozen=True)
class SweepFindings:
    """What the brief shows from its sweeps.

    ``deal``: ``{"probability", "count", "of", "standard_error"}`` of a Monte
    Carlo sweep (``None``: none given); ``deal_draws`` its draws,
    ``deal_parameters`` how many parameters it samples, ``deal_title`` and
    ``deal_command`` its experiment; ``tornado``: rows of
    :func:`negotiation.experiments.plots.tornado_rows` (empty: no one-at-a-time
    sweep given), ``tornado_title``, ``tornado_points``, ``tornado_precision``,
    ``figure`` the compact chart.
    """

    deal: dict[str, Any] | None = None
    deal_draws: int | None = None
    deal_parameters: int = 0
    deal_precision: str | None = None
    deal_title: str | None = None
    deal_command: str | None = None
    tornado: tuple[dict[str, Any], ...] = ()
    tornado_title: str | None = None
    tornado_points: int | None = None
    tornado_precision: str | None = None
    tornado_command: str | None = None
    figure: Image | None = None

    @property
    def commands(self) -> tuple[str, ...]:
        return tuple(c for c in (self.deal_command, self.tornado_command) if c)


def scenario_digest(path: str) -> str | None:
    """SHA-256 of a scenario file's text (as the sweep records it), ``None``: unreadable."""
    try:
        from ..scenario.source import read_text

        return hashlib.sha256(read_text(path).encode("utf-8")).hexdigest()
    except Exception:
        return None


def _check_scenario(sweep: Any, directory: str, scenario: Scenario) -> None:
    exp = sweep.experiment
    meta = sweep.store.meta.get("scenario") or {}
    theirs = exp.get("scenario_file") or exp.get("scenario") or "a scenario built in code"
    if not scenario.file:
        raise SweepMismatch(
            f"--sweep {directory}: the scenario was not read from a file, so no sweep can "
            "be matched to it"
        )
    ours = os.path.realpath(scenario.file)
    recorded = meta.get("path") or (
        os.path.realpath(exp["scenario_file"]) if exp.get("scenario_file") else None
    )
    digest = meta.get("sha256")
    if digest:
        if digest == scenario_digest(scenario.file):
            return
        if recorded == ours:
            raise SweepMismatch(
                f"--sweep {directory}: a sweep of an earlier version of {scenario.file} "
                "(the file changed since); run the sweep again"
            )
    elif recorded == ours:
        return
    raise SweepMismatch(f"--sweep {directory}: a sweep of {theirs}, not of {scenario.file}")


def sweep_findings(
    scenario: Scenario, directories: Sequence[str], n: int = TORNADO_ROWS, *, check: bool = False
) -> SweepFindings | None:
    """The findings of the sweeps in ``directories`` for a brief of ``scenario``
    (``None``: no directory given, or ``check=True``: only check them, quickly).
    Raises :class:`SweepMismatch`."""
    if not directories:
        return None
    from ..experiments.plots import for_brief
    from ..experiments.store import StoreError, open_sweep

    found: dict[str, Any] = {}
    directories_of: dict[str, str] = {}
    for directory in directories:
        if not os.path.isdir(directory):
            raise SweepMismatch(f"--sweep {directory}: no such directory")
        try:
            sweep = open_sweep(directory)
        except StoreError:
            raise SweepMismatch(
                f"--sweep {directory}: holds no sweep (run `negotiation sweep EXPERIMENT "
                f"--out {directory}` first)"
            ) from None
        with sweep:
            _check_scenario(sweep, directory, scenario)
            if not sweep.complete:
                raise SweepMismatch(
                    f"--sweep {directory}: the sweep is not finished (add --resume to "
                    "`negotiation sweep` to finish it)"
                )
            exp = sweep.experiment
            measured = set(exp.get("measure") or ())
            if exp.get("sample") and not exp.get("vary") and "deal_possible" in measured:
                kind = "deal"
            elif exp.get("one_at_a_time"):
                kind = "tornado"
            else:
                raise SweepMismatch(
                    f"--sweep {directory}: neither a Monte Carlo sweep measuring "
                    "deal_possible nor a one-at-a-time sweep; the brief uses only those"
                )
            if kind in found:
                what = "Monte Carlo" if kind == "deal" else "one-at-a-time"
                raise SweepMismatch(
                    f"--sweep {directory}: a second {what} sweep; give one of each at most"
                )
            found[kind] = (exp, None if check else for_brief(sweep, n=n))
            directories_of[kind] = directory
    if check:
        return None
    out: dict[str, Any] = {}
    if "deal" in found:
        exp, info = found["deal"]
        out.update(
            deal=info["deal"],
            deal_draws=info["draws"],
            deal_parameters=len((exp.get("sample") or {}).get("parameters") or ()),
            deal_precision=exp.get("precision"),
            deal_title=info["title"],
            deal_command=info["command"],
        )
    if "tornado" in found:
        exp, info = found["tornado"]
        out.update(
            tornado=tuple(info["tornado"]),
            tornado_title=info["title"],
            tornado_points=exp.get("points"),
            tornado_precision=exp.get("precision"),
            tornado_command=info["command"],
            figure=_image(directories_of["tornado"], info),
        )
    return SweepFindings(**out)


def _image(directory: str, info: dict[str, Any]) -> Image | None:
    """The compact tornado of the first measure (the one the rows rank), one panel, a
    bar per row: it has to fit the brief's two pages."""
    rows = info.get("tornado") or []
    if info.get("figure") is None or not rows:
        return None
    import matplotlib.pyplot as plt

    from ..experiments.plots import measure_label, plot_tornado
    from ..plot.save import figure_bytes

    plt.close(info["figure"])
    measure = rows[0]["measure"]
    fig = plot_tornado(directory, measures=[measure], n=len(rows), frame=False)
    fig.set_size_inches(FIGURE_WIDTH, 0.9 + 0.3 * len(rows))
    w, h = (float(x) for x in fig.get_size_inches())
    png = figure_bytes(fig, "png", dpi=FIGURE_DPI)
    plt.close(fig)
    return Image(
        "tornado",
        png,
        w,
        h,
        f"Figure 2. The {measure_label(measure)} with each assumption moved alone from the low "
        "to the high end of its range (bars); the line is the scenario as it is.",
        info["command"] or "",
        f"Figure 2: tornado chart of {info['title']}",
        max_height=FIGURE_MAX_HEIGHT,
    )


def deal_sentence(f: SweepFindings) -> str | None:
    """The bottom line's sentence on the Monte Carlo probability of a deal."""
    if f.deal is None:
        return None
    p, se, of = f.deal["probability"], f.deal["standard_error"], f.deal["of"]
    what = (
        f"its {f.deal_parameters} uncertain parameters"
        if f.deal_parameters
        else "its uncertain parameters"
    )
    how = " (on the grid)" if f.deal_precision == "grid" else ""
    return (
        f"Drawing {what} over their ranges {of:,} times, a deal exists in "
        f"{100 * p:.0f}% of the draws (standard error {100 * se:.1f} points){how}."
    )


def tornado_intro(f: SweepFindings) -> str:
    measure = f.tornado[0].get("measure") if f.tornado else None
    from ..experiments.plots import measure_label

    what = measure_label(measure) if measure else "the result"
    solver = "certified solver" if f.tornado_precision == "exact" else "grid"
    return (
        f"Each assumption moved alone over its range, everything else as in the file "
        f"({f.tornado_points} points, {solver}); the {len(f.tornado)} that move the "
        f"{what} most, and its value at the two ends of each range:"
    )


def tornado_sentence(row: dict[str, Any]) -> str:
    """One tornado row in words (one line): the range, and the measure at its ends."""
    text = f"{row['label']}, {short(row['value'])} in the file, from {short(row['low'])} "
    text += f"to {short(row['high'])}"
    lo, hi = row.get("at_low"), row.get("at_high")
    if isinstance(lo, (int, float)) and isinstance(hi, (int, float)):
        text += f": {value(lo)} to {value(hi)}"
        if isinstance(row.get("baseline"), (int, float)):
            text += f" (now {value(row['baseline'])})"
    if row.get("flips"):
        text += "; the deal verdict changes within the range"
    return text + "."


__all__ = [
    "SweepFindings",
    "SweepMismatch",
    "deal_sentence",
    "scenario_digest",
    "sweep_findings",
    "tornado_intro",
    "tornado_sentence",
]
