"""Real headless Chromium walks an expert advice session (Inno-Coffee): a ward officer asks for advice
from the programme's page, DoST schedules it with an online link and the advisers, then records the
advice; the officer reads it. Every page passes the accessibility gate at both widths."""

import datetime
import os

import pytest
from django.utils import timezone

from conftest import CHROMEDRIVER, CHROMIUM, click_and_wait, fill_in, log_in, visit
from sangtao.annual.models import AdvisorySession, SessionStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

if not (CHROMIUM and CHROMEDRIVER):
    if os.environ.get("REQUIRE_BROWSER"):
        raise RuntimeError("REQUIRE_BROWSER is set but chromium/chromedriver are not installed")
    pytest.skip("chromium and chromedriver are not installed", allow_module_level=True)

from selenium.webdriver.common.by import By  # noqa: E402


def test_a_ward_asks_for_advice_dost_schedules_and_records_it(live_server, browser, ward, ward_officer, dost):
    base = live_server.url
    log_in(browser, base, "officer2")
    visit(browser, base + "/annual/advice/")
    click_and_wait(browser, By.LINK_TEXT, "Đề nghị tư vấn")
    fill_in(browser, {"id_topic": "Trợ lý ảo trả lời thủ tục hộ tịch",
                      "id_question": "Người dân hỏi lặp lại 30 câu; nên dùng kịch bản hay mô hình ngôn ngữ?"})
    click_and_wait(browser, By.CSS_SELECTOR, "main form button.primary")
    session = AdvisorySession.objects.get()
    assert browser.current_url.endswith(session.get_absolute_url())

    log_in(browser, base, "dost")
    visit(browser, base + session.get_absolute_url())
    click_and_wait(browser, By.LINK_TEXT, "Xếp lịch / đổi lịch tư vấn")
    when = (timezone.localtime() + datetime.timedelta(days=5)).strftime("%d/%m/%Y") + " 09:00"
    fill_in(browser, {"id_scheduled_for": when, "id_place": "https://meet.example.vn/inno-coffee",
                      "id_advisers": "TS. Nguyễn Văn Minh"})
    click_and_wait(browser, By.CSS_SELECTOR, "main form button.primary")
    assert AdvisorySession.objects.get().status == SessionStatus.SCHEDULED
    # The session takes place (the journey does not wait for the clock); DoST then records the advice.
    AdvisorySession.objects.update(scheduled_for=timezone.now() - datetime.timedelta(hours=2))
    browser.refresh()
    click_and_wait(browser, By.LINK_TEXT, "Ghi nội dung đã tư vấn")
    fill_in(browser, {"id_advice": "Bắt đầu bằng kịch bản cho 30 câu hỏi thường gặp; đo tỷ lệ trả lời đúng."})
    click_and_wait(browser, By.CSS_SELECTOR, "main form button.primary")

    log_in(browser, base, "officer2")
    visit(browser, base + session.get_absolute_url())
    assert "Bắt đầu bằng kịch bản" in browser.find_element(By.TAG_NAME, "main").text
    assert AdvisorySession.objects.get().status == SessionStatus.HELD
