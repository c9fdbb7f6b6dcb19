"""The brief: two pages generated from results, an annex, HTML in a real browser, PDF pages.

The browser test uses Debian's ``chromium`` (``/usr/bin/chromium``; CI installs
it in ``.ci/run``) and is skipped only when no chromium is installed. Page
counts are read with ``pdfinfo`` (poppler-utils) when present, else from the
PDF itself.
"""

from __future__ import annotations

import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zlib
from pathlib import Path

import pytest
from helpers import no_deal_dict

import negotiation as ng

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXAMPLE = os.path.join("examples", "split-the-unit.yaml")
SCENARIOS = sorted(glob.glob(os.path.join(ROOT, "scenarios", "*.yaml")))
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or \
    (os.path.exists("/usr/bin/chromium") and "/usr/bin/chromium") or None
FILES = ["split-the-unit-annex.html", "split-the-unit-annex.pdf", "split-the-unit.html",
         "split-the-unit.pdf"]


def no_deal() -> dict:
    """The shared no-deal scenario, with evidence and a source whose title needs escaping."""
    data = no_deal_dict()
    data["parties"]["north"]["evidence"] = {
        "batna": {"assumption": True, "note": "stalemate is cheap", "range": [0.6, 0.9]},
        "weights": {"source": "s1", "note": "speech", "confidence": "low"}}
    data["sources"] = {"s1": {"title": "A speech <with> & odd characters",
                              "date": "2025-02-01"}}
    return data


_REPORTS: dict[str, object] = {}


def report_for(key: str):
    if key not in _REPORTS:
        if key == "no-deal":
            s = ng.scenario_from_dict(no_deal(), file="generated/no-deal.yaml")
        else:
            s = ng.load_scenario(key)
        _REPORTS[key] = ng.analyse(s)
    return _REPORTS[key]


@pytest.fixture(autouse=True, scope="module")
def _cwd():
    old = os.getcwd()
    os.chdir(ROOT)
    yield
    os.chdir(old)


@pytest.fixture(scope="module")
def brief_dir():
    """``negotiation brief`` run once on the example, through the CLI."""
    from negotiation.cli import main

    out = tempfile.mkdtemp(prefix="brief-")
    assert main(["brief", EXAMPLE, "-o", out]) == 0
    yield out
    shutil.rmtree(out, ignore_errors=True)


def _pdf_pages(path: str) -> int:
    if shutil.which("pdfinfo"):
        out = subprocess.run(["pdfinfo", path], capture_output=True, text=True, check=True)
        return int(re.search(r"^Pages:\s+(\d+)", out.stdout, re.MULTILINE).group(1))
    data = Path(path).read_bytes()
    return len(re.findall(rb"/Type\s*/Page[^s]", data))


def _pdf_text(pdf: bytes) -> str:
    """The decompressed content streams of a PDF (where its text is)."""
    out = []
    for m in re.finditer(rb"stream\n(.*?)\nendstream", pdf, re.DOTALL):
        try:
            out.append(zlib.decompress(m.group(1)).decode("latin-1"))
        except zlib.error:
            pass
    return "\n".join(out)


# ----------------------------------------------------------------------------- content
def test_bottom_line_deal():
    from negotiation.brief.sentences import bottom_line

    r = report_for(EXAMPLE)
    lines = bottom_line(r)
    assert len(lines) == 3
    assert lines[0].startswith("A deal is possible")
    rng = r.range.issues["share"]
    assert f"{rng.min:.2f}" in lines[1] and f"{rng.max:.2f}" in lines[1]
    assert "Nash" in lines[1]
    assert "even_split is acceptable to every veto party" in lines[2]


def test_bottom_line_no_deal():
    from negotiation.brief.sentences import bottom_line

    r = report_for("no-deal")
    lines = bottom_line(r)
    assert len(lines) == 3
    assert lines[0].startswith("No deal is possible")
    assert "closest" in lines[1]
    assert "split" in lines[2] and "rejected" in lines[2]


def test_parameter_rows_and_caveats():
    from negotiation.brief.annex import parameter_rows
    from negotiation.brief.caveats import caveats

    r = report_for("no-deal")
    rows = parameter_rows(r)
    batna = [row for row in rows if row[0] == "north" and row[1] == "batna"]
    assert batna and batna[0][4].startswith("assumption") and "0.6 to 0.9" in batna[0][4]
    weights = [row for row in rows if row[0] == "north" and row[1].startswith("weights.")]
    assert weights and all("[s1]" in row[3] for row in weights)
    assert any(row[0] == "south" and row[3] == "no evidence given" for row in rows)
    lines = caveats(r)
    assert len(lines) <= 6, "caveats are summarised"
    text = " ".join(lines)
    assert "1 party parameter rests on assumptions rather than a source (1 north)" in text
    assert "Grid:" in text and "evidence gaps" in text


def test_caveats_do_not_list_every_assumption():
    """A real scenario has dozens of assumptions: the brief counts them, the annex lists them."""
    from negotiation.brief.caveats import caveats

    path = os.path.relpath(SCENARIOS[0], ROOT)
    text = " ".join(caveats(report_for(path)))
    assert re.search(r"\d+ party parameters rest on assumptions", text)
    assert len(text) < 900


def test_outcomes_table_has_a_row_per_package():
    from negotiation.brief.outcomes import outcomes_table

    r = report_for(EXAMPLE)
    t = outcomes_table(r)
    labels = [row[0] for row in t.rows]
    assert labels == [p.label for p in r.packages() if p.table] + ["without a deal"]
    # a package marked table=False (three of the four forecasts) is drawn, not tabled
    assert any(not p.table for p in r.packages())
    assert t.headers[:2] == ("package", "status")
    assert "u(a)" in t.headers and "share" in t.headers


def test_assumption_sentences():
    """The screened assumptions read as sentences (a stand-in with the screen's to_dict)."""
    from negotiation.brief.caveats import assumption_sentence

    class Screened:
        value = 0.2

        def to_dict(self):
            return {"path": "parties.a.weights.x", "label": "a weights.x", "low": 0.1,
                    "high": 0.3, "deal_low": True, "deal_high": False,
                    "nash_shift_low": 0.05, "nash_shift_high": None}

    text = assumption_sentence(report_for(EXAMPLE), Screened())
    assert text.startswith("a weights.x (0.2 in the file, tested from 0.1 to 0.3)")
    assert "at 0.3 no deal is possible" in text
    assert "at 0.1 the Nash solution moves by 0.05" in text


# ----------------------------------------------------------------------------- files
def test_brief_writes_four_files(brief_dir):
    assert sorted(os.listdir(brief_dir)) == FILES


def test_brief_html(brief_dir):
    html = Path(brief_dir, "split-the-unit.html").read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert "Two parties split a unit" in html
    assert len(re.findall(r'<img src="data:image/png;base64,', html)) == 1
    assert "negotiation plot examples/split-the-unit.yaml --kind solutions" in html
    assert "@page" in html and "A4" in html          # print stylesheet
    assert not re.search(r'(src|href)="(https?:)?//', html)  # self-contained
    for heading in ("Bottom line", "Solutions and proposals", "Caveats", "Method"):
        assert f"<h2>{heading}</h2>" in html
    assert '<a href="split-the-unit-annex.html">' in html
    assert "docs/methods.md#the-bargaining-solutions" in html
    assert "Parameters and evidence" not in html  # in the annex


def test_annex_html(brief_dir):
    html = Path(brief_dir, "split-the-unit-annex.html").read_text(encoding="utf-8")
    assert "<h2>Parameters and evidence</h2>" in html and "<h2>Sources</h2>" in html
    assert '<a href="split-the-unit.html">' in html
    assert "no evidence given" in html


def test_brief_pdf_is_two_pages(brief_dir):
    from negotiation.brief import make_brief
    from negotiation.brief.pdf import layout

    path = os.path.join(brief_dir, "split-the-unit.pdf")
    pdf = Path(path).read_bytes()
    assert pdf[:5] == b"%PDF-"
    pages = _pdf_pages(path)
    assert pages <= 2
    assert _pdf_pages(os.path.join(brief_dir, "split-the-unit-annex.pdf")) >= 1
    brief = make_brief(report_for(EXAMPLE), assumptions=[])
    assert brief.pages == pages
    text = _pdf_text(pdf)
    assert "split-the-unit-annex.pdf" in text and b"/URI (split-the-unit-annex.pdf)" in pdf
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", path], capture_output=True, text=True, check=False).stdout
        assert "A4" in info or "595" in info
        assert "Two parties split a unit" in info
    assert layout  # the layout function stays importable for page planning


def test_brief_figure_is_rendered_once(monkeypatch):
    """The PNG is made once; the HTML embeds those bytes and the PDF draws the same pixels."""
    import base64

    from negotiation.brief import document, make_brief

    calls = []
    real = document.render_figure

    def counting(report):
        calls.append(1)
        return real(report)

    monkeypatch.setattr(document, "render_figure", counting)
    brief = make_brief(report_for(EXAMPLE), assumptions=[])
    assert len(calls) == 1
    png = base64.b64decode(re.search(r'base64,([^"]+)"', brief.html).group(1))
    import io

    from PIL import Image
    w, h = Image.open(io.BytesIO(png)).size
    assert f"/Width {w} /Height {h}".encode() in brief.pdf


@pytest.mark.parametrize("path", [os.path.relpath(p, ROOT) for p in SCENARIOS])
def test_brief_of_each_real_scenario_fits_two_pages(path):
    from negotiation.brief import make_brief

    r = report_for(path)
    brief = make_brief(r)
    assert brief.pages <= 2, f"{path}: the brief runs to {brief.pages} pages"
    assert r.scenario.title.replace("'", "&#x27;").replace('"', "&quot;") in brief.html
    for key in r.scenario.sources:
        assert f">{key}<" in brief.annex_html
    assert brief.annex_pages >= 2
    # the assumptions the conclusion depends on most (once the screen exists)
    try:
        import negotiation.sensitivity  # noqa: F401
    except ImportError:
        assert "depends on most" not in brief.html
    else:
        section = brief.html.split("What the conclusion depends on most", 1)
        assert len(section) == 2 and section[1].count("<li>") >= 1


def test_brief_no_deal_and_escaping():
    from negotiation.brief import make_brief

    brief = make_brief(report_for("no-deal"))
    assert "No deal is possible" in brief.html
    assert "A speech &lt;with&gt; &amp; odd characters" in brief.annex_html
    assert brief.pdf[:5] == b"%PDF-" and brief.pages <= 2
    assert "closest outcome" in brief.html


# ----------------------------------------------------------------------------- all or nothing
def test_brief_bad_input_writes_nothing(tmp_path):
    from negotiation.cli import main

    out = tmp_path / "out"
    assert main(["brief", "does-not-exist.yaml", "-o", str(out)]) == 2
    assert not out.exists()


def test_brief_output_is_a_file(tmp_path, capsys):
    from negotiation.cli import main

    out = tmp_path / "taken"
    out.write_text("not a directory")
    assert main(["brief", EXAMPLE, "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "not a directory" in err and len(err.splitlines()) == 1


def test_brief_files_all_or_nothing(tmp_path, capsys):
    """If one of the four files cannot be written, none is left behind (and old ones stay)."""
    from negotiation.cli import main

    out = tmp_path / "brief"
    out.mkdir()
    (out / "split-the-unit.html").write_text("old brief")
    (out / "split-the-unit-annex.pdf").mkdir()  # a directory where a file must go
    assert main(["brief", EXAMPLE, "-o", str(out)]) == 2
    assert "split-the-unit-annex.pdf" in capsys.readouterr().err
    assert sorted(p.name for p in out.iterdir()) == ["split-the-unit-annex.pdf",
                                                      "split-the-unit.html"]
    assert (out / "split-the-unit.html").read_text() == "old brief"


def test_brief_rename_failure_rolls_back(tmp_path, monkeypatch):
    """A failure while the files are put in place restores the previous state."""
    from negotiation import outputs
    from negotiation.brief import write_brief

    out = tmp_path / "new" / "brief"
    real = os.replace
    calls = []

    def flaky(src, dst):
        calls.append(dst)
        if str(dst).endswith("-annex.html"):
            raise OSError(28, "No space left on device")
        return real(src, dst)

    monkeypatch.setattr(outputs.os, "replace", flaky)
    with pytest.raises(outputs.OutputError, match="No space left on device"):
        write_brief(report_for(EXAMPLE), str(out), assumptions=[])
    monkeypatch.undo()
    assert not (tmp_path / "new").exists(), "directories made for the brief are removed"


# ----------------------------------------------------------------------------- browser
CHECK_SCRIPT = """
<script>
window.__errors = [];
window.addEventListener('error', function (e) { window.__errors.push(String(e.message)); });
window.addEventListener('load', function () {
  var imgs = Array.prototype.slice.call(document.images);
  var result = {
    images: imgs.length,
    loaded: imgs.filter(function (i) { return i.complete && i.naturalWidth > 0; }).length,
    widths: imgs.map(function (i) { return i.naturalWidth; }),
    errors: window.__errors,
    bodyWidth: document.body.scrollWidth,
    viewport: window.innerWidth
  };
  var pre = document.createElement('pre');
  pre.id = 'negotiation-check';
  pre.textContent = JSON.stringify(result);
  document.body.appendChild(pre);
});
</script>
"""

CHROME_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--hide-scrollbars"]


def _chromium(args: list[str], profile: str, timeout: int = 120):
    cmd = [CHROMIUM] + CHROME_FLAGS + [f"--user-data-dir={profile}"] + args
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")
def test_brief_in_headless_chromium(brief_dir, tmp_path):
    html_path = os.path.join(brief_dir, "split-the-unit.html")
    html = Path(html_path).read_text(encoding="utf-8")
    probe = tmp_path / "probe.html"
    probe.write_text(html.replace("</body>", CHECK_SCRIPT + "</body>"), encoding="utf-8")
    profile = str(tmp_path / "profile")
    r = _chromium(["--enable-logging=stderr", "--v=0", "--virtual-time-budget=10000",
                   "--window-size=1280,1800", "--dump-dom", probe.as_uri()], profile)
    assert r.returncode == 0, r.stderr[-2000:]
    m = re.search(r'<pre id="negotiation-check">(.*?)</pre>', r.stdout, re.DOTALL)
    assert m, "the page's check script did not run:\n" + r.stdout[-1000:]
    result = json.loads(m.group(1).replace("&quot;", '"').replace("&amp;", "&"))
    assert result["images"] == 1
    assert result["loaded"] == 1, result
    assert all(w > 500 for w in result["widths"])
    assert result["errors"] == []
    assert result["bodyWidth"] <= result["viewport"] + 1, "no horizontal overflow"
    console_errors = [ln for ln in r.stderr.splitlines()
                      if "CONSOLE" in ln and ("Error" in ln or "Uncaught" in ln)]
    assert console_errors == []

    shot = tmp_path / "brief.png"
    r = _chromium([f"--screenshot={shot}", "--window-size=1240,1754",
                   "--virtual-time-budget=10000", "file://" + os.path.abspath(html_path)],
                  str(tmp_path / "profile2"))
    assert r.returncode == 0, r.stderr[-2000:]
    assert shot.exists() and shot.stat().st_size > 20_000
    import matplotlib.image as mpimg
    img = mpimg.imread(str(shot))
    assert img.shape[1] == 1240
    assert img[..., :3].std() > 0.05  # not a blank page

    pdf = tmp_path / "printed.pdf"
    r = _chromium([f"--print-to-pdf={pdf}", "--no-pdf-header-footer",
                   "--virtual-time-budget=10000", "file://" + os.path.abspath(html_path)],
                  str(tmp_path / "profile3"))
    assert r.returncode == 0, r.stderr[-2000:]
    assert pdf.exists() and _pdf_pages(str(pdf)) <= 2, "the printed HTML brief fits two pages"


def test_brief_cli_subprocess(tmp_path):
    out = tmp_path / "b"
    r = subprocess.run([sys.executable, "-m", "negotiation", "brief", EXAMPLE, "-o", str(out)],
                       cwd=ROOT, capture_output=True, text=True, check=False)
    assert r.returncode == 0, r.stderr
    assert sorted(os.listdir(out)) == FILES
    assert r.stdout.count("wrote ") == 4


# ----------------------------------------------------------------------------- --sweep DIR
#: A shipped scenario whose brief, with its sweeps, fits the two pages (Berlin's runs to three
#: since the ratification and alternating-offers sections joined the brief).
BERLIN = os.path.join("scenarios", "munich-2025-02.yaml")


def _sweep_of(scenario: str, out: str, kind: str) -> str:
    """A small finished sweep of ``scenario`` into ``out``: Monte Carlo or one-at-a-time."""
    exp = {"title": f"brief test: {kind}", "scenario": os.path.join(ROOT, scenario),
           "measure": ["closest.min_surplus", "deal_possible", "solutions.nash.criterion"]}
    if kind == "monte-carlo":
        exp["sample"] = {"draws": 300, "seed": 3, "parameters": "assumptions"}
    else:
        exp["one_at_a_time"] = {"parameters": "assumptions", "steps": 2}
    ng.sweep(exp, out=out)
    return out


@pytest.fixture(scope="module")
def berlin_sweeps():
    d = tempfile.mkdtemp(prefix="brief-sweeps-")
    old = os.getcwd()
    os.chdir(ROOT)
    try:
        yield (_sweep_of(BERLIN, os.path.join(d, "mc"), "monte-carlo"),
               _sweep_of(BERLIN, os.path.join(d, "oat"), "one-at-a-time"))
    finally:
        os.chdir(old)
        shutil.rmtree(d, ignore_errors=True)


def test_brief_with_sweeps_uses_the_deal_probability_and_the_tornado(berlin_sweeps, tmp_path):
    """``--sweep``: the Monte Carlo share of draws with a deal in the bottom line, the
    tornado's five assumptions in "what the conclusion depends on", two pages."""
    from negotiation.cli import main
    from negotiation.experiments.plots import deal_probability, tornado_rows

    mc, oat = berlin_sweeps
    out = tmp_path / "brief"
    assert main(["brief", BERLIN, "--sweep", mc, "--sweep", oat, "-o", str(out)]) == 0
    html = (out / "munich-2025-02.html").read_text()
    deal = deal_probability(mc)
    assert deal is not None and deal["of"] == 300
    lead = html.split("Bottom line", 1)[1].split("Solutions and proposals", 1)[0]
    assert f"over their ranges 300 times, a deal exists in {100 * deal['probability']:.0f}%" \
        in lead
    section = html.split("What the conclusion depends on most", 1)[1].split("Caveats", 1)[0]
    rows = tornado_rows(oat, 5)
    assert len(rows) == 5 and section.count("<li>") == 5
    for row in rows:
        assert row["label"].replace("'", "&#x27;") in section
    assert "deal margin" in section
    # the screened assumptions are replaced, not added
    assert html.count("What the conclusion depends on most") == 1
    assert f"--sweep {mc}" in html and f"--sweep {oat}" in html     # the reproduce command
    assert _pdf_pages(str(out / "munich-2025-02.pdf")) == 2
    assert _pdf_pages(str(out / "munich-2025-02-annex.pdf")) >= 2
    if shutil.which("pdftoppm"):       # the pages render (poppler reads the PDF)
        subprocess.run(["pdftoppm", "-r", "30", "-png", str(out / "munich-2025-02.pdf"),
                        str(tmp_path / "page")], check=True)
        assert sorted(p.name for p in tmp_path.glob("page-*.png")) == ["page-1.png",
                                                                       "page-2.png"]


def test_brief_with_one_sweep(berlin_sweeps):
    from negotiation.brief import make_brief

    mc, oat = berlin_sweeps
    r = report_for(BERLIN)
    only_mc = make_brief(r, sweeps=[mc])
    assert "a deal exists in" in only_mc.html and only_mc.pages <= 2
    only_oat = make_brief(r, sweeps=[oat])
    assert "a deal exists in" not in only_oat.html and only_oat.pages <= 2
    assert "points, grid)" in only_oat.html


def test_brief_sweep_errors_are_one_line(berlin_sweeps, tmp_path, capsys):
    """Not a directory, no sweep in it, a sweep of another scenario, two Monte Carlo
    sweeps: one line, exit 2, nothing written."""
    from negotiation.cli import main

    mc, _ = berlin_sweeps
    empty = tmp_path / "empty"
    empty.mkdir()
    other = _sweep_of(os.path.join("docs", "tutorial", "berlin-mini.yaml"),
                      str(tmp_path / "mini"), "monte-carlo")
    cases = [([str(tmp_path / "nope")], "no such directory"),
             ([str(empty)], "holds no sweep"),
             ([other], "not of scenarios/munich-2025-02.yaml"),
             ([mc, mc], "a second Monte Carlo sweep")]
    for dirs, message in cases:
        out = tmp_path / "out"
        args = ["brief", BERLIN, *[x for d in dirs for x in ("--sweep", d)], "-o", str(out)]
        assert main(args) == 2, dirs
        err = capsys.readouterr().err
        assert err.startswith("error: --sweep ") and message in err, err
        assert len(err.strip().splitlines()) == 1
        assert not out.exists()


def test_brief_sweep_of_a_changed_scenario_is_refused(tmp_path, capsys):
    """The sweep records its scenario's SHA-256: a brief of the edited file refuses it."""
    from negotiation.cli import main

    src = tmp_path / "berlin.yaml"
    shutil.copy(os.path.join(ROOT, "docs", "tutorial", "berlin-mini.yaml"), src)
    sweep_dir = _sweep_of(str(src), str(tmp_path / "mc"), "monte-carlo")
    assert main(["brief", str(src), "--sweep", sweep_dir, "-o", str(tmp_path / "a")]) == 0
    src.write_text(src.read_text() + "\n# edited\n")
    assert main(["brief", str(src), "--sweep", sweep_dir, "-o", str(tmp_path / "b")]) == 2
    err = capsys.readouterr().err
    assert "an earlier version of" in err and len(err.strip().splitlines()) == 1


def test_tornado_and_deal_sentences():
    from negotiation.brief.sweeps import SweepFindings, deal_sentence, tornado_sentence

    row = {"label": "russia cost of war", "value": 0.04, "low": 0.01, "high": 0.12,
           "baseline": 0.1189, "at_low": 0.103, "at_high": 0.1615, "flips": 1}
    text = tornado_sentence(row)
    assert text == ("russia cost of war, 0.04 in the file, from 0.01 to 0.12: 0.103 to 0.162 "
                    "(now 0.119); the deal verdict changes within the range.")
    f = SweepFindings(deal={"probability": 0.4567, "standard_error": 0.005, "count": 4567,
                            "of": 10000}, deal_parameters=59, deal_precision="exact")
    assert deal_sentence(f) == ("Drawing its 59 uncertain parameters over their ranges 10,000 "
                                "times, a deal exists in 46% of the draws (standard error 0.5 "
                                "points).")
    assert deal_sentence(SweepFindings()) is None
