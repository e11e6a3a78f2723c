"""Real headless Chromium, one session, several roles: each lands on "Việc của tôi" after login,
sees the item the test left for them and completes it from there; on a phone the menu button opens
the menu and a page is reached through it. axe-core checks every page, desktop and phone widths."""

import os

import pytest

from conftest import (
    CHROMEDRIVER,
    CHROMIUM,
    PASSWORD,
    assert_accessible,
    click_and_wait,
    proposal_data,
)
from sangtao.challenges.models import Challenge, Status

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("seeded_rules")]

if not (CHROMIUM and CHROMEDRIVER):
    if os.environ.get("REQUIRE_BROWSER"):
        raise RuntimeError("REQUIRE_BROWSER is set but chromium/chromedriver are not installed")
    pytest.skip("chromium and chromedriver are not installed", allow_module_level=True)

from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402


def log_in_to_home(browser, base, username):
    """Log in through the form and land, with no `next`, on the person's home."""
    browser.delete_all_cookies()
    browser.get(base + "/accounts/login/")
    browser.find_element(By.ID, "id_username").send_keys(username)
    browser.find_element(By.ID, "id_password").send_keys(PASSWORD)
    click_and_wait(browser, By.CSS_SELECTOR, "main form button.primary")
    assert browser.current_url == base + "/my-work/"
    assert browser.find_element(By.TAG_NAME, "h1").text == "Việc của tôi"


def open_item(browser, title, count=1):
    """The home lists the item with its count; its link leads where it is done."""
    task = browser.find_element(By.XPATH, f"//li[contains(@class, 'task')][a[contains(., '{title}')]]")
    assert task.find_element(By.CSS_SELECTOR, ".task-count").text == str(count)
    click_and_wait(browser, By.XPATH, f"//li[contains(@class, 'task')]/a[contains(., '{title}')]")


def make_move(browser, move, reason=""):
    click_and_wait(browser, By.CSS_SELECTOR, f"main a.button[href$='/move/{move}/']")
    if reason:
        browser.find_element(By.ID, "id_reason").send_keys(reason)
    click_and_wait(browser, By.CSS_SELECTOR, "main form button")
    assert "Đã thực hiện" in browser.find_element(By.CSS_SELECTOR, ".messages li.success").text


def test_each_role_finds_and_does_its_work_from_its_home_and_the_phone_menu_works(
        live_server, browser, selection, make_challenge, officer, leader, dost, solver, solver_org):
    from sangtao.proposals import services as proposal_services

    base = live_server.url
    challenge = make_challenge(Status.UNIT_REVIEW, title="Số hóa hồ sơ sức khỏe học sinh")
    open_call = make_challenge(Status.PUBLISHED, title="Giảm ùn tắc cổng trường")
    proposal_services.start_proposal(open_call, solver, solver_org, proposal_data(open_call, title="Đưa đón chung"))

    # The leader approves the challenge awaiting them, from their home.
    log_in_to_home(browser, base, "leader")
    assert_accessible(browser, what="the leader's home")
    open_item(browser, "chờ lãnh đạo đơn vị phê duyệt")  # one challenge: the link opens it
    make_move(browser, "unit_approve")

    # DoST asks for changes; on a phone it reaches the complaints page through the menu.
    log_in_to_home(browser, base, "dost")
    assert_accessible(browser, what="DoST's home")
    open_item(browser, "chờ Sở KH&CN thẩm định")  # one challenge: the link opens it
    assert_accessible(browser, what="the challenge awaiting DoST, with its moves")
    make_move(browser, "request_changes", "Cần nêu rõ chỉ số đo.")
    browser.set_window_size(390, 844)
    toggle = browser.find_element(By.CSS_SELECTOR, "button.menu-toggle")
    assert toggle.get_attribute("aria-expanded") == "false"
    assert not browser.find_element(By.ID, "site-menu").is_displayed()
    toggle.send_keys(Keys.ENTER)  # by keyboard
    assert toggle.get_attribute("aria-expanded") == "true"
    assert_accessible(browser, widths=[(390, 844)], what="the open phone menu")
    click_and_wait(browser, By.LINK_TEXT, "Khiếu nại")
    assert browser.current_url.endswith("/complaints/")
    assert browser.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")
    browser.set_window_size(1366, 900)
    assert_accessible(browser, what="the complaints page")

    # The officer fixes the returned challenge and submits it again.
    log_in_to_home(browser, base, "officer")
    assert_accessible(browser, what="the officer's home")
    open_item(browser, "bị trả lại")  # one challenge: the link opens it
    make_move(browser, "submit")
    assert Challenge.objects.get(pk=challenge.pk).status == Status.UNIT_REVIEW

    # A council member signs the declaration awaiting them.
    log_in_to_home(browser, base, selection["experts"][0].user.username)
    assert_accessible(browser, what="an expert's home")
    open_item(browser, "xung đột lợi ích cần ký", count=2)  # one for each of the council's two proposals
    click_and_wait(browser, By.LINK_TEXT, "Khai báo xung đột lợi ích")
    assert_accessible(browser, what="the declaration form")
    browser.find_element(By.CSS_SELECTOR, "input[name=has_conflict][value='0']").click()
    click_and_wait(browser, By.CSS_SELECTOR, "main form button.primary")
    assert "Đã ký bản khai" in browser.find_element(By.CSS_SELECTOR, ".messages li.success").text

    # The solver submits the draft before the deadline.
    log_in_to_home(browser, base, "solver")
    assert_accessible(browser, what="the solver's home")
    open_item(browser, "Hồ sơ đăng ký chưa nộp")  # one draft: the link opens it
    click_and_wait(browser, By.LINK_TEXT, "Nộp hồ sơ")
    click_and_wait(browser, By.XPATH, "//button[contains(., 'Xác nhận nộp hồ sơ')]")
    assert_accessible(browser, what="the submitted proposal")
    browser.get(base + "/my-work/")
    # Read the loaded page's text: find_elements of something absent would wait the whole implicit wait.
    assert "Hồ sơ đăng ký chưa nộp" not in browser.find_element(By.TAG_NAME, "main").text

    # The API docs render from the site's own files only (no network beyond it) and pass the gate.
    browser.get(base + "/api/v1/docs")
    assert browser.find_elements(By.CSS_SELECTOR, ".swagger-ui .opblock")  # waits until Swagger UI has drawn
    loaded = browser.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    assert loaded and all(url.startswith(base) for url in loaded), loaded
    assert_accessible(browser, what="the API docs")
