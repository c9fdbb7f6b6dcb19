"""The forecasting models on the scenario's parties (key ``forecast``).

Computed by :func:`negotiation.forecast.forecast` with every model at its
defaults (``docs/forecasting.md``): position = each party's ideal point (or
best level), salience = its weight on the issue, capability = ``capability``
(else ``power``). In the JSON: ``forecast``, the same content as
``negotiation forecast FILE --format json``, plus each model's package with the
parties' utilities. In the text report: the forecasts table (a discrete-issue
forecast exactly half-way between two levels printed as a tie), a note per
issue where one actor holds more than half of the weight, and a table of which
veto parties reject each model's package. In the brief: one
line on what the forecasts mean. In the figures and the brief's table: one
package per model (kind ``"forecast"``): on each issue the forecast value (a
continuous issue, clipped to its range) or the nearest level (a discrete one).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from ..registry import Analysis, Context, Marker, MethodNote, Package

if TYPE_CHECKING:  # pragma: no cover
    from ..forecast.results import Forecasts
    from ..report import Report


#: Short labels of the packages (figures label every package; long labels collide).
#: The one forecast with a row in the brief's table (all are drawn in the figures).
BRIEF_MODEL = "expected_utility"
#: Legend entries of the forecasts' markers.
LEGENDS = {
    "compromise": "compromise forecast",
    "median": "weighted median forecast",
    "expected_utility": "expected-utility (BDM) forecast",
    "exchange": "exchange-model forecast",
}
PACKAGE_LABELS = {
    "compromise": "compromise fc.",
    "median": "median fc.",
    "expected_utility": "EU model fc.",
    "exchange": "exchange fc.",
}


def compute(ctx: Context) -> Forecasts:
    from ..forecast import forecast

    return forecast(ctx.scenario)


def _coords(report: Report, result: Forecasts, model: str):
    """Issue coordinates of a model's package, or ``None`` if some issue has no forecast."""
    import numpy as np

    coords = []
    for issue in report.scenario.issues:
        f = result.issues[issue.name][model].forecast
        if f is None:
            return None
        if issue.levels is not None:  # exactly half-way (a tie): the higher level, said in text
            coords.append(float(min(max(math.floor(f + 0.5), 0), len(issue.levels) - 1)))
        else:
            lo, hi = issue.bounds
            coords.append(float(min(max(f, lo), hi)))
    return np.array(coords)


def packages(report: Report, result: Forecasts) -> list[Package]:
    from ..forecast import MARKERS
    from ..solve.problem import AGREE_TOL

    pb = report.problem
    out = []
    for m in result.models:
        coords = _coords(report, result, m)
        if coords is None:
            continue
        u = pb.utilities(coords[None, :])[0]
        accepted = tuple(n for n, ui, di in zip(pb.names, u, pb.d) if ui >= di - AGREE_TOL)
        rejecting = [n for n in report.veto if n not in accepted]
        out.append(
            Package(
                f"forecast_{m}",
                PACKAGE_LABELS[m],
                "forecast",
                pb.space.decode(coords),
                {n: float(v) for n, v in zip(pb.names, u)},
                Marker(*MARKERS[m]),
                coords,
                acceptable=not rejecting,
                accepted_by=accepted,
                status="forecast; "
                + ("accepted" if not rejecting else "rejected by " + ", ".join(rejecting)),
                table=m == BRIEF_MODEL,
                legend=LEGENDS[m],
            )
        )
    return out


def to_json(report: Report, result: Forecasts) -> dict[str, Any]:
    data = result.to_dict()
    data["packages"] = {
        p.key.removeprefix("forecast_"): {
            "outcome": dict(p.outcome),
            "utilities": dict(p.utilities),
            "acceptable": p.acceptable,
        }
        for p in packages(report, result)
    }
    return {"forecast": data}


def ties(report: Report, result: Forecasts, model: str) -> list[str]:
    """The discrete issues where ``model``'s forecast is exactly half-way between two
    levels, as ``"issue: between A and B"`` (the package draws the higher level)."""
    out = []
    for issue in report.scenario.issues:
        f = result.issues[issue.name][model]
        if f.between is not None:
            out.append(f"{issue.name} between {f.between[0]} and {f.between[1]}")
    return out


def veto_lines(report: Report, result: Forecasts) -> list[str]:
    """Whether every veto party accepts each model's package (a line per model)."""
    from ..forecast import LABELS
    from ..formatting import text_table

    rows = []
    for p in packages(report, result):
        m = p.key.removeprefix("forecast_")
        rejecting = [n for n in report.veto if n not in p.accepted_by]
        tie = ties(report, result, m)
        rows.append(
            [
                LABELS[m],
                "yes" if not rejecting else "no",
                ", ".join(rejecting) or "-",
                "; ".join(tie) + " (drawn at the higher level)" if tie else "",
            ]
        )
    if not rows:
        return []
    return [
        "",
        "Forecast packages and the veto parties (every issue at its forecast; a discrete issue "
        "at the nearest level)",
        text_table(["model", "every veto party accepts", "rejected by", "tie"], rows),
    ]


def to_text(report: Report, result: Forecasts) -> list[str]:
    from ..forecast.text import MEANING, forecast_lines

    lines = forecast_lines(result, heading="Forecasts (spatial models)")
    return lines + veto_lines(report, result) + ["", MEANING, ""]


def brief(report: Report, result: Forecasts) -> list[Any]:
    from ..brief.blocks import Para

    eu = [
        f for per in result.issues.values() for f in per.values() if f.model == "expected_utility"
    ]
    rounds = max((f.rounds or 0 for f in eu), default=0)
    return [
        Para(
            "Forecasts (compromise, weighted median, expected-utility and exchange models) say "
            "where a process driven by the parties' capabilities, positions and saliences tends "
            "to settle; they are not fair or efficient deals, and may lie outside the agreement "
            f"set. The expected-utility model ran at most {rounds} rounds.",
            "small",
            ("method", "docs/forecasting.md"),
        )
    ]


FORECAST = Analysis(
    key="forecast",
    label="forecasts",
    compute=compute,
    method=MethodNote(
        "Forecasts: the compromise (capability x salience weighted mean), the weighted median, "
        "Bueno de Mesquita's expected-utility model and Stokman's exchange model, on the "
        "parties' ideal points.",
        "forecasting-models",
    ),
    json=to_json,
    text=to_text,
    brief=brief,
    packages=packages,
)
