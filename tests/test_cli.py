"""The command line on good input: `run` (table, JSON, --output), `validate`, `--help`.

The JSON of ``negotiation run FILE --format json`` is a contract: the keys
checked here may be joined by others but are never renamed.
"""

from __future__ import annotations

import json
import math
import os
import re
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

import negotiation
from negotiation import outputs
from negotiation.cli import main

ROOT = Path(__file__).resolve().parent.parent
SPLIT = ROOT / "examples" / "split-the-unit.yaml"
BERLIN = ROOT / "examples" / "berlin-shape.yaml"
SOLUTIONS = ["nash", "weighted_nash", "kalai_smorodinsky", "egalitarian", "utilitarian"]
TOP_KEYS = {"scenario", "parties", "issues", "reservation", "deal_possible", "bargaining_range",
            "party_range", "solutions", "proposals", "pareto", "sources"}


def _console_script() -> str:
    here = Path(sys.executable).parent / "negotiation"
    found = str(here) if here.exists() else shutil.which("negotiation")
    if found is None:
        pytest.skip("the negotiation console script is not installed")
    return found


def _json(capsys, *argv: str) -> dict:
    assert main(["run", *argv, "--format", "json"]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    return json.loads(captured.out)


def _write(tmp_path: Path, name: str, text: str) -> Path:
    f = tmp_path / name
    f.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return f


# --- the JSON contract -----------------------------------------------------------------

def check_contract(d: dict, file: str, parties: list[str], issues: list[str]) -> None:
    assert TOP_KEYS <= set(d), TOP_KEYS - set(d)
    assert set(d["scenario"]) >= {"title", "date", "file"}
    assert d["scenario"]["file"] == file
    assert d["parties"] == parties  # file order
    assert d["issues"] == issues  # file order
    assert list(d["reservation"]) == parties
    assert all(isinstance(v, float) and math.isfinite(v) for v in d["reservation"].values())
    assert isinstance(d["deal_possible"], bool)
    assert set(d["solutions"]) >= set(SOLUTIONS)  # new solutions may be added
    assert isinstance(d["pareto"], dict) and isinstance(d["pareto"]["size"], int)
    assert isinstance(d["sources"], dict)
    if d["deal_possible"]:
        assert list(d["bargaining_range"]) == issues
        for rng in d["bargaining_range"].values():
            assert set(rng) >= {"min", "max"} or set(rng) >= {"levels"}
            if "min" in rng:
                assert rng["min"] <= rng["max"]
        assert list(d["party_range"]) == parties
        for rng in d["party_range"].values():
            assert set(rng) >= {"min", "max"} and rng["min"] <= rng["max"]
        assert d["pareto"]["size"] >= 1
    veto = d.get("veto", parties)  # an added key; every party has a veto by default
    for name, sol in d["solutions"].items():
        if not d["deal_possible"]:
            assert sol is None, name
            continue
        assert sol is not None, name
        assert set(sol) >= {"outcome", "utilities"}
        assert list(sol["outcome"]) == issues
        assert list(sol["utilities"]) == parties
        for who in veto:  # a solution is in the agreement set
            assert sol["utilities"][who] >= d["reservation"][who] - 1e-6, (name, who)
    for prop in d["proposals"].values():
        assert set(prop) >= {"outcome", "utilities", "accepted_by", "in_agreement_set"}
        assert list(prop["outcome"]) == issues
        assert list(prop["utilities"]) == parties
        assert isinstance(prop["accepted_by"], list)
        assert set(prop["accepted_by"]) <= set(parties)
        assert isinstance(prop["in_agreement_set"], bool)


def test_run_json_split(capsys):
    d = _json(capsys, str(SPLIT))
    check_contract(d, str(SPLIT), ["a", "b"], ["share"])
    assert d["scenario"] == {"title": "Two parties split a unit", "date": "2025-01-01",
                             "file": str(SPLIT)}
    # a: conflict lottery 0.6 * 1 + 0.4 * 0, minus cost 0.2; b: a number
    assert d["reservation"] == pytest.approx({"a": 0.4, "b": 0.1})
    assert d["deal_possible"] is True
    # Nash: maximise (sqrt(x) - 0.4) (1 - x - 0.1) on a fine grid, independently
    x = np.linspace(0.16, 0.9, 2_000_001)
    x_nash = x[np.argmax((np.sqrt(x) - 0.4) * (0.9 - x))]
    assert d["solutions"]["nash"]["outcome"]["share"] == pytest.approx(x_nash, abs=1e-4)
    even = d["proposals"]["even_split"]
    assert even["outcome"] == {"share": 0.5}
    assert even["utilities"] == pytest.approx({"a": math.sqrt(0.5), "b": 0.5})
    assert even["accepted_by"] == ["a", "b"] and even["in_agreement_set"] is True


def test_run_json_berlin(capsys):
    d = _json(capsys, str(BERLIN))
    check_contract(d, str(BERLIN), ["ukraine", "russia", "us"],
                   ["territory", "nato", "guarantees"])
    assert d["scenario"]["date"] is None
    assert d["bargaining_range"]["nato"]["levels"] == ["member", "deferred", "neutral"]
    assert set(d["bargaining_range"]["territory"]) >= {"min", "max"}
    assert d["sources"]["a004"]["file"] == "004_b260c448108cb886.txt"
    assert d["proposals"] == {}
    # ukraine's batna: utility of the outcome minus the cost
    u = 0.5 * (1 - 0.8) ** 1.5 + 0.15 * 0.5 + 0.35 * 0.0
    assert d["reservation"]["ukraine"] == pytest.approx(u - 0.1)
    assert d["reservation"]["russia"] == pytest.approx(0.45)
    for sol in d["solutions"].values():
        for who in ("ukraine", "russia"):  # veto parties get at least their reservation
            assert sol["utilities"][who] >= d["reservation"][who] - 1e-9


def test_run_json_no_deal(tmp_path, capsys):
    f = _write(tmp_path, "nodeal.yaml", """
        title: No deal
        issues:
          share: {range: [0, 1]}
        parties:
          a:
            weights: {share: 1}
            values: {share: {ideal: 1}}
            batna: 0.6
          b:
            weights: {share: 1}
            values: {share: {ideal: 0}}
            batna: 0.6
        proposals:
          half: {outcome: {share: 0.5}}
        """)
    d = _json(capsys, str(f))
    check_contract(d, str(f), ["a", "b"], ["share"])
    assert d["deal_possible"] is False
    assert d["solutions"] == dict.fromkeys(SOLUTIONS)
    assert d["proposals"]["half"]["accepted_by"] == []
    assert d["proposals"]["half"]["in_agreement_set"] is False


def test_run_json_file_order(tmp_path, capsys):
    """Parties and issues come out in file order, not sorted."""
    f = _write(tmp_path, "order.yaml", """
        title: Order
        issues:
          zeta: {range: [0, 1]}
          alpha: {levels: [b, a]}
        parties:
          zed:
            weights: {zeta: 1, alpha: 1}
            values: {zeta: {ideal: 1}, alpha: {b: 1, a: 0}}
          amy:
            weights: {zeta: 1, alpha: 1}
            values: {zeta: {ideal: 0}, alpha: {b: 0, a: 1}}
        analysis:
          grid: 11
        """)
    d = _json(capsys, str(f))
    check_contract(d, str(f), ["zed", "amy"], ["zeta", "alpha"])


def test_run_table(capsys):
    assert main(["run", str(SPLIT)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Two parties split a unit  (2025-01-01)\n")
    assert "DEAL POSSIBLE" in out
    for word in ("Parties", "Bargaining range", "Solutions", "Nash", "Kalai-Smorodinsky",
                 "Proposals", "even_split", "Pareto frontier"):
        assert word in out
    # power 2, reservation 0.4
    assert re.search(r"^\s+a\s+yes\s+2\.00\s+0\.400\s", out, re.MULTILINE)


def test_run_table_berlin(capsys):
    assert main(["run", str(BERLIN), "--format", "table"]) == 0
    out = capsys.readouterr().out
    assert "veto party (ukraine, russia)" in out
    assert "[a004] 004_b260c448108cb886.txt" in out
    assert "member, deferred, neutral" in out


# --- --output -------------------------------------------------------------------------

def test_output_file(tmp_path, capsys):
    out = tmp_path / "result.json"
    assert main(["run", str(SPLIT), "--format", "json", "--output", str(out)]) == 0
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""
    written = json.loads(out.read_text(encoding="utf-8"))
    assert written == _json(capsys, str(SPLIT))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["result.json"]  # no temp left


def test_output_replaces_existing_file(tmp_path, capsys):
    out = tmp_path / "report.txt"
    out.write_text("old\n")
    assert main(["run", str(SPLIT), "-o", str(out)]) == 0
    assert out.read_text().startswith("Two parties split a unit")


def test_output_is_atomic(tmp_path, capsys, monkeypatch):
    """If the final rename fails, the old file is intact and no temporary file is left."""
    out = tmp_path / "result.json"
    out.write_text("old\n")

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(outputs.os, "replace", broken_replace)
    with pytest.raises(outputs.OutputError, match="No space left on device") as info:
        outputs.write_atomic(str(out), "new contents")
    assert isinstance(info.value, negotiation.NegotiationError)
    assert out.read_text() == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["result.json"]
    # through the CLI the same failure is an output error: exit 2, one line, no traceback
    assert main(["run", str(SPLIT), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert err == f"error: {out}: cannot write: No space left on device\n"
    assert out.read_text() == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["result.json"]


def test_write_files_is_all_or_nothing(tmp_path):
    """Several files: when one cannot be written, the others keep their old contents."""
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("old a")
    (tmp_path / "c").mkdir()
    with pytest.raises(outputs.OutputError, match="is a directory"):
        outputs.write_files({str(a): "new a", str(b): b"new b", str(tmp_path / "c"): "x"})
    assert a.read_text() == "old a" and not b.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "c"]
    written = outputs.write_files({str(a): "new a", str(b): b"new b"})
    assert written == [str(a), str(b)]
    assert a.read_text() == "new a" and b.read_bytes() == b"new b"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "b.txt", "c"]
    with pytest.raises(outputs.OutputError, match="does not exist"):
        outputs.write_files({str(tmp_path / "no" / "x.txt"): "x"})
    outputs.write_files({str(tmp_path / "new" / "dir" / "x.txt"): "x"}, make_dirs=True)
    assert (tmp_path / "new" / "dir" / "x.txt").read_text() == "x"


def test_output_directory_missing(tmp_path, capsys):
    out = tmp_path / "no" / "such" / "dir" / "r.json"
    assert main(["run", str(SPLIT), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "does not exist" in err
    assert not out.parent.exists()


def test_output_written_by_console_script(tmp_path):
    out = tmp_path / "r.json"
    proc = subprocess.run([_console_script(), "run", str(BERLIN), "--format", "json",
                           "-o", str(out)], capture_output=True, text=True, timeout=300,
                          check=False)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == ""
    check_contract(json.loads(out.read_text()), str(BERLIN),
                   ["ukraine", "russia", "us"], ["territory", "nato", "guarantees"])


# --- validate -------------------------------------------------------------------------

def test_validate_good(capsys):
    assert main(["validate", str(SPLIT), str(BERLIN)]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    assert captured.out.splitlines() == [
        f"{SPLIT}: ok (2 parties, 1 issue, 1 proposal)",
        f"{BERLIN}: ok (3 parties, 3 issues, 0 proposals)",
    ]


def test_validate_prints_notes(tmp_path, capsys):
    f = _write(tmp_path, "notes.yaml", """
        title: Notes
        issues:
          s: {range: [0, 1]}
          t: {range: [0, 1]}
        parties:
          a:
            weights: {s: 2, t: 2}
            values: {s: {ideal: 1}, t: {ideal: 0}}
        """)
    assert main(["validate", str(f)]) == 0
    out = capsys.readouterr().out
    assert "note: a: weights sum to 4; normalised to sum 1" in out
    assert "note: a: no batna given; reservation value 0" in out


def test_validate_several_with_bad_ones(tmp_path, capsys):
    bad1 = _write(tmp_path, "bad1.yaml", """
        title: x
        issues:
          s: {range: [0, 1]}
        parties:
          a:
            weights: {s: 1}
            values: {s: {ideal: 1, exponnt: 2}}
        """)
    bad2 = _write(tmp_path, "bad2.yaml", "title: [\n")
    missing = tmp_path / "missing.yaml"
    assert main(["validate", str(bad1), str(SPLIT), str(bad2), str(missing), str(BERLIN)]) == 2
    captured = capsys.readouterr()
    assert captured.out.splitlines() == [
        f"{SPLIT}: ok (2 parties, 1 issue, 1 proposal)",
        f"{BERLIN}: ok (3 parties, 3 issues, 0 proposals)",
    ]
    err = captured.err.splitlines()
    assert len(err) == 3
    assert err[0] == (f"{bad1}:7: parties.a.values.s.exponnt: unknown key 'exponnt' "
                      "(did you mean 'exponent'?)")
    assert err[1].startswith(f"{bad2}:2: malformed YAML")
    assert err[2] == f"{missing}: file does not exist"
    assert "Traceback" not in captured.err


EVIDENCED = """
    title: Evidenced split
    date: 2025-02-01
    sources:
      r1: {title: A report, outlet: Wire, date: "2025-01-30", url: "https://example.org/r1"}
    issues:
      share: {range: [0, 1], unit: share of the unit}
    parties:
      a:
        weights: {share: 1}
        values: {share: {ideal: 1, exponent: 0.5}}
        batna: conflict
        evidence:
          weights: {source: r1, note: the only issue}
          values.share: {source: r1, note: wants all of it, confidence: medium}
          batna: {assumption: true, note: war lottery below, range: [0.2, 0.5]}
          power: {assumption: true, note: equal standing, range: [0.5, 2]}
          veto: {source: r1, note: must sign}
      b:
        weights: {share: 1}
        values: {share: {ideal: 0}}
        batna: 0.1
        evidence:
          weights: {source: r1, note: the only issue}
          values: {source: r1, note: wants all of it}
          batna: {assumption: true, note: small outside option, range: [0, 0.2]}
          power: {assumption: true, note: equal standing, range: [0.5, 2]}
          veto: {source: r1, note: must sign}
    conflict:
      outcomes:
        - {probability: 0.6, outcome: {share: 1}, label: a wins}
        - {probability: 0.4, outcome: {share: 0}, label: b wins}
      costs: {a: 0.2}
      evidence:
        outcomes: {source: r1, note: analysts' odds}
        costs: {assumption: true, note: cost of war, range: [0.1, 0.3]}
    proposals:
      even_split:
        outcome: {share: 0.5}
        evidence: {source: r1, note: tabled on 30 January}
    """


def test_validate_strict_passes_when_everything_is_evidenced(tmp_path, capsys):
    f = _write(tmp_path, "ev.yaml", EVIDENCED)
    assert main(["validate", "--strict", str(f)]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    assert captured.out.startswith(f"{f}: ok")


def test_validate_strict_reports_missing_evidence(capsys):
    assert main(["validate", str(SPLIT)]) == 0  # fine without --strict
    capsys.readouterr()
    assert main(["validate", "--strict", str(SPLIT)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    err = captured.err.splitlines()
    assert f"{SPLIT}:6: parties.a.evidence: no evidence for 'weights.share' (cite a source, " \
           "or mark assumption: true with a note and a range)" in err
    for param in ("values.share", "batna", "power", "veto"):
        assert any(f"parties.b.evidence: no evidence for '{param}'" in e for e in err)
    assert f"{SPLIT}:15: conflict: no evidence for the conflict lottery (outcomes, " \
           "probabilities, costs)" in err
    assert f"{SPLIT}:21: proposals.even_split: no evidence for this proposal (where is it " \
           "on record?)" in err
    assert len(err) == 2 * 5 + 2


@pytest.mark.parametrize("old,new,expected", [
    ("      power: {assumption: true, note: equal standing, range: [0.5, 2]}\n", "",
     "parties.a.evidence: no evidence for 'power'"),
    ("batna: {assumption: true, note: war lottery below, range: [0.2, 0.5]}",
     "batna: {assumption: true, note: war lottery below}",
     "parties.a.evidence.batna: an assumption about a number needs 'range: [lo, hi]'"),
    ("veto: {source: r1, note: must sign}", "veto: {source: r1}",
     "parties.a.evidence.veto: add a one-line 'note'"),
    ("    costs: {assumption: true, note: cost of war, range: [0.1, 0.3]}\n", "",
     "conflict.evidence: no evidence for conflict 'costs'"),
    ("    evidence: {source: r1, note: tabled on 30 January}\n", "",
     "proposals.even_split: no evidence for this proposal"),
])
def test_validate_strict_each_gap(tmp_path, capsys, old, new, expected):
    text = textwrap.dedent(EVIDENCED)
    assert old in text, old
    f = _write(tmp_path, "ev.yaml", text.replace(old, new, 1))
    assert main(["validate", "--strict", str(f)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1, err
    assert re.match(rf"{re.escape(str(f))}:\d+: {re.escape(expected)}", err[0]), err[0]


# --- help, version, usage errors, internal errors --------------------------------------

def test_help_in_process(capsys):
    with pytest.raises(SystemExit) as info:
        main(["--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    for command in ("run", "validate"):
        assert command in out


def test_version(capsys):
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0
    assert capsys.readouterr().out.strip() == f"negotiation {negotiation.__version__}"


def test_help_is_fast():
    script = _console_script()
    # warm the file cache
    subprocess.run([script, "--help"], capture_output=True, timeout=60, check=False)
    best = math.inf
    for _ in range(3):
        start = time.perf_counter()
        proc = subprocess.run([script, "--help"], capture_output=True, text=True, timeout=60,
                              check=False)
        best = min(best, time.perf_counter() - start)
        assert proc.returncode == 0 and "usage: negotiation" in proc.stdout
    assert best < 0.5, f"negotiation --help took {best:.2f} s"


def test_help_imports_no_heavy_modules():
    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "negotiation", "--help"],
                          capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 0
    imported = {line.split("|")[-1].strip().split(".")[0]
                for line in proc.stderr.splitlines() if line.startswith("import time:")}
    assert "negotiation" in imported
    heavy = imported & {"numpy", "scipy", "pydantic", "matplotlib", "yaml", "nashpy"}
    assert not heavy, heavy


@pytest.mark.parametrize("argv", [
    [],
    ["frobnicate"],
    ["run"],
    ["run", "x.yaml", "--format", "xml"],
    ["run", "x.yaml", "--colour"],
    ["validate"],
    ["plot"],  # the scenario file or sweep directory is required
])
def test_usage_errors_exit_2(capsys, argv):
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2
    captured = capsys.readouterr()
    lines = captured.err.splitlines()
    assert len(lines) == 1, "a usage error is one line"
    assert lines[0].startswith("negotiation: error: ") and lines[0].endswith("--help)")
    assert "Traceback" not in captured.err


def test_usage_error_console_script():
    proc = subprocess.run([_console_script(), "run", "--format", "xml", "x.yaml"],
                          capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 2
    assert "invalid choice: 'xml'" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_internal_error_exits_1(capsys, monkeypatch):
    import negotiation.analysis

    def boom(scenario):
        raise RuntimeError("solver exploded")

    monkeypatch.setattr(negotiation.analysis, "analyse", boom)
    assert main(["run", str(SPLIT)]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "internal error: RuntimeError: solver exploded" in captured.err
    assert "Traceback" not in captured.err
    monkeypatch.setenv("NEGOTIATION_DEBUG", "1")
    with pytest.raises(RuntimeError):
        main(["run", str(SPLIT)])


def test_run_module_entry_point():
    proc = subprocess.run([sys.executable, "-m", "negotiation", "validate", str(SPLIT)],
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, check=False)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith(f"{SPLIT}: ok")


def test_docs_show_the_examples_in_full(tmp_path, capsys):
    """docs/scenario-format.md quotes both examples verbatim, and its first file is valid."""
    doc = (ROOT / "docs" / "scenario-format.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```yaml\n(.*?)```", doc, re.DOTALL)
    for example in (SPLIT, BERLIN):
        assert example.read_text(encoding="utf-8") in blocks, example.name
    first = next(b for b in blocks if b.startswith("title:"))
    f = tmp_path / "first.yaml"
    f.write_text(first, encoding="utf-8")
    assert main(["validate", str(f)]) == 0


# --- the library without its command line ------------------------------------------------

def test_nothing_else_imports_the_cli():
    """negotiation/cli.py is the only module that may use negotiation.cli."""
    package = ROOT / "negotiation"
    offenders = []
    for path in package.rglob("*.py"):
        if path.name in ("cli.py", "__main__.py") and path.parent == package:
            continue
        text = path.read_text(encoding="utf-8")
        if re.search(r"from \.+cli import|import negotiation\.cli|from negotiation\.cli|"
                     r"from \.+ import cli\b", text):
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_version_has_one_home():
    """The version string is not written anywhere in the package's code."""
    import importlib.metadata

    hits = [str(p.relative_to(ROOT)) for p in (ROOT / "negotiation").rglob("*.py")
            if re.search(r"[\"']0\.1\.0[\"']", p.read_text(encoding="utf-8"))]
    assert hits == []
    assert negotiation.__version__ == importlib.metadata.version("negotiation")


def test_output_error_is_a_negotiation_error():
    assert issubclass(outputs.OutputError, negotiation.NegotiationError)


def test_analyse_precision():
    scenario = negotiation.load_scenario(SPLIT)
    grid = negotiation.analyse(scenario, precision="grid")
    assert grid.problem.precision == "grid"
    exact = negotiation.analyse(scenario)
    assert exact.problem.precision == "exact"
    assert grid.solutions["nash"].outcome["share"] == pytest.approx(
        exact.solutions["nash"].outcome["share"], abs=0.01)
    with pytest.raises(ValueError, match="precision"):
        negotiation.analyse(scenario, precision="roughly")


def test_report_repr_is_short():
    report = negotiation.analyse(negotiation.load_scenario(BERLIN))
    text = repr(report)
    assert len(text) < 300, text
    assert text.startswith("<Report 'Berlin") and "deal_possible=True" in text


def test_report_tables():
    """Report.to_records and to_frame hand over to negotiation.tables."""
    tables = pytest.importorskip("negotiation.tables")
    report = negotiation.analyse(negotiation.load_scenario(SPLIT))
    assert report.to_records("solutions") == tables.to_records(report, "solutions")
    pytest.importorskip("pandas")
    assert len(report.to_frame("proposals")) == len(report.proposals)
