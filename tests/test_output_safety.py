"""Outputs never replace the input, a device, a pipe or a socket (exit 2, one line)."""

import os
import shutil

import pytest

from negotiation.cli import main

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MINI = os.path.join(ROOT, "docs", "tutorial", "berlin-mini.yaml")


@pytest.fixture
def scenario(tmp_path):
    path = tmp_path / "in.yaml"
    shutil.copy(MINI, path)
    return path


def _one_line_error(capsys, words):
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and words in err[0], err


def test_the_input_is_never_overwritten(scenario, capsys):
    before = scenario.read_bytes()
    assert main(["run", str(scenario), "-o", str(scenario)]) == 2
    _one_line_error(capsys, "input file")
    link = scenario.parent / "link.json"
    link.symlink_to(scenario)
    assert main(["run", str(scenario), "-o", str(link), "--format", "json"]) == 2
    _one_line_error(capsys, "input file")
    assert scenario.read_bytes() == before


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_named_pipe_or_a_device_is_never_replaced(scenario, tmp_path, capsys):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    assert main(["run", str(scenario), "-o", str(fifo)]) == 2
    _one_line_error(capsys, "not a regular file")
    assert os.path.exists(fifo) and not os.path.isfile(fifo)
    assert main(["run", str(scenario), "-o", os.devnull]) == 2
    _one_line_error(capsys, "not a regular file")
    assert os.path.exists(os.devnull) and not os.path.isfile(os.devnull)


def test_a_regular_output_is_written(scenario, tmp_path, capsys):
    out = tmp_path / "report.json"
    out.write_text("old")
    assert main(["run", str(scenario), "-o", str(out), "--format", "json"]) == 0
    assert out.read_text().startswith("{")
