"""``negotiation.tables``: the report's parts as records and DataFrames.

The rows are checked against the report's own objects and, for the Pareto
table, against an independent evaluation of each row's outcome (utilities
recomputed from the decoded issue values; no row dominated by another).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest
from helpers import no_deal_dict

import negotiation as ng
from negotiation.tables import KINDS, to_frame, to_records

ROOT = Path(__file__).resolve().parents[1]
TUTORIAL = ROOT / "docs" / "tutorial" / "berlin-mini.yaml"


@pytest.fixture(scope="module")
def report():
    return ng.analyse(ng.load_scenario(TUTORIAL))


@pytest.fixture(scope="module")
def no_deal():
    return ng.analyse(ng.scenario_from_dict(no_deal_dict()))


def test_unknown_kind_names_the_choices(report):
    for fn in (to_records, to_frame):
        with pytest.raises(ValueError) as info:
            fn(report, "solution")
        assert all(k in str(info.value) for k in ("solutions", "proposals", "ranges", "pareto"))


@pytest.mark.parametrize("kind", KINDS)
def test_records_are_plain_data_with_one_set_of_keys(report, no_deal, kind):
    for r in (report, no_deal):
        rows = to_records(r, kind)
        json.dumps(rows, allow_nan=False)          # plain, finite data
        assert len({tuple(row) for row in rows}) <= 1
        for row in rows:
            for v in row.values():
                assert v is None or type(v) in (str, float, int, bool, list)


def test_solutions(report):
    rows = to_records(report, "solutions")
    assert [r["solution"] for r in rows] == list(report.solutions)
    assert rows[0]["label"] == "Nash"
    issues, parties = report.scenario.issue_names, report.scenario.party_names
    assert list(rows[0])[:2 + len(issues) + len(parties)] == (
        ["solution", "label"] + issues + [f"u_{p}" for p in parties])
    for row in rows:
        sol = report.solutions[row["solution"]]
        assert {i: row[i] for i in issues} == sol.outcome
        assert {p: row[f"u_{p}"] for p in parties} == sol.utilities
        assert row["exact"] is sol.exact
        assert isinstance(row["donetsk"], float) and row["nato"] in ("keeps_bid", "renounced")
    nash = rows[0]
    assert round(nash["donetsk"], 2) == 87.18 and nash["guarantees"] == "us_article5_like"
    assert round(nash["u_ukraine"], 3) == 0.572


def test_solutions_without_a_deal(no_deal):
    rows = to_records(no_deal, "solutions")
    assert [r["solution"] for r in rows] == list(no_deal.solutions)
    assert all(r[k] is None for r in rows for k in r if k not in ("solution", "label"))


def test_proposals(report):
    rows = {r["proposal"]: r for r in to_records(report, "proposals")}
    assert list(rows) == list(report.proposals)
    veto = [p.name for p in report.scenario.parties if p.veto]
    for name, ev in report.proposals.items():
        row = rows[name]
        assert row["accepted_by"] == list(ev.accepted_by)
        assert row["in_agreement_set"] is ev.in_agreement_set
        assert row["margin"] == min(ev.surplus[p] for p in veto)
        assert (row["margin"] >= 0) == ev.in_agreement_set
        for p in report.scenario.party_names:
            assert row[f"surplus_{p}"] == pytest.approx(row[f"u_{p}"]
                                                        - report.range.reservation[p])
        for key in report.solutions:
            assert row[f"distance_{key}"] == pytest.approx(ev.distance[key])
    berlin = rows["us_berlin_package"]
    assert berlin["accepted_by"] == ["russia", "us"] and berlin["in_agreement_set"] is False
    assert berlin["donetsk"] == 100.0 and berlin["nato"] == "renounced"
    assert rows["free_economic_zone"]["in_agreement_set"] is True


def test_ranges(report, no_deal):
    rows = {r["issue"]: r for r in to_records(report, "ranges")}
    assert list(rows) == report.scenario.issue_names
    d = rows["donetsk"]
    assert (d["continuous"], d["min"], d["max"], d["levels"]) == (True, 78.0, 100.0, None)
    assert (d["scale_min"], d["scale_max"]) == (78.0, 100.0)
    assert 78.0 <= d["efficient_min"] <= d["efficient_max"] <= 100.0
    n = rows["nato"]
    assert n["continuous"] is False and n["min"] is None
    assert n["levels"] == ["keeps_bid", "renounced"]
    assert set(rows["guarantees"]["efficient_levels"]) <= set(rows["guarantees"]["levels"])
    empty = to_records(no_deal, "ranges")
    assert [r["issue"] for r in empty] == ["land", "status"]
    assert all(r["min"] is None and r["levels"] is None for r in empty)


def test_parties(report):
    rows = to_records(report, "parties")
    assert [r["party"] for r in rows] == ["ukraine", "russia", "us"]
    assert [r["veto"] for r in rows] == [True, True, False]
    for r in rows:
        lo, hi = report.range.parties[r["party"]]
        assert (r["min"], r["max"]) == (lo, hi)
        assert r["reservation"] == report.range.reservation[r["party"]]
    assert rows[1]["power"] == 1.5


def test_pareto_rows_are_the_frontier(report):
    rows = to_records(report, "pareto")
    problem = report.problem
    assert len(rows) == report.pareto.size == 79
    assert [r["index"] for r in rows] == report.pareto.indices.tolist()
    names = report.scenario.party_names
    U = np.array([[r[f"u_{p}"] for p in names] for r in rows])
    # independent check: utilities recomputed from the decoded issue values
    coords = np.array([problem.space.encode({i: r[i] for i in report.scenario.issue_names})
                       for r in rows])
    np.testing.assert_allclose(problem.utilities(coords), U, atol=1e-12)
    assert all(isinstance(r["guarantees"], str) and isinstance(r["donetsk"], float)
               for r in rows)
    # every row is an agreement and no row dominates another
    veto = problem.veto
    assert np.all(U[:, veto] >= problem.d[veto] - 1e-9)
    dominated = ((U[:, None, :] >= U[None, :, :]).all(-1)
                 & (U[:, None, :] > U[None, :, :]).any(-1))
    assert not dominated.any()


def test_no_deal_has_an_empty_frontier(no_deal):
    assert to_records(no_deal, "pareto") == []


# --------------------------------------------------------------------------- pandas
@pytest.fixture()
def pd():
    """pandas (an optional extra): the DataFrame tests skip without it."""
    return pytest.importorskip("pandas")


@pytest.mark.parametrize("kind", KINDS)
def test_frame_matches_records(pd, report, kind):
    frame = to_frame(report, kind)
    rows = to_records(report, kind)
    assert isinstance(frame, pd.DataFrame)
    assert list(frame.columns) == list(rows[0])
    assert len(frame) == len(rows)
    back = frame.astype(object).where(frame.notna(), None).to_dict("records")
    for got, want in zip(back, rows):
        for key, value in want.items():
            if isinstance(value, float):
                assert got[key] == pytest.approx(value)
            else:
                assert got[key] == value, (kind, key)


def test_frame_types(pd, report, no_deal):
    pareto = to_frame(report, "pareto")
    assert pareto["nato"].dtype == pd.CategoricalDtype(["keeps_bid", "renounced"],
                                                      ordered=True)
    assert pareto["donetsk"].dtype == float and pareto["index"].dtype.kind == "i"
    # ordered levels sort in level order, not alphabetically
    assert list(pareto.sort_values("guarantees")["guarantees"].unique()) == [
        lv for lv in ("none", "arms_aid", "european_force", "us_article5_like")
        if lv in set(pareto["guarantees"])]
    solutions = to_frame(report, "solutions").set_index("solution")
    assert solutions.loc["nash", "nato"] == "renounced"
    assert solutions.loc["utilitarian", "donetsk"] == pytest.approx(81.0)
    empty = to_frame(no_deal, "pareto")
    assert empty.empty and list(empty.columns) == ["index", "land", "status", "u_north",
                                                   "u_south"]
    proposals = to_frame(report, "proposals")
    assert proposals.loc[proposals["in_agreement_set"], "proposal"].tolist() == [
        k for k, ev in report.proposals.items() if ev.in_agreement_set]


def test_frame_without_pandas(report, monkeypatch):
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ImportError, match=r"negotiation\[tables\]"):
        to_frame(report, "solutions")
    assert to_records(report, "solutions")      # records need no pandas
