"""Turn pydantic validation errors into one ``FILE:LINE: path: message``."""

from __future__ import annotations

import difflib
import re
import types
import typing
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ValidationError

from ..errors import ScenarioError, quote, render
from .yamlio import Path, line_of

if TYPE_CHECKING:  # pragma: no cover
    from .load import _Ctx


def real_path(data: Any, loc: tuple) -> Path:
    """Keep the parts of a pydantic ``loc`` that exist in ``data``.

    pydantic inserts union-member tags (``'float'``, ``'list[...]'``) into
    ``loc``; they are not fields of the file and are dropped.
    """
    path: list[str | int] = []
    node = data
    for part in loc:
        in_dict = isinstance(node, dict) and part in node
        in_list = isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        if in_dict or in_list:
            node = node[part]
            path.append(part)
        elif isinstance(node, dict) and isinstance(part, str) and not path_is_tag(part):
            path.append(part)  # a missing or unknown key: keep it
            node = None
    return tuple(path)


def path_is_tag(part: str) -> bool:
    return (
        any(c in part for c in "[]()-")
        or part in {"float", "str", "int", "bool", "list", "dict", "tuple", "none"}
        or part in _model_names()
    )


def _model_names() -> set[str]:
    """Class names of the schema models: pydantic's tag for a model member of a union."""
    from .schema import Spec

    names, todo = set(), [Spec]
    while todo:
        cls = todo.pop()
        names.add(cls.__name__)
        todo += cls.__subclasses__()
    return names


def _members(tp: Any) -> list[Any]:
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        return [m for a in typing.get_args(tp) for m in _members(a)]
    if origin is typing.Annotated:
        return _members(typing.get_args(tp)[0])
    return [tp]


def allowed_keys(model: type[BaseModel], path: Path) -> list[str]:
    """Field names valid at ``path`` (the mapping that holds an unknown key)."""
    candidates: list[Any] = [model]
    for part in path:
        nxt: list[Any] = []
        for tp in candidates:
            for m in _members(tp):
                if isinstance(m, type) and issubclass(m, BaseModel):
                    field = m.model_fields.get(str(part))
                    if field is not None:
                        nxt.append(field.annotation)
                elif typing.get_origin(m) is dict:
                    nxt.append(typing.get_args(m)[1])
                elif typing.get_origin(m) in (list, tuple) and isinstance(part, int):
                    nxt.append(typing.get_args(m)[0])
        candidates = nxt
    keys: list[str] = []
    for tp in candidates:
        for m in _members(tp):
            if isinstance(m, type) and issubclass(m, BaseModel):
                keys += [k for k in m.model_fields if k not in keys]
    return keys


def suggest(word: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def dotted(path: Path) -> str:
    return ".".join(str(p) for p in path)


def _message(err: Mapping[str, Any], path: Path, model: type[BaseModel], shown: str) -> str:
    kind = err["type"]
    if "[key]" in err["loc"]:  # a mapping key of the wrong type (a scenario built in code)
        return f"a name must be text, got {shown}"
    if kind == "extra_forbidden":
        key = str(path[-1])
        choices = allowed_keys(model, path[:-1])
        hint = suggest(key, choices)
        if not hint and choices:
            hint = f" (allowed: {', '.join(choices)})"
        return f"unknown key {quote(key)}{hint}"
    if kind == "missing":
        return "required field is missing"
    msg = err["msg"]
    msg = msg[0].lower() + msg[1:]
    # "a valid dictionary or instance of PartySpec": the class name means nothing to a reader
    msg = re.sub(r" or instance of \w+", "", msg).replace("a valid dictionary", "a mapping")
    msg = msg.replace("dictionary", "mapping")
    if msg.startswith("input should be "):  # the loader's own messages say "must be"
        msg = "must be " + msg[len("input should be ") :]
    if kind in ("finite_number",):
        return "must be a finite number (not NaN or infinity)"
    if kind in ("bool_type", "bool_parsing"):
        msg = "must be true or false"
    msg = msg.replace(" after validation", "")
    given = err.get("input")
    if given is None:
        msg += ", got nothing (the value is empty)"
    elif not isinstance(given, (dict, list)):
        msg += f", got {shown}"
    elif kind.endswith("_type"):
        msg += ", got a mapping" if isinstance(given, dict) else ", got a list"
    return msg


def to_scenario_error(
    exc: ValidationError, data: Any, ctx: _Ctx, model: type[BaseModel], prefix: Path = ()
) -> ScenarioError:
    """The most specific error of ``exc`` as a :class:`ScenarioError`."""
    best = None
    for err in exc.errors():
        path = real_path(data, tuple(err["loc"]))
        # deepest first; then a wrong value over a wrong type (the type error comes from
        # another member of a union); then an unknown key over a missing one (a typo
        # such as 'valus' causes both, and the unknown key is the one to fix)
        score = (
            len(path),
            err["type"] != "model_type" and not err["type"].endswith("_type"),
            err["type"] == "extra_forbidden",
        )
        if best is None or score > best[0]:
            best = (score, err, path)
    assert best is not None, "a ValidationError has at least one error"
    _, err, path = best
    full = prefix + path
    line = line_of(ctx.lines, full)
    given = err.get("input")
    shown = ctx.texts.get(full) if not isinstance(given, str) else None
    shown = quote(shown, 40)[1:-1] if shown is not None else render(given, 40)
    return ScenarioError(_message(err, path, model, shown), dotted(full), ctx.file, line)
