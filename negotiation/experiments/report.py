"""The results page of one or more sweeps: Markdown with its figures beside it.

``negotiation sweep EXPERIMENT... --report docs/experiments/NAME.md`` writes
``NAME.md`` and the figures it shows, ``NAME-<figure>.png``, in the same
directory, all or nothing. The page says what question the experiment asks
(its ``description``), the command that regenerates it, the settings (scenario,
what was varied or drawn, the measures, precision), the headline numbers (the
probability of a deal, where the deal flips, the most influential
assumptions), the table of every measure's mean and quantiles, and the
figures. With several experiments, a comparison section comes first (the
probability of a deal in each, and the ``compare`` figure), then one section
per experiment. Nothing on the page is written by hand: rerun the command
after changing an experiment or a scenario.
"""

from __future__ import annotations

import os
import shlex
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .summary import QUANTILES, _q_label

if TYPE_CHECKING:  # pragma: no cover
    from .spec import Experiment


def _rel(path: str | None, page_dir: str) -> str | None:
    if not path:
        return None
    try:
        return os.path.relpath(os.path.abspath(path), page_dir)
    except ValueError:  # pragma: no cover - another drive
        return path


def _num(v: Any, digits: int = 4) -> str:
    if v is None:
        return "–"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return f"{v:.{digits}g}"
    if isinstance(v, int):
        return f"{v:,}"
    return str(v)


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    out = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    out += ["| " + " | ".join(str(c).replace("|", "\\|") for c in r) + " |" for r in rows]
    return out


def _settings(exp: dict[str, Any], page_dir: str) -> list[str]:
    rows = []
    scen = exp.get("scenario_file") or exp.get("scenario")
    link = _rel(scen, page_dir)
    rows.append(["scenario", f"[{scen}]({link})" if link else str(scen)])
    if exp.get("file"):
        rows.append(["experiment file", f"[{exp['file']}]({_rel(exp['file'], page_dir)})"])
    rows.append(["precision", str(exp.get("precision"))])
    rows.append(["points", f"{exp.get('points'):,}"])
    for v in exp.get("vary") or []:
        vals = v["values"]
        text = (
            f"{_num(vals[0])} to {_num(vals[-1])} in {len(vals)} steps"
            if len(vals) > 4 and all(isinstance(x, (int, float)) for x in vals)
            else ", ".join(_num(x) for x in vals)
        )
        rows.append([f"varied: `{v['name']}`", f"{v.get('label', '')}: {text}"])
    s = exp.get("sample")
    if s:
        ps = s["parameters"]
        dists = sorted({next(iter(p["distribution"])) for p in ps})
        rows.append(
            [
                "drawn",
                f"{len(ps)} parameters ({', '.join(dists)}), {s['draws']:,} "
                f"draws, seed {s['seed']}",
            ]
        )
    o = exp.get("one_at_a_time")
    if o:
        rows.append(
            [
                "one at a time",
                f"{len(o['parameters'])} parameters, {o['steps']} values each over its range",
            ]
        )
    rows.append(["measures", ", ".join(f"`{m}`" for m in exp.get("measure", []))])
    return _table(["", ""], rows)


def _label(path: str) -> str:
    from .plots import measure_label

    return measure_label(path)


def _flip_cell(items: list[dict[str, Any]], numeric: bool) -> str:
    steady = [it for it in items if "throughout" in it]
    if steady:
        yes = steady[0]["throughout"]
        return (
            ("positive" if yes else "negative") if numeric else ("true" if yes else "false")
        ) + " throughout"
    if not items:
        return "–"
    out = []
    for it in items:
        a, b = it["between"]
        arrow = (
            ("turns positive" if it["to"] else "turns negative")
            if numeric
            else ("becomes true" if it["to"] else "becomes false")
        )
        out.append(f"{_num(a)}–{_num(b)} ({arrow})")
    return "; ".join(out)


def _frontier(summary: dict[str, Any], exp: dict[str, Any]) -> list[str]:
    """Two varied parameters: for each value of the first (``plot.x``), where each boundary
    measure flips along the second."""
    vary = exp["vary"]
    hints = exp.get("plot") or {}
    names = [v["name"] for v in vary]
    x = hints.get("x") or names[0]
    y = hints.get("y") or next(n for n in names if n != x)
    xs = next(v["values"] for v in vary if v["name"] == x)
    flips = summary.get("flips") or {}
    measures = list(flips)
    if not measures:
        return []
    rows = []
    step = max(1, -(-len(xs) // 24))
    for xv in xs[::step]:
        row = [_num(xv)]
        for m in measures:
            numeric = summary.get("measures", {}).get(m, {}).get("kind") != "bool"
            items = [it for it in flips[m].get(y, []) if it.get("at", {}).get(x) == xv]
            row.append(_flip_cell(items, numeric))
        rows.append(row)
    label = next((v.get("label") for v in vary if v["name"] == y), y)
    xlabel = next((v.get("label") for v in vary if v["name"] == x), x)
    head = [xlabel] + [_label(m) for m in measures]
    nth = {2: "second", 3: "third"}.get(step, f"{step}th")
    out = [
        f"Where each measure changes along {label} (`{y}`, from "
        f"{_num(next(v['values'] for v in vary if v['name'] == y)[0])} up), for each value "
        f"of {xlabel} (`{x}`)"
        + (f"; every {nth} value shown, all in `summary.json`" if step > 1 else "")
        + ":",
        "",
    ]
    return out + _table(head, rows)


def _findings(summary: dict[str, Any], exp: dict[str, Any] | None = None) -> list[str]:
    out = []
    deal = summary.get("deal")
    if deal and deal.get("probability") is not None:
        what = (
            "Probability of a deal" if summary.get("draws") else "Share of the points with a deal"
        )
        out.append(
            f"- **{what}: {deal['probability']:.1%}** ({deal['count']:,} of "
            f"{deal['of']:,}; standard error {deal['standard_error']:.1%})."
        )
    margin = summary.get("measures", {}).get("closest.min_surplus")
    if margin and margin.get("count") and summary.get("draws"):
        q = margin["quantiles"]
        out.append(
            f"- Deal margin (smallest surplus of the veto parties at the best outcome): "
            f"median {_num(q['50%'])}, 90% of draws between {_num(q['5%'])} and "
            f"{_num(q['95%'])}; lowest {_num(margin['min'])}."
        )
    two_d = exp is not None and len(exp.get("vary") or []) == 2
    for measure, by_param in (summary.get("flips") or {}).items():
        if two_d:
            break
        numeric = summary.get("measures", {}).get(measure, {}).get("kind") != "bool"
        for param, items in by_param.items():
            items = [it for it in items if "between" in it]
            if not items:
                out.append(
                    f"- {_label(measure)} (`{measure}`) does not "
                    f"{'change sign' if numeric else 'change'} along `{param}` over "
                    "the values tried."
                )
                continue
            shown = []
            for it in items[:8]:
                a, b = it["between"]
                at = ", ".join(f"`{k}` = {_num(v)}" for k, v in it.get("at", {}).items())
                turn = (
                    ("turns positive" if it["to"] else "turns negative")
                    if numeric
                    else ("becomes true" if it["to"] else "becomes false")
                )
                shown.append(
                    f"between {_num(a)} and {_num(b)}" + (f" (at {at})" if at else "") + f": {turn}"
                )
            more = f"; {len(items) - 8} more in `summary.json`" if len(items) > 8 else ""
            out.append(
                f"- {_label(measure)} (`{measure}`) along `{param}`: "
                + "; ".join(shown)
                + more
                + "."
            )
    tornado = summary.get("tornado")
    if tornado:
        flippers = [e for e in tornado if e.get("flips")]
        if flippers:
            out.append(
                "- Moved alone to an end of its range, these assumptions change whether "
                "a deal is possible: " + ", ".join(f"{e['label']}" for e in flippers[:8]) + "."
            )
        else:
            out.append(
                "- No single assumption, moved alone over its range, changes whether a "
                "deal is possible."
            )
        top = [e for e in tornado if not e.get("flips")][:3]
        numeric = [
            n
            for n, m in summary.get("measures", {}).items()
            if m.get("kind") in ("number", "integer")
        ]
        if top and numeric:
            out.append(
                f"- Largest effects on {_label(numeric[0])} (`{numeric[0]}`) otherwise: "
                + ", ".join(e["label"] for e in top)
                + "."
            )
    if summary.get("failed"):
        out.append(
            f"- {summary['failed']:,} points failed (see the `error` column of the results)."
        )
    if two_d and summary.get("flips"):
        out += [""] + _frontier(summary, exp)  # type: ignore[arg-type]
    return out


def _measures_table(summary: dict[str, Any]) -> list[str]:
    rows = []
    for name, m in summary.get("measures", {}).items():
        if m.get("kind") in ("number", "integer") and m.get("count"):
            q = m["quantiles"]
            rows.append(
                [f"`{name}`", _num(m["count"]), _num(m["mean"])]
                + [_num(q[_q_label(x)]) for x in QUANTILES]
            )
        elif m.get("kind") == "bool" and m.get("count"):
            rows.append(
                [f"`{name}`", _num(m["count"]), f"{m['share']:.1%} true"] + [""] * len(QUANTILES)
            )
        elif m.get("count"):
            vals = ", ".join(f"{k} ({v:,})" for k, v in list(m.get("values", {}).items())[:4])
            rows.append([f"`{name}`", _num(m["count"]), vals] + [""] * len(QUANTILES))
    if not rows:
        return []
    return _table(["measure", "values", "mean"] + [_q_label(q) for q in QUANTILES], rows)


def _along_table(directory: str, exp: dict[str, Any]) -> list[str]:
    """One varied parameter, no draws, at most 60 values: every measure at every value."""
    vary = exp.get("vary") or []
    if len(vary) != 1 or exp.get("sample") or len(vary[0]["values"]) > 60:
        return []
    from .store import open_sweep

    with open_sweep(directory) as s:
        names = [c.name for c in s.columns if c.role == "measure"]
        rows = []
        for rec in s.records():
            rows.append(
                [_num(rec[vary[0]["name"]])]
                + [_num(rec[n]) for n in names]
                + ([rec["error"]] if rec["error"] else [])
            )
    return _table([f"`{vary[0]['name']}`"] + [f"`{n}`" for n in names], rows)


def _tornado_table(summary: dict[str, Any]) -> list[str]:
    tornado = summary.get("tornado") or []
    if not tornado:
        return []
    names = list(tornado[0]["measures"])[:3]
    rows = []
    for e in tornado[:20]:
        cells = [
            e["label"],
            f"`{e['parameter']}`",
            f"{_num(e['baseline'])} [{_num(e['low'])}, {_num(e['high'])}]",
            str(e.get("flips", "")),
        ]
        for n in names:
            m = e["measures"][n]
            cells.append(f"{_num(m.get('at_low'))} / {_num(m.get('at_high'))}")
        rows.append(cells)
    return _table(
        ["assumption", "path", "value [range]", "deal flips"]
        + [f"`{n}` low / high" for n in names],
        rows,
    )


def page(
    sweep_dirs: Sequence[str],
    path: str,
    command: str,
    figures: dict[str, list[tuple[str, str]]],
    compare: str | None = None,
) -> str:
    """The Markdown of the results page (figures already named: ``{dir: [(title, file)]}``)."""
    from .store import open_sweep

    page_dir = os.path.dirname(os.path.abspath(path))
    sections = []
    summaries = []
    for d in sweep_dirs:
        with open_sweep(d) as s:
            summaries.append((s.experiment, s.summary()))
    multi = len(summaries) > 1
    head_title = (
        summaries[0][0]["title"]
        if not multi
        else "Monte Carlo over every assumption: Munich 2025, Berlin 2025, Munich 2026"
        if all(e.get("sample") for e, _ in summaries)
        else "Experiments"
    )
    lines = [
        f"# {head_title}",
        "",
        "Generated by `negotiation sweep`; do not edit by hand. Regenerate with:",
        "",
        "```bash",
        command,
        "```",
        "",
    ]
    if not multi and summaries[0][0].get("description"):
        lines += [summaries[0][0]["description"], ""]
    if multi:
        lines += ["## Comparison", ""]
        rows = []
        for exp, summ in summaries:
            deal = summ.get("deal") or {}
            nash = next(
                (
                    m
                    for k, m in summ.get("measures", {}).items()
                    if k.startswith("solutions.nash.outcome.") and m.get("count")
                ),
                None,
            )
            margin = summ.get("measures", {}).get("closest.min_surplus")

            def spread(m: dict[str, Any] | None) -> str:
                if not m or not m.get("count"):
                    return "–"
                q = m["quantiles"]
                return f"{_num(q['50%'])} ({_num(q['5%'])} to {_num(q['95%'])})"

            rows.append(
                [
                    exp["title"],
                    f"`{exp.get('scenario_file') or exp.get('scenario')}`",
                    f"{deal['probability']:.1%} ± {1.96 * deal['standard_error']:.1%}"
                    if deal.get("probability") is not None
                    else "–",
                    spread(margin),
                    spread(nash),
                ]
            )
        lines += _table(
            [
                "experiment",
                "scenario",
                "probability of a deal (95% interval)",
                "deal margin: median (90% of draws)",
                "Nash outcome: median (90% of draws)",
            ],
            rows,
        )
        lines.append("")
        if compare:
            lines += [f"![How the chance of a deal moved]({compare})", ""]
    for (exp, summ), d in zip(summaries, sweep_dirs):
        level = "##" if multi else "##"
        if multi:
            lines += [f"{level} {exp['title']}", ""]
            if exp.get("description"):
                lines += [exp["description"], ""]
        lines += [f"{level} Findings" if not multi else "**Findings**", ""]
        lines += _findings(summ, exp) or ["- (nothing to report: see the table)"]
        lines.append("")
        for title, file in figures.get(d, []):
            lines += [f"![{title}]({file})", ""]
        along = _along_table(d, exp)
        if along:
            lines += [f"{level} Values" if not multi else "**Values**", ""] + along + [""]
        table = _measures_table(summ)
        if table:
            lines += [
                f"{level} Measures"
                if not multi
                else "**Measures** (over the points where they exist)",
                "",
            ]
            if not multi:
                lines += [
                    "Over the points where each measure exists (a solution only where "
                    "a deal is possible).",
                    "",
                ]
            lines += table + [""]
        tt = _tornado_table(summ)
        if tt:
            lines += (
                [
                    f"{level} Every assumption, moved alone"
                    if not multi
                    else "**Every assumption, moved alone**",
                    "",
                ]
                + tt
                + [""]
            )
        lines += [f"{level} Settings" if not multi else "**Settings**", ""]
        lines += _settings(exp, page_dir) + [""]
    sections.append("\n".join(lines))
    lines = [
        "## How this was computed",
        "",
        "Each point is the scenario with the point's parameter values "
        "(`Scenario.replace`), analysed as `negotiation run` does "
        "([method notes](../methods.md)); at `precision: grid` the best grid outcome "
        "of each criterion, at `exact` the certified optimum. Draws are reproducible "
        "from the seed. The experiment format is in "
        "[experiment-format.md](../experiment-format.md).",
        "",
    ]
    sections.append("\n".join(lines))
    return "\n".join(sections)


def write_report(
    sweep_dirs: Sequence[str],
    path: str,
    *,
    experiments: Sequence[Experiment] | None = None,
    command: str | None = None,
) -> list[str]:
    """Write the results page ``path`` and its figures beside it, all or nothing."""
    from ..outputs import write_files
    from ..plot.save import figure_bytes
    from .plots import figures as make_figures
    from .plots import plot_compare

    stem = os.path.splitext(os.path.basename(path))[0]
    directory = os.path.dirname(os.path.abspath(path))
    files: dict[str, Any] = {}
    shown: dict[str, list[tuple[str, str]]] = {}
    titles = {
        "heatmap": "Heatmap",
        "line": "Along the varied parameter",
        "histogram": "Distributions over the draws",
        "tornado": "Tornado",
    }
    multi = len(sweep_dirs) > 1
    for d in sweep_dirs:
        name = os.path.basename(os.path.normpath(d))
        if name.startswith(stem + "-"):
            name = name[len(stem) + 1 :]
        for kind, fig in make_figures(d).items():
            fname = f"{stem}-{name}-{kind}.png" if multi else f"{stem}-{kind}.png"
            files[os.path.join(directory, fname)] = figure_bytes(fig, "png")
            shown.setdefault(d, []).append((titles.get(kind, kind), fname))
    compare = None
    if multi:
        fig = plot_compare(list(sweep_dirs))
        compare = f"{stem}-compare.png"
        files[os.path.join(directory, compare)] = figure_bytes(fig, "png")
    if command is None:
        exps = " ".join(shlex.quote(e.file or "EXPERIMENT.yaml") for e in experiments or [])
        out = "DIR" if multi else "DIR"
        command = f"negotiation sweep {exps} --out {out} --report {shlex.quote(path)}"
    text = page(sweep_dirs, path, command, shown, compare)
    files = {path: text, **files}
    return write_files(files)


__all__ = ["page", "write_report"]
