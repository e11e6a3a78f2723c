"""The site header in a real headless Chromium: at 1366 px every role's whole menu and account links
stand on one line (DoST's five groups, in Vietnamese and in English, with a long name); at 390 px
everything is behind the menu button, which opens it by keyboard."""

import os

import pytest

from conftest import CHROMEDRIVER, CHROMIUM, assert_accessible, click_and_wait, log_in, make_expert, set_viewport

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

if not (CHROMIUM and CHROMEDRIVER):
    if os.environ.get("REQUIRE_BROWSER"):
        raise RuntimeError("REQUIRE_BROWSER is set but chromium/chromedriver are not installed")
    pytest.skip("chromium and chromedriver are not installed", allow_module_level=True)

from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402

# The top of every visible piece of the header's one line: brand, menu entries, account links.
ROW_TOPS = """return Array.from(document.querySelectorAll(
  'header.site .brand, header.site nav.menu .menu-top > li, header.site .account > *'))
  .filter(e => e.offsetParent !== null).map(e => Math.round(e.getBoundingClientRect().top));"""


def header_state(browser):
    return {
        "tops": sorted(set(browser.execute_script(ROW_TOPS))),
        "compact": browser.execute_script("return document.querySelector('header.site').classList.contains('compact')"),
        "toggle": browser.find_element(By.CSS_SELECTOR, "button.menu-toggle").is_displayed(),
    }


def test_every_roles_header_is_one_line_on_a_desktop_and_behind_the_menu_button_on_a_phone(
        live_server, browser, dost, officer, leader, solver, outsider):
    base = live_server.url
    dost.full_name = "PGS.TS. Nguyễn Thị Phương Thảo Hoàng"  # a long name does not push the menu to a second line
    dost.is_staff = True  # the site administration entry too
    dost.save()
    make_expert("expert", full_name="Đặng Quốc Bảo")
    for username in ("dost", "officer", "leader", "expert", "solver", "citizen", None):
        if username is None:
            browser.delete_all_cookies()
        else:
            log_in(browser, base, username)
        for path in ("/my-work/", "/en/my-work/") if username else ("/", "/en/"):
            set_viewport(browser, 1366, 900)
            browser.get(base + path)
            state = header_state(browser)
            assert not state["compact"] and not state["toggle"], (username, path, state)
            if path.startswith("/en/"):  # the Vietnamese homes are checked in the homes journey
                assert_accessible(browser, what=f"{username}'s home in English")
            # Items of different heights on one line differ by a few pixels, never by a line.
            assert state["tops"][-1] - state["tops"][0] <= 8, (username, path, state)
            set_viewport(browser, 390, 844)
            browser.get(base + path)
            assert header_state(browser)["toggle"], (username, path)
            assert not browser.find_element(By.ID, "site-menu").is_displayed()
            assert browser.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")

    # DoST's account links are behind their name on a desktop; on a phone the menu button opens
    # everything by keyboard, the account links included.
    log_in(browser, base, "dost")
    set_viewport(browser, 1366, 900)
    browser.get(base + "/my-work/")
    assert not browser.find_element(By.CSS_SELECTOR, "header .bar-bell").is_displayed()  # in the one-line header
    # The first Tab shows the skip link above the header, not under it.
    browser.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
    assert browser.execute_script("""const link = document.activeElement, box = link.getBoundingClientRect();
        return link.classList.contains('skip') && document.elementFromPoint(box.left + box.width / 2,
            box.top + box.height / 2) === link;""")
    # A menu group opened by keyboard closes once the focus leaves it, so it covers nothing focused.
    group = browser.find_element(By.CSS_SELECTOR, "header .menu-group details")
    summary = group.find_element(By.TAG_NAME, "summary")
    summary.send_keys(Keys.ENTER)
    assert group.get_attribute("open") is not None
    links = group.find_elements(By.CSS_SELECTOR, "a")
    for _link in links:
        browser.switch_to.active_element.send_keys(Keys.TAB)
    assert group.get_attribute("open") is not None  # on its last link, still open
    browser.switch_to.active_element.send_keys(Keys.TAB)
    assert group.get_attribute("open") is None
    assert not browser.find_element(By.XPATH, "//header//button[contains(., 'Đăng xuất')]").is_displayed()
    browser.find_element(By.CSS_SELECTOR, "header .account summary").click()
    assert browser.find_element(By.XPATH, "//header//button[contains(., 'Đăng xuất')]").is_displayed()
    assert_accessible(browser, widths=[(1366, 900)], what="the open account menu")
    set_viewport(browser, 390, 844)
    browser.get(base + "/my-work/")
    bell = browser.find_element(By.CSS_SELECTOR, "header .bar-bell")  # one's notices without opening the menu
    assert bell.is_displayed() and bell.get_attribute("href").endswith("/notifications/")
    toggle = browser.find_element(By.CSS_SELECTOR, "button.menu-toggle")
    toggle.send_keys(Keys.ENTER)
    assert toggle.get_attribute("aria-expanded") == "true"
    assert browser.find_element(By.XPATH, "//header//button[contains(., 'Đăng xuất')]").is_displayed()
    assert_accessible(browser, widths=[(390, 844)], what="the open phone menu")
    click_and_wait(browser, By.LINK_TEXT, "Hồ sơ của bạn")
    assert browser.current_url.endswith("/accounts/profile/")

    # The personal-data pages added with the header (a restriction asked for and DoST's list) pass the gate.
    from sangtao.privacy.services import request_restriction

    request_restriction(outsider, "Thông tin của tôi chưa chính xác.", actor=outsider)
    set_viewport(browser, 1366, 900)
    browser.get(base + "/privacy/restrictions/")
    assert "Thông tin của tôi chưa chính xác." in browser.find_element(By.TAG_NAME, "main").text
    assert_accessible(browser, what="DoST's restrictions of processing")
    log_in(browser, base, "citizen")
    browser.get(base + "/privacy/mine/")
    assert_accessible(browser, what="the person's own data with a restriction in force")
