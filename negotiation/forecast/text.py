"""The forecasts as plain text: the table of ``negotiation forecast`` and the report section."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..formatting import text_table

if TYPE_CHECKING:  # pragma: no cover
    from .results import Accuracy, Forecasts, IssueForecast

#: Column headers of the models (short, for tables).
SHORT = {
    "compromise": "compromise",
    "median": "median",
    "expected_utility": "exp. utility",
    "exchange": "exchange",
}
MEANING = (
    "  Forecasts say where a process driven by capability, position and salience tends to "
    "settle,\n  not which deal is fair or efficient (that is what the bargaining solutions say)."
)


def cell(f: IssueForecast, digits: int = 3) -> str:
    """A forecast as a table cell: the number, the nearest level, the rounds, a flag."""
    if f.forecast is None:
        return "n/a"
    text = f"{f.forecast:.{digits}f}"
    if f.level is not None:
        text += f" ({f.level})"
    elif f.between is not None:
        text += f" (between {f.between[0]} and {f.between[1]})"
    if f.rounds is not None and f.model == "expected_utility":
        text += f" [{f.rounds}r]"
    if f.converged is False:
        text += " !"
    return text


def forecast_lines(
    result: Forecasts, *, heading: str = "Forecasts", paths: bool = True
) -> list[str]:
    """The forecasts table, the expected-utility median paths and the notes."""
    from . import LABELS

    models = result.models
    rows = [[issue] + [cell(per[m]) for m in models] for issue, per in result.issues.items()]
    out = [heading, text_table(["issue"] + [SHORT[m] for m in models], rows, right_numbers=False)]
    if "expected_utility" in models:
        out.append("  [Nr]: rounds of the expected-utility model;  !: stopped by the round cap")
    if paths and "expected_utility" in models:
        lines = []
        for issue, per in result.issues.items():
            f = per["expected_utility"]
            if f.median_path:
                steps = " -> ".join(f"{v:.3g}" for v in f.median_path[:12])
                more = " ..." if len(f.median_path) > 12 else ""
                lines.append(f"  {issue}: {steps}{more}")
        if lines:
            out += ["", "Expected-utility model: the median before round 1 and after each round"]
            out += lines
    notes = dominant_lines(result)
    for issue, per in result.issues.items():
        for m, f in per.items():
            if f.message and not f.message.startswith("one issue"):
                notes.append(f"  - {issue}, {LABELS[m]}: {f.message}")
    if notes:
        out += ["", "Notes"] + notes
    return out


def dominant_lines(result: Forecasts) -> list[str]:
    """A note per issue where one actor holds more than half of the weight ``c_i s_i``:
    the weighted median (and so the expected-utility model's median) is then its
    position, whatever the others want (equation 2)."""
    out = []
    for issue in result.table.issues:
        w = issue.weight
        total = float(w.sum())
        if total <= 0:
            continue
        k = int(w.argmax())
        share = float(w[k]) / total
        if share > 0.5:
            x = float(issue.position[k])
            lvl = issue.nearest_level(x)
            pos = f"{x:.3g}" + (f" ({lvl})" if lvl is not None else "")
            out.append(
                f"  - {issue.name}: {issue.actors[k]} holds {100 * share:.0f}% of the "
                f"capability x salience weight, so the median is its position {pos}"
            )
    return out


def options_lines(result: Forecasts) -> list[str]:
    out = []
    for m in result.models:
        opts = result.options.get(m) or {}
        if opts:
            out.append(f"  {m}: " + ", ".join(f"{k}={v}" for k, v in opts.items()))
    return ["Options"] + out if out else []


def accuracy_lines(acc: Accuracy) -> list[str]:
    """Mean absolute error of each model."""
    from . import LABELS

    rows = []
    for m, a in acc.models.items():
        rows.append(
            [
                LABELS[m],
                "n/a" if a.mae is None else f"{a.mae:.4g}",
                "n/a" if a.mae_relative is None else f"{a.mae_relative:.4f}",
                str(a.n),
                str(a.missing),
            ]
        )
    return [
        f"Accuracy on {acc.issues} issue{'s' if acc.issues != 1 else ''} with a known outcome",
        text_table(["model", "MAE", "MAE / position spread", "issues", "no forecast"], rows),
        "  MAE: mean |forecast - outcome| on the issues' own scales; the relative MAE divides "
        "each error\n  by the issue's spread of positions (largest - smallest), so issues on "
        "different scales count alike.",
    ]


def forecast_text(result: Forecasts, acc: Accuracy | None = None) -> str:
    """The whole table output of ``negotiation forecast``."""
    t = result.table
    head = f"Forecasts: {t.title}" + (f" ({t.file})" if t.file else "")
    out = [head, "=" * len(head), ""]
    out += forecast_lines(result, heading="Forecast per issue")
    out += ["", MEANING, ""]
    if acc is not None:
        out += accuracy_lines(acc) + [""]
    out += options_lines(result)
    return "\n".join(out) + "\n"


__all__ = [
    "accuracy_lines",
    "dominant_lines",
    "forecast_lines",
    "forecast_text",
    "options_lines",
]
