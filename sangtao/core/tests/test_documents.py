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
    assert first.fonts["serif"].desc is not second.fonts["serif"].desc  # each render numbers its own
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


def test_a_document_writing_the_glyphs_of_an_earlier_one_starts_from_its_cut_and_reads_the_same():
    from sangtao.core import documents

    documents._DOCUMENT_CUTS.clear()
    first = AdministrativeDocument("Một")
    first.paragraph("Quyết định số 12")
    first_text, first_glyphs = _read(first.render())
    assert len(documents._DOCUMENT_CUTS) == 3  # one cut per style, kept for the next document
    again = AdministrativeDocument("Hai")
    again.paragraph("định Quyết số 21")  # the same letters in another order
    kept = dict(documents._DOCUMENT_CUTS)
    again_text, again_glyphs = _read(again.render())
    assert "định Quyết số 21" in again_text and "Quyết định số 12" in first_text
    assert again_glyphs == first_glyphs and dict(documents._DOCUMENT_CUTS) == kept


def test_the_font_cut_is_made_once_per_machine_and_read_back_from_the_cache_directory(settings, tmp_path,
                                                                                      monkeypatch):
    from sangtao.core import documents

    settings.CACHE_DIR = tmp_path
    documents._font_bytes.cache_clear()
    try:
        made = documents._font_bytes("")
        assert [path.read_bytes() for path in (tmp_path / "fonts").iterdir()] == [made]
        documents._font_bytes.cache_clear()
        monkeypatch.setattr(documents, "_cut", lambda source: (_ for _ in ()).throw(AssertionError("cut again")))
        assert documents._font_bytes("") == made
    finally:
        documents._font_bytes.cache_clear()

