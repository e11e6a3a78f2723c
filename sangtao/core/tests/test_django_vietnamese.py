"""Django's own form and validator messages reach people on every form: each is Vietnamese on the
site's pages. Django's Vietnamese catalogue lacks some (a filter box given a NUL character answered
"Null characters are not allowed." on a Vietnamese page); locale/vi has them."""

from pathlib import Path

import django
import polib
import pytest
from django.utils import translation

from conftest import client_for

# Django's modules whose messages a person reads beside a field or at the top of a form.
REACHES_PEOPLE = ("forms/", "core/validators.py")
SAME_IN_BOTH = {"IPv4", "IPv6", ":", ":?.!"}  # the last two: the label suffix and the marks it is not added after


def django_messages() -> list[polib.POEntry]:
    catalogue = polib.pofile(str(Path(django.__file__).parent / "conf" / "locale" / "en" / "LC_MESSAGES" / "django.po"))
    return [entry for entry in catalogue if any(path.startswith(REACHES_PEOPLE) for path, _line in entry.occurrences)]


def test_every_django_form_and_validator_message_has_vietnamese():
    messages = django_messages()
    assert len(messages) > 50  # the filter still finds Django's messages
    with translation.override("vi"):
        untranslated = [entry.msgid for entry in messages if entry.msgid not in SAME_IN_BOTH and (
            translation.ngettext(entry.msgid, entry.msgid_plural, 2) == entry.msgid_plural if entry.msgid_plural
            else translation.gettext(entry.msgid) == entry.msgid)]
    assert untranslated == []
    with translation.override("vi"):  # Django's own says "an overall number"
        assert translation.gettext("Enter a whole number.") == "Nhập một số nguyên."


@pytest.mark.django_db
def test_a_nul_character_in_a_filter_is_refused_in_the_readers_language(dost):
    client = client_for(dost)
    assert "Không được chứa ký tự rỗng (NUL)." in client.get("/audit/", {"actor": "\x00"}).content.decode()
    assert "Null characters are not allowed." in client.get("/en/audit/", {"actor": "\x00"}).content.decode()
