"""What a brief or its annex is made of: a list of blocks, rendered to HTML and to PDF.

The blocks say what is shown, not how: :mod:`negotiation.brief.html` and
:mod:`negotiation.brief.pdf` draw the same list.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 2


@dataclass(frozen=True)
class Para:
    """A paragraph; ``style`` is ``body``, ``lead`` (the bottom-line box), ``meta`` or
    ``small``. ``link`` (text, target) is appended as a hyperlink."""

    text: str
    style: str = "body"
    link: tuple[str, str] | None = None


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]
    style: str = "body"


@dataclass(frozen=True)
class Image:
    """A figure, rendered once to PNG; the HTML embeds the bytes, the PDF draws them."""

    kind: str
    png: bytes
    width: float  # inches (the figure's natural size)
    height: float
    caption: str
    command: str  # the command that redraws it
    alt: str
    max_height: float | None = None  # inches on the printed page (None: the text width decides)


@dataclass(frozen=True)
class Table:
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...]  # relative column widths
    caption: str = ""
    numeric: tuple[bool, ...] = ()
    #: per row: "" or any of "rule" (a rule above), "muted", "flag" (``flag_column`` in red)
    marks: tuple[str, ...] = ()
    flag_column: int = -1


@dataclass
class Document:
    """A brief or an annex: a title, a line under it, the blocks, a footer line."""

    title: str
    meta: str
    footer: str
    blocks: list = field(default_factory=list)
