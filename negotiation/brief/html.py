"""A brief or annex as one self-contained HTML file (the figure inline as base64 PNG)."""

from __future__ import annotations

import base64
import html
import os
from string import Template

from ..plot.palette import css_variables
from .blocks import Bullets, Document, Heading, Image, Para, Table

HERE = os.path.dirname(__file__)


def _read(name: str) -> str:
    with open(os.path.join(HERE, name), encoding="utf-8") as fh:
        return fh.read()


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _classes(numeric: bool, flagged: bool) -> str:
    names = (["num"] if numeric else []) + (["flag"] if flagged else [])
    return f' class="{" ".join(names)}"' if names else ""


def _table(t: Table) -> str:
    numeric = t.numeric or (False,) * len(t.headers)
    marks = t.marks or ("",) * len(t.rows)
    out = ["<table>"]
    if t.caption:
        out.append(f"<caption>{_e(t.caption)}</caption>")
    out.append(
        "<thead><tr>"
        + "".join(
            f'<th{" class=num" if n else ""} scope="col">{_e(h)}</th>'
            for h, n in zip(t.headers, numeric)
        )
        + "</tr></thead>"
    )
    out.append("<tbody>")
    flag = t.flag_column % len(t.headers) if t.headers else 0
    for row, mark in zip(t.rows, marks):
        cls = f' class="{_e(mark)}"' if mark else ""
        cells = "".join(
            f"<td{_classes(n, j == flag and 'flag' in mark.split())}>{_e(c)}</td>"
            for j, (c, n) in enumerate(zip(row, numeric))
        )
        out.append(f"<tr{cls}>{cells}</tr>")
    out.append("</tbody></table>")
    return "\n".join(out)


def _block(b: object) -> str:
    if isinstance(b, Heading):
        return f"<h{b.level}>{_e(b.text)}</h{b.level}>"
    if isinstance(b, Para):
        link = f'<a href="{_e(b.link[1])}">{_e(b.link[0])}</a>' if b.link else ""
        return f'<p class="{_e(b.style)}">{_e(b.text)}{link}</p>'
    if isinstance(b, Bullets):
        items = "".join(f"<li>{_e(i)}</li>" for i in b.items)
        return f'<ul class="{_e(b.style)}">{items}</ul>'
    if isinstance(b, Image):
        data = base64.b64encode(b.png).decode("ascii")
        return (
            f'<figure id="figure-{_e(b.kind)}">'
            f'<img src="data:image/png;base64,{data}" alt="{_e(b.alt)}" '
            f'width="{int(b.width * 96)}" height="{int(b.height * 96)}">'
            f"<figcaption>{_e(b.caption)} Reproduce: <code>{_e(b.command)}</code>"
            "</figcaption></figure>"
        )
    if isinstance(b, Table):
        return _table(b)
    raise TypeError(f"unknown block {type(b).__name__}")


def render_html(doc: Document, command: str, version: str) -> str:
    """The complete HTML document of ``doc``."""
    return Template(_read("brief.html")).substitute(
        title=_e(doc.title),
        meta=_e(doc.meta),
        css=css_variables() + "\n" + _read("brief.css"),
        body="\n".join(_block(b) for b in doc.blocks),
        command=_e(command),
        version=_e(version),
    )
