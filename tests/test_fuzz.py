"""Fuzzing the command line with mutated scenario files.

Every shipped scenario (``scenarios/*.yaml``), example (``examples/*.yaml``)
and the tutorial scenario (``docs/tutorial/berlin-mini.yaml``) is mutated,
structurally (keys deleted or renamed, values swapped for other types,
non-finite and huge numbers, deep nesting, lists grown and emptied) and
textually (control characters, tags, duplicated lines, truncation, bad
UTF-8, odd numbers), written to a file and run through the command line in
process. The invariant, for every input:

* exit 0, with ``FILE: ok`` (``validate``) or valid JSON (``run --format
  json``) on stdout and nothing on stderr (no warnings); or
* exit 2, nothing on stdout and exactly one line on stderr, of at most 300
  characters, naming the file.

Anything else (exit 1, a traceback, several lines, a warning, a hang) fails.
The default profile tries ``DEFAULT_VALIDATE + DEFAULT_RUN`` inputs (about
40 s); ``HYPOTHESIS_PROFILE=deep`` tries ``DEEP_VALIDATE + DEEP_RUN`` (10,000).
``run`` is made cheap by a coarse ``analysis.grid`` (the solutions do not
depend on it).
"""

from __future__ import annotations

import contextlib
import copy
import glob
import io
import json
import os
import signal
import warnings
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from negotiation.cli import main
from negotiation.scenario.yamlio import load_yaml

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted(glob.glob(str(ROOT / "scenarios" / "*.yaml"))
               + glob.glob(str(ROOT / "examples" / "*.yaml"))) \
    + [str(ROOT / "docs" / "tutorial" / "berlin-mini.yaml")]

DEEP = os.environ.get("HYPOTHESIS_PROFILE") == "deep"
DEFAULT_VALIDATE, DEFAULT_RUN = 300, 40
DEEP_VALIDATE, DEEP_RUN = 8_000, 2_000
#: Seconds one command may take before the input counts as a hang.
TIMEOUT = 60

MAX_LINE = 300

# --- what the mutations put in -----------------------------------------------------------

NUMBERS = [0, 1, -1, 2, 0.5, -0.0, 1e-300, 5e-324, 1e12, -1e12, 1e13, 1.7e308, -1.7e308,
           float("inf"), float("-inf"), float("nan"), 10 ** 20, 10 ** 400, 2 ** 63, 100_000,
           100_001, 3]
TEXTS = ["", " ", "x", "conflict", "yes", "true", "~", "1", "a.b", "line\nbreak",
         "esc\x1bape", "nul\x00", "del\x7f", "nel\x85", "\u2028", "\ufeffbom", "é" * 3,
         "y" * 5000, "\u202eevil", "\ud7ff", "tab\there"]
KEYS = ["", " ", "x", "a.b", "1", "true", "null", "~", "title", "weights", "values",
        "line\nbreak", "esc\x1b", "k" * 400, "ideal", "points", "levels", "range",
        "batna", "outcome", "default", "<<"]
ODD_KEYS: list[Any] = [None, True, False, 1, 1.5, float("nan"), float("inf"), -3]
CONTAINERS: list[Any] = [[], {}, [1, 2], [[0, 0], [1, 1]], {"a": 1}, [None], {"": ""},
                         [1] * 50]

CONTROL = ["\x00", "\x1b", "\x7f", "\x85", "\x9b", "\ufffe", "\uffff", "\u2028", "\t", "\r",
           "\x0b", "\x0c", "\x08", "\ud800"]
TAGS = ["!!float ", "!!int ", "!!bool ", "!!null ", "!!str ", "!!binary ", "!!timestamp ",
        "!!map ", "!!seq ", "!!set ", "!!omap ", "!!python/object:os.system ", "!custom ",
        "! ", "!!python/name:os.system "]
NUMBER_TEXTS = ["1e400", "-1e400", "1" + "0" * 400, "1" + "0" * 5000, ".nan", "-.inf",
                "0x7f", "0o17", "1_000", "1e0", "7e-1", "1.0e308", "+.5", "1.", "12e",
                "0b101", "1:30", "010", "-0", "9" * 320 + ".0", "1e-400"]


def _values() -> st.SearchStrategy[Any]:
    """Values to put anywhere (containers are copied: a mutation must not change them)."""
    deep = st.integers(20, 150).map(lambda n: _nest(n))
    return st.one_of(st.sampled_from(NUMBERS), st.sampled_from(TEXTS), st.booleans(),
                     st.none(), st.sampled_from(CONTAINERS).map(copy.deepcopy), deep,
                     st.floats(allow_nan=True, allow_infinity=True),
                     st.integers(-10 ** 30, 10 ** 30), st.text(max_size=20))


def _nest(n: int) -> Any:
    value: Any = 1
    for _ in range(n):
        value = [value]
    return value


# --- structural mutations -----------------------------------------------------------------

def _paths(node: Any, path: tuple = ()) -> list[tuple]:
    """Every path in the tree (the root included)."""
    out = [path]
    if isinstance(node, dict):
        for k, v in node.items():
            out += _paths(v, path + (k,))
    elif isinstance(node, list):
        for j, v in enumerate(node):
            out += _paths(v, path + (j,))
    return out


def _get(node: Any, path: tuple) -> Any:
    for part in path:
        node = node[part]
    return node


def _mutate(data: Any, draw: Any, avoid: str | None = None) -> Any:
    paths = [p for p in _paths(data) if p and (avoid is None or p[0] != avoid)]
    kind = draw(st.sampled_from(["delete", "rename", "value", "value", "number", "number",
                                 "grow", "empty", "key"]))
    if kind == "number":
        numeric = [p for p in paths if isinstance(_get(data, p), (int, float))]
        paths = numeric or paths
    elif kind in ("rename", "key"):
        paths = [p for p in paths if isinstance(_get(data, p[:-1]), dict)] or paths
    if not paths:
        return data
    path = draw(st.sampled_from(paths))
    parent, last = _get(data, path[:-1]), path[-1]
    if kind == "delete":
        del parent[last]
    elif kind in ("rename", "key") and isinstance(parent, dict):
        new = draw(st.sampled_from(KEYS + ODD_KEYS) if kind == "key"
                   else st.sampled_from(KEYS) | st.text(min_size=0, max_size=12))
        items = list(parent.items())
        parent.clear()
        for k, v in items:
            parent[new if k == last else k] = v
    elif kind == "number":
        parent[last] = draw(st.sampled_from(NUMBERS) | st.floats() | st.integers())
    elif kind == "grow":
        node = parent[last]
        if isinstance(node, list):
            node.extend(copy.deepcopy(node[: draw(st.integers(1, 3))]) * draw(st.integers(1, 30)))
        elif isinstance(node, dict) and node:
            for j in range(draw(st.integers(1, 60))):
                node[f"extra{j}"] = copy.deepcopy(next(iter(node.values())))
        else:
            parent[last] = draw(_values())
    elif kind == "empty":
        node = parent[last]
        parent[last] = type(node)() if isinstance(node, (list, dict)) else None
    else:
        parent[last] = draw(_values())
    return data


def _nudge(data: Any, draw: Any) -> Any:
    """Move one number to a nearby or boundary value (a mutant that often stays valid)."""
    numeric = [p for p in _paths(data) if p and p[0] != "analysis"
               and isinstance(_get(data, p), (int, float)) and not isinstance(_get(data, p), bool)]
    if not numeric:
        return data
    path = draw(st.sampled_from(numeric))
    x = _get(data, path)
    parent = _get(data, path[:-1])
    parent[path[-1]] = draw(st.sampled_from([0, 1, 0.5, 1e-9, 1 - 1e-9, 1e-6, 2 * x, x / 2, -x,
                                             x + 1e-9, x - 1e-9, x * (1 + 1e-7), 1e-300])
                            | st.floats(-2, 2))
    return data


def _dump(data: Any) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=1 << 16)


# --- textual mutations --------------------------------------------------------------------

def _text_mutation(text: str, draw: Any) -> str | bytes:
    kind = draw(st.sampled_from(["control", "truncate", "tag", "duplicate", "nest", "bytes",
                                 "number", "tab", "alias", "indent"]))
    at = draw(st.integers(0, max(len(text) - 1, 0)))
    lines = text.split("\n")
    row = draw(st.integers(0, max(len(lines) - 1, 0)))
    if kind == "control":
        return text[:at] + draw(st.sampled_from(CONTROL)) + text[at:]
    if kind == "truncate":
        return text[:at]
    if kind == "tag":
        colons = [j for j, line in enumerate(lines) if ": " in line]
        if not colons:
            return draw(st.sampled_from(TAGS)) + text
        j = draw(st.sampled_from(colons))
        key_side = draw(st.booleans())
        line = lines[j]
        if key_side:
            stripped = line.lstrip(" -")
            lines[j] = line[:len(line) - len(stripped)] + draw(st.sampled_from(TAGS)) + stripped
        else:
            lines[j] = line.replace(": ", ": " + draw(st.sampled_from(TAGS)), 1)
        return "\n".join(lines)
    if kind == "duplicate":
        lines.insert(row, lines[row])
        return "\n".join(lines)
    if kind == "nest":
        n = draw(st.integers(50, 3000))
        return text[:at] + "[" * n + "]" * n + text[at:]
    if kind == "bytes":
        raw = text.encode("utf-8")
        junk = draw(st.sampled_from([b"\xff", b"\xc3", b"\xe9", b"\x80\x80", b"\xed\xa0\x80",
                                     b"\xef\xbb\xbf", b"\x00\x00"]))
        return raw[:at] + junk + raw[at:]
    if kind == "number":
        colons = [j for j, line in enumerate(lines) if ": " in line]
        if colons:
            j = draw(st.sampled_from(colons))
            head = lines[j].split(": ", 1)[0]
            lines[j] = f"{head}: {draw(st.sampled_from(NUMBER_TEXTS))}"
        return "\n".join(lines)
    if kind == "tab":
        lines[row] = "\t" + lines[row]
        return "\n".join(lines)
    if kind == "alias":
        lines[row] = lines[row].replace(": ", ": &a ", 1)
        other = draw(st.integers(0, max(len(lines) - 1, 0)))
        lines[other] = lines[other].replace(": ", ": *a #", 1)
        return "\n".join(lines)
    lines[row] = "   " + lines[row]
    return "\n".join(lines)


# --- the invariant ------------------------------------------------------------------------

class Hang(Exception):
    pass


def _on_alarm(signum: int, frame: Any) -> None:
    raise Hang(f"no answer within {TIMEOUT} s")


def _cli(argv: list[str]) -> tuple[int, str, str, list[str]]:
    out, err = io.StringIO(), io.StringIO()
    old = signal.signal(signal.SIGALRM, _on_alarm) if hasattr(signal, "SIGALRM") else None
    if old is not None:
        signal.alarm(TIMEOUT)
    try:
        with warnings.catch_warnings(record=True) as caught, \
                contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            warnings.simplefilter("always")
            code = main(argv)
    finally:
        if old is not None:
            signal.alarm(0)
            signal.signal(signal.SIGALRM, old)
    return code, out.getvalue(), err.getvalue(), [str(w.message) for w in caught]


def _log(argv: list[str], code: int, err: str, path: str) -> None:
    """With ``FUZZ_LOG=file``: one line per input (command, exit code, message) for the record."""
    log = os.environ.get("FUZZ_LOG")
    if log:
        message = err.splitlines()[0][len(path) + 1:][:200] if err else ""
        with open(log, "a", encoding="utf-8") as fh:
            fh.write(json.dumps([argv[0], code, message]) + "\n")


def check(argv: list[str], path: str) -> int:
    """Run the command line and check the invariant; return the exit code."""
    code, out, err, caught = _cli(argv)
    _log(argv, code, err, path)
    what = f"{argv} gave exit {code}\nstdout: {out[:500]!r}\nstderr: {err[:1000]!r}"
    assert not caught, f"{what}\nwarnings: {caught}"
    if code == 0:
        assert err == "", what
        if argv[0] == "run":
            json.loads(out)
        else:
            assert out.startswith(f"{path}: ok ("), what
        return code
    assert code == 2, what
    assert out == "", what
    assert err.endswith("\n") and err.count("\n") == 1, what
    line = err[:-1]
    assert len(line) <= MAX_LINE, what
    assert line.startswith(f"{path}:") or line.startswith(f"{path} "), what
    assert line.isprintable(), what
    return code


@pytest.fixture(scope="module")
def seeds() -> dict[str, tuple[str, Any]]:
    out = {}
    for path in SEEDS:
        text = Path(path).read_text(encoding="utf-8")
        out[path] = (text, load_yaml(text, path)[0])
    return out


@pytest.fixture(scope="module")
def target(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz") / "mutant.yaml"


def _write(target: Path, content: str | bytes) -> None:
    if isinstance(content, bytes):
        target.write_bytes(content)
    else:
        target.write_bytes(content.encode("utf-8", "surrogatepass"))


def test_seeds_are_valid(seeds, target):
    for path, (text, _) in seeds.items():
        _write(target, text)
        assert check(["validate", str(target)], str(target)) == 0, path


@settings(max_examples=DEEP_VALIDATE if DEEP else DEFAULT_VALIDATE,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                 HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_validate_mutants(seeds, target, data):
    path = data.draw(st.sampled_from(SEEDS))
    text, tree = seeds[path]
    content: str | bytes = text
    mode = data.draw(st.sampled_from(["tree"] * 12 + ["text"] * 5 + ["both"] * 3))
    if mode != "text":
        tree = copy.deepcopy(tree)
        for _ in range(data.draw(st.integers(1, 3))):
            tree = _mutate(tree, data.draw)
        content = _dump(tree)
    if mode != "tree":
        for _ in range(data.draw(st.integers(1, 2))):
            if isinstance(content, str):
                content = _text_mutation(content, data.draw)
    _write(target, content)
    check(["validate", str(target)], str(target))


@settings(max_examples=DEEP_RUN if DEEP else DEFAULT_RUN,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                 HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_run_mutants(seeds, target, data):
    path = data.draw(st.sampled_from(SEEDS))
    tree = copy.deepcopy(seeds[path][1])
    for _ in range(data.draw(st.integers(0, 3))):
        if data.draw(st.integers(0, 3)):
            tree = _nudge(tree, data.draw)
        else:
            tree = _mutate(tree, data.draw, avoid="analysis")
    if isinstance(tree, dict):
        tree["analysis"] = {"grid": data.draw(st.integers(2, 9))}
    _write(target, _dump(tree))
    check(["run", str(target), "--format", "json"], str(target))
