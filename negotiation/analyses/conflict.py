"""The conflict model (key ``conflict``): war values, the range, private costs, shifting power.

Computed by :func:`negotiation.bargaining.conflict.conflict_model` when the
scenario's ``conflict`` block has ``private_costs`` or ``shift`` (nothing
otherwise: no key, no section, so existing outputs do not change). In
the JSON: ``conflict`` with ``war_value``, ``costs``, ``reservation``,
``reservation_from_lottery``, ``deal_possible`` and ``range`` (each party's
utility range over the agreement set), plus ``private_information`` (per
proposer) when the file has ``conflict.private_costs`` and
``commitment_problem`` when it has ``conflict.shift``. In the text report and
the brief: what each adds, in words. In the figures and the brief's table:
each proposer's optimal demand under private information (kind ``conflict``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..formatting import text_table, value
from ..registry import Analysis, Context, Marker, MethodNote, Package

if TYPE_CHECKING:  # pragma: no cover
    from ..bargaining.conflict import ConflictResult
    from ..bargaining.private_information import Offer
    from ..report import Report

DEMAND = Marker("v", 9)  # "X" is the disagreement point in the figures


def compute(ctx: Context) -> ConflictResult | None:
    """The conflict model when the file asks for one of its explanations of war
    (``conflict.private_costs`` or ``conflict.shift``); ``None`` otherwise, so that a
    scenario without them reports exactly what it did before (its reservation values
    and ranges are in the ``range`` section)."""
    from ..bargaining.conflict import conflict_model

    c = ctx.scenario.conflict
    if c is None or not (c.private_costs or c.shift is not None):
        return None
    return conflict_model(ctx.problem, ctx["range"])


def to_json(report: Report, r: ConflictResult | None) -> dict[str, Any]:
    return {} if r is None else {"conflict": r.to_dict()}


def _pct(x: float) -> str:
    return f"{100 * x:.0f}%"


def offer_sentence(r: ConflictResult, p: str, o: Offer) -> str:
    """One proposer's demand in words."""
    dist = r.private_costs.get(o.responder, {})
    law = ", ".join(f"{k} {v}" for k, v in dist.items())
    if o.outcome is None:
        return (
            f"{p} gains nothing from any offer {o.responder} might accept "
            f"(its cost: {law}): it expects {value(o.value)} from fighting."
        )
    cert = "certified" if o.certified else f"not certified, gap {o.gap:.2g}"
    return (
        f"{p}, not knowing {o.responder}'s cost of war ({law}), demands the package below: "
        f"{o.responder} accepts with probability {_pct(o.acceptance_probability)}, so talks "
        f"break down in {_pct(o.breakdown_probability)} of cases; {p} expects "
        f"{value(o.value)} (war alone: {value(r.reservation[p])}; {cert})."
    )


def commitment_sentence(r: ConflictResult) -> str:
    c = r.commitment
    assert c is not None
    if c.margin is None:
        return (
            f"After the shift, {c.rising} prefers fighting now to every deal it could offer "
            f"{c.declining}: war now."
        )
    verdict = (
        f"{c.declining} prefers war now, by {value(c.margin)} utility"
        if c.war_now
        else f"{c.declining} prefers the deal, by {value(-c.margin)} utility"
    )
    return (
        f"Shifting power (weight of the future {c.discount:g}): {c.declining}'s value of war "
        f"falls from {value(r.reservation[c.declining])} to "
        f"{value(c.reservation_shifted[c.declining])} as {c.rising} rises. The best deal "
        f"{c.rising} can credibly promise is worth {value(c.credible_peace)} to "
        f"{c.declining} (the most it can get before the shift, {value(c.best_offer_now)}, "
        f"then only its new war value): {verdict}."
    )


def to_text(report: Report, r: ConflictResult | None) -> list[str]:
    if r is None:
        return []
    rows = []
    for n in report.scenario.party_names:
        lo, hi = r.range.get(n, (None, None))
        rows.append(
            [
                n,
                value(r.war_value[n]),
                value(r.costs[n]) + (" (private, mean)" if n in r.private_costs else ""),
                value(r.reservation[n]) + ("" if r.from_lottery[n] else " (batna)"),
                value(lo),
                value(hi),
            ]
        )
    out = [
        "Conflict (war as a lottery: reservation = war value - cost)",
        text_table(
            ["party", "war value", "cost", "reservation", "agreement min", "agreement max"], rows
        ),
    ]
    if r.private is not None:
        out += ["", "Private information (take-it-or-leave-it demands, Fearon 1995)"]
        for p, o in r.private.offers.items():
            out.append("  " + offer_sentence(r, p, o))
            if o.outcome is not None:
                out.append(
                    "    demand: "
                    + ", ".join(f"{k} {value(v)}" for k, v in o.outcome.items())
                    + "; expected utilities: "
                    + ", ".join(f"{k} {value(v)}" for k, v in o.expected_utilities.items())
                )
        for p, why in r.private.skipped.items():
            out.append(f"  {p}: not computed ({why})")
    if r.commitment is not None:
        out += ["", "Commitment problem (Powell 2006)", "  " + commitment_sentence(r)]
    return out + [""]


def to_brief(report: Report, r: ConflictResult | None) -> list[Any]:
    if r is None or (r.private is None and r.commitment is None):
        return []
    from ..brief.blocks import Bullets, Heading

    items = []
    if r.private is not None:
        for p, o in r.private.offers.items():
            items.append(offer_sentence(r, p, o))
    if r.commitment is not None:
        items.append(commitment_sentence(r))
    return [Heading("Why talks can fail although a deal exists"), Bullets(tuple(items), "small")]


def packages(report: Report, r: ConflictResult | None) -> list[Package]:
    if r is None or r.private is None:
        return []
    out = []
    for p, o in r.private.offers.items():
        if o.outcome is None:
            continue
        accepts = tuple(n for n in report.veto if o.utilities[n] >= r.reservation[n] - 1e-9)
        out.append(
            Package(
                f"demand_{p}",
                f"{p}'s demand",
                "conflict",
                dict(o.outcome),
                dict(o.utilities),
                DEMAND,
                o.coords,
                acceptable=len(accepts) == len(report.veto),
                accepted_by=accepts,
                exact=o.certified,
                status=f"accepted with probability {o.acceptance_probability:.2f}",
            )
        )
    return out


CONFLICT = Analysis(
    key="conflict",
    label="conflict model",
    compute=compute,
    marker=DEMAND,
    method=MethodNote(
        "War is a costly lottery; a party with private costs may be asked for too much "
        "(the risk-return trade-off), and a shift of power can make war now rational "
        "for the declining side.",
        "the-conflict-model",
    ),
    json=to_json,
    text=to_text,
    brief=to_brief,
    packages=packages,
)

__all__ = ["CONFLICT", "commitment_sentence", "offer_sentence"]
