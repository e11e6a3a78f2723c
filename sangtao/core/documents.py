"""Administrative documents as PDF in the Decree 30/2020 layout.

A4; margins top 20, bottom 20, left 30, right 15 mm; a serif Unicode font that
renders every Vietnamese letter. Times New Roman is not free to ship, so the
document uses DejaVu Serif, installed from PyPI with matplotlib.
"""

from pathlib import Path

import matplotlib
from fpdf import FPDF

FONT_DIR = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
MARGINS_MM = {"top": 20, "bottom": 20, "left": 30, "right": 15}
BODY_SIZE = 13


class AdministrativeDocument(FPDF):
    def __init__(self, title: str):
        super().__init__(orientation="P", unit="mm", format="A4")
        self.set_margins(MARGINS_MM["left"], MARGINS_MM["top"], MARGINS_MM["right"])
        self.set_auto_page_break(True, margin=MARGINS_MM["bottom"])
        self.add_font("Serif", "", str(FONT_DIR / "DejaVuSerif.ttf"))
        self.add_font("Serif", "B", str(FONT_DIR / "DejaVuSerif-Bold.ttf"))
        self.add_font("Serif", "I", str(FONT_DIR / "DejaVuSerif-Italic.ttf"))
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
        self.multi_cell(width * 0.4 - 2, 6, "\n".join(left), align="C")
        bottom = self.get_y()
        self.set_xy(self.l_margin + width * 0.4, top)
        self.multi_cell(width * 0.6, 6, "\n".join(right), align="C")
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

    def data_table(self, headings: list[str], rows: list[list[str]], widths: list[float]) -> None:
        self.set_font("Serif", size=10)
        with super().table(col_widths=widths, text_align="CENTER", line_height=5.5) as table:
            header = table.row()
            for text in headings:
                header.cell(text)
            for values in rows:
                row = table.row()
                for value in values:
                    row.cell(value)
        self.ln(3)
        self.set_font("Serif", size=BODY_SIZE)

    def render(self) -> bytes:
        return bytes(self.output())
