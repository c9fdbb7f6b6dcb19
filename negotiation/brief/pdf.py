"""A brief or annex as an A4 PDF (no browser, no system tool).

A small flow layout: blocks are laid out top to bottom onto A4 pages (text
wrapped by measuring it, tables split across pages with their header
repeated, the figure kept with its caption and scaled to the text width),
then written with the minimal writer of :mod:`negotiation.brief.pdfwriter`.
The figure is the PNG the HTML embeds, at its full resolution. Links become
PDF link annotations.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..plot import palette as pal
from ..plot.text import wrap_measured
from .blocks import Bullets, Document, Heading, Image, Para, Table
from .pdfwriter import Writer, text_width

PAGE_W, PAGE_H = 8.27, 11.69  # A4, inches
LEFT, RIGHT, TOP, BOTTOM = 0.75, 0.75, 0.65, 0.8
TEXT_W = PAGE_W - LEFT - RIGHT
POINTS = 72.0

STYLES = {  # size, weight, colour, line height factor
    "title": (17.0, "bold", pal.INK, 1.25),
    "h2": (12.0, "bold", pal.INK, 1.3),
    "lead": (10.0, "normal", pal.INK, 1.42),
    "body": (9.0, "normal", pal.INK, 1.4),
    "meta": (8.0, "normal", pal.MUTED, 1.35),
    "small": (8.0, "normal", pal.INK, 1.35),
    "caption": (7.5, "normal", pal.MUTED, 1.35),
    "code": (7.0, "normal", pal.INK, 1.35),
    "table": (7.0, "normal", pal.INK, 1.3),
    "th": (7.0, "bold", pal.INK, 1.3),
    "link": (8.0, "normal", pal.ACCENT, 1.35),
    "footer": (7.5, "normal", pal.FAINT, 1.3),
}


@dataclass
class Page:
    ops: list[tuple[str, tuple[Any, ...]]] = field(default_factory=list)


class Layout:
    """Cursor over A4 pages; ``y`` is inches from the top of the page."""

    def __init__(self, link_suffix: str = "") -> None:
        self.pages: list[Page] = [Page()]
        self.y = TOP
        self.link_suffix = link_suffix

    @property
    def page(self) -> Page:
        return self.pages[-1]

    @property
    def room(self) -> float:
        return PAGE_H - BOTTOM - self.y

    def new_page(self) -> None:
        if self.page.ops:
            self.pages.append(Page())
        self.y = TOP

    def need(self, h: float) -> None:
        if h > self.room and self.y > TOP + 1e-6:
            self.new_page()

    def add(self, op: str, *args: Any) -> None:
        self.page.ops.append((op, args))


def _font(style: str) -> str:
    """The PDF font of a style: F1 Helvetica, F2 Helvetica-Bold, F3 Courier."""
    if style == "code":
        return "F3"
    return "F2" if STYLES[style][1] == "bold" else "F1"


def _width(text: str, style: str) -> float:
    """Width of ``text`` in inches."""
    return text_width(text, STYLES[style][0], _font(style)) / POINTS


def _wrap(text: str, width_in: float, style: str) -> list[str]:
    size, font = STYLES[style][0], _font(style)
    return wrap_measured(
        text, width_in * POINTS, lambda t: text_width(t, size, font), break_words=True
    )


def _line_h(style: str) -> float:
    size, _, _, factor = STYLES[style]
    return size * factor / 72


def _text(
    lay: Layout,
    text: str,
    style: str,
    x: float = LEFT,
    width: float = TEXT_W,
    gap_after: float = 0.06,
    link: tuple[str, str] | None = None,
) -> None:
    lh = _line_h(style)
    label = _link_text(lay, link[0]) if link else ""
    lines = _wrap(text + label, width, style)
    for j, line in enumerate(lines):
        lay.need(lh)
        if link and j == len(lines) - 1 and line.endswith(label):
            head = line[: len(line) - len(label)]
            lay.add("text", x, lay.y, head, style)
            dx = _width(head, style)
            lay.add("text", x + dx, lay.y, label, "link", "left", None, _link_text(lay, link[1]))
        else:
            lay.add("text", x, lay.y, line, style)
        lay.y += lh
    lay.y += gap_after


def _link_text(lay: Layout, target: str) -> str:
    return target[:-5] + lay.link_suffix if lay.link_suffix and target.endswith(".html") else target


def _heading(lay: Layout, text: str) -> None:
    lh = _line_h("h2")
    lay.y += 0.12
    lay.add("text", LEFT, lay.y, text, "h2")
    lay.y += lh
    lay.add("rule", LEFT, lay.y, TEXT_W, pal.ACCENT, 1.4)
    lay.y += 0.08


def _lead(lay: Layout, text: str) -> None:
    lh = _line_h("lead")
    lines = _wrap(text, TEXT_W - 0.35, "lead")
    h = len(lines) * lh + 0.2
    lay.need(min(h, PAGE_H - TOP - BOTTOM))
    lay.add("box", LEFT, lay.y, TEXT_W, h, pal.HIGHLIGHT, pal.HIGHLIGHT_EDGE)
    y = lay.y + 0.1
    for line in lines:
        lay.add("text", LEFT + 0.2, y, line, "lead")
        y += lh
    lay.y += h + 0.08


def _bullets(lay: Layout, items: Sequence[str], style: str) -> None:
    lh = _line_h(style)
    for item in items:
        lines = _wrap(item, TEXT_W - 0.2, style)
        lay.need(min(len(lines), 2) * lh)
        lay.add("text", LEFT + 0.04, lay.y, "•", style)
        for line in lines:
            lay.need(lh)
            lay.add("text", LEFT + 0.2, lay.y, line, style)
            lay.y += lh
        lay.y += 0.03
    lay.y += 0.04


def _figure(lay: Layout, f: Image) -> None:
    cap = _wrap(f.caption, TEXT_W, "caption")
    cmd = _wrap("Reproduce: " + f.command, TEXT_W, "code")
    cap_h = len(cap) * _line_h("caption") + len(cmd) * _line_h("code") + 0.1
    w = TEXT_W
    h = w * f.height / f.width
    max_h = PAGE_H - TOP - BOTTOM - cap_h - 0.1
    if f.max_height is not None:
        max_h = min(max_h, f.max_height)
    if h > max_h:
        h = max_h
        w = h * f.width / f.height
    if h + cap_h + 0.1 > lay.room and lay.room - cap_h - 0.1 >= 0.8 * h:
        h = lay.room - cap_h - 0.1  # shrink a little rather than leave the page empty
        w = h * f.width / f.height
    lay.need(h + cap_h + 0.1)
    lay.y += 0.04
    lay.add("image", LEFT + (TEXT_W - w) / 2, lay.y, w, h, f.png)
    lay.y += h + 0.06
    for line in cap:
        lay.add("text", LEFT, lay.y, line, "caption")
        lay.y += _line_h("caption")
    for line in cmd:
        lay.add("text", LEFT, lay.y, line, "code")
        lay.y += _line_h("code")
    lay.y += 0.08


def column_widths(t: Table) -> list[float]:
    """Column widths (inches) filling the text width, as a browser lays out a table.

    Each column needs at least its longest word (``minimum``) and would like
    its longest cell on one line (``natural``). When every column gets its
    natural width, the room left is shared in proportion to ``t.widths``;
    otherwise each column gets its minimum plus a share of the room left in
    proportion to what it lacks of its natural width.
    """
    pad = 0.1
    minimum, natural = [], []
    for j, h in enumerate(t.headers):
        words = [_width(w, "th") for w in str(h).split()] or [0.0]
        words += [_width(w, "table") for r in t.rows for w in str(r[j]).split()]
        cells = [_width(str(r[j]), "table") for r in t.rows] + [_width(str(h), "th")]
        minimum.append(max(words) + pad)
        natural.append(max(cells) + pad)
    if sum(natural) <= TEXT_W:
        share = list(t.widths) or [1.0] * len(natural)
        spare = TEXT_W - sum(natural)
        return [n + spare * w / sum(share) for n, w in zip(natural, share)]
    if sum(minimum) >= TEXT_W:
        return [m * TEXT_W / sum(minimum) for m in minimum]
    want = [n - m for n, m in zip(natural, minimum)]
    spare = TEXT_W - sum(minimum)
    return [m + spare * w / sum(want) for m, w in zip(minimum, want)]


def _table(lay: Layout, t: Table) -> None:
    widths = column_widths(t)
    xs = [LEFT + sum(widths[:j]) for j in range(len(widths))]
    numeric = t.numeric or (False,) * len(t.headers)
    marks = t.marks or ("",) * len(t.rows)
    flag_col = t.flag_column % len(t.headers)
    lh = _line_h("table")
    pad = 0.03

    def cells(row: Sequence[str], style: str) -> list[list[str]]:
        return [
            _wrap(str(c), w - 2 * pad - 0.02, style) if c != "" else [""]
            for c, w in zip(row, widths)
        ]

    def cell_lines(
        x: float, w: float, lines: list[str], style: str, num: bool, color: str | None
    ) -> None:
        ha = "right" if num else "left"
        for k, line in enumerate(lines):
            if line:
                lay.add(
                    "text",
                    x + (w - pad if num else pad),
                    lay.y + pad + k * lh,
                    line,
                    style,
                    ha,
                    color,
                )

    def header() -> None:
        hc = cells(t.headers, "th")
        h = max(len(c) for c in hc) * lh + 2 * pad
        lay.add("rect", LEFT, lay.y, TEXT_W, h, "#F0F0F0")
        for x, w, c, n in zip(xs, widths, hc, numeric):
            cell_lines(x, w, c, "th", n, None)
        lay.y += h
        lay.add("rule", LEFT, lay.y, TEXT_W, pal.INK, 0.9)

    lay.need(4 * lh + 0.3)
    header()
    for row, mark in zip(t.rows, marks):
        rc = cells(row, "table")
        h = max(len(c) for c in rc) * lh + 2 * pad
        if h > lay.room:
            lay.new_page()
            header()
        elif "rule" in mark.split():
            lay.add("rule", LEFT, lay.y, TEXT_W, "#999999", 0.9)
        base = pal.MUTED if "muted" in mark.split() else None
        for j, (x, w, c, n) in enumerate(zip(xs, widths, rc, numeric)):
            flagged = "flag" in mark.split() and j == flag_col
            cell_lines(x, w, c, "table", n, pal.WARNING if flagged else base)
        lay.y += h
        lay.add("rule", LEFT, lay.y, TEXT_W, pal.RULE, 0.5)
    lay.y += 0.05
    if t.caption:
        _text(lay, t.caption, "caption", gap_after=0.08)
    else:
        lay.y += 0.06


def _min_height(b: Any) -> float:
    """Height a block needs at least on the page a heading before it stands on."""
    if isinstance(b, Image):
        h = min(0.8 * TEXT_W * b.height / b.width, PAGE_H - TOP - BOTTOM - 1.5)
        return (h if b.max_height is None else min(h, b.max_height)) + 0.4
    if isinstance(b, Table):
        return 5 * _line_h("table") + 0.3
    return 0.5


def layout(doc: Document, link_suffix: str = "") -> list[Page]:
    """The pages of ``doc`` (``link_suffix`` replaces ``.html`` in link targets)."""
    lay = Layout(link_suffix)
    _text(lay, doc.title, "title", gap_after=0.03)
    _text(lay, doc.meta, "meta", gap_after=0.04)
    blocks = list(doc.blocks)
    for j, b in enumerate(blocks):
        if isinstance(b, Heading):
            nxt = blocks[j + 1] if j + 1 < len(blocks) else None
            lay.need(_line_h("h2") + 0.25 + (_min_height(nxt) if nxt is not None else 0))
            _heading(lay, b.text)
        elif isinstance(b, Para):
            if b.style == "lead":
                _lead(lay, b.text)
            else:
                _text(
                    lay,
                    b.text,
                    b.style if b.style in STYLES else "body",
                    gap_after=0.06,
                    link=b.link,
                )
        elif isinstance(b, Bullets):
            _bullets(lay, b.items, b.style if b.style in STYLES else "body")
        elif isinstance(b, Image):
            _figure(lay, b)
        elif isinstance(b, Table):
            _table(lay, b)
    return lay.pages


def _png_rgb(png: bytes) -> tuple[int, int, bytes]:
    """The PNG as opaque RGB pixels (PIL, which matplotlib depends on)."""
    from PIL import Image as PILImage

    with PILImage.open(io.BytesIO(png)) as im:
        rgb = im.convert("RGB")
        return rgb.width, rgb.height, rgb.tobytes()


def _draw_page(writer: Writer, page: Page, images: dict[int, str]) -> None:
    out = writer.page(PAGE_W * POINTS, PAGE_H * POINTS)
    for op, args in page.ops:
        if op == "text":
            x, y, s, style = args[:4]
            ha = args[4] if len(args) > 4 else "left"
            size, _, color, _ = STYLES[style]
            if len(args) > 5 and args[5]:
                color = args[5]
            w = out.text(x * POINTS, y * POINTS, s, size, _font(style), color, ha)
            if len(args) > 6 and args[6]:
                out.link(x * POINTS, y * POINTS, w, size * 1.2, args[6])
        elif op == "rule":
            x, y, w, color, lw = args
            out.line(x * POINTS, y * POINTS, (x + w) * POINTS, y * POINTS, color, lw)
        elif op in ("rect", "box"):
            x, y, w, h, color = args[:5]
            out.rect(x * POINTS, y * POINTS, w * POINTS, h * POINTS, color)
            if op == "box":
                out.line(x * POINTS, y * POINTS, x * POINTS, (y + h) * POINTS, args[5], 3)
        elif op == "image":
            x, y, w, h, png = args
            if id(png) not in images:
                images[id(png)] = name = f"Im{len(images) + 1}"
                writer.add_image(name, *_png_rgb(png))
            out.image(images[id(png)], x * POINTS, y * POINTS, w * POINTS, h * POINTS)


def render_pdf(doc: Document, link_suffix: str = "") -> tuple[bytes, int]:
    """The PDF bytes of ``doc`` and its number of pages."""
    pages = layout(doc, link_suffix)
    n = len(pages)
    writer = Writer(doc.title, doc.meta)
    images: dict[int, str] = {}
    for number, page in enumerate(pages, start=1):
        page.ops.append(("text", (LEFT, PAGE_H - 0.55, doc.footer[:110], "footer")))
        page.ops.append(
            ("text", (PAGE_W - RIGHT, PAGE_H - 0.55, f"page {number} of {n}", "footer", "right"))
        )
        _draw_page(writer, page, images)
    return writer.to_bytes(), n
