"""Bad input gives ONE clear message ``FILE:LINE: path.to.field: what is wrong``.

Every case writes a bad scenario file to ``tmp_path`` and runs the command
line in-process (``negotiation.cli.main``): exit code 2, nothing on stdout,
exactly one line on stderr naming the file, the line, the dotted field path
and key words of the problem, no traceback, and no output file written. A
few cases run the real ``negotiation`` console script in a subprocess.

In each YAML text below the line the error must name is marked ``# <-``.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import negotiation
from negotiation.cli import main

MARK = "# <-"


def _expected_line(text: str) -> int:
    marked = [n for n, line in enumerate(text.splitlines(), 1) if MARK in line]
    assert len(marked) == 1, "a case marks exactly one line"
    return marked[0]


def _run_bad(tmp_path: Path, capsys, text: str | bytes, name: str = "bad.yaml",
             command: str = "run") -> tuple[str, str]:
    """Run the CLI on a bad file; check the invariants; return (file, stderr line)."""
    bad = tmp_path / name
    if isinstance(text, bytes):
        bad.write_bytes(text)
    else:
        bad.write_text(text, encoding="utf-8")
    out = tmp_path / "out.json"
    argv = ["run", str(bad), "--format", "json", "-o", str(out)] if command == "run" \
        else ["validate", str(bad)]
    code = main(argv)
    captured = capsys.readouterr()
    assert code == 2, captured.err
    assert captured.out == ""
    assert "Traceback" not in captured.err
    lines = captured.err.splitlines()
    assert len(lines) == 1, captured.err
    assert not out.exists(), "no output file may be written for bad input"
    assert [p.name for p in tmp_path.iterdir()] == [name], "no stray temporary files"
    return str(bad), lines[0]


def _check(message: str, file: str, line: int | None, path: str, words: list[str]) -> None:
    where = file if line is None else f"{file}:{line}"
    prefix = f"{where}: {path}: " if path else f"{where}: "
    assert message.startswith(prefix), f"{message!r} should start with {prefix!r}"
    rest = message[len(prefix):]
    assert rest and not rest.startswith(" ")
    for w in words:
        assert w in rest, f"{w!r} not in {message!r}"


def case(text: str, path: str, *words: str, id: str):
    return pytest.param(textwrap.dedent(text).lstrip("\n"), path, list(words), id=id)


# A small valid scenario the cases below deviate from (see test_base_is_valid).
BASE = """
title: Probe
issues:
  share: {range: [0, 1]}
  nato: {levels: [member, neutral]}
parties:
  a:
    weights: {share: 0.7, nato: 0.3}
    values:
      share: {ideal: 1, exponent: 0.5}
      nato: {member: 1, neutral: 0}
    batna: conflict
  b:
    weights: {share: 1, nato: 0}
    values:
      share: {ideal: 0}
    batna: 0.1
conflict:
  outcomes:
    - {probability: 0.6, outcome: {share: 1, nato: member}}
    - {probability: 0.4, outcome: {share: 0, nato: neutral}}
  costs: {a: 0.2}
proposals:
  even: {outcome: {share: 0.5, nato: neutral}}
"""


def test_base_is_valid(tmp_path, capsys):
    f = tmp_path / "base.yaml"
    f.write_text(textwrap.dedent(BASE).lstrip("\n"))
    assert main(["validate", str(f)]) == 0
    assert "ok (2 parties, 2 issues, 1 proposal)" in capsys.readouterr().out


CASES = [
    # --- YAML syntax ---------------------------------------------------------------
    case("""
        title: x
        issues: [share
        parties: {}  # <-
        """, "", "malformed YAML", id="malformed-yaml"),
    case("""
        title: x
        \tissues: {}  # <-
        """, "", "malformed YAML", "tabs", id="tab-indent"),
    case("""
        title: x
        ---  # <-
        title: y
        """, "", "malformed YAML", "single document", id="two-documents"),
    # --- unknown keys, with "did you mean" ----------------------------------------------
    case("""
        title: x
        tittle: y  # <-
        issues:
          s: {range: [0, 1]}
        parties:
          a: {weights: {s: 1}, values: {s: {ideal: 1}}}
        """, "tittle", "unknown key 'tittle'", "did you mean 'title'", id="unknown-top-key"),
    case("""
        title: x
        issues:
          s: {range: [0, 1]}
        parties:
          a:
            weights: {s: 1}
            values:
              s: {ideal: 1, exponnt: 2}  # <-
        """, "parties.a.values.s.exponnt", "unknown key 'exponnt'",
         "did you mean 'exponent'", id="unknown-key-exponent"),
    case("""
        title: x
        issues:
          s: {range: [0, 1]}
        parties:
          a:
            weights: {s: 1}
            values: {s: {ideal: 1}}
            zzz: 1  # <-
        """, "parties.a.zzz", "unknown key 'zzz'", "allowed: label, description, weights",
         id="unknown-key-allowed-list"),
    case("""
        title: x
        issues:
          s: {range: [0, 1]}
        parties:
          a:
            weights: {s: 1}
            valus: {s: {ideal: 1}}  # <-
        """, "parties.a.valus", "unknown key 'valus'", "did you mean 'values'",
         id="typo-of-required-key"),
    case("""
        title: x
        issues:
          s: {range: [0, 1], descripton: d}  # <-
        parties:
          a: {weights: {s: 1}, values: {s: {ideal: 1}}}
        """, "issues.s.descripton", "did you mean 'description'", id="unknown-issue-key"),
    case("""
        title: x
        issues:
          s: {range: [0, 1]}
        parties:
          a:
            weights: {s: 1}
            values: {s: {ideal: 1}}
            evidence:
              weights: {assumtion: true, note: guess}  # <-
        """, "parties.a.evidence.weights.assumtion", "did you mean 'assumption'",
         id="unknown-evidence-key"),
    case("""
        title: x
        issues:
          s:
            range: [0, 1]
            evidence: {sorce: a1}  # <-
        parties:
          a: {weights: {s: 1}, values: {s: {ideal: 1}}}
        """, "issues.s.evidence.sorce", "did you mean 'source'", id="unknown-issue-evidence-key"),
    case("""
        title: x
        issues:
          s: {range: [0, 1]}
        parties:
          a:
            weights: {s: 1}
            values: {s: {ideal: 1}}
        conflict:
          outcomes:
            - {probability: 1, outcome: {s: 1}, lable: war}  # <-
        """, "conflict.outcomes.0.lable", "did you mean 'label'", id="unknown-lottery-key"),
    case("""
        title: x
        issues:
          s: {range: [0, 1]}
        parties:
          a:
            weights: {s: 1}
            values: {s: {ideal: 1}}
            batna: {outcome: {s: 0}, cots: 0.1}  # <-
        """, "parties.a.batna.cots", "did you mean 'cost'", id="unknown-batna-key"),
    # --- missing values ----------------------------------------------------------------
    case("""
        issues:  # <-
          s: {range: [0, 1]}
        parties:
          a: {weights: {s: 1}, values: {s: {ideal: 1}}}
        """, "title", "required field is missing", id="missing-title"),
    case("""
        title:  # <-
        issues:
          s: {range: [0, 1]}
        parties:
          a: {weights: {s: 1}, values: {s: {ideal: 1}}}
        """, "title", "got nothing", id="empty-title"),
    case("""
        title: x
        issues:
          s: {range: [0, 1]}
        parties:
          a:  # <-
            values: {s: {ideal: 1}}
        """, "parties.a.weights", "required field is missing", id="missing-weights"),
    case("""
        title: x
        issues:
          s: {range: [0, 1]}
        parties:
          a:  # <-
        """, "parties.a", "must be a mapping", "got nothing", id="empty-party"),
    case("""
        title: x
        issues:
          s: {range: [0, 1]}
          t: {range: [0, 1]}
        parties:
          a:
            weights: {s: 1}  # <-
            values: {s: {ideal: 1}}
        """, "parties.a.weights", "missing weight for issue 't'", id="missing-weight"),
    case("""
        title: x
        issues:
          s: {range: [0, 1]}
          t: {range: [0, 1]}
        parties:
          a:
            weights: {s: 1, t: 1}
            values: {s: {ideal: 1}}  # <-
        """, "parties.a.values", "missing value function for issue 't'", id="missing-value"),
    case("""
        title: x
        issues:
          s: {range: [0, 1]}
        parties:
          a:
            weights: {s: 1}
            values: {s: {ideal: 1}}
        conflict:
          outcomes:
            - outcome: {s: 1}  # <-
        """, "conflict.outcomes.0.probability", "required field is missing",
         id="missing-probability"),
    case("""
        title: x
        issues: {}  # <-
        parties:
          a: {weights: {}, values: {}}
        """, "issues", "at least 1 item", id="no-issues"),
    # --- issues, levels, parties that do not exist ----------------------------------------
    case("""
        title: x
        issues:
          share: {range: [0, 1]}
        parties:
          a:
            weights: {shar: 1}  # <-
            values: {share: {ideal: 1}}
        """, "parties.a.weights.shar", "'shar' is not an issue", "did you mean 'share'",
         id="weight-unknown-issue"),
    case("""
        title: x
        issues:
          share: {range: [0, 1]}
        parties:
          a:
            weights: {share: 1}
            values:
              share: {ideal: 1}
              shares: {ideal: 1}  # <-
        """, "parties.a.values.shares", "'shares' is not an issue", "did you mean 'share'",
         id="value-unknown-issue"),
    case("""
        title: x
        issues:
          nato: {levels: [member, neutral]}
        parties:
          a:
            weights: {nato: 1}
            values:
              nato: {member: 1, neutrall: 0}  # <-
        """, "parties.a.values.nato.neutrall", "not a level of 'nato'",
         "did you mean 'neutral'", id="value-unknown-level"),
    case("""
        title: x
        issues:
          nato: {levels: [yes, no]}
        parties:
          a:
            weights: {nato: 1}
            values:
              nato: {yes: 1}  # <-
        """, "parties.a.values.nato", "missing value for level 'no'", id="value-missing-level"),
    case("""
        title: x
        issues:
          s: {range: [0, 1]}
          nato: {levels: [member, neutral]}
        parties:
          a:
            weights: {s: 1, nato: 1}
            values: {s: {ideal: 1}, nato: {member: 1, neutral: 0}}
        proposals:
          p1:
            outcome: {s: 0.5, nato: neutal}  # <-
        """, "proposals.p1.outcome.nato", "'neutal' is not a level of 'nato'",
         "did you mean 'neutral'", "levels: member, neutral", id="outcome-unknown-level"),
    case("""
        title: x
        issues:
          s: {range: [0, 1]}
        parties:
          a:
            weights: {s: 1}
            values: {s: {ideal: 1}}
            batna: conflict
        conflict:
          outcomes:
            - {probability: 1, outcome: {s: 1}}
          costs: {b: 0.2}  # <-
        """, "conflict.costs.b", "'b' is not a party", id="costs-unknown-party"),
    case("""
        title: x
        issues:
          s: {range: [0, 1]}
        parties:
          a:
            weights: {s: 1}
            values: {s: {ideal: 1}}
        analysis:
          grid: {ss: 11}  # <-
        """, "analysis.grid.ss", "'ss' is not an issue", "did you mean 's'",
         id="grid-unknown-issue"),
    case("""
        title: x
        issues:
          n: {levels: [a, b]}
        parties:
          a:
            weights: {n: 1}
            values: {n: {a: 1, b: 0}}
        analysis:
          grid: {n: 11}  # <-
        """, "analysis.grid.n", "discrete", id="grid-discrete-issue"),
    # --- probabilities, weights and values out of bounds ----------------------------------
    case("""
        title: x
        issues:
          s: {range: [0, 1]}
        parties:
          a:
            weights: {s: 1}
            values: {s: {ideal: 1}}
            batna: conflict
        conflict:
          outcomes:  # <-
            - {probability: 0.6, outcome: {s: 1}}
            - {probability: 0.3, outcome: {s: 0}}
        """, "conflict.outcomes", "probabilities sum to 0.9, not 1", id="probabilities-sum"),
    case("""
        title: x
        issues:
          s: {range: [0, 1]}
        parties:
          a:
            weights: {s: 1}
            values: {s: {ideal: 1}}
        conflict:
          outcomes:
            - {probability: 1.5, outcome: {s: 1}}  # <-
        """, "conflict.outcomes.0.probability", "less than or equal to 1", "1.5",
         id="probability-above-1"),
    case("""
        title: x
        issues:
          s: {range: [0, 1]}
        parties:
          a:
            weights: {s: -1}  # <-
            values: {s: {ideal: 1}}
        """, "parties.a.weights.s", "greater than or equal to 0", "-1", id="negative-weight"),
    case("""
        title: x
        issues:
          s: {range: [0, 1]}
        parties:
          a:
            weights: {s: 0}  # <-
            values: {s: {ideal: 1}}
        """, "parties.a.weights", "weights are all zero", id="weights-all-zero"),
    case("""
        title: x
        issues:
          s: {range: [0, 1]}
        parties:
          a:
            weights: {s: high}  # <-
            values: {s: {ideal: 1}}
        """, "parties.a.weights.s", "valid number", "'high'", id="weight-not-a-number"),
    case("""
        title: x
        issues:
          nato: {levels: [member, neutral]}
        parties:
          a:
            weights: {nato: 1}
            values:
              nato: {member: 1.2, neutral: 0}  # <-
        """, "parties.a.values.nato.member", "must be in [0, 1]", "1.2", id="level-value-above-1"),
    case("""
        title: x
        issues:
          s: {range: [0, 1]}
        parties:
          a:
            weights: {s: 1}
            values:
              s:
                points:
                  - [0, 0]
                  - [1, -0.5]  # <-
        """, "parties.a.values.s.points.1.1", "must be in [0, 1]", "-0.5",
         id="point-value-below-0"),
    case("""
        title: x
        issues:
          s: {range: [0, 1]}
        parties:
          a:
            weights: {s: 1}
            values: {s: {ideal: 1}}
            power: 0  # <-
        """, "parties.a.power", "greater than 0", id="power-zero"),
    case("""
        title: x
        issues:
          s: {range: [0, 1]}
        parties:
          a:
            weights: {s: 1}
            values:
              s: {ideal: 1, exponent: -2}  # <-
        """, "parties.a.values.s.exponent", "greater than 0", id="exponent-negative"),
    # --- NaN and infinity -----------------------------------------------------------------
    case("""
        title: x
        issues:
          s: {range: [0, 1]}
        parties:
          a:
            weights: {s: .nan}  # <-
            values: {s: {ideal: 1}}
        """, "parties.a.weights.s", "finite number", "NaN", id="nan-weight"),
    case("""
        title: x
        issues:
          s: {range: [0, .inf]}  # <-
        parties:
          a:
            weights: {s: 1}
            values: {s: {ideal: 1}}
        """, "issues.s.range.1", "finite number", id="inf-range"),
    case("""
        title: x
        issues:
          s: {range: [0, 1]}
        parties:
          a:
            weights: {s: 1}
            values: {s: {ideal: 1}}
            batna: -.inf  # <-
        """, "parties.a.batna", "finite number", id="inf-batna"),
    case("""
        title: x
        issues:
          s: {range: [0, 1]}
        parties:
          a:
            weights: {s: 1}
            values: {s: {ideal: 1}}
        proposals:
          p: {outcome: {s: .NaN}}  # <-
        """, "proposals.p.outcome.s", "finite number", id="nan-outcome"),
    case("""
        title: x
        issues:
          nato: {levels: [member, neutral]}
        parties:
          a:
            weights: {nato: 1}
            values:
              nato: {member: .nan, neutral: 0}  # <-
        """, "parties.a.values.nato.member", "finite number", id="nan-level-value"),
    # --- the shape of the document --------------------------------------------------------
    case("""
        - title  # <-
        - issues
        """, "", "must be a mapping", "got a list", id="top-level-list"),
    case("""
        just some text  # <-
        """, "", "must be a mapping", id="top-level-scalar"),
    case("""
        title: x
        issues:
          s: {range: [0, 1]}
        parties:
          a: {weights: {s: 1}, values: {s: {ideal: 1}}}
        proposals:  # <-
          - {outcome: {s: 1}}
        """, "proposals", "must be a mapping", "got a list", id="proposals-as-list"),
    case("""
        format: 2  # <-
        title: x
        issues:
          s: {range: [0, 1]}
        parties:
          a: {weights: {s: 1}, values: {s: {ideal: 1}}}
        """, "format", "1", id="format-version"),
    # --- duplicate keys -----------------------------------------------------------------
    case("""
        title: x
        issues:
          s: {range: [0, 1]}
          s: {range: [0, 2]}  # <-
        parties:
          a: {weights: {s: 1}, values: {s: {ideal: 1}}}
        """, "issues.s", "key 's' is given twice", "first on line 3", id="duplicate-issue"),
    case("""
        title: x
        issues:
          s: {range: [0, 1]}
        parties:
          a:
            weights: {s: 1}
            values: {s: {ideal: 1}}
            weights: {s: 2}  # <-
        """, "parties.a.weights", "given twice", "first on line 6", id="duplicate-nested"),
    case("""
        title: x
        issues:
          s: {range: [0, 1]}
        parties:
          a:
            weights: {s: 1, s: 0.5}  # <-
            values: {s: {ideal: 1}}
        """, "parties.a.weights.s", "given twice", id="duplicate-in-flow-mapping"),
    case("""
        title: x
        issues:
          n: {levels: [a, b, a]}  # <-
        parties:
          a:
            weights: {n: 1}
            values: {n: {a: 1, b: 0}}
        """, "issues.n.levels.2", "level 'a' is listed twice", id="duplicate-level"),
    # --- issues ---------------------------------------------------------------------------
    case("""
        title: x
        issues:
          s: {range: [1, 0]}  # <-
        parties:
          a: {weights: {s: 1}, values: {s: {ideal: 1}}}
        """, "issues.s.range", "lo < hi", id="range-reversed"),
    case("""
        title: x
        issues:
          s: {range: [0, 1, 2]}  # <-
        parties:
          a: {weights: {s: 1}, values: {s: {ideal: 1}}}
        """, "issues.s.range", "at most 2 items", id="range-three-numbers"),
    case("""
        title: x
        issues:
          s: {range: [0, 1], levels: [a, b]}  # <-
        parties:
          a: {weights: {s: 1}, values: {s: {ideal: 1}}}
        """, "issues.s", "either 'range", id="range-and-levels"),
    case("""
        title: x
        issues:
          s: {description: nothing else}  # <-
        parties:
          a: {weights: {s: 1}, values: {s: {ideal: 1}}}
        """, "issues.s", "either 'range", id="neither-range-nor-levels"),
    # --- BATNA and conflict ---------------------------------------------------------------
    case("""
        title: x
        issues:
          s: {range: [0, 1]}
        parties:
          a:
            weights: {s: 1}
            values: {s: {ideal: 1}}
            batna: conflict  # <-
        """, "parties.a.batna", "no top-level 'conflict' block", id="batna-conflict-without-block"),
    case("""
        title: x
        issues:
          s: {range: [0, 1]}
        parties:
          a:
            weights: {s: 1}
            values: {s: {ideal: 1}}
            batna: conflit  # <-
        """, "parties.a.batna", "did you mean 'conflict'", id="batna-typo"),
    case("""
        title: x
        issues:
          s: {range: [0, 1]}
          n: {levels: [member, neutral]}
        parties:
          a:
            weights: {s: 1, n: 1}
            values: {s: {ideal: 1}, n: {member: 1, neutral: 0}}
            batna:
              outcome: {s: 0.2}  # <-
        """, "parties.a.batna.outcome", "missing value for issue 'n'",
         id="batna-outcome-missing-issue"),
    case("""
        title: x
        issues:
          s: {range: [0, 1]}
          n: {levels: [member, neutral]}
        parties:
          a:
            weights: {s: 1, n: 1}
            values: {s: {ideal: 1}, n: {member: 1, neutral: 0}}
        proposals:
          p1:
            outcome: {s: 0.5}  # <-
        """, "proposals.p1.outcome", "missing value for issue 'n'", "every issue",
         id="proposal-outcome-missing-issue"),
    case("""
        title: x
        issues:
          s: {range: [0, 1]}
          n: {levels: [member, neutral]}
        parties:
          a:
            weights: {s: 1, n: 1}
            values: {s: {ideal: 1}, n: {member: 1, neutral: 0}}
        conflict:
          outcomes:
            - {probability: 1, outcome: {n: member}}  # <-
        """, "conflict.outcomes.0.outcome", "missing value for issue 's'",
         id="conflict-outcome-missing-issue"),
    case("""
        title: x
        issues:
          s: {range: [0, 10]}
        parties:
          a:
            weights: {s: 1}
            values: {s: {ideal: 1}}
        proposals:
          p1:
            outcome: {s: 12}  # <-
        """, "proposals.p1.outcome.s", "12 is outside the issue's range [0, 10]",
         id="outcome-out-of-range"),
    # --- value functions ------------------------------------------------------------------
    case("""
        title: x
        issues:
          s: {range: [0, 1]}
        parties:
          a:
            weights: {s: 1}
            values:
              s: {ideal: 2}  # <-
        """, "parties.a.values.s.ideal", "outside the issue's range", id="ideal-out-of-range"),
    case("""
        title: x
        issues:
          s: {range: [0, 1]}
        parties:
          a:
            weights: {s: 1}
            values:
              s: {ideal: 1, worst: 1}  # <-
        """, "parties.a.values.s.worst", "differ from ideal", id="worst-equals-ideal"),
    case("""
        title: x
        issues:
          s: {range: [0, 1]}
        parties:
          a:
            weights: {s: 1}
            values:
              s:
                points:
                  - [0, 0]
                  - [0.5, 0.5]
                  - [0.5, 1]  # <-
        """, "parties.a.values.s.points.2", "strictly increase", id="points-not-increasing"),
    case("""
        title: x
        issues:
          s: {range: [0, 1]}
        parties:
          a:
            weights: {s: 1}
            values:
              s: {idael: 1}  # <-
        """, "parties.a.values.s", "{ideal: x, exponent: e}", "did you mean 'ideal'",
         id="value-function-typo"),
    case("""
        title: x
        issues:
          n: {levels: [member, neutral]}
        parties:
          a:
            weights: {n: 1}
            values:
              n: 0.5  # <-
        """, "parties.a.values.n", "maps every level", id="discrete-value-not-mapping"),
    # --- veto -----------------------------------------------------------------------------
    case("""
        title: x
        issues:
          s: {range: [0, 1]}
        parties:  # <-
          a:
            veto: false
            weights: {s: 1}
            values: {s: {ideal: 1}}
        """, "parties", "at least one party must have veto: true", id="no-veto-party"),
    case("""
        title: x
        issues:
          s: {range: [0, 1]}
        parties:
          a:
            veto: yes  # <-
            weights: {s: 1}
            values: {s: {ideal: 1}}
        """, "parties.a.veto", "true or false", "'yes'", id="veto-yes-is-not-a-boolean"),
    # --- sources and evidence -------------------------------------------------------------
    case("""
        title: x
        issues:
          s: {range: [0, 1]}
        parties:
          a:
            weights: {s: 1}
            values: {s: {ideal: 1}}
            evidence:
              weights: {source: a05, note: n}  # <-
        sources:
          a005: {title: t}
        """, "parties.a.evidence.weights.source", "source 'a05' is not defined",
         "did you mean 'a005'", id="unknown-source-party"),
    case("""
        title: x
        issues:
          s: {range: [0, 1]}
        parties:
          a:
            weights: {s: 1}
            values: {s: {ideal: 1}}
            evidence:
              weights:
                - {source: a1, note: n}
                - {source: a2, note: n}  # <-
        sources:
          a1: {title: t}
        """, "parties.a.evidence.weights.1.source", "source 'a2' is not defined",
         id="unknown-source-in-list"),
    case("""
        title: x
        issues:
          s: {range: [0, 1]}
        parties:
          a:
            weights: {s: 1}
            values: {s: {ideal: 1}}
            batna: conflict
        conflict:
          outcomes:
            - {probability: 1, outcome: {s: 1}}
          evidence:
            outcomes: {source: zz, note: n}  # <-
        """, "conflict.evidence.outcomes.source", "source 'zz' is not defined",
         id="unknown-source-conflict"),
    case("""
        title: x
        issues:
          s: {range: [0, 1]}
        parties:
          a:
            weights: {s: 1}
            values: {s: {ideal: 1}}
        proposals:
          p1:
            outcome: {s: 0.5}
            evidence: {source: zz, note: n}  # <-
        """, "proposals.p1.evidence.source", "source 'zz' is not defined",
         id="unknown-source-proposal"),
    case("""
        title: x
        issues:
          s:
            range: [0, 1]
            evidence: {source: zz}  # <-
        parties:
          a: {weights: {s: 1}, values: {s: {ideal: 1}}}
        """, "issues.s.evidence.source", "source 'zz' is not defined", id="unknown-source-issue"),
    case("""
        title: x
        issues:
          s: {range: [0, 1]}
        parties:
          a: {weights: {s: 1}, values: {s: {ideal: 1}}}
        evidence:
          anything: {source: zz}  # <-
        """, "evidence.anything.source", "source 'zz' is not defined", id="unknown-source-top"),
    case("""
        title: x
        issues:
          s: {range: [0, 1]}
        parties:
          a:
            weights: {s: 1}
            values: {s: {ideal: 1}}
            evidence:
              wieghts: {assumption: true, note: n}  # <-
        """, "parties.a.evidence.wieghts", "not a parameter of a party", "did you mean 'weights'",
         id="evidence-unknown-parameter"),
    case("""
        title: x
        issues:
          nato: {levels: [member, neutral]}
        parties:
          a:
            weights: {nato: 1}
            values: {nato: {member: 1, neutral: 0}}
            evidence:
              values.nat: {assumption: true, note: n}  # <-
        """, "parties.a.evidence.values.nat", "'nat' is not an issue", "did you mean 'nato'",
         id="evidence-unknown-issue"),
    case("""
        title: x
        issues:
          s: {range: [0, 1]}
        parties:
          a:
            weights: {s: 1}
            values: {s: {ideal: 1}}
            evidence:
              power: {assumption: true, note: n, range: [2, 1]}  # <-
        """, "parties.a.evidence.power.range", "lo <= hi", id="evidence-range-reversed"),
    case("""
        title: x
        issues:
          s: {range: [0, 1]}
        parties:
          a:
            weights: {s: 1}
            values: {s: {ideal: 1}}
            evidence:
              power: {assumption: true, note: n, confidence: hi}  # <-
        """, "parties.a.evidence.power.confidence", "'high', 'medium' or 'low'", "'hi'",
         id="evidence-bad-confidence"),
    # --- analysis -------------------------------------------------------------------------
    case("""
        title: x
        issues:
          s: {range: [0, 1]}
        parties:
          a: {weights: {s: 1}, values: {s: {ideal: 1}}}
        analysis:
          grid: 1  # <-
        """, "analysis.grid", "greater than or equal to 2", id="grid-too-small"),
    # --- YAML tags and aliases ------------------------------------------------------------
    case("""
        title: !!python/object/apply:os.system ["echo constructed > PWNED"]  # <-
        issues:
          s: {range: [0, 1]}
        parties:
          a: {weights: {s: 1}, values: {s: {ideal: 1}}}
        """, "title", "YAML tag '!!python/object/apply:os.system' is not allowed",
         id="python-object-apply"),
    case("""
        title: x
        issues: !!python/object:collections.OrderedDict  # <-
          s: {range: [0, 1]}
        parties:
          a: {weights: {s: 1}, values: {s: {ideal: 1}}}
        """, "issues", "YAML tag '!!python/object:collections.OrderedDict' is not allowed",
         id="python-object-mapping"),
    case("""
        title: !!python/name:os.system  # <-
        """, "title", "'!!python/name:os.system' is not allowed", id="python-name"),
    case("""
        title: x
        issues:
          s: !custom {range: [0, 1]}  # <-
        """, "issues.s", "YAML tag '!custom' is not allowed", id="local-tag"),
    case("""
        title: x
        issues: &loop
          s: *loop  # <-
        """, "issues.s", "alias", id="alias-cycle"),
]


@pytest.mark.parametrize("text,path,words", CASES)
def test_bad_file(tmp_path, capsys, monkeypatch, text, path, words):
    monkeypatch.chdir(tmp_path)  # a constructed os.system would write PWNED here
    file, message = _run_bad(tmp_path, capsys, text)
    _check(message, file, _expected_line(text), path, words)
    assert not (tmp_path / "PWNED").exists()


@pytest.mark.parametrize("text,path,words", CASES[:12])
def test_validate_reports_the_same(tmp_path, capsys, text, path, words):
    file, message = _run_bad(tmp_path, capsys, text, command="validate")
    _check(message, file, _expected_line(text), path, words)


# --- files that cannot be read ---------------------------------------------------------

def test_empty_file(tmp_path, capsys):
    file, message = _run_bad(tmp_path, capsys, "")
    _check(message, file, 1, "", ["the file is empty"])


def test_comment_only_file(tmp_path, capsys):
    file, message = _run_bad(tmp_path, capsys, "# nothing yet\n\n")
    _check(message, file, 1, "", ["the file is empty"])


def test_not_utf8(tmp_path, capsys):
    text = "title: x\ndescription: caf\xe9\n".encode("latin-1")
    file, message = _run_bad(tmp_path, capsys, text)
    _check(message, file, 2, "", ["not UTF-8", "0xe9", "column 17"])


def test_missing_file(tmp_path, capsys):
    missing = tmp_path / "nope.yaml"
    out = tmp_path / "out.json"
    assert main(["run", str(missing), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert err == f"{missing}: file does not exist\n"
    assert not out.exists()


def test_directory(tmp_path, capsys):
    assert main(["run", str(tmp_path)]) == 2
    assert capsys.readouterr().err == f"{tmp_path}: is a directory, not a scenario file\n"


def test_unreadable_file(tmp_path, capsys, monkeypatch):
    bad = tmp_path / "locked.yaml"
    bad.write_text("title: x\n")

    def deny(path, flags, *args, **kwargs):
        raise PermissionError(13, "Permission denied", str(path))

    from negotiation.scenario import source
    monkeypatch.setattr(source.os, "open", deny)  # the one place that opens a scenario file
    assert main(["run", str(bad)]) == 2
    assert capsys.readouterr().err == f"{bad}: cannot read file: Permission denied\n"


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0,
                    reason="root can read a chmod 000 file")
def test_unreadable_file_for_real(tmp_path, capsys):
    bad = tmp_path / "locked.yaml"
    bad.write_text("title: x\n")
    bad.chmod(0)
    try:
        assert main(["validate", str(bad)]) == 2
        assert "cannot read file" in capsys.readouterr().err
    finally:
        bad.chmod(0o600)


def test_existing_output_is_left_alone(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text("title: [\n")
    out = tmp_path / "out.json"
    out.write_text("previous result\n")
    assert main(["run", str(bad), "-o", str(out)]) == 2
    assert out.read_text() == "previous result\n"


# --- YAML specifics: what is NOT an error ---------------------------------------------

def test_yaml_specifics(tmp_path):
    f = tmp_path / "ok.yaml"
    f.write_text(textwrap.dedent("""
        title: YAML 1.2 specifics
        date: 2025-12-14
        issues:
          guarantees: {range: [0, 1], description: 0 none, 1 NATO Article 5}
          answer: {levels: [yes, no, on, off]}
        parties:
          a:
            weights: {guarantees: 1, answer: 1}
            values:
              guarantees: &v {ideal: 1, exponent: 2}
              answer: {yes: 1, no: 0, on: 0.5, off: 0.25}
          b:
            weights: {guarantees: 1, answer: 0}
            values:
              guarantees: {<<: *v, ideal: 0}
        """).lstrip("\n"))
    s = negotiation.load_scenario(f)
    assert s.date == "2025-12-14"
    assert s.issues[0].description == "0 none, 1 NATO Article 5"
    assert s.issues[1].levels == ("yes", "no", "on", "off")
    a, b = s.parties
    assert a.values[1].values == (1.0, 0.0, 0.5, 0.25)
    # `<<: *v` merges the anchored mapping; the explicit key overrides it
    assert (a.values[0].ideal, a.values[0].exponent) == (1.0, 2.0)
    assert (b.values[0].ideal, b.values[0].exponent) == (0.0, 2.0)


def test_alias_bomb_is_refused(tmp_path, capsys):
    lines = ["title: x", "l0: &l0 [a, a, a, a, a, a, a, a, a, a]"]
    lines += [f"l{k}: &l{k} [" + ", ".join([f"*l{k - 1}"] * 10) + "]" for k in range(1, 8)]
    file, message = _run_bad(tmp_path, capsys, "\n".join(lines) + "\n")
    assert message.startswith(f"{file}:")
    assert "more than 100,000 values" in message


def test_deep_nesting_is_refused(tmp_path, capsys):
    file, message = _run_bad(tmp_path, capsys, "title: " + "[" * 1200 + "]" * 1200 + "\n")
    assert message.startswith(f"{file}:")
    assert "nested too deeply" in message


# --- the real console script: exit code 2 and no traceback -----------------------------

def _console_script() -> str:
    here = Path(sys.executable).parent / "negotiation"
    found = str(here) if here.exists() else shutil.which("negotiation")
    if found is None:
        pytest.skip("the negotiation console script is not installed")
    return found


@pytest.mark.parametrize("text,path,words", [
    c for c in CASES if c.id in {"unknown-key-exponent", "malformed-yaml", "python-object-apply",
                                 "probabilities-sum", "alias-cycle", "nan-weight"}])
def test_console_script(tmp_path, text, path, words):
    bad = tmp_path / "bad.yaml"
    bad.write_text(text)
    out = tmp_path / "out.json"
    proc = subprocess.run([_console_script(), "run", str(bad), "-o", str(out)],
                          capture_output=True, text=True, cwd=tmp_path, timeout=60, check=False)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert "Traceback" not in proc.stderr
    assert len(proc.stderr.splitlines()) == 1
    _check(proc.stderr.rstrip("\n"), str(bad), _expected_line(text), path, words)
    assert not out.exists()
    assert not (tmp_path / "PWNED").exists()


def test_console_script_missing_file(tmp_path):
    proc = subprocess.run([_console_script(), "validate", str(tmp_path / "nope.yaml")],
                          capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 2
    assert proc.stderr == f"{tmp_path / 'nope.yaml'}: file does not exist\n"


# --- the in-code API -------------------------------------------------------------------

def _scenario(**overrides):
    base = {
        "title": "in code",
        "issues": {"x": {"range": [0, 1]}, "n": {"levels": ["a", "b"]}},
        "parties": {
            "p": {"weights": {"x": 1, "n": 1},
                  "values": {"x": {"ideal": 1}, "n": {"a": 1, "b": 0}}},
            "q": {"weights": {"x": 1, "n": 0}, "values": {"x": {"ideal": 0}}},
        },
    }
    base.update(overrides)
    return base


def test_scenario_from_dict_ok():
    s = negotiation.scenario_from_dict(_scenario())
    assert s.party_names == ["p", "q"]
    assert s.file is None


@pytest.mark.parametrize("mutate,path,words", [
    (lambda d: d["parties"]["p"]["values"]["x"].update(exponnt=2),
     "parties.p.values.x.exponnt", ["did you mean 'exponent'"]),
    (lambda d: d["parties"]["p"]["weights"].update(x=float("nan")),
     "parties.p.weights.x", ["finite number"]),
    (lambda d: d["parties"]["p"]["weights"].update(x=-0.5),
     "parties.p.weights.x", ["greater than or equal to 0"]),
    (lambda d: d["parties"]["p"]["values"]["n"].pop("b"),
     "parties.p.values.n", ["missing value for level 'b'"]),
    (lambda d: d["parties"]["q"].update(batna="conflict"),
     "parties.q.batna", ["no top-level 'conflict' block"]),
    (lambda d: d.update(proposals={"deal": {"outcome": {"x": 0.5, "n": "c"}}}),
     "proposals.deal.outcome.n", ["'c' is not a level of 'n'"]),
    (lambda d: d.pop("title"), "title", ["required field is missing"]),
])
def test_scenario_from_dict_errors(mutate, path, words):
    data = _scenario()
    mutate(data)
    with pytest.raises(negotiation.ScenarioError) as info:
        negotiation.scenario_from_dict(data)
    err = info.value
    assert isinstance(err, ValueError) and isinstance(err, negotiation.NegotiationError)
    assert err.path == path
    assert err.file is None and err.line is None  # no file, so no line to name
    assert str(err).startswith(f"<scenario>: {path}: ")
    for w in words:
        assert w in err.message


@pytest.mark.parametrize("data", [None, [], "title: x", 3])
def test_scenario_from_dict_not_a_mapping(data):
    with pytest.raises(negotiation.ScenarioError, match="must be a mapping"):
        negotiation.scenario_from_dict(data)


def test_scenario_error_format():
    e = negotiation.ScenarioError("what is wrong", "a.b", "f.yaml", 7)
    assert str(e) == "f.yaml:7: a.b: what is wrong"
    assert str(negotiation.ScenarioError("bad", "", "f.yaml")) == "f.yaml: bad"
    assert re.fullmatch(r"<scenario>: x: y", str(negotiation.ScenarioError("y", "x")))


# --- outputs that cannot be written: exit 2, one line, nothing left behind -------------

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


@pytest.mark.parametrize("argv,words", [
    (["run", "{split}", "-o", "{tmp}/missing/out.json"], "does not exist"),
    (["run", "{split}", "-o", "{tmp}"], "is a directory"),
    (["plot", "{split}", "--kind", "ranges", "-o", "{tmp}/missing/fig.png"], "does not exist"),
    (["plot", "{split}", "--kind", "ranges", "-o", "{tmp}/fig.jpg"], "unsupported output format"),
    (["compare", "{split}", "{shape}", "--plot", "{tmp}/cmp.gif"], "unsupported output format"),
    (["document", "{split}", "-o", "{tmp}/missing/doc.md"], "does not exist"),
])
def test_output_errors(tmp_path, capsys, argv, words):
    out = tmp_path / "out"
    out.mkdir()
    argv = [a.format(split=EXAMPLES / "split-the-unit.yaml", shape=EXAMPLES / "berlin-shape.yaml",
                     tmp=out) for a in argv]
    assert main(argv) == 2
    captured = capsys.readouterr()
    lines = captured.err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and words in lines[0], lines
    assert "Traceback" not in captured.err
    assert list(out.iterdir()) == []
