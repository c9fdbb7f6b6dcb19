"""Forecasting models: closed forms, invariances, the emission example, inputs, outputs."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import negotiation as ng
from negotiation.errors import ScenarioError
from negotiation.forecast import MODELS, accuracy, forecast, load_actors
from negotiation.forecast.actors import ActorTable, IssueActors, read_actor_csv, table_from_arrays
from negotiation.forecast.exchange import ExchangeOptions
from negotiation.forecast.expected_utility import EUOptions

EXAMPLE = "examples/emission-standards.csv"
SCENARIOS = [
    "scenarios/munich-2025-02.yaml",
    "scenarios/berlin-2025-12.yaml",
    "scenarios/munich-2026-02.yaml",
]
ONE_ISSUE = ("compromise", "median", "expected_utility")


def fc(table, model, issue="issue", **eu):
    return forecast(table, [model], eu=EUOptions(**eu) if eu else None).get(issue, model)


# --------------------------------------------------------------------------- emission example
def test_emission_example_initial_mean_and_median_exactly():
    """BDM (1994) / Scholz et al. (2011) Table 1: weighted mean 500.3/67.7, median 7 years."""
    table = load_actors(EXAMPLE)
    issue = table.issues[0]
    assert issue.actors[0] == "Netherlands" and len(issue.actors) == 10
    w = issue.capability * issue.salience
    assert w.sum() == pytest.approx(67.7)
    assert (w * issue.position).sum() == pytest.approx(500.3)
    assert fc(table, "compromise").forecast == pytest.approx(500.3 / 67.7, abs=1e-12)
    assert fc(table, "median").forecast == 7.0
    eu = fc(table, "expected_utility")
    assert eu.median_path[0] == 7.0
    assert eu.converged and eu.rounds >= 1


def test_emission_example_paths_depend_on_the_disputed_options():
    """The documented sensitivity (docs/forecasting.md): the default keeps the median at 7;
    Scholz's code's probability denominator pushes it to the 10-year camp."""
    table = load_actors(EXAMPLE)
    default = fc(table, "expected_utility")
    assert default.median_path == (7.0,) * (default.rounds + 1)
    allpairs = fc(table, "expected_utility", probability="all-pairs")
    path = allpairs.median_path
    assert path[0] == 7.0 and path[1] > 8 and allpairs.forecast == pytest.approx(10.0)
    assert all(b >= a - 1e-12 for a, b in zip(path, path[1:]))  # it rises towards 10


# --------------------------------------------------------------------------- closed forms
@given(
    x1=st.floats(-50, 50),
    x2=st.floats(-50, 50),
    w1=st.floats(0.1, 10),
    w2=st.floats(0.1, 10),
)
def test_two_actors_closed_forms(x1, x2, w1, w2):
    assume(abs(x1 - x2) > 1e-3 and abs(w1 - w2) > 1e-6)
    t = table_from_arrays(["a", "b"], [w1, w2], [x1, x2], [1.0, 1.0])
    assert fc(t, "compromise").forecast == pytest.approx((w1 * x1 + w2 * x2) / (w1 + w2))
    heavier = x1 if w1 > w2 else x2
    assert fc(t, "median").forecast == heavier
    # EU: equal saliences, so the lighter actor never wins (P < 1/2): the median stays put
    assert fc(t, "expected_utility").forecast == heavier


def test_two_equal_actors_split_the_difference():
    t = table_from_arrays(["a", "b"], [1, 1], [0, 10], [50, 50])
    assert fc(t, "compromise").forecast == 5
    assert fc(t, "median").forecast == 5  # the midpoint of the median interval [0, 10]
    eu = fc(t, "expected_utility")
    assert eu.forecast == 5 and eu.positions == {"a": 0, "b": 10}  # nobody moves
    assert eu.rounds == 1 and eu.converged


@settings(deadline=None)
@given(
    half=st.lists(
        st.tuples(st.integers(1, 20), st.integers(1, 5), st.integers(1, 10)), min_size=1, max_size=4
    ),
    centre=st.booleans(),
)
def test_symmetric_actors_forecast_the_centre(half, centre):
    """Actors mirrored around 0 with equal capability and salience: every model says 0."""
    names, c, x, s = [], [], [], []
    for k, (pos, cap, sal) in enumerate(half):
        for sign in (1, -1):
            names.append(f"{'pm'[sign < 0]}{k}")
            c.append(cap)
            x.append(sign * pos)
            s.append(sal / 10)
    if centre:
        names.append("mid")
        c.append(1)
        x.append(0)
        s.append(0.5)
    t = table_from_arrays(names, c, x, s)
    for m in ONE_ISSUE:
        assert fc(t, m).forecast == pytest.approx(0.0, abs=1e-9), m


@settings(deadline=None)
@given(
    others=st.lists(st.tuples(st.integers(-20, 20), st.integers(1, 5)), min_size=1, max_size=6),
    boss=st.integers(-20, 20),
    s=st.integers(1, 10),
)
def test_one_dominant_actor_decides(others, boss, s):
    """An actor with more than half of the weight (equal saliences): median and EU model
    forecast its position; the compromise lies between it and the others' mean."""
    caps = [c for _, c in others]
    names = ["boss"] + [f"a{k}" for k in range(len(others))]
    x = [boss] + [p for p, _ in others]
    c = [sum(caps) + 1] + caps
    t = table_from_arrays(names, c, x, [s / 10] * len(x))
    assert fc(t, "median").forecast == boss
    assert fc(t, "expected_utility").forecast == boss
    f = fc(t, "compromise").forecast
    rest = float(np.average([p for p, _ in others], weights=caps))
    assert min(boss, rest) - 1e-9 <= f <= max(boss, rest) + 1e-9


def test_exchange_two_actors_two_issues_trade_their_less_salient_issue():
    """A cares about e, B about d: each concedes its less salient issue; the outcome moves
    from the compromise (0.8, 0.2) towards B's position on d and A's on e."""
    t = ActorTable(
        (
            IssueActors(
                "d", ("A", "B"), np.array([1.0, 1]), np.array([0.0, 1]), np.array([0.2, 0.8])
            ),
            IssueActors(
                "e", ("A", "B"), np.array([1.0, 1]), np.array([0.0, 1]), np.array([0.8, 0.2])
            ),
        )
    )
    r = forecast(t, ["compromise", "exchange"], exchange=ExchangeOptions(min_gain=1e-12))
    assert r.get("d", "compromise").forecast == pytest.approx(0.8)
    assert r.get("e", "compromise").forecast == pytest.approx(0.2)
    d, e = r.get("d", "exchange"), r.get("e", "exchange")
    assert d.outcome_path[1] == pytest.approx(0.96)  # round 1: A moves to O_d = 0.8
    assert e.outcome_path[1] == pytest.approx(0.04)
    assert d.forecast == pytest.approx(1.0, abs=1e-5) and e.forecast == pytest.approx(0.0, abs=1e-5)
    assert d.converged


def test_exchange_needs_different_priorities():
    """Equal salience ratios: no exchange gains, the forecast is the compromise."""
    t = ActorTable(
        (
            IssueActors(
                "d", ("A", "B"), np.array([1.0, 2]), np.array([0.0, 1]), np.array([0.5, 0.5])
            ),
            IssueActors(
                "e", ("A", "B"), np.array([1.0, 2]), np.array([3.0, 9]), np.array([0.5, 0.5])
            ),
        )
    )
    r = forecast(t, ["compromise", "exchange"])
    for i in ("d", "e"):
        assert r.get(i, "exchange").forecast == pytest.approx(r.get(i, "compromise").forecast)
        assert r.get(i, "exchange").rounds == 0


# --------------------------------------------------------------------------- invariances
actors = st.lists(
    st.tuples(st.integers(0, 12), st.integers(1, 6), st.integers(1, 10)), min_size=2, max_size=7
)


def _table(rows, order=None, a=0.0, b=1.0):
    idx = list(range(len(rows))) if order is None else order
    return table_from_arrays(
        [f"n{k}" for k in idx],
        [rows[k][1] for k in idx],
        [a + b * rows[k][0] for k in idx],
        [rows[k][2] / 10 for k in idx],
    )


@settings(deadline=None)
@given(
    rows=actors,
    shift=st.integers(-50, 50),
    power=st.integers(-3, 3),
    mirror=st.booleans(),
    model=st.sampled_from(ONE_ISSUE),
)
def test_shifting_rescaling_or_mirroring_the_scale_moves_the_forecast_alike(
    rows, shift, power, mirror, model
):
    assume(len({r[0] for r in rows}) > 1)
    b = (-1.0 if mirror else 1.0) * 2.0**power
    base = fc(_table(rows), model)
    moved = fc(_table(rows, a=shift, b=b), model)
    assert moved.forecast == pytest.approx(shift + b * base.forecast, abs=1e-9)
    if base.median_path is not None:
        assert np.allclose(moved.median_path, shift + b * np.array(base.median_path), atol=1e-9)


@settings(deadline=None)
@given(rows=actors, data=st.data(), model=st.sampled_from(ONE_ISSUE))
def test_permuting_the_actors_changes_nothing(rows, data, model):
    assume(len({r[0] for r in rows}) > 1)
    order = data.draw(st.permutations(range(len(rows))))
    a, b = fc(_table(rows), model), fc(_table(rows, order), model)
    assert b.forecast == pytest.approx(a.forecast, abs=1e-9)
    if a.positions is not None:
        assert b.positions == pytest.approx(a.positions, abs=1e-9)


@settings(deadline=None)
@given(rows=actors, k=st.sampled_from([0.5, 3.0, 1000.0]), model=st.sampled_from(ONE_ISSUE))
def test_the_scale_of_capabilities_does_not_matter(rows, k, model):
    assume(len({r[0] for r in rows}) > 1)
    t = _table(rows)
    big = ActorTable(
        tuple(
            IssueActors(i.name, i.actors, k * i.capability, i.position, i.salience)
            for i in t.issues
        )
    )
    assert fc(big, model).forecast == pytest.approx(fc(t, model).forecast, abs=1e-9)


def test_permuting_rows_and_issues_of_a_csv_changes_nothing(tmp_path):
    rows = [
        ("a", 1, 0, 80, "x"),
        ("b", 2, 10, 30, "x"),
        ("c", 1, 4, 60, "x"),
        ("a", 1, 5, 20, "y"),
        ("b", 2, 0, 90, "y"),
        ("c", 1, 9, 40, "y"),
    ]

    def write(name, rs):
        p = tmp_path / name
        p.write_text(
            "issue,actor,capability,position,salience\n"
            + "".join(f"{r[4]},{r[0]},{r[1]},{r[2]},{r[3]}\n" for r in rs)
        )
        return forecast(read_actor_csv(str(p))).to_dict()["issues"]

    a = write("a.csv", rows)
    b = write("b.csv", list(reversed(rows)))
    for issue in ("x", "y"):
        for m in MODELS:
            assert b[issue][m]["forecast"] == pytest.approx(a[issue][m]["forecast"], abs=1e-12)


def test_forecasts_are_deterministic():
    t = load_actors(EXAMPLE)
    runs = [
        json.dumps(forecast(t, eu=EUOptions(probability="all-pairs")).to_dict()) for _ in range(3)
    ]
    assert runs[0] == runs[1] == runs[2]


# --------------------------------------------------------------------------- scenarios
@pytest.mark.parametrize("path", SCENARIOS)
def test_scenario_parties_as_actors(path):
    s = ng.load_scenario(path)
    r = forecast(s)
    for k, issue in enumerate(s.issues):
        per = r.issues[issue.name]
        assert set(per) == set(MODELS)
        for f in per.values():
            assert f.forecast is not None
            if issue.levels is not None:
                assert -1e-9 <= f.forecast <= len(issue.levels) - 1 + 1e-9
                if f.between is None:
                    assert f.level in issue.levels
                else:  # exactly half-way: a tie, no level chosen
                    k = int(np.floor(f.forecast))
                    assert f.level is None and abs(f.forecast - k - 0.5) <= 1e-9
                    assert f.between == (issue.levels[k], issue.levels[k + 1])
            else:
                lo, hi = issue.range
                assert lo - 1e-9 <= f.forecast <= hi + 1e-9
        w = np.array([p.weights[k] * p.forecast_capability for p in s.parties])
        assert np.isclose(w.sum(), sum(r.table.issues[k].weight))


def test_capability_overrides_power():
    s = ng.load_scenario("scenarios/berlin-2025-12.yaml")
    from negotiation.forecast.actors import from_scenario

    t = from_scenario(s)
    assert list(t.issues[0].capability) == [p.forecast_capability for p in s.parties]
    assert all(
        p.forecast_capability == (p.power if p.capability is None else p.capability)
        for p in s.parties
    )


def test_run_report_has_forecast_key_and_packages():
    r = ng.analyse(ng.load_scenario("examples/berlin-shape.yaml"), precision="grid")
    d = r.to_dict()
    assert set(d["forecast"]["issues"]) == set(r.scenario.issue_names)
    for per in d["forecast"]["issues"].values():
        assert set(per) == set(MODELS)
    packs = [p for p in r.packages() if p.kind == "forecast"]
    assert [p.key for p in packs] == [f"forecast_{m}" for m in MODELS]
    for p in packs:
        u = r.problem.utilities(p.coords[None, :])[0]
        assert list(p.utilities.values()) == pytest.approx(list(u))
        assert d["forecast"]["packages"][p.key.removeprefix("forecast_")][
            "utilities"
        ] == pytest.approx(dict(p.utilities))
    assert "Forecasts (spatial models)" in r.to_text()


# --------------------------------------------------------------------------- accuracy
def test_accuracy_is_the_mean_absolute_error(tmp_path):
    p = tmp_path / "t.csv"
    p.write_text(
        "issue,actor,capability,position,salience,outcome\n"
        "x,a,1,0,1,2\nx,b,1,10,1,2\n"  # compromise 5, median 5: error 3
        "y,a,3,0,1,\ny,b,1,4,1,1\n"  # compromise 1, median 0: errors 0, 1
        "z,a,1,0,1,\nz,b,1,1,1,\n"  # no outcome: not counted
    )
    acc = accuracy(forecast(read_actor_csv(str(p)), ["compromise", "median"]))
    assert acc.issues == 2
    assert acc.models["compromise"].mae == pytest.approx(1.5)
    assert acc.models["median"].mae == pytest.approx(2.0)
    assert acc.models["median"].mae_relative == pytest.approx((0.3 + 0.25) / 2)


def test_accuracy_needs_outcomes():
    with pytest.raises(ValueError, match="outcome"):
        accuracy(forecast(load_actors(EXAMPLE)))


# --------------------------------------------------------------------------- bad input
BAD = [
    ("actor,capability,position\na,1,2\n", 1, "missing column salience"),
    ("actor,capability,position,salience,colour\n", 1, "unknown column 'colour'"),
    ("actor,capability,position,salience\na,1,x,3\n", 2, "position: not a number: 'x'"),
    ("actor,capability,position,salience\na,1,2,-3\n", 2, "salience: must be 0 or more"),
    ("actor,capability,position,salience\na,1,2,nan\n", 2, "salience: must be a finite number"),
    ("actor,capability,position,salience\na,1,2,3\na,1,2,3\n", 3, "appears twice"),
    ("actor,capability,position,salience\na,1,2\n", 2, "3 cells, but the header"),
    ("actor,capability,position,salience\n,1,2,3\n", 2, "actor: empty"),
    ("actor,capability,position,salience\na,0,2,3\nb,1,2,0\n", 2, "no actor has both"),
    (
        "actor,capability,position,salience,outcome\na,1,2,3,4\nb,1,2,3,5\n",
        3,
        "outcome: issue 'issue' has outcome 5",
    ),
    ("# only a comment\n", 1, "empty table"),
    ("actor,capability,position,salience\n", 1, "no actors"),
]


@pytest.mark.parametrize("text,line,message", BAD, ids=[m for _, _, m in BAD])
def test_bad_tables_are_one_located_error(tmp_path, text, line, message):
    p = tmp_path / "bad.csv"
    p.write_text(text)
    with pytest.raises(ScenarioError) as err:
        read_actor_csv(str(p))
    assert str(err.value).startswith(f"{p}:{line}:")
    assert message in str(err.value)
    proc = subprocess.run(
        [sys.executable, "-m", "negotiation", "forecast", str(p)], capture_output=True, text=True
    )
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr
    assert proc.stderr.startswith(f"{p}:{line}:")


def test_options_are_checked():
    with pytest.raises(ValueError, match="probability"):
        EUOptions(probability="sometimes")
    with pytest.raises(ValueError, match="q is a probability"):
        EUOptions(q=1.5)


# --------------------------------------------------------------------------- command line
def _cli(*args):
    return subprocess.run(
        [sys.executable, "-m", "negotiation", "forecast", *args], capture_output=True, text=True
    )


@pytest.mark.parametrize("path", [EXAMPLE] + SCENARIOS)
def test_cli_forecasts_every_shipped_file(path, tmp_path):
    png = tmp_path / "t.png"
    proc = _cli(path, "--plot", str(png))
    assert proc.returncode == 0, proc.stderr
    assert "Forecast per issue" in proc.stdout and "exp. utility" in proc.stdout
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_cli_json_shape():
    proc = _cli(EXAMPLE, "--format", "json", "--rounds", "5", "--q", "0.5")
    assert proc.returncode == 0, proc.stderr
    d = json.loads(proc.stdout)
    eu = d["issues"]["issue"]["expected_utility"]
    assert {"forecast", "rounds", "median_path", "positions"} <= set(eu)
    assert len(eu["median_path"]) == eu["rounds"] + 1 <= 6
    assert d["models"]["expected_utility"]["options"]["q"] == 0.5
    assert d["issues"]["issue"]["median"] == {"forecast": 7.0}


def test_cli_nearest_level_on_discrete_issues():
    proc = _cli("scenarios/berlin-2025-12.yaml", "--format", "json", "--model", "median")
    d = json.loads(proc.stdout)
    s = ng.load_scenario("scenarios/berlin-2025-12.yaml")
    for issue in s.issues:
        entry = d["issues"][issue.name]["median"]
        assert ("level" in entry) == (issue.levels is not None)
        if issue.levels and "between" in entry:  # a tie: JSON null and the two levels
            k = int(np.floor(entry["forecast"]))
            assert entry["level"] is None and entry["forecast"] == k + 0.5
            assert entry["between"] == [issue.levels[k], issue.levels[k + 1]]
        elif issue.levels:
            assert entry["level"] == issue.levels[int(np.floor(entry["forecast"] + 0.5))]
    # Berlin's army_cap median is 1.5: half-way between cap_800k and cap_600k
    assert d["issues"]["army_cap"]["median"] == {
        "forecast": 1.5,
        "level": None,
        "between": ["cap_800k", "cap_600k"],
    }


# --------------------------------------------------------------------------- review fixes
def test_flat_top_position_is_the_most_moderate_ideal():
    """A flat top (a best set) gives the point of the set nearest the middle of the
    range: Russia values territory 1 on [0.225, 0.25] and asks for 0.225 (not the
    set's midpoint 0.2375, beyond its maximal claim)."""
    from negotiation.forecast.actors import from_scenario, moderate_ideal

    s = ng.load_scenario("scenarios/berlin-2025-12.yaml")
    t = from_scenario(s).issue("territory")
    assert t.position[list(t.actors).index("russia")] == pytest.approx(0.225)
    # dense-grid check of moderate_ideal: the argmax set nearest the centre
    xs = np.array([0.0, 0.2, 0.4, 0.6, 0.8, 1.0])
    for vs, centre in [
        ([0, 1, 1, 0.5, 1, 0], 0.5),  # flat [0.2, 0.4] and a peak at 0.8: 0.4 is nearest
        ([0, 0.5, 1, 1, 1, 0], 0.5),  # the centre inside the flat top
        ([1, 1, 0, 0, 0, 0], 0.5),  # a flat top at the low end
        ([0, 0, 0, 0, 1, 1], 0.1),
    ]:
        grid = np.linspace(0, 1, 100_001)
        val = np.interp(grid, xs, vs)
        best = grid[val >= max(vs) - 1e-12]
        want = best[np.argmin(np.abs(best - centre))]
        assert moderate_ideal(xs, np.array(vs, float), centre) == pytest.approx(want, abs=1e-5)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.integers(0, 3), min_size=3, max_size=8),
    st.floats(0, 1),
)
def test_moderate_ideal_is_a_best_point_nearest_the_centre(levels, centre):
    from negotiation.forecast.actors import moderate_ideal

    vs = np.array(levels, dtype=float)
    xs = np.linspace(0.0, 1.0, len(vs))
    x = moderate_ideal(xs, vs, centre)
    assert np.interp(x, xs, vs) == pytest.approx(vs.max())
    grid = np.union1d(np.linspace(0, 1, 20_001), xs)  # dense, with every breakpoint
    best = grid[np.interp(grid, xs, vs) >= vs.max() - 1e-12]
    assert abs(x - centre) <= np.min(np.abs(best - centre)) + 1e-4


def test_half_way_forecast_is_a_tie():
    a = IssueActors(
        "cap", ("a", "b"), np.ones(2), np.array([1.0, 2.0]), np.ones(2), levels=("x", "y", "z")
    )
    assert a.between_levels(1.5) == ("y", "z") and a.nearest_level(1.5) is None
    assert a.between_levels(1.4) is None and a.nearest_level(1.4) == "y"
    assert a.between_levels(2.5) is None  # no level above the last
    f = forecast(ActorTable((a,))).get("cap", "median")
    assert f.forecast == 1.5 and f.level is None and f.between == ("y", "z")
    assert f.to_dict() == {"forecast": 1.5, "level": None, "between": ["y", "z"]}
    from negotiation.forecast.text import cell

    assert cell(f) == "1.500 (between y and z)"


def test_dominant_actor_is_named():
    from negotiation.forecast.text import dominant_lines

    a = IssueActors(
        "i", ("big", "s1", "s2"), np.array([3.0, 1, 1]), np.array([0.0, 5, 10]), np.ones(3)
    )
    lines = dominant_lines(forecast(ActorTable((a,))))
    assert len(lines) == 1 and "big holds 60%" in lines[0] and "position 0" in lines[0]
    b = IssueActors("i", ("a", "b"), np.ones(2), np.array([0.0, 1.0]), np.ones(2))
    assert dominant_lines(forecast(ActorTable((b,)))) == []  # exactly half: nobody dominates


def test_cli_accuracy(tmp_path):
    p = tmp_path / "t.csv"
    p.write_text("actor,capability,position,salience,outcome\na,1,0,1,3\nb,1,10,1,3\n")
    proc = _cli(str(p), "--accuracy", "--format", "json", "--model", "mean")
    d = json.loads(proc.stdout)
    assert d["accuracy"]["models"]["compromise"]["mae"] == pytest.approx(2.0)
    proc = _cli(EXAMPLE, "--accuracy")
    assert proc.returncode == 2 and "outcome" in proc.stderr


def test_trajectory_figure_draws_every_actor():
    from negotiation.forecast.plot import plot_trajectory

    r = forecast(load_actors(EXAMPLE))
    fig = plot_trajectory(r)
    ax = fig.axes[0]
    gids = {ln.get_gid() for ln in ax.get_lines()}
    assert {f"actor:{a}" for a in r.table.actor_names} <= gids
    assert {"median", "forecast", "model:compromise", "model:median"} <= gids


def test_report_text_says_which_veto_parties_accept_each_forecast_package():
    """The text section has one line per model: every veto party accepts, or who rejects
    (checked against the parties' utilities of the package, computed here)."""
    from conftest import analysed

    from negotiation.forecast import LABELS

    report = analysed("scenarios/berlin-2025-12.yaml")
    result = report.results["forecast"]
    text = report.to_text()
    section = text.split("Forecasts (spatial models)\n", 1)[1].split("\nProposals\n", 1)[0]
    table = section.split("Forecast packages and the veto parties", 1)[1]
    pb = report.problem
    for m in result.models:
        coords = []
        for issue in report.scenario.issues:
            f = result.issues[issue.name][m].forecast
            if issue.levels is None:
                coords.append(min(max(f, issue.range[0]), issue.range[1]))
            else:  # half-way goes up (the package's documented tie rule)
                coords.append(float(np.floor(f + 0.5)))
        u = pb.utilities(np.array(coords)[None])[0]
        rejecting = [n for n, x, d, v in zip(pb.names, u, pb.d, pb.veto) if v and x < d - 1e-9]
        line = next(x for x in table.splitlines() if x.strip().startswith(LABELS[m]))
        cells = line.split()
        assert ("no" if rejecting else "yes") in cells
        for n in rejecting:
            assert n in line
        tie = any(result.issues[i.name][m].between for i in report.scenario.issues)
        assert ("between" in line) == tie
    # the dominant actor on territory is named (Russia holds more than half the weight)
    t = result.table.issue("territory")
    share = t.weight / t.weight.sum()
    k = int(np.argmax(share))
    assert share[k] > 0.5 and t.actors[k] == "russia"
    assert f"russia holds {100 * share[k]:.0f}% of the capability x salience weight" in section
