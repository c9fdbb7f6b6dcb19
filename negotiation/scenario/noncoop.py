"""The loader's part for the non-cooperative blocks: ``constraints``, ``ratification``,
``conflict.private_costs`` and ``conflict.shift``.

Each parser gets the loader's context (for located errors: ``FILE:LINE:
field: message``) and returns frozen model objects stored on the
:class:`~negotiation.model.scenario.Scenario`. The models that use them are
in :mod:`negotiation.bargaining` (``docs/conflict.md``, ``docs/ratification.md``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ..bargaining.distributions import KINDS, Distribution, check_params
from ..errors import quote
from ..model.issues import Issue
from ..model.scenario import Party
from ..model.values import ValueFunction
from .constraints import ConstraintSyntaxError, LinearConstraint, parse_constraint
from .entries import check_evidence_sources, plain_evidence
from .errors_map import suggest
from .fields import outcome, value_function
from .schema import EvidenceSpec
from .yamlio import Path

if TYPE_CHECKING:  # pragma: no cover
    from .load import _Ctx


@dataclass(frozen=True)
class Shift:
    """Powell's (2006) shifted balance of power: the war lottery once power has shifted
    (``(probability, outcome)`` pairs, like ``Conflict.outcomes``) and the discount factor
    ``delta`` between today and the time of the shift."""

    outcomes: tuple[tuple[float, dict[str, float | str]], ...]
    discount: float
    evidence: Any = None


@dataclass(frozen=True)
class Ratifier:
    """One ratifier of a party (Putnam 1988): its members' acceptance thresholds, the share
    that must accept, and the utility it judges a package by (``weights``, ``values``;
    the party's own unless the file gives them)."""

    party: str
    name: str
    thresholds: Distribution
    pass_share: float
    weights: tuple[float, ...]
    values: tuple[ValueFunction, ...]
    own_utility: bool = False  # the file gave its own weights or values
    evidence: Any = None

    @property
    def key(self) -> str:
        """``party.ratifier``: its name in the report."""
        return f"{self.party}.{self.name}"

    @property
    def threshold(self) -> float:
        """The utility a package needs to pass: ``F^{-1}(pass)`` (F: the thresholds' CDF)."""
        return self.thresholds.ppf(self.pass_share)

    def as_party(self) -> Party:
        """The ratifier as a veto pseudo-party whose reservation value is its threshold."""
        return Party(
            name=self.key,
            weights=self.weights,
            values=self.values,
            batna=float(self.threshold),
            veto=True,
        )


def _dist(ctx: _Ctx, raw: Any, path: Path, truncated: bool) -> Distribution:
    if not isinstance(raw, dict) or len(raw) != 1:
        raise ctx.error(
            path,
            "give one distribution: {uniform: [lo, hi]}, {triangular: [lo, mode, hi]} "
            "or {normal: [mean, sd]}",
        )
    ((kind, params),) = raw.items()
    if kind not in KINDS:
        raise ctx.error(
            path + (kind,),
            f"{quote(str(kind))} is not a distribution{suggest(str(kind), list(KINDS))}; "
            "use uniform, triangular or normal",
        )
    if not isinstance(params, list) or not all(
        isinstance(p, (int, float)) and not isinstance(p, bool) for p in params
    ):
        raise ctx.error(path + (kind,), f"{kind} needs a list of numbers")
    bad = check_params(kind, [float(p) for p in params])
    if bad:
        raise ctx.error(path + (kind,), bad)
    return Distribution(kind, tuple(float(p) for p in params), truncated and kind == "normal")


def _evidence(ctx: _Ctx, raw: Any, path: Path, sources: dict[str, Any]) -> Any:
    """Evidence entries (one, a list, or a mapping parameter -> entries), checked like the
    rest of the file's evidence; returned as plain data."""
    if raw is None:
        return None
    if isinstance(raw, dict) and not any(k in EvidenceSpec.model_fields for k in raw):
        return {k: _evidence(ctx, v, path + (k,), sources) for k, v in raw.items()}
    many = isinstance(raw, list)
    entries = raw if many else [raw]
    specs = [
        ctx.validate(EvidenceSpec, e, path + ((j,) if many else ())) for j, e in enumerate(entries)
    ]
    ev = specs if many else specs[0]
    check_evidence_sources(ctx, ev, path, sources)
    return plain_evidence(ev)


# --------------------------------------------------------------------------- constraints
def parse_constraints(ctx: _Ctx, raw: Any, issues: tuple[Issue, ...]) -> tuple:
    """``constraints``: a list of texts, each a linear comparison of continuous issues."""
    if raw in (None, []):
        return ()
    names = [i.name for i in issues]
    cont = [i.continuous for i in issues]
    out: list[LinearConstraint] = []
    for j, text in enumerate(raw):
        path: Path = ("constraints", j)
        try:
            c = parse_constraint(text, names, cont)
        except ConstraintSyntaxError as exc:
            raise ctx.error(path, f"{quote(str(text), 60)}: {exc}") from None
        lo = hi = 0.0
        for a, issue in zip(c.coefficients, issues):
            if a:
                r0, r1 = issue.bounds
                lo += min(a * r0, a * r1)
                hi += max(a * r0, a * r1)
        tol = 1e-12 * (1.0 + abs(c.rhs) + abs(lo) + abs(hi))
        never = (
            (c.sense == "<=" and lo > c.rhs + tol)
            or (c.sense == ">=" and hi < c.rhs - tol)
            or (c.sense == "==" and not lo - tol <= c.rhs <= hi + tol)
        )
        if never:
            raise ctx.error(
                path,
                f"{quote(str(text), 60)} can never hold: its left side ranges over "
                f"[{lo:g}, {hi:g}] within the issue ranges",
            )
        out.append(c)
    return tuple(out)


# --------------------------------------------------------------------------- conflict
def parse_private_costs(
    ctx: _Ctx, raw: dict[str, Any], parties: tuple[Party, ...], costs: dict[str, Any]
) -> dict[str, Distribution]:
    """``conflict.private_costs``: party -> distribution of its cost (normal truncated at 0).

    Only a party whose ``batna`` is ``conflict`` can have one (its reservation value is
    the lottery less its cost; the mean cost sets it in the cooperative analyses)."""
    from ..model.scenario import BatnaConflict

    party_names = [p.name for p in parties]
    out = {}
    for who, spec in (raw or {}).items():
        path: Path = ("conflict", "private_costs", who)
        if who not in party_names:
            raise ctx.error(path, f"{quote(who)} is not a party{suggest(who, party_names)}")
        if who in costs:
            raise ctx.error(
                path,
                f"{quote(who)} has a cost in both conflict.costs and conflict.private_costs; "
                "give one (a private cost replaces the known one)",
            )
        if not isinstance(parties[party_names.index(who)].batna, BatnaConflict):
            raise ctx.error(
                path,
                f"{quote(who)}'s batna is not 'conflict': a private cost of war would not "
                "change what it gets without a deal",
            )
        dist = _dist(ctx, spec, path, truncated=True)
        if dist.lo < 0:
            raise ctx.error(path, "a cost of war cannot be negative: the lower end must be >= 0")
        out[who] = dist
    return out


def parse_shift(
    ctx: _Ctx, raw: Any, issues: tuple[Issue, ...], sources: dict[str, Any]
) -> Shift | None:
    """``conflict.shift: {outcomes: [...], discount: delta}``."""
    if raw is None:
        return None
    path: Path = ("conflict", "shift")
    if not isinstance(raw, dict):
        raise ctx.error(path, "shift is a mapping: {outcomes: [...], discount: delta}")
    for key in raw:
        if key not in ("outcomes", "discount", "description", "evidence"):
            raise ctx.error(
                path + (key,),
                f"{quote(str(key))} is not a field of shift"
                f"{suggest(str(key), ['outcomes', 'discount'])}",
            )
    delta = raw.get("discount")
    if isinstance(delta, bool) or not isinstance(delta, (int, float)) or not 0 < delta < 1:
        raise ctx.error(
            path + ("discount",),
            "discount must be a number with 0 < discount < 1 "
            "(the weight of the time after the shift)",
        )
    outs = raw.get("outcomes")
    if not isinstance(outs, list) or not outs:
        raise ctx.error(path + ("outcomes",), "outcomes: a non-empty list, as conflict.outcomes")
    pairs = []
    for j, o in enumerate(outs):
        p = path + ("outcomes", j)
        if not isinstance(o, dict) or "probability" not in o or "outcome" not in o:
            raise ctx.error(p, "each shifted outcome needs 'probability' and 'outcome'")
        prob = o["probability"]
        if isinstance(prob, bool) or not isinstance(prob, (int, float)) or not 0 <= prob <= 1:
            raise ctx.error(p + ("probability",), "probability must be between 0 and 1")
        if not isinstance(o["outcome"], dict):
            raise ctx.error(p + ("outcome",), "outcome must be a mapping issue -> value")
        pairs.append((float(prob), outcome(ctx, o["outcome"], issues, p + ("outcome",))))
    total = math.fsum(p for p, _ in pairs)
    if abs(total - 1.0) > 1e-6:
        raise ctx.error(path + ("outcomes",), f"probabilities sum to {total:g}, not 1")
    ev = _evidence(ctx, raw.get("evidence"), path + ("evidence",), sources)
    return Shift(tuple(pairs), float(delta), ev)


# --------------------------------------------------------------------------- ratification
RATIFIER_KEYS = ("thresholds", "pass", "weights", "values", "description", "evidence")


def parse_ratification(
    ctx: _Ctx,
    raw: Any,
    parties: tuple[Party, ...],
    issues: tuple[Issue, ...],
    sources: dict[str, Any],
) -> tuple[Ratifier, ...]:
    """``ratification: {party: {ratifier: {thresholds, pass, weights?, values?}}}``."""
    if raw in (None, {}):
        return ()
    if not isinstance(raw, dict):
        raise ctx.error(("ratification",), "ratification is a mapping party -> ratifiers")
    by_name = {p.name: p for p in parties}
    inames = [i.name for i in issues]
    out = []
    for who, block in raw.items():
        path: Path = ("ratification", who)
        if who not in by_name:
            raise ctx.error(
                path, f"{quote(str(who))} is not a party{suggest(str(who), list(by_name))}"
            )
        if not isinstance(block, dict) or not block:
            raise ctx.error(
                path, "name the party's ratifiers: {referendum: {thresholds: ..., pass: ...}}"
            )
        party = by_name[who]
        for rname, spec in block.items():
            rp = path + (rname,)
            if not isinstance(rname, str) or not rname.isidentifier():
                raise ctx.error(rp, "a ratifier's name is a word (letters, digits, _)")
            if not isinstance(spec, dict):
                raise ctx.error(rp, "a ratifier is a mapping {thresholds: ..., pass: ...}")
            for key in spec:
                if key not in RATIFIER_KEYS:
                    raise ctx.error(
                        rp + (key,),
                        f"{quote(str(key))} is not a field of a ratifier"
                        f"{suggest(str(key), list(RATIFIER_KEYS))}",
                    )
            if "thresholds" not in spec:
                raise ctx.error(
                    rp, "missing 'thresholds' (the distribution of members' thresholds)"
                )
            dist = _dist(ctx, spec["thresholds"], rp + ("thresholds",), truncated=False)
            share = spec.get("pass")
            if isinstance(share, bool) or not isinstance(share, (int, float)) or not 0 < share < 1:
                raise ctx.error(
                    rp + ("pass",), "pass must be the share of members needed, 0 < pass < 1"
                )
            weights = party.weights
            if "weights" in spec:
                w = spec["weights"]
                if not isinstance(w, dict) or not w:
                    raise ctx.error(rp + ("weights",), "weights: a mapping issue -> weight")
                for k, x in w.items():
                    if k not in inames:
                        raise ctx.error(
                            rp + ("weights", k),
                            f"{quote(str(k))} is not an issue{suggest(str(k), inames)}",
                        )
                    if isinstance(x, bool) or not isinstance(x, (int, float)) or x < 0:
                        raise ctx.error(rp + ("weights", k), "a weight is a number >= 0")
                total = math.fsum(float(w.get(n, 0.0)) for n in inames)
                if total <= 0:
                    raise ctx.error(rp + ("weights",), "weights are all zero")
                weights = tuple(float(w.get(n, 0.0)) / total for n in inames)
            values = list(party.values)
            given_names = (
                set(spec.get("values") or {}) if isinstance(spec.get("values"), dict) else set()
            )
            for j, n in enumerate(inames):
                if weights[j] > 0 and party.weights[j] == 0 and n not in given_names:
                    raise ctx.error(
                        rp + ("values",),
                        f"the ratifier weighs {quote(n)}, which {who} does not: "
                        f"give its value function (values.{n})",
                    )
            given = spec.get("values") or {}
            if not isinstance(given, dict):
                raise ctx.error(rp + ("values",), "values: a mapping issue -> value function")
            for k, vf in given.items():
                if k not in inames:
                    raise ctx.error(
                        rp + ("values", k),
                        f"{quote(str(k))} is not an issue{suggest(str(k), inames)}",
                    )
                j = inames.index(k)
                values[j] = value_function(ctx, vf, issues[j], rp + ("values", k))
            r = Ratifier(
                who,
                rname,
                dist,
                float(share),
                tuple(weights),
                tuple(values),
                "weights" in spec or bool(given),
                _evidence(ctx, spec.get("evidence"), rp + ("evidence",), sources),
            )
            if not np.isfinite(r.threshold):
                raise ctx.error(rp + ("pass",), "the threshold F^-1(pass) is not finite")
            out.append(r)
    return tuple(out)


__all__ = [
    "Ratifier",
    "Shift",
    "parse_constraints",
    "parse_private_costs",
    "parse_ratification",
    "parse_shift",
]
