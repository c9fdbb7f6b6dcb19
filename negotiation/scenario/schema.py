"""The scenario file's structure (format v1) as pydantic models.

This layer checks shapes and types: known keys only, numbers finite and in
range, required fields present. Cross-references (a weight for an issue that
exists, a level that exists, probabilities that sum to 1) are checked when the
file is turned into a :class:`~negotiation.model.scenario.Scenario`
(:mod:`negotiation.scenario.load`). ``docs/scenario-format.md`` documents
every key.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Finite = Annotated[float, Field(allow_inf_nan=False)]
Unit = Annotated[float, Field(ge=0.0, le=1.0, allow_inf_nan=False)]
NonNeg = Annotated[float, Field(ge=0.0, allow_inf_nan=False)]
Positive = Annotated[float, Field(gt=0.0, allow_inf_nan=False)]
Name = Annotated[str, Field(min_length=1)]
OutcomeSpec = dict[str, float | str]
Pair = Annotated[list[Finite], Field(min_length=2, max_length=2)]


class Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class EvidenceSpec(Spec):
    """Where a parameter comes from, or that it is an assumption."""

    source: Name | None = None
    note: str | None = None
    confidence: Literal["high", "medium", "low"] | None = None
    assumption: bool = False
    range: Pair | None = None


Evidence = EvidenceSpec | list[EvidenceSpec]


class SourceSpec(Spec):
    file: str | None = None
    title: str | None = None
    section: str | None = None
    outlet: str | None = None
    date: str | None = None
    url: str | None = None
    note: str | None = None


class IssueSpec(Spec):
    range: Pair | None = None
    levels: list[str] | None = None
    description: str | None = None
    unit: str | None = None
    evidence: dict[str, Evidence] | Evidence | None = None


class IdealSpec(Spec):
    ideal: Finite
    exponent: Positive = 1.0
    worst: Finite | None = None


class PointsSpec(Spec):
    points: list[Pair] = Field(min_length=2)


class BatnaOutcomeSpec(Spec):
    outcome: OutcomeSpec
    cost: Finite = 0.0


class PartySpec(Spec):
    label: str | None = None
    description: str | None = None
    weights: dict[str, NonNeg]
    values: dict[str, Any]
    veto: bool = True
    power: Positive = 1.0
    capability: Positive | None = None
    discount: Annotated[float, Field(gt=0.0, le=1.0, allow_inf_nan=False)] = 1.0
    outside_option: Finite | None = None
    recognition: Unit | None = None
    batna: Any = None
    evidence: dict[str, Evidence] = Field(default_factory=dict)


class LotteryOutcomeSpec(Spec):
    probability: Unit
    outcome: OutcomeSpec
    label: str | None = None


class ConflictSpec(Spec):
    description: str | None = None
    outcomes: list[LotteryOutcomeSpec] = Field(min_length=1)
    costs: dict[str, Finite] = Field(default_factory=dict)
    # private information and shifting power (issue 12): validated by the loader
    private_costs: dict[str, Any] = Field(default_factory=dict)
    shift: Any = None
    evidence: dict[str, Evidence] | Evidence | None = None


class ProposalSpec(Spec):
    outcome: OutcomeSpec
    description: str | None = None
    source: str | None = None
    evidence: Evidence | None = None


GridSize = Annotated[int, Field(ge=2, le=100_000)]


class AnalysisSpec(Spec):
    grid: GridSize | dict[str, GridSize] = 101


class ScenarioSpec(Spec):
    format: Literal[1] = 1
    title: Name
    date: str | None = None
    description: str | None = None
    issues: dict[str, IssueSpec] = Field(min_length=1)
    parties: dict[str, PartySpec] = Field(min_length=1)
    conflict: ConflictSpec | None = None
    proposals: dict[str, ProposalSpec] = Field(default_factory=dict)
    sources: dict[str, SourceSpec] = Field(default_factory=dict)
    evidence: dict[str, Evidence] = Field(default_factory=dict)
    analysis: AnalysisSpec = Field(default_factory=AnalysisSpec)
    # blocks validated by their own modules (shapes checked there, with located errors)
    games: Any = None
    constraints: list[str] = Field(default_factory=list)
    bargaining: Any = None
    ratification: Any = None
