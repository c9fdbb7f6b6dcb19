"""The brief as a document: two A4 pages, every part generated from the analysis.

1. title, date, parties;
2. the bottom line in three sentences;
3. the solutions figure (every package on every issue against the bargaining
   range), captioned with the command that redraws it;
4. the table of solutions and proposals (one row per package of every
   registered analysis), and any blocks an analysis registers for the brief;
5. the three assumptions the conclusion depends on most (with ``--sweep`` of a
   one-at-a-time sweep: its tornado, the five that move the result most, and the
   chart; with a Monte Carlo sweep the bottom line gains the probability of a deal);
6. the caveats, summarised;
7. the method, one line per method with its section of ``docs/methods.md``;
8. a link to the annex (parameters, evidence, sources).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ..formatting import join_words
from ..plot.captions import date_text
from ..registry import analyses
from .blocks import Bullets, Document, Heading, Image, Para
from .caveats import assumption_sentence, caveats
from .method import method_notes
from .outcomes import outcomes_table
from .sentences import bottom_line
from .sweeps import SweepFindings, deal_sentence, tornado_intro, tornado_sentence

if TYPE_CHECKING:  # pragma: no cover
    from ..report import Report

#: Resolution of the figure inside the brief (it prints at about 210 dpi on A4).
FIGURE_DPI = 200
FIGURE_KIND = "solutions"
#: Largest height of the figure on the printed page (inches; A4 has 10.2 of text).
FIGURE_MAX_HEIGHT = 5.0


def render_figure(report: Report) -> Image:
    """The brief's figure, rendered once to PNG (the HTML and the PDF reuse the bytes)."""
    from ..plot.captions import reproduce_command
    from ..plot.save import figure_bytes
    from ..plot.solutions import plot_solutions

    s = report.scenario
    fig = plot_solutions(report, frame=False, tabled_only=True)
    # at most about half the page: the brief has two pages
    w, h = (float(x) for x in fig.get_size_inches())
    png = figure_bytes(fig, "png", dpi=FIGURE_DPI)
    if report.deal_possible:
        caption = (
            "Figure 1. Where each solution and proposal lands on every issue. Shaded: "
            "the values an issue takes in some agreement every veto party accepts."
        )
    else:
        caption = (
            "Figure 1. No deal: where each proposal and the closest package land on every issue."
        )
    return Image(
        FIGURE_KIND,
        png,
        w,
        h,
        caption,
        reproduce_command(s.file, FIGURE_KIND),
        f"Figure 1: solutions and proposals of {s.title}, issue by issue",
        max_height=FIGURE_MAX_HEIGHT,
    )


def method_paragraph(report: Report) -> Para:
    """The method notes, one small paragraph (each with its section of docs/methods.md)."""
    return Para(" ".join(f"{text} [{ref}]" for text, ref in method_notes(report)), "small")


def build_brief(
    report: Report,
    figure: Image,
    assumptions: Sequence[Any],
    annex_name: str,
    sweeps: SweepFindings | None = None,
    method_in_annex: bool = False,
) -> Document:
    """The brief of ``report`` with its figure, the screened assumptions and the annex's
    file name (without suffix); ``sweeps``: what sweeps of the scenario add (the Monte
    Carlo probability of a deal in the bottom line, the tornado instead of the screen)."""
    s = report.scenario
    date = date_text(s)
    veto = report.veto
    doc = Document(
        title=s.title,
        meta=f"Negotiation brief · {date} · parties {join_words(s.party_names)} "
        f"(veto: {join_words(veto) or 'none'}) · scenario file "
        f"{s.file or 'scenario built in code'}",
        footer=f"{s.title} · {date}",
    )
    b = doc.blocks
    lead = bottom_line(report)
    chance = deal_sentence(sweeps) if sweeps is not None else None
    if chance:
        lead = [*lead, chance]
    b += [
        Heading("Bottom line"),
        Para(" ".join(lead), "lead"),
        figure,
        Heading("Solutions and proposals"),
        outcomes_table(report),
    ]
    for a in analyses():
        if a.brief is not None and a.key in report.results:
            b += list(a.brief(report, report.results[a.key]))
    if sweeps is not None and sweeps.tornado:
        b += [Heading("What the conclusion depends on most"), Para(tornado_intro(sweeps), "small")]
        b.append(Bullets(tuple(tornado_sentence(r) for r in sweeps.tornado), "small"))
        if sweeps.figure is not None:
            b.append(sweeps.figure)
    elif assumptions:
        b += [
            Heading("What the conclusion depends on most"),
            Para(
                "Each assumption moved alone to the ends of the range its evidence entry "
                "gives, everything else as in the file:",
                "small",
            ),
            Bullets(tuple(assumption_sentence(report, x) for x in assumptions)),
        ]
    b += [Heading("Caveats"), Bullets(tuple(caveats(report)), "small")]
    b += [
        Heading("Method"),
        # one small paragraph, not a list: the notes are references, and the brief has
        # two pages (when even so it does not fit, they go to the annex)
        Para(
            "The method notes of every analysis are in the annex, with their sections of "
            "docs/methods.md.",
            "small",
        )
        if method_in_annex
        else method_paragraph(report),
    ]
    b.append(
        Para(
            "Annex: every parameter with its value, evidence and confidence, and the sources: ",
            "small",
            link=(f"{annex_name}.html", f"{annex_name}.html"),
        )
    )
    return doc
