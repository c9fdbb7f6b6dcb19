"""Measuring and wrapping text in the house fonts (for figure headers and the PDF brief).

Widths are sums of the glyphs' advance widths read once per character from
the font (DejaVu Sans, as matplotlib draws it), which is fast enough to wrap
every cell of a long table; kerning is ignored (it changes a line by well
under 1%).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

_UNIT = 100.0  # font size (points) at which advances are read


@cache
def _font(family: str, weight: str, style: str) -> Any:
    from matplotlib.font_manager import FontProperties, findfont, get_font

    prop: Any = FontProperties(family=family, weight=weight)
    prop.set_style(style)
    return get_font(findfont(prop))


def _flags() -> Any:
    from matplotlib import ft2font

    flags = getattr(ft2font, "LoadFlags", None)
    if flags is not None:
        return flags.NO_HINTING
    return ft2font.LOAD_NO_HINTING  # type: ignore[attr-defined]  # matplotlib < 3.10


@cache
def _advances(family: str, weight: str, style: str) -> dict[str, float]:
    return {}


def _advance(ch: str, family: str, weight: str, style: str) -> float:
    """Advance width of ``ch`` in points at size 1."""
    table = _advances(family, weight, style)
    w = table.get(ch)
    if w is None:
        font = _font(family, weight, style)
        font.set_size(_UNIT, 72)  # the font object is shared: set its size before each use
        glyph = font.load_char(ord(ch), flags=_flags())
        w = table[ch] = glyph.linearHoriAdvance / 65536 / _UNIT
    return w


def text_width(
    text: str,
    size: float,
    weight: str = "normal",
    style: str = "normal",
    family: str = "DejaVu Sans",
) -> float:
    """Width of one line of ``text`` in points."""
    return size * sum(_advance(ch, family, weight, style) for ch in str(text))


def _split_word(word: str, width_pt: float, measure: Callable[[str], float]) -> list[str]:
    """A word wider than the line, cut into pieces that fit."""
    out = []
    while word and measure(word) > width_pt:
        cut = len(word) - 1
        while cut > 1 and measure(word[:cut]) > width_pt:
            cut -= 1
        out.append(word[:cut])
        word = word[cut:]
    return out + ([word] if word else [])


def wrap_measured(
    text: str, width_pt: float, measure: Callable[[str], float], break_words: bool = False
) -> list[str]:
    """Greedy word wrap of ``text`` to ``width_pt``, measuring with ``measure(text) -> pt``;
    ``\\n`` starts a new line. With ``break_words`` a word wider than the line is cut."""
    lines: list[str] = []
    space = measure(" ")
    for para in str(text).split("\n"):
        words = para.split()
        if not words:
            lines.append("")
            continue
        line, used = "", 0.0
        for w in words:
            ww = measure(w)
            if line and used + space + ww <= width_pt:
                line, used = line + " " + w, used + space + ww
                continue
            if line:
                lines.append(line)
            if break_words and ww > width_pt:
                pieces = _split_word(w, width_pt, measure)
                lines += pieces[:-1]
                w = pieces[-1]
                ww = measure(w)
            line, used = w, ww
        lines.append(line)
    return lines


def wrap(
    text: str,
    width_pt: float,
    size: float,
    weight: str = "normal",
    style: str = "normal",
    break_words: bool = False,
) -> list[str]:
    """Greedy word wrap of ``text`` in the house font (see :func:`wrap_measured`)."""
    return wrap_measured(text, width_pt, lambda t: text_width(t, size, weight, style), break_words)
