"""The capacity exports (the benchmark as CSV or Excel, DoST's portfolio as Excel), written in the
background as jobs their requester follows (core.progress: a progress page, the file to download
when it is ready, and a failure on their home); 3,400 units took too long inside a request."""

import io

from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sangtao.capacity import benchmark as bench
from sangtao.capacity import portfolio as folio
from sangtao.capacity.models import Round
from sangtao.capacity.scores import COMPOSITE_FORMULA
from sangtao.core import csv as safe_csv
from sangtao.core.errors import NotAllowed
from sangtao.core.formats import file_stamp
from sangtao.core.progress import Tracker, job_text, run_failed, start_job
from sangtao.core.tasks import FailureMessage, task

FORMATS = ("csv", "xlsx")


def workbook_bytes(rows: list[list], title: str, notes: list[list] | None = None,
                   extra: list[tuple] | None = None) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    for row in rows:
        safe_csv.append_row(sheet, row)
    if notes:
        definitions = workbook.create_sheet(_("Định nghĩa")[:31])
        for row in notes:
            safe_csv.append_row(definitions, row)
    for name, sheet_rows in extra or []:
        sheet = workbook.create_sheet(str(name)[:31])
        for row in sheet_rows:
            safe_csv.append_row(sheet, row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: list[list]) -> bytes:
    buffer = io.StringIO()
    buffer.write(safe_csv.BOM)
    safe_csv.Writer(buffer).writerows(rows)
    return buffer.getvalue().encode("utf-8")


def _export_failed(message: FailureMessage, run_id: str, **_arguments) -> None:
    run_failed(message, run_id)


# --- the benchmark ---------------------------------------------------------------------------------

def export_benchmark(actor, round_: Round, kind: str, size: str, fmt: str):
    """Queue the benchmark of a round (filtered by kind and size band) as a file; returns its JobRun."""
    if not actor.has_perm("capacity.see_benchmark") or fmt not in FORMATS:
        raise NotAllowed()
    return start_job(write_benchmark, actor,
                     job_text(gettext_lazy("Xuất so sánh năng lực %(year)s (%(format)s)"), year=round_.year,
                              format=fmt.upper()),
                     back_url=reverse("capacity:benchmark") + f"?year={round_.year}", total=100,
                     round_id=round_.pk, kind=kind, size=size, fmt=fmt, language=translation.get_language())


@task(on_failure=_export_failed)
def write_benchmark(run_id: str, round_id: int, kind: str, size: str, fmt: str, language: str = "vi") -> None:
    tracker = Tracker(run_id)
    tracker.begin(total=100)
    with translation.override(language):
        round_ = Round.objects.select_related("rule").get(pk=round_id)
        tracker.advance(10, message=gettext_lazy("Xếp hạng các đơn vị"), force=True)
        rows = bench.rows_of(bench.ranking(round_, kind, size))
        tracker.advance(60, message=gettext_lazy("Ghi tệp"), force=True)
        table = bench.table(round_, rows)
        if fmt == "csv":
            content = csv_bytes(table)
        else:
            notes = [[str(label), str(definition)] for _key, label, definition in bench.COLUMNS] + [
                [_("Công thức"), str(COMPOSITE_FORMULA)]]
            content = workbook_bytes(table, _("Năng lực"), notes)
        tracker.advance(100)
        tracker.finish(job_text(gettext_lazy("Đã xuất %(n)s đơn vị."), n=len(rows)), ContentFile(content),
                       f"nang-luc-{round_.year}-{file_stamp(timezone.now())}.{fmt}")


# --- DoST's portfolio ------------------------------------------------------------------------------

def export_portfolio(actor, filters: dict):
    """Queue the portfolio (with the page's filters) as an Excel file; returns its JobRun."""
    if not actor.has_perm("capacity.see_portfolio"):
        raise NotAllowed()
    return start_job(write_portfolio, actor, gettext_lazy("Xuất danh mục đổi mới sáng tạo (Excel)"),
                     back_url=reverse("capacity:portfolio"), total=100, filters=filters,
                     language=translation.get_language())


def portfolio_rows(lines, counts, years) -> tuple[list[list], list[list], list[list]]:
    rows = [[_("Loại"), _("Tên"), _("Loại đổi mới (OPSI)"), _("Lĩnh vực"), _("Đơn vị"), _("Giai đoạn"), _("Năm"),
             _("Chỉ số thành công"), _("Thay đổi hài lòng (điểm %)"), _("Cận dưới"), _("Cận trên"),
             _("Năng lực đơn vị (0-10)")]]
    for line in lines:
        rows.append([str(line.kind_label), line.title, line.facet_label, line.field,
                     line.unit, line.stage, line.year, str(line.kpi_label),
                     *([round(100 * line.change.estimate, 1), round(100 * line.change.low, 1),
                        round(100 * line.change.high, 1)] if line.change else ["", "", ""]),
                     "" if line.capacity is None else round(line.capacity, 2)])
    notes = [[str(label), str(definition), counts[key]] for key, (label, definition) in folio.COUNTERS.items()]
    by_year = [[_("Năm"), *[str(folio.COUNTERS[key][0]) for key in folio.YEAR_COLUMNS], _("So với năm trước")]]
    by_year += [[row["year"], *[row[key] for key in folio.YEAR_COLUMNS],
                 "" if row["change"] is None else row["change"]] for row in years]
    return rows, notes, by_year


@task(on_failure=_export_failed)
def write_portfolio(run_id: str, filters: dict, language: str = "vi") -> None:
    tracker = Tracker(run_id)
    tracker.begin(total=100)
    with translation.override(language):
        tracker.advance(10, message=gettext_lazy("Đọc danh mục"), force=True)
        every_year = folio.portfolio_lines({k: v for k, v in filters.items() if k != "year"})
        lines = [line for line in every_year if not filters.get("year") or line.year == filters["year"]]
        tracker.advance(60, message=gettext_lazy("Ghi tệp"), force=True)
        rows, notes, by_year = portfolio_rows(lines, folio.counters(lines), folio.by_year(every_year))
        content = workbook_bytes(rows, _("Danh mục"), notes, extra=[(_("Theo năm"), by_year)])
        tracker.advance(100)
        tracker.finish(job_text(gettext_lazy("Đã xuất %(n)s việc."), n=len(lines)), ContentFile(content),
                       f"danh-muc-doi-moi-{file_stamp(timezone.now())}.xlsx")
