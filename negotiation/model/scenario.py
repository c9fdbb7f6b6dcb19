"""The validated, immutable scenario model (what a scenario file means)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from .issues import Issue, OutcomeSpace
from .values import ValueFunction

if TYPE_CHECKING:  # pragma: no cover
    from ..scenario.assumptions import Assumption
    from ..scenario.replace import Changes


@dataclass(frozen=True)
class BatnaOutcome:
    """Reservation value = utility of ``outcome`` minus ``cost``.

    Attributes
    ----------
    outcome : dict
        The fallback outcome, ``{issue: value}`` (every issue set).
    cost : float
        Subtracted from the outcome's utility.
    """

    outcome: dict[str, float | str]
    cost: float = 0.0


@dataclass(frozen=True)
class BatnaConflict:
    """Reservation value from the scenario's ``conflict`` lottery.

    The expected utility of the lottery minus the party's cost in
    ``Conflict.costs``.
    """


Batna = float | BatnaOutcome | BatnaConflict


@dataclass(frozen=True)
class Conflict:
    """Continued war as a lottery over outcomes, with a cost per party.

    Attributes
    ----------
    outcomes : tuple of (float, dict)
        ``(probability, outcome)`` pairs; the probabilities sum to 1.
    costs : dict
        Each party's cost of fighting, for every party (0 when the file lists
        none).
    evidence : object
        The ``conflict.evidence`` entries as plain data.
    """

    outcomes: tuple[tuple[float, dict[str, float | str]], ...]
    costs: dict[str, float] = field(default_factory=dict)
    evidence: Any = None
    private_costs: dict[str, Any] = field(default_factory=dict)
    shift: Any = None


@dataclass(frozen=True)
class Party:
    """One party: its priorities, value functions and fallback.

    Attributes
    ----------
    name : str
        The key in the file.
    weights : tuple of float
        Per issue (scenario order), normalised to sum 1.
    values : tuple of ValueFunction
        Per issue, the value function (``IdealValue``, ``PointsValue`` or
        ``LevelValue``).
    batna : float, BatnaOutcome or BatnaConflict
        The fallback that sets the reservation value.
    veto : bool
        Whether the party must agree to a deal.
    power : float
        Bargaining power (exponent in the weighted Nash solution).
    capability : float or None
        Capability in the forecasting models (``None``: use ``power``).
    discount : float
        Per-round discount factor in alternating-offers bargaining (0 < δ ≤ 1).
    outside_option : float or None
        A utility the party can take after rejecting an offer (``None``: none).
    recognition : float or None
        Probability of being recognised as proposer in multilateral bargaining
        (``None``: the loader's default, equal shares of what is left).
    evidence : dict
        The party's evidence entries as plain data, by parameter.
    """

    name: str
    weights: tuple[float, ...]
    values: tuple[ValueFunction, ...]
    batna: Batna
    veto: bool = True
    power: float = 1.0
    evidence: dict[str, Any] = field(default_factory=dict)
    capability: float | None = None
    discount: float = 1.0
    outside_option: float | None = None
    recognition: float | None = None

    @property
    def forecast_capability(self) -> float:
        """Capability in the forecasting models: ``capability``, else ``power``."""
        return self.power if self.capability is None else self.capability


@dataclass(frozen=True)
class Proposal:
    """A package on the table.

    Attributes
    ----------
    name : str
        The key in the file.
    outcome : dict
        ``{issue: value}`` for every issue.
    source : object
        Who tabled it (free text from the file), or ``None``.
    evidence : object
        Its evidence entries as plain data.
    """

    name: str
    outcome: dict[str, float | str]
    source: Any = None
    evidence: Any = None


@dataclass(frozen=True)
class Scenario:
    """A bargaining problem: issues, parties, the conflict and proposals.

    Build one with :func:`negotiation.load_scenario` (from a file) or
    :func:`negotiation.scenario_from_dict` (from a mapping in code); both
    validate the input the same way. :meth:`replace` makes a changed copy.

    Attributes
    ----------
    title, date : str
        As in the file.
    file : str or None
        The scenario file (``None`` for a mapping built in code).
    issues : tuple of Issue
        The issues, in file order.
    parties : tuple of Party
        The parties, in file order; weights normalised to sum 1.
    conflict : Conflict or None
        The war lottery and each party's cost (every party listed; 0 when the
        file gives none).
    proposals : tuple of Proposal
        The packages on the table.
    sources : dict
        The documents evidence cites, by id.
    games : dict or None
        The ``games`` block, ``{name: GameSpec}`` (:mod:`negotiation.games.spec`).
    constraints : tuple
        Linear constraints between continuous issues.
    bargaining : object or None
        Options of the non-cooperative bargaining models (the ``bargaining`` block).
    ratification : object or None
        Each party's ratifiers (the ``ratification`` block).
    notes : tuple of str
        Loader notes (weights normalised, no batna given).
    raw : dict
        The mapping as read (not compared by ``==``; do not change it in place).
    lines : dict
        Line of every field in ``file``, keyed by path tuple (not compared).
    texts : dict
        Every number, ``true``/``false`` and ``null`` as written in ``file``,
        keyed by path tuple, for messages (not compared).
    """

    title: str
    issues: tuple[Issue, ...]
    parties: tuple[Party, ...]
    date: str | None = None
    file: str | None = None
    conflict: Conflict | None = None
    proposals: tuple[Proposal, ...] = ()
    sources: dict[str, Any] = field(default_factory=dict)
    games: Any = None
    constraints: tuple[Any, ...] = ()
    bargaining: Any = None
    ratification: Any = None
    notes: tuple[str, ...] = ()
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)
    lines: dict[tuple, int] = field(default_factory=dict, repr=False, compare=False)
    texts: dict[tuple, str] = field(default_factory=dict, repr=False, compare=False)

    @cached_property
    def space(self) -> OutcomeSpace:
        """The outcome grid (:class:`~negotiation.model.issues.OutcomeSpace`)."""
        return OutcomeSpace(self.issues)

    @property
    def party_names(self) -> list[str]:
        """Party names in file order."""
        return [p.name for p in self.parties]

    @property
    def issue_names(self) -> list[str]:
        """Issue names in file order."""
        return [i.name for i in self.issues]

    def party(self, name: str) -> Party:
        """The party called ``name`` (``KeyError`` if there is none)."""
        for p in self.parties:
            if p.name == name:
                return p
        raise KeyError(name)

    def replace(self, changes: Changes) -> Scenario:
        """A new scenario with some fields of the file changed, validated like a file.

        Parameters
        ----------
        changes : mapping
            ``{dotted path: new value}``. Paths are those of the error messages:
            ``parties.russia.batna``, ``parties.ukraine.weights.territory``,
            ``parties.ukraine.values.territory.points`` (or a whole value
            function), ``parties.russia.values.nato.renounced``,
            ``conflict.costs.ukraine``, ``conflict.outcomes.0.probability``,
            ``issues.territory.range``, ``proposals.p1.outcome.nato`` (also
            ``proposals.p1.nato``), ``analysis.grid``. List positions count
            from 0; one past the end appends. A path that does not exist yet
            is created (a cost for a party that has none). Values are written
            as in a file (numbers, text, lists, mappings); tuples and numpy
            numbers are accepted. A tuple of parts may stand for a dotted path
            when a name contains a dot.

        Returns
        -------
        Scenario
            A new scenario built by the loader from a changed copy of ``raw``:
            same checks, weight normalisation and notes as a file; ``raw``
            holds the new values and ``file`` stays the same. ``self`` is not
            changed.

        Raises
        ------
        ScenarioError
            If a path or a value is not valid; the message names the file, the
            field and, when known, the line of the field being replaced.

        Examples
        --------
        >>> s2 = scenario.replace({"parties.russia.batna": 0.4,
        ...                        "conflict.costs.ukraine": 0.1})  # doctest: +SKIP
        """
        from ..scenario.replace import replace_scenario

        return replace_scenario(self, changes)

    @property
    def assumptions(self) -> list[Assumption]:
        """Every parameter marked ``assumption: true``, with path, value and range.

        The same as :func:`negotiation.assumptions` (see there).
        """
        from ..scenario.assumptions import assumptions

        return assumptions(self)
