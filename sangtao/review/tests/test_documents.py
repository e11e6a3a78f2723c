"""The council minutes as an administrative PDF, the Excel export, and Vietnamese formats."""

import datetime
from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from conftest import SELECTION_WORLD, module_world, score_all, selection_world
from sangtao.core.formats import long_date, number, vnd
from sangtao.review.export import scores_workbook
from sangtao.review.minutes import minutes_pdf
from sangtao.review.models import Council

globals().update(module_world(selection_world, SELECTION_WORLD))  # a council with its proposals, built once

MM = 72 / 25.4


@pytest.mark.parametrize(("day", "text"), [
    (datetime.date(2020, 3, 5), "ngày 05 tháng 3 năm 2020"),
    (datetime.date(2026, 1, 15), "ngày 15 tháng 01 năm 2026"),
    (datetime.date(2026, 2, 9), "ngày 09 tháng 02 năm 2026"),
    (datetime.date(2026, 11, 22), "ngày 22 tháng 11 năm 2026"),
])
def test_long_dates_follow_decree_30(day, text):
    assert long_date(day) == text


def test_numbers_use_dot_thousands_and_comma_decimals():
    assert number(1234.5, 1) == "1.234,5"
    assert vnd(1_000_000_000) == "1.000.000.000 đ"


@pytest.mark.django_db
def test_minutes_pdf_is_a4_with_every_diacritic_and_the_results(selection):
    council = selection["council"]
    Council.objects.filter(pk=council.pk).update(session_date=datetime.date(2026, 2, 5), location="Hà Nội")
    first, second = selection["proposals"]
    score_all(council, {first.pk: {"1": 12, "2": 40, "3": 30}, second.pk: {"1": 8, "2": 30, "3": 20}})
    council.refresh_from_db()
    reader = PdfReader(BytesIO(minutes_pdf(council)))
    page = reader.pages[0]
    assert (round(float(page.mediabox.width) / MM), round(float(page.mediabox.height) / MM)) == (210, 297)
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    assert "ngày 05 tháng 02 năm 2026" in text
    assert "BIÊN BẢN" in text and "Thư ký khoa học" in text
    assert "Hệ thống đặt lịch khám thông minh" in text and "82,00" in text and "Không đạt" in text
    assert "điểm trung bình tối thiểu 70/100" in text and "TC 1 (15)" in text
    council.rubric.__class__.objects.filter(pk=council.rubric_id).update(pass_mean_total=Decimal("70.50"))
    council = Council.objects.get(pk=council.pk)
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(BytesIO(minutes_pdf(council))).pages).split())
    assert "điểm trung bình tối thiểu 70,5/100" in text  # as the rubric says it, not rounded to 70
    fonts = {str(font) for p in reader.pages for font in p["/Resources"]["/Font"].values()}
    assert fonts  # embedded Unicode font (DejaVu Serif), so ư, ơ, đ and every tone render


@pytest.mark.django_db
def test_excel_export_anonymises_members_per_policy(selection):
    council = selection["council"]
    first, second = selection["proposals"]
    score_all(council, {first.pk: {"1": 12, "2": 40, "3": 30}, second.pk: {"1": 8, "2": 30, "3": 20}})
    workbook = load_workbook(BytesIO(scores_workbook(council)))
    rows = list(workbook["Phiếu chấm"].iter_rows(values_only=True))
    names = {expert.user.display_name for expert in selection["experts"]}
    assert len(rows) == 1 + 14
    assert not names & {cell for row in rows for cell in row}
    assert {row[2] for row in rows[1:]} == {f"Thành viên {n}" for n in range(1, 8)}
    summary = list(workbook["Kết quả"].iter_rows(values_only=True))
    assert any(row[0] == f"HS-{first.pk}" and 82.0 in row for row in summary)
    Council.objects.filter(pk=council.pk).update(anonymise_exports=False)
    council.refresh_from_db()
    rows = list(load_workbook(BytesIO(scores_workbook(council)))["Phiếu chấm"].iter_rows(values_only=True))
    assert names <= {row[2] for row in rows[1:]}
