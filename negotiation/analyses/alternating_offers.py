"""Alternating offers (key ``alternating_offers``): Rubinstein and Baron–Ferejohn.

Computed by :func:`negotiation.bargaining.rubinstein.rubinstein` (two
parties) and :func:`negotiation.bargaining.baron_ferejohn.baron_ferejohn` (all
parties) on the scenario's own outcome space, each maximisation a certified
core call (:mod:`negotiation.bargaining.frontier`). Present when the scenario
has two or more parties. What runs:

- nothing when every party is perfectly patient (``discount`` 1) and talks
  never break down (``bargaining.breakdown`` 0): the models then pin down no
  single outcome; the section says so (status ``frictionless``);
- Rubinstein for the two parties of ``bargaining.parties``, else for the only
  two parties, else for the only two veto parties (the other veto parties
  must still get their reservation values);
- Baron–Ferejohn for all parties, with ``bargaining.quota`` (default: every
  veto party) when the number of coalitions is small enough for the report.

In the text: the Rubinstein offers with every veto party outside the pair held
exactly at its reservation value said plainly (:func:`held_at_reservation`);
the Baron–Ferejohn values of waiting ``rho_j V_j`` once, and per proposer which
partners get exactly that (the constraint binds) and which more (slack); when
the scenario has a ``ratification`` block, which ratifiers reject each offer
(:func:`negotiation.bargaining.ratification.rejected_by`; JSON
``alternating_offers.ratification``).

In the figures and the brief's table: each proposer's equilibrium offer (kind
``bargaining``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from ..formatting import text_table, value
from ..registry import Analysis, Context, Marker, MethodNote, Package
from .alternating_offers_words import (
    bf_sentences,
    held_at_reservation,
    ratification_sentence,
    rubinstein_sentences,
    waiting,
)

if TYPE_CHECKING:  # pragma: no cover
    from ..bargaining.baron_ferejohn import BaronFerejohn
    from ..bargaining.frontier import Offer
    from ..bargaining.rubinstein import Rubinstein
    from ..report import Report

RUBINSTEIN = Marker(">", 9)
BARON_FEREJOHN = Marker("<", 9)  # "h" is the closest outcome
MAX_REPORT_OPTIONS = 8  # Baron–Ferejohn runs in the report up to this many coalitions


@dataclass(frozen=True)
class AlternatingOffers:
    """What the section shows: a status, the two models' results or why not."""

    status: str  # "solved", "frictionless", "no deal", "not computed"
    message: str
    parameters: dict[str, Any]
    rubinstein: Rubinstein | None = None
    rubinstein_note: str = ""
    baron_ferejohn: BaronFerejohn | None = None
    baron_ferejohn_note: str = ""
    reservation: dict[str, float] = field(default_factory=dict)
    #: per package key (``rubinstein_<p>``, ``baron_ferejohn_<p>``), the ratifiers that
    #: reject the offer; ``None`` when the scenario has no ``ratification`` block
    ratification: dict[str, tuple[str, ...]] | None = None
    #: per ratifier, the utility it needs (``F^{-1}(pass)``); empty without ratification
    ratifier_needs: dict[str, float] = field(default_factory=dict)


def _pair(scenario: Any) -> tuple[str, str] | None:
    opts = scenario.bargaining
    if opts is not None and opts.parties is not None:
        return tuple(opts.parties)  # type: ignore[return-value]
    names = scenario.party_names
    veto = [p.name for p in scenario.parties if p.veto]
    if len(names) == 2:
        return names[0], names[1]
    if len(veto) == 2:
        return veto[0], veto[1]
    return None


def compute(ctx: Context) -> AlternatingOffers | None:
    from ..bargaining.baron_ferejohn import Quota, baron_ferejohn, minimal_winning
    from ..bargaining.frontier import ScenarioFrontier, surplus_scale
    from ..bargaining.options import recognition
    from ..bargaining.rubinstein import rubinstein

    s, problem = ctx.scenario, ctx.problem
    names = s.party_names
    if len(names) < 2:
        return None
    opts = s.bargaining
    q = opts.breakdown if opts is not None else 0.0
    quota = opts.rule if opts is not None else Quota("veto_plus", 0)
    delta = [p.discount for p in s.parties]
    p_rec = recognition(s.parties)
    params = {
        "discount": {n: d for n, d in zip(names, delta)},
        "breakdown": q,
        "outside_option": {p.name: p.outside_option for p in s.parties},
        "recognition": {n: r for n, r in zip(names, p_rec)},
        "quota": quota.label(),
    }
    reservation = {n: float(d) for n, d in zip(names, problem.d)}
    common = dict(parameters=params, reservation=reservation)
    if q == 0.0 and all(d == 1.0 for d in delta):
        return AlternatingOffers(
            "frictionless",
            "every party is perfectly patient (discount 1) and talks never break down: "
            "alternating offers then pin down no single agreement (any efficient deal is an "
            "equilibrium); with equal small frictions the two-party outcome tends to the Nash "
            "solution. Give parties a discount or bargaining.breakdown to compute them.",
            **common,  # type: ignore[arg-type]
        )
    if problem.precision == "grid":
        return AlternatingOffers(
            "not computed",
            "not computed at grid precision",
            **common,  # type: ignore[arg-type]
        )
    if not ctx["range"].deal_possible:
        return AlternatingOffers(
            "no deal",
            "no outcome gives every veto party its reservation value: nobody would accept "
            "an offer, so talks end in disagreement",
            **common,  # type: ignore[arg-type]
        )
    veto = [i for i, p in enumerate(s.parties) if p.veto]
    rub, rub_note = None, ""
    pair = _pair(s)
    if pair is None:
        rub_note = (
            "two-party alternating offers need two bargainers: name them in bargaining.parties"
        )
    else:
        a, b = names.index(pair[0]), names.index(pair[1])
        frontier = ScenarioFrontier(problem, required=[k for k in veto if k not in (a, b)])
        rub = rubinstein(
            frontier,
            a,
            b,
            (delta[a], delta[b]),
            breakdown=q,
            outside=(s.parties[a].outside_option, s.parties[b].outside_option),
        )
    bf, bf_note = None, ""
    n_options = sum(len(minimal_winning(i, len(names), quota, veto)) for i in range(len(names)))
    if n_options > MAX_REPORT_OPTIONS:
        bf_note = (
            f"not computed in the report: {n_options} minimal winning coalitions under "
            f"{quota.label()} (the report's limit is {MAX_REPORT_OPTIONS}; use "
            "negotiation.bargaining.baron_ferejohn)"
        )
    else:
        frontier = ScenarioFrontier(problem)
        try:
            bf = baron_ferejohn(
                frontier,
                p_rec,
                delta,
                quota,
                veto,
                breakdown=q,
                scale=surplus_scale(frontier, range(len(names))),
            )
        except ValueError as exc:
            bf_note = f"not computed: {exc}"
    rat, needs = _ratification(problem, rub, bf)
    return AlternatingOffers(
        "solved", "", rubinstein=rub, rubinstein_note=rub_note, baron_ferejohn=bf,
        baron_ferejohn_note=bf_note, ratification=rat, ratifier_needs=needs,
        **common,  # type: ignore[arg-type]
    )  # fmt: skip


def _offers(rub: Rubinstein | None, bf: BaronFerejohn | None) -> dict[str, Offer]:
    """Every equilibrium offer by package key (as in :func:`packages`)."""
    out: dict[str, Offer] = {}
    if rub is not None and rub.unique:
        out |= {f"rubinstein_{p}": o for p, o in rub.offers.items()}
    if bf is not None and bf.converged:
        for i, p in enumerate(bf.names):
            ch = bf.main_choice(i)
            if ch.offer is not None:
                out[f"baron_ferejohn_{p}"] = ch.offer
    return out


def _ratification(
    problem: Any, rub: Rubinstein | None, bf: BaronFerejohn | None
) -> tuple[dict[str, tuple[str, ...]] | None, dict[str, float]]:
    """Which ratifiers reject each equilibrium offer (Putnam 1988; ``None``: the
    scenario has no ratification block)."""
    if not problem.scenario.ratification:
        return None, {}
    from ..bargaining.ratification import rejected_by

    offers = _offers(rub, bf)
    verdicts = rejected_by(problem, [dict(o.outcome or {}) for o in offers.values()])
    needs = {r.key: float(r.threshold) for r in problem.scenario.ratification}
    return dict(zip(offers, verdicts)), needs


# ----------------------------------------------------------------------------- JSON
def _num(x: float) -> float | None:
    """12 significant digits; ``None`` (JSON null) for nan or infinity."""
    return float(f"{float(x):.12g}") if np.isfinite(x) else None


def _point(o: Offer, names: list[str]) -> dict[str, Any]:
    return {
        "outcome": {k: v if isinstance(v, str) else float(v) for k, v in (o.outcome or {}).items()},
        "utilities": {n: _num(u) for n, u in zip(names, o.utilities)},
        "surplus": {n: _num(u) for n, u in zip(names, o.surplus)},
        "certified": bool(o.certified),
        "gap": _num(o.gap),
    }


def _rub_json(r: Rubinstein, names: list[str]) -> tuple[dict[str, Any], dict[str, Any]]:
    offers = {}
    for p, o in r.offers.items():
        offers[p] = _point(o, names) | {"outside_option_binds": bool(r.binding.get(p, False))}
    info = {
        "parties": list(r.parties),
        "method": r.method,
        "unique": r.unique,
        "factors": {k: _num(v) for k, v in r.factors.items()},
        "certified": r.certified,
        "gap": _num(r.gap),
        "bracket": _num(r.bracket),
        "residual": _num(r.residual),
        "message": r.message,
    }
    return offers, info


def _bf_json(bf: BaronFerejohn, d: np.ndarray) -> dict[str, Any]:
    names = bf.names
    offers = {}
    for i, p in enumerate(names):
        ch = bf.main_choice(i)
        entry: dict[str, Any]
        if ch.offer is None:
            entry = {
                "outcome": None,
                "utilities": {n: _num(u) for n, u in zip(names, d + ch.surplus)},
            }
        else:
            entry = {k: v for k, v in _point(ch.offer, names).items()}
        entry["coalition"] = {n: _num(m) for n, m in zip(names, bf.membership(i))}
        entry["options"] = [
            {
                "coalition": None if c.coalition is None else [names[k] for k in c.coalition],
                "probability": _num(sg),
                "proposer_surplus": _num(c.value),
            }
            for c, sg in zip(bf.options[i], bf.sigma[i])
            if sg > 1e-9
        ]
        offers[p] = entry
    return {
        "expected": {n: _num(x) for n, x in zip(names, d + bf.expected)},
        "expected_surplus": {n: _num(x) for n, x in zip(names, bf.expected)},
        "offers": offers,
        "quota": bf.quota.label(),
        "converged": bf.converged,
        "certified": bf.certified,
        "residual": _num(bf.residual),
        "gap": _num(bf.gap),
        "method": bf.method,
        "message": bf.message,
    }


def to_json(report: Report, r: AlternatingOffers | None) -> dict[str, Any]:
    if r is None:
        return {}
    names = report.scenario.party_names
    d = np.array([r.reservation[n] for n in names])
    out: dict[str, Any] = {"status": r.status, "message": r.message, "parameters": r.parameters}
    if r.rubinstein is not None:
        out["rubinstein"], out["rubinstein_method"] = _rub_json(r.rubinstein, names)
    else:
        out["rubinstein"], out["rubinstein_method"] = None, None
    out["baron_ferejohn"] = None if r.baron_ferejohn is None else _bf_json(r.baron_ferejohn, d)
    out["notes"] = [x for x in (r.rubinstein_note, r.baron_ferejohn_note) if x]
    if r.ratification is not None:
        out["ratification"] = {
            k: {"passes": not v, "rejected_by": list(v)} for k, v in r.ratification.items()
        }
    if r.baron_ferejohn is not None and r.baron_ferejohn.converged:
        out["baron_ferejohn"]["value_of_waiting"] = {
            n: _num(x) for n, x in zip(names, d + waiting(r.baron_ferejohn))
        }
    return {"alternating_offers": out}


# ----------------------------------------------------------------------------- words
def to_text(report: Report, r: AlternatingOffers | None) -> list[str]:
    if r is None or r.status == "frictionless":
        return []  # nothing computed: the JSON says why (status, message)
    s = report.scenario
    out = ["Alternating offers (non-cooperative bargaining)"]
    prm = r.parameters
    out.append(
        "  discount per round: "
        + ", ".join(f"{n} {v:g}" for n, v in prm["discount"].items())
        + f"; breakdown risk per rejection: {prm['breakdown']:g}"
    )
    if r.status != "solved":
        return out + ["  " + r.message, ""]
    rows = []
    keys: list[str] = []
    verdicts = r.ratification
    if r.rubinstein is not None:
        rb = r.rubinstein
        out.append("  Two parties (Rubinstein 1982): " + ", ".join(rb.parties))
        out += ["  " + x for x in rubinstein_sentences(rb, s, r.reservation)]
        if verdicts is not None:
            line = ratification_sentence(
                {f"rubinstein_{p}": f"{p} first" for p in rb.offers}, verdicts, r.ratifier_needs
            )
            out += [] if line is None else ["  " + line]
        for p, o in rb.offers.items():
            rows.append(_row(f"{p} first", o, s))
            keys.append(f"rubinstein_{p}")
    elif r.rubinstein_note:
        out.append("  Two parties: " + r.rubinstein_note)
    bf = r.baron_ferejohn
    if bf is not None:
        out += ["  " + x for x in bf_sentences(bf, r.reservation)]
        if verdicts is not None:
            line = ratification_sentence(
                {f"baron_ferejohn_{p}": f"{p} proposes (BF)" for p in bf.names},
                verdicts,
                r.ratifier_needs,
            )
            out += [] if line is None else ["  " + line]
        for i, p in enumerate(bf.names):
            ch = bf.main_choice(i)
            if ch.offer is not None:
                rows.append(_row(f"{p} proposes (BF)", ch.offer, s))
                keys.append(f"baron_ferejohn_{p}")
    elif r.baron_ferejohn_note:
        out.append("  Many parties: " + r.baron_ferejohn_note)
    if rows:
        head = ["offer"] + s.issue_names + [f"u({n})" for n in s.party_names]
        if verdicts is not None:
            head.append("ratification")
            for row, k in zip(rows, keys):
                v = verdicts.get(k)
                row.append(
                    "-" if v is None else "passes" if not v else "rejected by " + ", ".join(v)
                )
        out.append(text_table(head, rows))
    cert = []
    if r.rubinstein is not None and r.rubinstein.offers:
        rb = r.rubinstein
        cert.append(
            f"two parties: {'certified' if rb.certified else 'NOT certified'} (core gap "
            f"{rb.gap:.1g}, fixed-point residual {rb.residual:.1g})"
        )
    if bf is not None:
        cert.append(
            f"many parties: {'equilibrium verified' if bf.converged else 'did not converge'} "
            f"(residual {bf.residual:.1g}, core gap {bf.gap:.1g})"
        )
    if cert:
        out.append("  " + "; ".join(cert))
    return out + [""]


def _row(label: str, o: Offer, s: Any) -> list[str]:
    outcome = o.outcome or {}
    return (
        [label]
        + [value(outcome.get(i.name)) for i in s.issues]
        + [value(float(u)) for u in o.utilities]
    )


def to_brief(report: Report, r: AlternatingOffers | None) -> list[Any]:
    if r is None or r.status != "solved":
        return []
    from ..brief.blocks import Bullets, Heading

    items: list[str] = []
    rb = r.rubinstein
    if rb is not None and rb.offers and rb.unique:
        # the brief's short version of the text report's sentences
        a, b = rb.parties
        sa = [float(rb.offers[p].surplus[rb.indices[0]]) for p in (a, b)]
        sb = [float(rb.offers[p].surplus[rb.indices[1]]) for p in (b, a)]
        risk = f" and a {rb.breakdown:.0%} risk of breakdown per rejection" if rb.breakdown else ""
        patient = max((a, b), key=lambda p: rb.factors[p])
        line = (
            f"Alternating offers between {a} and {b} (Rubinstein 1982, with discounting{risk}): "
            f"they agree at once; {a} gains {value(sa[0])} over its reservation value when it "
            f"moves first and {value(sa[1])} when it answers, {b} {value(sb[0])} and "
            f"{value(sb[1])}"
        )
        if rb.factors[a] != rb.factors[b]:
            line += f"; {patient}, the more patient, does better"
        items.append(line + ".")
        items += held_at_reservation(rb, report.scenario, r.reservation)
    elif rb is not None:
        items += rubinstein_sentences(rb, report.scenario, r.reservation)[:1]
    if r.baron_ferejohn is not None:
        items += bf_sentences(r.baron_ferejohn, r.reservation)[:1]
    if not items:
        return []
    return [Heading("What self-interested bargaining predicts"), Bullets(tuple(items), "small")]


def packages(report: Report, r: AlternatingOffers | None) -> list[Package]:
    if r is None or r.status != "solved":
        return []
    names = report.scenario.party_names
    out = []

    def pkg(key: str, label: str, o: Offer, marker: Marker, legend: str) -> Package:
        u = {n: float(x) for n, x in zip(names, o.utilities)}
        accepts = tuple(n for n in report.veto if u[n] >= r.reservation[n] - 1e-9)
        return Package(
            key, label, "bargaining", dict(o.outcome or {}), u, marker, o.coords,
            acceptable=len(accepts) == len(report.veto), accepted_by=accepts,
            exact=o.certified, status="equilibrium offer", legend=legend, table=False,
        )  # fmt: skip

    if r.rubinstein is not None and r.rubinstein.unique:
        for p, o in r.rubinstein.offers.items():
            out.append(
                pkg(f"rubinstein_{p}", f"{p} proposes first", o, RUBINSTEIN, "Rubinstein offers")
            )
    bf = r.baron_ferejohn
    if bf is not None and bf.converged:
        for i, p in enumerate(bf.names):
            ch = bf.main_choice(i)
            if ch.offer is not None:
                out.append(
                    pkg(
                        f"baron_ferejohn_{p}",
                        f"{p} proposes (BF)",
                        ch.offer,
                        BARON_FEREJOHN,
                        "Baron–Ferejohn offers",
                    )
                )
    return out


ALTERNATING_OFFERS = Analysis(
    key="alternating_offers",
    label="alternating offers",
    compute=compute,
    marker=RUBINSTEIN,
    method=MethodNote(
        "Alternating offers: each proposer offers the others exactly what waiting is "
        "worth to them (discounting, risk of breakdown), so patience and moving first "
        "are bargaining power.",
        "alternating-offers",
    ),
    json=to_json,
    text=to_text,
    brief=to_brief,
    packages=packages,
)

__all__ = [
    "ALTERNATING_OFFERS",
    "AlternatingOffers",
    "bf_sentences",
    "held_at_reservation",
    "ratification_sentence",
    "rubinstein_sentences",
]
