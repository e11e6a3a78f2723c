"""The completeness rule of a case (OECD OPSI case library): every section filled, in plain words,
none answered by a link alone, each within its word limit (data: SectionRule). English texts are
optional; when given, they keep to the same limits."""

import re

from django.utils.translation import gettext as _

from sangtao.core.text import words
from sangtao.knowledge.models import SECTIONS, SectionRule

LINK = re.compile(r"(https?://\S+|www\.\S+|\b[\w.-]+\.(?:vn|com|org|net|gov)(?:/\S*)?)", re.IGNORECASE)
# Fewer words than this, the links taken out, say nothing of the case: a placeholder ("Chưa có.", "Đang
# cập nhật.") or a pointer to elsewhere ("Chi tiết xem tại https://…").
MIN_WORDS = 5
LISTS = {"partners", "materials"}  # a list of names or documents may be short ("Công an phường")
MIN_WORDS_IN_LISTS = 3  # "Báo cáo tổng kết https://…" names the document it links to


def word_count(text: str) -> int:
    return len(words(text or ""))


def is_link_only(text: str, words_needed: int = MIN_WORDS) -> bool:
    text = (text or "").strip()
    return bool(LINK.search(text)) and word_count(LINK.sub(" ", text)) < words_needed


def word_limits() -> dict[str, int]:
    return dict(SectionRule.objects.values_list("key", "word_limit"))


def section_problem(case, key: str, limits: dict[str, int] | None = None) -> str:
    """Why this section keeps the case from being submitted, or ''."""
    limits = word_limits() if limits is None else limits
    label = dict(SECTIONS)[key]
    text = getattr(case, key) or ""
    limit = limits.get(key)
    if not text.strip():
        if key == "results":  # a case may be written before its results are measured
            return _("Mục «%(section)s» chưa có nội dung (nếu chưa có kết quả, nêu kết quả dự kiến).") % {
                "section": label}
        return _("Mục «%(section)s» chưa có nội dung.") % {"section": label}
    if is_link_only(text, MIN_WORDS_IN_LISTS if key in LISTS else MIN_WORDS):
        return _("Mục «%(section)s» chỉ có đường dẫn: hãy viết nội dung, đường dẫn chỉ để tham khảo thêm.") % {
            "section": label}
    if key not in LISTS and word_count(text) < MIN_WORDS:
        return _("Mục «%(section)s» chưa nói gì về tình huống («%(text)s»): hãy viết ít nhất một câu.") % {
            "section": label, "text": text.strip()}
    if limit and word_count(text) > limit:
        return _("Mục «%(section)s» có %(n)s từ, vượt giới hạn %(limit)s từ.") % {
            "section": label, "n": word_count(text), "limit": limit}
    english = getattr(case, f"{key}_en") or ""
    if limit and word_count(english) > limit:
        return _("Bản tiếng Anh của mục «%(section)s» có %(n)s từ, vượt giới hạn %(limit)s từ.") % {
            "section": label, "n": word_count(english), "limit": limit}
    return ""


def problems(case) -> list[tuple[str, str]]:
    """(field, message) for every unmet part of the rule, in the order of the form."""
    limits = word_limits()
    found = []
    if not case.title.strip():
        found.append(("title", _("Cần tên tình huống.")))
    if not case.stage:
        found.append(("stage", _("Chọn giai đoạn của giải pháp.")))
    for key, _label in SECTIONS:
        message = section_problem(case, key, limits)
        if message:
            found.append((key, message))
    return found
