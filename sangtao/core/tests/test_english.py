"""English and formats: the API answers in the client's language; pages under /en/ show no
Vietnamese interface text, numbers in English format and no ISO dates."""

import re

import pytest

from conftest import ApiClient


@pytest.mark.django_db
def test_the_api_answers_in_the_language_the_client_asks_for():
    english = ApiClient().get("/challenges/987654", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    assert english.status_code == 404 and english.json()["message"] == "Not found."
    assert english["Content-Language"] == "en"
    vietnamese = ApiClient().get("/challenges/987654", HTTP_ACCEPT_LANGUAGE="vi")
    assert vietnamese.json()["message"] == "Không tìm thấy."
    assert ApiClient().get("/challenges/987654").json()["message"] == "Không tìm thấy."  # no header: Vietnamese


# --- every page of every role, under /en/ ------------------------------------------------------

VIETNAMESE = re.compile(r"[ăâđêôơưĂÂĐÊÔƠƯàáạảãằắặẳẵầấậẩẫèéẹẻẽềếệểễìíịỉĩòóọỏõồốộổỗờớợởỡùúụủũừứựửữỳýỵỷỹ]",
                        re.IGNORECASE)
ISO_DATE = re.compile(r"(?<![\w/-])\d{4}-\d{2}-\d{2}(?![\w-])")
DOT_GROUPS = re.compile(r"(?<![\w.,])[1-9]\d{0,2}(?:\.\d{3})+(?![\w.,])")  # 1.500.000: Vietnamese grouping
COMMA_DECIMALS = re.compile(r"(?<![\w.,])\d+,\d{1,2}(?![\w.,])")  # 11,86: a Vietnamese decimal
# Names that are Vietnamese in every language: the platform's name, the switch to Vietnamese (lang="vi").
PROPER_NAMES = ("Sáng Tạo", "Tiếng Việt")
LINK = re.compile(r'<a [^>]*href="(/[^"?#]*)"')
TAG = re.compile(r"<(script|style|svg)\b.*?</\1>|<[^>]+>", re.S | re.I)


def _data_strings() -> list[str]:
    """Every text the world's rows hold (titles, names, answers, notices): people's content, which
    stays in the language it was written in; the interface around it must be English."""
    from django.apps import apps
    from django.db import models

    found: set[str] = set()

    def walk(value):
        if isinstance(value, str) and VIETNAMESE.search(value):  # only Vietnamese content could be mistaken
            found.update(part.strip() for part in [value, *value.splitlines()] if VIETNAMESE.search(part))
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    for model in apps.get_models():
        names = [f.attname for f in model._meta.concrete_fields
                 if isinstance(f, models.CharField | models.TextField | models.JSONField) and not f.choices]
        if names:
            for row in model.objects.values_list(*names):
                walk(list(row))
    return sorted(found, key=len, reverse=True)


def _visible_text(html: str) -> list[str]:
    from html import unescape

    body = html.split("<body", 1)[-1]
    return [unescape(part).strip() for part in TAG.split(body) if part and part.strip()
            and part.lower() not in ("script", "style", "svg")]


def english_problems(html: str, data: list[str]) -> list[str]:
    problems = []
    for text in _visible_text(html):
        for value in (*data, *PROPER_NAMES):  # people's content is not the interface: take it out first
            if value in text:
                text = text.replace(value, " ")
        if VIETNAMESE.search(text):
            problems.append(f"Vietnamese: {text.strip()[:80]!r}")
        for pattern, what in ((ISO_DATE, "ISO date"), (DOT_GROUPS, "Vietnamese number"),
                              (COMMA_DECIMALS, "Vietnamese decimal")):
            for match in pattern.findall(text):
                problems.append(f"{what}: {match!r} in {text.strip()[:60]!r}")
    return problems


class EnglishPages:
    """What is not English on each page fetched under /en/, and links there that lead its reader
    to a 404: an inspector for the query-budget crawl (sangtao/portal/tests/test_query_budget.py),
    which fetches every page of every role under /en/, so the slowest walk of the suite is made once.

    Most links lead to pages the crawl itself opens as the same role, so links are checked after
    the crawl (check_links), opening only those it did not open."""

    def __init__(self):
        self.data = _data_strings()
        self.found: dict[str, list[str]] = {}
        self.opened: dict[tuple[str, str], int] = {}
        self.links: dict[tuple[str, str], set[str]] = {}
        self.clients: dict[str, object] = {}

    def __call__(self, url: str, role: str, client, response) -> None:
        self.opened[(role, url)] = response.status_code
        self.clients[role] = client
        if not url.startswith("/en/") or response.status_code != 200 \
                or "text/html" not in response.get("Content-Type", ""):
            return
        html = response.content.decode()
        for link in set(LINK.findall(html.split("<main", 1)[-1])):
            self.links.setdefault((role, link), set()).add(url)
        self._add(url, english_problems(html, self.data))

    def check_links(self) -> None:
        """No link leads its reader to a 404: call it after the crawl, in the same world."""
        for (role, link), pages in self.links.items():
            if (role, link) not in self.opened:
                self.opened[(role, link)] = self.clients[role].get(link).status_code  # type: ignore[attr-defined]
            if self.opened[(role, link)] == 404:
                for page in pages:
                    self._add(page, [f"link to a page that answers 404 to {role}: {link}"])

    def _add(self, url: str, problems: list[str]) -> None:
        for problem in problems:
            if problem not in self.found.setdefault(url, []):
                self.found[url].append(problem)

    def report(self) -> str:
        return "\n".join(f"{page}: {'; '.join(problems)}" for page, problems in sorted(self.found.items()))


def test_english_pages_names_vietnamese_text_numbers_and_dates_but_not_peoples_content():
    html = ("<body><main><h1>Challenge Đường sạch</h1><p>Due 2026-01-31</p><p>1.500.000 VND</p>"
            "<p>11,86 points</p><p>Hạn nộp</p><p>Sáng Tạo</p></main></body>")
    assert english_problems(html, ["Đường sạch"]) == [
        "ISO date: '2026-01-31' in 'Due 2026-01-31'", "Vietnamese number: '1.500.000' in '1.500.000 VND'",
        "Vietnamese decimal: '11,86' in '11,86 points'", "Vietnamese: 'Hạn nộp'"]


# --- every literal the templates translate ------------------------------------------------------

TRANSLATE_TAG = re.compile(r"""\{%\s*(?:translate|trans)\s+(?:"([^"]*)"|'([^']*)')""")


def test_every_literal_a_template_translates_has_its_english():
    """Each `{% translate "…" %}` of Vietnamese text renders in English under English, tried through the tag
    itself: the tag looks a text up with its '%' doubled, so a catalogue entry written with a single '%' was
    never found (headings of the capacity pages stayed Vietnamese on /en/ pages no crawl reached filled)."""
    from pathlib import Path

    from django.conf import settings
    from django.template import Context, Template
    from django.utils import translation

    literals = {first or second for path in Path(settings.BASE_DIR, "sangtao").rglob("templates/**/*.html")
                for first, second in TRANSLATE_TAG.findall(path.read_text(encoding="utf-8"))}
    def without_names(text: str) -> str:
        return re.sub("|".join(PROPER_NAMES), "", text)

    literals = {text for text in literals if VIETNAMESE.search(without_names(text))}
    assert len(literals) > 500  # the templates were read
    with translation.override("en"):
        untranslated = sorted(text for text in literals if VIETNAMESE.search(
            without_names(Template('{% load i18n %}{% translate "' + text + '" %}').render(Context()))))
    assert untranslated == [], "\n".join(untranslated)
