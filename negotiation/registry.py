"""The registry of analyses: each analysis is declared once, every output iterates over it.

An :class:`Analysis` says everything the outputs need to know about one
analysis: its key (the JSON name), its label, its plot marker, the function
that computes it, what it adds to the JSON, the text report and the brief,
and its method note (a short text and an anchor in ``docs/methods.md``).
:func:`negotiation.analyse` computes every registered analysis;
:meth:`Report.to_dict`, :meth:`Report.to_text`, the figures, the comparison
and the brief show each one by iterating over :func:`analyses`.

There are two kinds:

``"solution"``
    picks one package (its result is a :class:`~negotiation.solve.results.Point`
    such as a :class:`~negotiation.solve.results.Solution`, or ``None``). Its
    key goes under ``solutions`` in the JSON, it gets a row in the text
    report's and the brief's solutions table, a marker in every figure and in
    the comparison, and a line in the brief's method notes, with no renderer of
    its own.
``"section"``
    anything else (the agreement set, the Pareto frontier, the proposals...).
    It brings its own renderers: ``json`` (top-level keys), ``text`` (a
    section of the text report), ``summary`` (a closing line of the text
    report), ``brief`` (blocks for the brief) and ``packages`` (outcomes to
    mark in the figures and list in the brief's table).

The built-in analyses are registered by the modules of
:mod:`negotiation.analyses`; registration order is the order of the outputs.
``docs/architecture.md`` shows how to add one.
"""

from __future__ import annotations

import contextlib
import importlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from .model.scenario import Scenario
    from .report import Report
    from .solve.problem import Problem

__all__ = [
    "Analysis",
    "Context",
    "Marker",
    "MethodNote",
    "Package",
    "analyses",
    "get",
    "register",
    "registered",
    "unregister",
]

KINDS = ("solution", "section")
METHODS_PAGE = "docs/methods.md"


@dataclass(frozen=True)
class Marker:
    """How an analysis's packages are drawn: a matplotlib marker and its size in points."""

    symbol: str
    size: float = 9.0


@dataclass(frozen=True)
class MethodNote:
    """One or two sentences on the method, and the heading in ``docs/methods.md`` that
    explains it (``anchor`` as GitHub writes it: ``the-bargaining-solutions``)."""

    text: str
    anchor: str

    @property
    def ref(self) -> str:
        return f"{METHODS_PAGE}#{self.anchor}"


@dataclass(frozen=True)
class Package:
    """An outcome an analysis points at: marked in the figures, a row in the brief's table."""

    key: str  # solution key, proposal name, "closest"
    label: str  # text next to the marker and in tables
    kind: str  # "solution", "proposal", "closest", ...
    outcome: Mapping[str, Any]  # issue -> value (float or level name)
    utilities: Mapping[str, float]  # party -> utility
    marker: Marker
    coords: Any = None  # issue coordinates (numpy array) when known
    acceptable: bool = True  # every veto party accepts (a filled marker)
    accepted_by: tuple[str, ...] = ()
    exact: bool = True  # False: grid-accurate only
    status: str = ""  # short text for tables ("accepted", ...)
    table: bool = True  # a row in the brief's table (False: drawn in the figures only)
    legend: str = ""  # the legend entry of its marker when one analysis draws several


@dataclass(frozen=True)
class Analysis:
    """One analysis, declared once (see the module docstring)."""

    key: str
    label: str
    compute: Callable[[Context], Any]
    kind: str = "section"
    marker: Marker | None = None
    method: MethodNote | None = None
    json: Callable[[Report, Any], Mapping[str, Any]] | None = None
    text: Callable[[Report, Any], list[str]] | None = None
    summary: Callable[[Report, Any], str | None] | None = None
    brief: Callable[[Report, Any], list[Any]] | None = None
    packages: Callable[[Report, Any], list[Package]] | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"analysis {self.key!r}: kind must be one of {KINDS}")
        if not self.key.isidentifier():
            raise ValueError(
                f"analysis key {self.key!r} must be a Python identifier (it is a JSON key)"
            )
        if self.kind == "solution" and self.marker is None:
            raise ValueError(f"solution {self.key!r} needs a marker for the figures")

    def packages_of(self, report: Report, result: Any) -> list[Package]:
        """The packages this analysis marks, given its result in ``report``."""
        if self.packages is not None:
            return list(self.packages(report, result))
        if self.kind == "solution" and result is not None:
            assert self.marker is not None
            return [
                Package(
                    self.key,
                    self.label,
                    "solution",
                    dict(result.outcome),
                    dict(result.utilities),
                    self.marker,
                    getattr(result, "coords", None),
                    exact=bool(getattr(result, "exact", True)),
                    status="solution",
                )
            ]
        return []


# --------------------------------------------------------------------------- the registry
_REGISTRY: dict[str, Analysis] = {}
_BUILTINS = "negotiation.analyses"
_state = {"loaded": False}


def _load_builtins() -> None:
    if not _state["loaded"]:
        _state["loaded"] = True
        importlib.import_module(_BUILTINS)


def register(analysis: Analysis, *, after: str | None = None) -> Analysis:
    """Add ``analysis`` to the registry (at the end, or right after the key ``after``).

    A key can be registered once; :func:`unregister` it first to replace it.
    Returns the analysis, so a module can keep it under a name.
    """
    _load_builtins()
    if analysis.key in _REGISTRY:
        raise ValueError(f"an analysis {analysis.key!r} is already registered")
    if after is None:
        _REGISTRY[analysis.key] = analysis
        return analysis
    if after not in _REGISTRY:
        raise KeyError(f"no analysis {after!r} to register {analysis.key!r} after")
    items = list(_REGISTRY.items())
    j = [k for k, _ in items].index(after) + 1
    items.insert(j, (analysis.key, analysis))
    _REGISTRY.clear()
    _REGISTRY.update(items)
    return analysis


def unregister(key: str) -> Analysis:
    """Remove the analysis ``key`` from the registry and return it."""
    _load_builtins()
    return _REGISTRY.pop(key)


@contextlib.contextmanager
def registered(analysis: Analysis, *, after: str | None = None) -> Iterator[Analysis]:
    """``with registered(a):`` the analysis is registered inside the block only."""
    register(analysis, after=after)
    try:
        yield analysis
    finally:
        _REGISTRY.pop(analysis.key, None)


def analyses(kind: str | None = None) -> tuple[Analysis, ...]:
    """The registered analyses in output order (only those of ``kind`` when given)."""
    _load_builtins()
    return tuple(a for a in _REGISTRY.values() if kind is None or a.kind == kind)


def get(key: str) -> Analysis:
    """The registered analysis ``key``."""
    _load_builtins()
    return _REGISTRY[key]


# --------------------------------------------------------------------------- computing
class Context:
    """What a compute function gets: the scenario, the problem and the other results.

    ``ctx[key]`` is the result of the analysis ``key``, computed on first use
    (so an analysis may use others without caring about registration order);
    a cycle raises :class:`RuntimeError`.
    """

    def __init__(
        self, scenario: Scenario, problem: Problem, registry: tuple[Analysis, ...] | None = None
    ) -> None:
        self.scenario = scenario
        self.problem = problem
        self._analyses = {a.key: a for a in (analyses() if registry is None else registry)}
        self._results: dict[str, Any] = {}
        self._running: list[str] = []

    def __getitem__(self, key: str) -> Any:
        if key in self._results:
            return self._results[key]
        if key in self._running:
            chain = " -> ".join(self._running[self._running.index(key) :] + [key])
            raise RuntimeError(f"analyses depend on each other in a cycle: {chain}")
        self._running.append(key)
        try:
            result = self._analyses[key].compute(self)
        finally:
            self._running.pop()
        self._results[key] = result
        return result

    def solutions(self) -> dict[str, Any]:
        """Every solution-kind result, keyed and ordered as registered."""
        return {k: self[k] for k, a in self._analyses.items() if a.kind == "solution"}

    def results(self) -> dict[str, Any]:
        """Every registered analysis computed, in registration order."""
        return {k: self[k] for k in self._analyses}
