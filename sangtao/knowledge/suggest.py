"""Reuse before reinvention: while a unit drafts a grand challenge, an annual task or an initiative,
the records of other units that look like the draft (issue 15 §3).

Ranking is BM25 over the index's terms (suggest_terms.py: folded syllables and syllable pairs, the
administration's abbreviations spelled out). A query reads its terms' document counts, keeps the
rarest ones up to a budget of postings (terms found in more than a fifth of the documents say little
and are left out), and sums their weights in a grouped SQL query that reads only the postings'
index; the same statement keeps, of the best candidates, those the user may see from other units and
reads their rows. Those whose words match the draft with its diacritics then rank first among
near-equals ("đường" and "dương" fold alike). The time of a query is bounded by the budget, not by
the size of the index; on PostgreSQL it is mostly round trips, so a suggestion makes three: the
terms' counts, the ranked entries, their lessons.
"""

from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from sangtao.core.text import words
from sangtao.knowledge.models import Audience, DocumentKind, IndexedDocument
from sangtao.knowledge.rules import may_open_indexed
from sangtao.knowledge.suggest_index import idf
from sangtao.knowledge.suggest_terms import term_counts
from sangtao.orgs.models import OrgUnit
from sangtao.orgs.roles import staff_unit_ids
from sangtao.orgs.rules import is_dost_coordinator

MAX_TERMS = 40  # terms of a draft looked up
POSTINGS_BUDGET = 6000  # postings read per query at most: the time of a query is about proportional
COMMON_SHARE = 0.2  # terms in more than this share of the documents are left out
CANDIDATES = 200  # best-scored documents read before filtering
RERANKED = 20  # of those the user may see, the best read in full and reordered
EXACT_BONUS = 0.15  # at most this much more score for matching the draft's exact (diacritic) words
TITLE_CHARS = 300
PROBLEM_CHARS = 4000


@dataclass
class Suggestion:
    document: IndexedDocument
    score: float
    url: str = ""
    lessons: list[dict[str, Any]] = field(default_factory=list)


# What the panel and the API show of a suggestion (one shape for both; the template tag must not
# import the API module, which the API's own set-up imports).
def suggestion_out(s: Suggestion) -> dict:
    document = s.document
    return {"kind": document.kind, "kind_label": str(document.get_kind_display()), "id": document.object_id,
            "title": document.title, "unit": document.unit.name if document.unit else "", "url": s.url or None,
            "excerpt": document.excerpt, "score": s.score, "lessons": s.lessons}


def found_message(n: int) -> str:
    if not n:
        return _("Chưa thấy việc tương tự ở đơn vị khác.")
    return ngettext("%(n)d việc tương tự ở đơn vị khác.", "%(n)d việc tương tự ở đơn vị khác.", n) % {"n": n}


def may_open(user, document: IndexedDocument) -> bool:
    return may_open_indexed.test(user, document)


def weighted_terms(title: str, problem: str) -> list[tuple[str, float]]:
    """The draft's terms worth reading, rarest first, each with its query weight (idf x count)."""
    counts = term_counts(title[:TITLE_CHARS], problem[:PROBLEM_CHARS])
    if not counts:
        return []
    candidates = [term for term, _n in counts.most_common(MAX_TERMS * 3)]
    # The terms' document counts and the number of documents, in one round trip.
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT term, documents FROM knowledge_term "  # noqa: S608 -- placeholders only
                       f"WHERE term IN ({', '.join(['%s'] * len(candidates))}) AND documents > 0 "
                       "UNION ALL SELECT '', documents FROM knowledge_indextotals", candidates)
        known = dict(cursor.fetchall())
    total = known.pop("", 0)
    chosen: list[tuple[str, float]] = []
    budget = POSTINGS_BUDGET
    for term in sorted(known, key=lambda t: (known[t], t)):
        documents = known[term]
        if documents > max(COMMON_SHARE * total, 50) or documents > budget or len(chosen) >= MAX_TERMS:
            break
        budget -= documents
        query_tf = counts[term]
        chosen.append((term, idf(documents, total) * (query_tf * 2.2 / (query_tf + 1.2))))
    return chosen


def _ranking(terms: list[tuple[str, float]]) -> tuple[str, list[Any]]:
    """The BM25 ranking as SQL (a `WITH` clause naming `ranked (document_id, score)`, best first up to
    a limit given as the last parameter) and its parameters: the draft's terms as a small table
    joined to the postings, one index seek per term, no per-row CASE; the same SQL on SQLite and
    PostgreSQL."""
    # The weights typed in the VALUES: PostgreSQL would otherwise take them as numeric and cast every
    # posting's product (twice as slow); SQLite reads the type as REAL.
    values = ", ".join(["(%s, CAST(%s AS DOUBLE PRECISION))"] * len(terms))
    sql = (f"WITH q (term, w) AS (VALUES {values}), "  # noqa: S608 -- placeholders only
           "ranked (document_id, score) AS (SELECT p.document_id, SUM(p.weight * q.w) FROM q "
           "JOIN knowledge_posting p ON p.term = q.term "
           "GROUP BY p.document_id ORDER BY SUM(p.weight * q.w) DESC, p.document_id LIMIT %s) ")
    return sql, [value for term, w in terms for value in (term, float(w))]


def ranked(terms: list[tuple[str, float]], limit: int = CANDIDATES) -> list[tuple[int, float]]:
    """(document id, BM25 score), best first: one grouped query over the postings' index."""
    if not terms:
        return []
    sql, params = _ranking(terms)
    # PostgreSQL reads the postings from the index alone once VACUUM has marked their pages visible
    # (the bulk load runs it, autovacuum keeps it): then the plan is cheap and never compiled (JIT).
    with connection.cursor() as cursor:
        cursor.execute(sql + "SELECT document_id, score FROM ranked ORDER BY score DESC, document_id",  # noqa: S608
                       [*params, limit])
        return [(row[0], float(row[1])) for row in cursor.fetchall()]


def _placeholders(values) -> str:
    return ", ".join(["%s"] * len(values))


def _allowed(user, own: set[int], exclude: tuple[str, int] | None) -> tuple[str, list[Any]]:
    """SQL conditions on `d` (an index entry): what the user may see (public entries; shared ones for
    any unit's staff; everything for DoST; whatever belongs to the user's own units), other than the
    records of the draft's own units and the record being edited."""
    conditions: list[str] = []
    params: list[Any] = []
    if not is_dost_coordinator(user):
        units = sorted(staff_unit_ids(user))
        visible = ["d.audience = %s"]
        params.append(Audience.PUBLIC.value)
        if units:
            visible += [f"d.unit_id IN ({_placeholders(units)})", "d.audience = %s"]
            params += [*units, Audience.STAFF.value]
        conditions.append(f"({' OR '.join(visible)})")
    if own:
        conditions.append(f"(d.unit_id IS NULL OR d.unit_id NOT IN ({_placeholders(own)}))")
        params += sorted(own)
    if exclude:
        conditions.append("NOT (d.kind = %s AND d.object_id = %s)")
        params += [exclude[0], exclude[1]]
    return " AND ".join(conditions) or "1 = 1", params


COLUMNS = ("id", "kind", "object_id", "unit_id", "audience", "link_audience", "title", "excerpt", "url")


def best_allowed(user, terms: list[tuple[str, float]], own: set[int],
                 exclude: tuple[str, int] | None) -> list[tuple[IndexedDocument, float]]:
    """The best `RERANKED` of the `CANDIDATES` best-scored entries that the user may see, with their
    unit's name, best first: one round trip (ranking, filtering and reading the rows in one query)."""
    if not terms:
        return []
    sql, params = _ranking(terms)
    where, where_params = _allowed(user, own, exclude)
    columns = ", ".join(f"d.{name}" for name in COLUMNS)
    sql += (f"SELECT {columns}, u.name, r.score FROM ranked r "  # noqa: S608 -- placeholders only
            "JOIN knowledge_indexeddocument d ON d.id = r.document_id LEFT JOIN orgs_orgunit u ON u.id = d.unit_id "
            f"WHERE {where} ORDER BY r.score DESC, d.id LIMIT %s")
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, CANDIDATES, *where_params, RERANKED])
        rows = cursor.fetchall()
    found = []
    for row in rows:
        document = IndexedDocument(**dict(zip(COLUMNS, row[:len(COLUMNS)], strict=True)))
        if document.unit_id is not None:
            document.unit = OrgUnit(pk=document.unit_id, name=row[-2])
        found.append((document, float(row[-1])))
    return found


def _exact_share(draft_words: set[str], document: IndexedDocument) -> float:
    if not draft_words:
        return 0.0
    theirs = set(words(f"{document.title} {document.excerpt}"))
    return len(draft_words & theirs) / len(draft_words)


def suggest(user, title: str, problem: str = "", *, unit_id: int | None = None, exclude: tuple[str, int] | None = None,
            limit: int = 5) -> list[Suggestion]:
    """Records of other units like this draft that the user may see, best first.

    `unit_id` is the unit the draft is for (its records are left out; without it, the user's own
    units' are); `exclude` is the record being edited, (kind, id). Three round trips: the terms'
    counts, the ranked and filtered entries, their lessons."""
    own = {unit_id} if unit_id else staff_unit_ids(user)
    best = best_allowed(user, weighted_terms(title or "", problem or ""), own, exclude)
    if not best:
        return []
    # Only the best few are read in full: the exact-spelling bonus reorders near-equals, not the list.
    draft_words = set(words(f"{title} {problem[:PROBLEM_CHARS]}"))
    found = []
    for document, base in best:
        # Exact-diacritic matches first among near-equals: at most EXACT_BONUS more.
        score = base * (1 + EXACT_BONUS * _exact_share(draft_words, document))
        found.append(Suggestion(document, round(score, 4), document.url if may_open(user, document) else ""))
    found.sort(key=lambda s: (-s.score, s.document.pk))
    return attach_lessons(user, found[:limit])


# The key of a lesson's subject for each kind of indexed record (models/cases.py: Lesson).
LESSON_SUBJECTS: dict[str, str] = {DocumentKind.CASE: "case", DocumentKind.CHALLENGE: "challenge", DocumentKind.TASK: "annual_task",
                   DocumentKind.INITIATIVE: "initiative"}
LESSONS_SHOWN = 2
LESSON_CHARS = 200


def _lesson_text(lesson) -> str:
    text = " ".join((lesson.to_change or lesson.went_well or "").split())
    return text if len(text) <= LESSON_CHARS else text[:LESSON_CHARS].rsplit(" ", 1)[0] + "…"


def attach_lessons(user, suggestions: list[Suggestion]) -> list[Suggestion]:
    """The answered lessons (after-action reviews) of each suggested record, the newest first: a
    case's include those of the work it was drafted from. One query (two when a case is suggested);
    lessons are internal, so someone who may not read them gets none (services.lessons_of)."""
    from sangtao.knowledge.services import lessons_of

    wanted: dict[str, list[int]] = {}
    for suggestion in suggestions:
        wanted.setdefault(LESSON_SUBJECTS[suggestion.document.kind], []).append(suggestion.document.object_id)
    found = lessons_of(wanted, user, brief=True)
    for suggestion in suggestions:
        lessons = found.get((LESSON_SUBJECTS[suggestion.document.kind], suggestion.document.object_id), [])
        suggestion.lessons = [{"title": lesson.title, "text": _lesson_text(lesson), "url": lesson.get_absolute_url()}
                              for lesson in lessons[:LESSONS_SHOWN]]
    return suggestions


def related_ids(title: str, problem: str = "", *, limit: int = 5) -> list[tuple[str, int]]:
    """(kind, object id) of the best matches for everyone's eyes (the quality bench)."""
    ids = [pk for pk, _score in ranked(weighted_terms(title, problem), limit)]
    kinds = dict(IndexedDocument.objects.filter(pk__in=ids).values_list("pk", "kind"))
    objects = dict(IndexedDocument.objects.filter(pk__in=ids).values_list("pk", "object_id"))
    return [(kinds[pk], objects[pk]) for pk in ids]
