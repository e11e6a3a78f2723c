"""Real headless Chromium: a citizen signs up, confirms the e-mail, follows a challenge and asks a
question; a firm's staff member signs in through the local OpenID provider, registers the
organisation and saves a proposal draft. Every new page is checked with axe at desktop and phone
widths; SCREENSHOTS=<dir> keeps a picture of each at 1366 and 390 px."""

import os
import re
from pathlib import Path

import pytest
from allauth.socialaccount.models import SocialApp
from django.core import mail

from conftest import CHROMEDRIVER, CHROMIUM, assert_accessible, challenge_data, click_and_wait
from sangtao.accounts.tests.oidc_op.constants import CLIENT_ID, CLIENT_SECRET
from sangtao.accounts.tests.oidc_op.constants import PASSWORD as OP_PASSWORD
from sangtao.accounts.tests.oidc_op.runner import new_key, running_provider
from sangtao.challenges import services
from sangtao.challenges.models import Follow, Question

if not (CHROMIUM and CHROMEDRIVER):
    if os.environ.get("REQUIRE_BROWSER"):
        raise RuntimeError("REQUIRE_BROWSER is set but chromium/chromedriver are not installed")
    pytest.skip("chromium and chromedriver are not installed", allow_module_level=True)

from selenium.webdriver.common.by import By  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def look(browser, name):
    assert_accessible(browser, what=name)
    folder = os.environ.get("SCREENSHOTS")
    if folder:
        original = browser.get_window_size()
        for width in (1366, 390):
            browser.set_window_size(width, 1000)
            height = browser.execute_script("return document.documentElement.scrollHeight")
            browser.set_window_size(width, min(height + 120, 4000))
            browser.save_screenshot(str(Path(folder) / f"{name}-{width}.png"))
        browser.set_window_size(original["width"], original["height"])


def fill(browser, values):
    for element_id, value in values.items():
        element = browser.find_element(By.ID, element_id)
        element.clear()
        element.send_keys(value)


def test_a_citizen_signs_up_confirms_follows_and_asks_and_a_firm_comes_in_through_sso(
        live_server, browser, field, health, officer, leader, dost, tmp_path):
    challenge = services.create_draft(officer, challenge_data(field, health, title="Giảm thời gian chờ khám"))
    for move, actor in (("submit", officer), ("unit_approve", leader), ("approve", dost), ("publish", dost)):
        services.apply_move(challenge, actor, move)
    base = live_server.url
    mail.outbox.clear()

    browser.get(base + "/accounts/signup/")
    look(browser, "signup")
    fill(browser, {"id_email": "lan.nguyen@example.vn", "id_full_name": "Nguyễn Thị Lan",
                   "id_password1": "Hoa-sen-nở-2026", "id_password2": "Hoa-sen-nở-2026"})
    browser.find_element(By.ID, "id_consent_account").click()
    click_and_wait(browser, By.CSS_SELECTOR, "main form button.primary")
    assert browser.current_url.endswith("/accounts/confirm-email/")
    look(browser, "verification-sent")
    path = re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+)", mail.outbox[0].body).group(1)
    browser.get(base + path)
    look(browser, "confirm-email")
    click_and_wait(browser, By.CSS_SELECTOR, "main form button.primary")
    assert browser.current_url.endswith("/accounts/welcome/")
    look(browser, "welcome")

    browser.get(base + challenge.get_absolute_url())
    look(browser, "challenge-signed-in")  # the follow button and the question form with its name consent
    click_and_wait(browser, By.CSS_SELECTOR, "main button[name=action][value=follow]")
    browser.find_element(By.ID, "id_body").send_keys("Bệnh viện nào sẽ thí điểm trước?")
    click_and_wait(browser, By.XPATH, "//main//button[contains(., 'Gửi câu hỏi')]")
    assert Follow.objects.filter(user__email="lan.nguyen@example.vn").exists()
    assert Question.objects.filter(asker__email="lan.nguyen@example.vn").exists()
    browser.get(base + "/privacy/mine/")
    look(browser, "my-data")
    for path, name in (("/privacy/", "notices"), ("/privacy/mine/delete/", "delete-account"),
                       ("/accounts/2fa/", "two-factor")):
        browser.get(base + path)
        look(browser, name)

    callback = base + "/sso/oidc/vneid/login/callback/"
    with running_provider(tmp_path, [callback], [new_key()]) as op:
        SocialApp.objects.create(provider="openid_connect", provider_id="vneid", name="VNeID", client_id=CLIENT_ID,
                                 secret=CLIENT_SECRET, settings={"server_url": op + "/o"})
        browser.delete_all_cookies()
        browser.get(base + "/accounts/password/reset/")
        look(browser, "password-reset")
        browser.get(base + "/accounts/login/")
        look(browser, "login")
        click_and_wait(browser, By.XPATH, "//main//button[contains(., 'VNeID')]", check=False)  # the provider's page
        fill(browser, {"op-username": "hung", "op-password": OP_PASSWORD})
        click_and_wait(browser, By.ID, "op-submit")
        assert browser.current_url.endswith("/accounts/welcome/"), browser.current_url
    browser.get(base + "/solvers/register/")
    look(browser, "register-organisation")
    fill(browser, {"id_name": "Công ty Hùng Phát", "id_tax_code": "0312345679", "id_address": "Quận 3",
                   "id_legal_representative": "Phạm Văn Hùng"})
    click_and_wait(browser, By.CSS_SELECTOR, "main form button.primary")
    assert "Đã đăng ký tổ chức" in browser.find_element(By.CSS_SELECTOR, ".messages").text
    browser.get(base + f"/challenges/{challenge.pk}/apply/")
    look(browser, "proposal-form")
    fill(browser, {"id_title": "Đặt lịch khám qua Zalo"})
    click_and_wait(browser, By.CSS_SELECTOR, "main form button.primary")
    assert challenge.proposals.filter(title="Đặt lịch khám qua Zalo").exists()
    browser.get(base + "/accounts/profile/")
    look(browser, "profile-with-sso")
