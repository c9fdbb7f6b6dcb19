"""A minimal PDF writer: text in the standard PDF fonts, rules, boxes, images, links.

Just what the brief needs, written from the PDF 1.4 specification: pages of
text in Helvetica, Helvetica-Bold and Courier (three of the fonts every PDF
reader has, so nothing is embedded), filled rectangles, lines, RGB images and
link annotations. Text is encoded as Windows-1252 (WinAnsiEncoding);
characters outside it are written without their accents, or as ``?``.
Output is deterministic (no dates, no random identifiers).

Text widths come from the fonts' Adobe metrics files, which matplotlib ships
(``mpl-data/fonts/afm``), so the layout measures exactly what is drawn.
"""

from __future__ import annotations

import os
import unicodedata
import zlib
from functools import cache, lru_cache

#: Our font names -> (PDF base font, metrics file in matplotlib's mpl-data/fonts/afm).
FONTS = {
    "F1": ("Helvetica", "phvr8a.afm"),
    "F2": ("Helvetica-Bold", "phvb8a.afm"),
    "F3": ("Courier", "pcrr8a.afm"),
}
#: Glyph names of the non-ASCII characters the brief writes (Adobe glyph names).
GLYPHS = {
    "·": "periodcentered",
    "•": "bullet",
    "—": "emdash",
    "–": "endash",
    "…": "ellipsis",
    "‘": "quoteleft",
    "’": "quoteright",
    "“": "quotedblleft",
    "”": "quotedblright",
    "×": "multiply",
    "°": "degree",
    "€": "Euro",
    "'": "quotesingle",
    "`": "grave",
}
ASCENT = 0.718  # Helvetica's cap height (em): baseline = top of line + ASCENT * size


@cache
def _metrics(font: str) -> tuple[dict[int, float], dict[str, float]]:
    """(width by character code, width by glyph name), in em, from the AFM file."""
    import matplotlib

    path = os.path.join(matplotlib.get_data_path(), "fonts", "afm", FONTS[font][1])
    by_code: dict[int, float] = {}
    by_name: dict[str, float] = {}
    with open(path, encoding="latin-1") as fh:
        for line in fh:
            if not line.startswith("C "):
                continue
            fields = dict(part.strip().split(" ", 1) for part in line.split(";") if part.strip())
            width = float(fields["WX"]) / 1000
            by_name[fields["N"]] = width
            code = int(fields["C"])
            if code >= 0:
                by_code[code] = width
    return by_code, by_name


@lru_cache(maxsize=4096)
def _char_width(ch: str, font: str) -> float:
    by_code, by_name = _metrics(font)
    if ch in GLYPHS and GLYPHS[ch] in by_name:
        return by_name[GLYPHS[ch]]
    code = ord(ch)
    if 32 <= code < 127:
        return by_code.get(code, 0.5)
    base = unicodedata.normalize("NFKD", ch)[:1]
    if base and ord(base) < 127 and base != ch:
        return _char_width(base, font)
    return by_name.get("o", 0.55)


def text_width(text: str, size: float, font: str = "F1") -> float:
    """Width of ``text`` in points at ``size`` in one of :data:`FONTS`."""
    return size * sum(_char_width(ch, font) for ch in text)


def _encode(text: str) -> bytes:
    out = bytearray()
    for ch in text:
        try:
            out += ch.encode("cp1252")
        except UnicodeEncodeError:
            base = unicodedata.normalize("NFKD", ch)[:1]
            out += base.encode("cp1252", errors="replace") if base != ch else b"?"
    return bytes(out)


def _string(text: str) -> bytes:
    data = _encode(text).replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
    return b"(" + data.replace(b"\r", b"\\r").replace(b"\n", b"\\n") + b")"


def _text_string(text: str) -> bytes:
    """A string for the document information (PDFDocEncoding for ASCII, else UTF-16)."""
    if text.isascii():
        return _string(text)
    return b"<FEFF" + text.encode("utf-16-be").hex().upper().encode() + b">"


def _rgb(color: str) -> str:
    c = color.lstrip("#")
    return " ".join(f"{int(c[j : j + 2], 16) / 255:.3f}" for j in (0, 2, 4))


class Page:
    """Drawing operations of one page; coordinates in points from the bottom left."""

    def __init__(self, width: float, height: float) -> None:
        self.width, self.height = width, height
        self.ops: list[bytes] = []
        self.links: list[tuple[tuple[float, float, float, float], str]] = []
        self.images: list[str] = []

    def text(
        self,
        x: float,
        top: float,
        text: str,
        size: float,
        font: str = "F1",
        color: str = "#000000",
        align: str = "left",
    ) -> float:
        """Text whose line starts ``top`` points below the page's top; returns its width."""
        w = text_width(text, size, font)
        if align == "right":
            x -= w
        elif align == "center":
            x -= w / 2
        y = self.height - top - ASCENT * size
        self.ops.append(
            f"BT /{font} {size:g} Tf {_rgb(color)} rg {x:.2f} {y:.2f} Td ".encode()
            + _string(text)
            + b" Tj ET"
        )
        return w

    def line(self, x0: float, y0: float, x1: float, y1: float, color: str, width: float) -> None:
        """A line between two points given from the page's top."""
        h = self.height
        self.ops.append(
            f"{_rgb(color)} RG {width:g} w {x0:.2f} {h - y0:.2f} m "
            f"{x1:.2f} {h - y1:.2f} l S".encode()
        )

    def rect(self, x: float, top: float, w: float, h: float, color: str) -> None:
        """A filled rectangle whose top edge is ``top`` points below the page's top."""
        self.ops.append(
            f"{_rgb(color)} rg {x:.2f} {self.height - top - h:.2f} {w:.2f} {h:.2f} re f".encode()
        )

    def image(self, name: str, x: float, top: float, w: float, h: float) -> None:
        self.images.append(name)
        self.ops.append(
            f"q {w:.2f} 0 0 {h:.2f} {x:.2f} {self.height - top - h:.2f} cm /{name} Do Q".encode()
        )

    def link(self, x: float, top: float, w: float, h: float, uri: str) -> None:
        self.links.append(((x, self.height - top - h, x + w, self.height - top), uri))


class Writer:
    """Pages, fonts and images assembled into one PDF file."""

    def __init__(self, title: str = "", subject: str = "") -> None:
        self.title, self.subject = title, subject
        self.pages: list[Page] = []
        self.images: dict[str, tuple[int, int, bytes]] = {}

    def page(self, width: float, height: float) -> Page:
        self.pages.append(Page(width, height))
        return self.pages[-1]

    def add_image(self, name: str, width: int, height: int, rgb: bytes) -> None:
        """An RGB image (8 bits per channel, rows top to bottom) under ``name``."""
        self.images[name] = (width, height, zlib.compress(rgb, 6))

    def to_bytes(self) -> bytes:
        objects: list[bytes] = []

        def add(body: bytes) -> int:
            objects.append(body)
            return len(objects)

        def stream(head: str, data: bytes) -> bytes:
            return f"<< {head} /Length {len(data)} >>\nstream\n".encode() + data + b"\nendstream"

        catalog = add(b"")  # filled in below
        pages_id = add(b"")
        font_ids = {
            k: add(
                f"<< /Type /Font /Subtype /Type1 /BaseFont /{base} "
                "/Encoding /WinAnsiEncoding >>".encode()
            )
            for k, (base, _) in FONTS.items()
        }
        image_ids = {
            name: add(
                stream(
                    f"/Type /XObject /Subtype /Image /Width {w} /Height {h} "
                    "/ColorSpace /DeviceRGB /BitsPerComponent 8 "
                    "/Filter /FlateDecode",
                    data,
                )
            )
            for name, (w, h, data) in self.images.items()
        }
        fonts = " ".join(f"/{k} {i} 0 R" for k, i in font_ids.items())
        kids = []
        for page in self.pages:
            content = add(stream("/Filter /FlateDecode", zlib.compress(b"\n".join(page.ops))))
            annots = [
                add(
                    b"<< /Type /Annot /Subtype /Link /Border [0 0 0] /Rect ["
                    + " ".join(f"{v:.2f}" for v in rect).encode()
                    + b"] /A << /S /URI /URI "
                    + _string(uri)
                    + b" >> >>"
                )
                for rect, uri in page.links
            ]
            xobjects = " ".join(f"/{n} {image_ids[n]} 0 R" for n in dict.fromkeys(page.images))
            resources = (
                f"<< /Font << {fonts} >>"
                + (f" /XObject << {xobjects} >>" if xobjects else "")
                + " >>"
            )
            annot_text = " /Annots [" + " ".join(f"{a} 0 R" for a in annots) + "]" if annots else ""
            kids.append(
                add(
                    f"<< /Type /Page /Parent {pages_id} 0 R /MediaBox [0 0 "
                    f"{page.width:.2f} {page.height:.2f}] /Resources {resources} "
                    f"/Contents {content} 0 R{annot_text} >>".encode()
                )
            )
        objects[pages_id - 1] = (
            f"<< /Type /Pages /Count {len(kids)} /Kids ["
            + " ".join(f"{k} 0 R" for k in kids)
            + "] >>"
        ).encode()
        objects[catalog - 1] = f"<< /Type /Catalog /Pages {pages_id} 0 R >>".encode()
        info = add(
            b"<< /Title "
            + _text_string(self.title)
            + b" /Subject "
            + _text_string(self.subject)
            + b" /Creator (negotiation) /Producer (negotiation) >>"
        )
        out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
        offsets = []
        for j, body in enumerate(objects, start=1):
            offsets.append(len(out))
            out += f"{j} 0 obj\n".encode() + body + b"\nendobj\n"
        xref = len(out)
        out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
        out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
        out += (
            f"trailer\n<< /Size {len(objects) + 1} /Root {catalog} 0 R /Info {info} 0 R >>\n"
            f"startxref\n{xref}\n%%EOF\n"
        ).encode()
        return bytes(out)
