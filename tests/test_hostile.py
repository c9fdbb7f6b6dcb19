"""Hostile input: each class of the reliability issue, met by design.

Every bad input gets exit status 2 and exactly one line on stderr, of at most
300 characters, naming the file (``docs/reliability.md``). The classes:

1. input that used to escape as an internal error (control characters,
   tags that cannot convert, numbers too large for a float, overflowing
   ranges, over-long file names), and ``validate A B C`` going on after B;
2. resources: limits checked before the work (file size, special files,
   outcomes, breakpoints, combinations, parties, issues, nesting);
4. messages: one line, escaped, capped, values shown as the file wrote them;
5. nonsense accepted before (empty names, ``format: true``, tags and null
   or boolean keys, weights that overflow) and sense refused before (YAML
   1.2 numbers such as ``1e0``); dots in names;
6. ranges near 1e12 and the 12 significant digits of the JSON.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
import warnings
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import negotiation as ng
from negotiation.cli import main
from negotiation.errors import MAX_MESSAGE, one_line, render
from negotiation.model.issues import Issue
from negotiation.scenario import limits
from negotiation.scenario.checks import grid_points

BASE = textwrap.dedent("""\
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
        batna: 0.2
      b:
        weights: {share: 1, nato: 0}
        values:
          share: {ideal: 0}
        batna: 0.1
    proposals:
      even: {outcome: {share: 0.5, nato: neutral}}
    analysis: {grid: 11}
    """)


def _write(tmp_path: Path, content: str | bytes, name: str = "bad.yaml") -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_bytes(content.encode("utf-8", "surrogatepass"))
    return path


def _error(capsys, argv: list[str], file: str) -> str:
    """Run the CLI on bad input: exit 2, no stdout, one line <= 300 chars naming ``file``."""
    code = main(argv)
    captured = capsys.readouterr()
    assert code == 2, captured
    assert captured.out == ""
    assert captured.err.endswith("\n") and captured.err.count("\n") == 1, captured.err
    line = captured.err[:-1]
    assert len(line) <= MAX_MESSAGE and line.isprintable(), line
    assert line.startswith(one_line(file, 120)), line
    return line


def bad(tmp_path: Path, capsys, content: str | bytes, command: str = "validate") -> str:
    path = _write(tmp_path, content)
    argv = ["validate", str(path)] if command == "validate" else \
        ["run", str(path), "--format", "json"]
    return _error(capsys, argv, str(path))


def edit(old: str, new: str, text: str = BASE) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


def test_base_is_valid(tmp_path, capsys):
    path = _write(tmp_path, BASE)
    assert main(["validate", str(path)]) == 0
    assert capsys.readouterr().out.startswith(f"{path}: ok (2 parties, 2 issues, 1 proposal)")


# --- 1. what used to be an internal error ------------------------------------------------

@pytest.mark.parametrize("char,name", [
    ("\x00", "NUL"), ("\x1b", "ESC"), ("\x7f", "DEL"), ("\x85", "NEL"), ("\x9b", "U+009B"),
    ("\ufffe", "U+FFFE"), ("\uffff", "U+FFFF"), ("\x0c", "form feed"), ("\x08", "backspace"),
])
@pytest.mark.parametrize("where", ["value", "key", "comment"])
def test_control_character_anywhere(tmp_path, capsys, char, name, where):
    text = {"value": edit("title: Probe", f"title: Pro{char}be"),
            "key": edit("  share: {range", f"  sh{char}are: {{range"),
            "comment": edit("analysis: {grid: 11}", f"analysis: {{grid: 11}}  # {char}")}[where]
    line = bad(tmp_path, capsys, text)
    row = {"value": 1, "key": 3, "comment": 19}[where]
    assert f"bad.yaml:{row}: control character" in line and name in line, line


def test_escaped_control_character_in_text(tmp_path, capsys):
    line = bad(tmp_path, capsys, edit("title: Probe", 'title: "Pro\\ebe"'))
    assert "title: text may not contain U+001B (ESC): 'Pro\\x1bbe'" in line


def test_lone_surrogate_is_not_utf8(tmp_path, capsys):
    line = bad(tmp_path, capsys, edit("title: Probe", "title: Pro\ud800be"))
    assert "not UTF-8 text" in line


def test_validate_checks_every_file(tmp_path, capsys):
    good = _write(tmp_path, BASE, "a.yaml")
    broken = _write(tmp_path, edit("title: Probe", "title: \x1b"), "b.yaml")
    also = _write(tmp_path, BASE, "c.yaml")
    assert main(["validate", str(good), str(broken), str(also), "/dev/zero"]) == 2
    captured = capsys.readouterr()
    assert captured.out.count(": ok (") == 2 and f"{also}: ok" in captured.out
    errors = captured.err.splitlines()
    assert len(errors) == 2 and errors[0].startswith(f"{broken}:1: ")
    assert errors[1] == "/dev/zero: is a character device, not a regular file"


@pytest.mark.parametrize("tag,text,words", [
    ("!!float", "abc", "'abc' cannot be read as a number (tag !!float)"),
    ("!!int", "abc", "'abc' cannot be read as an integer (tag !!int)"),
    ("!!int", "1.5", "'1.5' cannot be read as an integer"),
    ("!!bool", "maybe", "'maybe' cannot be read as true or false (tag !!bool)"),
    ("!!null", "x", "'x' cannot be read as null"),
])
@pytest.mark.parametrize("where", ["value", "key"])
def test_tag_that_cannot_convert(tmp_path, capsys, tag, text, words, where):
    content = (edit("batna: 0.2", f"batna: {tag} {text}") if where == "value"
               else edit("  a:\n", f"  {tag} {text}:\n"))
    line = bad(tmp_path, capsys, content)
    assert words in line, line


@pytest.mark.parametrize("number", ["1" + "0" * 400, "1" + "0" * 5000, "0x" + "f" * 300,
                                    "1e400", "-1e999"])
@pytest.mark.parametrize("field", ["batna: 0.2", "member: 1"])
def test_number_too_large_for_a_float(tmp_path, capsys, number, field):
    key = field.split(":")[0]
    line = bad(tmp_path, capsys, edit(field, f"{key}: {number}"))
    assert "is too large (a number must be below 1.8e308)" in line, line


@pytest.mark.parametrize("number", ["1e13", "-1.0e308", "1" + "0" * 300, "1.7e308"])
def test_number_beyond_the_scenario_limit(tmp_path, capsys, number):
    line = bad(tmp_path, capsys, edit("range: [0, 1]", f"range: [0, {number}]"))
    assert "issues.share.range.1: " in line and "numbers in a scenario are at most 1e12" in line


@pytest.mark.parametrize("number", ["1e-300", "5e-324", "1e-13"])
def test_weight_below_the_limit(tmp_path, capsys, number):
    """A weight of 1e-300 made the solver divide by a subnormal number (a RuntimeWarning)."""
    line = bad(tmp_path, capsys, edit("nato: 0.3}", f"nato: {number}}}"))
    assert (f"parties.a.weights.nato: weight {number} is too small: a weight is 0 or at "
            "least 1e-12 (write 0)") in line


def test_smallest_numbers_run_without_warnings(tmp_path, capsys):
    text = edit("nato: 0.3}", "nato: 1e-12}")
    text = edit("batna: 0.1", "batna: 5e-324", text)
    text = edit("member: 1,", "member: 1e-300,", text)
    text = edit("range: [0, 1]", "range: [0, 1e-6]", text)
    text = edit("share: {ideal: 1, exponent: 0.5}", "share: {ideal: 1e-6, exponent: 0.5}", text)
    text = edit("share: 0.5, nato", "share: 5e-7, nato", text)
    path = _write(tmp_path, text, "small.yaml")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert main(["run", str(path), "--format", "json"]) == 0
    captured = capsys.readouterr()
    assert captured.err == "" and json.loads(captured.out)


def test_widest_range_runs_without_nan_or_warnings(tmp_path, capsys):
    text = edit("range: [0, 1]", "range: [-1e12, 1e12]")
    text = edit("share: {ideal: 1, exponent: 0.5}", "share: {ideal: 1e12, exponent: 0.5}", text)
    text = edit("share: 0.5, nato", "share: 5e11, nato", text)
    path = _write(tmp_path, text, "wide.yaml")
    for fmt in ("json", "table"):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            assert main(["run", str(path), "--format", fmt]) == 0
        captured = capsys.readouterr()
        assert captured.err == ""
        assert "nan" not in captured.out.lower() and "inf" not in captured.out.lower()
    assert main(["run", str(path), "--format", "json"]) == 0
    json.loads(capsys.readouterr().out, parse_constant=lambda c: pytest.fail(c))


@pytest.mark.parametrize("name", ["x" * 5000 + ".yaml", "d" * 300 + "/s.yaml",
                                  "new\nline.yaml", "esc\x1b.yaml", "nul\x00.yaml"])
def test_odd_file_names(tmp_path, capsys, name):
    line = _error(capsys, ["validate", str(tmp_path / name)], str(tmp_path / name))
    assert any(w in line for w in ("file name too long", "does not exist", "NUL")), line
    if "\n" in name:
        assert "new\\nline.yaml" in line


# --- 2. resources: limits before work ---------------------------------------------------------

def test_file_too_large_is_not_read(tmp_path, capsys):
    big = tmp_path / "big.yaml"
    with open(big, "wb") as fh:  # sparse: 100 MB that take no room
        fh.truncate(100 << 20)
    start = time.perf_counter()
    line = _error(capsys, ["validate", str(big)], str(big))
    assert time.perf_counter() - start < 5
    assert f"file is too large (104,857,600 bytes, the limit is {limits.MAX_FILE_BYTES:,}" in line


def test_file_just_over_the_limit(tmp_path, capsys):
    text = BASE + "description: " + "x" * limits.MAX_FILE_BYTES + "\n"
    line = bad(tmp_path, capsys, text)
    assert "file is too large" in line


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/null", "/dev/urandom"])
def test_devices_are_refused(capsys, device):
    if not os.path.exists(device):
        pytest.skip(f"no {device}")
    assert _error(capsys, ["validate", device], device) == \
        f"{device}: is a character device, not a regular file"


@pytest.mark.skipif(not hasattr(os, "mkfifo") or not hasattr(signal, "SIGALRM"),
                    reason="needs named pipes and alarms")
def test_named_pipe_does_not_block(tmp_path, capsys):
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)

    def hang(signum, frame):
        raise TimeoutError("reading a named pipe blocked")

    old = signal.signal(signal.SIGALRM, hang)
    signal.alarm(10)
    try:
        line = _error(capsys, ["run", str(fifo)], str(fifo))
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)
    assert line == f"{fifo}: is a named pipe (FIFO), not a regular file"


def test_directory(tmp_path, capsys):
    assert _error(capsys, ["validate", str(tmp_path)], str(tmp_path)).endswith(
        "is a directory, not a scenario file")


def _points(n: int, lo: float = 0.0, hi: float = 1.0) -> str:
    step = (hi - lo) / (n + 1)
    return ", ".join(f"[{lo + (j + 1) * step:.9g}, {j % 2 * 0.5}]" for j in range(n))


def test_fine_grid_times_long_value_function_is_refused_fast(tmp_path, capsys):
    """The 68 KB file of the issue: 53 s and 6 GB before; now refused at once."""
    text = edit("share: {ideal: 1, exponent: 0.5}", f"share: {{points: [{_points(4000)}]}}")
    text = edit("analysis: {grid: 11}", "analysis: {grid: 100000}", text)
    assert 60_000 < len(text) < 150_000
    start = time.perf_counter()
    line = bad(tmp_path, capsys, text)
    assert time.perf_counter() - start < 10
    assert "4,000 breakpoints" in line and "limit is 1,000" in line


@settings(max_examples=200, deadline=None)
@given(lo=st.floats(-1e6, 1e6), width=st.floats(1e-3, 1e6), grid=st.integers(2, 300),
       kinks=st.lists(st.floats(0, 1), max_size=30), snap=st.lists(st.integers(0, 299),
                                                                    max_size=10))
def test_grid_size_is_computed_without_building_the_grid(lo, width, grid, kinks, snap):
    """``grid_points`` (the limit check) counts what ``Issue.grid_values`` builds."""
    hi = lo + width
    step = (hi - lo) / (grid - 1)
    # kinks anywhere, and kinks on or within float noise of even points (they replace them)
    inside = [lo + k * width for k in kinks] + [lo + (j % grid) * step * (1 + 1e-13)
                                               for j in snap]
    issue = Issue("x", range=(lo, hi), grid=grid,
                  kinks=tuple(sorted({k for k in inside if lo < k < hi})))
    assert grid_points(issue) == len(issue.grid_values())


def test_outcomes_times_breakpoints(tmp_path, capsys):
    text = edit("share: {ideal: 1, exponent: 0.5}", f"share: {{points: [{_points(999)}]}}")
    text = edit("analysis: {grid: 11}", "analysis: {grid: 50000}", text)
    line = bad(tmp_path, capsys, text)
    assert "breakpoints is" in line and f"limit is {limits.MAX_GRID_WORK:,}" in line
    assert "analysis.grid" in line


def test_outcome_limit(tmp_path, capsys):
    text = edit("  nato: {levels", "  third: {range: [0, 1]}\n  nato: {levels")
    text = edit("weights: {share: 0.7, nato: 0.3}", "weights: {share: 0.7, nato: 0.3, third: 0}",
                text)
    text = edit("weights: {share: 1, nato: 0}", "weights: {share: 1, nato: 0, third: 0}", text)
    text = edit("share: 0.5, nato", "share: 0.5, third: 0, nato", text)
    text = edit("analysis: {grid: 11}", "analysis: {grid: 2000}", text)
    line = bad(tmp_path, capsys, text)
    assert f"the limit is {limits.MAX_OUTCOMES:,}" in line and "analysis.grid" in line


def _many(n_parties: int = 2, n_issues: int = 1, levels: int = 0, grid: int = 11) -> str:
    issues = {f"i{k}": {"levels": [f"l{j}" for j in range(levels)]} if levels
              else {"range": [0, 1]} for k in range(n_issues)}
    value = ({f"l{j}": j / max(levels - 1, 1) for j in range(levels)} if levels
             else {"ideal": 1})
    parties = {f"p{i}": {"weights": {k: 1 for k in issues}, "values": {k: value for k in issues}}
               for i in range(n_parties)}
    return json.dumps({"title": "many", "issues": issues, "parties": parties,
                       "analysis": {"grid": grid}})


@pytest.mark.parametrize("text,words", [
    (_many(n_parties=limits.MAX_PARTIES + 1), "21 parties: the limit is 20"),
    (_many(n_issues=limits.MAX_ISSUES + 1, levels=1), "51 issues: the limit is 50"),
    (_many(n_issues=17, levels=2), "131,072 combinations of levels"),
    (_many(n_parties=20, n_issues=2, grid=710), "utilities; the limit is 10,000,000"),
])
def test_count_limits(tmp_path, capsys, text, words):
    assert words in bad(tmp_path, capsys, text)


def test_nesting_limit(tmp_path, capsys):
    block = "".join("  " * d + f"k{d}:\n" for d in range(limits.MAX_DEPTH + 5)) + "  " * 300 + "x"
    line = bad(tmp_path, capsys, edit("analysis: {grid: 11}", "evidence:\n" + textwrap.indent(
        block, "  "), BASE))
    assert f"nested more than {limits.MAX_DEPTH} levels deep" in line


def test_flow_nesting(tmp_path, capsys):
    line = bad(tmp_path, capsys, "title: " + "[" * 100_000 + "]" * 100_000 + "\n")
    assert "nested too deeply" in line or "nested more than" in line


# --- 4. messages: one line, escaped, capped, as written ---------------------------------------

def test_newline_in_key_and_value_is_escaped(tmp_path, capsys):
    line = bad(tmp_path, capsys, edit("batna: 0.2", 'batna: "line1\\nline2"'))
    assert "got 'line1\\nline2'" in line
    line = bad(tmp_path, capsys, edit("  a:\n", '  "p\\nq":\n'))
    assert "a name may not contain U+000A (line break): 'p\\nq'" in line


def test_megabyte_value_gives_a_short_line(tmp_path, capsys):
    line = bad(tmp_path, capsys, edit("batna: 0.2", "batna: " + "y" * 1_000_000))
    assert "…" in line and "did you mean" not in line and len(line) <= MAX_MESSAGE
    long_key = "? " + "z" * 900_000 + "\n      : 1"  # an explicit key: no length limit
    line = bad(tmp_path, capsys, edit("weights: {share: 0.7, nato: 0.3}",
                                      "weights:\n      share: 0.7\n      nato: 0.3\n      "
                                      + long_key))
    assert "is not an issue" in line and len(line) <= MAX_MESSAGE


@pytest.mark.parametrize("old,new,words", [
    ("nato: 0.3}", "nato: true}", "must be a valid number, got true"),
    ("member: 1,", "member: 2,", "must be in [0, 1], got 2"),
    ("member: 1,", "member: 2.50,", "got 2.50"),
    ("range: [0, 1]", "range: [1, 0]", "range must have lo < hi, got [1, 0]"),
    ("{ideal: 1, exponent", "{ideal: 2, exponent", "ideal 2 is outside the issue's range [0, 1]"),
    ("share: 0.5, nato", "share: 1e1, nato", "1e1 is outside the issue's range [0, 1]"),
    ("share: 0.5, nato", "share: 0x10, nato", "0x10 is outside the issue's range"),
    ("batna: 0.2", "batna: false", "got false"),
    ("batna: 0.2", "batna: 1_000", "got '1_000'"),
])
def test_values_shown_as_written(tmp_path, capsys, old, new, words):
    assert words in bad(tmp_path, capsys, edit(old, new))


def test_probabilities_show_the_difference(tmp_path, capsys):
    text = edit("batna: 0.2", "batna: conflict") + textwrap.dedent("""\
        conflict:
          outcomes:
            - {probability: 0.6, outcome: {share: 1, nato: member}}
            - {probability: 0.3999989, outcome: {share: 0, nato: neutral}}
        """)
    line = bad(tmp_path, capsys, text)
    assert "probabilities sum to 0.9999989, not 1" in line


def test_render():
    assert [render(v) for v in (True, None, 1, 1.0, "a\nb", [1, 2.5])] == \
        ["true", "null", "1", "1.0", "'a\\nb'", "[1, 2.5]"]
    assert len(render("x" * 10_000)) <= 60
    assert one_line("a\u2028b\x85c\u202ed") == "a\\u2028b\\x85c\\u202ed"
    assert len(one_line("é" * 1000)) == MAX_MESSAGE


def test_scenario_error_is_one_line_however_long():
    err = ng.ScenarioError("m\n" * 500, "p\n" * 200, "f\n" * 300, 3)
    assert "\n" not in str(err) and len(str(err)) <= MAX_MESSAGE


def _console_script() -> str:
    here = Path(sys.executable).parent / "negotiation"
    if not here.exists():
        pytest.skip("the negotiation console script is not installed")
    return str(here)


@pytest.mark.parametrize("argv,words", [
    (["run"], "the following arguments are required: file"),
    (["run", "x.yaml", "--format", "xml"], "invalid choice: 'xml'"),
    (["nonsense"], "invalid choice: 'nonsense'"),
    (["validate", "--strcit", "x.yaml"], "unrecognized arguments: --strcit"),
])
def test_usage_error_is_one_line(argv, words):
    proc = subprocess.run([_console_script(), *argv], capture_output=True, text=True,
                          timeout=60, check=False)
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.count("\n") == 1, proc.stderr
    assert proc.stderr.startswith("negotiation: error: ") and words in proc.stderr
    assert proc.stderr.rstrip().endswith("--help)")


# --- 5. nonsense refused, sense accepted ------------------------------------------------------

@pytest.mark.parametrize("old,new,words", [
    ("  a:\n", '  "":\n', "parties.: the name of a party is empty"),
    ("  a:\n", '  "  ":\n', "the name of a party is blank"),
    ("  share: {range", '  "": {range', "the name of an issue is empty"),
    ("[member, neutral]", '[member, ""]', "the name of a level is empty"),
    ("  even:", '  "":', "the name of a proposal is empty"),
    ("  a:\n", '  "a\\u200b":\n', "U+200B (ZERO WIDTH SPACE)"),
    ("title: Probe", "format: true\ntitle: Probe", "format must be the integer 1"),
    ("title: Probe", "format: 1.0\ntitle: Probe", "got 1.0"),
    ("title: Probe", "format: '1'\ntitle: Probe", "got '1'"),
    ("title: Probe", "format: 2\ntitle: Probe", "got 2"),
    ("  a:\n", "  !!binary YQ==:\n", "YAML tag '!!binary' is not allowed"),
    ("  a:\n", "  !!timestamp 2001-12-14:\n", "YAML tag '!!timestamp' is not allowed"),
    ("  a:\n", "  ~:\n", "the key '~' reads as null"),
    ("  a:\n", "  null:\n", "the key 'null' reads as null"),
    ("  a:\n", "  true:\n", "the key 'true' reads as true/false"),
    ("  share: {range", "  .nan: {range", "the key '.nan' reads as a number that is not finite"),
    ("  share: {range", "  .inf: {range", "not finite"),
    ("  share: {range", "  ? [a, b]\n  : {range", "a mapping key must be a plain name"),
    ("  share: {range", "  a.b: {range", "the name 'a.b' contains a dot"),
    ("title: Probe", "title: !!str {a: 1}", "YAML tag '!!str' does not fit a mapping"),
    ("title: Probe", "title: !!set {a, b}", "YAML tag '!!set' is not allowed"),
])
def test_nonsense_is_refused(tmp_path, capsys, old, new, words):
    assert words in bad(tmp_path, capsys, edit(old, new))


def test_weights_that_would_overflow():
    data = json.loads(_many())
    data["parties"]["p0"]["weights"] = {"i0": 1.7e308}
    with pytest.raises(ng.ScenarioError, match="at most 1e12"):
        ng.scenario_from_dict(data)
    data["parties"]["p0"]["weights"] = {"i0": 1e12}
    assert ng.scenario_from_dict(data).parties[0].weights == (1.0,)


def test_yaml_12_numbers_are_numbers(tmp_path):
    text = edit("weights: {share: 0.7, nato: 0.3}", "weights: {share: 1e0, nato: 7e-1}")
    text = edit("batna: 0.1", "batna: -1E-1", text)
    text = edit("member: 1,", "member: .5,", text)
    s = ng.load_scenario(_write(tmp_path, text, "ok.yaml"))
    assert s.parties[0].weights == pytest.approx((1 / 1.7, 0.7 / 1.7))
    assert s.parties[1].batna == -0.1 and s.parties[0].values[1].values == (0.5, 0.0)
    assert "a: weights sum to 1.7; normalised to sum 1" in s.notes


def test_yaml_11_forms_are_text(tmp_path, capsys):
    for written in ("1_000", "0b101", "1:30", "yes"):
        line = bad(tmp_path, capsys, edit("batna: 0.2", f"batna: {written}"))
        assert f"got '{written}'" in line


def test_numeric_keys_keep_their_written_form(tmp_path):
    text = edit("[member, neutral]", "['1.0', '0x10']")
    text = edit("{member: 1, neutral: 0}", "{1.0: 1, 0x10: 0}", text)
    text = edit("nato: neutral}", "nato: '0x10'}", text)
    s = ng.load_scenario(_write(tmp_path, text, "ok.yaml"))
    assert s.issues[1].levels == ("1.0", "0x10")
    assert s.parties[0].values[1].values == (1.0, 0.0)


def test_level_names_with_dots_take_evidence_and_replace(tmp_path):
    text = edit("[member, neutral]", "[member, Art. 5]")
    text = edit("{member: 1, neutral: 0}", "{member: 1, Art. 5: 0.25}", text)
    text = edit("nato: neutral}", "nato: Art. 5}", text)
    text = edit("    batna: 0.2", "    batna: 0.2\n    evidence:\n      values.nato.Art. 5: "
                "{assumption: true, note: guess, range: [0, 0.5]}", text)
    s = ng.load_scenario(_write(tmp_path, text, "ok.yaml"))
    (a,) = s.assumptions
    assert a.path == "parties.a.values.nato.Art. 5" and a.value == 0.25
    assert s.replace(a.changes(0.4)).parties[0].values[1].values == (1.0, 0.4)


def test_replace_drops_the_written_text_of_what_it_replaces(tmp_path):
    s = ng.load_scenario(_write(tmp_path, BASE, "ok.yaml"))
    with pytest.raises(ng.ScenarioError, match=r"got 1\.5\b"):
        s.replace({"parties.a.values.nato.member": 1.5})


# --- 6. ranges near 1e12 and 12 significant digits ------------------------------------------

def test_narrow_range_far_from_zero_is_refused(tmp_path, capsys):
    line = bad(tmp_path, capsys, edit("range: [0, 1]", "range: [999999999999, 1e12]"))
    assert "range [999999999999, 1e12] is too narrow" in line


def test_range_near_1e12_reads_consistently_in_json(tmp_path, capsys):
    text = edit("range: [0, 1]", "range: [999999000000, 1e12]")
    text = edit("share: {ideal: 1, exponent: 0.5}", "share: {ideal: 1e12, exponent: 0.5}", text)
    text = edit("share: {ideal: 0}", "share: {ideal: 999999000000}", text)
    text = edit("share: 0.5, nato", "share: 999999500000, nato", text)
    path = _write(tmp_path, text, "far.yaml")
    assert main(["run", str(path), "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    lo, hi = 999999000000, 1e12
    found = []

    def walk(node, key=""):
        if isinstance(node, dict):
            for k, v in node.items():
                walk(v, k)
        elif isinstance(node, list):
            for v in node:
                walk(v, key)
        elif key == "share":
            found.append(node)

    walk(report)
    assert found and all(lo <= x <= hi for x in found), found
