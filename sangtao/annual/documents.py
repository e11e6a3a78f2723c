"""The city's consolidated annual report on innovation tasks: a Decree-30 PDF and an Excel workbook.

An administrative document is written in Vietnamese whatever the reader's interface language; the
city's name, DoST's name and the document number come from settings, never from code.
"""

import datetime
import io
from collections import Counter

from django.conf import settings
from django.utils import timezone

from sangtao.annual.models import CityReport, ReportPeriod
from sangtao.annual.rollup import CityRow, SatisfactionLine
from sangtao.core import formats
from sangtao.core.csv import append_row
from sangtao.core.documents import AdministrativeDocument


def _number(value) -> str:
    return "—" if value is None else formats.plain_number(value)


LATE_LISTED = 200  # late reports listed in the PDF; the workbook lists them all
NORMS_LISTED = 10  # the spending norms applied most often


Late = list[tuple[str, ReportPeriod, datetime.date]]  # (unit, period, due date), as services.missing_reports gives them


def _norms_and_ip(doc: AdministrativeDocument, rows: list[CityRow]) -> None:
    """Brief §8: units lacked a spending norm for contests and experts, and clear IP terms with firms."""
    with_norm = [r.spending_norm.strip() for r in rows if r.spending_norm.strip()]
    with_ip = sum(1 for r in rows if r.ip_terms.strip())
    doc.paragraph(f"{len(with_norm)}/{len(rows)} nhiệm vụ ghi định mức chi áp dụng; {with_ip}/{len(rows)} nhiệm vụ "
                  "ghi thỏa thuận về sở hữu trí tuệ. Danh sách nhiệm vụ chưa ghi có trong tệp Excel kèm theo.")
    common = Counter(with_norm).most_common(NORMS_LISTED)
    if common:
        doc.data_table(["Định mức chi áp dụng", "Số nhiệm vụ"], [[norm, str(n)] for norm, n in common], [130, 35])


def _late_reports(doc: AdministrativeDocument, late: Late) -> None:
    today = formats.short_date(timezone.localdate())
    if not late:
        doc.paragraph(f"Đến ngày {today}, mọi đơn vị đã nộp các báo cáo đến hạn.")
        return
    first = f"; {LATE_LISTED} báo cáo đầu tiên dưới đây, đủ danh sách trong tệp Excel" if len(late) > LATE_LISTED else ""
    doc.paragraph(f"Đến ngày {today}, {len(late)} báo cáo đã đến hạn mà đơn vị chưa gửi Sở Khoa học và Công nghệ "
                  f"(chưa được lãnh đạo đơn vị duyệt{first}).")
    doc.long_table(["Đơn vị", "Kỳ báo cáo", "Hạn nộp"],
                   [[unit, period.name, formats.short_date(due)] for unit, period, due in late[:LATE_LISTED]],
                   [80, 50, 35])


def _points(share: float | None) -> str:
    return "—" if share is None else formats.plain_number(round(share * 100, 1), 1)


def _satisfaction(doc: AdministrativeDocument, lines: list[SatisfactionLine]) -> None:
    """Computed from the platform's surveys around the day each task applied its solution, never typed."""
    if not lines:
        doc.paragraph("Chưa có nhiệm vụ nào gắn khảo sát hài lòng của dịch vụ và ngày đưa giải pháp vào áp dụng.")
        return
    measured = [line for line in lines if line.change is not None]
    doc.paragraph(f"{len(lines)} nhiệm vụ gắn khảo sát hài lòng của dịch vụ; {len(measured)} nhiệm vụ đủ số phiếu trước "
                  "và sau ngày áp dụng để tính thay đổi (tỷ lệ hài lòng, điểm phần trăm, khoảng tin cậy 95%).")
    doc.long_table(["Đơn vị", "Nhiệm vụ", "Trước (%)", "Sau (%)", "Thay đổi (điểm %)"], [
        [line.unit, line.title, _points(line.before), _points(line.after),
         "—" if line.change is None else
         f"{_points(line.change[0])} ({_points(line.change[1])}; {_points(line.change[2])})"]
        for line in lines], [35, 55, 20, 20, 35])


def city_report_pdf(report: CityReport, rows: list[CityRow], late: Late,
                    satisfaction: list[SatisfactionLine]) -> bytes:
    city = settings.CITY_NAME
    doc = AdministrativeDocument(f"Báo cáo kết quả thực hiện nhiệm vụ đổi mới sáng tạo năm {report.year}")
    # The city's council on two lines: a city's name alone fits the heading's column, "UBND " before it may not.
    doc.header_block(["ỦY BAN NHÂN DÂN", city.upper(), settings.CITY_DOST_NAME.upper(), f"Số: {report.number}"],
                     ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"])
    doc.set_font("Serif", "I", 13)
    doc.cell(0, 7, f"{city}, {formats.long_date(timezone.localdate())}", align="R", new_x="LMARGIN", new_y="NEXT")
    doc.ln(4)
    doc.heading(f"BÁO CÁO\nKết quả thực hiện nhiệm vụ đổi mới sáng tạo trong quản lý nhà nước năm {report.year}")
    units = {r.unit for r in rows}
    budget = sum(r.budget_vnd for r in rows)
    doc.paragraph(f"Năm {report.year}, {len(units)} đơn vị có kế hoạch đổi mới sáng tạo được Sở Khoa học và Công "
                  f"nghệ tổng hợp, với {len(rows)} nhiệm vụ và tổng kinh phí {formats.vnd(budget)}.")
    doc.paragraph("I. Nhiệm vụ theo loại đổi mới", "B")
    by_facet = Counter(r.facet for r in rows)
    doc.data_table(["Loại đổi mới (OPSI)", "Số nhiệm vụ"], [[k, str(v)] for k, v in sorted(by_facet.items())],
                   [110, 55])
    doc.paragraph("II. Nhiệm vụ và kết quả theo chỉ số", "B")
    table = []
    for r in rows:
        # The latest measured value as "kết quả", not "đạt": a value short of the target was read as reached.
        kpis = "; ".join(name if base is None and target is None else  # as a version wrote it
                         f"{name}: {_number(base)} → {_number(target)} {uom}"
                         + (f" (kết quả {_number(latest)})" if latest is not None else "")
                         for name, base, target, latest, uom in r.kpis) or "—"
        table.append([r.unit, r.title, r.facet, formats.number(r.budget_vnd), kpis])
    # Amounts in đồng in a column wide enough for 9.999.999.999 on one line (they broke before the last digit).
    doc.long_table(["Đơn vị", "Nhiệm vụ", "Loại", "Kinh phí (đồng)", "Chỉ số: nền → mục tiêu (kết quả)"], table,
                   [28, 42, 20, 29, 46])
    doc.ln(2)
    doc.paragraph("III. Định mức chi và sở hữu trí tuệ", "B")
    _norms_and_ip(doc, rows)
    doc.paragraph("IV. Mức độ hài lòng trước và sau khi áp dụng", "B")
    _satisfaction(doc, satisfaction)
    doc.paragraph("V. Báo cáo đến hạn chưa nộp", "B")
    _late_reports(doc, late)
    doc.ln(4)
    doc.recipients_and_signer([f"UBND {city};", "Các sở, ban, ngành; UBND các phường, xã, đặc khu;", "Lưu: VT."],
                              "GIÁM ĐỐC")
    return doc.render()


def city_workbook(report: CityReport, rows: list[CityRow], late: Late, satisfaction: list[SatisfactionLine]) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)  # streamed: 34,000 lines took 35 s as an ordinary workbook
    sheet = book.create_sheet(f"DMST {report.year}")
    append_row(sheet, [f"{settings.CITY_DOST_NAME} — {report.number}", f"{settings.CITY_NAME}", report.year])
    append_row(sheet, ["Đơn vị", "Loại đơn vị", "Trạng thái", "Nhiệm vụ", "Lĩnh vực", "Loại đổi mới (OPSI)",
                       "Kinh phí (đồng)", "Dịch vụ công", "Chỉ số", "Giá trị nền", "Mục tiêu", "Kết quả mới nhất",
                       "Đơn vị tính", "Định mức chi áp dụng", "Thỏa thuận sở hữu trí tuệ"])
    for r in rows:
        for name, base, target, latest, uom in r.kpis or [("", None, None, None, "")]:
            append_row(sheet, [r.unit, r.kind, r.status, r.title, r.field, r.facet, r.budget_vnd, r.public_service,
                               name, base, target, latest, uom, r.spending_norm, r.ip_terms])
    surveyed = book.create_sheet("Hài lòng")
    append_row(surveyed, ["Đơn vị", "Nhiệm vụ", "Dịch vụ công", "Tỷ lệ hài lòng trước", "Tỷ lệ hài lòng sau",
                          "Thay đổi", "Cận dưới 95%", "Cận trên 95%"])
    for line in satisfaction:
        append_row(surveyed, [line.unit, line.title, line.service, line.before, line.after,
                              *(line.change or (None, None, None))])
    owed = book.create_sheet("Chưa nộp báo cáo")
    append_row(owed, ["Đơn vị", "Kỳ báo cáo", "Hạn nộp"])
    for unit, period, due in late:
        append_row(owed, [unit, period.name, due])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
