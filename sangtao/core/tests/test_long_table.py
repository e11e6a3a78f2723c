"""The long table of administrative documents (the city's appendix of every task): every word of
every cell is written, wrapped inside its column, the heading row repeats on each page, a word wider
than its column is cut rather than spilling over, and Vietnamese letters survive."""

import io

from pypdf import PdfReader

from sangtao.core.documents import AdministrativeDocument

HEADINGS = ["Đơn vị", "Nhiệm vụ", "Kinh phí"]


def _pages(rows, widths=(40, 80, 40)) -> list[str]:
    doc = AdministrativeDocument("Phụ lục")
    doc.long_table(HEADINGS, rows, list(widths))
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(doc.render())).pages]


def test_every_cell_is_written_and_the_heading_repeats_on_every_page():
    rows = [[f"Phường số {i}", f"Nhiệm vụ {i}: số hóa hồ sơ đăng ký hộ tịch và chứng thực điện tử tại bộ phận "
             f"một cửa của phường, kết nối cơ sở dữ liệu quốc gia về dân cư", f"{i * 10}.000.000 đ"] for i in range(300)]
    pages = _pages(rows)
    assert len(pages) > 10
    for page in pages:
        assert page.startswith("Đơn vị Nhiệm vụ Kinh phí")
    text = " ".join(pages)
    for i in (0, 151, 299):
        assert f"Phường số {i} Nhiệm vụ {i}: số hóa hồ sơ đăng ký hộ tịch" in text
        assert f"cơ sở dữ liệu quốc gia về dân cư {i * 10}.000.000 đ" in text


def test_a_word_wider_than_its_column_is_cut_inside_it():
    word = "Khôngkhoảngtrắng" * 6
    pages = _pages([["Xã Bình Hưng", word, "1 đ"]], widths=(40, 30, 40))
    assert "".join(pages[0].split()).count("Khôngkhoảngtrắng") == 6
