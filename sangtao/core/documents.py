"""Administrative documents as PDF in the Decree 30/2020 layout.

A4; margins top 20, bottom 20, left 30, right 15 mm; a serif Unicode font that
renders every Vietnamese letter. Times New Roman is not free to ship, so the
document uses DejaVu Serif, installed from PyPI with matplotlib.
"""

import copy
import functools
import hashlib
import os
import threading
from collections import OrderedDict
from io import BytesIO
from pathlib import Path

import fontTools
import matplotlib
from django.conf import settings
from fontTools import subset
from fontTools.ttLib import TTFont
from fpdf import FPDF
from fpdf.fonts import SubsetMap, TTFFont

FONT_DIR = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
MARGINS_MM = {"top": 20, "bottom": 20, "left": 30, "right": 15}
BODY_SIZE = 13
FONT_FILES = {"": "DejaVuSerif.ttf", "B": "DejaVuSerif-Bold.ttf", "I": "DejaVuSerif-Italic.ttf"}


# What a document can write: Latin with every Vietnamese letter, combining marks, Greek and
# Cyrillic, punctuation, currency, letterlike symbols, arrows, mathematical operators, enclosed
# numbers, bullets, check boxes and the f-ligatures (about 2,000 of the font's 3,500 glyphs).
COVERED = ((0x0000, 0x04FF), (0x1E00, 0x1EFF), (0x2000, 0x22FF), (0x2460, 0x24FF), (0x25A0, 0x25FF),
           (0x2610, 0x2612), (0x2713, 0x2718), (0xFB00, 0xFB06))


@functools.cache
def _font_bytes(style: str) -> bytes:
    """The font cut down to what documents write: each document then subsets a font half the size
    (the subsetting fpdf2 does on every output is most of a PDF's cost). The cut takes seconds, so it
    is made once per machine and kept in CACHE_DIR, named by what it is made from."""
    source = FONT_DIR / FONT_FILES[style]
    recipe = repr((COVERED, fontTools.version)).encode()
    key = hashlib.sha256(source.read_bytes() + recipe).hexdigest()[:16]
    kept = Path(settings.CACHE_DIR) / "fonts" / f"{source.stem}-{key}.ttf"
    if kept.exists():
        return kept.read_bytes()
    cut = _cut(source)
    kept.parent.mkdir(parents=True, exist_ok=True)
    partial = kept.with_name(f"{kept.name}.{os.getpid()}")
    partial.write_bytes(cut)
    partial.replace(kept)  # whole or absent for another process reading it
    return cut


def _cut(source: Path) -> bytes:
    font = TTFont(source, recalcTimestamp=False)
    options = subset.Options(notdef_outline=True, recommended_glyphs=True, glyph_names=True, hinting=True,
                             layout_features=["*"], name_IDs=["*"], name_languages=["*"], legacy_kern=True,
                             drop_tables=[*subset.Options().drop_tables, "FFTM"])
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[code for first, last in COVERED for code in range(first, last + 1)])
    subsetter.subset(font)
    out = BytesIO()
    font.save(out)
    return out.getvalue()


@functools.cache
def _parsed_font(style: str) -> TTFFont:
    """The font as fpdf2 reads it (widths, cmap, glyph ids: tens of ms a style), read once per process."""
    return TTFFont(FPDF(), BytesIO(_font_bytes(style)), f"serif{style}", style)  # type: ignore[arg-type]  # fontTools reads a file object too


def _font_for(document: FPDF, style: str) -> TTFFont:
    """A per-document copy of the parsed font: what a document changes (the glyphs it uses, the
    font table the subsetter trims in place, the descriptor whose object number and embedded file
    its output writes) is its own; what it only reads is shared. A shared descriptor made documents
    rendered side by side in a threaded server write each other's object numbers (a KeyError: 500)."""
    parsed = _parsed_font(style)
    font = copy.copy(parsed)
    font.desc = copy.copy(parsed.desc)
    font.i = len(document.fonts) + 1
    font.ttfont = TTFont(BytesIO(_font_bytes(style)), recalcTimestamp=False, lazy=True)
    font._hbfont = None
    font.biggest_size_pt = 0
    font.missing_glyphs = []
    font.subset = SubsetMap(font)
    return font


# The fonts of recent documents, subset to the glyphs each wrote, by style and glyph set: a document
# that writes the same glyphs again (the same paper fetched again, another of a series) starts from it.
DOCUMENT_CUTS_KEPT = 64
_DOCUMENT_CUTS: OrderedDict[tuple[str, frozenset[str]], bytes] = OrderedDict()
_DOCUMENT_CUTS_LOCK = threading.Lock()  # a threaded server renders documents side by side


class AdministrativeDocument(FPDF):
    def __init__(self, title: str):
        super().__init__(orientation="P", unit="mm", format="A4")
        self.set_margins(MARGINS_MM["left"], MARGINS_MM["top"], MARGINS_MM["right"])
        self.set_auto_page_break(True, margin=MARGINS_MM["bottom"])
        for style in FONT_FILES:
            self.fonts[f"serif{style}"] = _font_for(self, style)
        self.set_title(title)
        self.set_creator("Sáng Tạo")
        self.add_page()
        self.set_font("Serif", size=BODY_SIZE)

    def footer(self) -> None:
        self.set_y(-15)
        self.set_font("Serif", size=9)
        self.cell(0, 8, str(self.page_no()), align="C")

    def header_block(self, left: list[str], right: list[str]) -> None:
        """The two-column heading: issuing body on the left, national motto on the right."""
        width = self.w - self.l_margin - self.r_margin
        top = self.get_y()
        self.set_font("Serif", "B", 10.5)
        # The motto takes 92 mm on its one line (57 %); the rest holds "SỞ KHOA HỌC VÀ CÔNG NGHỆ" on one line
        # (at 40 % it broke before its last word).
        self.multi_cell(width * 0.43 - 2, 6, "\n".join(left), align="C")
        bottom = self.get_y()
        self.set_xy(self.l_margin + width * 0.43, top)
        self.multi_cell(width * 0.57, 6, "\n".join(right), align="C")
        self.set_y(max(bottom, self.get_y()))
        self.ln(6)
        self.set_font("Serif", size=BODY_SIZE)

    def heading(self, text: str) -> None:
        self.set_font("Serif", "B", 14)
        self.multi_cell(0, 7, text, align="C")
        self.ln(3)
        self.set_font("Serif", size=BODY_SIZE)

    def paragraph(self, text: str, style: str = "") -> None:
        self.set_font("Serif", style, BODY_SIZE)
        self.multi_cell(0, 6.5, text, align="J")
        self.ln(1.5)

    def recipients_and_signer(self, recipients: list[str], position: str) -> None:
        """The foot of an administrative document (Decree 30/2020, annex I): "Nơi nhận" and its list on the
        left, the signer's position on the right with room for the signature, seal and full name."""
        half = (self.w - self.l_margin - self.r_margin) / 2
        top = self.get_y()
        self.set_font("Serif", "B", 12)
        self.cell(half, 6, "Nơi nhận:", new_x="LMARGIN", new_y="NEXT")
        self.set_font("Serif", size=11)
        for line in recipients:
            self.multi_cell(half, 5.5, f"- {line}", new_x="LMARGIN", new_y="NEXT")
        bottom = self.get_y()
        self.set_xy(self.l_margin + half, top)
        self.set_font("Serif", "B", 13)
        self.multi_cell(half, 6.5, position, align="C", new_x="LMARGIN", new_y="NEXT")
        self.set_y(max(bottom, self.get_y() + 28))  # the signature, the seal and the name are written by hand
        self.set_font("Serif", size=BODY_SIZE)

    def data_table(self, headings: list[str], rows: list[list[str]], widths: list[float]) -> None:
        self.set_font("Serif", size=10)
        # Aligned to the left margin: centred on the page (fpdf2's default) it stood 7.5 mm into the left margin.
        with super().table(col_widths=widths, align="LEFT", text_align="CENTER", line_height=5.5) as table:
            header = table.row()
            for text in headings:
                header.cell(text)
            for values in rows:
                row = table.row()
                for value in values:
                    row.cell(value)
        self.ln(3)
        self.set_font("Serif", size=BODY_SIZE)

    def long_table(self, headings: list[str], rows: list[list[str]], widths: list[float], size: float = 10) -> None:
        """A table of thousands of rows (a city's appendix): fpdf2's table() lays each cell out several
        times, which made it most of a long document's time (30 s for 3,400 rows). Here each word is
        measured once, each cell wrapped by those widths and written as plain lines in a ruled box; the
        heading row repeats at the top of every page; a row never splits across pages."""
        line, pad = size * 0.46, 1.0
        measured: dict[tuple[str, str], float] = {}

        def width_of(text: str) -> float:  # what get_string_width gives without text shaping, at a tenth of its cost
            widths: dict[int, float] = self.current_font.cw  # type: ignore[union-attr,assignment]  # a TTF font is set
            return float(sum(widths[ord(c)] for c in text)) * self.font_size_pt * 0.001 / self.k

        def wrap(text: str, width: float, style: str) -> list[str]:
            room = width - 2 * pad
            lines: list[str] = []
            for paragraph in str(text).split("\n"):
                current, used = "", 0.0
                for word in paragraph.split():
                    key = (style, word)
                    if key not in measured:
                        measured[key] = width_of(word)
                    w = measured[key]
                    while w > room and len(word) > 1:  # a word wider than its column is cut
                        if current:
                            lines.append(current)
                            current, used = "", 0.0
                        cut = max(1, int(len(word) * room / w))
                        lines.append(word[:cut])
                        word = word[cut:]
                        w = width_of(word)
                    gap = measured.setdefault((style, " "), width_of(" ")) if current else 0.0
                    if current and used + gap + w > room:
                        lines.append(current)
                        current, used = word, w
                    else:
                        current, used = (current + " " + word if current else word), used + gap + w
                lines.append(current)
            return lines

        def draw(cells: list[str], style: str) -> None:
            self.set_font("Serif", style, size)
            wrapped = [wrap(text, width, style) for text, width in zip(cells, widths, strict=True)]
            most = int((self.page_break_trigger - self.t_margin - 2 * pad) / line) - 4
            wrapped = [lines if len(lines) <= most else [*lines[:most - 1], lines[most - 1] + " …"]
                       for lines in wrapped]
            height = max(len(lines) for lines in wrapped) * line + 2 * pad
            if self.get_y() + height > self.page_break_trigger:
                self.add_page()
                if style == "":
                    draw(headings, "B")
                    self.set_font("Serif", style, size)
            top, x = self.get_y(), self.l_margin
            for lines, width in zip(wrapped, widths, strict=True):
                self.rect(x, top, width, height)
                for number, text in enumerate(lines):
                    self.text(x + pad, top + pad + number * line + line * 0.78, text)
                x += width
            self.set_y(top + height)

        draw(headings, "B")
        for values in rows:
            draw(values, "")
        self.ln(3)
        self.set_font("Serif", size=BODY_SIZE)

    def render(self) -> bytes:
        fonts = {style: self._serif(style) for style in FONT_FILES}
        keys = {style: (style, frozenset(font.subset.get_all_glyph_names())) for style, font in fonts.items()}
        with _DOCUMENT_CUTS_LOCK:
            known = {style: _DOCUMENT_CUTS.get(key) for style, key in keys.items()}
        for style, cut in known.items():
            if cut is not None:  # subsetting the cut made for these glyphs before costs a tenth
                fonts[style].ttfont = TTFont(BytesIO(cut), recalcTimestamp=False)
        data = bytes(self.output())
        for style, key in keys.items():
            cut = known[style] or _saved_with_names(fonts[style].ttfont)  # fpdf2 subset it in place
            with _DOCUMENT_CUTS_LOCK:
                _DOCUMENT_CUTS[key] = cut
                _DOCUMENT_CUTS.move_to_end(key)
                while len(_DOCUMENT_CUTS) > DOCUMENT_CUTS_KEPT:
                    _DOCUMENT_CUTS.popitem(last=False)
        return data

    def _serif(self, style: str) -> TTFFont:
        font = self.fonts[f"serif{style}"]
        assert isinstance(font, TTFFont)
        return font


def _saved_with_names(font: TTFont) -> bytes:
    post = font["post"]
    post.formatType, post.extraNames, post.mapping = 2.0, [], {}  # keep the glyph names fpdf2 asks by
    out = BytesIO()
    font.save(out)
    return out.getvalue()
