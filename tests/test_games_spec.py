"""The ``games`` block (validation with located errors), derived games, ``.nfg`` files
and the ``negotiation equilibria`` command."""

import argparse
import json
import os

import numpy as np
import pytest

import negotiation as ng
from negotiation.errors import ScenarioError
from negotiation.games import enummixed_solve, parse_nfg, read_nfg
from negotiation.games.cli import add_parser, load_games
from negotiation.games.derived import HOLD_OUT, demand_game, proposal_game
from negotiation.games.spec import evidence_gaps, parse_games
from negotiation.scenario.yamlio import load_yaml

BERLIN = "scenarios/berlin-2025-12.yaml"

ESCALATION = """\
title: Escalation while talks go on
sources:
  a004: {file: 004_b260c448108cb886.txt, title: US Dangles Security Guarantees}
games:
  escalation:
    description: Each side fights on at full intensity or holds the line while talks go on
    players: [ukraine, russia]
    strategies: {ukraine: [hold, escalate], russia: [hold, escalate]}
    payoffs:                     # one array per player, one axis per player
      ukraine: [[3, 1], [4, 0]]
      russia:  [[3, 4], [1, 0]]
    evidence: {source: a004, note: both sides keep fighting while they talk}
"""


def without_games(path):
    """A shipped scenario's text without its ``games`` block (the last block of the file)."""
    text = open(path, encoding="utf-8").read()
    return text.split("\ngames:\n", 1)[0] + "\n"


def parse(text, **kw):
    data, lines, texts = load_yaml(text, "g.yaml")
    return parse_games(data["games"], file="g.yaml", lines=lines, texts=texts,
                       sources=data.get("sources"), **kw)


def test_parse_given_game():
    specs = parse(ESCALATION)
    g = specs["escalation"].game
    assert g.players == ("ukraine", "russia") and g.shape == (2, 2)
    assert g.payoffs[0].tolist() == [[3, 1], [4, 0]]
    assert g.evidence == {"source": "a004", "note": "both sides keep fighting while they talk"}
    assert evidence_gaps(specs) == []


def test_exact_payoffs_as_written():
    specs = parse(ESCALATION.replace("[[3, 4], [1, 0]]", "[[0.1, 0.2], [0.3, 1e-1]]"))
    assert str(specs["escalation"].game.rational()[1, 0, 1]) == "1/5"
    assert str(specs["escalation"].game.rational()[1, 1, 1]) == "1/10"


@pytest.mark.parametrize("change, where, message", [
    (("[[3, 4], [1, 0]]", "[[3, 4], [1]]"), "11: games.escalation.payoffs.russia.1",
     "has 1 entry, expected 2: one per strategy of 'russia' (hold, escalate)"),
    (("[[3, 4], [1, 0]]", "[3, 4, 1, 0]"), "11: games.escalation.payoffs.russia:",
     "has 4 entries, expected 2: one per strategy of 'ukraine' (hold, escalate)"),
    (("[[3, 4], [1, 0]]", "[3, [1, 0]]"), "11: games.escalation.payoffs.russia.0",
     "expected a list of 2 entries, one per strategy of 'russia' (hold, escalate), got 3"),
    (("russia:  [[3", "rusia:  [[3"), "games.escalation.payoffs.rusia",
     "'rusia' is not one of the game's players (did you mean 'russia'?)"),
    (("[[3, 4], [1, 0]]", "[[3, 4], [1, .inf]]"), "11: games.escalation.payoffs.russia.1.1",
     "a payoff must be a finite number (not NaN or infinity), got .inf"),
    (("[[3, 4], [1, 0]]", "[[3, 4], [1, true]]"), "games.escalation.payoffs.russia.1.1",
     "a payoff must be a number, got true"),
    (("russia: [hold, escalate]}", "russia: []}"), "8: games.escalation.strategies.russia",
     "must be a list of names with at least one entry"),
    (("russia: [hold, escalate]}", "russia: [hold, hold]}"),
     "games.escalation.strategies.russia.1", "'hold' is listed twice"),
    (("{ukraine: [hold, escalate], ", "{ukraine: [hold, escalate], nato: [x], "),
     "games.escalation.strategies.nato", "'nato' is not one of the game's players"),
    (("source: a004, note", "source: a005, note"), "games.escalation.evidence.source",
     "source 'a005' is not defined under top-level 'sources' (did you mean 'a004'?)"),
    (("    description:", "    descripton:"), "games.escalation.descripton",
     "unknown key 'descripton' in a game (did you mean 'description'?)"),
    (("    payoffs:                     # one array per player, one axis per player\n"
      "      ukraine: [[3, 1], [4, 0]]\n      russia:  [[3, 4], [1, 0]]\n", ""),
     "games.escalation", "game 'escalation' has no 'payoffs'"),
])
def test_located_errors(change, where, message):
    with pytest.raises(ScenarioError) as exc:
        parse(ESCALATION.replace(*change))
    text = str(exc.value)
    assert text.startswith("g.yaml:") and where in text and message in text, text


def test_players_must_be_parties_when_the_file_has_parties():
    with pytest.raises(ScenarioError, match=r"g.yaml:7: games.escalation.players.1: 'russia' "
                                            r"is not a party of the scenario"):
        parse(ESCALATION, parties=["ukraine", "russa"])


def test_derived_specs():
    text = """games:
  deal:
    derive: proposal-game
    players: [ukraine, russia]
    disagreement: conflict
  demands:
    derive: nash_demand
    levels: 4
"""
    specs = parse(text, parties=["ukraine", "russia", "us"], veto=["ukraine", "russia"],
                  proposals=["p"], has_conflict=True)
    assert specs["deal"].options == {"players": ["ukraine", "russia"],
                                     "disagreement": "conflict"}
    assert specs["demands"].derive == "nash-demand" and specs["demands"].options["levels"] == 4
    with pytest.raises(ScenarioError, match="games.demands.levels: levels must be an integer"):
        parse(text.replace("levels: 4", "levels: 1"), parties=["ukraine", "russia"])
    with pytest.raises(ScenarioError, match="'us' has no veto"):
        parse(text.replace("[ukraine, russia]", "[ukraine, us]"),
              parties=["ukraine", "russia", "us"], veto=["ukraine", "russia"])
    with pytest.raises(ScenarioError, match="this file has no 'parties'"):
        parse(text)
    with pytest.raises(ScenarioError, match="derive must be one of proposal-game, nash-demand"):
        parse(text.replace("nash_demand", "ultimatum"), parties=["ukraine", "russia"])


def test_evidence_gaps():
    specs = parse(ESCALATION.replace(
        "    evidence: {source: a004, note: both sides keep fighting while they talk}\n", ""))
    gaps = evidence_gaps(specs, file="g.yaml")
    assert len(gaps) == 1 and "games.escalation: no evidence for the payoffs" in str(gaps[0])


# ---------------------------------------------------------------------- derived games
@pytest.fixture(scope="module")
def berlin():
    return ng.load_scenario(BERLIN)


def test_proposal_game_payoffs(berlin):
    g = proposal_game(berlin, players=["ukraine", "russia"])
    pb = ng.Problem(berlin)
    names = [p.name for p in berlin.proposals]
    assert g.strategies[0] == tuple(names) + (HOLD_OUT,)
    for j, p in enumerate(berlin.proposals):
        u = pb.utilities(berlin.space.encode(p.outcome)[None])[0]
        ok = u[2] >= pb.d[2] - 1e-9           # the US (veto, not a player) must accept
        want = u[:2] if ok else pb.d[:2]
        assert np.allclose(g.payoffs[:, j, j], want)
    off = ~np.eye(len(names) + 1, dtype=bool)
    assert np.allclose(g.payoffs[0][off], pb.d[0]) and np.allclose(g.payoffs[1][off], pb.d[1])
    r = enummixed_solve(g)
    agreed = {g.strategies[0][int(np.argmax(e.profile[0]))] for e in r if e.pure
              and np.argmax(e.profile[0]) == np.argmax(e.profile[1])
              and e.payoffs[0] > pb.d[0] + 1e-9}
    # the packages both sides (and the US) weakly prefer to failure are pure equilibria
    assert "us_berlin_package" in agreed and "russia_demand" not in agreed
    assert r.degenerate                       # ties everywhere off the diagonal


def test_demand_game(berlin):
    g = demand_game(berlin, players=["ukraine", "russia"], levels=4)
    front = np.array(g.origin["frontier"])
    assert np.all(np.diff(front) <= 1e-12)     # the frontier falls as Ukraine asks more
    r = enummixed_solve(g)
    pure = [e for e in r if e.pure]
    assert pure and all(e.regret <= 1e-9 for e in r)
    # a pure equilibrium with a deal sits on the discretised frontier: neither can ask more
    for e in pure:
        i, j = (int(np.argmax(s)) for s in e.profile)
        if g.payoffs[0, i, j] > g.payoffs[0, -1, -1] + 1e-12:
            assert j == g.shape[1] - 1 or g.payoffs[1, i, j + 1] <= g.payoffs[1, -1, -1] + 1e-12


# ---------------------------------------------------------------------- files and command
def run_cli(*argv):
    p = argparse.ArgumentParser()
    add_parser(p.add_subparsers())
    args = p.parse_args(["equilibria", *argv])
    return args.func(args)


def test_cli_table(tmp_path, capsys):
    f = tmp_path / "esc.yaml"
    f.write_text(ESCALATION)
    assert run_cli(str(f), "--exact") == 0
    out = capsys.readouterr().out
    assert "Game escalation: ukraine vs russia (2×2)" in out
    assert "hold              3, 3  1, 4" in out
    assert "ukraine: hold 1/2, escalate 1/2; russia: hold 1/2, escalate 1/2" in out
    assert "check: ukraine: hold 2, escalate 2; russia: hold 2, escalate 2" in out


def test_cli_json_export_and_nfg(tmp_path, capsys):
    f = tmp_path / "esc.yaml"
    f.write_text(ESCALATION)
    out_dir = tmp_path / "nfg"
    assert run_cli(str(f), "--format", "json", "--export", str(out_dir), "--dominance",
                   "--dynamics", "fictitious-play", "--iterations", "50") == 0
    doc = json.loads(capsys.readouterr().out)
    g = doc["games"]["escalation"]
    assert g["method"] == "enummixed" and g["complete"] is True and len(g["equilibria"]) == 3
    assert g["dominance"]["eliminated"] == [] and g["dynamics"]["method"] == "fictitious_play"
    exported = out_dir / "escalation.nfg"
    back = read_nfg(exported)
    assert back.payoffs.tolist() == load_games(str(f))[0]["escalation"].payoffs.tolist()
    assert run_cli(str(exported), "--format", "json") == 0
    again = json.loads(capsys.readouterr().out)["games"]["escalation"]
    assert again["equilibria"] == g["equilibria"]


def test_cli_unknown_game(tmp_path):
    f = tmp_path / "esc.yaml"
    f.write_text(ESCALATION)
    with pytest.raises(ScenarioError, match="no game 'escalate' in the file; games: escalation"):
        run_cli(str(f), "--game", "escalate")


def test_cli_derived_games_on_a_shipped_scenario(tmp_path, capsys):
    text = without_games(BERLIN) + """
games:
  deal:
    derive: proposal-game
    players: [ukraine, russia]
  demands:
    derive: nash-demand
    players: [ukraine, russia]
    levels: 3
"""
    f = tmp_path / "berlin-games.yaml"
    f.write_text(text)
    assert run_cli(str(f), "--format", "json") == 0
    doc = json.loads(capsys.readouterr().out)["games"]
    assert doc["deal"]["degenerate"] is True and doc["deal"]["complete"] is True
    assert {"profile": {"ukraine": {"us_berlin_package": 1.0},
                        "russia": {"us_berlin_package": 1.0}}}.items() <= \
        doc["deal"]["equilibria"][0].items()
    assert doc["demands"]["players"] == ["ukraine", "russia"]


def test_nfg_errors_name_the_line():
    with pytest.raises(ScenarioError, match=r"x.nfg:2: expected 'R' after 'NFG 1'"):
        parse_nfg('NFG 1\nQ "t" { "a" }', "x.nfg")
    with pytest.raises(ScenarioError, match=r"x.nfg:3: 8 payoffs expected \(4 profiles x 2 "
                                            r"players\), found 3"):
        parse_nfg('NFG 1 R "t"\n{ "a" "b" } { 2 2 }\n1 2 3', "x.nfg")
    with pytest.raises(ScenarioError, match="outcome number 3 does not exist"):
        parse_nfg('NFG 1 R "" { "a" } { { "x" "y" } } "" { { "" 1 } { "" 2 } } 1 3', "x.nfg")


def test_nfg_outcome_version_with_null_outcome():
    g = parse_nfg('NFG 1 R "t" { "p1" "p2" }\n{ { "a" "b" } { "c" } }\n""\n'
                  '{ { "o1" 1, 1/3 } }\n0 1\n')
    assert g.strategies == (("a", "b"), ("c",))
    assert g.payoffs.tolist() == [[[0.0], [1.0]], [[0.0], [1 / 3]]]
    assert str(g.exact[1, 1, 0]) == "1/3"
    assert os.path.basename(__file__)  # keeps os imported for the export test's helpers
