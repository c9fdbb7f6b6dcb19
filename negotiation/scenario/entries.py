"""Evidence entries in a scenario: their ``source`` ids and ranges, and their plain form.

Split from :mod:`negotiation.scenario.load`, which calls both functions while
it builds a scenario.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from ..errors import quote
from .errors_map import suggest
from .yamlio import Path

if TYPE_CHECKING:  # pragma: no cover
    from .load import _Ctx


def check_evidence_sources(ctx: _Ctx, ev: Any, path: Path, sources: dict[str, Any]) -> None:
    """Every ``source:`` in an evidence entry must name a key of ``sources``."""
    if ev is None:
        return
    if isinstance(ev, dict):  # a mapping of parameter -> entries
        for key, sub in ev.items():
            check_evidence_sources(ctx, sub, path + (key,), sources)
        return
    entries = ev if isinstance(ev, list) else [ev]
    for j, e in enumerate(entries):
        epath = path + ((j,) if isinstance(ev, list) else ())
        src = getattr(e, "source", None)
        if src is not None and src not in sources:
            raise ctx.error(
                epath + ("source",),
                f"source {quote(src)} is not defined under top-level 'sources'"
                f"{suggest(src, list(sources))}",
            )
        rng = getattr(e, "range", None)
        if rng is not None and rng[0] > rng[1]:
            lo, hi = (ctx.show(epath + ("range", j), rng[j]) for j in (0, 1))
            raise ctx.error(epath + ("range",), f"range must have lo <= hi, got [{lo}, {hi}]")


def plain_evidence(ev: Any) -> Any:
    """Evidence specs as plain data (for reports and JSON)."""
    if ev is None:
        return None
    if isinstance(ev, list):
        return [plain_evidence(e) for e in ev]
    if isinstance(ev, dict):
        return {k: plain_evidence(v) for k, v in ev.items()}
    if isinstance(ev, BaseModel):
        return ev.model_dump(exclude_none=True, exclude_defaults=True) or {}
    return ev


__all__ = ["check_evidence_sources", "plain_evidence"]
