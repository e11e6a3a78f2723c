"""Real headless Chromium: an officer of a ward drafting a grand challenge sees, as they type, the
Department of Health's published challenge on the same problem (SCREENSHOTS=<dir> keeps pictures of
the panel at 1366 and 390 px)."""

import os
from pathlib import Path

import pytest
from django.utils.translation import override

from conftest import CHROMEDRIVER, CHROMIUM, POLL, assert_accessible, log_in, set_viewport, viewport
from sangtao.challenges.models import Status

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

if not (CHROMIUM and CHROMEDRIVER):
    if os.environ.get("REQUIRE_BROWSER"):
        raise RuntimeError("REQUIRE_BROWSER is set but chromium/chromedriver are not installed")
    pytest.skip("chromium and chromedriver are not installed", allow_module_level=True)

from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402


def keep_pictures(browser, name: str) -> None:
    folder = os.environ.get("SCREENSHOTS")
    if not folder:
        return
    original = viewport(browser)
    for width in (1366, 390):
        set_viewport(browser, width, 1000)
        panel = browser.find_element(By.CSS_SELECTOR, "[data-suggest-url]")
        browser.execute_script("arguments[0].scrollIntoView()", panel)
        panel.screenshot(str(Path(folder) / f"{name}-{width}.png"))
    set_viewport(browser, *original)


def test_a_unit_drafting_a_challenge_sees_another_units_published_work_as_it_types(
        browser, live_server, make_challenge, ward_officer):
    with override("vi"):
        published = make_challenge(Status.PUBLISHED, title="Giảm thời gian chờ khám tại bệnh viện",
                                   problem_statement="Người bệnh chờ trung bình 3 giờ để được khám.")
    log_in(browser, live_server.url, ward_officer.username)
    browser.get(live_server.url + "/challenges/new/")
    status = browser.find_element(By.CSS_SELECTOR, "[data-suggest-status]")
    assert status.get_attribute("aria-live") == "polite" and status.text == ""
    browser.find_element(By.ID, "id_title").send_keys("Rut ngan thoi gian cho kham benh o tram y te")
    WebDriverWait(browser, 10, poll_frequency=POLL).until(lambda b: b.find_elements(By.CSS_SELECTOR, "[data-suggest-list] li a"))
    link = browser.find_element(By.CSS_SELECTOR, "[data-suggest-list] li a")
    assert link.text == published.title and link.get_attribute("href").endswith(published.get_absolute_url())
    assert "Sở Y tế" in browser.find_element(By.CSS_SELECTOR, "[data-suggest-list] li").text
    assert status.text == "1 việc tương tự ở đơn vị khác."
    assert_accessible(browser, what="suggestions while drafting")
    keep_pictures(browser, "suggestions-typed")
    # In English: the panel's words and the API's message.
    browser.get(live_server.url + "/en/challenges/new/")
    browser.find_element(By.ID, "id_title").send_keys("Thời gian chờ khám bệnh")
    WebDriverWait(browser, 10, poll_frequency=POLL).until(lambda b: b.find_element(By.CSS_SELECTOR, "[data-suggest-status]").text)
    assert browser.find_element(By.ID, "suggestions-title").text == "Other units have done similar work"
    assert browser.find_element(By.CSS_SELECTOR, "[data-suggest-status]").text == (
        "1 similar piece of work in other units.")
    assert_accessible(browser, what="suggestions while drafting, in English")
    keep_pictures(browser, "suggestions-typed-en")
