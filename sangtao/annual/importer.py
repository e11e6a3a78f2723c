"""Import last year's plans from the Excel template the platform provides.

One row per task; rows of the same unit and year make one plan. Every row is checked before
anything is written: a file with any bad row imports nothing and names each bad row. A plan
already on the platform for that unit and year (imported before, or registered by hand) is
skipped, so importing the same file again changes nothing. Imported plans are entered as plans
DoST consolidated, each move written by the platform with the file's name as the reason.

The import runs in the background (`start_import`): the person who started it follows its progress
on its job page (core.progress), reads the bad rows or the failure there and on their home, and
downloads what was imported and skipped as a CSV.
"""

import io
import tempfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sangtao.annual import services
from sangtao.annual.models import AnnualPlan, BudgetSource
from sangtao.annual.rollup import PLANNING_UNITS
from sangtao.challenges.models import Facet, Field
from sangtao.core import csv as safe_csv
from sangtao.core.audit import record
from sangtao.core.csv import append_row
from sangtao.core.errors import InvalidInput, NotAllowed
from sangtao.core.formats import file_stamp
from sangtao.core.progress import Tracker, job_text, run_failed, start_job
from sangtao.core.tasks import FailureMessage, task
from sangtao.core.text import clean, fold
from sangtao.core.uploads import check_size, check_workbook
from sangtao.core.workflow import SYSTEM, apply_move
from sangtao.orgs.models import OrgUnit

COLUMNS = ["ma_don_vi", "nam", "ten_ke_hoach", "ten_nhiem_vu", "van_de", "dich_vu_cong", "linh_vuc",
           "loai_doi_moi", "kinh_phi", "nguon_kinh_phi", "dinh_muc_chi", "don_vi_phoi_hop", "nguoi_phu_trach",
           "chi_so", "don_vi_tinh", "gia_tri_nen", "muc_tieu"]
REQUIRED = ["ma_don_vi", "nam", "ten_ke_hoach", "ten_nhiem_vu", "van_de", "dich_vu_cong", "loai_doi_moi",
            "nguoi_phu_trach"]
HEADINGS = ["Mã đơn vị", "Năm", "Tên kế hoạch", "Tên nhiệm vụ", "Vấn đề cần giải quyết", "Dịch vụ công chịu tác động",
            "Lĩnh vực", "Loại đổi mới (OPSI)", "Kinh phí (đồng)", "Nguồn kinh phí", "Định mức chi", "Đơn vị phối hợp",
            "Người phụ trách", "Chỉ số (KPI)", "Đơn vị tính", "Giá trị nền", "Mục tiêu"]


MAX_BYTES = 20 * 1024 * 1024


class ImportRefused(Exception):
    def __init__(self, problems: list[tuple[int, str]]):
        self.problems = problems
        super().__init__(f"{len(problems)} bad rows")


@dataclass
class Outcome:
    plans: int = 0
    tasks: int = 0
    skipped: int = 0
    created: list = field(default_factory=list)
    lines: list = field(default_factory=list)  # [unit code, unit, year, plan, tasks, what was done], for the result file


def template_workbook() -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "ke_hoach"
    append_row(sheet, COLUMNS)
    append_row(sheet, HEADINGS)
    append_row(sheet, ["26740", 2025, "Kế hoạch đổi mới sáng tạo năm 2025", "Số hóa hồ sơ hộ tịch",
                       "Hồ sơ giấy lưu trữ phân tán, tra cứu chậm", "Đăng ký hộ tịch", "thu-tuc-hanh-chinh",
                       "enhancement", 120000000, "unit", "Thông tư 03/2023/TT-BTC", "Công an phường",
                       "Nguyễn Văn Bình", "Thời gian tra cứu hồ sơ", "phút", 30, 5])
    guide = book.create_sheet("huong_dan")
    append_row(guide, ["Cột", "Ý nghĩa"])
    for code, heading in zip(COLUMNS, HEADINGS, strict=True):
        append_row(guide, [code, heading])
    append_row(guide, ["loai_doi_moi", ", ".join(Facet.values)])
    append_row(guide, ["nguon_kinh_phi", ", ".join(BudgetSource.values)])
    append_row(guide, ["", "Dòng 2 là tiêu đề tiếng Việt và được bỏ qua; mỗi dòng từ dòng 3 là một nhiệm vụ."])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _rows(upload) -> list[tuple[int, dict]]:
    from openpyxl import load_workbook

    check_size(upload, MAX_BYTES)
    with tempfile.NamedTemporaryFile(suffix=".xlsx") as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
        handle.flush()
        check_workbook(handle.name, upload.name)
        book = load_workbook(handle.name, read_only=True, data_only=True)
        sheet = book.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header = [clean(str(value or "")).lower() for value in next(rows, [])]
        missing = [name for name in REQUIRED if name not in header]
        if missing:
            raise InvalidInput(job_text(gettext_lazy("Tệp thiếu cột: %(cols)s. Dùng mẫu Excel của nền tảng."),
                                        cols=", ".join(missing)), field="file")
        found = []
        for number, values in enumerate(rows, start=2):
            row = {name: values[i] if i < len(values) else None for i, name in enumerate(header) if name}
            if number == 2 and clean(str(row.get("ma_don_vi") or "")) == HEADINGS[0]:
                continue  # the template's Vietnamese headings
            if all(value in (None, "") for value in row.values()):
                continue
            found.append((number, row))
        book.close()
    return found


def _text(row, name) -> str:
    value = row.get(name)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return clean(str(value if value is not None else ""))


def _check(rows, units, fields) -> tuple[list[tuple[int, str]], list[tuple[int, tuple, dict]]]:
    problems, parsed = [], []
    facets = {fold(str(label)): code for code, label in Facet.choices} | {code: code for code in Facet.values}
    for number, row in rows:
        errors = [_("thiếu «%(col)s»") % {"col": name} for name in REQUIRED if not _text(row, name)]
        unit = units.get(_text(row, "ma_don_vi"))
        if _text(row, "ma_don_vi") and unit is None:
            errors.append(_("không có đơn vị mã «%(code)s»") % {"code": _text(row, "ma_don_vi")})
        try:
            year = int(_text(row, "nam") or 0)
            if not 2000 <= year <= 2100:
                raise ValueError
        except ValueError:
            errors.append(_("năm không hợp lệ"))
            year = 0
        facet = facets.get(fold(_text(row, "loai_doi_moi")), "")
        if _text(row, "loai_doi_moi") and not facet:
            errors.append(_("loại đổi mới không thuộc danh mục"))
        source = _text(row, "nguon_kinh_phi") or BudgetSource.UNIT_BUDGET
        if source not in BudgetSource.values:
            errors.append(_("nguồn kinh phí không thuộc danh mục"))
        try:
            budget = int(Decimal(_text(row, "kinh_phi") or "0"))
            if not 0 <= budget < services.LARGEST_BUDGET:
                raise InvalidOperation
        except (InvalidOperation, ValueError):
            errors.append(_("kinh phí phải là số đồng"))
            budget = 0
        field_key = _text(row, "linh_vuc")
        field_obj = fields.get(fold(field_key)) if field_key else None
        if field_key and field_obj is None:
            errors.append(_("không có lĩnh vực «%(f)s»") % {"f": field_key})
        kpis = []
        if _text(row, "chi_so"):
            kpis.append({"name": _text(row, "chi_so"), "unit_of_measure": _text(row, "don_vi_tinh"),
                         "baseline_value": _text(row, "gia_tri_nen"), "target_value": _text(row, "muc_tieu")})
        data = {"title": _text(row, "ten_nhiem_vu"), "problem": _text(row, "van_de"),
                "public_service": _text(row, "dich_vu_cong"), "facet": facet, "budget_vnd": budget,
                "budget_source": source, "spending_norm": _text(row, "dinh_muc_chi"),
                "partners": _text(row, "don_vi_phoi_hop"), "person_in_charge": _text(row, "nguoi_phu_trach"),
                "field": field_obj, "kpis": kpis}
        if not errors:
            try:  # the same checks as a task typed in the form
                services._task_values(data)
                services._kpis(data)
            except InvalidInput as error:
                errors.append(str(error.message))
        if errors:
            problems.append((number, "; ".join(errors)))
        else:
            parsed.append((number, (unit, year, _text(row, "ten_ke_hoach")), data))
    return problems, parsed


def import_workbook(actor, upload, tracker: Tracker | None = None) -> Outcome:
    """Import the file's plans, all or nothing; `tracker`, when the import runs as a job, is told how far."""
    if not actor.has_perm("annual.import"):
        raise NotAllowed()
    rows = _rows(upload)
    if not rows:
        raise InvalidInput(gettext_lazy("Tệp không có dòng nhiệm vụ nào."), field="file")
    if tracker is not None:
        tracker.set_total(len(rows))
        tracker.advance(0, message=job_text(gettext_lazy("Kiểm tra %(n)s dòng"), n=len(rows)), force=True)
    units: dict[str, OrgUnit] = {}
    for unit in OrgUnit.objects.filter(kind__in=PLANNING_UNITS).exclude(code=""):
        units.setdefault(unit.code, unit)
    fields: dict[str, Field] = {}
    for f in Field.objects.all():
        fields[fold(f.slug)] = fields[fold(f.name)] = f
    problems, parsed = _check(rows, units, fields)
    if problems:
        raise ImportRefused(problems)
    outcome = Outcome()
    existing = set(AnnualPlan.objects.filter(unit__in={key[0] for _n, key, _d in parsed},
                                             year__in={key[1] for _n, key, _d in parsed})
                   .values_list("unit_id", "year"))
    groups: dict[tuple, list[dict]] = {}
    for number, key, data in parsed:
        if (key[0].pk, key[1]) in existing:
            outcome.skipped += 1
            outcome.lines.append([key[0].code, key[0].name, key[1], key[2], 1,
                                  _("bỏ qua dòng %(n)s: đơn vị đã có kế hoạch năm này") % {"n": number}])
            continue
        groups.setdefault(key, []).append(data)
    with translation.override(settings.LANGUAGE_CODE):  # kept in the plans' records: the site's language, whoever sent it
        reason = _("Nhập từ tệp Excel %(name)s") % {"name": clean(upload.name)}
    if tracker is not None:
        # One transaction: what it writes shows when it commits; until then the page says what it does.
        writing = job_text(gettext_lazy("Ghi %(n)s kế hoạch (tất cả hoặc không kế hoạch nào)"), n=len(groups))
        tracker.advance(outcome.skipped, message=writing, force=True)
    with transaction.atomic():
        for (unit, year, title), tasks in groups.items():
            plan = services.create_plan(actor, unit, year, title, import_key=f"{unit.code}:{year}")
            for data in tasks:
                services.save_task(plan, actor, data)
            for move in ("submit", "approve"):
                plan = apply_move(plan, move, actor=SYSTEM, reason=reason)
            plan = apply_move(plan, "consolidate", actor=actor, reason=reason,
                              changes={"consolidated_at": plan.created_at})
            services.PlanVersion.objects.create(plan=plan, number=1, content=services.snapshot(plan), reason=reason,
                                                author=actor)
            outcome.plans += 1
            outcome.tasks += len(tasks)
            outcome.created.append(plan.pk)
            outcome.lines.append([unit.code, unit.name, year, title, len(tasks), _("đã nhập")])
            if tracker is not None:
                tracker.advance(outcome.skipped + outcome.tasks)
        record(actor, "annual_plans.imported", actor, file=clean(upload.name), plans=outcome.plans,
               tasks=outcome.tasks, skipped=outcome.skipped)
    return outcome



# --- as a background job ------------------------------------------------------------------------------

def start_import(actor, upload):
    """Keep the file and queue its import; returns the JobRun the person follows."""
    if not actor.has_perm("annual.import"):
        raise NotAllowed()
    name = clean(upload.name)
    if not name.lower().endswith(".xlsx"):
        raise InvalidInput(_("Chỉ nhận tệp Excel (.xlsx) theo mẫu của nền tảng."), field="file")
    check_size(upload, MAX_BYTES)
    with transaction.atomic():
        stored = default_storage.save(f"annual-imports/{name}", upload)
        return start_job(import_file, actor, job_text(gettext_lazy("Nhập kế hoạch từ tệp «%(name)s»"), name=name),
                         back_url=reverse("annual:import"), path=stored, name=name,
                         language=translation.get_language())


def _import_failed(message: FailureMessage, run_id: str, **_arguments) -> None:
    run_failed(message, run_id)


def _result_file(outcome: Outcome) -> ContentFile:
    buffer = io.StringIO()
    buffer.write(safe_csv.BOM)
    writer = safe_csv.Writer(buffer)
    writer.writerow([_("Mã đơn vị"), _("Đơn vị"), _("Năm"), _("Kế hoạch"), _("Số nhiệm vụ"), _("Kết quả")])
    writer.writerows(outcome.lines)
    return ContentFile(buffer.getvalue().encode("utf-8"))


@task(on_failure=_import_failed)
def import_file(run_id: str, path: str, name: str, language: str | None = None) -> None:
    """The import of a kept file, as its starter (their right is checked again when it runs). Its bad rows
    and its result file are written in `language`, the language of the page the file was sent from."""
    with translation.override(language or settings.LANGUAGE_CODE):
        _import_file(run_id, path, name)


def _import_file(run_id: str, path: str, name: str) -> None:
    tracker = Tracker(run_id)
    tracker.begin()
    upload = default_storage.open(path, "rb")
    upload.name = name
    try:
        outcome = import_workbook(tracker.run.created_by, upload, tracker)
    except ImportRefused as refused:
        for number, message in refused.problems:
            tracker.error(number, "", message)
        tracker.fail(job_text(gettext_lazy("Tệp chưa được nhập: %(n)s dòng lỗi."), n=len(refused.problems)))
        return
    except InvalidInput as refused:
        tracker.fail(job_text(refused.message))  # kept in no language: said in its reader's
        return
    finally:
        upload.close()
    tracker.finish(job_text(gettext_lazy("Đã nhập %(p)s kế hoạch, %(t)s nhiệm vụ; bỏ qua %(s)s dòng đã nhập trước đó."),
                            p=outcome.plans, t=outcome.tasks, s=outcome.skipped),
                   _result_file(outcome), f"ket-qua-nhap-ke-hoach-{file_stamp(timezone.now())}.csv")
