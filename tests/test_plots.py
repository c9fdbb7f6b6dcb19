"""Briefing figures: every kind renders headless for every scenario, and is well formed.

Each scenario is analysed once per module (analysis is the slow part); the
figures are then checked structurally: the frontier line, the markers and the
labels exist, no two labels overlap (measured with the renderer), the axes
contain the data, and files of each format are written atomically.
"""

from __future__ import annotations

import glob
import os
import subprocess
import sys
import time

import numpy as np
import pytest
from helpers import no_deal_dict

import negotiation as ng

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FILES = sorted(glob.glob(os.path.join(ROOT, "scenarios", "*.yaml"))
               + glob.glob(os.path.join(ROOT, "examples", "*.yaml")))
KINDS = ("utility-space", "ranges", "solutions")


def _rel(path: str) -> str:
    return os.path.relpath(path, ROOT)


# ----------------------------------------------------------------------------- scenarios
def many_dict(P: int = 6, K: int = 4) -> dict:
    """Many parties (some without veto) and issues, small grid."""
    rng = np.random.default_rng(7)
    issues = {f"issue_{k}": {"range": [0, 1]} for k in range(K - 1)}
    issues["status"] = {"levels": ["a", "b", "c"]}
    parties = {}
    for i in range(P):
        weights = {n: float(np.round(rng.uniform(0.1, 1), 2)) for n in issues}
        values = {n: ({"ideal": float(np.round(rng.uniform(), 2))} if n != "status"
                      else {lv: float(np.round(rng.uniform(), 2)) for lv in "abc"})
                  for n in issues}
        parties[f"party_{i}"] = {"weights": weights, "values": values, "batna": 0.15,
                                 "veto": i < 3}
    outcome = {**{f"issue_{k}": 0.5 for k in range(K - 1)}, "status": "b"}
    return {"title": "Generated: many parties and issues", "issues": issues,
            "parties": parties, "analysis": {"grid": 7},
            "proposals": {"middle": {"outcome": outcome},
                          "corner": {"outcome": {**outcome, "issue_0": 1.0}}}}


def crowded_dict() -> dict:
    """Two parties with many proposals close together: a stress test for labels."""
    props = {f"proposal_{j}": {"outcome": {"x": 0.40 + 0.01 * j}} for j in range(8)}
    return {"title": "Generated: crowded labels",
            "issues": {"x": {"range": [0, 1]}},
            "parties": {"a": {"weights": {"x": 1}, "values": {"x": {"ideal": 1}}, "batna": 0.2},
                        "b": {"weights": {"x": 1}, "values": {"x": {"ideal": 0}}, "batna": 0.2}},
            "proposals": props, "analysis": {"grid": 101}}


GENERATED = {"no-deal": no_deal_dict, "many": many_dict, "crowded": crowded_dict}

_REPORTS: dict[str, object] = {}


def report_for(key: str):
    """Each scenario analysed once per test module."""
    if key not in _REPORTS:
        if key in GENERATED:
            scenario = ng.scenario_from_dict(GENERATED[key](), file=f"generated/{key}.yaml")
        else:
            scenario = ng.load_scenario(_rel(key) if key.startswith(ROOT) else key)
        _REPORTS[key] = ng.analyse(scenario)
    return _REPORTS[key]


ALL = FILES + list(GENERATED)
IDS = [os.path.basename(f) for f in FILES] + list(GENERATED)


@pytest.fixture(autouse=True, scope="module")
def _cwd():
    old = os.getcwd()
    os.chdir(ROOT)
    yield
    os.chdir(old)


def _draw(fig):
    fig.canvas.draw()
    return fig.canvas.get_renderer()


def _texts_in_figure(fig):
    def is_text(a):
        return hasattr(a, "get_text") and hasattr(a, "get_window_extent")

    return [t for t in fig.findobj(is_text)
            if getattr(t, "get_text", lambda: "")()]


def _inside(fig, artist, renderer, tol=1.0) -> bool:
    bb = artist.get_window_extent(renderer)
    W, H = fig.bbox.width, fig.bbox.height
    return bb.x0 >= -tol and bb.y0 >= -tol and bb.x1 <= W + tol and bb.y1 <= H + tol


# ----------------------------------------------------------------------------- every figure
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("key", ALL, ids=IDS)
def test_every_figure_renders(key, kind, tmp_path):
    from negotiation.plot import figure
    from negotiation.plot.save import save

    report = report_for(key)
    fig = figure(report, kind)
    renderer = _draw(fig)
    s = report.scenario
    texts = [t.get_text() for t in fig.texts]
    # title, subtitle with scenario title and date, source line with file and reproduce command
    assert any(s.title in t for t in texts), texts
    assert any((s.date or "undated") in t for t in texts)
    source = [t for t in texts if t.startswith("Source:")]
    assert source and f"negotiation plot {s.file} --kind {kind}" in source[0]
    # nothing drawn off the page
    for t in fig.texts:
        assert _inside(fig, t, renderer), t.get_text()
    axes = [ax for ax in fig.axes if ax.get_visible() and ax.axison]
    assert axes
    for ax in axes:
        assert ax.get_xlabel(), "every axis has a label"
        xlabel = ax.xaxis.label
        assert _inside(fig, xlabel, renderer, tol=2), xlabel.get_text()
    path = tmp_path / f"out-{kind}.png"
    save(fig, str(path))
    assert path.stat().st_size > 10_000
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert not [p for p in os.listdir(tmp_path) if p.startswith(".tmp-")]


# ----------------------------------------------------------------------------- utility space
def _labels(fig):
    out = []
    for ax in fig.axes:
        out += list(getattr(ax, "_negotiation_labels", []))
    return out


@pytest.mark.parametrize("key", ALL, ids=IDS)
def test_utility_space_structure(key):
    from negotiation.plot.labels import overlapping_pairs
    from negotiation.plot.utility_space import party_pairs, plot_utility_space

    report = report_for(key)
    fig = plot_utility_space(report)
    renderer = _draw(fig)
    pairs, _ = party_pairs(report)
    panels = [ax for ax in fig.axes if ax.get_visible() and ax.axison]
    assert len(panels) == len(pairs)
    n_marks = sum(v is not None for v in report.solutions.values()) + len(report.proposals)
    if not report.range.deal_possible:
        n_marks += 1  # the closest outcome
    for ax in panels:
        gids = [ln.get_gid() or "" for ln in ax.get_lines()]
        if report.range.deal_possible and len(report.problem.names) > 1:
            assert "frontier" in gids
            frontier = next(ln for ln in ax.get_lines() if ln.get_gid() == "frontier")
            assert len(frontier.get_xdata()) >= 1
        assert "disagreement" in gids
        marks = [g for g in gids if g.startswith(("solution:", "proposal:", "closest:"))]
        assert len(marks) == n_marks
        # every labelled thing is inside the axes limits
        x0, x1 = ax.get_xlim()
        y0, y1 = ax.get_ylim()
        for ln in ax.get_lines():
            if ln.get_gid() and ln.get_gid() != "frontier":
                x, y = ln.get_xdata()[0], ln.get_ydata()[0]
                assert x0 <= x <= x1 and y0 <= y <= y1, ln.get_gid()
        labels = ax._negotiation_labels
        joined = " ".join(t.get_text() for t in labels)
        assert "disagreement" in joined
        for key_ in report.proposals:
            assert key_ in joined
    labels = _labels(fig)
    assert labels
    assert overlapping_pairs(labels, renderer) == []
    for t in labels:  # labels stay inside the figure
        assert _inside(fig, t, renderer), t.get_text()


def test_label_placement_avoids_overlaps_in_a_crowd():
    """Many labels on nearly the same spot: none overlaps another."""
    from negotiation.plot.labels import overlapping_pairs, place_labels
    from negotiation.plot.theme import house_style, new_figure

    with house_style():
        fig = new_figure(6, 4)
        ax = fig.add_subplot()
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)
        pts = [(0.5 + 0.004 * j, 0.5 - 0.003 * j) for j in range(10)]
        pts += [(0.02, 0.98), (0.99, 0.01)]  # corners: labels must go inwards
        ax.plot(*zip(*pts), "o")
        fig.canvas.draw()
        labels = place_labels(ax, pts, [f"label number {j}" for j in range(len(pts))])
        renderer = _draw(fig)
    assert overlapping_pairs(labels, renderer) == []
    ab = ax.get_window_extent(renderer)
    for t in labels[-2:]:
        bb = t.get_window_extent(renderer)
        assert bb.x0 >= ab.x0 - 1 and bb.x1 <= ab.x1 + 1 and bb.y0 >= ab.y0 - 1 \
            and bb.y1 <= ab.y1 + 1


def test_pairwise_frontier():
    from negotiation.plot.utility_space import pairwise_frontier

    pts = np.array([[0, 1], [0.5, 0.5], [0.2, 0.2], [1, 0], [0.4, 0.9], [0.4, 0.9]])
    f = pairwise_frontier(pts)
    assert f.tolist() == [[0, 1], [0.4, 0.9], [0.5, 0.5], [1, 0]]
    assert pairwise_frontier(np.empty((0, 2))).shape == (0, 2)


# ----------------------------------------------------------------------------- ranges
@pytest.mark.parametrize("key", ALL, ids=IDS)
def test_ranges_acceptance_matches_utilities(key):
    """Each accepted interval really is accepted, and its ends are boundaries."""
    from negotiation.plot.ranges import acceptance

    report = report_for(key)
    _, base, acc = acceptance(report)
    pb = report.problem
    names = pb.names
    for k, issue in enumerate(pb.space.issues):
        a = acc[issue.name]
        if issue.continuous:
            lo, hi = issue.range
            for i, n in enumerate(names):
                for x0, x1 in a.parties[n]:
                    assert lo <= x0 <= x1 <= hi
                    for x in np.linspace(x0, x1, 7):
                        c = base.copy()
                        c[k] = x
                        assert pb.utilities(c[None])[0, i] >= pb.d[i] - 1e-7
            if report.range.deal_possible:
                # the base point (Nash) is acceptable to every veto party
                assert any(x0 - 1e-9 <= a.base <= x1 + 1e-9 for x0, x1 in a.overlap)
        else:
            for i, n in enumerate(names):
                for j in range(len(issue.levels)):
                    c = base.copy()
                    c[k] = j
                    ok = pb.utilities(c[None])[0, i] >= pb.d[i] - 1e-9
                    assert ok == (j in a.levels[n])
            if report.range.deal_possible:
                assert round(a.base) in a.overlap_levels


@pytest.mark.parametrize("key", ALL, ids=IDS)
def test_ranges_structure(key):
    from negotiation.plot.ranges import plot_ranges

    report = report_for(key)
    fig = plot_ranges(report)
    renderer = _draw(fig)
    s = report.scenario
    panels = [ax for ax in fig.axes if ax.get_visible() and ax.axison]
    assert [ax.get_title(loc="left") for ax in panels] == s.issue_names
    for ax, issue in zip(panels, s.issues):
        rows = [t.get_text() for t in ax.get_yticklabels()]
        assert rows[0] == "bargaining range"
        assert len(rows) == len(s.parties) + 1
        if issue.continuous:
            lo, hi = issue.range
            x0, x1 = ax.get_xlim()
            assert x0 <= lo and x1 >= hi
        # tick labels do not overlap each other
        from negotiation.plot.labels import overlapping_pairs
        assert overlapping_pairs(list(ax.get_xticklabels()), renderer) == []
        assert overlapping_pairs(list(ax.get_yticklabels()), renderer) == []


# ----------------------------------------------------------------------------- solutions
@pytest.mark.parametrize("key", ALL, ids=IDS)
def test_solutions_structure(key):
    from negotiation.plot.labels import overlapping_pairs
    from negotiation.plot.solutions import plot_solutions

    report = report_for(key)
    fig = plot_solutions(report)
    renderer = _draw(fig)
    s = report.scenario
    panels = [ax for ax in fig.axes if ax.get_visible() and ax.axison]
    assert [ax.get_title(loc="left") for ax in panels] == s.issue_names
    expected = [k for k, v in report.solutions.items() if v is not None] + list(report.proposals)
    for ax in panels:
        gids = [ln.get_gid().split(":", 1)[1] for ln in ax.get_lines()
                if (ln.get_gid() or "").startswith(("solution:", "proposal:"))]
        assert gids == expected
        x0, x1 = ax.get_xlim()
        for ln in ax.get_lines():
            if ln.get_gid():
                assert x0 <= ln.get_xdata()[0] <= x1
        assert overlapping_pairs(list(ax.get_xticklabels()), renderer) == []


# ----------------------------------------------------------------------------- compare
def test_compare_figure(tmp_path):
    from negotiation.compare import compare
    from negotiation.plot.compare import plot_compare
    from negotiation.plot.save import save

    reports = [report_for(f) for f in FILES if "/scenarios/" in f]
    if len(reports) < 2:
        reports = [report_for("no-deal"), report_for(FILES[0])]
    out = tmp_path / "compare.png"
    fig = plot_compare(list(reversed(reports)), path=str(out))
    save(fig, str(out))
    assert out.stat().st_size > 10_000
    renderer = _draw(fig)
    comp = compare(reports)
    parties, issues = comp.parties, comp.issues
    panels = [ax for ax in fig.axes if ax.get_visible() and ax.axison]
    assert len(panels) == 1 + len(issues)
    # x positions in date order
    dated = sorted(str(r.scenario.date) for r in reports if r.scenario.date)
    ticks = [t.get_text() for t in panels[0].get_xticklabels()]
    assert [t.split("\n")[0] for t in ticks][:len(dated)] == dated
    assert {ln.get_gid() for ln in panels[0].get_lines()} == {f"reservation:{p}" for p in parties}
    for t in fig.texts:
        assert _inside(fig, t, renderer)
    # a mismatched pair draws only what is common, and says what it left out
    fig2 = plot_compare([report_for("no-deal"), report_for("many")])
    texts = " ".join(t.get_text() for t in fig2.texts)
    assert "Not in every scenario" in texts and "land" in texts
    titles = [ax.get_title(loc="left") for ax in fig2.axes if ax.get_visible() and ax.axison]
    assert titles == ["reservation values", "status"]


# ----------------------------------------------------------------------------- style and saving
def test_party_colours_are_stable_and_distinct():
    from negotiation.plot.palette import OKABE_ITO, party_styles

    a = party_styles(["ukraine", "russia", "us", "eu"])
    b = party_styles(["eu", "us", "russia", "ukraine", "turkey"])
    for n in a:
        assert a[n] == b[n]
    assert a["ukraine"].color == OKABE_ITO["blue"]
    many = party_styles([f"p{j}" for j in range(12)])
    combos = {(s.color, s.marker, s.linestyle) for s in many.values()}
    assert len(combos) == 12
    colours = [s.color for s in many.values()]
    assert len(set(colours)) == 8 and max(colours.count(c) for c in colours) <= 2
    # the same unknown party keeps its colour in another company
    assert party_styles(["alpha", "ukraine"])["alpha"] == party_styles(["alpha", "russia"])["alpha"]


@pytest.mark.parametrize("suffix,magic", [(".png", b"\x89PNG"), (".svg", b"<?xml"),
                                          (".pdf", b"%PDF")])
def test_save_formats(tmp_path, suffix, magic):
    from negotiation.plot import figure
    from negotiation.plot.save import save

    fig = figure(report_for(FILES[-1]), "solutions")
    path = tmp_path / f"fig{suffix}"
    save(fig, str(path))
    assert path.read_bytes()[:len(magic)] == magic


def test_png_resolution(tmp_path):
    from negotiation.plot import figure
    from negotiation.plot.save import save

    fig = figure(report_for(FILES[-1]), "ranges")
    path = tmp_path / "fig.png"
    save(fig, str(path))
    import matplotlib.image as mpimg
    h, w = mpimg.imread(str(path)).shape[:2]
    W, H = fig.get_size_inches()
    assert w / W >= 200 and h / H >= 200


def test_bad_output_suffix_is_an_input_error(tmp_path):
    from negotiation.cli import main

    out = tmp_path / "fig.jpg"
    assert main(["plot", os.path.join(ROOT, "examples", "split-the-unit.yaml"),
                 "--kind", "ranges", "-o", str(out)]) == 2
    assert not out.exists()


def test_cli_plot_writes_default_name(tmp_path):
    env = dict(os.environ)
    src = os.path.join(ROOT, "examples", "split-the-unit.yaml")
    r = subprocess.run([sys.executable, "-m", "negotiation", "plot", src, "--kind",
                        "solutions"], cwd=tmp_path, capture_output=True, text=True, env=env,
                       check=False)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "split-the-unit-solutions.png").stat().st_size > 10_000
    r = subprocess.run([sys.executable, "-m", "negotiation", "plot", "missing.yaml", "--kind",
                        "solutions"], cwd=tmp_path, capture_output=True, text=True, env=env,
                       check=False)
    assert r.returncode == 2
    assert "missing.yaml" in r.stderr
    assert not list(tmp_path.glob("missing-*"))


def test_import_stays_light():
    code = ("import sys, negotiation, negotiation.plot, negotiation.brief; "
            "print('matplotlib' in sys.modules)")
    t = time.time()
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "False"
    assert time.time() - t < 10


# ----------------------------------------------------------------------------- a library
def test_importing_changes_no_global_state():
    """Importing the package and every plotting module leaves matplotlib's settings,
    backend and the warning filters as they were."""
    code = """
import warnings, matplotlib
before = (dict(matplotlib.rcParams), matplotlib.get_backend(), list(warnings.filters))
import importlib, pkgutil, negotiation, negotiation.plot, negotiation.brief
for m in pkgutil.iter_modules(negotiation.plot.__path__):
    importlib.import_module("negotiation.plot." + m.name)
for m in pkgutil.iter_modules(negotiation.brief.__path__):
    importlib.import_module("negotiation.brief." + m.name)
after = (dict(matplotlib.rcParams), matplotlib.get_backend(), list(warnings.filters))
assert before[0] == after[0], [k for k in before[0] if before[0][k] != after[0].get(k)]
assert before[1:] == after[1:], (before[1:], after[1:])
print("ok")
"""
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                       check=False)
    assert r.returncode == 0 and r.stdout.strip() == "ok", r.stderr


def test_drawing_leaves_rc_params_alone():
    """The house style applies inside the plot functions only."""
    import matplotlib

    from negotiation.plot import figure

    before = dict(matplotlib.rcParams)
    figure(report_for(FILES[-1]), "solutions")
    assert dict(matplotlib.rcParams) == before


@pytest.mark.parametrize("kind", KINDS + ("compare",))
def test_plot_functions_draw_into_the_callers_figure(kind):
    from matplotlib.figure import Figure

    from negotiation.plot import figure
    from negotiation.plot.compare import plot_compare

    mine = Figure(figsize=(11, 9))
    if kind == "compare":
        out = plot_compare([report_for("no-deal"), report_for(FILES[-1])], fig=mine)
    else:
        out = figure(report_for(FILES[-1]), kind, fig=mine)
    assert out is mine
    assert tuple(mine.get_size_inches()) == (11, 9)
    assert [ax for ax in mine.axes if ax.get_visible()]
    with pytest.raises(ValueError, match="empty figure"):
        figure(report_for(FILES[-1]), "ranges", fig=mine)


def test_utility_space_draws_one_panel_into_the_callers_axes():
    """ax=: one pair of parties in the caller's own axes, next to the caller's other axes."""
    from matplotlib.figure import Figure

    from negotiation.plot import figure

    report = report_for(FILES[-1])
    mine = Figure(figsize=(10, 4))
    left, right = mine.subplots(1, 2)
    right.plot([0, 1], [0, 1])
    out = figure(report, "utility-space", ax=left, pair=("ukraine", "russia"))
    assert out is mine and len(mine.axes) == 2
    gids = {line.get_gid() for line in left.lines}
    assert "disagreement" in gids and "solution:nash" in gids
    assert left.get_xlabel().startswith("utility of ukraine")
    assert left.get_ylabel().startswith("utility of russia")
    assert len(right.lines) == 1                    # the caller's other axes untouched
    with pytest.raises(ValueError, match="unknown party"):
        figure(report, "utility-space", ax=right, pair=("ukraine", "atlantis"))


def test_compact_solutions_figure_for_the_brief():
    """frame=False: no title or source line, every package still marked."""
    from negotiation.plot.solutions import plot_solutions

    report = report_for(FILES[0])
    fig = plot_solutions(report, frame=False)
    assert not [t for t in fig.texts if t.get_text().startswith("Source:")]
    width, _ = fig.get_size_inches()
    assert width == pytest.approx(7.2)
    gids = [ln.get_gid() for ln in fig.axes[0].get_lines() if ln.get_gid()]
    assert len(gids) == len(report.packages())


def test_party_colours_have_one_home():
    """The Okabe-Ito hex codes appear in negotiation/plot/palette.py and nowhere else."""
    hits = []
    for folder, _, files in os.walk(os.path.join(ROOT, "negotiation")):
        for name in files:
            if name.endswith((".py", ".css", ".html", ".mplstyle")):
                path = os.path.join(folder, name)
                with open(path, encoding="utf-8") as fh:
                    text = fh.read().upper()
                if "0072B2" in text or "D55E00" in text:
                    hits.append(os.path.relpath(path, ROOT))
    assert hits == [os.path.join("negotiation", "plot", "palette.py")]
