"""Real headless Chromium: a citizen signs up, confirms the e-mail, follows a challenge and asks a
question, sees who read her data, turns on the second factor, declines to link an SSO identity and
signs in again with both factors; a firm's staff member signs in through the local OpenID provider,
registers the organisation, saves a proposal draft and signs out (offered the provider's sign-out);
DoST sends a team member's notice again and reads the personal-data read log. Every new page is
checked with axe at desktop and phone widths, and the pages of issue 11 that only a session reaches
are checked for English too; SCREENSHOTS=<dir> keeps a picture of each at 1366 and 390 px."""

import datetime
import os
import re
import time
from pathlib import Path

import pytest
from allauth.socialaccount.models import SocialApp
from django.core import mail
from django.utils.translation import gettext_noop

from conftest import (
    CHROMEDRIVER,
    CHROMIUM,
    DESKTOP,
    PHONE,
    assert_accessible,
    challenge_data,
    click_and_wait,
    fill_in,
    log_in,
    proposal_data,
    set_viewport,
    viewport,
)
from sangtao.accounts.tests.oidc_op.constants import CLIENT_ID, CLIENT_SECRET
from sangtao.accounts.tests.oidc_op.constants import PASSWORD as OP_PASSWORD
from sangtao.accounts.tests.oidc_op.runner import new_key, running_provider
from sangtao.challenges import services
from sangtao.challenges.models import Follow, Question
from sangtao.core.tests.test_english import _data_strings, english_problems
from sangtao.privacy import services as privacy_services
from sangtao.privacy.services import log_contact_reads
from sangtao.proposals.services import start_proposal, submit

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
        original = viewport(browser)
        for width in (1366, 390):
            set_viewport(browser, width, 1000)
            height = browser.execute_script("return document.documentElement.scrollHeight")
            set_viewport(browser, width, min(height + 120, 4000))
            browser.save_screenshot(str(Path(folder) / f"{name}-{width}.png"))
        set_viewport(browser, *original)


def english(browser, path):
    """The /en/ page of `path`, fetched in the browser's own session (no rendering, no axe: the Vietnamese
    page was just checked), to be checked for English at the end: pages that only a session reaches,
    which the crawl of every page cannot open."""
    html = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "fetch(arguments[0], {credentials: 'same-origin'}).then(r => r.text()).then(done, e => done(String(e)));",
        "/en" + path)
    assert "<main" in html, html[:300]
    return html


def totp(secret, step=0):
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    return format_hotp_value(hotp_value(secret, int(time.time()) // 30 + step))


def test_a_citizen_signs_up_confirms_follows_and_asks_and_a_firm_comes_in_through_sso(
        live_server, browser, field, health, officer, leader, dost, solver, solver_org, tmp_path, settings,
        monkeypatch):
    settings.MFA_TOTP_TOLERANCE = 1  # a code read from the clock stays good for the moment the browser takes
    challenge = services.create_draft(officer, challenge_data(field, health, title="Giảm thời gian chờ khám"))
    for move, actor in (("submit", officer), ("unit_approve", leader), ("approve", dost), ("publish", dost)):
        services.apply_move(challenge, actor, move)
    base = live_server.url
    mail.outbox.clear()

    browser.get(base + "/accounts/signup/")
    look(browser, "signup")
    fill_in(browser, {"id_email": "lan.nguyen@example.vn", "id_full_name": "Nguyễn Thị Lan",
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
    # A tick box comes before its label, and what ticking it means is written under both, at either width.
    for width, height in (DESKTOP, PHONE):
        set_viewport(browser, width, height)
        box, label, hint = (browser.find_element(By.CSS_SELECTOR, selector).rect for selector in
                            ("#id_show_name", "label[for=id_show_name]", "label[for=id_show_name] ~ .help"))
        assert box["x"] + box["width"] <= label["x"], (width, box, label)
        assert hint["y"] >= max(box["y"] + box["height"], label["y"] + label["height"]) - 1, (width, label, hint)
    set_viewport(browser, *DESKTOP)
    click_and_wait(browser, By.CSS_SELECTOR, "main button[name=action][value=follow]")
    fill_in(browser, {"id_body": "Bệnh viện nào sẽ thí điểm trước?"})
    click_and_wait(browser, By.XPATH, "//main//button[contains(., 'Gửi câu hỏi')]")
    assert Follow.objects.filter(user__email="lan.nguyen@example.vn").exists()
    assert Question.objects.filter(asker__email="lan.nguyen@example.vn").exists()
    lan = Follow.objects.get().user
    log_contact_reads(dost, [lan], gettext_noop("Quản lý người dùng"))  # DoST opened her user page
    browser.get(base + "/privacy/mine/")
    look(browser, "my-data")  # with the read of her data: who, when, why
    assert "Trần Minh Khoa" in browser.find_element(By.CSS_SELECTOR, "main").text
    for path, name in (("/privacy/", "notices"), ("/privacy/mine/delete/", "delete-account"),
                       ("/accounts/2fa/", "two-factor")):
        browser.get(base + path)
        look(browser, name)

    # The second factor: a wrong code is refused with why, the right one turns it on.
    browser.get(base + "/accounts/2fa/totp/activate/")
    assert "/accounts/reauthenticate/" in browser.current_url  # a sensitive change: the password again first
    look(browser, "reauthenticate")
    fill_in(browser, {"id_password": "Hoa-sen-nở-2026"})
    click_and_wait(browser, By.CSS_SELECTOR, "main form button.primary")
    assert browser.current_url.endswith("/accounts/2fa/totp/activate/"), browser.current_url
    look(browser, "totp-activate")
    pages = {path: english(browser, path) for path in ("/accounts/2fa/totp/activate/", "/privacy/mine/",
                                                       "/accounts/2fa/", "/accounts/reauthenticate/")}
    fill_in(browser, {"id_code": "000000"})
    click_and_wait(browser, By.CSS_SELECTOR, "main form button.primary")
    look(browser, "totp-activate-refused")
    secret = browser.find_element(By.ID, "totp-secret").text.strip()  # the session's (each GET makes a new one)
    fill_in(browser, {"id_code": totp(secret)})
    click_and_wait(browser, By.CSS_SELECTOR, "main form button.primary")
    assert lan.authenticator_set.filter(type="totp").exists()
    look(browser, "recovery-codes")

    callback = base + "/sso/oidc/vneid/login/callback/"
    with running_provider(tmp_path, [callback], [new_key()]) as op:
        SocialApp.objects.create(provider="openid_connect", provider_id="vneid", name="VNeID", client_id=CLIENT_ID,
                                 secret=CLIENT_SECRET, settings={"server_url": op + "/o"})
        # Signed in with her password, she starts linking an identity, reads what would be linked, declines.
        browser.get(base + "/accounts/profile/")
        click_and_wait(browser, By.XPATH, "//main//button[contains(., 'VNeID')]", check=False)  # the provider's page
        fill_in(browser, {"op-username": "hung", "op-password": OP_PASSWORD})
        click_and_wait(browser, By.ID, "op-submit")
        assert browser.current_url.endswith("/accounts/sso/link/"), browser.current_url
        look(browser, "sso-link")
        pages["/accounts/sso/link/"] = english(browser, "/accounts/sso/link/")
        click_and_wait(browser, By.CSS_SELECTOR, "main button[name=decline]")
        assert not lan.socialaccount_set.exists()

        browser.delete_all_cookies()  # this site's: the provider still knows hung
        browser.get(base + "/accounts/password/reset/")
        look(browser, "password-reset")
        # Her password, then her second factor (a wrong code first), in English.
        browser.get(base + "/en/accounts/login/")
        look(browser, "login-en")
        fill_in(browser, {"id_username": "lan.nguyen@example.vn", "id_password": "Hoa-sen-nở-2026"})
        click_and_wait(browser, By.CSS_SELECTOR, "main form button.primary")
        assert "/en/accounts/2fa/authenticate/" in browser.current_url, browser.current_url
        fill_in(browser, {"id_code": "000000"})
        click_and_wait(browser, By.CSS_SELECTOR, "main form button.primary")
        look(browser, "two-factor-authenticate-refused-en")
        pages["/accounts/2fa/authenticate/"] = english(browser, "/accounts/2fa/authenticate/")
        fill_in(browser, {"id_code": totp(secret, step=1)})  # not the code that turned it on
        click_and_wait(browser, By.CSS_SELECTOR, "main form button.primary")
        assert "/2fa/" not in browser.current_url and "/login/" not in browser.current_url, browser.current_url

        browser.delete_all_cookies()
        browser.get(base + "/accounts/login/")
        look(browser, "login")
        click_and_wait(browser, By.XPATH, "//main//button[contains(., 'VNeID')]")  # straight through: signed in there
        assert browser.current_url.endswith("/accounts/welcome/"), browser.current_url
    browser.get(base + "/solvers/register/")
    look(browser, "register-organisation")
    fill_in(browser, {"id_name": "Công ty Hùng Phát", "id_tax_code": "0312345679", "id_address": "Quận 3",
                      "id_legal_representative": "Phạm Văn Hùng"})
    click_and_wait(browser, By.CSS_SELECTOR, "main form button.primary")
    assert "Đã đăng ký tổ chức" in browser.find_element(By.CSS_SELECTOR, ".messages").text
    browser.get(base + f"/challenges/{challenge.pk}/apply/")
    look(browser, "proposal-form")
    fill_in(browser, {"id_title": "Đặt lịch khám qua Zalo"})
    click_and_wait(browser, By.CSS_SELECTOR, "main form button.primary")
    assert challenge.proposals.filter(title="Đặt lịch khám qua Zalo").exists()
    browser.get(base + "/en/accounts/profile/")
    look(browser, "profile-with-sso-en")
    # Signing out after a single sign-on offers the provider's sign-out too.
    browser.find_element(By.CSS_SELECTOR, ".account-group summary").click()
    click_and_wait(browser, By.CSS_SELECTOR, ".account-group button.link")
    assert "Sign out of VNeID" in browser.find_element(By.CSS_SELECTOR, "main").text
    look(browser, "logged-out-sso-en")
    pages["signed out after SSO"] = browser.page_source

    # DoST sends a team member's notice again from a submitted proposal, then reads the read log.
    submitted = start_proposal(challenge, solver, solver_org, proposal_data(challenge, team=[
        {"name": "Phạm Văn An", "role": "Chủ nhiệm", "email": "an@giaiphapxanh.vn", "experience": "10 năm y tế số"}]))
    submit(submitted, solver)
    monkeypatch.setattr(privacy_services, "RESEND_AFTER", datetime.timedelta(0))  # it went a moment ago
    log_in(browser, base, "dost")
    browser.get(base + f"/proposals/{submitted.pk}/team/1/notice/")
    look(browser, "team-notice-resend")
    pages["team notice"] = english(browser, f"/proposals/{submitted.pk}/team/1/notice/")
    click_and_wait(browser, By.CSS_SELECTOR, "main form button.primary")
    assert "Đã gửi lại thông báo cho Phạm Văn An" in browser.find_element(By.CSS_SELECTOR, ".messages").text
    look(browser, "proposal-team-notice-sent")
    browser.get(base + "/privacy/reads/")
    assert "Phạm Văn An" in browser.find_element(By.CSS_SELECTOR, "main").text  # DoST's read of the team
    look(browser, "read-log")
    pages["/privacy/reads/"] = english(browser, "/privacy/reads/")
    content = ["Phạm Văn Hùng", *_data_strings()]  # people's content; the name came in the provider's claims
    problems = {page: english_problems(html, content) for page, html in pages.items()}
    assert {page: found for page, found in problems.items() if found} == {}
