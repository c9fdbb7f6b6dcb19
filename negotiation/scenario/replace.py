"""Scenarios changed in code: :meth:`Scenario.replace <negotiation.Scenario.replace>`.

A change names a field by its dotted path, the same path the error messages
use (``parties.russia.batna``, ``conflict.outcomes.1.probability``), and gives
the new value as it would be written in a file. The changes are applied to a
copy of ``scenario.raw`` and the result goes through the loader
(:func:`negotiation.scenario.load._build`) with the scenario's file name and
line map, so a changed scenario is checked exactly like a file, weights are
normalised with the same note, and a bad path or value raises the same
located :class:`~negotiation.errors.ScenarioError`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import ScenarioError, quote, render
from .errors_map import dotted
from .yamlio import Path, line_of

if TYPE_CHECKING:  # pragma: no cover
    from ..model.scenario import Scenario

#: A field: a dotted path (``"parties.russia.batna"``) or its parts
#: (``("parties", "russia", "batna")``, for names that contain a dot).
Key = str | tuple[str | int, ...]
#: What ``Scenario.replace`` takes: ``{field: new value}``.
Changes = Mapping[str, Any] | Mapping[tuple[str | int, ...], Any] | Mapping[Key, Any]

#: Fields of a proposal; any other name after ``proposals.<name>.`` that is an
#: issue is read as ``proposals.<name>.outcome.<issue>``.
_PROPOSAL_FIELDS = ("outcome", "description", "source", "evidence")
#: The format's list fields: created as a list when a change needs them and they are missing.
_LIST_FIELDS = ("outcomes", "points", "range", "levels")


def copy_data(value: Any) -> Any:
    """A deep copy of plain YAML data (dicts and lists; scalars are shared)."""
    if isinstance(value, dict):
        return {k: copy_data(v) for k, v in value.items()}
    if isinstance(value, list):
        return [copy_data(v) for v in value]
    return value


def plain(value: Any) -> Any:
    """A value given in code as YAML data: tuples and arrays become lists, numpy
    scalars Python numbers, mappings dicts (always copied)."""
    if isinstance(value, Mapping):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, np.ndarray):
        return plain(value.tolist())
    if isinstance(value, np.generic):
        return value.item()
    return value


def parse_path(key: Key, data: Any, file: str | None = None) -> Path:
    """The path tuple of ``key`` in ``data``: list positions become integers.

    ``proposals.<name>.<issue>`` is read as ``proposals.<name>.outcome.<issue>``.

    Raises
    ------
    ScenarioError
        If ``key`` is empty or has an empty part.
    TypeError
        If ``key`` is neither text nor a tuple.
    """
    if isinstance(key, str):
        parts: list[str | int] = list(key.split("."))
    elif isinstance(key, tuple):
        parts = list(key)
    else:
        raise TypeError(
            f"a change is keyed by a dotted path such as 'parties.russia.batna', "
            f"got {quote(repr(key))}"
        )
    shown = key if isinstance(key, str) else dotted(tuple(key))
    if not parts or any(not isinstance(p, (str, int)) or isinstance(p, bool) for p in parts):
        raise ScenarioError(
            f"{quote(shown)} is not a dotted path such as 'parties.russia.batna'", shown, file, None
        )
    if (
        len(parts) >= 3
        and parts[0] == "proposals"
        and parts[2] not in _PROPOSAL_FIELDS
        and isinstance(data, dict)
        and isinstance(data.get("issues"), dict)
        and parts[2] in data["issues"]
    ):
        parts.insert(2, "outcome")
    out: list[str | int] = []
    node = data
    i = 0
    while i < len(parts):
        part, step = parts[i], 1
        if isinstance(node, list):
            index = part if isinstance(part, int) else int(part) if part.isdigit() else None
            out.append(part if index is None else index)
            node = node[index] if index is not None and 0 <= index < len(node) else None
        else:
            if isinstance(key, str) and isinstance(node, dict):
                # a name with a dot in it ('Art. 5'): the longest run of parts that is a key
                for k in range(len(parts) - i, 1, -1):
                    joined = ".".join(str(p) for p in parts[i : i + k])
                    if joined in node:
                        part, step = joined, k
                        break
            part = str(part)
            out.append(part)
            node = node.get(part) if isinstance(node, dict) else None
        i += step
    if any(p == "" for p in out):
        raise ScenarioError(
            f"{quote(shown)} is not a dotted path such as 'parties.russia.batna'", shown, file, None
        )
    return tuple(out)


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return f"{render(value)} (true/false)"
    if isinstance(value, (int, float)):
        return f"a number ({render(value)})"
    if isinstance(value, str):
        return f"the text {quote(value)}"
    if isinstance(value, list):
        return f"a list of {len(value)}"
    return "empty" if value is None else type(value).__name__


def set_path(
    data: Any, path: Path, value: Any, file: str | None = None, lines: dict[Path, int] | None = None
) -> Any:
    """Set ``path`` in ``data`` to ``value`` in place, creating missing mappings.

    Returns the value it replaces (``None`` when the path did not exist).

    A list position may be one past the end (the value is appended); a missing
    list field of the format (``conflict.outcomes``, ``points``, ``range``,
    ``levels``) is created as a list.

    Raises
    ------
    ScenarioError
        If the path runs through a number, text or list where it cannot; the
        error names ``path`` and the line of its nearest ancestor in ``lines``.
    """
    lines = lines or {}

    def fail(message: str) -> ScenarioError:
        return ScenarioError(message, dotted(path), file, line_of(lines, path))

    node = data
    for i, part in enumerate(path):
        last = i == len(path) - 1
        if isinstance(node, dict):
            if last:
                old = node.get(part)
                node[part] = value
                return old
            if node.get(part) is None:
                node[part] = [] if part in _LIST_FIELDS else {}
            node = node[part]
        elif isinstance(node, list):
            if isinstance(part, str) and part.isdigit():
                part = int(part)
            where = dotted(path[:i])
            top = len(node) if last else len(node) - 1
            if not isinstance(part, int) or not 0 <= part <= top:
                extra = f"; {len(node)} appends a new entry" if last else ""
                raise fail(
                    f"{quote(where)} is a list: give a position from 0 to "
                    f"{len(node) - 1}{extra}, not {quote(str(part))}"
                )
            if last:
                if part == len(node):
                    node.append(value)
                    return None
                old = node[part]
                node[part] = value
                return old
            node = node[part]
        else:
            raise fail(
                f"{quote(dotted(path[:i]))} is {_describe(node)}, not a mapping: "
                f"{quote(str(part))} cannot be set in it"
            )
    return None  # pragma: no cover - the loop always returns or raises


def replace_scenario(scenario: Scenario, changes: Changes) -> Scenario:
    """A new scenario: ``scenario`` with ``changes`` applied, validated like a file.

    See :meth:`negotiation.Scenario.replace`.
    """
    from .load import _build

    if not isinstance(changes, Mapping):
        raise TypeError(
            f"replace() takes a mapping {{dotted path: new value}}, got {type(changes).__name__}"
        )
    data = copy_data(scenario.raw)
    lines, texts = scenario.lines, scenario.texts
    for key, value in changes.items():
        path = parse_path(key, data, scenario.file)
        old = set_path(data, path, plain(value), scenario.file, lines)
        # the new value's own fields are not in the file: an error inside it names
        # the line of the field it replaces
        n = len(path)
        if isinstance(old, (dict, list)) and any(len(p) > n and p[:n] == path for p in lines):
            lines = {p: v for p, v in lines.items() if not (len(p) > n and p[:n] == path)}
        # and the file's text of what it replaces no longer describes it
        texts = {p: v for p, v in texts.items() if p[:n] != path}
    return _build(data, lines, scenario.file, texts)


__all__ = ["Changes", "Key", "copy_data", "parse_path", "plain", "replace_scenario", "set_path"]
