"""Real headless Chromium walks steps 4-5: a project from creation through a report, an overdue
escalation, acceptance and a deployment; a citizen answers the survey on a phone; the public
page then shows the outcome."""

import datetime
import os

import pytest
from django.utils import timezone

from conftest import (
    CHROMEDRIVER,
    CHROMIUM,
    assert_accessible,
    click_and_wait,
    fill_in,
    log_in,
    make_expert,
    score_all,
    set_viewport,
    visit,
)
from sangtao.challenges.models import Status
from sangtao.projects.models import Milestone, Project

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

if not (CHROMIUM and CHROMEDRIVER):
    if os.environ.get("REQUIRE_BROWSER"):
        raise RuntimeError("REQUIRE_BROWSER is set but chromium/chromedriver are not installed")
    pytest.skip("chromium and chromedriver are not installed", allow_module_level=True)

from selenium.webdriver.common.by import By  # noqa: E402


def message(browser) -> str:
    return browser.find_element(By.CSS_SELECTOR, ".messages li").text


def test_project_to_deployment_then_a_citizen_answers_and_the_outcome_is_public(
        live_server, browser, selection, dost, solver, officer, ward):
    from sangtao.projects import services as project_services
    from sangtao.review import services as review_services
    from sangtao.surveys import services as survey_services

    base = live_server.url
    first, second = selection["proposals"]
    score_all(selection["council"], {first.pk: {"1": 12, "2": 40, "3": 30}, second.pk: {"1": 8, "2": 30, "3": 20}})
    challenge = selection["challenge"]
    review_services.record_decision(challenge, dost, proposal=first, rationale="Điểm cao nhất",
                                    decided_on=datetime.date(2026, 1, 5))
    today = timezone.localdate()

    # DoST plans the project from the challenge page.
    log_in(browser, base, "dost")
    visit(browser, base + challenge.get_absolute_url())
    click_and_wait(browser, By.LINK_TEXT, "Lập dự án", what="the project form")
    fill_in(browser, {"id_starts_on": (today - datetime.timedelta(days=40)).isoformat(),
                      "id_ends_on": (today + datetime.timedelta(days=300)).isoformat(),
                      "id_ms-0-title": "Thiết kế hệ thống",
                      "id_ms-0-due_on": (today + datetime.timedelta(days=20)).isoformat(),
                      "id_ms-0-tranche_vnd": "300000000"})
    click_and_wait(browser, By.CSS_SELECTOR, "main form button.primary")
    assert "Đã lập dự án" in message(browser)
    assert_accessible(browser, what="the new project, as DoST")
    project = Project.objects.get(challenge=challenge)

    # The lead organisation reports progress; the owning unit accepts the report.
    log_in(browser, base, "solver")
    visit(browser, base + project.get_absolute_url())
    fill_in(browser, {"narrative": "Đã hoàn thành khảo sát hiện trạng."})
    click_and_wait(browser, By.XPATH, "//button[contains(., 'Gửi báo cáo')]")
    assert "Đã gửi báo cáo" in message(browser)
    assert_accessible(browser, what="the project, as the lead after reporting")
    log_in(browser, base, "officer")
    visit(browser, base + project.get_absolute_url())
    click_and_wait(browser, By.CSS_SELECTOR, "button[name=decision][value=accept]")
    assert_accessible(browser, what="the project, as the owning unit after accepting the report")

    # A milestone slips past its date: the scheduled job escalates, and the page says so.
    Milestone.objects.filter(project=project).update(due_on=today - datetime.timedelta(days=8))
    project_services.escalate_overdue()
    visit(browser, base + project.get_absolute_url())
    assert "Chậm tiến độ" in browser.find_element(By.TAG_NAME, "main").text
    assert "Lãnh đạo đơn vị chủ quản" in browser.find_element(By.TAG_NAME, "main").text
    assert_accessible(browser, what="a late project")

    # Acceptance: self-assessment, a council member's grades, DoST's conclusion.
    Milestone.objects.filter(project=project).update(completed_on=today)
    log_in(browser, base, "solver")
    visit(browser, base + project.get_absolute_url())
    fill_in(browser, {"summary": "Hoàn thành đủ sản phẩm theo hợp đồng."})
    click_and_wait(browser, By.XPATH, "//button[contains(., 'Gửi tự đánh giá')]")
    member = make_expert("nghiemthu", "Chuyên gia Nghiệm Thu")
    log_in(browser, base, "dost")
    visit(browser, base + project.get_absolute_url())
    browser.find_element(By.CSS_SELECTOR, f"#member option[value='{member.pk}']").click()
    click_and_wait(browser, By.XPATH, "//button[contains(., 'Thêm thành viên')]")
    log_in(browser, base, "nghiemthu")
    visit(browser, base + project.get_absolute_url())
    for select in browser.find_elements(By.CSS_SELECTOR, "#rate select"):
        select.find_element(By.CSS_SELECTOR, "option[value=pass]").click()
    click_and_wait(browser, By.XPATH, "//button[contains(., 'Lưu đánh giá')]")
    assert "Đã lưu đánh giá" in message(browser)
    assert_accessible(browser, what="the project, as an acceptance council member")
    log_in(browser, base, "dost")
    visit(browser, base + project.get_absolute_url())
    click_and_wait(browser, By.XPATH, "//button[contains(., 'Kết luận nghiệm thu')]")
    challenge.refresh_from_db()
    assert challenge.status == Status.EVALUATING

    # The owning unit records where the result went into service.
    log_in(browser, base, "officer")
    visit(browser, base + project.get_absolute_url())
    fill_in(browser, {"id_unit": str(ward.pk), "id_service": "Đặt lịch khám", "id_go_live_on": today.isoformat()})
    click_and_wait(browser, By.XPATH, "//button[contains(., 'Ghi nhận nơi áp dụng')]")
    assert "Đã ghi nhận nơi áp dụng" in message(browser)
    assert_accessible(browser, what="the accepted project with a deployment")

    # A citizen answers the satisfaction survey on a phone-sized screen.
    instrument = survey_services.create_sipas_instrument(dost, "SIPAS")
    survey = survey_services.create_survey(
        dost, name="Hài lòng đặt lịch khám", version=instrument.versions.get(), service="Khám bệnh ngoại trú",
        units=[ward], challenge=challenge,
        periods=[(f"Trước {today.year}", today - datetime.timedelta(days=90), today - datetime.timedelta(days=1)),
                 (f"Sau {today.year}", today, today + datetime.timedelta(days=90))])
    browser.delete_all_cookies()
    set_viewport(browser, 390, 844)
    visit(browser, base + survey.public_url(), what="the public survey")
    browser.find_element(By.CSS_SELECTOR, f"#unit option[value='{ward.pk}']").click()
    for fieldset in browser.find_elements(By.CSS_SELECTOR, "fieldset.scale"):
        fieldset.find_element(By.CSS_SELECTOR, "input[value='5']").click()
    browser.find_element(By.NAME, "consent").click()
    click_and_wait(browser, By.XPATH, "//button[contains(., 'Gửi ý kiến')]", what="the survey's thanks page")
    assert "Cảm ơn" in browser.find_element(By.TAG_NAME, "h1").text
    assert browser.execute_script("return document.documentElement.scrollWidth") <= 400  # no sideways scrolling

    # The challenge's public page shows the outcome.
    set_viewport(browser, 1280, 1000)
    visit(browser, base + challenge.get_absolute_url(), what="the challenge's public outcome")
    outcome = browser.find_element(By.ID, "ket-qua-do").text
    assert "Kết quả đo được" in outcome and "Khám bệnh ngoại trú" in outcome
