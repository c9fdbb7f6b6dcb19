"""The registry of analyses: one registration puts an analysis in every output.

A toy solution and a toy section are registered inside the tests (and removed
afterwards); without any other edit they appear in the JSON, the text report,
the figures, the comparison figure and the brief (HTML and PDF).
"""

from __future__ import annotations

import os
import re
import zlib

import numpy as np
import pytest

import negotiation as ng
from negotiation.registry import (
    Analysis,
    Context,
    Marker,
    MethodNote,
    analyses,
    get,
    register,
    registered,
    unregister,
)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SPLIT = os.path.join(ROOT, "examples", "split-the-unit.yaml")


def best_for_first(ctx: Context):
    """The grid agreement best for the first party (a toy solution)."""
    from negotiation.solve.results import Solution

    pb = ctx.problem
    idx = np.flatnonzero(pb.agreement)
    if idx.size == 0:
        return None
    j = int(idx[np.argmax(pb.U[idx, 0])])
    coords = np.asarray(pb.space.coordinates(np.array([j]))[0], dtype=float)
    return Solution(pb.space.decode(coords), {n: float(u) for n, u in zip(pb.names, pb.U[j])},
                    name="toy_first", exact=False, message="a grid point", coords=coords)


TOY = Analysis(key="toy_first", label="toy first-party optimum", kind="solution",
               compute=best_for_first, marker=Marker("v", 9),
               method=MethodNote("Toy first-party optimum: the agreement best for the first "
                                 "party.", "the-bargaining-solutions"))


def grid_size_section() -> Analysis:
    from negotiation.brief.blocks import Para

    return Analysis(
        key="toy_grid", label="toy grid size",
        compute=lambda ctx: int(ctx.problem.space.size),
        json=lambda report, n: {"toy_grid": {"packages": n}},
        text=lambda report, n: ["Toy grid section", f"  {n} packages on the grid", ""],
        summary=lambda report, n: f"Toy summary: {n} packages",
        brief=lambda report, n: [Para(f"Toy brief paragraph: {n} packages.")],
        method=MethodNote("Toy grid: how many packages the grid holds.", "grid-precision"))


def _pdf_text(pdf: bytes) -> str:
    """The decompressed content streams of a PDF (where its text is)."""
    out = []
    for m in re.finditer(rb"stream\n(.*?)\nendstream", pdf, re.DOTALL):
        try:
            out.append(zlib.decompress(m.group(1)).decode("latin-1"))
        except zlib.error:
            pass
    return "\n".join(out)


def _second_scenario():
    data = ng.load_scenario(SPLIT).raw
    import copy

    data = copy.deepcopy(data)
    data["date"] = "2025-06-01"
    data["parties"]["b"]["batna"] = 0.2
    return ng.scenario_from_dict(data, file="generated/split-later.yaml")


def test_builtins_are_registered_in_output_order():
    keys = [a.key for a in analyses()]
    assert keys[:2] == ["range", "pareto"]
    assert [a.key for a in analyses("solution")] == [
        "nash", "weighted_nash", "kalai_smorodinsky", "egalitarian", "utilitarian"]
    assert keys[-1] == "proposals"
    assert get("nash").label == "Nash" and get("nash").marker == Marker("*", 15)


def test_a_registered_solution_appears_everywhere(tmp_path):
    from negotiation.brief import make_brief
    from negotiation.plot import figure
    from negotiation.plot.compare import plot_compare

    with registered(TOY):
        assert [a.key for a in analyses("solution")][-1] == "toy_first"
        report = ng.analyse(ng.load_scenario(SPLIT))
        later = ng.analyse(_second_scenario())
        # the JSON: a key under "solutions", and proposals measure their distance to it
        d = report.to_dict()
        toy = d["solutions"]["toy_first"]
        assert toy["exact"] is False and toy["outcome"]["share"] == pytest.approx(0.9)
        assert "toy_first" in d["proposals"]["even_split"]["distance"]
        # the text report: a row of the solutions table, marked grid-accurate
        text = report.to_text()
        solutions = text.split("Solutions\n", 1)[1].split("\n\n", 1)[0]
        assert "toy first-party optimum *" in solutions
        # every figure marks it with its registered marker
        for kind in ("utility-space", "solutions"):
            fig = figure(report, kind)
            lines = [ln for ax in fig.axes for ln in ax.get_lines()
                     if ln.get_gid() == "solution:toy_first"]
            assert lines and all(ln.get_marker() == "v" for ln in lines), kind
        # the comparison figure: a marker per scenario and a legend entry
        fig = plot_compare([report, later])
        gids = [ln.get_gid() for ax in fig.axes for ln in ax.get_lines()]
        assert gids.count("solution:toy_first") == 2
        legend = [t.get_text() for ax in fig.axes if ax.get_legend()
                  for t in ax.get_legend().get_texts()]
        assert "toy first-party optimum" in legend
        # the comparison's text and JSON
        from negotiation.compare import compare
        comp = compare([report, later])
        assert "toy first-party optimum solution" in comp.to_text()
        assert len(comp.to_dict()["solutions"]["toy_first"]) == 2
        # the brief: a row of the table and its method note, in HTML and PDF
        brief = make_brief(report, assumptions=[])
        assert "toy first-party optimum" in brief.html
        assert "Toy first-party optimum: the agreement best" in brief.html
        assert "toy first-party optimum" in _pdf_text(brief.pdf)
    # removed again: nothing of it is left
    assert "toy_first" not in [a.key for a in analyses()]
    again = ng.analyse(ng.load_scenario(SPLIT))
    assert "toy_first" not in again.to_dict()["solutions"]
    assert "toy first-party" not in again.to_text()


def test_a_registered_section_appears_everywhere():
    from negotiation.brief import make_brief

    with registered(grid_size_section()):
        report = ng.analyse(ng.load_scenario(SPLIT))
        n = report.problem.space.size
        d = report.to_dict()
        assert d["toy_grid"] == {"packages": n}
        assert list(d)[-1] == "toy_grid", "new keys come after the contract's keys"
        text = report.to_text()
        assert f"Toy grid section\n  {n} packages on the grid" in text
        assert f"Toy summary: {n} packages" in text
        brief = make_brief(report, assumptions=[])
        assert f"Toy brief paragraph: {n} packages." in brief.html
        assert "Toy grid: how many packages" in brief.html
        assert "Toy brief paragraph" in _pdf_text(brief.pdf)
    assert "toy_grid" not in ng.analyse(ng.load_scenario(SPLIT)).to_dict()


def test_register_rules():
    with pytest.raises(ValueError, match="already registered"):
        register(get("nash"))
    with pytest.raises(ValueError, match="needs a marker"):
        Analysis(key="x", label="x", kind="solution", compute=lambda ctx: None)
    with pytest.raises(ValueError, match="identifier"):
        Analysis(key="not a key", label="x", compute=lambda ctx: None)
    with pytest.raises(ValueError, match="kind"):
        Analysis(key="x", label="x", kind="other", compute=lambda ctx: None)
    a = Analysis(key="after_range", label="x", compute=lambda ctx: 1)
    with registered(a, after="range"):
        assert [k.key for k in analyses()][:2] == ["range", "after_range"]
    assert "after_range" not in [k.key for k in analyses()]
    nash = unregister("nash")
    try:
        assert "nash" not in [k.key for k in analyses()]
    finally:
        register(nash, after="pareto")
    assert analyses("solution")[0].key == "nash"


def test_dependencies_and_cycles():
    """An analysis may use another's result; a cycle is an error, not a hang."""
    uses = Analysis(key="uses_nash", label="x", compute=lambda ctx: ctx["nash"].outcome)
    with registered(uses):
        report = ng.analyse(ng.load_scenario(SPLIT))
        assert report.results["uses_nash"] == report.solutions["nash"].outcome
    a = Analysis(key="cyc_a", label="a", compute=lambda ctx: ctx["cyc_b"])
    b = Analysis(key="cyc_b", label="b", compute=lambda ctx: ctx["cyc_a"])
    with registered(a), registered(b), pytest.raises(RuntimeError,
                                                     match="cycle: cyc_a -> cyc_b -> cyc_a"):
        ng.analyse(ng.load_scenario(SPLIT))


def test_method_notes_point_at_real_sections():
    """Every registered method note names a heading of docs/methods.md."""
    from test_docs_examples import _anchors

    with open(os.path.join(ROOT, "docs", "methods.md"), encoding="utf-8") as fh:
        anchors = _anchors(fh.read())
    from negotiation.brief.method import UTILITIES

    for a in analyses():
        assert a.method is not None, a.key
        assert a.method.anchor in anchors, (a.key, a.method.anchor)
        assert a.method.ref == f"docs/methods.md#{a.method.anchor}"
    assert UTILITIES[1] in anchors
