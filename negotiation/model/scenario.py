"""The validated, immutable scenario model (what a scenario file means)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from .issues import Issue, OutcomeSpace
from .values import ValueFunction


@dataclass(frozen=True)
class BatnaOutcome:
    """Reservation value = utility of ``outcome`` minus ``cost``."""

    outcome: dict[str, float | str]
    cost: float = 0.0


@dataclass(frozen=True)
class BatnaConflict:
    """Reservation value from the scenario's ``conflict`` lottery."""


Batna = float | BatnaOutcome | BatnaConflict


@dataclass(frozen=True)
class Conflict:
    """Continued war as a lottery over outcomes, with a cost per party."""

    outcomes: tuple[tuple[float, dict[str, float | str]], ...]
    costs: dict[str, float] = field(default_factory=dict)
    evidence: Any = None


@dataclass(frozen=True)
class Party:
    name: str
    weights: tuple[float, ...]
    values: tuple[ValueFunction, ...]
    batna: Batna
    veto: bool = True
    power: float = 1.0
    evidence: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Proposal:
    name: str
    outcome: dict[str, float | str]
    source: Any = None
    evidence: Any = None


@dataclass(frozen=True)
class Scenario:
    """A bargaining problem: issues, parties, the conflict and proposals.

    Build one with :func:`negotiation.load_scenario` (from a file) or
    :func:`negotiation.scenario_from_dict` (from a mapping in code); both
    validate the input the same way.
    """

    title: str
    issues: tuple[Issue, ...]
    parties: tuple[Party, ...]
    date: str | None = None
    file: str | None = None
    conflict: Conflict | None = None
    proposals: tuple[Proposal, ...] = ()
    sources: dict[str, Any] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)
    lines: dict[tuple, int] = field(default_factory=dict, repr=False, compare=False)

    @cached_property
    def space(self) -> OutcomeSpace:
        return OutcomeSpace(self.issues)

    @property
    def party_names(self) -> list[str]:
        return [p.name for p in self.parties]

    @property
    def issue_names(self) -> list[str]:
        return [i.name for i in self.issues]

    def party(self, name: str) -> Party:
        for p in self.parties:
            if p.name == name:
                return p
        raise KeyError(name)
