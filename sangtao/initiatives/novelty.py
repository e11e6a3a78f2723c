"""Novelty help: earlier initiatives that look like this one, so "new within the unit" is judged on evidence.

Texts are compared folded (no diacritics, đ -> d, lower case), as sets of words and of adjacent word
pairs, with the words every initiative uses left out. Candidates are found with an index-friendly
whole-word match on a few of the title's words, then scored in Python: a bounded number of rows,
whatever the size of the register.
"""

from dataclasses import dataclass

from django.db.models import Q

from sangtao.core.text import folded_words

# Folded words too common in initiatives' titles to tell two apart.
COMMON = frozenset({
    "bang", "cac", "cao", "cho", "co", "cong", "cua", "de", "do", "doi", "dung", "duoc", "giai", "hien",
    "hieu", "khai", "khi", "khong", "kien", "la", "moi", "mot", "nang", "nay", "nhung", "phap", "qua",
    "sang", "tac", "tai", "theo", "thuc", "tren", "trien", "trong", "tu", "ung", "va", "ve", "viec", "voi",
})
MIN_SCORE = 0.12
CANDIDATES = 400


@dataclass
class Match:
    pk: int
    title: str
    unit: str
    unit_id: int
    status: str
    status_label: str
    register_code: str
    score: float

    @property
    def percent(self) -> int:
        return round(self.score * 100)


def _features(text: str) -> set[str]:
    words = [w for w in folded_words(text) if w not in COMMON]
    return set(words) | {f"{a} {b}" for a, b in zip(words, words[1:], strict=False)}


def similar(title: str, description: str, *, unit_id: int | None, exclude: int | None = None,
            limit: int = 5) -> tuple[list[Match], list[Match]]:
    """Earlier initiatives of the same unit and of other units that look like this text, best first."""
    from sangtao.initiatives.models import Initiative, InitiativeStatus

    mine = _features(f"{title} {description}")
    terms = [w for w in dict.fromkeys(folded_words(title)) if w not in COMMON][:8]
    if not mine or not terms:
        return [], []
    condition = Q()
    for term in terms:
        condition |= Q(search_text__contains=f" {term} ")
    rows = (Initiative.objects.filter(condition)
            .exclude(status__in=[InitiativeStatus.DRAFT, InitiativeStatus.WITHDRAWN])
            .exclude(pk=exclude or 0)
            .values_list("pk", "title", "unit__name", "unit_id", "status", "register_number", "register_year",
                         "search_text")
            .order_by("-pk")[:CANDIDATES])
    same: list[Match] = []
    other: list[Match] = []
    labels = dict(InitiativeStatus.choices)
    for pk, found_title, unit_name, found_unit, status, number, year, text in rows:
        theirs = _features(text)
        score = len(mine & theirs) / len(mine | theirs) if theirs else 0.0
        if score < MIN_SCORE:
            continue
        match = Match(pk, found_title, unit_name, found_unit, status, str(labels.get(status, status)),
                      f"{number:02d}/{year}" if number else "", score)
        (same if found_unit == unit_id else other).append(match)
    same.sort(key=lambda m: -m.score)
    other.sort(key=lambda m: -m.score)
    return same[:limit], other[:limit]
