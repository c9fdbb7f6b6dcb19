"""Games in scenario files: the loader, ``validate --strict``, ``negotiation run``'s
``equilibria`` analysis (JSON, text, packages) and the comparison figure's model outcomes."""

import json

import numpy as np
import pytest
from conftest import SHIPPED, analysed

import negotiation as ng
from negotiation.cli import main
from negotiation.errors import ScenarioError
from negotiation.games.spec import GameSpec
from negotiation.registry import Analysis, Marker, Package, get, registered
from negotiation.scenario.load import GamesOnlyFile

BERLIN = "scenarios/berlin-2025-12.yaml"
SPLIT = "examples/split-the-unit.yaml"

GAME = """
games:
  escalation:
    description: Each side fights on at full intensity or holds the line
    players: [ukraine, russia]
    strategies: {ukraine: [hold, escalate], russia: [hold, escalate]}
    payoffs:
      ukraine: [[3, 1], [4, 0]]
      russia:  [[3, 4], [1, 0]]
    evidence: {source: a004, note: both sides keep fighting while they talk}
  deal:
    derive: proposal-game
    players: [ukraine, russia]
"""

GAMES_ONLY = """\
title: Escalation while talks go on
sources:
  a004: {file: 004_b260c448108cb886.txt, title: US Dangles Security Guarantees}
games:
  escalation:
    players: [ukraine, russia]
    strategies: {ukraine: [hold, escalate], russia: [hold, escalate]}
    payoffs:
      ukraine: [[3, 1], [4, 0]]
      russia:  [[3, 4], [1, 0]]
    evidence: {source: a004, note: both sides keep fighting while they talk}
"""


def without_games(path):
    text = open(path, encoding="utf-8").read()
    return text.split("\ngames:\n", 1)[0] + "\n"


def scenario_file(tmp_path, games=GAME, name="s.yaml"):
    f = tmp_path / name
    f.write_text(without_games(BERLIN) + games)
    return str(f)


def line_of(path, text):
    """1-based line of the first line of ``path`` that contains ``text``."""
    with open(path, encoding="utf-8") as fh:
        return next(k for k, line in enumerate(fh, 1) if text in line)


# ---------------------------------------------------------------------- the loader
def test_shipped_scenarios_define_games_with_evidence():
    for path in SHIPPED:
        s = ng.load_scenario(path)
        assert s.games, path
        assert all(isinstance(g, GameSpec) for g in s.games.values())
        given = [g for g in s.games.values() if g.game is not None]
        derived = {g.derive for g in s.games.values() if g.derive is not None}
        assert given and derived == {"proposal-game", "nash-demand"}, path
        for g in given:  # every payoff cites a source or is an assumption with a range
            for player in g.game.players:
                entries = g.evidence[f"payoffs.{player}"]
                assert any("source" in e for e in entries), (path, g.name, player)
                assert all("source" in e or "range" in e for e in entries)


def test_games_block_in_a_scenario_file(tmp_path):
    path = scenario_file(tmp_path)
    s = ng.load_scenario(path)
    assert list(s.games) == ["escalation", "deal"]
    esc = s.games["escalation"]
    assert esc.game.payoffs[1].tolist() == [[3, 4], [1, 0]]
    assert esc.line == line_of(path, "  escalation:")
    assert s.games["deal"].derive == "proposal-game"
    assert s.games["deal"].options == {"players": ["ukraine", "russia"], "disagreement": "batna"}
    # a file loaded twice, or replaced without a change, is the same scenario
    assert ng.load_scenario(path) == s and s.replace({}) == s


def test_replace_keeps_and_changes_games(tmp_path):
    s = ng.load_scenario(scenario_file(tmp_path))
    s2 = s.replace({"games.escalation.payoffs.russia.1.1": 2})
    assert s2.games["escalation"].game.payoffs[1, 1, 1] == 2 and s2 != s
    assert s2.games["deal"] == s.games["deal"]
    s3 = s.replace({"parties.russia.batna": 0.45})  # games survive other changes
    assert s3.games == s.games
    with pytest.raises(
        ScenarioError,
        match=r"s.yaml:\d+: games.escalation.payoffs.russia.1.1: "
        r"a payoff must be a number",
    ):
        s.replace({"games.escalation.payoffs.russia.1.1": "high"})


@pytest.mark.parametrize(
    "change, where, message",
    [
        (
            ("[[3, 4], [1, 0]]", "[[3, 4], [1]]"),
            "games.escalation.payoffs.russia.1",
            "has 1 entry, expected 2: one per strategy of 'russia' (hold, escalate)",
        ),
        (
            (
                "players: [ukraine, russia]\n    strategies",
                "players: [ukraine, rusia]\n    strategies",
            ),
            "games.escalation.players.1",
            "'rusia' is not a party of the scenario (did you mean 'russia'?)",
        ),
        (
            ("[[3, 4], [1, 0]]", "[[3, 4], [1, .nan]]"),
            "games.escalation.payoffs.russia.1.1",
            "a payoff must be a finite number (not NaN or infinity), got .nan",
        ),
        (
            ("source: a004, note", "source: a099, note"),
            "games.escalation.evidence.source",
            "source 'a099' is not defined under top-level 'sources'",
        ),
        (
            (
                "    derive: proposal-game\n    players: [ukraine, russia]",
                "    derive: proposal-game\n    proposals: [us_berlin_pakage]",
            ),
            "games.deal.proposals.0",
            "'us_berlin_pakage' is not a proposal of the scenario "
            "(did you mean 'us_berlin_package'?)",
        ),
        (
            (
                "    derive: proposal-game\n    players: [ukraine, russia]",
                "    derive: proposal-game\n    players: [ukraine, eu]",
            ),
            "games.deal.players.1",
            "'eu' has no veto",
        ),
    ],
)
def test_bad_games_in_a_scenario_file_are_located(tmp_path, capsys, change, where, message):
    games = GAME.replace(*change)
    assert games != GAME
    path = scenario_file(tmp_path, games)
    with pytest.raises(ScenarioError) as exc:
        ng.load_scenario(path)
    text = str(exc.value)
    assert text.startswith(f"{path}:") and f": {where}: " in text and message in text, text
    line = int(text[len(path) + 1 :].split(":", 1)[0])
    assert line > line_of(path, "games:"), "the line is inside the games block"
    # the command line: the same one line, exit status 2, no traceback
    for command in (["run", path], ["validate", path], ["equilibria", path]):
        assert main(command) == 2, command
        err = capsys.readouterr().err.strip()
        assert err == text and "Traceback" not in err, command


def test_an_empty_games_block_is_no_games(tmp_path):
    s = ng.load_scenario(scenario_file(tmp_path, "\ngames: {}\n"))
    assert s.games is None
    assert "equilibria" not in ng.analyse(s, precision="grid").to_dict()


def test_a_games_only_file(tmp_path, capsys):
    f = tmp_path / "only.yaml"
    f.write_text(GAMES_ONLY)
    with pytest.raises(GamesOnlyFile) as exc:
        ng.load_scenario(str(f))
    assert str(exc.value).startswith(f"{f}:4: games: this file holds only strategic games")
    assert isinstance(exc.value, ScenarioError)
    assert main(["run", str(f)]) == 2
    assert "read it with 'negotiation equilibria FILE'" in capsys.readouterr().err
    assert main(["equilibria", str(f), "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert len(doc["games"]["escalation"]["equilibria"]) == 3
    assert main(["validate", "--strict", str(f)]) == 0
    assert capsys.readouterr().out.strip() == f"{f}: ok (games only: 1 game)"
    # games-only files are checked too, with located errors
    f.write_text(GAMES_ONLY.replace("[[3, 4], [1, 0]]", "[[3, 4]]"))
    assert main(["validate", str(f)]) == 2
    assert capsys.readouterr().err.startswith(f"{f}:10: games.escalation.payoffs.russia: has 1")
    f.write_text(
        GAMES_ONLY.replace(
            "    evidence: {source: a004, note: both sides keep fighting while they talk}\n", ""
        )
    )
    assert main(["validate", str(f)]) == 0
    capsys.readouterr()
    assert main(["validate", "--strict", str(f)]) == 2
    assert capsys.readouterr().err.startswith(f"{f}:5: games.escalation: no evidence")


# ---------------------------------------------------------------------- validate --strict
def test_validate_strict_reports_games_evidence_gaps(tmp_path, capsys):
    assert main(["validate", "--strict", *SHIPPED]) == 0
    out = capsys.readouterr().out
    assert all(f"{p}: ok (" in out for p in SHIPPED) and "games)" in out
    bare = GAME.replace(
        "    evidence: {source: a004, note: both sides keep fighting while they talk}\n", ""
    )
    path = scenario_file(tmp_path, bare)
    assert main(["validate", path]) == 0
    assert capsys.readouterr().out.startswith(
        f"{path}: ok (4 parties, 5 issues, 6 proposals, 2 games)"
    )
    assert main(["validate", "--strict", path]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        f"{path}:{line_of(path, '  escalation:')}: games.escalation: no evidence "
        "for the payoffs (add 'evidence' citing a source, or an assumption with a "
        "note and a range)"
    ]
    # an assumption about payoffs needs a note and a range; a source needs a note
    weak = GAME.replace(
        "{source: a004, note: both sides keep fighting while they talk}",
        "[{assumption: true, note: ranks}, {source: a004}]",
    )
    path = scenario_file(tmp_path, weak, "weak.yaml")
    assert main(["validate", "--strict", path]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    line = line_of(path, "evidence: [{assumption: true, note: ranks}")
    assert err == [
        f"{path}:{line}: games.escalation.evidence.0: an assumption about payoffs needs "
        "'range: [lo, hi]'",
        f"{path}:{line}: games.escalation.evidence.1: add a one-line 'note' on how the source "
        "supports the payoffs",
    ]


# ---------------------------------------------------------------------- negotiation run
def test_run_json_equilibria_is_the_equilibria_command(tmp_path, capsys):
    out, eq = tmp_path / "run.json", tmp_path / "eq.json"
    assert main(["run", BERLIN, "--format", "json", "-o", str(out)]) == 0
    assert main(["equilibria", BERLIN, "--format", "json", "-o", str(eq)]) == 0
    run, games = json.loads(out.read_text()), json.loads(eq.read_text())["games"]
    assert run["equilibria"] == games
    assert list(run["equilibria"]) == ["nato_for_guarantee", "deal_on_the_table", "demands"]
    nato = run["equilibria"]["nato_for_guarantee"]
    assert nato["equilibria"] == [
        {
            "profile": {"us": {"conditional_guarantee": 1.0}, "ukraine": {"trade_nato_bid": 1.0}},
            "payoffs": {"us": 4.0, "ukraine": 3.0},
            "regret": 0.0,
        }
    ]
    assert nato["complete"] is True and nato["degenerate"] is False
    # the keys of the contract come first and are unchanged
    from negotiation.report import JSON_ORDER

    assert list(run)[: len(JSON_ORDER)] == list(JSON_ORDER)


def test_no_games_no_key_no_section():
    report = ng.analyse(ng.load_scenario(SPLIT), precision="grid")
    assert report.results["equilibria"] is None
    assert "equilibria" not in report.to_dict()
    assert "Equilibria of strategic games" not in report.to_text()
    assert not [p for p in report.packages() if p.kind == "equilibrium"]


def test_run_text_section():
    text = analysed(BERLIN).to_text()
    section = text.split("Equilibria of strategic games\n", 1)[1].split("\n\n", 1)[0]
    assert (
        "  nato_for_guarantee: us vs ukraine (2×2): 1 equilibrium (vertex enumeration; complete)"
    ) in section
    assert "conditional_guarantee  4, 3            2, 2" in section  # the payoff table
    assert (
        "    1. us: conditional_guarantee; ukraine: trade_nato_bid -> payoffs us 4, ukraine 3"
    ) in section
    assert "deal_on_the_table: ukraine vs russia (7×7, proposal game)" in section
    assert "agreed in equilibrium: us_berlin_package (ukraine 0.522, russia 0.565" in section
    assert "agreed in equilibrium: free_economic_zone" in section
    assert "talks fail in 12 pure equilibria" in section
    assert "demands: ukraine vs russia (5×5, Nash demand game)" in section
    assert f"payoff tables and checks: negotiation equilibria {BERLIN}" in section


def _pure_equilibria(payoffs):
    """Every pure equilibrium of a two-player payoff array, by brute force."""
    A, B = payoffs
    return [
        (i, j)
        for i in range(A.shape[0])
        for j in range(A.shape[1])
        if A[i, j] >= A[:, j].max() - 1e-12 and B[i, j] >= B[i, :].max() - 1e-12
    ]


@pytest.mark.parametrize("path", SHIPPED)
def test_equilibrium_packages_of_derived_games(path):
    report = analysed(path)
    result = report.results["equilibria"]
    pkgs = [p for p in report.packages() if p.kind == "equilibrium"]
    veto = report.veto
    d = report.range.reservation
    # proposal game (disagreement: the reservation values): the proposals agreed in some
    # equilibrium are exactly those every veto party accepts, as the proposals analysis says
    deal = result.sets["deal_on_the_table"].game
    agreed = {p.key.split(":", 1)[1] for p in pkgs if p.key.startswith("deal_on_the_table:")}
    accepted = {n for n, ev in report.proposals.items() if ev.in_agreement_set}
    assert agreed == accepted, path
    for p in pkgs:
        if p.key.startswith("deal_on_the_table:"):
            ev = report.proposals[p.label]
            assert p.outcome == ev.point.outcome and p.status == "equilibrium"
            for n in report.scenario.party_names:
                assert p.utilities[n] == pytest.approx(ev.point.utilities[n], abs=1e-9)
    # ... and in the game itself, each is a pure equilibrium (brute force)
    pure = _pure_equilibria(deal.payoffs)
    for name in agreed:
        j = deal.strategies[0].index(name)
        assert (j, deal.strategies[1].index(name)) in pure
    # demand game: the package meets the selected demands, which maximise the Nash product
    # over the pure equilibria found by brute force
    demand = result.sets["demands"].game
    (pkg,) = [p for p in pkgs if p.key.startswith("demands:")]
    players = demand.players
    profiles = _pure_equilibria(demand.payoffs)
    gains = [
        [demand.payoffs[k][prof] - d[who] for k, who in enumerate(players)] for prof in profiles
    ]
    best = max(
        profiles,
        key=lambda prof: np.prod(
            [max(demand.payoffs[k][prof] - d[who], 0.0) for k, who in enumerate(players)]
        ),
    )
    demands = {who: demand.payoffs[k][best] for k, who in enumerate(players)}
    assert max(np.prod(np.maximum(g, 0)) for g in gains) > 0
    for who, a in demands.items():
        assert pkg.utilities[who] >= a - 1e-8, (path, who)
    assert all(pkg.utilities[n] >= d[n] - 1e-8 for n in veto) and pkg.acceptable
    # the package's utilities are those of its outcome
    U = report.problem.utilities(np.array([report.scenario.space.encode(pkg.outcome)], float))[0]
    assert dict(zip(report.problem.names, U.tolist())) == pytest.approx(pkg.utilities, abs=1e-9)


def test_equilibrium_packages_are_drawn_and_tabled():
    from negotiation.brief.outcomes import outcomes_table
    from negotiation.plot import figure

    report = analysed(BERLIN)
    keys = {p.key for p in report.packages() if p.kind == "equilibrium"}
    assert keys == {
        "deal_on_the_table:us_berlin_package",
        "deal_on_the_table:free_economic_zone",
        "demands:nash_demand",
    }
    for kind in ("utility-space", "solutions"):
        fig = figure(report, kind)
        gids = {ln.get_gid() for ax in fig.axes for ln in ax.get_lines()}
        assert {f"equilibrium:{k}" for k in keys} <= gids, kind
        markers = {
            ln.get_marker()
            for ax in fig.axes
            for ln in ax.get_lines()
            if (ln.get_gid() or "").startswith("equilibrium:")
        }
        assert markers == {"p"}
    rows = outcomes_table(report).rows
    assert ("us_berlin_package", "equilibrium") in [r[:2] for r in rows]
    assert ("demands: Nash demand", "equilibrium") in [r[:2] for r in rows]


def test_brief_block_and_method_note():
    from negotiation.brief.blocks import Para
    from negotiation.brief.document import build_brief

    report = analysed(BERLIN)
    blocks = get("equilibria").brief(report, report.results["equilibria"])
    assert len(blocks) == 1 and isinstance(blocks[0], Para)
    assert blocks[0].text.startswith(
        "Equilibria of the strategic games: nato_for_guarantee: us conditional_guarantee, "
        "ukraine trade_nato_bid (the only equilibrium)."
    )
    assert build_brief  # the brief places the registered blocks (tests/test_registry.py)


# ---------------------------------------------------------------------- the comparison
def _toy_section(kind, marker):
    def packages(report, result):
        nash = report.solutions["nash"]
        if nash is None:
            return []
        return [
            Package(
                "toy_pkg",
                "toy model outcome",
                kind,
                dict(nash.outcome),
                dict(nash.utilities),
                marker,
                status="toy",
            )
        ]

    return Analysis(key="toy_model", label="toy model", compute=lambda ctx: 1, packages=packages)


def test_compare_figure_draws_registered_model_outcomes():
    from negotiation.compare import compare
    from negotiation.plot.compare import plot_compare

    with registered(_toy_section("bargaining", Marker("v", 9))):
        reports = [ng.analyse(ng.load_scenario(p)) for p in SHIPPED[:2]]
        fig = plot_compare(reports)
        lines = [
            ln for ax in fig.axes for ln in ax.get_lines() if ln.get_gid() == "package:toy_model"
        ]
        n_issues = len(compare(reports).issues)
        assert len(lines) == 2 * n_issues and {ln.get_marker() for ln in lines} == {"v"}
        legend = [
            t.get_text() for ax in fig.axes if ax.get_legend() for t in ax.get_legend().get_texts()
        ]
        assert "toy model" in legend and "equilibrium of a derived game" in legend
        comp = compare(reports)
        assert "toy model (outcomes of a model)" in comp.to_text()
        outs = comp.to_dict()["outcomes"]
        assert [len(per) for per in outs["toy_model"]] == [1, 1]
        assert outs["toy_model"][0][0]["kind"] == "bargaining"
    # a section's proposals are not model outcomes: not drawn, no legend entry
    with registered(_toy_section("proposal", Marker("v", 9))):
        fig = plot_compare(reports)
        assert not [
            ln for ax in fig.axes for ln in ax.get_lines() if ln.get_gid() == "package:toy_model"
        ]
        assert "toy_model" not in compare(reports).to_dict().get("outcomes", {})


def test_compare_without_model_outcomes_keeps_its_keys():
    from dataclasses import replace

    from negotiation.compare import compare, outcome_analyses

    reports = [analysed(p) for p in SHIPPED[:2]]
    drop = {a.key for a in outcome_analyses(reports)}
    assert "equilibria" in drop
    bare = [
        replace(r, results={k: v for k, v in r.results.items() if k not in drop}) for r in reports
    ]
    d = compare(bare).to_dict()
    assert list(d) == [
        "scenarios",
        "parties",
        "issues",
        "reservation",
        "deal_possible",
        "bargaining_range",
        "solutions",
        "proposals",
        "changes",
    ]
    assert "(outcomes of a model)" not in compare(bare).to_text()


# ------------------------------------------------------------------ review fixes
def _count(line: str) -> int:
    import re

    m = re.search(r"(\d+) (?:other )?(?:pure|mixed) equilibri", line)
    if m:
        return int(m.group(1))
    m = re.search(r"in (\d+) pure equilibria$", line)
    return int(m.group(1)) if m else 1


def test_text_accounts_for_every_equilibrium_of_the_derived_games():
    import re

    report = analysed(BERLIN)
    text = report.to_text()
    section = text.split("Equilibria of strategic games\n", 1)[1].split("\n\n", 1)[0]
    for name, res in report.results["equilibria"].sets.items():
        if "derive" not in res.game.origin:
            continue
        block = re.split(r"\n  (?=\S)", section.split(f"  {name}: ", 1)[1])[0]
        lines = [
            x.strip()
            for x in block.splitlines()[1:]
            if x.startswith("    ") and not x.startswith("      ")
            and not x.strip().startswith("the list")
        ]  # fmt: skip
        assert sum(_count(x) for x in lines) == len(res), (name, lines)
    assert "1 mixed equilibrium: agreement with probability 0.039" in section


def test_mixed_agreement_probability_against_the_payoffs():
    """The probability of agreement of each mixed equilibrium of the proposal game,
    checked through the payoffs: E[u] = P(agree) E[u | agree] + (1 - P(agree)) d."""
    from negotiation.games.derived import HOLD_OUT
    from negotiation.games.outcomes import agreement_probability

    report = analysed(BERLIN)
    res = report.results["equilibria"].sets["deal_on_the_table"]
    g = res.game
    refused = set(g.origin.get("not_accepted_by_bystanders", ()))
    mixed = [k for k, e in enumerate(res.equilibria) if not e.pure]
    assert len(mixed) == 1
    for k in mixed:
        e = res.equilibria[k]
        s0, s1 = e.profile
        agree = np.array([[a == b and a != HOLD_OUT and a not in refused
                           for b in g.strategies[1]] for a in g.strategies[0]])  # fmt: skip
        joint = np.outer(s0, s1)
        p = float((joint * agree).sum())
        assert agreement_probability(report.problem, res, k) == pytest.approx(p, abs=1e-12)
        assert 0 < p < 0.1  # a coordination failure: talks fail with probability ~0.96
        for pl in range(2):
            d = report.problem.d[report.problem.names.index(g.players[pl])]
            pay = np.asarray(g.payoffs[pl], dtype=float)
            assert np.allclose(pay[~agree], d)  # failure gives the disagreement payoff
            expected = float((joint * pay).sum())
            assert expected == pytest.approx(e.payoffs[pl], abs=1e-9)


def test_knife_edge_agreements_are_flagged():
    report = analysed(BERLIN)
    text = report.to_text()
    section = text.split("Equilibria of strategic games\n", 1)[1].split("\n\n", 1)[0]
    pb = report.problem
    for prop in report.scenario.proposals:
        if f"agreed in equilibrium: {prop.name} " not in section:
            continue
        after = section.split(f"agreed in equilibrium: {prop.name} ", 1)[1].splitlines()
        u = pb.utilities(pb.space.encode(prop.outcome)[None])[0]
        thin = [n for n, x, d, v in zip(pb.names, u, pb.d, pb.veto) if v and x - d < 0.005]
        flagged = len(after) > 1 and after[1].strip().startswith("knife-edge")
        assert flagged == bool(thin), prop.name
        for n in thin:
            assert f"{n} {max(u[pb.names.index(n)] - pb.d[pb.names.index(n)], 0):.4f}" in after[1]
    assert "russia 0.0003" in section  # free_economic_zone leaves Russia 0.0003
