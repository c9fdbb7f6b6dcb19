"""The brief as one self-contained HTML file (figures inline as base64 PNG)."""

from __future__ import annotations

import base64
import html
import os
from string import Template

from .content import Brief, Bullets, Figure, Heading, PageBreak, Para, Table

HERE = os.path.dirname(__file__)


def _read(name: str) -> str:
    with open(os.path.join(HERE, name), encoding="utf-8") as fh:
        return fh.read()


def _e(text: str) -> str:
    return html.escape(str(text), quote=True)


def _table(t: Table) -> str:
    numeric = t.numeric or (False,) * len(t.headers)
    out = ["<table>"]
    if t.caption:
        out.append(f"<caption>{_e(t.caption)}</caption>")
    total = sum(t.widths) or 1.0
    out.append("<colgroup>" + "".join(f'<col style="width:{100 * w / total:.1f}%">'
                                       for w in t.widths) + "</colgroup>")
    num_cls = ' class="num"'
    out.append("<thead><tr>" + "".join(
        f'<th{num_cls if n else ""} scope="col">{_e(h)}</th>'
        for h, n in zip(t.headers, numeric)) + "</tr></thead>")
    out.append("<tbody>")
    for row in t.rows:
        cls = ""
        if "confidence" in t.headers:
            conf = row[t.headers.index("confidence")]
            cls = ' class="assumption"' if conf.startswith("assumption") else \
                ' class="missing"' if conf == "none" else ""
        cells = []
        for j, (c, n) in enumerate(zip(row, numeric)):
            klass = "num" if n else ("conf" if t.headers[j] == "confidence" else "")
            attr = f' class="{klass}"' if klass else ""
            cells.append(f"<td{attr}>{_e(c)}</td>")
        out.append(f"<tr{cls}>" + "".join(cells) + "</tr>")
    out.append("</tbody></table>")
    return "\n".join(out)


def render_html(brief: Brief, command: str, version: str) -> str:
    """The complete HTML document of ``brief``."""
    parts = []
    for b in brief.blocks:
        if isinstance(b, Heading):
            parts.append(f"<h{b.level}>{_e(b.text)}</h{b.level}>")
        elif isinstance(b, Para):
            parts.append(f'<p class="{b.style}">{_e(b.text)}</p>')
        elif isinstance(b, Bullets):
            parts.append("<ul>" + "".join(f"<li>{_e(i)}</li>" for i in b.items) + "</ul>")
        elif isinstance(b, Figure):
            data = base64.b64encode(b.png).decode("ascii")
            parts.append(
                f'<figure id="figure-{_e(b.kind)}">'
                f'<img src="data:image/png;base64,{data}" alt="{_e(b.alt)}" '
                f'width="{int(b.width * 96)}" height="{int(b.height * 96)}">'
                f"<figcaption>{_e(b.caption)} Reproduce: <code>{_e(b.command)}</code>"
                "</figcaption></figure>")
        elif isinstance(b, Table):
            parts.append(_table(b))
        elif isinstance(b, PageBreak):
            parts.append('<div class="page-break"></div>')
    return Template(_read("brief.html")).substitute(
        title=_e(brief.title), css=_read("brief.css"), body="\n".join(parts),
        file=_e(brief.file), command=_e(command), version=_e(version))
