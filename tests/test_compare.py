"""`negotiation compare` and `negotiation document` on the shipped scenarios."""

import json

from conftest import SHIPPED, analysed

from negotiation.cli import main
from negotiation.compare import compare
from negotiation.scenario_doc import scenarios_markdown


def test_compare_is_chronological_and_complete(shipped_reports):
    comp = compare([analysed(p) for p in reversed(SHIPPED)])
    dates = [r.scenario.date for r in comp.reports]
    assert dates == sorted(dates)
    d = comp.to_dict()
    assert [s["date"] for s in d["scenarios"]] == dates
    assert set(d["parties"]) >= {"ukraine", "russia", "us", "eu"}
    assert {"territory", "nato", "guarantees"} <= set(d["issues"])
    for p in d["parties"]:
        assert len(d["reservation"][p]) == len(SHIPPED)
    for per in d["solutions"].values():
        assert len(per) == len(SHIPPED)
    assert d["changes"], "three dated snapshots should show some movement"
    json.dumps(d, allow_nan=False)
    text = comp.to_text()
    assert "What moved" in text and "Nash solution" in text


def test_compare_cli_json_and_plot(tmp_path, capsys):
    out, fig = tmp_path / "cmp.json", tmp_path / "cmp.png"
    assert main(["compare", *SHIPPED, "--format", "json", "-o", str(out),
                 "--plot", str(fig)]) == 0
    data = json.loads(out.read_text())
    assert len(data["scenarios"]) == len(SHIPPED)
    assert fig.stat().st_size > 10_000


def test_compare_needs_two_files(capsys):
    assert main(["compare", SHIPPED[0]]) == 2
    assert "at least two" in capsys.readouterr().err


def test_scenarios_page_is_up_to_date(shipped_reports):
    """docs/scenarios.md is generated: it must match what the command writes now."""
    order = ["scenarios/munich-2025-02.yaml", "scenarios/berlin-2025-12.yaml",
             "scenarios/munich-2026-02.yaml"]
    command = "negotiation document " + " ".join(order) + " -o docs/scenarios.md"
    expected = scenarios_markdown([analysed(p) for p in order], command)
    with open("docs/scenarios.md", encoding="utf-8") as fh:
        assert fh.read() == expected, ("docs/scenarios.md is stale: run `" + command + "`")
