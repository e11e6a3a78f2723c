"""allauth's own strings (form labels, errors, flash messages) are Vietnamese by default and English
under /en/: allauth ships no Vietnamese catalogue, so locale/vi has one for every string of allauth
that reaches a person."""

import re
from pathlib import Path

import polib
import pytest
from django.test import Client
from django.utils import translation

from conftest import PASSWORD

# The allauth modules whose strings reach people: forms, adapters, views and flash messages.
REACHES_PEOPLE = re.compile(r"(account/(forms|adapter|views|utils|fields)\.py|mfa/adapter\.py|mfa/.*forms\.py"
                            r"|socialaccount/(adapter|forms|views)\.py|templates/(account|mfa|socialaccount)/messages/)")
SAME_IN_BOTH = {"Email"}


def allauth_strings():
    import allauth

    catalogue = polib.pofile(str(Path(allauth.__file__).parent / "locale" / "en" / "LC_MESSAGES" / "django.po"))
    return [(entry.msgctxt, entry.msgid) for entry in catalogue
            if any(REACHES_PEOPLE.search(path) for path, _line in entry.occurrences)]


def test_every_allauth_string_that_reaches_people_has_vietnamese():
    strings = allauth_strings()
    assert len(strings) > 50  # the filter still finds allauth's strings
    with translation.override("vi"):
        untranslated = [(context, msgid) for context, msgid in strings
                        if msgid not in SAME_IN_BOTH
                        and (translation.pgettext(context, msgid) if context else translation.gettext(msgid)) == msgid]
    assert untranslated == []


@pytest.mark.django_db
def test_signup_errors_are_vietnamese_by_default_and_english_under_en():
    data = {"email": "lan@example.vn", "full_name": "Nguyễn Thị Lan", "password1": "Hoa-sen-no-2026",
            "password2": "Hoa-sen-khac-2026", "consent_account": "on"}
    page = Client().post("/accounts/signup/", data).content.decode()
    assert "Hai lần nhập mật khẩu phải giống nhau." in page
    assert "You must type the same password each time." not in page
    page = Client().post("/en/accounts/signup/", data).content.decode()
    assert "You must type the same password each time." in page


@pytest.mark.django_db
def test_a_wrong_second_factor_code_is_refused_in_the_readers_language(officer):
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    TOTP.activate(officer, generate_totp_secret())
    for prefix, refusal in (("", "Mã không đúng."), ("/en", "Incorrect code.")):
        client = Client()
        response = client.post(f"{prefix}/accounts/login/", {"username": "officer", "password": PASSWORD})
        assert response["Location"] == f"{prefix}/accounts/2fa/authenticate/"
        page = client.post(f"{prefix}/accounts/2fa/authenticate/", {"code": "000000"}).content.decode()
        assert refusal in page, page
