"""Full-text search over challenges, the same results on SQLite and PostgreSQL.

Terms are folded by sangtao.core.text (NFC, lower-case, no diacritics, đ -> d) and
every term must match as a word prefix. SQLite matches against an FTS5 index of
the application-folded text; PostgreSQL matches a stored tsvector of unaccent() of the
NFC text through a GIN index. Matches that keep the query's diacritics rank first.
"""

from django.db import connection
from django.db.models import BooleanField, Case, IntegerField, Q, QuerySet, Value, When
from django.db.models.expressions import RawSQL
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from sangtao.core.text import folded_words, highlight_spans, words

MAX_TERMS = 8
SNIPPET_CHARS = 220


def _fts5_query(terms: list[str]) -> str:
    return " AND ".join(f'"{term}"*' for term in terms)


def _tsquery(terms: list[str]) -> str:
    return " & ".join(f"'{term}':*" for term in terms)


def _match_condition(terms: list[str]) -> Q | RawSQL:
    if connection.vendor == "postgresql":
        # A condition on the main table's stored, GIN-indexed tsvector (migration 0006): whether the
        # planner scans the index or the table, no row is folded at query time.
        return RawSQL(
            "challenges_challenge.search_vector @@ to_tsquery('simple', %s)",
            [_tsquery(terms)],
            output_field=BooleanField(),
        )
    return Q(pk__in=RawSQL(
        "SELECT rowid FROM challenges_challenge_fts WHERE challenges_challenge_fts MATCH %s",
        [_fts5_query(terms)],
    ))


def query_terms(query: str) -> list[str]:
    # Folded words contain only letters and digits, so they are safe inside the quotes above.
    return [term for term in folded_words(query) if term.isalnum()][:MAX_TERMS]


def search(queryset: QuerySet, query: str) -> QuerySet:
    """Filter to challenges matching every term; order exact-diacritic matches first."""
    terms = query_terms(query)
    if not terms:
        return queryset
    exact_terms = [word for word in words(query) if word][:MAX_TERMS]
    exact_score = sum(
        (Case(When(search_exact__contains=word, then=Value(1)), default=Value(0),
              output_field=IntegerField()) for word in exact_terms),
        Value(0),
    )
    return (
        queryset.filter(_match_condition(terms))
        .annotate(exact_score=exact_score)
        .order_by("-exact_score", "-published_at", "-id")
    )


def snippet(text: str, query: str) -> SafeString:
    """An escaped excerpt around the first match, with matches wrapped in <mark>."""
    terms = query_terms(query)
    spans = highlight_spans(text, terms) if terms else []
    start = max(0, spans[0][0] - 60) if spans else 0
    end = min(len(text), start + SNIPPET_CHARS)
    pieces: list[str] = []
    cursor = start
    for span_start, span_end in spans:
        if span_end <= start or span_start >= end:
            continue
        span_start, span_end = max(span_start, start), min(span_end, end)
        pieces.append(escape(text[cursor:span_start]))
        pieces.append(f"<mark>{escape(text[span_start:span_end])}</mark>")
        cursor = span_end
    pieces.append(escape(text[cursor:end]))
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    return mark_safe(prefix + "".join(pieces) + suffix)  # noqa: S308 -- every piece is escaped
