"""House style: colours per party, markers per solution, titles, source lines, saving.

Every briefing figure goes through this module so that they all look alike:

* :func:`house_style` -- the matplotlib style (``house.mplstyle``) as a context;
  build figures inside it (rc parameters are read when artists are created).
* :func:`new_figure` -- a :class:`~matplotlib.figure.Figure` on an Agg canvas
  (no pyplot, no display) with constrained layout.
* :func:`party_styles` -- one colour, marker and line style per party, stable
  across figures and scenarios (Ukraine is always the same blue), colour-blind
  safe (Okabe & Ito 2008) and told apart in greyscale print by marker shape.
* :func:`decorate` -- title, subtitle (scenario title and date) and the source
  line at the bottom (scenario file, the sources it rests on, and the command
  that reproduces the figure).
* :func:`save` -- PNG (220 dpi), SVG or PDF by the file's suffix, written
  atomically (a failed run never leaves a partial file).

matplotlib is imported here, so import this module only when drawing.
"""

from __future__ import annotations

import contextlib
import io
import os
import shlex
import sys
import textwrap
import zlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterator, Sequence

import matplotlib

if "matplotlib.pyplot" not in sys.modules:  # never switch an interactive session's backend
    matplotlib.use("Agg")

from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.font_manager import FontProperties  # noqa: E402
from matplotlib.textpath import TextToPath  # noqa: E402

if TYPE_CHECKING:  # pragma: no cover
    from ..model.issues import Issue
    from ..model.scenario import Scenario

STYLE_PATH = os.path.join(os.path.dirname(__file__), "house.mplstyle")

#: Okabe & Ito (2008) colour-blind safe palette, in the order parties get them.
OKABE_ITO = {
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "bluish green": "#009E73",
    "reddish purple": "#CC79A7",
    "orange": "#E69F00",
    "sky blue": "#56B4E9",
    "black": "#000000",
    "yellow": "#F0E442",
}
PALETTE = tuple(OKABE_ITO.values())
#: Marker per palette slot: greyscale print tells parties apart by shape.
PARTY_MARKERS = ("o", "s", "^", "D", "v", "P", "X", "h", "<")
PARTY_LINESTYLES = ("-", "--", "-.", ":")

#: Parties that always get the same slot (colour and marker), whatever the scenario.
KNOWN_PARTIES = {
    "ukraine": 0, "russia": 1, "us": 2, "usa": 2, "united_states": 2,
    "eu": 3, "european_union": 3, "uk": 5, "china": 4, "turkey": 6,
}

#: Neutral colours of elements that belong to no party.
INK = "#222222"
MUTED = "#555555"
CLOUD = "#D4D4D4"          # all grid outcomes
AGREEMENT = "#ABA6D8"      # the agreement set (lavender: no party has it; darker than the cloud)
HIGHLIGHT = "#FFEFA8"      # the bargaining range band
RANGE_BAR = "#9A9A9A"      # bargaining range over the whole agreement set
FRONTIER = "#222222"

#: Marker, size and label of each bargaining solution (same in every figure).
SOLUTION_STYLE: dict[str, dict[str, Any]] = {
    "nash": {"marker": "*", "size": 15, "label": "Nash"},
    "weighted_nash": {"marker": "P", "size": 10, "label": "weighted Nash"},
    "kalai_smorodinsky": {"marker": "D", "size": 8, "label": "Kalai-Smorodinsky"},
    "egalitarian": {"marker": "^", "size": 9, "label": "egalitarian"},
    "utilitarian": {"marker": "s", "size": 8, "label": "utilitarian"},
}
PROPOSAL_STYLE = {"marker": "o", "size": 9}
DISAGREEMENT_STYLE = {"marker": "X", "size": 10, "label": "disagreement point (reservation values)"}
CLOSEST_STYLE = {"marker": "h", "size": 10, "label": "closest outcome (no deal)"}


@dataclass(frozen=True)
class PartyStyle:
    """How one party is drawn in every figure."""

    color: str
    marker: str
    linestyle: str
    slot: int


def _slot_style(slot: int) -> PartyStyle:
    return PartyStyle(PALETTE[slot % len(PALETTE)], PARTY_MARKERS[slot % len(PARTY_MARKERS)],
                      PARTY_LINESTYLES[(slot // len(PALETTE)) % len(PARTY_LINESTYLES)], slot)


def party_styles(names: Sequence[str]) -> dict[str, PartyStyle]:
    """Colour, marker and line style of each party.

    Known parties (Ukraine, Russia, US, EU, ...) always get the same slot;
    the others get a slot from a hash of their name (so the same party keeps
    its colour across scenarios), moved to the next free slot on a clash.
    Beyond eight parties colours repeat with another line style and marker.
    """
    out: dict[str, PartyStyle] = {}
    used: set[int] = set()
    for name in names:
        slot = KNOWN_PARTIES.get(name.lower())
        if slot is not None and slot not in used:
            out[name] = _slot_style(slot)
            used.add(slot)
    n_colours = len(PALETTE)
    for name in sorted(n for n in names if n not in out):
        start = zlib.crc32(name.lower().encode("utf-8")) % n_colours
        slot = None
        rnd = 0
        while slot is None:  # first free colour from the hashed one, then the next round
            for j in range(n_colours):
                candidate = (start + j) % n_colours + rnd * n_colours
                if candidate not in used:
                    slot = candidate
                    break
            rnd += 1
        out[name] = _slot_style(slot)
        used.add(slot)
    return {n: out[n] for n in names}


# --------------------------------------------------------------------------- style
@contextlib.contextmanager
def house_style() -> Iterator[None]:
    """Context in which figures get the house style."""
    with matplotlib.rc_context(fname=STYLE_PATH):
        yield


def new_figure(width: float, height: float) -> Figure:
    """A figure on an Agg canvas (works headless) with constrained layout."""
    fig = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(fig)
    fig.get_layout_engine().set(w_pad=0.06, h_pad=0.06, wspace=0.06, hspace=0.08)
    return fig


# --------------------------------------------------------------------------- text
_TEXT_TO_PATH = TextToPath()


def text_width(text: str, size: float, weight: str = "normal", style: str = "normal",
               family: str = "DejaVu Sans") -> float:
    """Width of one line of ``text`` in points."""
    prop = FontProperties(family=family, size=size, weight=weight, style=style)
    w, _, _ = _TEXT_TO_PATH.get_text_width_height_descent(text, prop, ismath=False)
    return float(w)


def wrap(text: str, width_pt: float, size: float, weight: str = "normal",
         style: str = "normal") -> list[str]:
    """Greedy word wrap of ``text`` to ``width_pt`` points, measuring each line."""
    lines: list[str] = []
    for para in str(text).split("\n"):
        words = para.split()
        if not words:
            lines.append("")
            continue
        line = words[0]
        for w in words[1:]:
            trial = line + " " + w
            if text_width(trial, size, weight, style) <= width_pt:
                line = trial
            else:
                lines.append(line)
                line = w
        lines.append(line)
    return lines


def shorten(text: str, n: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= n else textwrap.shorten(text, n, placeholder="…")


def fmt_value(v: Any, digits: int = 2) -> str:
    """A level name as is, a number with ``digits`` decimals, ``-`` for nothing."""
    from ..report import _fmt

    return _fmt(v if v is None or isinstance(v, str) else float(v), digits)


def issue_digits(issue: "Issue") -> int:
    """Decimals that show an issue's values to about 1% of its range."""
    import math

    if not issue.continuous:
        return 0
    span = issue.range[1] - issue.range[0]
    return max(0, min(4, 2 - int(math.floor(math.log10(span))))) if span > 0 else 2


def fmt_issue(issue: "Issue", v: Any) -> str:
    """An issue value as text: a level name, or a number with sensible decimals."""
    if isinstance(v, str):
        return v
    if not issue.continuous:
        return issue.levels[int(round(float(v)))]
    return f"{float(v):.{issue_digits(issue)}f}"


def issue_label(issue: "Issue", width_in: float | None = None, size: float = 11.0) -> str:
    """Axis label of an issue, with its unit (or its scale when the file gives none).

    With ``width_in``, long labels are wrapped to that width (at most three lines).
    """
    if issue.unit:
        text = f"{issue.name} ({issue.unit})"
    elif issue.continuous:
        lo, hi = issue.range
        text = f"{issue.name} (scale {lo:g} to {hi:g})"
    else:
        text = f"{issue.name} (level)"
    if width_in is None:
        return text
    lines = wrap(text, width_in * 72, size)
    if len(lines) > 3:
        lines = lines[:3]
        lines[-1] = shorten(lines[-1] + " …", max(len(lines[-1]) - 1, 8))
    return "\n".join(lines)


def level_ticks(ax, levels: Sequence[str], panel_width_in: float, size: float = 10.0) -> None:
    """Level names as x ticks; broken at underscores, or upright, when they do not fit."""
    ax.set_xticks(range(len(levels)))
    slot = panel_width_in * 72 / max(len(levels), 1)
    widest = max(text_width(lv, size) for lv in levels) + 6
    if widest <= slot:
        ax.set_xticklabels(levels, fontsize=size)
        return
    import re

    split = ["\n".join(p for p in re.split(r"[_\s]+", lv) if p) or lv for lv in levels]
    if max(text_width(part, size) for lv in split for part in lv.split("\n")) + 6 <= slot:
        ax.set_xticklabels(split, fontsize=size)
    else:
        ax.set_xticklabels(levels, rotation=90, fontsize=size)


def utility_label(party: str) -> str:
    return f"utility of {party} (0 worst to 1 best)"


def date_text(scenario: "Scenario") -> str:
    return str(scenario.date) if scenario.date else "undated"


def subtitle(scenario: "Scenario") -> str:
    return f"{scenario.title} · {date_text(scenario)}"


def reproduce_command(file: str | None, kind: str) -> str:
    """The command that redraws a figure: ``negotiation plot FILE --kind KIND``."""
    return f"negotiation plot {shlex.quote(file or 'SCENARIO.yaml')} --kind {kind}"


def sources_text(scenario: "Scenario", budget: int = 160) -> str:
    """The sources a scenario rests on, shortened to about ``budget`` characters."""
    items = []
    for key, src in scenario.sources.items():
        name = src.get("title") or src.get("outlet") or src.get("file") or src.get("url") or ""
        items.append(f"[{key}] {shorten(name, 48)}" if name else f"[{key}]")
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


def source_line(scenario: "Scenario", kind: str | None = None,
                command: str | None = None) -> str:
    """Bottom line of a figure: the model and file, the sources, the reproduce command."""
    file = scenario.file or "scenario built in code"
    text = f"Source: negotiation model of {file}. Evidence: {sources_text(scenario)}."
    cmd = command or (reproduce_command(scenario.file, kind) if kind else None)
    if cmd:
        text += f"\nReproduce: {cmd}"
    return text


HEADER_TOP = 0.14      # inches above the title
TITLE_SIZE = 16.0
SUBTITLE_SIZE = 11.0
FOOTER_SIZE = 8.0
SIDE = 0.2             # inches left of header and footer (and at least that on the right)
RIGHT = 0.45           # inches kept free right of wrapped header and footer text


def decorate(fig: Figure, title: str, sub: str | Sequence[str], footer: str) -> float:
    """Title and subtitle at the top, source line at the bottom; layout fits between.

    Returns the height (inches) left for the plotting area.
    """
    fig._negotiation_title = title  # type: ignore[attr-defined]
    W, H = fig.get_size_inches()
    width_pt = (W - SIDE - RIGHT) * 72
    y = HEADER_TOP
    title_lines = wrap(title, width_pt, TITLE_SIZE, "bold")
    fig.text(SIDE / W, 1 - y / H, "\n".join(title_lines), fontsize=TITLE_SIZE,
             fontweight="bold", ha="left", va="top", color=INK, linespacing=1.15)
    y += len(title_lines) * TITLE_SIZE * 1.3 / 72 + 0.05
    subs = [sub] if isinstance(sub, str) else list(sub)
    sub_lines: list[str] = []
    for s in subs:
        sub_lines += wrap(s, width_pt, SUBTITLE_SIZE)
    if sub_lines:
        fig.text(SIDE / W, 1 - y / H, "\n".join(sub_lines), fontsize=SUBTITLE_SIZE,
                 ha="left", va="top", color="#444444", linespacing=1.25)
        y += len(sub_lines) * SUBTITLE_SIZE * 1.4 / 72
    header = y + 0.12
    foot_lines: list[str] = []
    for part in footer.split("\n"):
        foot_lines += wrap(part, width_pt, FOOTER_SIZE)
    bottom = 0.10
    fig.text(SIDE / W, bottom / H, "\n".join(foot_lines), fontsize=FOOTER_SIZE, ha="left",
             va="bottom", color=MUTED, linespacing=1.3)
    footer_h = bottom + len(foot_lines) * FOOTER_SIZE * 1.45 / 72 + 0.10
    engine = fig.get_layout_engine()
    if engine is not None and hasattr(engine, "set"):
        engine.set(rect=(0.0, footer_h / H, 1.0, 1.0 - (header + footer_h) / H))
    return H - header - footer_h


def header_height(title: str, sub: str | Sequence[str], footer: str, width: float) -> float:
    """Inches :func:`decorate` takes for header and footer on a figure ``width`` wide."""
    width_pt = (width - SIDE - RIGHT) * 72
    h = HEADER_TOP + len(wrap(title, width_pt, TITLE_SIZE, "bold")) * TITLE_SIZE * 1.3 / 72 + 0.05
    subs = [sub] if isinstance(sub, str) else list(sub)
    h += sum(len(wrap(x, width_pt, SUBTITLE_SIZE)) for x in subs) * SUBTITLE_SIZE * 1.4 / 72
    h += 0.12
    n_foot = sum(len(wrap(x, width_pt, FOOTER_SIZE)) for x in footer.split("\n"))
    return h + 0.10 + n_foot * FOOTER_SIZE * 1.45 / 72 + 0.10


def legend_rows(n_items: int, ncol: int) -> int:
    return -(-n_items // max(ncol, 1))


def panels(fig: Figure, nrows: int, ncols: int, body_height: float, legend_lines: int = 0,
           **kwargs: Any):
    """``(nrows, ncols)`` axes filling the body, plus a legend axes below them (or None)."""
    if not legend_lines:
        return fig.subplots(nrows, ncols, squeeze=False, **kwargs), None
    leg_h = legend_lines * 0.26 + 0.12
    panel_h = max((body_height - leg_h) / nrows, 0.5)
    gs = fig.add_gridspec(nrows + 1, ncols, height_ratios=[panel_h] * nrows + [leg_h])
    axes = gs[:nrows, :].subgridspec(nrows, ncols).subplots(squeeze=False, **kwargs)
    lax = fig.add_subplot(gs[nrows, :])
    lax.set_axis_off()
    return axes, lax


def legend_in(lax, handles: list, ncol: int) -> None:
    """The figure's legend, centred in its own axes below the panels."""
    lax.legend(handles=handles, loc="center", ncols=ncol, fontsize=9.5, handletextpad=0.5,
               columnspacing=1.6, borderaxespad=0.0)


# --------------------------------------------------------------------------- saving
FORMATS = {".png": "png", ".svg": "svg", ".pdf": "pdf"}
PNG_DPI = 220


def figure_bytes(fig: Figure, fmt: str, dpi: int = PNG_DPI, title: str | None = None) -> bytes:
    """The figure as PNG, SVG or PDF bytes (deterministic metadata)."""
    buf = io.BytesIO()
    meta: dict[str, Any] = {}
    if fmt == "pdf":
        meta = {"Creator": "negotiation", "Producer": "negotiation (matplotlib)",
                "CreationDate": None, "Title": title or ""}
    elif fmt == "svg":
        meta = {"Creator": "negotiation", "Date": None, "Title": title or ""}
    elif fmt == "png":
        meta = {"Software": "negotiation (matplotlib)", "Title": title or ""}
    with matplotlib.rc_context({"svg.hashsalt": "negotiation"}):
        fig.savefig(buf, format=fmt, dpi=dpi, metadata=meta)
    return buf.getvalue()


def output_format(path: str) -> str:
    """``png``, ``svg`` or ``pdf`` from the suffix; bad suffixes are an input error."""
    from ..cli import InputError

    suffix = os.path.splitext(path)[1].lower()
    if suffix not in FORMATS:
        raise InputError(f"{path}: unsupported output format '{suffix or '(none)'}'; "
                         "use .png, .svg or .pdf")
    return FORMATS[suffix]


def save(fig: Figure, path: str | os.PathLike, dpi: int = PNG_DPI) -> str:
    """Write ``fig`` to ``path`` (PNG at ``dpi``, SVG or PDF by suffix), atomically."""
    from ..cli import write_atomic

    path = os.fspath(path)
    fmt = output_format(path)
    title = getattr(fig, "_negotiation_title", None)
    write_atomic(path, figure_bytes(fig, fmt, dpi=dpi, title=title))
    return path
