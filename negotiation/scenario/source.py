"""The one place that reads a scenario file: bounded, never blocking, checked text.

:func:`read_text` refuses anything that is not a regular file (a directory, a
named pipe, a device such as ``/dev/zero``, a socket) from ``os.stat``
before opening it, opens with ``O_NONBLOCK`` so that a file swapped for a
pipe in between cannot block, checks the opened file again with
``os.fstat``, and reads at most :data:`~.limits.MAX_FILE_BYTES` plus one
byte. The bytes must be UTF-8; :func:`check_characters` (called by the YAML
reader) refuses the characters YAML forbids (C0 controls other than tab and
line breaks, DEL, C1 controls, surrogates, ``U+FFFE``/``U+FFFF``). Each
problem is a :class:`ScenarioError` naming the line and column.
"""

from __future__ import annotations

import errno
import os
import re
import stat
import unicodedata

from ..errors import ScenarioError
from .limits import MAX_FILE_BYTES

#: Characters a YAML file may not contain (YAML 1.2, 5.1: c-printable), nor a scenario.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_NAMES = {
    0x00: "NUL",
    0x1B: "ESC",
    0x7F: "DEL",
    0x85: "NEL",
    0x0B: "vertical tab",
    0x0C: "form feed",
    0x08: "backspace",
    0x07: "bell",
    0x09: "tab",
    0x0A: "line break",
    0x0D: "carriage return",
}

_KINDS = (
    (stat.S_ISDIR, "is a directory, not a scenario file"),
    (stat.S_ISFIFO, "is a named pipe (FIFO), not a regular file"),
    (stat.S_ISCHR, "is a character device, not a regular file"),
    (stat.S_ISBLK, "is a block device, not a regular file"),
    (stat.S_ISSOCK, "is a socket, not a regular file"),
)


def _kind(mode: int) -> str | None:
    """Why a file of this mode cannot be a scenario (``None``: a regular file)."""
    for test, message in _KINDS:
        if test(mode):
            return message
    return None if stat.S_ISREG(mode) else "is not a regular file"


def _os_error(exc: OSError, name: str) -> ScenarioError:
    if exc.errno == errno.ENOENT:
        return ScenarioError("file does not exist", "", name)
    if exc.errno == errno.ENAMETOOLONG:
        return ScenarioError("file name too long", "", name)
    if exc.errno == errno.ENOTDIR:
        return ScenarioError(
            "file does not exist (a part of its path is not a directory)", "", name
        )
    if exc.errno == errno.ELOOP:
        return ScenarioError("too many levels of symbolic links", "", name)
    return ScenarioError(f"cannot read file: {exc.strerror or exc}", "", name)


def noncharacter(ch: str) -> bool:
    """Is ``ch`` one of Unicode's 66 noncharacters (``U+FDD0``-``U+FDEF``, ``U+xFFFE/F``)?"""
    code = ord(ch)
    return 0xFDD0 <= code <= 0xFDEF or code & 0xFFFE == 0xFFFE


def char_name(ch: str) -> str:
    """``U+001B (ESC)``: a code point and what it is."""
    code = ord(ch)
    name = _NAMES.get(code) or unicodedata.name(ch, "")
    if not name:
        name = (
            "a control character"
            if code < 0x20 or 0x7F <= code <= 0x9F
            else "a surrogate"
            if 0xD800 <= code <= 0xDFFF
            else "a noncharacter"
            if noncharacter(ch)
            else "an unassigned character"
        )
    return f"U+{code:04X} ({name})"


#: ``(st_dev, st_ino)`` of every file read in this process: outputs never replace them
#: (:func:`negotiation.outputs.check_output_path`).
INPUTS: set[tuple[int, int]] = set()


def read_bytes(name: str, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of the regular file ``name``, at most ``limit`` of them, never blocking."""
    try:
        info = os.stat(name)
    except OSError as exc:
        raise _os_error(exc, name) from None
    except ValueError:  # an embedded NUL in the name
        raise ScenarioError("file name contains a NUL character", "", name) from None
    kind = _kind(info.st_mode)
    if kind is not None:
        raise ScenarioError(kind, "", name)
    INPUTS.add((info.st_dev, info.st_ino))
    if info.st_size > limit:
        raise ScenarioError(_too_big(info.st_size, limit), "", name)
    flags = (
        os.O_RDONLY
        | getattr(os, "O_NONBLOCK", 0)
        | getattr(os, "O_NOCTTY", 0)
        | getattr(os, "O_CLOEXEC", 0)
        | getattr(os, "O_BINARY", 0)
    )
    try:
        fd = os.open(name, flags)
    except OSError as exc:
        raise _os_error(exc, name) from None
    try:
        kind = _kind(os.fstat(fd).st_mode)  # the file may have been replaced since stat
        if kind is not None:
            raise ScenarioError(kind, "", name)
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 16, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except BlockingIOError:
        raise ScenarioError(
            "cannot read file: it would block (not a regular file?)", "", name
        ) from None
    except OSError as exc:
        raise _os_error(exc, name) from None
    finally:
        os.close(fd)
    if size > limit:
        raise ScenarioError(_too_big(size, limit, grew=True), "", name)
    return b"".join(chunks)


def _too_big(size: int, limit: int, grew: bool = False) -> str:
    what = "more than" if grew else f"{size:,} bytes,"
    return (
        f"file is too large ({what} the limit is {limit:,} bytes); a scenario is a "
        "few tens of kilobytes"
    )


def decode(raw: bytes, name: str | None) -> str:
    """``raw`` as text: UTF-8 (a byte order mark is fine)."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - raw.rfind(b"\n", 0, exc.start)
        raise ScenarioError(
            f"not UTF-8 text (byte 0x{raw[exc.start]:02x} at column {column}); "
            "save the file as UTF-8",
            "",
            name,
            line,
        ) from None
    return text


def check_characters(text: str, name: str | None) -> None:
    """Refuse a text holding a character YAML does not allow (naming line and column)."""
    bad = _FORBIDDEN.search(text)
    if bad is None:
        return
    at = bad.start()
    line = text.count("\n", 0, at) + 1
    column = at - text.rfind("\n", 0, at)
    raise ScenarioError(
        f"control character {char_name(bad.group())} at column {column}: "
        "a YAML file may not contain it; remove it",
        "",
        name,
        line,
    )


def read_text(name: str) -> str:
    """Read the scenario file ``name`` (see the module notes; the YAML reader checks the
    characters with :func:`check_characters`)."""
    return decode(read_bytes(name), name)


__all__ = ["char_name", "check_characters", "decode", "noncharacter", "read_bytes", "read_text"]
