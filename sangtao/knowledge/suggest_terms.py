"""The terms of a text for the similarity index: folded syllables (no diacritics, đ -> d), the
administration's abbreviations spelled out, function words dropped, and pairs of neighbouring
syllables (Vietnamese words are mostly two syllables: "thủ tục" is one word)."""

from collections import Counter

from sangtao.core.text import search_words, shingles

# Function words as written (diacritics kept: folded, "cho" would take "chờ" and "chợ" with it).
# Content words that every record uses ("người dân", "thủ tục") are not listed: the query leaves out
# terms too common to tell records apart.
STOPWORDS = frozenset({
    "và", "của", "các", "những", "được", "cho", "trong", "tại", "là", "có", "với", "để", "khi", "này", "do",
    "thì", "mà", "một", "trên", "theo", "về", "từ", "đến", "đã", "đang", "sẽ", "cũng", "như", "rất", "nên",
    "bị", "bởi", "vào", "ra", "qua", "nếu", "hoặc", "hay", "mỗi", "chưa", "còn", "nào", "gì", "ấy", "vì",
    "nhằm", "từng", "việc", "sự", "ở", "lại", "cả", "sao", "thế", "nhất", "hơn", "đó", "mới",
})
MAX_TERM = 64
TITLE_WEIGHT = 2  # a title's terms count twice: a title says what the record is about
PROBLEM_WORDS = 150  # the opening of a problem carries its gist; the index stays a bounded size


def words_of(text: str, limit: int | None = None) -> list[str]:
    found = [w for w in search_words(text or "", STOPWORDS) if not w.isdigit()]
    return found[:limit] if limit else found


def term_counts(title: str, problem: str) -> Counter:
    """Each term of a record (or a draft) and how often it occurs, the title's counted twice."""
    counts: Counter = Counter()
    for term in shingles(words_of(title)):
        counts[term[:MAX_TERM]] += TITLE_WEIGHT
    for term in shingles(words_of(problem, PROBLEM_WORDS)):
        counts[term[:MAX_TERM]] += 1
    return counts
