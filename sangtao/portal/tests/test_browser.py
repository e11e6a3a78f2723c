"""Real headless Chromium walks a visitor and the full approval path.

Skipped only when Chromium is missing and REQUIRE_BROWSER is unset; CI sets it.
"""

import os

import pytest

from conftest import (
    CHROMEDRIVER,
    CHROMIUM,
    POLL,
    assert_accessible,
    challenge_data,
    click_and_wait,
    fill_in,
    log_in,
    visit,
)
from sangtao.challenges import services
from sangtao.challenges.models import Challenge, Status

if not (CHROMIUM and CHROMEDRIVER):
    if os.environ.get("REQUIRE_BROWSER"):
        raise RuntimeError("REQUIRE_BROWSER is set but chromium/chromedriver are not installed")
    pytest.skip("chromium and chromedriver are not installed", allow_module_level=True)

from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def confirm_move(browser, move):
    links = browser.find_elements(By.CSS_SELECTOR, f"main a.button[href$='/move/{move}/']")
    assert links, f"no '{move}' button on {browser.current_url}:\n{browser.find_element(By.TAG_NAME, 'body').text[:800]}"
    click_and_wait(browser, By.CSS_SELECTOR, f"main a.button[href$='/move/{move}/']")  # the confirmation page
    click_and_wait(browser, By.CSS_SELECTOR, "main form button")
    # The confirmation page has no messages; wait for the next page's success message.
    assert "Đã thực hiện" in browser.find_element(By.CSS_SELECTOR, ".messages li.success").text


def test_visitor_goes_from_home_through_search_to_a_challenge(live_server, browser, field, health, officer, leader,
                                                             dost):
    challenge = services.create_draft(officer, challenge_data(field, health, title="Chống ngập đường Thủ Đức",
                                                              summary="Ngập sâu mỗi mùa mưa ở Thủ Đức."))
    for move, actor in (("submit", officer), ("unit_approve", leader), ("approve", dost), ("publish", dost)):
        services.apply_move(challenge, actor, move)
    browser.get(live_server.url + "/")
    assert_accessible(browser)
    search = browser.find_element(By.ID, "home-q")
    search.send_keys("thu duc")
    search.submit()
    WebDriverWait(browser, 20, poll_frequency=POLL).until(lambda driver: "/challenges/?q=thu+duc" in driver.current_url)
    assert browser.find_elements(By.CSS_SELECTOR, ".snippet mark")
    assert_accessible(browser)
    browser.find_element(By.LINK_TEXT, "Chống ngập đường Thủ Đức").click()
    WebDriverWait(browser, 20, poll_frequency=POLL).until(lambda driver: driver.current_url.endswith(f"/challenges/{challenge.pk}/"))
    assert browser.find_element(By.TAG_NAME, "h1").text == "Chống ngập đường Thủ Đức"
    assert_accessible(browser)
    assert browser.current_url.endswith(f"/challenges/{challenge.pk}/")


def test_officer_drafts_leader_and_dost_approve_and_publish(live_server, browser, field, health, officer, leader, dost):
    base = live_server.url
    log_in(browser, base, "officer")
    browser.get(base + "/challenges/new/")
    assert_accessible(browser, what="the challenge form")
    fill_in(browser, {"id_title": "Số hóa sổ khám bệnh", "id_summary": "Sổ giấy hay thất lạc.",
                      "id_problem_statement": "Người bệnh mang sổ giấy mỗi lần khám.",
                      "id_ind-0-name": "Tỷ lệ sổ khám điện tử", "id_ind-0-unit_of_measure": "%",
                      "id_field": str(field.pk), "id_owner_unit": str(health.pk),
                      "id_call_opens_at": "2030-01-01T08:00", "id_call_closes_at": "2030-02-01T17:00"})
    browser.find_element(By.CSS_SELECTOR, "main form button.primary").click()
    assert "Đã lưu bản nháp" in browser.find_element(By.CSS_SELECTOR, ".messages li.success").text
    assert_accessible(browser, what="the new draft challenge")
    challenge = Challenge.objects.get(title="Số hóa sổ khám bệnh")
    assert browser.current_url.endswith(f"/challenges/{challenge.pk}/")
    confirm_move(browser, "submit")

    log_in(browser, base, "leader")
    visit(browser, base + challenge.get_absolute_url())
    confirm_move(browser, "unit_approve")

    log_in(browser, base, "dost")
    visit(browser, base + challenge.get_absolute_url())
    confirm_move(browser, "approve")
    confirm_move(browser, "publish")
    challenge.refresh_from_db()
    assert challenge.status == Status.PUBLISHED

    browser.delete_all_cookies()
    visit(browser, base + "/challenges/")
    assert "Số hóa sổ khám bệnh" in browser.find_element(By.TAG_NAME, "main").text
