"""A table too wide for the screen scrolls in its own box (.scroll-x), and says so (wide.js): at 390 px
the users' list, whose e-mail column does not fit, has a line above it that says to scroll sideways, in
the page's language, and the page itself does not scroll sideways; at 1366 px, where the list fits,
there is no such line."""

import os

import pytest

from conftest import CHROMEDRIVER, CHROMIUM, log_in, set_viewport, visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

if not (CHROMIUM and CHROMEDRIVER):
    if os.environ.get("REQUIRE_BROWSER"):
        raise RuntimeError("REQUIRE_BROWSER is set but chromium/chromedriver are not installed")
    pytest.skip("chromium and chromedriver are not installed", allow_module_level=True)

# The cue above each scrolling box of the page (null where there is none), and whether the page itself
# is wider than the window.
CUES = """
const boxes = Array.from(document.querySelectorAll('main .scroll-x'));
return [boxes.map(box => {
  const cue = box.previousElementSibling;
  return cue && cue.classList.contains('scroll-cue') ? cue.textContent : null;
}), document.documentElement.scrollWidth > window.innerWidth];
"""


def test_a_table_wider_than_a_phone_says_it_scrolls_and_one_that_fits_says_nothing(live_server, browser, dost):
    log_in(browser, live_server.url, "dost")
    set_viewport(browser, 390, 844)
    visit(browser, live_server.url + "/manage/users/", what="the users' list on a phone, with its cue")
    assert browser.execute_script(CUES) == [["Rộng hơn màn hình: cuộn sang ngang để xem hết →"], False]
    browser.get(live_server.url + "/en/manage/users/")
    assert browser.execute_script(CUES) == [["Wider than the screen: scroll sideways to see all of it →"], False]
    set_viewport(browser, 1366, 900)
    browser.get(live_server.url + "/manage/users/")
    assert browser.execute_script(CUES) == [[None], False]
