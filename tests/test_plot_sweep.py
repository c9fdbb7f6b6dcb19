"""``negotiation plot DIR`` on a sweep directory: every figure that fits, or one kind."""

import os

from negotiation.cli import main
from negotiation.experiments.runner import sweep

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MINI = os.path.join(ROOT, "docs", "tutorial", "berlin-mini.yaml")

LINE = f"""\
title: Russia's war cost, coarse
scenario: {MINI}
vary:
  conflict.costs.russia: {{from: 0.02, to: 0.2, steps: 4}}
measure: [deal_possible, solutions.nash.outcome.donetsk, bargaining_range.donetsk.min]
precision: grid
"""


def test_plot_a_sweep_directory(tmp_path, capsys):
    exp = tmp_path / "exp.yaml"
    exp.write_text(LINE)
    out = tmp_path / "sweep"
    sweep(str(exp), out=str(out))
    capsys.readouterr()
    assert main(["plot", str(out)]) == 0
    written = [line.split(" ", 1)[1] for line in capsys.readouterr().out.splitlines()]
    assert written and all(os.path.getsize(p) > 1000 for p in written)
    assert any(p.endswith("line.png") for p in written)
    target = tmp_path / "one.png"
    assert main(["plot", str(out), "--kind", "line", "-o", str(target)]) == 0
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_plot_kinds_must_fit_the_input(tmp_path, capsys):
    assert main(["plot", MINI, "--kind", "tornado"]) == 2
    assert main(["plot", MINI]) == 2
    assert main(["plot", str(tmp_path)]) == 2          # a directory that is no sweep
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 3 and "not a sweep directory" in err[-1]
