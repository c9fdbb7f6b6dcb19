"""The ``bargaining`` block and the party parameters of the non-cooperative models.

```yaml
bargaining:
  parties: [ukraine, russia]   # the two alternating-offers bargainers (optional)
  breakdown: 0.02              # chance talks collapse into the reservation values per rejection
  discount: 0.95               # common per-round discount (a party's own `discount` wins)
  quota: unanimity             # | majority | {k: 3} | {veto_plus: 1}
```

Per party: ``discount`` (0 < delta <= 1), ``outside_option`` (a utility) and
``recognition`` (probability of proposing). Recognition probabilities must
sum to 1 when every party gives one; parties without one share what is left
equally; none given: equal shares. :func:`parse_bargaining` checks the block
with located errors (``FILE:LINE: field: message``); the loader calls it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any

from ..errors import quote
from ..model.scenario import Party
from ..scenario.schema import Evidence, Spec

PROB_TOL = 1e-6


class _EvidenceBlock(Spec):
    """The block's ``evidence``: entries, a list, or a mapping parameter -> entries."""

    evidence: dict[str, Evidence] | Evidence | None = None


KEYS = ("parties", "breakdown", "discount", "quota", "evidence")


@dataclass(frozen=True)
class Quota:
    """Which coalitions pass an offer.

    ``kind``: ``"unanimity"`` (every party), ``"majority"`` (more than half),
    ``"k"`` (at least ``k`` parties) or ``"veto_plus"`` (every veto party and
    at least ``k`` parties that have no veto). The proposer is always a member.
    """

    kind: str
    k: int = 0

    def wins(self, members: frozenset[int], n: int, veto: frozenset[int]) -> bool:
        if self.kind == "unanimity":
            return len(members) == n
        if self.kind == "majority":
            return 2 * len(members) > n
        if self.kind == "k":
            return len(members) >= self.k
        return veto <= members and len(members - veto) >= self.k

    def label(self) -> str:
        if self.kind in ("unanimity", "majority"):
            return self.kind
        if self.kind == "k":
            return f"any {self.k} parties"
        if self.k == 0:
            return "every veto party"
        return f"every veto party plus {self.k} other" + ("s" if self.k != 1 else "")


@dataclass(frozen=True)
class Bargaining:
    """The parsed ``bargaining`` block (defaults when the file has none).

    ``quota`` ``None`` means the default: every veto party (``veto_plus: 0``).
    ``discount`` is the common discount already applied to the parties that
    give none; it is kept for the report.
    """

    parties: tuple[str, str] | None = None
    breakdown: float = 0.0
    discount: float | None = None
    quota: Quota | None = None
    evidence: Any = None

    @property
    def rule(self) -> Quota:
        return self.quota if self.quota is not None else Quota("veto_plus", 0)


def recognition(parties: tuple[Party, ...] | list[Party]) -> list[float]:
    """Each party's recognition probability: its own, else an equal share of what is left."""
    given = [p.recognition for p in parties]
    missing = [i for i, r in enumerate(given) if r is None]
    left = max(0.0, 1.0 - math.fsum(r for r in given if r is not None))
    share = left / len(missing) if missing else 0.0
    return [share if r is None else float(r) for r in given]


def parse_bargaining(
    ctx: Any, block: Any, parties: tuple[Party, ...], sources: dict[str, Any] | None = None
) -> tuple[Any, tuple]:
    """Check the ``bargaining`` block and the parties' recognition probabilities.

    Returns ``(Bargaining or None, parties)``: the parties with the common
    discount applied to those whose file gives none.
    """
    names = [p.name for p in parties]
    parties = _check_recognition(ctx, parties)
    if block in (None, {}):
        return None, parties
    if not isinstance(block, dict):
        raise ctx.error(
            ("bargaining",), "bargaining must be a mapping (parties, breakdown, discount, quota)"
        )
    for key in block:
        if key not in KEYS:
            raise ctx.error(
                ("bargaining", key), f"unknown key {quote(str(key))}; allowed: " + ", ".join(KEYS)
            )
    pair = None
    if "parties" in block:
        raw = block["parties"]
        if not isinstance(raw, list) or len(raw) != 2 or raw[0] == raw[1]:
            raise ctx.error(("bargaining", "parties"), "must name two different parties")
        for j, who in enumerate(raw):
            if who not in names:
                raise ctx.error(("bargaining", "parties", j), f"{quote(str(who))} is not a party")
        pair = (str(raw[0]), str(raw[1]))
    q = _number(ctx, block, "breakdown", 0.0)
    if not 0.0 <= q < 1.0:
        raise ctx.error(("bargaining", "breakdown"), f"must be in [0, 1), got {q:g}")
    common = _number(ctx, block, "discount", None) if "discount" in block else None
    if common is not None and not 0.0 < common <= 1.0:
        raise ctx.error(("bargaining", "discount"), f"must be in (0, 1], got {common:g}")
    quota = _quota(ctx, block.get("quota"), parties) if "quota" in block else None
    if common is not None:
        raw_parties = ctx.data.get("parties", {})
        parties = tuple(
            p if "discount" in (raw_parties.get(p.name) or {}) else replace(p, discount=common)
            for p in parties
        )
    evidence = block.get("evidence")
    if evidence is not None:
        from ..scenario.entries import check_evidence_sources, plain_evidence

        spec = ctx.validate(_EvidenceBlock, {"evidence": evidence}, ("bargaining",))
        check_evidence_sources(ctx, spec.evidence, ("bargaining", "evidence"), sources or {})
        evidence = plain_evidence(spec.evidence)
    return Bargaining(pair, q, common, quota, evidence), parties


def _number(ctx: Any, block: dict, key: str, default: float | None) -> Any:
    value = block.get(key, default)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ctx.error(
            ("bargaining", key), f"must be a number, got {ctx.show(('bargaining', key), value)}"
        )
    return float(value)


def _quota(ctx: Any, raw: Any, parties: tuple[Party, ...]) -> Quota:
    path = ("bargaining", "quota")
    n = len(parties)
    if raw in ("unanimity", "majority"):
        return Quota(raw)
    if isinstance(raw, dict) and len(raw) == 1:
        ((key, value),) = raw.items()
        if key in ("k", "veto_plus"):
            if isinstance(value, bool) or not isinstance(value, int):
                raise ctx.error(
                    path + (key,), f"must be a whole number, got {ctx.show(path + (key,), value)}"
                )
            n_veto = sum(p.veto for p in parties)
            top = n if key == "k" else n - n_veto
            low = 1 if key == "k" else 0
            if not low <= value <= top:
                raise ctx.error(
                    path + (key,),
                    f"must be between {low} and {top} "
                    f"(the scenario has {n} parties, {n_veto} with a veto)",
                )
            return Quota(str(key), int(value))
    raise ctx.error(
        path,
        "must be unanimity, majority, {k: N} (any N parties) or "
        "{veto_plus: N} (every veto party and N others)",
    )


def _check_recognition(ctx: Any, parties: tuple[Party, ...]) -> tuple[Party, ...]:
    """Check the recognition probabilities; when every party gives one and they do not sum
    to 1, normalise them (with a note, as for weights), so that a sweep can vary each alone."""
    given = [(p.name, p.recognition) for p in parties if p.recognition is not None]
    if not given:
        return parties
    total = math.fsum(r for _, r in given)
    last = ("parties", given[-1][0], "recognition")
    if len(given) < len(parties):
        if total > 1.0 + PROB_TOL:
            raise ctx.error(
                last,
                f"recognition probabilities sum to {total:.6g}, more than 1 "
                "(the parties without one share what is left)",
            )
        return parties
    if total <= 0.0:
        raise ctx.error(
            last, "recognition probabilities are all zero; at least one must be positive"
        )
    if abs(total - 1.0) <= PROB_TOL:
        return parties
    ctx.notes.append(f"recognition probabilities sum to {total:.6g}; normalised to sum 1")
    return tuple(
        replace(p, recognition=float(p.recognition) / total) if p.recognition is not None else p
        for p in parties
    )


__all__ = ["Bargaining", "parse_bargaining", "recognition"]
