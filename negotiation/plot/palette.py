"""Colours: one per party (stable across figures and scenarios) and the neutral inks.

The one home of the package's colours: the figures, the house style's colour
cycle, the brief's HTML stylesheet and its PDF all read them from here.
Imports nothing heavy (no matplotlib), so the HTML brief can use it too.

Party colours come from the Okabe & Ito (2008) palette, which stays
distinguishable with colour-blindness; each party also gets its own marker
and, past eight parties, line style, so greyscale prints work.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import dataclass

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
    "ukraine": 0,
    "russia": 1,
    "us": 2,
    "usa": 2,
    "united_states": 2,
    "eu": 3,
    "european_union": 3,
    "uk": 5,
    "china": 4,
    "turkey": 6,
}

# Neutral colours of elements that belong to no party.
INK = "#222222"  # text, markers of solutions and proposals
MUTED = "#555555"  # captions, source lines
FAINT = "#777777"  # page footers, leader lines
RULE = "#D0D0D0"  # table rules
CLOUD = "#D4D4D4"  # all grid outcomes
AGREEMENT = "#ABA6D8"  # the agreement set (lavender: no party has it)
HIGHLIGHT = "#FFEFA8"  # the bargaining range band, the bottom-line box
HIGHLIGHT_EDGE = "#8C7A1E"
RANGE_BAR = "#9A9A9A"  # bargaining range over the whole agreement set
FRONTIER = "#222222"
WARNING = "#A33B00"  # "no deal", rejected, assumptions
ACCENT = OKABE_ITO["blue"]  # headings' rule in the brief


@dataclass(frozen=True)
class PartyStyle:
    """How one party is drawn in every figure."""

    color: str
    marker: str
    linestyle: str
    slot: int


def _slot_style(slot: int) -> PartyStyle:
    return PartyStyle(
        PALETTE[slot % len(PALETTE)],
        PARTY_MARKERS[slot % len(PARTY_MARKERS)],
        PARTY_LINESTYLES[(slot // len(PALETTE)) % len(PARTY_LINESTYLES)],
        slot,
    )


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
        found: int | None = None
        rnd = 0
        while found is None:  # first free colour from the hashed one, then the next round
            for j in range(n_colours):
                candidate = (start + j) % n_colours + rnd * n_colours
                if candidate not in used:
                    found = candidate
                    break
            rnd += 1
        out[name] = _slot_style(found)
        used.add(found)
    return {n: out[n] for n in names}


def css_variables() -> str:
    """The colours as CSS custom properties (for the HTML brief's stylesheet)."""
    names = {
        "ink": INK,
        "muted": MUTED,
        "faint": FAINT,
        "rule": RULE,
        "accent": ACCENT,
        "highlight": HIGHLIGHT,
        "highlight-edge": HIGHLIGHT_EDGE,
        "warning": WARNING,
    }
    return ":root {\n" + "".join(f"  --{k}: {v};\n" for k, v in names.items()) + "}"
