"""Errors the package raises on bad input, and the one place that formats their messages.

Every problem with a scenario file is reported as one :class:`ScenarioError`
whose message reads ``FILE:LINE: path.to.field: what is wrong``; the CLI prints
it and exits with status 2.

Every message the package prints about its input goes through
:func:`one_line`: control characters and line breaks are escaped (``\\n``,
``\\x1b``, ``\\u2028``), so a message is always **one** line, and a message
longer than :data:`MAX_MESSAGE` characters is shortened in the middle
(``…``). Values quoted inside a message go through :func:`quote` (text) or
:func:`render` (any value): shown as a scenario file writes them (``true``,
``1``, ``'text'``), escaped and capped at :data:`MAX_VALUE` characters.
"""

from __future__ import annotations

from typing import Any

#: Longest message line the package prints (characters).
MAX_MESSAGE = 300
#: Longest value (a name, a text, a number as written) quoted inside a message.
MAX_VALUE = 60
#: Longest file name shown in a message (a longer one is shortened in the middle).
MAX_FILE = 120

_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
ELLIPSIS = "…"


def unprintable(ch: str) -> bool:
    """Is ``ch`` a character a message must not print as it is?

    Everything ``str.isprintable`` refuses: control characters (C0, DEL, C1),
    format characters (bidirectional overrides, zero-width marks), line and
    paragraph separators, spaces other than the plain space (a no-break space
    looks like one but is not), surrogates, private-use and unassigned code
    points, noncharacters (``U+FFFE``).
    """
    return not ch.isprintable()


def escape(text: str) -> str:
    """``text`` with every :func:`unprintable` character written as an escape."""
    if text.isprintable():
        return text
    out = []
    for ch in text:
        if not unprintable(ch):
            out.append(ch)
        elif ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        else:
            code = ord(ch)
            out.append(
                f"\\x{code:02x}"
                if code < 0x100
                else f"\\u{code:04x}"
                if code < 0x10000
                else f"\\U{code:08x}"
            )
    return "".join(out)


def elide(text: str, limit: int) -> str:
    """``text`` shortened to ``limit`` characters by cutting out its middle (``…``)."""
    if len(text) <= limit:
        return text
    if limit < 3:
        return text[:limit]
    head = (limit - 1) * 2 // 3
    tail = limit - 1 - head
    return text[:head] + ELLIPSIS + (text[-tail:] if tail else "")


def one_line(text: str, limit: int = MAX_MESSAGE) -> str:
    """``text`` as one printable line of at most ``limit`` characters."""
    return elide(escape(str(text)), limit)


def quote(text: str, limit: int = MAX_VALUE) -> str:
    """A name or text quoted for a message: ``'text'``, escaped and capped."""
    return "'" + elide(escape(str(text)), max(limit - 2, 3)) + "'"


def render(value: Any, limit: int = MAX_VALUE) -> str:
    """A value as a scenario file would write it, for a message (capped at ``limit``).

    ``True`` is ``true``, ``None`` is ``null``, ``1`` stays ``1`` and ``1.0``
    stays ``1.0``, text is quoted; a list shows its items, a mapping its keys.
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, int):
        digits = str(value) if value.bit_length() < 1000 else ""
        return elide(digits, limit) if digits else f"a {value.bit_length()}-bit integer"
    if isinstance(value, float):
        return _float(value)
    if isinstance(value, str):
        return quote(value, limit)
    if isinstance(value, (list, tuple)):
        return elide(
            "["
            + ", ".join(render(v, limit) for v in value[:20])
            + (", ..." if len(value) > 20 else "")
            + "]",
            limit,
        )
    if isinstance(value, dict):
        return elide(
            "{"
            + ", ".join(quote(k, 20) for k in list(value)[:10])
            + (", ..." if len(value) > 10 else "")
            + "}",
            limit,
        )
    return elide(escape(type(value).__name__), limit)


def _float(x: float) -> str:
    if x != x:
        return ".nan"
    if x in (float("inf"), float("-inf")):
        return ".inf" if x > 0 else "-.inf"
    return repr(x)


class NegotiationError(Exception):
    """Base class of the errors this package raises on purpose.

    Catch it to handle every expected failure of the package (bad input)
    while letting real bugs through.
    """


class ScenarioError(NegotiationError, ValueError):
    """A scenario (file or in-code mapping) is malformed or inconsistent.

    It is a ``ValueError``, so code that catches bad values catches it too.
    ``str(error)`` reads ``FILE:LINE: path: message`` (``<scenario>`` for a
    mapping without a file), as the command line prints it: always one line
    of at most :data:`MAX_MESSAGE` characters (see :func:`one_line`).

    Parameters
    ----------
    message : str
        What is wrong, in one sentence.
    path : str
        Dotted path of the offending field (``parties.ukraine.weights.nato``);
        empty for the document as a whole.
    file : str or None
        The scenario file, or ``None`` for a scenario built in code.
    line : int or None
        1-based line in ``file`` where the field stands, when known.

    Attributes
    ----------
    message, path, file, line
        As given.
    """

    def __init__(
        self, message: str, path: str = "", file: str | None = None, line: int | None = None
    ) -> None:
        self.message = message
        self.path = path
        self.file = file
        self.line = line
        super().__init__(str(self))

    def __str__(self) -> str:
        where = one_line(self.file, MAX_FILE) if self.file is not None else "<scenario>"
        if self.line is not None:
            where = f"{where}:{self.line}"
        room = MAX_MESSAGE - len(where) - 2
        field = ""
        if self.path:
            field = " " + one_line(self.path, max(min(100, room - 60), 20)) + ":"
        return one_line(f"{where}:{field} {self.message}")
