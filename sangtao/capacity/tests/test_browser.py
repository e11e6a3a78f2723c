"""Real headless Chromium: DoST launches a capacity round; a ward's head answers the barometer on a
phone; staff answer the climate items; DoST sees the ward's score with its interval among similar
wards. Every page passes axe-core at desktop and phone widths."""

import datetime
import os

import numpy as np
import pytest
from django.utils import timezone

from conftest import (
    CHROMEDRIVER,
    CHROMIUM,
    PHONE,
    assert_accessible,
    click_and_wait,
    fill_in,
    log_in,
    make_user,
    set_viewport,
    visit,
)
from sangtao.capacity import services
from sangtao.capacity.models import Round, RoundInvitation, SizeBand, UnitProfile
from sangtao.orgs.models import OrgUnit, Role, UnitKind

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

if not (CHROMIUM and CHROMEDRIVER):
    if os.environ.get("REQUIRE_BROWSER"):
        raise RuntimeError("REQUIRE_BROWSER is set but chromium/chromedriver are not installed")
    pytest.skip("chromium and chromedriver are not installed", allow_module_level=True)

from selenium.webdriver.common.by import By  # noqa: E402


def test_dost_launches_a_head_answers_on_a_phone_and_dost_sees_the_score_among_similar_units(
        live_server, browser, dost, city):
    base = live_server.url
    wards = [OrgUnit.objects.create(kind=UnitKind.WARD, code=f"80{n}", name=f"Phường Thử {n}", parent=city)
             for n in range(4)]
    for ward in wards:
        UnitProfile.objects.create(unit=ward, size_band=SizeBand.SMALL, staff=25)
    make_user("head", Role.LEADER, wards[0], full_name="Trưởng phường")
    today = timezone.localdate()

    # DoST creates the round and launches it.
    log_in(browser, base, "dost")
    visit(browser, base + "/capacity/", what="new round form")
    fill_in(browser, {"id_year": str(today.year),  # dates as people write them
                      "id_opens_on": (today - datetime.timedelta(days=1)).strftime("%d/%m/%Y"),
                      "id_closes_on": (today + datetime.timedelta(days=20)).strftime("%d/%m/%Y"),
                      "id_managers_per_unit": "1", "id_staff_per_unit": "6"})
    for ward in wards:
        browser.find_element(By.CSS_SELECTOR, f"input[name=units][value='{ward.pk}']").click()
    click_and_wait(browser, By.CSS_SELECTOR, "main form button.primary")
    click_and_wait(browser, By.XPATH, "//button[contains(., 'Phát động khảo sát')]", what="round page")
    round_ = Round.objects.get(year=today.year)
    assert round_.status == Round.Status.OPEN

    # The ward's head answers the barometer on a phone, from "Việc của tôi".
    set_viewport(browser, *PHONE)
    log_in(browser, base, "head")
    invitation = RoundInvitation.objects.get(round=round_, module="barometer", invitee__username="head")
    visit(browser, base + invitation.get_absolute_url(), what="barometer")
    for fieldset in browser.find_elements(By.CSS_SELECTOR, "fieldset.scale")[:6]:
        fieldset.find_element(By.XPATH, ".//label[contains(., 'Có')]").click()
    browser.find_element(By.NAME, "consent").click()
    click_and_wait(browser, By.CSS_SELECTOR, "main form button.primary")
    assert "Cảm ơn" in browser.find_element(By.TAG_NAME, "h1").text

    # Two staff answer the climate items on their phones; the others answer as well (services).
    climate = list(RoundInvitation.objects.filter(round=round_, module="climate", unit=wards[0]).order_by("pk"))
    for position, invitation in enumerate(climate[:2]):
        browser.delete_all_cookies()
        browser.get(base + invitation.get_absolute_url())
        if position == 0:
            assert_accessible(browser, what="climate items")
        for fieldset in browser.find_elements(By.CSS_SELECTOR, "fieldset.scale"):
            fieldset.find_element(By.XPATH, ".//label[contains(., '5')]").click()
        browser.find_element(By.NAME, "consent").click()
        click_and_wait(browser, By.CSS_SELECTOR, "main form button.primary", check=position == 0)
    rng = np.random.default_rng(1)
    items = list(round_.climate.version.items.all())
    for invitation in RoundInvitation.objects.filter(round=round_, module="climate", token__used_at=None):
        services.answer(invitation, {i.pk: int(rng.integers(2, 6)) for i in items}, consent=True)

    # DoST sees the ward's score with its interval, beside similar wards.
    set_viewport(browser, 1366, 900)
    log_in(browser, base, "dost")
    visit(browser, base + f"/capacity/units/{wards[0].pk}/", what="unit page")
    main = browser.find_element(By.TAG_NAME, "main").text
    assert "Môi trường đổi mới (%)" in main and "KTC 95%" in main
    assert "So với các đơn vị tương tự" in main and "Phường Thử 3" in main
    assert browser.find_elements(By.CSS_SELECTOR, "svg.chart")
    visit(browser, base + "/capacity/benchmark/", what="benchmark")
    assert "Cách tính" in browser.find_element(By.TAG_NAME, "main").text
