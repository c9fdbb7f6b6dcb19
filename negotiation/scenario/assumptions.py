"""The parameters a scenario marks as assumptions, as paths that ``replace`` accepts.

An evidence entry ``{assumption: true, note: ..., range: [lo, hi]}`` marks the
parameter it is filed under (``parties.<p>.evidence.<key>``,
``conflict.evidence.<key>``, a proposal's or an issue's evidence) as the
analyst's judgement, with a plausible range for sweeps. :func:`assumptions`
turns every such mark into an :class:`Assumption` whose ``path`` is a dotted
path of the file, so that ``scenario.replace({a.path: a.value})`` gives the
same scenario and ``scenario.replace(a.changes(x))`` moves the assumption to
``x``.

How a mark becomes a path:

- ``weights.<issue>``, ``power``, ``veto``, ``batna``, ``batna.cost``,
  ``values.<issue>.<param>``: ``parties.<p>.<key>``. A group (``weights``,
  ``values``) gives one assumption per issue; conflict ``costs`` one per
  listed party, ``costs.<p>`` that party's cost.
- A mark on a group of numbers with a range (a whole value function, the
  conflict ``outcomes``, a proposal): the range bounds the numbers inside the
  group that lie in it (``targets``). In a value function these are the values
  strictly between 0 and 1 (0 and 1 are the ends of the party's scale by
  definition; the x-values of ``points`` are positions on the issue, not
  judgements); in the conflict outcomes and in a proposal, the issue values.
  When exactly one number lies in the range the assumption's path is that
  number's path (``parties.ukraine.values.nato.deferred``).
- ``probabilities`` (or any conflict key naming probabilities): one assumption
  per conflict outcome; moving one probability rescales the others in
  proportion so that they still sum to 1.
- Top-level ``evidence`` entries are not tied to a parameter and are left out
  unless their key is a path of the file.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .errors_map import dotted
from .replace import copy_data
from .yamlio import Path

if TYPE_CHECKING:  # pragma: no cover
    from ..model.scenario import Scenario

_ENTRY_KEYS = {"source", "note", "confidence", "assumption", "range"}
_MISSING = object()


@dataclass(frozen=True)
class Assumption:
    """One parameter marked ``assumption: true`` in a scenario.

    Attributes
    ----------
    path : str
        Dotted path of the parameter in the file; ``scenario.replace`` accepts it.
    value : object
        Its current value as written in the file (or the default the loader
        uses when the file leaves it out): a number, or a mapping/list for a
        group such as a whole value function.
    range : tuple of float or None
        The plausible ``(lo, hi)`` from the evidence entry.
    label : str
        Short name for tables: ``"ukraine weights.territory"``.
    note : str
        The entry's note.
    targets : tuple of str
        Paths of the numbers the range applies to: ``(path,)`` for a number,
        the numbers of a group that lie in the range, or ``()`` when nothing can
        be moved (no range, or text such as ``batna: conflict``).
    rescale : tuple of (str, float)
        For a conflict probability: the other outcomes' probability paths and
        values, rescaled by :meth:`changes` so the probabilities sum to 1.
    """

    path: str
    value: Any
    range: tuple[float, float] | None
    label: str
    note: str = ""
    targets: tuple[str, ...] = ()
    rescale: tuple[tuple[str, float], ...] = ()

    @property
    def scalar(self) -> bool:
        """Is the parameter a single number?"""
        return isinstance(self.value, (int, float)) and not isinstance(self.value, bool)

    def changes(self, x: float) -> dict[str, Any]:
        """The ``replace`` mapping that moves this assumption to ``x``.

        Every target is set to ``x``; for a conflict probability the other
        probabilities are scaled by ``(1 - x) / (1 - p)`` (``p`` the current
        probability; shared equally when ``p`` is 1).

        Raises
        ------
        ValueError
            If the assumption has no numbers to move (``targets`` is empty).
        """
        if not self.targets:
            raise ValueError(f"{self.label}: no number to move (no range, or nothing in it)")
        out: dict[str, Any] = {t: float(x) for t in self.targets}
        if self.rescale:
            rest = 1.0 - float(self.value)
            for path, p in self.rescale:
                out[path] = p * (1.0 - x) / rest if rest > 1e-12 else (1.0 - x) / len(self.rescale)
        return out

    def to_dict(self) -> dict[str, Any]:
        """Plain data (for JSON): path, label, value, range, note, targets."""
        return {
            "path": self.path,
            "label": self.label,
            "value": copy_data(self.value),
            "range": None if self.range is None else list(self.range),
            "note": self.note,
            "targets": list(self.targets),
        }

    def __repr__(self) -> str:
        value = self.value if self.scalar else type(self.value).__name__
        rng = "" if self.range is None else f", range [{self.range[0]:g}, {self.range[1]:g}]"
        return f"Assumption({self.path} = {value}{rng})"


def assumptions(scenario: Scenario) -> list[Assumption]:
    """Every assumption-marked parameter of ``scenario``, in file order.

    Parameters
    ----------
    scenario : Scenario
        A scenario from :func:`negotiation.load_scenario`,
        :func:`negotiation.scenario_from_dict` or ``Scenario.replace``.

    Returns
    -------
    list of Assumption
        One per parameter (see the module notes for how marks on groups are
        resolved); for each, ``scenario.replace({a.path: a.value}) == scenario``.
        A parameter marked twice is listed once, with the most specific mark.
    """
    data = scenario.raw if isinstance(scenario.raw, dict) else {}
    found: dict[str, tuple[int, Assumption]] = {}

    def add(a: Assumption | None, specificity: int) -> None:
        if a is not None and (a.path not in found or specificity > found[a.path][0]):
            found[a.path] = (specificity, a)

    for iname, ispec in _mapping(data.get("issues")).items():
        for key, entry in _marks(ispec.get("evidence") if isinstance(ispec, dict) else None):
            sub = (key,) if key and _get(data, ("issues", iname, key)) is not _MISSING else ()
            add(
                _make(
                    data, ("issues", iname) + sub, entry, f"issue {iname} {key}".strip(), "issue"
                ),
                len(sub),
            )
    for pname, pspec in _mapping(data.get("parties")).items():
        evidence = _mapping(pspec.get("evidence")) if isinstance(pspec, dict) else {}
        for key, ev in evidence.items():
            for _, entry in _marks(ev):
                for path, label in _party_paths(data, pname, key):
                    add(
                        _make(data, path, entry, label, "values" if path[2] == "values" else ""),
                        key.count(".") + 1,
                    )
    conflict = data.get("conflict")
    if isinstance(conflict, dict):
        for key, entry in _marks(conflict.get("evidence")):
            for a in _conflict(data, key, entry):
                add(a, key.count(".") + 1 if key else 0)
    for name, prop in _mapping(data.get("proposals")).items():
        for _, entry in _marks(prop.get("evidence") if isinstance(prop, dict) else None):
            add(
                _make(data, ("proposals", name, "outcome"), entry, f"proposal {name}", "outcome"), 0
            )
    for key, ev in _mapping(data.get("evidence")).items():
        path = tuple(key.split("."))
        if _get(data, path) is not _MISSING:
            for _, entry in _marks(ev):
                add(_make(data, path, entry, key, ""), 1)
    return [a for _, a in found.values()]


# --------------------------------------------------------------------------- helpers
def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _marks(ev: Any) -> list[tuple[str, dict[str, Any]]]:
    """``(key, entry)`` of every assumption entry; key ``""`` for an unkeyed entry."""
    if ev is None:
        return []
    if isinstance(ev, dict) and not set(ev) <= _ENTRY_KEYS:  # a mapping key -> entries
        return [(str(k), e) for k, sub in ev.items() for _, e in _marks(sub)]
    entries = ev if isinstance(ev, list) else [ev]
    return [("", e) for e in entries if isinstance(e, dict) and e.get("assumption") is True]


def _get(data: Any, path: Path) -> Any:
    node = data
    for part in path:
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and str(part).isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return _MISSING
    return node


def _default(data: Any, path: Path) -> Any:
    """The value the loader uses when the file leaves ``path`` out (``_MISSING``: none)."""
    if len(path) == 3 and path[0] == "parties":
        return {"power": 1.0, "veto": True, "batna": None}.get(str(path[2]), _MISSING)
    if (
        path[:1] == ("parties",)
        and path[2:] == ("batna", "cost")
        and isinstance(_get(data, path[:3]), dict)
    ):
        return 0.0
    if path[:2] == ("conflict", "costs") and len(path) == 3:
        return 0.0
    if path == ("analysis", "grid"):
        return 101
    return _MISSING


def _party_paths(data: Any, party: str, key: str) -> list[tuple[Path, str]]:
    """Paths of the parameters a party's evidence key names (a group: one per issue)."""
    base: Path = ("parties", party)
    if key in ("weights", "values"):
        group = _mapping(_get(data, base + (key,)))
        return [(base + (key, issue), f"{party} {key}.{issue}") for issue in group]
    head = key.split(".", 2)
    if len(head) == 3 and head[0] == "values" and _levels(data, head[1]):
        return [(base + tuple(head), f"{party} {key}")]  # a level name may hold dots
    parts = tuple(int(p) if p.isdigit() else p for p in key.split("."))
    return [(base + parts, f"{party} {key}")]


def _levels(data: Any, issue: str) -> bool:
    """Is ``issue`` a discrete issue of the file?"""
    spec = _get(data, ("issues", issue))
    return isinstance(spec, dict) and "levels" in spec


def _conflict(data: Any, key: str, entry: dict[str, Any]) -> list[Assumption]:
    base: Path = ("conflict",)
    if "probab" in key:
        outcomes = _get(data, base + ("outcomes",))
        outcomes = outcomes if isinstance(outcomes, list) else []
        probs = [
            (j, float(o["probability"]))
            for j, o in enumerate(outcomes)
            if isinstance(o, dict) and _number(o.get("probability"))
        ]
        out = []
        for j, _ in probs:
            name = outcomes[j].get("label") or f"outcome {j}"
            others = tuple(
                (dotted(base + ("outcomes", k, "probability")), q) for k, q in probs if k != j
            )
            a = _make(
                data,
                base + ("outcomes", j, "probability"),
                entry,
                f"conflict probability of {name}",
                "",
            )
            if a is not None:
                out.append(Assumption(a.path, a.value, a.range, a.label, a.note, a.targets, others))
        return out
    if key == "costs":
        costs = _mapping(_get(data, base + ("costs",)))
        return [
            a
            for p in costs
            if (a := _make(data, base + ("costs", p), entry, f"conflict costs.{p}", "")) is not None
        ]
    parts = tuple(int(p) if p.isdigit() else p for p in key.split(".")) if key else ()
    path = base + parts if key else base
    a = _make(data, path, entry, f"conflict {key or 'lottery'}", "outcome")
    return [] if a is None else [a]


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _make(data: Any, path: Path, entry: dict[str, Any], label: str, kind: str) -> Assumption | None:
    """The assumption at ``path`` (``None`` if the file has no such parameter).

    ``kind`` says which numbers of a group the range may apply to: ``"values"``
    (a value function), ``"outcome"`` (issue values of outcomes), ``"issue"``
    (none) or ``""`` (any number).
    """
    value = _get(data, path)
    if value is _MISSING:
        value = _default(data, path)
        if value is _MISSING:
            return None
    rng = entry.get("range")
    bounds = (float(rng[0]), float(rng[1])) if isinstance(rng, list) and len(rng) == 2 else None
    note = str(entry.get("note") or "")
    if _number(value):
        return Assumption(dotted(path), value, bounds, label, note, (dotted(path),))
    targets: list[tuple[Path, float]] = []
    if bounds is not None and kind != "issue":
        lo, hi = bounds
        targets = [
            (p, v) for p, v in _leaves(value, path, kind, path[-1] == "outcome") if lo <= v <= hi
        ]
    if len(targets) == 1:
        ((tpath, tvalue),) = targets
        return Assumption(dotted(tpath), tvalue, bounds, label, note, (dotted(tpath),))
    return Assumption(
        dotted(path), copy_data(value), bounds, label, note, tuple(dotted(p) for p, _ in targets)
    )


def _leaves(node: Any, path: Path, kind: str, inside: bool = False) -> list[tuple[Path, float]]:
    """The numbers of a group a range may apply to (see :func:`_make`)."""
    out: list[tuple[Path, float]] = []
    if isinstance(node, dict):
        for k, v in node.items():
            out += _leaves(v, path + (k,), kind, inside or k == "outcome")
    elif isinstance(node, list):
        if kind == "values" and path[-1:] == ("points",):
            # [[x, v], ...]: only the values v are judgements
            return [
                (path + (j, 1), float(p[1]))
                for j, p in enumerate(node)
                if isinstance(p, list) and len(p) == 2 and _number(p[1]) and 0.0 < p[1] < 1.0
            ]
        for j, v in enumerate(node):
            out += _leaves(v, path + (j,), kind, inside)
    elif _number(node):
        level_or_point = kind == "values" and path[-1] not in ("ideal", "exponent", "worst")
        if level_or_point and not 0.0 < node < 1.0:
            return out
        if kind != "outcome" or inside:
            out.append((path, float(node)))
    return out


__all__ = ["Assumption", "assumptions"]
