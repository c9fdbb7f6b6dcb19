"""Safe YAML reading that remembers where every field stands and how it was written.

The loader builds plain Python data (dicts, lists, str, int, float, bool,
None) and, beside it, a map from each field's path to its 1-based line, so
that validation errors can name ``FILE:LINE``, and a map from each number,
``true``/``false`` or ``null`` to its text in the file, so that messages show
a value as the file wrote it (``1``, not ``1.0``; ``true``, not ``True``).

It follows YAML 1.2 (core schema): only ``true``/``false`` are booleans (a
level called ``no`` or ``on`` stays text), numbers are ``1``, ``-2``,
``0x1f``, ``0o17``, ``1.5``, ``1e3``, ``.5``, ``.inf``, ``.nan`` (``1_000``
and ``1:30`` are text), dates stay text, and a key given twice in one mapping
is an error rather than a silent overwrite. Only the standard tags of plain
data are accepted, on values and keys alike; no Python object is ever
constructed. A tag that cannot convert its scalar (``!!float abc``), an
integer beyond the range of a float, a key that reads as null, a boolean or
a non-finite number, and control characters in text are errors naming the
line. Libyaml parses when it is available (about four times faster); the
result is the same.
"""

from __future__ import annotations

import math
import re
import unicodedata
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.resolver import Resolver

from ..errors import ScenarioError, quote
from .limits import MAX_DEPTH, MAX_VALUES
from .source import char_name, check_characters, noncharacter

Path = tuple[str | int, ...]

try:  # libyaml: the same events, parsed in C
    from yaml.cyaml import CParser as _Parser  # type: ignore[attr-defined]

    class _Loader(_Parser, SafeConstructor, Resolver):  # type: ignore[misc,valid-type]
        def __init__(self, stream: str) -> None:
            _Parser.__init__(self, stream)
            SafeConstructor.__init__(self)
            Resolver.__init__(self)
except ImportError:  # pragma: no cover - PyYAML without libyaml

    class _Loader(yaml.SafeLoader):  # type: ignore[no-redef]
        pass


_Y = "tag:yaml.org,2002:"
STR, INT, FLOAT, BOOL, NULL = (_Y + t for t in ("str", "int", "float", "bool", "null"))
_SCALAR_TAGS = {STR, INT, FLOAT, BOOL, NULL}
_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_BOOL = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
_INT = re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$")
_FLOAT = re.compile(
    r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
)
#: Digits of the largest integer a float can hold (about 1.8e308).
_MAX_DIGITS = 309

# The YAML 1.2 core schema, plus merge keys (``<<``); nothing else is resolved implicitly.
_Loader.yaml_implicit_resolvers = {}
_Loader.add_implicit_resolver(NULL, _NULL, ["~", "n", "N", ""])
_Loader.add_implicit_resolver(BOOL, _BOOL, list("tTfF"))
_Loader.add_implicit_resolver(INT, _INT, list("-+0123456789"))
_Loader.add_implicit_resolver(FLOAT, _FLOAT, list("-+0123456789."))
_Loader.add_implicit_resolver(_Y + "merge", re.compile(r"^(?:<<)$"), ["<"])


class _Reader:
    """One document being turned into data: the maps it fills and where it stands."""

    def __init__(self, loader: Any, file: str | None) -> None:
        self.loader, self.file = loader, file
        self.lines: dict[Path, int] = {(): 1}
        self.texts: dict[Path, str] = {}
        self.active: set[int] = set()
        self.count = 0

    def fail(self, message: str, path: Path, line: int | None) -> ScenarioError:
        return ScenarioError(message, _dotted(path), self.file, line)

    # ------------------------------------------------------------------ nodes
    def build(self, node: yaml.Node, path: Path, depth: int = 0) -> Any:
        line = node.start_mark.line + 1
        _check_tag(self, node, path, line)
        if id(node) in self.active:
            raise self.fail(
                "an alias (*name) refers to a mapping or list that contains it",
                path,
                self.lines.get(path, line),
            )
        self.count += 1
        if self.count > MAX_VALUES:
            raise self.fail(
                f"the file expands to more than {MAX_VALUES:,} values "
                "(aliases repeated inside aliases?)",
                path,
                line,
            )
        if depth > MAX_DEPTH:
            raise self.fail(f"nested more than {MAX_DEPTH} levels deep", path, line)
        if isinstance(node, yaml.MappingNode):
            return self.mapping(node, path, depth)
        if isinstance(node, yaml.SequenceNode):
            items = []
            self.active.add(id(node))
            for i, item in enumerate(node.value):
                self.lines[path + (i,)] = item.start_mark.line + 1
                items.append(self.build(item, path + (i,), depth + 1))
            self.active.discard(id(node))
            return items
        assert isinstance(node, yaml.ScalarNode)
        value = self.scalar(node, path, line)
        if not isinstance(value, str):
            self.texts[path] = node.value
        return value

    def mapping(self, node: yaml.MappingNode, path: Path, depth: int) -> dict[str, Any]:
        # `<<: *defaults` entries come first; explicit keys override them, as YAML says.
        # flatten_mapping rewrites the node in place, so remember the count for aliases.
        n_merged = getattr(node, "n_merged", None)
        if n_merged is None:
            explicit = sum(1 for k, _ in node.value if k.tag != _Y + "merge")
            self.loader.flatten_mapping(node)
            n_merged = len(node.value) - explicit
            node.n_merged = n_merged  # type: ignore[attr-defined]
        out: dict[str, Any] = {}
        merged: set[str] = set()
        previous: str | None = None
        self.active.add(id(node))
        for j, (key_node, value_node) in enumerate(node.value):
            if (
                node.flow_style
                and previous is not None
                and _key_only(key_node, value_node)
                and isinstance(out[previous], str)
            ):
                # `{description: 0 none, 1 full}`: YAML reads "1 full" as a key with no
                # value; an analyst meant one text with a comma in it. Join it back.
                out[previous] = f"{out[previous]}, {key_node.value}"
                continue
            key = self.key(key_node, path)
            line = key_node.start_mark.line + 1
            if key in out and key not in merged:
                raise self.fail(
                    f"key {quote(key)} is given twice (first on line {self.lines[path + (key,)]})",
                    path + (key,),
                    line,
                )
            if j < n_merged:
                merged.add(key)
            else:
                merged.discard(key)
            out.pop(key, None)  # an explicit key replaces a merged one (and takes its place)
            self.lines[path + (key,)] = line
            out[key] = self.build(value_node, path + (key,), depth + 1)
            previous = (
                key if (isinstance(value_node, yaml.ScalarNode) and _plain(value_node)) else None
            )
        self.active.discard(id(node))
        return out

    def key(self, node: yaml.Node, path: Path) -> str:
        """A mapping key as text: a number keeps its written form (``1.0`` is ``"1.0"``)."""
        line = node.start_mark.line + 1
        if not isinstance(node, yaml.ScalarNode):
            raise self.fail(
                "a mapping key must be a plain name, not a mapping or a list", path, line
            )
        _check_tag(self, node, path + (node.value,), line)
        value = self.scalar(node, path + (node.value,), line, key=True)
        if isinstance(value, str):
            return value
        if value is None or isinstance(value, bool) or not math.isfinite(value):
            what = (
                "null (nothing)"
                if value is None
                else "true/false"
                if isinstance(value, bool)
                else "a number that is not finite"
            )
            shown = quote(node.value) if node.value else "(empty)"
            raise self.fail(
                f"the key {shown} reads as {what}, not a name; write it in quotes "
                "if it is meant as text",
                path,
                line,
            )
        return str(node.value)

    def scalar(self, node: yaml.ScalarNode, path: Path, line: int, key: bool = False) -> Any:
        """The value of a scalar under its (checked) tag, as YAML 1.2's core schema reads it."""
        text, tag = node.value, node.tag
        if tag == STR:
            _check_text(self, text, path, line, key)
            return text
        if tag == NULL and _NULL.match(text):
            return None
        if tag == BOOL and _BOOL.match(text):
            return text[0] in "tT"
        if tag == INT and _INT.match(text):
            return self.integer(text, path, line)
        if tag == FLOAT and _FLOAT.match(text):
            value = _float(text)
            if math.isinf(value) and "inf" not in text.lower():
                raise self.fail(_too_large(text), path, line)
            return value
        kind = {NULL: "null", BOOL: "true or false", INT: "an integer", FLOAT: "a number"}[tag]
        raise self.fail(
            f"{quote(text)} cannot be read as {kind} (tag !!{tag[len(_Y) :]})", path, line
        )

    def integer(self, text: str, path: Path, line: int) -> int:
        digits = text.lstrip("+-")
        base = 16 if digits[:2] == "0x" else 8 if digits[:2] == "0o" else 10
        digits = (digits[2:] if base != 10 else digits).lstrip("0") or "0"
        if len(digits) > _MAX_DIGITS:  # too large for a float (and for int() to parse)
            raise self.fail(_too_large(text), path, line)
        value = int(digits, base) * (-1 if text[0] == "-" else 1)
        try:
            float(value)
        except OverflowError:
            raise self.fail(_too_large(text), path, line) from None
        return value


def _float(text: str) -> float:
    """A float written as YAML 1.2 does (``.inf``, ``-.Inf``, ``.nan``, ``1e3``, ``.5``)."""
    body = text.lstrip("+-").lower()
    if body in (".inf", ".nan"):
        return float(("-" if text[0] == "-" else "") + body[1:])
    return float(text)


def _too_large(text: str) -> str:
    digits = len(text.lstrip("+-"))
    shown = quote(text, 30) + (f" ({digits} characters)" if digits > 28 else "")
    return f"the number {shown} is too large (a number must be below 1.8e308)"


def _check_tag(reader: _Reader, node: yaml.Node, path: Path, line: int) -> None:
    """Only the standard tags of plain data, each on the kind of node it describes."""
    allowed = (
        _SCALAR_TAGS
        if isinstance(node, yaml.ScalarNode)
        else {_Y + "map"}
        if isinstance(node, yaml.MappingNode)
        else {_Y + "seq"}
    )
    if node.tag in allowed:
        return
    tag = node.tag.replace(_Y, "!!")
    if node.tag in _SCALAR_TAGS | {_Y + "map", _Y + "seq"}:
        kind = (
            "a mapping"
            if isinstance(node, yaml.MappingNode)
            else "a list"
            if isinstance(node, yaml.SequenceNode)
            else "a single value"
        )
        raise reader.fail(f"YAML tag {quote(tag)} does not fit {kind}", path, line)
    raise reader.fail(
        f"YAML tag {quote(tag)} is not allowed: a scenario file holds plain "
        "data only (mappings, lists, text, numbers, true/false)",
        path,
        line,
    )


def _check_text(reader: _Reader, text: str, path: Path, line: int, key: bool) -> None:
    """Text holds no control characters (a name: no line breaks or tabs either)."""
    if text.isascii() and text.isprintable():
        return
    for ch in text:
        if ch in "\t\n\r" and not key:
            continue
        cat = unicodedata.category(ch)
        if cat in ("Cc", "Cs") or noncharacter(ch) or (key and cat in ("Cf", "Zl", "Zp")):
            what = "a name" if key else "text"
            raise reader.fail(f"{what} may not contain {char_name(ch)}: {quote(text)}", path, line)


def _key_only(key_node: yaml.Node, value_node: yaml.Node) -> bool:
    """A flow-mapping entry written without a colon (``{a: 1, b}``'s ``b``)."""
    return (
        isinstance(key_node, yaml.ScalarNode)
        and _plain(key_node)
        and isinstance(value_node, yaml.ScalarNode)
        and value_node.value == ""
        and value_node.start_mark.index == key_node.end_mark.index
    )


def _plain(node: yaml.ScalarNode) -> bool:
    """Written without quotes (PyYAML says style ``None``, libyaml ``""``)."""
    return not node.style


def _dotted(path: Path) -> str:
    return ".".join(str(p) for p in path)


def _problem(exc: yaml.MarkedYAMLError, text: str) -> str:
    problem = exc.problem or "malformed YAML"
    if problem.startswith("but ") and exc.context:
        # "expected a single document in the stream, but found another document"
        problem = f"{exc.context}, {problem}"
    mark = exc.problem_mark
    tab = re.search(r"\btab\b|'\\t'", problem) is not None
    if not tab and mark is not None and "token" in problem:
        rows = text.split("\n")
        tab = mark.line < len(rows) and rows[mark.line][mark.column :].startswith("\t")
    if tab:
        problem += " (indent with spaces, not tabs)"
    if "nesting depth" in problem:
        problem = "nested too deeply"
    return problem


def load_yaml(text: str, file: str | None = None) -> tuple[Any, dict[Path, int], dict[Path, str]]:
    """Parse ``text`` and return ``(data, lines, texts)``.

    ``lines`` maps a path tuple such as ``("parties", "ukraine", "weights")``
    to the 1-based line of that field; ``texts`` maps the path of every
    number, boolean and null to its text in the file. Raises
    :class:`ScenarioError` with the parser's line on malformed YAML, and on a
    character YAML does not allow (:func:`~.source.check_characters`).
    """
    check_characters(text, file)
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        reader = _Reader(loader, file)
        data = None if node is None else reader.build(node, ())
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        raise ScenarioError(f"malformed YAML: {_problem(exc, text)}", "", file, line) from None
    except RecursionError:
        raise ScenarioError("malformed YAML: nested too deeply", "", file, None) from None
    except yaml.YAMLError as exc:
        raise ScenarioError(f"malformed YAML: {exc}", "", file, None) from None
    finally:
        loader.dispose()
    return data, reader.lines, reader.texts


def line_of(lines: dict[Path, int], path: Path) -> int | None:
    """The line of ``path``, or of its nearest ancestor that has one."""
    path = tuple(path)
    while path:
        if path in lines:
            return lines[path]
        path = path[:-1]
    return lines.get(())
