"""The agreement set and the bargaining range (key ``range``).

Computed by :func:`negotiation.solve.agreement.bargaining_range`. In the JSON:
``reservation``, ``deal_possible``, ``bargaining_range``, ``party_range``,
``closest`` and ``agreement_grid_points``. In the text report: whether a deal
is possible, the parties table and the bargaining range (or, with no deal,
the closest outcome). In the figures: the closest outcome when there is no
deal.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..formatting import short, text_table, value
from ..registry import Analysis, Context, Marker, MethodNote, Package
from ..solve.agreement import bargaining_range
from ..solve.results import BargainingRange, _num

if TYPE_CHECKING:  # pragma: no cover
    from ..report import Report

CLOSEST = Marker("h", 10)


def ideal(ctx: Context) -> Any:
    """Each party's best utility over the agreement set (numpy array), ``None``: no deal."""
    import numpy as np

    rng: BargainingRange = ctx["range"]
    if not rng.deal_possible:
        return None
    return np.array([rng.parties[n][1] for n in ctx.problem.names])


def to_json(report: Report, rng: BargainingRange) -> dict[str, Any]:
    d = rng.to_dict()
    return {
        "reservation": {k: _num(v) for k, v in rng.reservation.items()},
        "deal_possible": rng.deal_possible,
        "bargaining_range": d["bargaining_range"],
        "party_range": d["party_range"],
        "closest": None
        if rng.closest is None
        else {**rng.closest.to_dict(), "min_surplus": _num(rng.max_slack)},
        "agreement_grid_points": rng.grid_points,
    }


def to_text(report: Report, r: BargainingRange) -> list[str]:
    s = report.scenario
    veto = ", ".join(report.veto)
    out: list[str] = []
    if r.deal_possible:
        out.append(
            f"DEAL POSSIBLE: some outcomes are acceptable to every veto party "
            f"({veto}); {r.grid_points} of {report.problem.space.size} grid outcomes."
        )
    else:
        out.append(
            f"NO DEAL POSSIBLE: no outcome gives every veto party ({veto}) its reservation value."
        )
        out.append(
            f"  The closest outcome leaves the worst-off veto party "
            f"{value(-r.max_slack)} utility short."
        )
    out += ["", "Parties"]
    rows = []
    for p in s.parties:
        lo, hi = r.parties.get(p.name, (None, None))
        rows.append(
            [
                p.name,
                "yes" if p.veto else "no",
                value(p.power, 2),
                value(r.reservation[p.name]),
                value(lo),
                value(hi),
            ]
        )
    out += [
        text_table(
            ["party", "veto", "power", "reservation", "agreement min", "agreement max"], rows
        ),
        "",
    ]
    if r.deal_possible:
        rows = []
        for issue in s.issues:
            ir = r.issues[issue.name]
            if ir.levels is not None:
                rows.append(
                    [
                        issue.name,
                        ", ".join(ir.levels) or "(none)",
                        f"of {', '.join(issue.levels or ())}",
                    ]
                )
            else:
                lo, hi = issue.range or (ir.min, ir.max)
                unit = f" {issue.unit}" if issue.unit else ""
                rows.append(
                    [
                        issue.name,
                        f"{value(ir.min)} to {value(ir.max)}",
                        f"of [{short(lo)}, {short(hi)}]{unit}",
                    ]
                )
        out += [
            "Bargaining range (issue values found in some agreement)",
            text_table(["issue", "acceptable", "scale"], rows),
            "",
        ]
    elif r.closest is not None:
        rows = [[k, value(v)] for k, v in r.closest.outcome.items()]
        out += [
            "Closest outcome (maximises the smallest surplus)",
            text_table(["issue", "value"], rows),
            "",
        ]
    return out


def packages(report: Report, r: BargainingRange) -> list[Package]:
    if r.deal_possible or r.closest is None:
        return []
    return [
        Package(
            "closest",
            "closest outcome",
            "closest",
            dict(r.closest.outcome),
            dict(r.closest.utilities),
            CLOSEST,
            acceptable=False,
            status="no deal",
        )
    ]


RANGE = Analysis(
    key="range",
    label="agreement set and bargaining range",
    compute=lambda ctx: bargaining_range(ctx.problem),
    marker=CLOSEST,
    method=MethodNote(
        "The agreement set is every package that gives each veto party at least its "
        "reservation value (what it expects without a deal); an issue's bargaining range "
        "is the values it takes there.",
        "agreement-set-and-bargaining-range",
    ),
    json=to_json,
    text=to_text,
    packages=packages,
)
