"""Experiments: the file format and its errors, the points, the store, resuming, the command.

The vectorised grid path is checked against ``analyse`` in ``test_experiments_fast.py``,
the Dask executor in ``test_experiments_dask.py``.
"""

from __future__ import annotations

import json
import math
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest

from negotiation.errors import ScenarioError
from negotiation.experiments import cli as sweep_cli
from negotiation.experiments.runner import ChunkRunner, run_sweep, sweep
from negotiation.experiments.sampling import Plan
from negotiation.experiments.spec import experiment_from_dict, load_experiment
from negotiation.experiments.store import StoreError, open_sweep

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BERLIN = os.path.join(ROOT, "scenarios", "berlin-2025-12.yaml")
MINI = os.path.join(ROOT, "docs", "tutorial", "berlin-mini.yaml")
SHIPPED = sorted(f for f in os.listdir(os.path.join(ROOT, "experiments")) if f.endswith(".yaml"))


def write(tmp_path, text: str, name: str = "exp.yaml") -> str:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text).replace("SCEN", BERLIN).replace("MINI", MINI))
    return str(path)


def error_of(tmp_path, text: str) -> ScenarioError:
    path = write(tmp_path, text)
    with pytest.raises(ScenarioError) as info:
        load_experiment(path)
    return info.value


MC = """\
title: small Monte Carlo
scenario: SCEN
sample: {draws: 120, seed: 4, parameters: assumptions}
measure: [deal_possible, solutions.nash.outcome.territory, bargaining_range.territory.max,
          closest.min_surplus, solutions.nash.outcome.recognition]
chunk: 40
"""


# --------------------------------------------------------------------------- the format
def test_shipped_experiments_load():
    for name in SHIPPED:
        exp = load_experiment(os.path.join(ROOT, "experiments", name))
        assert exp.points > 0 and exp.measures


@pytest.mark.parametrize("text, line, field, words", [
    ("title: t\nscenario: SCEN\nmeasures: [deal_possible]\n", 3, "measures",
     "did you mean 'measure'"),
    ("title: t\nscenario: SCEN\nmeasure: [deal_possible]\nvary:\n"
     "  conflict.costs.rusia: {from: 0, to: 0.3, steps: 4}\n", 5, "vary.conflict.costs.rusia",
     "'rusia' is not a party"),
    ("title: t\nscenario: SCEN\nmeasure: [deal_possible]\nvary:\n"
     "  parties.ukraine.weights.territory:\n    from: -0.1\n    to: 0.5\n    steps: 3\n", 6,
     "vary.parties.ukraine.weights.territory.from", "at least 0"),
    ("title: t\nscenario: SCEN\nmeasure: [deal_possible]\nsample:\n  draws: 10\n"
     "  parameters:\n    parties.ukraine.values.nato.deferred: {uniform: [0.5, 1.2]}\n", 7,
     "sample.parameters.parties.ukraine.values.nato.deferred.uniform", "outside the valid"),
    ("title: t\nscenario: SCEN\nmeasure: [deal_possible]\nsample:\n  draws: 10\n"
     "  parameters:\n    parties.russia.power: {normal: [-1, 0.5]}\n", 7,
     "sample.parameters.parties.russia.power.normal", "mean -1 is outside"),
    ("title: t\nscenario: SCEN\nmeasure:\n  - deal_possible\n"
     "  - solutions.nash.outcome.teritory\n", 5, "measure.1", "did you mean"),
    ("title: t\nscenario: SCEN\nmeasure: [solutions.nash.outcome]\n", 3, "measure.0",
     "name one of its fields"),
    ("title: t\nscenario: nowhere.yaml\nmeasure: [deal_possible]\n", 2, "scenario",
     "does not exist"),
    ("title: t\nscenario: SCEN\nmeasure: [deal_possible]\nvary:\n"
     "  parties.ukraine.weights: {values: [1]}\n", 5, "vary.parties.ukraine.weights",
     "group of values"),
    ("title: t\nscenario: SCEN\nmeasure: [deal_possible]\nvary:\n"
     "  conflict.costs.russia: {values: [0.1]}\none_at_a_time: {parameters: assumptions}\n", 6,
     "one_at_a_time", "cannot be combined"),
    ("title: t\nscenario: SCEN\nmeasure: [deal_possible]\nvary:\n"
     "  proposals.us_berlin_package.territory: {from: 0.1, to: 0.3, steps: 3}\n", 5,
     "vary.proposals.us_berlin_package.territory.to", "in [0, 0.25]"),
    ("title: t\nscenario: SCEN\nmeasure: [deal_possible]\nvary:\n"
     "  proposals.us_berlin_package.recognition: {values: [none, de_jur]}\n", 5,
     "vary.proposals.us_berlin_package.recognition.values.1", "one of the levels"),
    ("title: t\nscenario: SCEN\nmeasure: [deal_possible]\nsample:\n  draws: 0\n"
     "  parameters: assumptions\n", 5, "sample.draws", "whole number"),
])
def test_input_errors_name_file_line_and_field(tmp_path, text, line, field, words):
    err = error_of(tmp_path, text)
    assert err.file.endswith("exp.yaml") and err.line == line and err.path == field, str(err)
    assert words in err.message, str(err)
    assert str(err).startswith(f"{err.file}:{line}: {field}: ")


def test_a_value_the_loader_rejects_is_found_before_any_work(tmp_path):
    # the US fallback is the war lottery, not an outcome with a cost: replace() says so
    err = error_of(tmp_path, """\
        title: t
        scenario: SCEN
        measure: [deal_possible]
        vary:
          parties.us.batna.cost: {values: [0.1]}
        """)
    assert err.line == 5 and "not valid in the scenario" in err.message


# --------------------------------------------------------------------------- the points
def test_points_do_not_depend_on_chunks(tmp_path):
    exp = load_experiment(write(tmp_path, MC))
    whole = Plan(exp).columns(0, 120)
    plan = Plan(exp)
    parts = [plan.columns(a, b) for a, b in ((0, 7), (7, 64), (64, 120))]
    for j, col in enumerate(whole):
        assert np.array_equal(col, np.concatenate([p[j] for p in parts]))
    other = experiment_from_dict({**_data(tmp_path, MC), "sample": {
        "draws": 120, "seed": 5, "parameters": "assumptions"}}, check=False)
    assert not np.array_equal(Plan(other).columns(0, 120)[1], whole[1])


def _data(tmp_path, text):
    import yaml

    return yaml.safe_load(textwrap.dedent(text).replace("SCEN", BERLIN))


def test_draws_keep_the_order_of_a_group_and_probabilities_sum_to_one(tmp_path):
    exp = load_experiment(write(tmp_path, MC))
    cols = dict(zip([p.name for p in exp.parameters], Plan(exp).columns(0, 120)))
    hi = cols["parties.ukraine.values.territory.points.1.1"]      # 0.8 in the file
    lo = cols["parties.ukraine.values.territory.points.2.1"]      # 0.3 in the file
    assert (hi >= lo).all() and hi.min() >= 0.2 and hi.max() <= 0.9
    probs = sum(cols[f"conflict.outcomes.{j}.probability"] for j in range(6))
    assert np.allclose(probs, 1.0, atol=1e-12)


def test_grid_order_first_key_slowest_then_draws(tmp_path):
    exp = experiment_from_dict({
        "title": "t", "scenario": BERLIN, "measure": ["deal_possible"],
        "vary": {"conflict.costs.russia": {"from": 0.0, "to": 0.2, "steps": 3},
                 "parties.ukraine.weights.guarantees": {"values": [0.15, 0.35]}},
        "sample": {"draws": 2, "seed": 1, "parameters": {
            "conflict.costs.ukraine": {"triangular": [0.03, 0.06, 0.2]}}}}, check=False)
    cost, weight, draw = Plan(exp).columns(0, exp.points)
    assert exp.points == 12
    assert cost.tolist() == [0.0] * 4 + [0.1] * 4 + [0.2] * 4
    assert weight.tolist() == [0.15, 0.15, 0.35, 0.35] * 3
    assert draw[0::2].tolist() == [draw[0]] * 6 and draw[1] != draw[0]   # common draws


def test_one_at_a_time_moves_one_parameter(tmp_path):
    exp = experiment_from_dict({"title": "t", "scenario": MINI, "measure": ["deal_possible"],
                                "one_at_a_time": {"parameters": "assumptions", "steps": 3}},
                               check=False)
    plan = Plan(exp)
    cols = plan.columns(0, exp.points)
    assert plan.changes(cols, 0, 0) == {}
    p = exp.one_at_a_time[0]
    assert plan.changes(cols, 1, 1) == {p.dotted: p.low}
    assert plan.changes(cols, 3, 3) == {p.dotted: p.high}
    # a number of a value function stays between its neighbours in the file
    pair = [q for q in exp.one_at_a_time if q.name.endswith("guarantees.arms_aid")][0]
    assert pair.high <= [q for q in exp.one_at_a_time
                         if q.name.endswith("guarantees.european_force")][0].baseline


# --------------------------------------------------------------------------- API and files
def test_sweep_returns_the_rows_and_the_summary(tmp_path):
    df = sweep(write(tmp_path, MC), out=str(tmp_path / "out"))
    assert list(df.columns[:1]) == ["point"] and df.columns[-1] == "error"
    assert df["point"].tolist() == list(range(120))
    assert "solutions.nash.outcome.territory" in df.columns and (df["error"] == "").all()
    summary = df.attrs["summary"]
    nash = df["solutions.nash.outcome.territory"].dropna().to_numpy(dtype=float)
    got = summary["measures"]["solutions.nash.outcome.territory"]
    assert math.isclose(got["mean"], nash.mean(), rel_tol=1e-12)
    for q in (5, 25, 50, 75, 95):
        assert math.isclose(got["quantiles"][f"{q}%"], np.quantile(nash, q / 100),
                            rel_tol=1e-12)
    assert summary["deal"]["probability"] == df["deal_possible"].mean()
    out = tmp_path / "out"
    for name in ("results.csv", "results.parquet", "summary.json", "histogram.png"):
        assert (out / name).is_file(), name
    import pandas as pd

    pq = pd.read_parquet(out / "results.parquet")
    assert pq.shape == df.shape and pq["point"].tolist() == df["point"].tolist()
    csv = pd.read_csv(out / "results.csv", keep_default_na=False)
    assert list(csv.columns) == list(df.columns)


def test_failed_points_are_recorded_and_the_sweep_goes_on(tmp_path):
    exp = experiment_from_dict({
        "title": "t", "scenario": BERLIN, "measure": ["deal_possible"],
        "vary": {"conflict.outcomes.0.probability": {"values": [0.2, 0.7]},
                 "conflict.outcomes.1.probability": {"values": [0.2, 0.7]}}})
    df = sweep(exp)
    assert df["error"].tolist()[:3] == ["", "", ""]
    assert "sum to 1.4, more than 1" in df["error"][3] and pd_isna(df["deal_possible"][3])
    assert df["deal_possible"][:3].tolist() == [True, True, True]


def pd_isna(x):
    import pandas as pd

    return pd.isna(x)


def test_existing_directory_needs_resume_and_the_same_experiment(tmp_path):
    path = write(tmp_path, MC)
    out = str(tmp_path / "out")
    run_sweep(load_experiment(path), out, figures=False).sweep.close()
    with pytest.raises(StoreError, match="add --resume"):
        run_sweep(load_experiment(path), out)
    other = write(tmp_path, MC.replace("seed: 4", "seed: 5"), "other.yaml")
    with pytest.raises(StoreError, match="another experiment"):
        run_sweep(load_experiment(other), out, resume=True)
    (tmp_path / "junk").mkdir()
    (tmp_path / "junk" / "x.txt").write_text("x")
    with pytest.raises(StoreError, match="not empty"):
        run_sweep(load_experiment(path), str(tmp_path / "junk"))


def test_interrupted_sweep_resumes_without_recomputing_or_duplicating(tmp_path, monkeypatch):
    path = write(tmp_path, MC)
    full = str(tmp_path / "full")
    run_sweep(load_experiment(path), full, figures=False).sweep.close()
    calls: list[int] = []
    real = ChunkRunner.run

    def flaky(self, start, stop):
        calls.append(start)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real(self, start, stop)

    monkeypatch.setattr(ChunkRunner, "run", flaky)
    part = str(tmp_path / "part")
    with pytest.raises(KeyboardInterrupt):
        run_sweep(load_experiment(path), part, figures=False)
    with open_sweep(part) as s:
        assert s.store.count() == 40 and not s.complete
    calls.clear()
    monkeypatch.setattr(ChunkRunner, "run", real)
    seen: list[int] = []
    monkeypatch.setattr(ChunkRunner, "run",
                        lambda self, a, b: (seen.append(a), real(self, a, b))[1])
    run_sweep(load_experiment(path), part, resume=True, figures=False).sweep.close()
    assert sorted(seen) == [40, 80]                                   # only what was missing
    assert (tmp_path / "part" / "results.csv").read_bytes() == \
        (tmp_path / "full" / "results.csv").read_bytes()


def test_resume_of_a_finished_sweep_recomputes_nothing(tmp_path, monkeypatch):
    path = write(tmp_path, MC)
    out = str(tmp_path / "out")
    run_sweep(load_experiment(path), out, figures=False).sweep.close()
    monkeypatch.setattr(ChunkRunner, "run", lambda *a: pytest.fail("recomputed"))
    outcome = run_sweep(load_experiment(path), out, resume=True, figures=False)
    assert outcome.computed == 0 and outcome.resumed == 120
    outcome.sweep.close()


# --------------------------------------------------------------------------- the command
def test_command_writes_tables_summary_figures_and_page(tmp_path, capsys):
    path = write(tmp_path, """\
        title: grid
        scenario: SCEN
        vary:
          conflict.costs.russia: {from: 0.0, to: 0.3, steps: 4}
          proposals.us_berlin_package.guarantees: {values: [0.3, 0.8]}
        measure: [deal_possible, proposals.us_berlin_package.surplus.ukraine,
                  bargaining_range.territory.min]
        plot: {boundary: proposals.us_berlin_package.surplus.ukraine}
        """)
    page = tmp_path / "page.md"
    code = sweep_cli.main([path, "--out", str(tmp_path / "o"), "--report", str(page)])
    assert code == 0
    out = capsys.readouterr()
    assert "grid" in out.out and "points: 8 of 8" in out.out
    for name in ("results.csv", "summary.json", "heatmap.png"):
        assert (tmp_path / "o" / name).is_file()
    text = page.read_text()
    assert "negotiation sweep" in text and "page-heatmap.png" in text
    assert (tmp_path / "page-heatmap.png").is_file()
    summary = json.loads((tmp_path / "o" / "summary.json").read_text())
    assert "proposals.us_berlin_package.surplus.ukraine" in summary["flips"]
    code = sweep_cli.main([path, "--out", str(tmp_path / "o"), "--format", "json"])
    assert code == 2 and "--resume" in capsys.readouterr().err
    code = sweep_cli.main([path, "--out", str(tmp_path / "o"), "--resume", "--format", "json"])
    assert code == 0 and json.loads(capsys.readouterr().out)["completed"] == 8


def test_command_input_error_exit_2(tmp_path, capsys):
    path = write(tmp_path, "title: t\nscenario: SCEN\nmeasure: [deal_posible]\n")
    assert sweep_cli.main([path, "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"{path}:3: measure.0: ") and "did you mean 'deal_possible'" in err
    assert not (tmp_path / "o").exists()


def test_add_parser_wires_the_command():
    import argparse

    parser = argparse.ArgumentParser(prog="negotiation")
    sub = parser.add_subparsers(dest="command")
    sweep_cli.add_parser(sub)
    args = parser.parse_args(["sweep", "x.yaml", "--executor", "dask", "--workers", "2",
                              "--address", "h:1", "--resume", "--format", "json"])
    assert args.func is sweep_cli.run and args.experiments == ["x.yaml"] and args.workers == 2


def _run_cli(args, **kw):
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.Popen([sys.executable, "-m", "negotiation.experiments.cli", *args],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            **kw)


def _chunks(out: str) -> int:
    db = os.path.join(out, "sweep.sqlite")
    if not os.path.isfile(db):
        return 0
    try:
        con = sqlite3.connect(db, timeout=1)
        try:
            return con.execute("SELECT COUNT(*) FROM chunks").fetchone()[0]
        finally:
            con.close()
    except sqlite3.Error:
        return 0


def _wait_for_chunks(out: str, n: int, proc, limit: float = 120.0) -> None:
    t0 = time.monotonic()
    while _chunks(out) < n:
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() - t0 < limit, "no progress"
        time.sleep(0.05)


SLOW = """\
title: exact, killed half way
scenario: MINI
precision: exact
sample: {draws: 24, seed: 2, parameters: assumptions}
measure: [deal_possible, solutions.nash.outcome.donetsk, bargaining_range.donetsk.max]
chunk: 2
"""


def test_kill_9_of_the_main_process_then_resume_gives_the_same_rows(tmp_path):
    path = write(tmp_path, SLOW)
    out = str(tmp_path / "killed")
    proc = _run_cli([path, "--out", out, "--no-progress"])
    _wait_for_chunks(out, 3, proc)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    with open_sweep(out) as s:                       # consistent: whole chunks only
        done = s.store.count()
        assert 0 < done < 24 and done % 2 == 0
        assert done == 2 * len(s.store.done_chunks())
    proc = _run_cli([path, "--out", out, "--resume", "--no-progress"])
    assert proc.wait() == 0, proc.communicate()
    whole = str(tmp_path / "whole")
    run_sweep(load_experiment(path), whole, figures=False).sweep.close()
    assert open(os.path.join(out, "results.csv"), "rb").read() == \
        open(os.path.join(whole, "results.csv"), "rb").read()


def test_a_killed_worker_loses_nothing(tmp_path):
    psutil = pytest.importorskip("psutil")
    path = write(tmp_path, SLOW)
    out = str(tmp_path / "w")
    proc = _run_cli([path, "--out", out, "--executor", "processes", "--workers", "2",
                     "--no-progress"])
    _wait_for_chunks(out, 1, proc)
    workers = [c for c in psutil.Process(proc.pid).children(recursive=True)
               if "resource_tracker" not in " ".join(c.cmdline())]
    assert workers
    workers[-1].kill()
    code = proc.wait(timeout=120)
    if code != 0:            # the pool broke: finished chunks are kept, resume finishes
        assert code == 1 and "--resume" in proc.communicate()[1].decode()
        proc = _run_cli([path, "--out", out, "--resume", "--no-progress"])
        assert proc.wait() == 0
    whole = str(tmp_path / "whole")
    run_sweep(load_experiment(path), whole, figures=False).sweep.close()
    assert open(os.path.join(out, "results.csv"), "rb").read() == \
        open(os.path.join(whole, "results.csv"), "rb").read()


def test_processes_executor_gives_the_same_numbers(tmp_path):
    path = write(tmp_path, MC)
    run_sweep(load_experiment(path), str(tmp_path / "a"), figures=False).sweep.close()
    run_sweep(load_experiment(path), str(tmp_path / "b"), executor="processes", workers=2,
              figures=False).sweep.close()
    assert (tmp_path / "a" / "results.csv").read_bytes() == \
        (tmp_path / "b" / "results.csv").read_bytes()


# --------------------------------------------------------------------------- figures
def test_figures_of_each_kind(tmp_path):
    from negotiation.experiments import plots

    mc = str(tmp_path / "mc")
    run_sweep(load_experiment(write(tmp_path, MC)), mc, figures=False).sweep.close()
    oat = str(tmp_path / "oat")
    exp = experiment_from_dict({"title": "oat", "scenario": MINI, "measure": [
        "closest.min_surplus", "solutions.nash.outcome.donetsk", "deal_possible"],
        "one_at_a_time": {"parameters": "assumptions", "steps": 2}})
    run_sweep(exp, oat, figures=False).sweep.close()
    assert set(plots.figures(mc)) == {"histogram"}
    assert set(plots.figures(oat)) == {"tornado"}
    rows = plots.tornado_rows(oat, n=3)
    assert len(rows) == 3 and rows[0]["measure"] == "closest.min_surplus"
    assert plots.deal_probability(mc)["of"] == 120
    fig = plots.plot_compare([mc, mc])
    assert fig.axes
    paths = plots.save_figures(oat)
    assert paths and all(os.path.getsize(p) > 10_000 for p in paths)
