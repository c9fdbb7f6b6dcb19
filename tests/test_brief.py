"""The brief: content generated from results, HTML checked in a real headless browser, PDF pages.

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

import pytest

import negotiation as ng
from helpers import no_deal_dict

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXAMPLE = os.path.join("examples", "split-the-unit.yaml")
SCENARIOS = sorted(glob.glob(os.path.join(ROOT, "scenarios", "*.yaml")))
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or \
    (os.path.exists("/usr/bin/chromium") and "/usr/bin/chromium") or None


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
        return int(re.search(r"^Pages:\s+(\d+)", out.stdout, re.M).group(1))
    data = open(path, "rb").read()
    return len(re.findall(rb"/Type\s*/Page[^s]", data))


# ----------------------------------------------------------------------------- content
def test_bottom_line_deal():
    from negotiation.brief.content import bottom_line

    r = report_for(EXAMPLE)
    lines = bottom_line(r)
    assert len(lines) == 3
    assert lines[0].startswith("A deal is possible")
    rng = r.range.issues["share"]
    assert f"{rng.min:.2f}" in lines[1] and f"{rng.max:.2f}" in lines[1]
    assert "Nash" in lines[1]
    assert "even_split is acceptable to every veto party" in lines[2]


def test_bottom_line_no_deal():
    from negotiation.brief.content import bottom_line

    r = report_for("no-deal")
    lines = bottom_line(r)
    assert len(lines) == 3
    assert lines[0].startswith("No deal is possible")
    assert "closest" in lines[1]
    assert "split" in lines[2] and "rejected" in lines[2]


def test_parameter_table_and_caveats():
    from negotiation.brief.content import caveats, parameter_rows

    r = report_for("no-deal")
    rows = parameter_rows(r)
    batna = [row for row in rows if row[0] == "north" and row[1] == "batna"]
    assert batna and batna[0][4].startswith("assumption") and "0.6 to 0.9" in batna[0][4]
    weights = [row for row in rows if row[0] == "north" and row[1].startswith("weights.")]
    assert weights and all("[s1]" in row[3] for row in weights)
    assert any(row[0] == "south" and row[3] == "no evidence given" for row in rows)
    text = " ".join(caveats(r))
    assert "north batna (test 0.6 to 0.9)" in text
    assert "Grid:" in text


def test_brief_files_and_html(brief_dir):
    html = open(os.path.join(brief_dir, "split-the-unit.html"), encoding="utf-8").read()
    assert html.startswith("<!DOCTYPE html>")
    assert "Two parties split a unit" in html
    imgs = re.findall(r'<img src="data:image/png;base64,', html)
    assert len(imgs) == 3
    for kind in ("utility-space", "ranges", "solutions"):
        assert f"negotiation plot examples/split-the-unit.yaml --kind {kind}" in html
    assert "@page" in html and "A4" in html          # print stylesheet
    assert not re.search(r'(src|href)="(https?:)?//', html)  # self-contained
    assert "Bottom line" in html and "Annex: parameters and evidence" in html


def test_brief_pdf_pages(brief_dir):
    from negotiation.brief.pdf import layout
    path = os.path.join(brief_dir, "split-the-unit.pdf")
    assert open(path, "rb").read(5) == b"%PDF-"
    pages = _pdf_pages(path)
    assert pages >= 2
    # the same number the layout produces
    from negotiation.brief import _figure_png
    from negotiation.brief.content import build
    expected = len(layout(build(report_for(EXAMPLE), _figure_png(report_for(EXAMPLE)))))
    assert pages == expected
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", path], capture_output=True, text=True).stdout
        assert "A4" in info or "595" in info
        assert "Two parties split a unit" in info


def test_brief_no_deal_and_escaping(tmp_path):
    from negotiation.brief import make_brief

    html, pdf, pages = make_brief(report_for("no-deal"))
    assert "No deal is possible" in html
    assert "A speech &lt;with&gt; &amp; odd characters" in html
    assert pdf[:5] == b"%PDF-" and pages >= 2
    p = tmp_path / "b.pdf"
    p.write_bytes(pdf)
    assert _pdf_pages(str(p)) == pages


def test_brief_bad_input_writes_nothing(tmp_path):
    from negotiation.cli import main

    out = tmp_path / "out"
    assert main(["brief", "does-not-exist.yaml", "-o", str(out)]) == 2
    assert not out.exists() or not os.listdir(out)


@pytest.mark.skipif(not SCENARIOS, reason="no scenarios/*.yaml yet")
def test_brief_of_a_real_scenario(tmp_path):
    from negotiation.brief import make_brief

    path = os.path.relpath(SCENARIOS[0], ROOT)
    html, pdf, pages = make_brief(report_for(path))
    r = report_for(path)
    assert r.scenario.title.replace("'", "&#x27;").replace('"', "&quot;") in html
    for key in r.scenario.sources:
        assert f"[{key}]" in html or f">{key}<" in html
    assert pages >= 3


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
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")
def test_brief_in_headless_chromium(brief_dir, tmp_path):
    html_path = os.path.join(brief_dir, "split-the-unit.html")
    html = open(html_path, encoding="utf-8").read()
    probe = tmp_path / "probe.html"
    probe.write_text(html.replace("</body>", CHECK_SCRIPT + "</body>"), encoding="utf-8")
    profile = str(tmp_path / "profile")
    r = _chromium(["--enable-logging=stderr", "--v=0", "--virtual-time-budget=10000",
                   "--window-size=1280,1800", "--dump-dom", probe.as_uri()], profile)
    assert r.returncode == 0, r.stderr[-2000:]
    m = re.search(r'<pre id="negotiation-check">(.*?)</pre>', r.stdout, re.S)
    assert m, "the page's check script did not run:\n" + r.stdout[-1000:]
    result = json.loads(m.group(1).replace("&quot;", '"').replace("&amp;", "&"))
    assert result["images"] == 3
    assert result["loaded"] == 3, result
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
    assert pdf.exists() and _pdf_pages(str(pdf)) >= 2


def test_brief_cli_subprocess(tmp_path):
    out = tmp_path / "b"
    r = subprocess.run([sys.executable, "-m", "negotiation", "brief", EXAMPLE, "-o", str(out)],
                       cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert sorted(os.listdir(out)) == ["split-the-unit.html", "split-the-unit.pdf"]
