"""Gambit's strategic-form ``.nfg`` files: reading (both versions) and writing.

The format (Gambit documentation, "The strategic game (.nfg) file format"):

    NFG 1 R "title" { "Player 1" "Player 2" } <strategies> ["comment"] <payoffs>

Whitespace is not significant; text is in double quotes (``\\"`` inside);
numbers are integers, decimals or rationals (``1/3``), all exact. Two versions:

* **payoff version**: ``<strategies>`` is a list of strategy counts
  (``{ 3 2 }``) and ``<payoffs>`` a flat list of every player's payoff at
  every profile;
* **outcome version**: ``<strategies>`` is a nested list of strategy names
  (``{ { "a" "b" } { "c" "d" } }``), followed by a list of outcomes
  (``{ "name" 1, 2 }``, payoffs optionally separated by commas) and a flat
  list of outcome numbers, one per profile (``0`` is the null outcome: all
  payoffs 0).

Profiles are listed with the **first** player's strategy changing fastest.
The reader keeps the payoffs exactly (:class:`~fractions.Fraction`); the
writer writes the outcome version with strategy names, each payoff as a
decimal when it is one and as ``p/q`` otherwise, so a game read back is the
same game.
"""

from __future__ import annotations

import os
import re
from fractions import Fraction
from itertools import product

import numpy as np

from ..errors import ScenarioError
from .game import NormalFormGame

_NUMBER = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?(?:/\d+)?$")


class _Tokens:
    def __init__(self, text: str, file: str | None):
        self.file = file
        self.items: list[tuple[str, str, int]] = []  # (kind, text, line)
        i, line, n = 0, 1, len(text)
        while i < n:
            ch = text[i]
            if ch == "\n":
                line += 1
                i += 1
            elif ch.isspace() or ch == ",":
                i += 1
            elif ch in "{}":
                self.items.append((ch, ch, line))
                i += 1
            elif ch == '"':
                start_line = line
                j = i + 1
                buf = []
                while j < n and text[j] != '"':
                    if text[j] == "\\" and j + 1 < n and text[j + 1] == '"':
                        buf.append('"')
                        j += 2
                        continue
                    if text[j] == "\n":
                        line += 1
                    buf.append(text[j])
                    j += 1
                if j >= n:
                    raise ScenarioError(
                        "text opened with '\"' is never closed", "", file, start_line
                    )
                self.items.append(("str", "".join(buf), start_line))
                i = j + 1
            else:
                j = i
                while j < n and not text[j].isspace() and text[j] not in '{}",':
                    j += 1
                self.items.append(("word", text[i:j], line))
                i = j
        self.pos = 0

    def line(self) -> int | None:
        if self.pos < len(self.items):
            return self.items[self.pos][2]
        return self.items[-1][2] if self.items else 1

    def error(self, message: str) -> ScenarioError:
        return ScenarioError(message, "", self.file, self.line())

    def peek(self) -> tuple[str, str, int] | None:
        return self.items[self.pos] if self.pos < len(self.items) else None

    def next_is(self, kind: str) -> bool:
        """Is the next token of this kind (``False`` at the end of the file)?"""
        return self.pos < len(self.items) and self.items[self.pos][0] == kind

    def take(self, kind: str | None = None, what: str = "") -> tuple[str, str, int]:
        tok = self.peek()
        if tok is None:
            raise self.error(f"the file ends where {what or kind} was expected")
        if kind is not None and tok[0] != kind:
            shown = tok[1] if tok[0] != "str" else f'"{tok[1]}"'
            raise self.error(f"expected {what or kind}, found {shown!r}")
        self.pos += 1
        return tok

    def number(self, what: str) -> Fraction:
        kind, text, _ = self.take("word", what)
        if not _NUMBER.match(text):
            self.pos -= 1
            raise self.error(f"expected {what}, found {text!r}")
        try:
            return Fraction(text)
        except (ValueError, ZeroDivisionError):
            self.pos -= 1
            raise self.error(f"{text!r} is not a number") from None

    def strings(self, what: str) -> list[str]:
        self.take("{", f"'{{' opening the {what}")
        out = []
        while self.next_is("str"):
            out.append(self.take("str")[1])
        self.take("}", f"'}}' closing the {what}")
        return out


def parse_nfg(text: str, file: str | None = None) -> NormalFormGame:
    """A game from the text of an ``.nfg`` file (either version); errors name the line."""
    tk = _Tokens(text, file)
    head = tk.take("word", "'NFG'")
    if head[1] != "NFG":
        tk.pos -= 1
        raise tk.error(f"an .nfg file starts with 'NFG', not {head[1]!r}")
    version = tk.take("word", "the version number 1")
    if version[1] != "1":
        tk.pos -= 1
        raise tk.error(f"only version 1 of the .nfg format exists, not {version[1]!r}")
    kind = tk.take("word", "'R'")
    if kind[1] not in ("R", "D"):
        tk.pos -= 1
        raise tk.error(f"expected 'R' after 'NFG 1', found {kind[1]!r}")
    title = tk.take("str", "the title in double quotes")[1]
    players = tk.strings("list of players")
    if not players:
        raise tk.error("the game has no players")
    n = len(players)
    tk.take("{", "'{' opening the strategies")
    nxt = tk.peek()
    if nxt is None:
        raise tk.error("the file ends inside the strategies")
    if nxt[0] == "{":  # outcome version
        tk.pos -= 1
        tk.take("{")
        strategies = []
        for p in range(n):
            names = tk.strings(f"strategies of player {players[p]!r}")
            if not names:
                raise tk.error(f"player {players[p]!r} has no strategies")
            strategies.append(names)
        tk.take("}", "'}' closing the strategies")
        if tk.next_is("str"):
            tk.take("str")  # comment
        shape = tuple(len(s) for s in strategies)
        tk.take("{", "'{' opening the outcomes")
        outcomes: list[list[Fraction]] = []
        while tk.next_is("{"):
            tk.take("{")
            if tk.next_is("str"):
                tk.take("str")
            pays = [tk.number(f"payoff {j + 1} of outcome {len(outcomes) + 1}") for j in range(n)]
            tk.take("}", f"'}}' closing outcome {len(outcomes) + 1} ({n} payoffs expected)")
            outcomes.append(pays)
        tk.take("}", "'}' closing the outcomes")
        flat = []
        total = int(np.prod(shape))
        for k in range(total):
            tok = tk.peek()
            if tok is None:
                raise tk.error(f"{total} outcome numbers expected (one per profile), found {k}")
            num = tk.number("an outcome number")
            if num.denominator != 1 or not 0 <= num <= len(outcomes):
                tk.pos -= 1
                raise tk.error(
                    f"outcome number {num} does not exist (1..{len(outcomes)}, "
                    "or 0 for the null outcome)"
                )
            o = int(num)
            flat.append([Fraction(0)] * n if o == 0 else outcomes[o - 1])
    else:  # payoff version
        counts = []
        while tk.next_is("word"):
            c = tk.number("a number of strategies")
            if c.denominator != 1 or c < 1:
                tk.pos -= 1
                raise tk.error(f"a number of strategies must be a positive integer, not {c}")
            counts.append(int(c))
        tk.take("}", "'}' closing the numbers of strategies")
        if len(counts) != n:
            raise tk.error(f"{n} players but {len(counts)} numbers of strategies")
        strategies = [[str(j + 1) for j in range(c)] for c in counts]
        if tk.next_is("str"):
            tk.take("str")
        shape = tuple(counts)
        total = int(np.prod(shape))
        values: list[Fraction] = []
        while tk.peek() is not None and len(values) < total * n:
            values.append(tk.number(f"a payoff (profile {len(values) // n + 1})"))
        if len(values) < total * n:
            raise tk.error(
                f"{total * n} payoffs expected ({total} profiles x {n} "
                f"players), found {len(values)}"
            )
        flat = [values[k * n : (k + 1) * n] for k in range(total)]
    extra = tk.peek()
    if extra is not None:
        raise tk.error(f"unexpected {extra[1]!r} after the last payoff")
    exact = np.empty((n,) + shape, dtype=object)
    # profiles in the file: the first player's strategy changes fastest
    for k, prof in enumerate(product(*[range(s) for s in reversed(shape)])):
        idx = tuple(reversed(prof))
        for p in range(n):
            exact[(p,) + idx] = flat[k][p]
    pay = np.vectorize(float, otypes=[float])(exact)
    try:
        return NormalFormGame(
            tuple(players),
            tuple(tuple(s) for s in strategies),
            pay,
            title=title,
            exact=exact,
            origin={"kind": "nfg", "file": file},
        )
    except ValueError as exc:
        raise ScenarioError(str(exc), "", file, 1) from None


def read_nfg(path: str | os.PathLike) -> NormalFormGame:
    """Read an ``.nfg`` file (a :class:`~negotiation.errors.ScenarioError` names its problems)."""
    from ..scenario.source import read_text

    name = os.fspath(path)
    return parse_nfg(read_text(name), name)


def _number(x: Fraction) -> str:
    x = Fraction(x)
    if x.denominator == 1:
        return str(x.numerator)
    d = x.denominator
    for k in range(1, 31):
        if (10**k) % d == 0:
            return _decimal(x, k)
    return f"{x.numerator}/{x.denominator}"


def _decimal(x: Fraction, k: int) -> str:
    scaled = x * 10**k
    sign = "-" if scaled < 0 else ""
    digits = str(abs(scaled.numerator)).rjust(k + 1, "0")
    return f"{sign}{digits[:-k]}.{digits[-k:]}".rstrip("0").rstrip(".")


def _quote(text: str) -> str:
    return '"' + str(text).replace('"', '\\"') + '"'


def to_nfg(game: NormalFormGame) -> str:
    """The game as an ``.nfg`` file (outcome version), exact payoffs."""
    q = game.rational()
    n = game.n_players
    lines = [
        f"NFG 1 R {_quote(game.title)} {{ {' '.join(_quote(p) for p in game.players)} }}",
        "",
        "{",
    ]
    for ss in game.strategies:
        lines.append("{ " + " ".join(_quote(s) for s in ss) + " }")
    lines.append("}")
    lines.append(_quote(game.description or ""))
    lines.append("")
    lines.append("{")
    shape = game.shape
    order = []
    for prof in product(*[range(s) for s in reversed(shape)]):
        idx = tuple(reversed(prof))
        order.append(idx)
        lines.append('{ "" ' + ", ".join(_number(q[(p,) + idx]) for p in range(n)) + " }")
    lines.append("}")
    lines.append(" ".join(str(k + 1) for k in range(len(order))))
    return "\n".join(lines) + "\n"


__all__ = ["parse_nfg", "read_nfg", "to_nfg"]
