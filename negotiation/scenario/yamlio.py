"""Safe YAML reading that remembers where every field stands.

The loader builds plain Python data (dicts, lists, str, int, float, bool,
None) and, beside it, a map from each field's path to its 1-based line, so
that validation errors can name ``FILE:LINE``. It follows YAML 1.2 on the
points that trip analysts up: only ``true``/``false`` are booleans (a level
called ``no`` or ``on`` stays a string), dates stay strings, and a key given
twice in one mapping is an error rather than a silent overwrite. No Python
objects are ever constructed from tags (``yaml.SafeLoader`` underneath).
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from ..errors import ScenarioError

Path = tuple[str | int, ...]


class _Loader(yaml.SafeLoader):
    """SafeLoader with YAML 1.2 booleans and no implicit timestamps."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers
            if tag not in ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:timestamp")]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)


#: Tags a scenario file may carry (all plain data); anything else, such as
#: ``!!python/object``, is refused rather than constructed or silently ignored.
_PLAIN_TAGS = {f"tag:yaml.org,2002:{t}" for t in ("str", "int", "float", "bool", "null",
                                                   "map", "seq")}
#: Upper bound on values built (aliases are expanded, so a tiny file could explode).
_MAX_NODES = 100_000


def _build(loader: _Loader, node: yaml.Node, path: Path, lines: dict[Path, int],
           file: str | None, active: set[int] | None = None, count: list[int] | None = None
           ) -> Any:
    active = set() if active is None else active
    count = [0] if count is None else count
    line = node.start_mark.line + 1
    if node.tag not in _PLAIN_TAGS:
        tag = node.tag.replace("tag:yaml.org,2002:", "!!")
        raise ScenarioError(f"YAML tag '{tag}' is not allowed: a scenario file holds plain "
                            "data only (mappings, lists, text, numbers, true/false)",
                            _dotted(path), file, line)
    if id(node) in active:
        raise ScenarioError("an alias (*name) refers to a mapping or list that contains it",
                            _dotted(path), file, lines.get(path, line))
    count[0] += 1
    if count[0] > _MAX_NODES:
        raise ScenarioError(f"the file expands to more than {_MAX_NODES:,} values "
                            "(aliases repeated inside aliases?)", _dotted(path), file, line)
    if isinstance(node, yaml.MappingNode):
        # `<<: *defaults` entries come first; explicit keys override them, as YAML says.
        # flatten_mapping rewrites the node in place, so remember the count for aliases.
        n_merged = getattr(node, "n_merged", None)
        if n_merged is None:
            explicit = sum(1 for k, _ in node.value if k.tag != "tag:yaml.org,2002:merge")
            loader.flatten_mapping(node)
            n_merged = node.n_merged = len(node.value) - explicit
        out: dict[str, Any] = {}
        merged: set[str] = set()
        previous: str | None = None
        active.add(id(node))
        for j, (key_node, value_node) in enumerate(node.value):
            if (node.flow_style and previous is not None and _key_only(key_node, value_node)
                    and isinstance(out[previous], str)):
                # `{description: 0 none, 1 full}`: YAML reads "1 full" as a key with no
                # value; an analyst meant one text with a comma in it. Join it back.
                out[previous] = f"{out[previous]}, {key_node.value}"
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                raise ScenarioError("a mapping key must be a plain name",
                                    _dotted(path), file, key_node.start_mark.line + 1)
            key = loader.construct_object(key_node)
            key = key if isinstance(key, str) else str(key)
            if key in out and key not in merged:
                raise ScenarioError(
                    f"key '{key}' is given twice (first on line {lines[path + (key,)]})",
                    _dotted(path + (key,)), file, key_node.start_mark.line + 1)
            if j < n_merged:
                merged.add(key)
            else:
                merged.discard(key)
            out.pop(key, None)  # an explicit key replaces a merged one (and takes its place)
            lines[path + (key,)] = key_node.start_mark.line + 1
            out[key] = _build(loader, value_node, path + (key,), lines, file, active, count)
            previous = key if (isinstance(value_node, yaml.ScalarNode)
                               and value_node.style is None) else None
        active.discard(id(node))
        return out
    if isinstance(node, yaml.SequenceNode):
        items = []
        active.add(id(node))
        for i, item in enumerate(node.value):
            lines[path + (i,)] = item.start_mark.line + 1
            items.append(_build(loader, item, path + (i,), lines, file, active, count))
        active.discard(id(node))
        return items
    return loader.construct_object(node, deep=True)


def _key_only(key_node: yaml.Node, value_node: yaml.Node) -> bool:
    """A flow-mapping entry written without a colon (``{a: 1, b}``'s ``b``)."""
    return (isinstance(key_node, yaml.ScalarNode) and key_node.style is None
            and isinstance(value_node, yaml.ScalarNode) and value_node.value == ""
            and value_node.start_mark.index == key_node.end_mark.index)


def _dotted(path: Path) -> str:
    return ".".join(str(p) for p in path)


def load_yaml(text: str, file: str | None = None) -> tuple[Any, dict[Path, int]]:
    """Parse ``text`` and return ``(data, lines)``.

    ``lines`` maps a path tuple such as ``("parties", "ukraine", "weights")``
    to the 1-based line of that field. Raises :class:`ScenarioError` with the
    parser's line on malformed YAML.
    """
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        lines: dict[Path, int] = {(): 1}
        data = None if node is None else _build(loader, node, (), lines, file)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = exc.problem or "malformed YAML"
        if problem.startswith("but ") and exc.context:
            # "expected a single document in the stream, but found another document"
            problem = f"{exc.context}, {problem}"
        if "'\\t'" in problem:
            problem += " (indent with spaces, not tabs)"
        raise ScenarioError(f"malformed YAML: {problem}", "", file, line) from None
    except RecursionError:
        raise ScenarioError("malformed YAML: nested too deeply", "", file, None) from None
    except yaml.YAMLError as exc:  # pragma: no cover - defensive
        raise ScenarioError(f"malformed YAML: {exc}", "", file, None) from None
    finally:
        loader.dispose()
    return data, lines


def line_of(lines: dict[Path, int], path: Path) -> int | None:
    """The line of ``path``, or of its nearest ancestor that has one."""
    path = tuple(path)
    while path:
        if path in lines:
            return lines[path]
        path = path[:-1]
    return lines.get(())
