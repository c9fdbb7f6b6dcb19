"""Frozen results of the forecasting models, recording model, options and parameters.

:class:`IssueForecast` is one model's forecast on one issue; :class:`Forecasts`
is every model on every issue of an :class:`~negotiation.forecast.actors.ActorTable`
(with each model's options); :class:`Accuracy` is the mean absolute error of
each model against known outcomes. Each has ``to_dict()`` giving the JSON of
``negotiation forecast --format json``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

    from .actors import ActorTable


def _num(v: float | None) -> float | None:
    return None if v is None or not math.isfinite(v) else float(v)


DEGENERATE = "degenerate: no actor has weight on this issue"


@dataclass(frozen=True, eq=False)
class IssueForecast:
    """One model's forecast on one issue.

    Attributes
    ----------
    model : str
        The model's key (``compromise``, ``median``, ``expected_utility``, ``exchange``).
    issue : str
        The issue.
    forecast : float or None
        The forecast on the issue's scale; ``None`` when the model cannot say
        (``message`` says why).
    level : str or None
        On a discrete scenario issue, the level nearest to ``forecast``
        (``None`` when ``forecast`` is exactly half-way between two levels).
    between : (str, str) or None
        On a discrete issue, the two levels ``forecast`` lies exactly half-way
        between (a tie: no level is chosen).
    rounds : int or None
        Rounds played (dynamic models).
    median_path : tuple of float or None
        The weighted median before the first round and after each round
        (expected-utility model).
    outcome_path : tuple of float or None
        The expected outcome before the first round and after each (exchange model).
    positions : dict or None
        Each actor's final position (dynamic models).
    path : ndarray or None
        ``(rounds + 1, actors)`` positions by round, for the trajectory plot.
    converged : bool or None
        Whether the stopping rule ended the run (``False``: the round cap did).
    message : str
        ``""``, or what went wrong or is worth knowing, in words.
    """

    model: str
    issue: str
    forecast: float | None
    level: str | None = None
    rounds: int | None = None
    median_path: tuple[float, ...] | None = None
    outcome_path: tuple[float, ...] | None = None
    positions: Mapping[str, float] | None = None
    path: np.ndarray | None = field(default=None, repr=False)
    converged: bool | None = None
    message: str = ""
    between: tuple[str, str] | None = None

    @classmethod
    def static(cls, model: str, issue: Any, value: float) -> IssueForecast:
        """The forecast of a one-shot model (compromise, median) on ``issue`` (an
        :class:`~negotiation.forecast.actors.Issue`): its value, the nearest level or the
        tie, or "degenerate" when ``value`` is not finite."""
        value = float(value)
        if not math.isfinite(value):
            return cls(model, issue.name, None, message=DEGENERATE)
        return cls(
            model,
            issue.name,
            float(value),
            level=issue.nearest_level(value),
            between=issue.between_levels(value),
        )

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"forecast": _num(self.forecast)}
        if self.level is not None:
            out["level"] = self.level
        if self.between is not None:
            out["level"] = None
            out["between"] = list(self.between)
        if self.rounds is not None:
            out["rounds"] = self.rounds
        if self.median_path is not None:
            out["median_path"] = [_num(v) for v in self.median_path]
        if self.outcome_path is not None:
            out["outcome_path"] = [_num(v) for v in self.outcome_path]
        if self.positions is not None:
            out["positions"] = {k: _num(v) for k, v in self.positions.items()}
        if self.converged is not None:
            out["converged"] = self.converged
        if self.message:
            out["message"] = self.message
        return out


@dataclass(frozen=True, eq=False)
class Forecasts:
    """Every requested model on every issue of a table.

    ``issues[issue][model]`` is an :class:`IssueForecast`; ``options[model]``
    the options the model ran with (every default spelled out).
    """

    table: ActorTable
    models: tuple[str, ...]
    options: Mapping[str, Mapping[str, Any]]
    issues: Mapping[str, Mapping[str, IssueForecast]]

    def get(self, issue: str, model: str) -> IssueForecast:
        return self.issues[issue][model]

    def to_dict(self) -> dict[str, Any]:
        from . import LABELS

        return {
            "models": {
                m: {"label": LABELS[m], "options": dict(self.options.get(m, {}))}
                for m in self.models
            },
            "issues": {
                issue: {m: f.to_dict() for m, f in per.items()}
                for issue, per in self.issues.items()
            },
        }


@dataclass(frozen=True)
class ModelAccuracy:
    """Errors of one model over the issues with a known outcome.

    ``mae``: mean absolute error on the issues' own scales; ``mae_relative``:
    the mean of ``|forecast - outcome| / (largest - smallest position)`` (scale
    free, comparable across issues); ``n``: issues counted; ``missing``: issues
    where the model gave no forecast.
    """

    model: str
    mae: float | None
    mae_relative: float | None
    n: int
    missing: int
    errors: Mapping[str, float]

    def to_dict(self) -> dict[str, Any]:
        return {
            "mae": _num(self.mae),
            "mae_relative": _num(self.mae_relative),
            "issues": self.n,
            "missing": self.missing,
            "errors": {k: _num(v) for k, v in self.errors.items()},
        }


@dataclass(frozen=True)
class Accuracy:
    """Mean absolute error of each model against the ``outcome`` column."""

    models: Mapping[str, ModelAccuracy]
    issues: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "issues_with_outcome": self.issues,
            "models": {k: v.to_dict() for k, v in self.models.items()},
        }


__all__ = ["Accuracy", "Forecasts", "IssueForecast", "ModelAccuracy"]
