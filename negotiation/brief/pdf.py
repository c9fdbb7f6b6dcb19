"""The brief as an A4 PDF, composed with matplotlib alone (no browser, no system tools).

A small flow layout: blocks are laid out top to bottom into A4 pages (text
wrapped by measuring it, tables split across pages with their header
repeated, figures kept with their captions and scaled to the text width),
then each page is drawn as a matplotlib figure and written with
:class:`~matplotlib.backends.backend_pdf.PdfPages`.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

from .content import Brief, Bullets, Figure, Heading, PageBreak, Para, Table

PAGE_W, PAGE_H = 8.27, 11.69        # A4, inches
LEFT, RIGHT, TOP, BOTTOM = 0.75, 0.75, 0.7, 0.85
TEXT_W = PAGE_W - LEFT - RIGHT

STYLES = {  # size, weight, colour, line height factor
    "title": (18.0, "bold", "#222222", 1.25),
    "h2": (12.5, "bold", "#222222", 1.3),
    "lead": (10.5, "normal", "#222222", 1.42),
    "body": (9.5, "normal", "#222222", 1.4),
    "meta": (8.0, "normal", "#555555", 1.35),
    "small": (8.0, "normal", "#555555", 1.35),
    "caption": (8.0, "normal", "#555555", 1.35),
    "code": (7.5, "normal", "#222222", 1.35),
    "table": (7.0, "normal", "#222222", 1.3),
    "th": (7.0, "bold", "#222222", 1.3),
}
ACCENT = "#0072B2"
HIGHLIGHT = "#FFEFA8"


@dataclass
class Page:
    ops: list[tuple[str, tuple[Any, ...]]] = field(default_factory=list)


class Layout:
    """Cursor over A4 pages; ``y`` is inches from the top of the page."""

    def __init__(self) -> None:
        self.pages: list[Page] = [Page()]
        self.y = TOP

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


def _wrap(text: str, width_in: float, style: str) -> list[str]:
    from ..plot.style import wrap

    size, weight, _, _ = STYLES[style]
    family = "DejaVu Sans Mono" if style == "code" else "DejaVu Sans"
    if family != "DejaVu Sans":
        # monospace: fixed advance of 0.6 em
        per_line = max(int(width_in * 72 / (size * 0.602)), 10)
        import textwrap
        return textwrap.wrap(text, per_line, break_long_words=True, break_on_hyphens=False) \
            or [""]
    from ..plot.style import text_width

    out = []
    for line in wrap(text, width_in * 72, size, weight):
        # a single word wider than the column is split by characters
        while text_width(line, size, weight) > width_in * 72 and len(line) > 1:
            cut = len(line) - 1
            while cut > 1 and text_width(line[:cut], size, weight) > width_in * 72:
                cut -= 1
            out.append(line[:cut])
            line = line[cut:]
        out.append(line)
    return out


def _line_h(style: str) -> float:
    size, _, _, factor = STYLES[style]
    return size * factor / 72


def _text(lay: Layout, text: str, style: str, x: float = LEFT, width: float = TEXT_W,
          gap_after: float = 0.06) -> None:
    lh = _line_h(style)
    for line in _wrap(text, width, style):
        lay.need(lh)
        lay.add("text", x, lay.y, line, style)
        lay.y += lh
    lay.y += gap_after


def _heading(lay: Layout, text: str) -> None:
    lh = _line_h("h2")
    lay.need(lh + 0.15 + 0.6)  # keep with what follows
    lay.y += 0.14
    lay.add("text", LEFT, lay.y, text, "h2")
    lay.y += lh
    lay.add("rule", LEFT, lay.y, TEXT_W, ACCENT, 1.6)
    lay.y += 0.09


def _lead(lay: Layout, text: str) -> None:
    lh = _line_h("lead")
    lines = _wrap(text, TEXT_W - 0.35, "lead")
    h = len(lines) * lh + 0.22
    lay.need(min(h, PAGE_H - TOP - BOTTOM))
    lay.add("box", LEFT, lay.y, TEXT_W, h, HIGHLIGHT, "#8C7A1E")
    y = lay.y + 0.11
    for line in lines:
        lay.add("text", LEFT + 0.2, y, line, "lead")
        y += lh
    lay.y += h + 0.1


def _bullets(lay: Layout, items: tuple[str, ...]) -> None:
    lh = _line_h("body")
    for item in items:
        lines = _wrap(item, TEXT_W - 0.22, "body")
        lay.need(min(len(lines), 2) * lh)
        lay.add("text", LEFT + 0.04, lay.y, "•", "body")
        for line in lines:
            lay.need(lh)
            lay.add("text", LEFT + 0.22, lay.y, line, "body")
            lay.y += lh
        lay.y += 0.04
    lay.y += 0.06


def _figure(lay: Layout, f: Figure) -> None:
    cap = _wrap(f.caption, TEXT_W, "caption")
    cmd = _wrap("Reproduce: " + f.command, TEXT_W, "code")
    cap_h = len(cap) * _line_h("caption") + len(cmd) * _line_h("code") + 0.1
    w = TEXT_W
    h = w * f.height / f.width
    max_h = PAGE_H - TOP - BOTTOM - cap_h - 0.1
    if h > max_h:
        h = max_h
        w = h * f.width / f.height
    if h + cap_h + 0.1 > lay.room and lay.room - cap_h - 0.1 >= 0.72 * h:
        h = lay.room - cap_h - 0.1   # shrink a little rather than leave the page empty
        w = h * f.width / f.height
    lay.need(h + cap_h + 0.1)
    lay.y += 0.06
    lay.add("image", LEFT + (TEXT_W - w) / 2, lay.y, w, h, f.png)
    lay.y += h + 0.08
    for line in cap:
        lay.add("text", LEFT, lay.y, line, "caption")
        lay.y += _line_h("caption")
    for line in cmd:
        lay.add("code", LEFT, lay.y, line, "code")
        lay.y += _line_h("code")
    lay.y += 0.14


def column_widths(t: Table) -> list[float]:
    """Column widths (inches) filling the text width.

    Columns whose content fits in their share get their natural width; the
    width left over goes to the others in proportion to their shares.
    """
    from ..plot.style import text_width

    size = STYLES["table"][0]
    pad = 0.12
    natural = []
    for j, h in enumerate(t.headers):
        words = [text_width(w, size, "bold") for w in str(h).split()] or [0.0]
        cells = [text_width(str(r[j]), size) for r in t.rows]
        # a header may wrap at spaces; cells are kept whole when they can be
        natural.append((max(cells + [max(words)]) if cells else max(words)) / 72 + pad)
    share = list(t.widths)
    free = set(range(len(share)))
    widths = [0.0] * len(share)
    room = TEXT_W
    changed = True
    while changed and free:
        changed = False
        total = sum(share[j] for j in free)
        for j in sorted(free):
            if natural[j] <= room * share[j] / total:
                widths[j] = natural[j]
                room -= natural[j]
                free.discard(j)
                changed = True
                break
    total = sum(share[j] for j in free) or 1.0
    for j in free:
        widths[j] = room * share[j] / total
    if not free and room > 0:  # everything fits: spread the slack evenly
        widths = [w + room / len(widths) for w in widths]
    # no column narrower than its longest word (up to 1.3 in), taken from the wide ones
    longest = []
    for j, h in enumerate(t.headers):
        words = [text_width(w, size, "bold") for w in str(h).split()]
        for r in t.rows:
            words += [text_width(w, size) for w in str(r[j]).split()]
        longest.append(min(max(words or [0.0]) / 72 + pad, 1.3))
    short = sum(max(m - w, 0) for m, w in zip(longest, widths))
    spare = sum(max(w - m, 0) for m, w in zip(longest, widths))
    if short > 0 and spare > short:
        widths = [m if w < m else w - (w - m) * short / spare
                  for m, w in zip(longest, widths)]
    return widths


def _table(lay: Layout, t: Table) -> None:
    widths = column_widths(t)
    xs = [LEFT + sum(widths[:j]) for j in range(len(widths))]
    numeric = t.numeric or (False,) * len(t.headers)
    lh = _line_h("table")
    pad = 0.035

    def cells(row, style):
        return [_wrap(str(c), w - 2 * pad - 0.02, style) if c != "" else [""]
                for c, w in zip(row, widths)]

    def header():
        hc = cells(t.headers, "th")
        h = max(len(c) for c in hc) * lh + 2 * pad
        lay.add("rect", LEFT, lay.y, TEXT_W, h, "#F0F0F0")
        for x, w, c, n in zip(xs, widths, hc, numeric):
            for k, line in enumerate(c):
                lay.add("cell", x + (w - pad if n else pad), lay.y + pad + k * lh, line, "th",
                        "right" if n else "left")
        lay.y += h
        lay.add("rule", LEFT, lay.y, TEXT_W, "#222222", 0.9)

    lay.need(4 * lh + 0.3)
    header()
    conf_col = t.headers.index("confidence") if "confidence" in t.headers else None
    for row in t.rows:
        rc = cells(row, "table")
        h = max(len(c) for c in rc) * lh + 2 * pad
        if h > lay.room:
            lay.new_page()
            header()
        flag = conf_col is not None and (row[conf_col].startswith("assumption")
                                         or row[conf_col] == "none")
        for j, (x, w, c, n) in enumerate(zip(xs, widths, rc, numeric)):
            style = "table"
            for k, line in enumerate(c):
                color = "#A33B00" if (flag and j == conf_col) else None
                lay.add("cell", x + (w - pad if n else pad), lay.y + pad + k * lh, line, style,
                        "right" if n else "left", color)
        lay.y += h
        lay.add("rule", LEFT, lay.y, TEXT_W, "#D0D0D0", 0.5)
    if t.caption:
        lay.y += 0.05
        _text(lay, t.caption, "caption", gap_after=0.1)
    else:
        lay.y += 0.12


def _min_height(b: Any) -> float:
    """Height a block needs at least on the page a heading before it stands on."""
    if isinstance(b, Figure):
        h = TEXT_W * b.height / b.width
        return min(0.72 * h, PAGE_H - TOP - BOTTOM - 1.5) + 0.5
    if isinstance(b, Table):
        return 6 * _line_h("table") + 0.3
    return 0.6


def layout(brief: Brief) -> list[Page]:
    lay = Layout()
    _text(lay, brief.title, "title", gap_after=0.04)
    blocks = list(brief.blocks)
    for j, b in enumerate(blocks):
        if isinstance(b, Heading):
            nxt = blocks[j + 1] if j + 1 < len(blocks) else None
            lay.need(_line_h("h2") + 0.3 + (_min_height(nxt) if nxt is not None else 0))
            _heading(lay, b.text)
        elif isinstance(b, Para):
            if b.style == "lead":
                _lead(lay, b.text)
            else:
                _text(lay, b.text, b.style if b.style in STYLES else "body", gap_after=0.08)
        elif isinstance(b, Bullets):
            _bullets(lay, b.items)
        elif isinstance(b, Figure):
            _figure(lay, b)
        elif isinstance(b, Table):
            _table(lay, b)
        elif isinstance(b, PageBreak):
            lay.new_page()
    return lay.pages


def render_pdf(brief: Brief) -> tuple[bytes, int]:
    """The PDF bytes of ``brief`` and its number of pages."""
    import matplotlib
    import matplotlib.image as mpimg
    from matplotlib.backends.backend_pdf import PdfPages
    from matplotlib.figure import Figure as MplFigure
    from matplotlib.patches import Rectangle

    from ..plot.style import STYLE_PATH

    pages = layout(brief)
    n = len(pages)
    buf = io.BytesIO()
    images: dict[int, Any] = {}
    meta = {"Title": brief.title, "Subject": f"Negotiation brief, {brief.date}",
            "Creator": "negotiation", "Producer": "negotiation (matplotlib)",
            "CreationDate": None}
    with matplotlib.rc_context(fname=STYLE_PATH), \
            matplotlib.rc_context({"pdf.fonttype": 42}):
        with PdfPages(buf, metadata=meta) as pdf:
            for number, page in enumerate(pages, start=1):
                fig = MplFigure(figsize=(PAGE_W, PAGE_H))
                fy = lambda y: 1 - y / PAGE_H  # noqa: E731
                for op, args in page.ops:
                    if op in ("text", "code", "cell"):
                        x, y, s, style = args[:4]
                        ha = args[4] if len(args) > 4 else "left"
                        size, weight, color, _ = STYLES[style]
                        if len(args) > 5 and args[5]:
                            color = args[5]
                        fig.text(x / PAGE_W, fy(y), s, fontsize=size, fontweight=weight,
                                 color=color, ha=ha, va="top",
                                 family="DejaVu Sans Mono" if style == "code" else "DejaVu Sans")
                    elif op == "rule":
                        x, y, w, color, lw = args
                        fig.add_artist(matplotlib.lines.Line2D(
                            [x / PAGE_W, (x + w) / PAGE_W], [fy(y), fy(y)], color=color, lw=lw))
                    elif op in ("rect", "box"):
                        x, y, w, h, color = args[:5]
                        edge = args[5] if len(args) > 5 else "none"
                        fig.add_artist(Rectangle((x / PAGE_W, fy(y + h)), w / PAGE_W,
                                                 h / PAGE_H, facecolor=color, edgecolor="none",
                                                 transform=fig.transFigure, zorder=0))
                        if op == "box" and edge != "none":
                            fig.add_artist(matplotlib.lines.Line2D(
                                [x / PAGE_W] * 2, [fy(y), fy(y + h)], color=edge, lw=3))
                    elif op == "image":
                        x, y, w, h, png = args
                        key = id(png)
                        if key not in images:
                            arr = mpimg.imread(io.BytesIO(png), format="png")
                            images[key] = arr[..., :3] if arr.ndim == 3 else arr  # opaque
                        ax = fig.add_axes((x / PAGE_W, fy(y + h), w / PAGE_W, h / PAGE_H))
                        ax.imshow(images[key], interpolation="none", aspect="auto")
                        ax.set_axis_off()
                footer = f"{brief.title} · {brief.date}"
                fig.text(LEFT / PAGE_W, 0.45 / PAGE_H, footer[:110], fontsize=7.5,
                         color="#777777", ha="left", va="bottom")
                fig.text(1 - RIGHT / PAGE_W, 0.45 / PAGE_H, f"page {number} of {n}",
                         fontsize=7.5, color="#777777", ha="right", va="bottom")
                pdf.savefig(fig)
    return buf.getvalue(), n
