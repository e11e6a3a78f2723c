"""Real headless Chromium: a staff member submits an initiative and gets a receipt number; the unit's
council of five votes four to one; the certificate PDF is issued and checked; the initiative is
raised to city scope."""

import io
import os
import urllib.request

import pytest
from pypdf import PdfReader

from conftest import CHROMEDRIVER, CHROMIUM, assert_accessible, click_and_wait, fill_in, log_in, visit
from sangtao.initiatives import services
from sangtao.initiatives.models import Council, Initiative, InitiativeStatus
from sangtao.initiatives.tests.conftest import seat_council, vote_all

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

if not (CHROMIUM and CHROMEDRIVER):
    if os.environ.get("REQUIRE_BROWSER"):
        raise RuntimeError("REQUIRE_BROWSER is set but chromium/chromedriver are not installed")
    pytest.skip("chromium and chromedriver are not installed", allow_module_level=True)

from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import Select  # noqa: E402


def message(browser) -> str:
    return browser.find_element(By.CSS_SELECTOR, ".messages li").text


def fetch(browser, url: str) -> bytes:
    """The file a link serves, fetched with the browser's session (headless downloads are not read back)."""
    cookies = "; ".join(f"{c['name']}={c['value']}" for c in browser.get_cookies())
    request = urllib.request.Request(url, headers={"Cookie": cookies})  # noqa: S310 -- the live test server
    with urllib.request.urlopen(request) as response:  # noqa: S310 -- the live test server
        assert response.headers["Content-Type"] == "application/pdf"
        return response.read()


def test_staff_submit_a_council_of_five_recognises_four_to_one_and_the_city_raises_its_scope(
        live_server, browser, officer, leader, dost, panel, city):
    base = live_server.url

    # A staff member of the Department of Health writes the application with a colleague, then submits it.
    log_in(browser, base, "officer")
    visit(browser, base + "/initiatives/new/")
    fill_in(browser, {"id_title": "Phân luồng người bệnh bằng mã QR tại khoa khám bệnh", "id_kind": "management",
                      "id_description": "Người bệnh quét mã QR tại cổng để xếp hàng theo chuyên khoa.",
                      "id_novelty": "Xếp hàng theo chuyên khoa ngay từ cổng.",
                      "id_confidential": "Bảng trọng số ưu tiên của khoa Cấp cứu.",
                      "id_first_applied_on": "01/09/2026",  # as people write dates
                      "id_author-0-share": "80", "id_author-1-name": "Trần Văn Bình", "id_author-1-share": "20"})
    click_and_wait(browser, By.CSS_SELECTOR, "#initiative-form button.primary")
    assert "Đã lưu bản nháp" in message(browser)
    click_and_wait(browser, By.ID, "submit-initiative", what="the page that asks before submitting")
    assert "để xét công nhận?" in browser.find_element(By.TAG_NAME, "h1").text
    click_and_wait(browser, By.ID, "confirm-action")
    assert "Số vào sổ: 01/" in message(browser)
    assert browser.find_element(By.ID, "register-code").text.startswith("01/")
    initiative = Initiative.objects.get()
    assert initiative.status == InitiativeStatus.RECEIVED

    # The unit's leader forms a council of five, who vote four to one.
    log_in(browser, base, "leader")
    visit(browser, base + initiative.get_absolute_url())
    click_and_wait(browser, By.ID, "form-council")
    seats = ["chair", "vice_chair", "secretary", "expert", "expert"]
    for position, (person, role) in enumerate(zip(panel, seats, strict=True)):
        Select(browser.find_element(By.ID, "id_user")).select_by_visible_text(person.display_name)
        Select(browser.find_element(By.ID, "id_role")).select_by_value(role)
        # The same page with one seat more each time: the first and the full council are checked.
        click_and_wait(browser, By.CSS_SELECTOR, "#add-seat button", check=position in (0, len(seats) - 1))
    click_and_wait(browser, By.ID, "open-voting")
    council = Council.objects.get()
    for position, person in enumerate(panel):
        log_in(browser, base, person.username)
        browser.get(base + council.get_absolute_url())
        if position == 0:
            assert_accessible(browser, what="the ballot")
        browser.find_element(By.ID, "id_in_favour_0" if position < 4 else "id_in_favour_1").click()
        # Every member sees the same ballot: the first one's, before and after voting, is checked.
        click_and_wait(browser, By.ID, "cast-vote", check=position == 0)
        assert "Đã ghi nhận biểu quyết" in message(browser)
    log_in(browser, base, "leader")
    visit(browser, base + council.get_absolute_url())
    click_and_wait(browser, By.ID, "decide-button")
    assert "4/5" in browser.find_element(By.ID, "result").text
    certificate = fetch(browser, browser.find_element(By.ID, "certificate").get_attribute("href"))
    reader = PdfReader(io.BytesIO(certificate))
    text = reader.pages[0].extract_text()
    assert (round(float(reader.pages[0].mediabox.width)), round(float(reader.pages[0].mediabox.height))) == (595, 842)
    assert "GIẤY CHỨNG NHẬN SÁNG KIẾN" in text and "01/GCN-SOYTE" in text and "Trần Văn Bình" in text
    assert "Bảng trọng số" not in text

    # The leader proposes city scope; DoST puts it to the city's council, which recognises it.
    visit(browser, base + initiative.get_absolute_url())
    click_and_wait(browser, By.ID, "move-propose_city")
    assert Initiative.objects.get().status == InitiativeStatus.CITY_PROPOSED
    log_in(browser, base, "dost")
    visit(browser, base + initiative.get_absolute_url())
    click_and_wait(browser, By.ID, "form-city-council")
    city_council = Council.objects.get(level="city")
    vote_all(seat_council(city_council, dost, panel), panel, in_favour=5)
    visit(browser, base + city_council.get_absolute_url())
    click_and_wait(browser, By.ID, "decide-button")
    assert "5/5" in browser.find_element(By.ID, "result").text
    raised = Initiative.objects.get()
    assert raised.status == InitiativeStatus.CITY_RECOGNISED and raised.scope_valid_until
    visit(browser, base + f"/initiatives/register/{raised.pk}/")
    assert "Cấp thành phố" in browser.find_element(By.TAG_NAME, "main").text
    assert "Bảng trọng số" not in browser.page_source
    assert services.tally(city_council)[2]
