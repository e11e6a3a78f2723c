"""DoST's roll-up (numbers equal a count from the raw rows, fixed queries), the city report built in the
background (a Decree-30 PDF with the number and city from settings, and a workbook), and the Excel import
(validated, all or nothing, row errors, idempotent)."""

import datetime
import io
import threading
import unicodedata
from collections import Counter

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from openpyxl import Workbook, load_workbook
from pypdf import PdfReader

from conftest import client_for, make_user
from sangtao.annual import services
from sangtao.annual.importer import COLUMNS, ImportRefused, import_workbook, template_workbook
from sangtao.annual.models import AnnualPlan, AnnualTask, CityReport, PlanStatus
from sangtao.annual.rollup import rollup
from sangtao.annual.tests.conftest import task_data
from sangtao.core.tasks import run_pending
from sangtao.orgs.models import OrgUnit, Role, UnitKind

MM = 72 / 25.4


def _consolidated_plan(unit, dost, year, titles, facet="enhancement"):
    officer = make_user(f"cv{unit.pk}{year}", Role.OFFICER, unit)
    leader = make_user(f"ld{unit.pk}{year}", Role.LEADER, unit)
    plan = services.create_plan(officer, unit, year, f"Kế hoạch ĐMST {year} — {unit.name}")
    for title in titles:
        services.save_task(plan, officer, task_data(title, facet=facet))
    for move, actor in (("submit", officer), ("approve", leader), ("consolidate", dost)):
        plan = services.move_plan(plan, actor, move)
    return plan


@pytest.fixture
def city_plans(city, ward, health, dost):
    other = OrgUnit.objects.create(kind=UnitKind.COMMUNE, code="27000", name="Xã Bình Hưng", parent=city)
    _consolidated_plan(ward, dost, 2026, ["Một cửa số hóa", "Trợ lý ảo hộ tịch"])
    _consolidated_plan(health, dost, 2026, ["Đặt lịch khám trực tuyến"], facet="mission")
    _consolidated_plan(other, dost, 2025, ["Bản đồ ngập"], facet="adaptive")
    return other


def test_the_rollup_lists_fields_in_dictionary_order_in_the_readers_language_and_facets_as_the_taxonomy(
        city_plans):
    from sangtao.challenges.models import Facet, Field

    digital = Field.objects.create(name="Chuyển đổi số", name_en="Digital transformation", slug="cds")
    floods = Field.objects.create(name="Chống ngập", name_en="Flood control", slug="chong-ngap")
    tasks = list(AnnualTask.objects.filter(plan__year=2026).order_by("pk"))
    AnnualTask.objects.filter(pk=tasks[0].pk).update(field=digital)
    AnnualTask.objects.filter(pk__in=[t.pk for t in tasks[1:]]).update(field=floods)
    assert [line.label for line in rollup(2026)["by_field"]] == ["Chống ngập", "Chuyển đổi số"]  # not code points
    with translation.override("en"):
        assert [line.label for line in rollup(2026)["by_field"]] == ["Digital transformation", "Flood control"]
    keys = [line.key for line in rollup(2026)["by_facet"]]
    assert keys == [code for code in Facet.values if code in keys]


def test_the_rollup_equals_a_count_from_the_raw_rows_in_a_fixed_number_of_queries(city_plans, dost):
    summary = rollup(2026)
    tasks = list(AnnualTask.objects.filter(plan__year=2026).values_list("facet", "budget_vnd"))
    by_facet = Counter(facet for facet, _b in tasks)
    assert {line.key: line.tasks for line in summary["by_facet"]} == dict(by_facet)
    assert sum(line.budget_vnd for line in summary["by_facet"]) == sum(b for _f, b in tasks)
    by_field = Counter(AnnualTask.objects.filter(plan__year=2026).values_list("field_id", flat=True))
    assert {line.key: line.tasks for line in summary["by_field"]} == dict(by_field)
    assert summary["plans"] == AnnualPlan.objects.filter(year=2026).count() == 2
    # Every year's tasks, counted by the task's own year, equal the tasks of each year's plans.
    per_plan_year = Counter(AnnualTask.objects.values_list("plan__year", flat=True))
    assert {line.key: line.tasks for line in summary["by_year"] if line.tasks} == dict(per_plan_year)
    assert all(task.year == task.plan.year for task in AnnualTask.objects.select_related("plan"))
    client = client_for(dost)
    with CaptureQueriesContext(connection) as few:
        assert client.get("/annual/rollup/?year=2026").status_code == 200
    _consolidated_plan(city_plans, dost, 2026, ["Thêm một nhiệm vụ", "Và một nữa"])
    with CaptureQueriesContext(connection) as more:
        assert client.get("/annual/rollup/?year=2026").status_code == 200
    assert len(more) == len(few)


def _words_at(page) -> list[tuple[str, float]]:
    """Each run of text on the page with the x of where it starts (pypdf's visitor)."""
    runs: list[tuple[str, float]] = []

    def seen(text, cm, tm, *_rest):
        if text.strip():
            runs.append((text, tm[4] * cm[0] + cm[4]))

    page.extract_text(visitor_text=seen)
    return runs


def test_dost_builds_the_city_report_in_the_background_pdf_and_workbook(city_plans, dost, settings):
    settings.CITY_NAME = "Thành phố Đà Nẵng"
    settings.ANNUAL_REPORT_NUMBER = "{seq:02d}/BC-SKHCN-{year}"
    report = services.request_city_report(dost, 2026)
    assert report.number == "01/BC-SKHCN-2026" and not report.ready
    run_pending()
    report = CityReport.objects.get(pk=report.pk)
    assert report.ready and (report.job.state, report.job.done, report.job.total) == ("done", 100, 100)
    reader = PdfReader(report.pdf.open("rb"))
    page = reader.pages[0]
    assert (round(float(page.mediabox.width) / MM), round(float(page.mediabox.height) / MM)) == (210, 297)
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    assert "Số: 01/BC-SKHCN-2026" in text and "Thành phố Đà Nẵng, ngày" in text
    assert "ỦY BAN NHÂN DÂN THÀNH PHỐ ĐÀ NẴNG" in text and "Hồ Chí Minh" not in text
    for title in ("Một cửa số hóa", "Trợ lý ảo hộ tịch", "Đặt lịch khám trực tuyến"):
        assert title in text
    assert "Bản đồ ngập" not in text  # another year
    assert "Nơi nhận:" in text and "GIÁM ĐỐC" in text  # the foot of a Decree-30 document, with its signer
    assert "150.000.000" in text and "(đạt" not in text  # an amount on one line; a result is not called reached
    words = [(x, content) for content, x in _words_at(page)]
    table_left = min(x for x, content in words if content.startswith("Loại đổi mới"))
    assert table_left >= 30 * MM - 1  # inside the 30 mm left margin
    sheet = load_workbook(report.workbook.open("rb")).active
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    assert sorted(r[3] for r in rows) == ["Một cửa số hóa", "Trợ lý ảo hộ tịch", "Đặt lịch khám trực tuyến"]
    assert sum(r[6] for r in rows) == 3 * 150_000_000
    response = client_for(dost).get(f"/annual/city-reports/{report.pk}/file.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"


def _workbook(rows) -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    sheet.append(COLUMNS)
    for row in rows:
        sheet.append([row.get(name) for name in COLUMNS])
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile("ke-hoach-2025.xlsx", out.getvalue())


def _row(unit_code, title, **extra):
    return {"ma_don_vi": unit_code, "nam": 2025, "ten_ke_hoach": "Kế hoạch ĐMST 2025", "ten_nhiem_vu": title,
            "van_de": "Hồ sơ giấy", "dich_vu_cong": "Hộ tịch", "loai_doi_moi": "enhancement", "kinh_phi": 1000000,
            "nguon_kinh_phi": "unit", "nguoi_phu_trach": "Anh Minh", "chi_so": "Thời gian xử lý",
            "don_vi_tinh": "ngày", "gia_tri_nen": 5, "muc_tieu": 2, **extra}


def test_the_import_is_all_or_nothing_names_bad_rows_and_is_idempotent(ward, health, dost):
    bad = [_row("26740", "Số hóa"), _row("99999", "Không có đơn vị"), _row("SOYTE", "Thiếu loại", loai_doi_moi="")]
    with pytest.raises(ImportRefused) as refused:
        import_workbook(dost, _workbook(bad))
    assert [number for number, _message in refused.value.problems] == [3, 4]
    assert AnnualPlan.objects.count() == 0
    good = [_row("26740", "Số hóa"), _row("26740", "Trợ lý ảo"), _row("SOYTE", "Đặt lịch khám", loai_doi_moi="Cải tiến")]
    outcome = import_workbook(dost, _workbook(good))
    assert (outcome.plans, outcome.tasks, outcome.skipped) == (2, 3, 0)
    plan = AnnualPlan.objects.get(unit=ward)
    assert plan.status == PlanStatus.CONSOLIDATED and plan.tasks.count() == 2
    assert plan.transitions.first().actor is None and "ke-hoach-2025.xlsx" in plan.transitions.first().reason
    again = import_workbook(dost, _workbook(good))
    assert (again.plans, again.skipped) == (0, 3)
    assert AnnualTask.objects.count() == 3


def test_the_import_runs_as_a_job_its_starter_follows_with_bad_rows_a_result_file_and_a_404_for_others(
        ward, health, dost, officer):
    from sangtao.core.models import JobRun
    from sangtao.core.workitems import work_for

    bad = [_row("26740", "Số hóa"), _row("99999", "Không có đơn vị")]
    started = client_for(dost).post("/annual/import/", {"file": _workbook(bad)})
    refused = JobRun.objects.get()
    assert started.url == refused.get_absolute_url() and refused.state == "queued" and refused.created_by == dost
    run_pending()
    refused.refresh_from_db()
    assert (refused.state, refused.total, refused.error_count) == ("failed", 2, 1) and not AnnualPlan.objects.exists()
    assert refused.errors[0]["row"] == 3 and "99999" in refused.errors[0]["message"]
    page = client_for(dost).get(refused.get_absolute_url()).content.decode()
    assert "alert error" in page and "99999" in page and 'href="/annual/import/"' in page
    # The file is at fault: the page offers to fix and send it again, never to run the same file again.
    assert refused.refused and f"/jobs/{refused.pk}/retry/" not in page and "Chạy lại" not in page
    again = client_for(dost).post(f"/jobs/{refused.pk}/retry/", follow=True).content.decode()
    assert "Chạy lại y nguyên sẽ dừng ở cùng chỗ: hãy sửa rồi gửi lại." in again and JobRun.objects.count() == 1
    [item] = [i for i in work_for(dost) if i.kind.startswith("core.job")]
    assert (item.kind, item.url) == ("core.job_failed", refused.get_absolute_url())
    good = [_row("26740", "Số hóa"), _row("26740", "Trợ lý ảo"), _row("SOYTE", "Đặt lịch khám")]
    started = client_for(dost).post("/annual/import/", {"file": _workbook(good)})
    run = JobRun.objects.exclude(pk=refused.pk).get()
    assert started.url == run.get_absolute_url()
    run_pending()
    run.refresh_from_db()
    assert (run.state, run.done, run.total) == ("done", 3, 3) and AnnualPlan.objects.count() == 2
    result = client_for(dost).get(f"/jobs/{run.pk}/result/")
    lines = b"".join(result.streaming_content).decode("utf-8-sig").splitlines()
    assert len(lines) == 3 and lines[0].startswith("Mã đơn vị") and any("26740" in line and ",2," in line
                                                                        for line in lines)
    for url in (run.get_absolute_url(), f"/jobs/{run.pk}/result/"):
        assert client_for(officer).get(url).status_code == 404
    assert client_for(officer).post("/annual/import/", {"file": _workbook(good)}).status_code == 404
    assert refused.get_absolute_url() in client_for(dost).get("/annual/import/").content.decode()
    # What a run says reads in the language of the page, whichever site it was started on.
    client_for(dost).post("/en/annual/import/", {"file": _workbook(bad)})
    third = JobRun.objects.exclude(pk__in=[refused.pk, run.pk]).get()
    with translation.override("vi"):  # as a worker runs: in the site's language
        run_pending()
    listed = client_for(dost).get("/en/annual/import/").content.decode()
    assert listed.count("Import of plans from «ke-hoach-2025.xlsx»") == 3 and "Nhập kế hoạch từ tệp" not in listed
    listed = client_for(dost).get("/annual/import/").content.decode()
    assert listed.count("Nhập kế hoạch từ tệp «ke-hoach-2025.xlsx»") == 3 and "Import of plans" not in listed
    # A bad row is described in the language of the page the file was sent from (a worker's own is Vietnamese).
    third.refresh_from_db()
    assert third.back_url == "/en/annual/import/"  # where it was sent from; its page links the reader's language
    assert 'href="/annual/import/"' in client_for(dost).get(f"/jobs/{third.pk}/").content.decode()
    assert (refused.errors[0]["message"], third.errors[0]["message"]) == (
        "không có đơn vị mã «99999»", "no unit with code “99999”")
    assert '<th scope="col">Row</th><th scope="col">Error</th>' in client_for(dost).get(  # a plan's rows name no column
        f"/en/jobs/{third.pk}/").content.decode()
    for failed in (refused, third):
        assert "The file was not imported. Rows with errors: 1." in client_for(dost).get(
            f"/en/jobs/{failed.pk}/").content.decode()
        assert "Tệp chưa được nhập: 1 dòng lỗi." in client_for(dost).get(f"/jobs/{failed.pk}/").content.decode()
    assert "Plans imported: 2; tasks: 3; rows skipped as imported before: 0." in client_for(dost).get(
        f"/en/jobs/{run.pk}/").content.decode()
    # The plans' own records keep the site's language, whichever page the file was sent from.
    client_for(dost).post("/en/annual/import/", {"file": _workbook([_row("26740", "Số hóa", nam=2026)])})
    with translation.override("vi"):
        run_pending()
    plan = AnnualPlan.objects.get(unit=ward, year=2026)
    assert {t.reason for t in plan.transitions.all()} == {"Nhập từ tệp Excel ke-hoach-2025.xlsx"}
    assert plan.versions.get().reason == "Nhập từ tệp Excel ke-hoach-2025.xlsx"


def test_the_template_is_a_workbook_the_import_reads(ward, dost):
    book = load_workbook(io.BytesIO(template_workbook()))
    assert [c.value for c in book.active[1]] == COLUMNS
    from sangtao.challenges.models import Field

    Field.objects.create(name="Thủ tục hành chính", slug="thu-tuc-hanh-chinh")
    outcome = import_workbook(dost, SimpleUploadedFile("mau.xlsx", template_workbook()))
    assert (outcome.plans, outcome.tasks) == (1, 1)


def test_the_city_report_pdf_carries_every_vietnamese_letter(ward, dost):
    from sangtao.initiatives.tests.test_pdf_letters import LETTERS

    _consolidated_plan(ward, dost, 2026, [f"Nhiệm vụ {LETTERS}", f"NHIỆM VỤ {LETTERS.upper()}"])
    report = services.request_city_report(dost, 2026)
    run_pending()
    report = CityReport.objects.get(pk=report.pk)
    text = unicodedata.normalize("NFC", " ".join(" ".join(p.extract_text() for p in PdfReader(
        report.pdf.open("rb")).pages).split()))
    assert LETTERS in text and LETTERS.upper() in text and report.number in text


def test_the_city_report_tells_its_progress_and_failure_to_its_requester_through_the_core_helper(
        city_plans, dost, monkeypatch):
    from sangtao.annual import documents
    from sangtao.core.models import JobRun
    from sangtao.core.workitems import work_for

    def broken(report, rows, late, satisfaction):
        raise OSError("no fonts")

    monkeypatch.setattr(documents, "city_report_pdf", broken)
    report = services.request_city_report(dost, 2026)
    waiting = client_for(dost).get(f"/annual/city-reports/{report.pk}/").content.decode()
    assert f'data-progress-url="/jobs/{report.job.pk}/progress.json"' in waiting and "0 / 100" in waiting
    run_pending()
    report = CityReport.objects.get(pk=report.pk)
    assert report.failure == "OSError: no fonts" and report.job.state == "failed"
    page = client_for(dost).get(f"/annual/city-reports/{report.pk}/").content.decode()
    assert "OSError: no fonts" in page and f"/jobs/{report.job.pk}/retry/" in page
    [item] = [i for i in work_for(dost) if i.kind.startswith("core.job")]
    assert item.kind == "core.job_failed" and item.url == report.job.get_absolute_url()
    assert report.number in str(item.title)
    monkeypatch.undo()
    client_for(dost).post(f"/jobs/{report.job.pk}/retry/")
    run_pending()
    report = CityReport.objects.get(pk=report.pk)
    assert report.ready and not report.failure and report.job.state == "done"
    assert JobRun.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_reports_requested_at_the_same_moment_take_different_numbers(dost):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises every writer already")
    requests = 6
    start = threading.Barrier(requests)
    numbers: list[str] = []

    def request() -> None:
        try:
            start.wait()
            numbers.append(services.request_city_report(dost, 2026).number)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=request) for _ in range(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(numbers) == [f"{n:02d}/BC-SKHCN" for n in range(1, requests + 1)]


def test_reports_are_numbered_from_01_in_each_year_of_issue_whatever_year_they_report_on(dost):
    first, second = services.request_city_report(dost, 2025), services.request_city_report(dost, 2026)
    assert (first.number, second.number) == ("01/BC-SKHCN", "02/BC-SKHCN")
    CityReport.objects.filter(pk__in=[first.pk, second.pk]).update(
        requested_at=timezone.now() - datetime.timedelta(days=400))  # issued last year
    assert services.request_city_report(dost, 2026).number == "01/BC-SKHCN"


def test_a_plan_being_amended_stays_in_the_citys_report_of_its_year(city_plans, ward, dost):
    from sangtao.annual.rollup import city_rows

    plan = AnnualPlan.objects.get(unit=ward, year=2026)
    before = sorted(row.title for row in city_rows(2026))
    officer = plan.unit.memberships.get(role=Role.OFFICER).user
    plan = services.amend_plan(plan, officer, "Bổ sung nhiệm vụ")
    services.save_task(plan, officer, task_data("Nhiệm vụ chưa ai duyệt"))
    services.submit_plan(plan, officer)  # the new version awaits the leader
    rows = city_rows(2026)
    assert sorted(row.title for row in rows) == before  # as DoST consolidated it, not the unapproved task
    amended = [row for row in rows if row.unit == ward.name]
    assert {row.status for row in amended} == {"Đang điều chỉnh (theo phiên bản đã tổng hợp)"}
    assert amended[0].kpis == [("Thời gian xử lý hồ sơ: 5 → 1 ngày", None, None, None, "")]


def test_the_city_report_counts_spending_norms_and_ip_terms_and_lists_the_reports_still_owed(city, ward, health, dost):
    from sangtao.annual.tests.conftest import consolidated_in_january

    late = _consolidated_plan(ward, dost, 2026, ["Một cửa số hóa"])
    consolidated_in_january(late)  # taken in before its 6-month report fell due, which it never sent
    on_time = _consolidated_plan(health, dost, 2026, ["Đặt lịch khám trực tuyến"])
    AnnualTask.objects.filter(plan=on_time).update(spending_norm="", ip_terms="Bên đặt hàng sở hữu mã nguồn")
    report = services.request_city_report(dost, 2026)
    run_pending()
    report = CityReport.objects.get(pk=report.pk)
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(report.pdf.open("rb")).pages).split())
    assert "1/2 nhiệm vụ ghi định mức chi áp dụng; 1/2 nhiệm vụ ghi thỏa thuận về sở hữu trí tuệ" in text
    assert "Thông tư 03/2023/TT-BTC 1" in text  # the norm applied, with its number of tasks
    assert "1 báo cáo đã đến hạn mà đơn vị chưa gửi Sở Khoa học và Công nghệ" in text and "Báo cáo 6 tháng" in text
    book = load_workbook(report.workbook.open("rb"))
    tasks = {row[3]: row[-2:] for row in book.worksheets[0].iter_rows(min_row=3, values_only=True)}
    assert tasks["Đặt lịch khám trực tuyến"] == (None, "Bên đặt hàng sở hữu mã nguồn")
    assert tasks["Một cửa số hóa"][0] == "Thông tư 03/2023/TT-BTC"
    owed = list(book["Chưa nộp báo cáo"].iter_rows(min_row=2, values_only=True))
    assert [(unit, period) for unit, period, _due in owed] == [(ward.name, "Báo cáo 6 tháng")]


def test_the_roll_up_of_a_year_without_plans_says_it_has_no_tasks_instead_of_empty_tables(dost):
    page = client_for(dost).get("/annual/rollup/", {"year": 2031}).content.decode()
    assert page.count("Chưa có nhiệm vụ nào.") == 2  # by field and by kind of innovation
