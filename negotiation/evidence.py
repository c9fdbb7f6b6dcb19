"""Evidence coverage: is every parameter tied to a source or marked as an assumption?

A scenario parameter is *covered* when an evidence entry is keyed by the
parameter itself, by a group that contains it (``weights`` covers
``weights.nato``) or by a detail of it (``values.territory.exponent`` covers
``values.territory``). Each entry either cites a source (``source:`` naming a
key of the top-level ``sources``, plus a ``note`` saying how the source pins
the number down) or says ``assumption: true`` with a ``note`` giving the
reason and, for a number, a plausible ``range: [lo, hi]`` for sweeps.

``negotiation validate --strict`` reports every gap with
:func:`missing_evidence`.
"""

from __future__ import annotations

from typing import Any

from .model.scenario import BatnaOutcome, Scenario
from .scenario.yamlio import line_of


def entries(ev: Any) -> list[dict]:
    """The evidence entries (mappings) of one evidence value: one entry or a list."""
    if ev is None:
        return []
    return [e for e in (ev if isinstance(ev, list) else [ev]) if isinstance(e, dict)]


def covers(key: str, parameter: str) -> bool:
    """Does an evidence entry keyed ``key`` cover ``parameter`` (see the module docstring)?"""
    return key == parameter or parameter.startswith(key + ".") or key.startswith(parameter + ".")


def party_parameters(scenario: Scenario) -> dict[str, list[str]]:
    """Per party, the parameters that need evidence (``weights.<issue>``, ...)."""
    out = {}
    for p in scenario.parties:
        params = [f"weights.{i.name}" for i in scenario.issues]
        params += [f"values.{i.name}" for i, w in zip(scenario.issues, p.weights) if w > 0]
        params += ["batna", "power", "veto"]
        # the optional parameters need evidence when the file sets them
        given = (scenario.raw.get("parties") or {}).get(p.name) or {}
        params += [k for k in OPTIONAL_PARTY if isinstance(given, dict) and k in given]
        out[p.name] = params
    return out


#: Party parameters that need evidence only when the file gives them.
OPTIONAL_PARTY = ("capability", "discount", "outside_option", "recognition")


def _scalar(parameter: str, scenario: Scenario, party) -> bool:
    """Does ``parameter`` name a single number (so an assumption needs a range)?"""
    head = parameter.split(".")[0]
    if head in ("weights", "power") or head in OPTIONAL_PARTY:
        return True
    if head == "values":
        return parameter.count(".") >= 2
    if head == "batna":
        return not isinstance(party.batna, BatnaOutcome) or parameter.endswith(".cost")
    return False


def _check_entries(items: list[dict], where: str, need_range: bool) -> list[str]:
    problems = []
    for e in items:
        if e.get("assumption"):
            if not e.get("note"):
                problems.append(f"{where}: an assumption needs a 'note' giving the reason")
            if need_range and "range" not in e:
                problems.append(f"{where}: an assumption about a number needs 'range: [lo, hi]'")
        elif not e.get("source"):
            problems.append(f"{where}: cite a 'source' or mark 'assumption: true'")
        elif not e.get("note"):
            problems.append(f"{where}: add a one-line 'note' on how the source sets this value")
    return problems


def missing_evidence(scenario: Scenario) -> list[str]:
    """Every parameter without evidence or assumption mark, as ``FILE:LINE: path: message``."""
    lines = scenario.lines
    file = scenario.file or "<scenario>"
    problems: list[str] = []

    def at(path: tuple) -> str:
        line = line_of(lines, path) if lines else None
        dotted = ".".join(str(p) for p in path)
        return f"{file}:{line}: {dotted}" if line else f"{file}: {dotted}"

    needed = party_parameters(scenario)
    for p in scenario.parties:
        ev = p.evidence or {}
        for parameter in needed[p.name]:
            keys = [k for k in ev if covers(k, parameter)]
            if not keys:
                problems.append(
                    f"{at(('parties', p.name, 'evidence'))}: no evidence for "
                    f"'{parameter}' (cite a source, or mark assumption: true "
                    "with a note and a range)"
                )
        for key, entry in ev.items():
            problems += _check_entries(
                entries(entry), at(("parties", p.name, "evidence", key)), _scalar(key, scenario, p)
            )
    if scenario.conflict is not None:
        ev = scenario.conflict.evidence
        path = ("conflict", "evidence")
        if ev is None:
            problems.append(
                f"{at(('conflict',))}: no evidence for the conflict lottery "
                "(outcomes, probabilities, costs)"
            )
        elif isinstance(ev, dict) and not ("source" in ev or "assumption" in ev):
            for part in ("outcomes", "costs"):
                if not any(covers(k, part) for k in ev):
                    problems.append(f"{at(path)}: no evidence for conflict '{part}'")
            for key, entry in ev.items():
                problems += _check_entries(
                    entries(entry), at(path + (key,)), key.startswith("costs") or "probab" in key
                )
        else:
            problems += _check_entries(entries(ev), at(path), False)
        problems += _noncooperative_conflict(scenario, at)
    problems += _blocks(scenario, at)
    for prop in scenario.proposals:
        path = ("proposals", prop.name)
        found = entries(prop.evidence)
        if not found:
            problems.append(f"{at(path)}: no evidence for this proposal (where is it on record?)")
        problems += _check_entries(found, at(path + ("evidence",)), False)
    return problems


def _keyed(ev: Any, parts: tuple[str, ...], where: str, at_path, scalar: tuple[str, ...]) -> list:
    """Evidence given as ``{part: entries}``: each of ``parts`` covered, every entry complete."""
    problems: list[str] = []
    if not isinstance(ev, dict) or "source" in ev or "assumption" in ev:
        found = entries(ev)
        if not found:
            return [f"{where}: no evidence (cite a source, or mark assumption: true with a note)"]
        return _check_entries(found, where, False)
    for part in parts:
        if not any(covers(k, part) for k in ev):
            problems.append(f"{where}: no evidence for '{part}'")
    for key, entry in ev.items():
        problems += _check_entries(entries(entry), at_path(key), key.split(".")[0] in scalar)
    return problems


def _noncooperative_conflict(scenario: Scenario, at) -> list[str]:
    """Private costs and the shifted lottery: evidence in ``conflict.evidence`` and
    ``conflict.shift.evidence``."""
    c = scenario.conflict
    problems: list[str] = []
    if c is None:
        return problems
    ev = c.evidence if isinstance(c.evidence, dict) else {}
    for name in c.private_costs or {}:
        if not any(covers(k, f"private_costs.{name}") for k in ev):
            problems.append(
                f"{at(('conflict', 'private_costs', name))}: no evidence for this private cost "
                "(add 'private_costs.<party>' to conflict.evidence)"
            )
    shift = c.shift
    if shift is not None:
        path = ("conflict", "shift", "evidence")
        problems += _keyed(
            shift.evidence, ("outcomes",), at(("conflict", "shift")), lambda k: at(path + (k,)), ()
        )
    return problems


def _blocks(scenario: Scenario, at) -> list[str]:
    """The ratifiers and the bargaining block."""
    problems: list[str] = []
    for r in scenario.ratification or ():
        path = ("ratification", r.party, r.name)
        problems += _keyed(
            r.evidence,
            ("thresholds", "pass"),
            at(path),
            lambda k, path=path: at(path + ("evidence", k)),
            ("pass",),
        )
    b = scenario.bargaining
    if b is not None:
        raw = scenario.raw.get("bargaining") or {}
        parts = tuple(k for k in ("breakdown", "discount", "quota") if k in raw)
        if parts:
            problems += _keyed(
                b.evidence,
                parts,
                at(("bargaining",)),
                lambda k: at(("bargaining", "evidence", k)),
                ("breakdown", "discount"),
            )
    return problems
