"""Multi-actor forecasting: where will the talks most likely end up?

Spatial forecasting models of political science, run on a scenario's parties
or on the standard actor tables of that literature (``docs/forecasting.md``):

``compromise``
    the capability-and-salience weighted mean (:mod:`.compromise`);
``median``
    the weighted median, the Condorcet winner in one dimension (:mod:`.median`);
``expected_utility``
    Bueno de Mesquita's (1994) expected-utility model as reconstructed by
    Scholz, Calbert & Smith (2011), every disputed detail an option
    (:mod:`.expected_utility`);
``exchange``
    Stokman & Van Oosten's (1994) exchange model: actors trade concessions
    across issues they weigh differently (:mod:`.exchange`).

A forecast is not a bargaining solution: the Nash solution says which deal
is fair or efficient given the parties' utilities and fallbacks, these models
say where a process driven by capabilities, positions and saliences tends to
settle, agreement or not. Example::

    from negotiation.forecast import forecast, load_actors

    result = forecast(load_actors("examples/emission-standards.csv"))
    result.get("issue", "median").forecast      # 7.0
    result.to_dict()                            # the JSON of `negotiation forecast`
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from ..model.scenario import Scenario
    from .actors import ActorTable
    from .exchange import ExchangeOptions
    from .expected_utility import EUOptions
    from .results import Accuracy, Forecasts

#: The models, in output order.
MODELS = ("compromise", "median", "expected_utility", "exchange")
LABELS = {
    "compromise": "compromise (weighted mean)",
    "median": "weighted median",
    "expected_utility": "expected utility (BDM)",
    "exchange": "exchange (Stokman-Van Oosten)",
}
#: The options of the expected-utility model (``EUOptions``); kept here, light, for the CLI.
PROBABILITY = ("pairwise", "net", "all-pairs")
CHOICE = ("least-move", "largest-eu", "type-priority")
CONFRONTATION = ("loser-moves", "expected", "no-move")
RISK = ("scholz", "neutral")
PERSPECTIVE = ("receiver", "each")
#: How each model's forecast package is drawn in every figure: (matplotlib marker, size).
MARKERS = {
    # letters: the shapes are taken by the solutions, proposals and bargaining models
    "compromise": ("$C$", 9.0),
    "median": ("$M$", 9.0),
    "expected_utility": ("$E$", 9.0),
    "exchange": ("$X$", 9.0),
}
#: Short names accepted on the command line.
ALIASES = {"mean": "compromise", "eu": "expected_utility", "bdm": "expected_utility"}


def model_key(name: str) -> str:
    """The model key of ``name`` (a key or an alias); ``ValueError`` if unknown."""
    key = ALIASES.get(name, name).replace("-", "_")
    if key not in MODELS:
        raise ValueError(
            f"unknown model {name!r}; choose from {', '.join(MODELS)} (or eu, mean, all)"
        )
    return key


def load_actors(path: str) -> ActorTable:
    """An actor table from a ``.csv`` actor table or a scenario YAML file."""
    from .actors import from_scenario, read_actor_csv

    if path.lower().endswith(".csv"):
        return read_actor_csv(path)
    from ..scenario import load_scenario

    return from_scenario(load_scenario(path))


def forecast(
    source: ActorTable | Scenario,
    models: tuple[str, ...] | list[str] | None = None,
    *,
    eu: EUOptions | None = None,
    exchange: ExchangeOptions | None = None,
) -> Forecasts:
    """Run ``models`` (default: all) on every issue of ``source``.

    ``source`` is an :class:`~.actors.ActorTable` or a
    :class:`~negotiation.model.scenario.Scenario`; ``eu`` and ``exchange`` are
    the options of those two models (defaults: :class:`~.expected_utility.EUOptions`,
    :class:`~.exchange.ExchangeOptions`). Deterministic.
    """
    from .actors import ActorTable, from_scenario
    from .compromise import compromise
    from .exchange import ExchangeOptions
    from .exchange import exchange as run_exchange
    from .expected_utility import EUOptions, expected_utility, salience_scale
    from .median import median
    from .results import Forecasts

    table = source if isinstance(source, ActorTable) else from_scenario(source)
    keys = tuple(model_key(m) for m in (models or MODELS))
    keys = tuple(m for m in MODELS if m in keys)
    eu_opt = eu or EUOptions()
    ex_opt = exchange or ExchangeOptions()
    per_model: dict[str, Any] = {}
    options: dict[str, dict[str, Any]] = {}
    for m in keys:
        if m == "compromise":
            per_model[m] = compromise(table)
            options[m] = {}
        elif m == "median":
            per_model[m] = median(table)
            options[m] = {"ties": "midpoint of the median interval"}
        elif m == "expected_utility":
            per_model[m] = expected_utility(table, eu_opt)
            opts = eu_opt.to_dict()
            if opts["salience_scale"] is None:
                import numpy as np

                sal = np.concatenate([i.salience for i in table.issues])
                opts["salience_scale"] = salience_scale(sal)
            options[m] = opts
        else:
            per_model[m] = run_exchange(table, ex_opt)
            options[m] = ex_opt.to_dict()
    issues = {i.name: {m: per_model[m][i.name] for m in keys} for i in table.issues}
    return Forecasts(table, keys, options, issues)


def accuracy(result: Forecasts) -> Accuracy:
    """Mean absolute error of each model of ``result`` on the issues with an ``outcome``.

    Raises ``ValueError`` when no issue has an outcome.
    """
    from .results import Accuracy, ModelAccuracy

    known = [i for i in result.table.issues if i.outcome is not None]
    if not known:
        raise ValueError("no issue has an outcome: add an 'outcome' column to the actor table")
    out = {}
    for m in result.models:
        errors: dict[str, float] = {}
        relative: list[float] = []
        missing = 0
        for issue in known:
            f = result.issues[issue.name][m].forecast
            if f is None:
                missing += 1
                continue
            assert issue.outcome is not None
            err = abs(f - issue.outcome)
            errors[issue.name] = err
            span = float(issue.position.max() - issue.position.min())
            relative.append(err / span if span > 0 else 0.0)
        n = len(errors)
        out[m] = ModelAccuracy(
            m,
            sum(errors.values()) / n if n else None,
            sum(relative) / n if n else None,
            n,
            missing,
            errors,
        )
    return Accuracy(out, len(known))


__all__ = ["ALIASES", "LABELS", "MODELS", "accuracy", "forecast", "load_actors", "model_key"]
