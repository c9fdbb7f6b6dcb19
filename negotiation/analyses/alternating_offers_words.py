"""Plain words for the alternating-offers results (Rubinstein 1982; Baron & Ferejohn 1989).

The sentences of the report section :mod:`negotiation.analyses.alternating_offers`
(text and brief): the two-party offers and first-mover advantage (with the
effective factor ``rho = (1 - q) delta``), the veto parties the two-party model
holds exactly at their reservation value, which ratifiers reject each offer,
and, for Baron–Ferejohn, the values of waiting ``rho_j V_j`` and, per proposer,
which partners it buys with exactly that (the constraint binds) and which with
more (slack).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ..formatting import join_words, value

if TYPE_CHECKING:  # pragma: no cover
    from ..bargaining.baron_ferejohn import BaronFerejohn
    from ..bargaining.frontier import Offer
    from ..bargaining.rubinstein import Rubinstein


TIGHT = 1e-6  # a partner's surplus within this of its value of waiting: the constraint binds
WORTHLESS = 0.1  # an issue value (0 to 1) at most this is "worth almost nothing" to a party


def held_at_reservation(r: Rubinstein, scenario: Any, reservation: dict[str, float]) -> list[str]:
    """Sentences on the veto parties outside the two-party game: the model holds each
    at its reservation value (a floor, never more), whatever the two bargainers do."""
    names = scenario.party_names
    out = []
    for k, p in enumerate(scenario.parties):
        if not p.veto or p.name in r.parties or not r.offers:
            continue
        if any(float(o.surplus[k]) > TIGHT for o in r.offers.values()):
            continue
        worthless = []
        for j, issue in enumerate(scenario.issues):
            if float(p.weights[j]) <= 0:
                continue
            coords = [issue.encode((o.outcome or {})[issue.name]) for o in r.offers.values()]
            vals = [float(p.values[j](np.array([c]))[0]) for c in coords]
            if max(vals) <= WORTHLESS:
                at = " / ".join(value((o.outcome or {})[issue.name]) for o in r.offers.values())
                worth = " / ".join(value(v) for v in vals)
                worthless.append(
                    f"{issue.name} pushed to {at}, worth only {worth} of 1 to {p.name}"
                )
        line = (
            f"{p.name} (a veto party outside the two-party game) is held exactly at its "
            f"reservation value {value(reservation[names[k]])} in "
            + ("both offers" if len(r.offers) == 2 else "the offer")
            + f": the model only requires that {p.name} not veto, so the two bargainers "
            f"take everything above it"
        )
        if worthless:
            line += f" ({join_words(worthless)})"
        out.append(line + ".")
    return out


def ratification_sentence(
    keys: dict[str, str], verdicts: dict[str, tuple[str, ...]], needs: dict[str, float]
) -> str | None:
    """One sentence: which ratifiers reject the offers ``keys`` (package key -> label)."""
    shown = {k: lab for k, lab in keys.items() if k in verdicts}
    if not shown:
        return None
    failing = {lab: verdicts[k] for k, lab in shown.items() if verdicts[k]}
    if not failing:
        return "Every one of these offers passes ratification (" + _needs(needs) + ")."
    if len(failing) == len(shown):
        head = "None of these offers passes ratification" if len(shown) > 2 else (
            "Neither offer passes ratification" if len(shown) == 2 else
            "The offer does not pass ratification")  # fmt: skip
    else:
        head = "Not every offer passes ratification"
    parts = [f"{lab} rejected by {join_words(list(v))}" for lab, v in failing.items()]
    return f"{head} ({_needs(needs)}): " + "; ".join(parts) + "."


def _needs(needs: dict[str, float]) -> str:
    return ", ".join(f"{k} needs utility {value(v)}" for k, v in needs.items())


def rubinstein_sentences(
    r: Rubinstein,
    scenario: Any = None,
    reservation: dict[str, float] | None = None,
) -> list[str]:
    """What the two-party result says, in plain words (with ``scenario`` and
    ``reservation``: also which veto parties the model holds at their reservation)."""
    a, b = r.parties
    if not r.offers or not r.unique:
        return [f"{a} and {b}: {r.message}."]
    oa, ob = r.offers[a], r.offers[b]
    sa_first, sa_second = _s(oa, r, a), _s(ob, r, a)
    sb_first, sb_second = _s(ob, r, b), _s(oa, r, b)
    q = r.breakdown
    if q > 0:
        shrink = (
            f"it is (1 - rho) x the proposer's gain with the effective factor rho = (1 - q) "
            f"delta, so with breakdown risk q = {q:g} it does not vanish however patient both "
            f"become: it stays at least {q:g} x the proposer's gain"
        )
    else:
        shrink = "it shrinks as both become more patient"
    out = [
        f"{a} moving first offers {b} exactly what {b} expects from rejecting and proposing "
        f"next round ({value(r.factors[b])} x its proposer gain), and {b} accepts at once: {a} "
        f"gains {value(sa_first)} over its reservation value, {b} {value(sb_second)}.",
        f"If {b} moves first: {b} gains {value(sb_first)}, {a} {value(sa_second)}.",
        f"First-mover advantage: {a} {value(sa_first - sa_second)}, {b} "
        f"{value(sb_first - sb_second)} ({shrink}).",
    ]
    pa, pb = r.factors[a], r.factors[b]
    if pa != pb:
        more, less = (a, b) if pa > pb else (b, a)
        out.append(
            f"{more} is more patient (effective factor (1 - q) delta {value(max(pa, pb))} "
            f"against {value(min(pa, pb))}): patience is bargaining power, and were {more} as "
            f"impatient as {less} it would get less."
        )
    for p, binds in r.binding.items():
        if binds:
            resp = b if p == a else a
            out.append(f"When {p} proposes, {resp}'s outside option binds: it gets exactly it.")
    if scenario is not None and reservation is not None:
        out += held_at_reservation(r, scenario, reservation)
    if not r.certified:
        out.append(f"Caution: {r.message}.")
    return out


def _s(o: Offer, r: Rubinstein, who: str) -> float:
    """``who``'s surplus in the offer ``o``."""
    return float(o.surplus[r.indices[r.parties.index(who)]])


def waiting(bf: BaronFerejohn) -> np.ndarray:
    """Each party's value of waiting ``rho_j V_j`` (surplus over its reservation): the
    least a coalition partner accepts (Baron & Ferejohn 1989; Eraslan 2002)."""
    return np.asarray(bf.factors) * np.asarray(bf.expected)


def bf_sentences(bf: BaronFerejohn, d: dict[str, float]) -> list[str]:
    names = bf.names
    if not bf.converged:
        return [f"Multilateral bargaining: {bf.message}."]
    exp = ", ".join(f"{n} {value(d[n] + v)}" for n, v in zip(names, bf.expected))
    wait = waiting(bf)
    out = [
        f"Multilateral bargaining ({bf.quota.label()}): before anyone is recognised, the "
        f"expected utilities are {exp} (reservation values: "
        + ", ".join(f"{n} {value(d[n])}" for n in names)
        + ").",
        "Value of waiting (rho_j V_j over the reservation value: the least a coalition "
        "partner accepts), as utility: "
        + ", ".join(f"{n} {value(d[n] + w)}" for n, w in zip(names, wait))
        + ".",
    ]
    for i, p in enumerate(names):
        m = bf.membership(i)
        ch = bf.main_choice(i)
        main = set(ch.coalition or ()) if ch.offer is not None else set()
        exact, more, other = [], [], []
        for k, n in enumerate(names):
            if k == i or m[k] <= 1e-6:
                continue
            tag = "" if m[k] > 1 - 1e-6 else f" (p={m[k]:.2f})"
            if k not in main or ch.offer is None:
                other.append(n + tag)
            elif float(ch.offer.surplus[k]) - wait[k] <= TIGHT * max(1.0, abs(wait[k])):
                exact.append(n + tag)
            else:
                more.append(
                    f"{n}{tag} ({value(d[n] + float(ch.offer.surplus[k]))} against "
                    f"{value(d[n] + wait[k])})"
                )
        parts = []
        if exact:
            its = "its" if len(exact) == 1 else "their"
            parts.append(f"{join_words(exact)} with exactly {its} value of waiting")
        if more:
            its = "its" if len(more) == 1 else "their"
            parts.append(
                f"{'of ' if parts else ''}{join_words(more)} with more than {its} value of "
                "waiting (slack: the proposer's best package gives more at no cost to it)"
            )
        if other:
            parts.append(f"{'of ' if parts else ''}{join_words(other)} in its other coalitions")
        bought = ", and ".join(parts) if len(parts) > 1 else (parts[0] if parts else "nobody")
        out.append(
            f"{p} as proposer buys the votes of {bought}; it keeps a gain of {value(ch.value)}."
        )
    return out


__all__ = [
    "TIGHT",
    "WORTHLESS",
    "bf_sentences",
    "held_at_reservation",
    "ratification_sentence",
    "rubinstein_sentences",
    "waiting",
]
