"""PDF documents read their fonts once per process; each document still embeds only what it writes."""

import io

import pypdf
from fontTools.ttLib import TTFont

from sangtao.core.documents import AdministrativeDocument


def _read(data: bytes) -> tuple[str, dict[str, int]]:
    """The first page's text, and the number of glyphs of each embedded font by name."""
    page = pypdf.PdfReader(io.BytesIO(data)).pages[0]
    glyphs = {}
    for font in page["/Resources"]["/Font"].values():
        descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
        embedded = TTFont(io.BytesIO(descriptor["/FontFile2"].get_object().get_data()))
        glyphs[str(font["/BaseFont"]).split("+")[-1]] = len(embedded.getGlyphOrder())
    return page.extract_text(), glyphs


def test_documents_share_the_parsed_font_but_not_what_they_use():
    first = AdministrativeDocument("Một")
    first.paragraph("Quyết định")
    second = AdministrativeDocument("Hai")
    second.paragraph("Ωμέγα, Щука, “ngoặc kép” ≤ 5 → ổn định")
    second.paragraph("Điều 1.", "B")
    assert first.fonts["serif"].subset is not second.fonts["serif"].subset
    assert first.fonts["serif"].ttfont is not second.fonts["serif"].ttfont
    first_text, first_glyphs = _read(first.render())
    second_text, second_glyphs = _read(second.render())
    assert "Quyết định" in first_text
    assert "Ωμέγα, Щука, “ngoặc kép” ≤ 5 → ổn định" in second_text and "Điều 1." in second_text
    assert set(first_glyphs) == {"DejaVuSerifBook"} and set(second_glyphs) == {"DejaVuSerifBook", "DejaVuSerifBold"}
    assert first_glyphs["DejaVuSerifBook"] < second_glyphs["DejaVuSerifBook"] < 60  # each embeds its own few glyphs
    # A third document is not affected by what the second wrote.
    third = AdministrativeDocument("Ba")
    third.paragraph("Quyết định")
    assert _read(third.render()) == (first_text, first_glyphs)
