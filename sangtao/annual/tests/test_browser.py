"""Real headless Chromium walks an annual plan: a ward officer registers a plan with two tasks, the
leader approves, DoST consolidates; the 6-month report is late and the reminder and escalations arrive;
the annual report records KPI results; DoST builds the city report and the PDF is opened and checked."""

import datetime
import io
import os
import urllib.request
import zipfile

import pytest
from django.utils import timezone

from conftest import CHROMEDRIVER, CHROMIUM, assert_accessible, click_and_wait, fill_in, log_in, visit
from sangtao.annual import services
from sangtao.annual.models import AnnualPlan, CityReport, PlanStatus, ReportNotice
from sangtao.annual.tests.conftest import consolidated_in_january
from sangtao.core.tasks import run_pending
from sangtao.notifications.models import Notification

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

if not (CHROMIUM and CHROMEDRIVER):
    if os.environ.get("REQUIRE_BROWSER"):
        raise RuntimeError("REQUIRE_BROWSER is set but chromium/chromedriver are not installed")
    pytest.skip("chromium and chromedriver are not installed", allow_module_level=True)

from selenium.webdriver.common.by import By  # noqa: E402


def _add_task(browser, base, plan, title, kpi, baseline, target):
    visit(browser, base + f"/annual/{plan.pk}/tasks/new/")
    fill_in(browser, {"id_title": title, "id_problem": "Người dân phải đi lại nhiều lần.",
                     "id_public_service": "Đăng ký hộ tịch", "id_facet": "enhancement", "id_budget_vnd": "0",
                     "id_budget_source": "none", "id_person_in_charge": "Phạm Thu Hà", "id_kpi-0-name": kpi,
                     "id_kpi-0-unit_of_measure": "ngày", "id_kpi-0-baseline_value": baseline,
                     "id_kpi-0-target_value": target})
    click_and_wait(browser, By.CSS_SELECTOR, "#task-form button.primary")


def _confirm(browser, label) -> None:
    """Follow a move's button to its confirmation page and confirm it."""
    click_and_wait(browser, By.LINK_TEXT, label)
    assert "/move/" in browser.current_url, (browser.current_url, browser.find_element(By.TAG_NAME, "main").text[:500])
    click_and_wait(browser, By.CSS_SELECTOR, "main form button.primary")


def _move(browser, base, plan, username, label):
    log_in(browser, base, username)
    visit(browser, base + plan.get_absolute_url())
    _confirm(browser, label)


def test_a_ward_plan_from_registration_to_the_city_report(live_server, browser, ward, ward_officer, ward_leader,
                                                          dost, settings, tmp_path):
    base = live_server.url
    year = timezone.localdate().year
    log_in(browser, base, "officer2")
    visit(browser, base + "/annual/new/")
    fill_in(browser, {"id_year": str(year), "id_title": "Kế hoạch đổi mới sáng tạo của Phường Sài Gòn"})
    click_and_wait(browser, By.CSS_SELECTOR, "main form button.primary")
    plan = AnnualPlan.objects.get()
    _add_task(browser, base, plan, "Một cửa số hóa hồ sơ hộ tịch", "Thời gian giải quyết", "5", "1")
    _add_task(browser, base, plan, "Trợ lý ảo trả lời thủ tục", "Thời gian chờ trả lời", "3", "0")
    assert "Trợ lý ảo trả lời thủ tục" in browser.page_source
    # The ward declares its innovation working group from the plan's page.
    click_and_wait(browser, By.LINK_TEXT, "Khai báo tổ công tác")
    fill_in(browser, {"id_decision_number": "05/QĐ-UBND", "id_decided_on": f"10/01/{year}",
                     "id_member-0-full_name": "Lê Văn Tám", "id_member-0-job_title": "Phó Chủ tịch UBND phường",
                     "id_member-1-full_name": "Ngô Thị Hoa"})
    click_and_wait(browser, By.CSS_SELECTOR, "main form button.primary")
    assert "Ngô Thị Hoa" in browser.page_source and "Tổ trưởng" in browser.page_source
    visit(browser, base + plan.get_absolute_url())
    _confirm(browser, "Trình lãnh đạo đơn vị")
    _move(browser, base, plan, "leader2", "Duyệt, gửi Sở KH&CN")
    _move(browser, base, plan, "dost", "Tổng hợp vào kế hoạch thành phố")
    assert AnnualPlan.objects.get().status == PlanStatus.CONSOLIDATED
    consolidated_in_january(plan)  # the journey's year runs faster than the clock: taken in before June

    # The 6-month report's due date has passed (the demo year runs to November): the hourly job reminds and escalates.
    half = services.report_calendar(year)[0][1]
    assert services.remind_and_escalate_reports(half + datetime.timedelta(days=20)) == 3  # officer, leader, DoST
    assert ReportNotice.objects.filter(plan=plan, level=ReportNotice.Level.DOST).exists()
    log_in(browser, base, "officer2")
    visit(browser, base + "/notifications/")
    assert "Quá hạn" in browser.page_source

    # The annual report records the KPI results; the leader approves it.
    visit(browser, base + plan.get_absolute_url())
    buttons = browser.find_elements(By.CSS_SELECTOR, "#reports form button")
    click_and_wait(browser, By.XPATH, "(//section[@id='reports']//form/button)[last()]")
    assert len(buttons) == 2
    kpis = list(plan.tasks.order_by("position").values_list("kpis__pk", flat=True))
    fill_in(browser, {"id_narrative": "Hoàn thành hai nhiệm vụ.", f"id_kpi{kpis[0]}-value": "2",
                     f"id_kpi{kpis[0]}-source": "Phần mềm hộ tịch", f"id_kpi{kpis[1]}-value": "0"})
    click_and_wait(browser, By.CSS_SELECTOR, "main form button.primary")
    # One file kept for the report, tagged with a PAR INDEX and a PII indicator it supports.
    evidence = tmp_path / "quyet-dinh-to-cong-tac.pdf"
    evidence.write_bytes(b"%PDF-1.4\n%test\n")
    fill_in(browser, {"id_title": "Quyết định thành lập tổ công tác"})
    browser.find_element(By.ID, "id_file").send_keys(str(evidence))
    for code in ("1.5", "6.1.1"):
        browser.find_element(By.XPATH, f"//label[contains(., '{code}:')]/input").click()
    click_and_wait(browser, By.XPATH, "//section[@id='evidence']//button[contains(., 'Tải minh chứng lên')]")
    _confirm(browser, "Trình lãnh đạo đơn vị")
    report = plan.reports.get()
    log_in(browser, base, "leader2")
    visit(browser, base + report.get_absolute_url())
    _confirm(browser, "Duyệt, gửi Sở KH&CN")
    assert "Đạt mục tiêu" in browser.page_source  # 0 of a target of 0 days' wait

    # DoST builds the city report in the background and opens the PDF.
    settings.ANNUAL_REPORT_NUMBER = "{seq}/BC-SKHCN"
    log_in(browser, base, "dost")
    visit(browser, base + f"/annual/rollup/?year={year}")
    click_and_wait(browser, By.CSS_SELECTOR, "#city-report button.primary")
    assert "Đang lập báo cáo" in browser.page_source
    run_pending()
    browser.refresh()
    assert_accessible(browser, what="the roll-up with the city report built")
    link = browser.find_element(By.ID, "city-pdf").get_attribute("href")
    cookie = "; ".join(f"{c['name']}={c['value']}" for c in browser.get_cookies())
    with urllib.request.urlopen(urllib.request.Request(link, headers={"Cookie": cookie})) as response:  # noqa: S310
        assert response.headers["Content-Type"] == "application/pdf"
        content = response.read()
    from pypdf import PdfReader

    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages).split())
    assert f"Số: {CityReport.objects.get().number}" in text and "Một cửa số hóa hồ sơ hộ tịch" in text
    assert "Phường Sài Gòn" in text and Notification.objects.filter(recipient=dost).exists()

    # DoST gathers the year's evidence by indicator and takes every file at once, a folder per indicator.
    visit(browser, base + f"/annual/rollup/?year={year}")
    click_and_wait(browser, By.PARTIAL_LINK_TEXT, "Minh chứng theo chỉ số")
    sections = browser.find_elements(By.CSS_SELECTOR, "main section.panel")
    assert sum("Quyết định thành lập tổ công tác" in section.text for section in sections) == 2
    click_and_wait(browser, By.XPATH, "//button[contains(., 'ZIP')]")
    run_pending()
    browser.refresh()
    assert_accessible(browser, what="the evidence archive's job, done")
    result = browser.find_element(By.LINK_TEXT, "Tải tệp kết quả").get_attribute("href")
    with urllib.request.urlopen(urllib.request.Request(result, headers={"Cookie": cookie})) as response:  # noqa: S310
        names = zipfile.ZipFile(io.BytesIO(response.read())).namelist()
    assert {name.split("/")[0] for name in names if "/" in name} == {"PAR_1.5", "PII_6.1.1"}
