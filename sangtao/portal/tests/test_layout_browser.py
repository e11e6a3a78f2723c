"""How pages are laid out in a real browser, where no page test can see it.

- A table too wide for the screen scrolls in its own box (.scroll-x), and says so (wide.js): at 390 px
  the users' list, whose e-mail column does not fit, has a line above it that says to scroll sideways,
  in the page's language, and the page itself does not scroll sideways; at 1366 px, where the list
  fits, there is no such line.
- A text box written without a type looks like every other (the portfolio's year), and figures stand in
  columns of one width.
- A word longer than a phone is wide (60 letters, no space) breaks inside its card instead of widening
  the list past the screen."""

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


# The look of the portfolio's year box (an input with no type) and of its first picker, and the widths of
# its figures.
CONTROLS = """
const look = e => { const s = getComputedStyle(e); return [s.paddingTop, s.paddingLeft, s.borderTopWidth, s.borderTopStyle,
                                                            s.borderTopColor, s.borderRadius]; };
return [look(document.getElementById('year')), look(document.getElementById('kind')),
        Array.from(document.querySelectorAll('.stats .stat'), e => Math.round(e.getBoundingClientRect().width))];
"""


def test_a_text_box_without_a_type_looks_like_the_others_and_figures_stand_in_even_columns(live_server, browser, dost):
    log_in(browser, live_server.url, "dost")
    for width, height in ((1366, 900), (390, 844)):
        set_viewport(browser, width, height)
        browser.get(live_server.url + "/capacity/portfolio/")
        year, picker, figures = browser.execute_script(CONTROLS)
        assert year == picker, width
        assert len(figures) > 4 and len(set(figures)) == 1, (width, figures)


def test_a_word_longer_than_the_phone_breaks_in_its_card_and_the_list_stays_within_the_screen(
        live_server, browser, make_challenge):
    from sangtao.challenges.models import Status

    make_challenge(Status.PUBLISHED, title="Số hóa " + "Chuyểnđổisốtoàndiệnchongườidân" * 2 + " tại phường")
    set_viewport(browser, 390, 844)
    visit(browser, live_server.url + "/challenges/", what="a list with a 60-letter word on a phone")
    assert browser.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")
