"""English counts agree with their nouns: "1 day overdue", never "1 days". Vietnamese nouns do not change
with the count, so the Vietnamese source cannot show it; the English catalogue must."""

import re
from pathlib import Path

import polib
from django.utils import translation

CATALOGUE = Path(__file__).resolve().parents[3] / "locale" / "en" / "LC_MESSAGES" / "django.po"
# A count (a placeholder) followed by an English plural noun: "%(n)s members", "{n} days".
COUNTED_NOUN = re.compile(r"(?:%\(\w+\)[sd]|\{\w+\})\s+([a-z]+s)\b")
NOT_NOUNS = {"is", "was", "has", "does", "its", "this", "as", "us", "yes", "his", "plus", "always", "towards",
             "across", "unless", "perhaps", "per", "asks", "comes"}
NEVER_ONE = "count-never-one:"


def test_every_english_message_with_a_counted_noun_has_plural_forms_or_says_why_its_count_is_never_one():
    unexplained = [entry.msgstr for entry in polib.pofile(str(CATALOGUE))
                   if not entry.msgid_plural and not entry.tcomment.startswith(NEVER_ONE)
                   and any(noun not in NOT_NOUNS for noun in COUNTED_NOUN.findall(entry.msgstr))]
    assert unexplained == [], (
        "say the count as a label ('Members yet to vote: %(n)s'), use ngettext, or add the comment "
        f"'# {NEVER_ONE} <why>' above the entry:\n" + "\n".join(unexplained))


def test_an_escalation_one_day_late_says_day_and_two_days_late_says_days():
    message = "Quá hạn {n} ngày: {what} ({title})"
    with translation.override("en"):
        assert translation.ngettext(message, message, 1).format(n=1, what="x", title="y") == "1 day overdue: x (y)"
        assert translation.ngettext(message, message, 2).format(n=2, what="x", title="y") == "2 days overdue: x (y)"
    with translation.override("vi"):
        assert translation.ngettext(message, message, 1).format(n=1, what="x", title="y") == "Quá hạn 1 ngày: x (y)"
