"""Reuse before reinvention: while a unit drafts a grand challenge, an annual task or an initiative,
the records of other units that look like the draft (issue 15 §3).

Ranking is BM25 over the index's terms (suggest_terms.py: folded syllables and syllable pairs, the
administration's abbreviations spelled out). A query reads its terms' document counts, keeps the
rarest ones up to a budget of postings (terms found in more than a fifth of the documents say little
and are left out), and sums their weights in one grouped SQL query that reads only the postings'
index. The best candidates are then filtered to what the user may see and to other units, and those
whose words match the draft with its diacritics rank first among near-equals ("đường" and "dương"
fold alike). The time of a query is bounded by the budget, not by the size of the index.
"""

from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from sangtao.core.text import words
from sangtao.knowledge.models import Audience, DocumentKind, IndexedDocument
from sangtao.knowledge.suggest_index import idf
from sangtao.knowledge.suggest_terms import term_counts
from sangtao.orgs.roles import is_dost, staff_unit_ids

MAX_TERMS = 40  # terms of a draft looked up
POSTINGS_BUDGET = 10000  # postings read per query at most: the time of a query is about proportional
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


def visible_documents(user):
    """Index entries the user may see: public ones; shared ones for any unit's staff; everything for
    DoST; and whatever belongs to the user's own units."""
    queryset = IndexedDocument.objects.select_related("unit")
    if is_dost(user):
        return queryset
    units = staff_unit_ids(user)
    condition = Q(audience=Audience.PUBLIC) | Q(unit_id__in=units)
    if units:
        condition |= Q(audience=Audience.STAFF)
    return queryset.filter(condition)


def may_open(user, document: IndexedDocument) -> bool:
    if document.link_audience == Audience.PUBLIC or is_dost(user):
        return True
    units = staff_unit_ids(user)
    return document.unit_id in units or (document.link_audience == Audience.STAFF and bool(units))


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


def ranked(terms: list[tuple[str, float]], limit: int = CANDIDATES) -> list[tuple[int, float]]:
    """(document id, BM25 score), best first: one grouped query over the postings' index."""
    if not terms:
        return []
    # The draft's terms as a small table joined to the postings: one index seek per term, no
    # per-row CASE (the same SQL on SQLite and PostgreSQL).
    values = ", ".join(["(%s, %s)"] * len(terms))
    sql = (f"WITH q (term, w) AS (VALUES {values}) "  # noqa: S608 -- placeholders only
           "SELECT p.document_id, SUM(p.weight * q.w) AS score FROM q "
           "JOIN knowledge_posting p ON p.term = q.term "
           "GROUP BY p.document_id ORDER BY score DESC, p.document_id LIMIT %s")
    params: list[Any] = [value for term, w in terms for value in (term, float(w))] + [limit]
    # PostgreSQL reads the postings from the index alone once VACUUM has marked their pages visible
    # (the bulk load runs it, autovacuum keeps it): then the plan is cheap and never compiled (JIT).
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [(row[0], float(row[1])) for row in cursor.fetchall()]


def _exact_share(draft_words: set[str], document: IndexedDocument) -> float:
    if not draft_words:
        return 0.0
    theirs = set(words(f"{document.title} {document.excerpt}"))
    return len(draft_words & theirs) / len(draft_words)


def suggest(user, title: str, problem: str = "", *, unit_id: int | None = None, exclude: tuple[str, int] | None = None,
            limit: int = 5) -> list[Suggestion]:
    """Records of other units like this draft that the user may see, best first.

    `unit_id` is the unit the draft is for (its records are left out; without it, the user's own
    units' are); `exclude` is the record being edited, (kind, id)."""
    scores = ranked(weighted_terms(title or "", problem or ""))
    if not scores:
        return []
    by_id = dict(scores)
    own = {unit_id} if unit_id else staff_unit_ids(user)
    allowed = visible_documents(user).filter(pk__in=list(by_id)).exclude(unit_id__in=own)
    if exclude:
        allowed = allowed.exclude(kind=exclude[0], object_id=exclude[1])
    allowed_ids = set(allowed.values_list("pk", flat=True))
    # Only the best few are read in full: the exact-spelling bonus reorders near-equals, not the list.
    best = [pk for pk, _score in scores if pk in allowed_ids][:RERANKED]
    draft_words = set(words(f"{title} {problem[:PROBLEM_CHARS]}"))
    found = []
    for document in IndexedDocument.objects.select_related("unit").filter(pk__in=best):
        # Exact-diacritic matches first among near-equals: at most EXACT_BONUS more.
        score = by_id[document.pk] * (1 + EXACT_BONUS * _exact_share(draft_words, document))
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
    case's include those of the work it was drafted from. One query per kind of record suggested;
    lessons are internal, so someone who may not read them gets none (services.lessons_for)."""
    from sangtao.knowledge.services import lessons_for

    by_kind: dict[str, list[int]] = {}
    for suggestion in suggestions:
        by_kind.setdefault(LESSON_SUBJECTS[suggestion.document.kind], []).append(suggestion.document.object_id)
    found = {kind: lessons_for(kind, ids, user) for kind, ids in by_kind.items()}
    for suggestion in suggestions:
        lessons = found[LESSON_SUBJECTS[suggestion.document.kind]].get(suggestion.document.object_id, [])
        suggestion.lessons = [{"title": lesson.title, "text": _lesson_text(lesson), "url": lesson.get_absolute_url()}
                              for lesson in lessons[:LESSONS_SHOWN]]
    return suggestions


def related_ids(title: str, problem: str = "", *, limit: int = 5) -> list[tuple[str, int]]:
    """(kind, object id) of the best matches for everyone's eyes (the quality bench)."""
    ids = [pk for pk, _score in ranked(weighted_terms(title, problem), limit)]
    kinds = dict(IndexedDocument.objects.filter(pk__in=ids).values_list("pk", "kind"))
    objects = dict(IndexedDocument.objects.filter(pk__in=ids).values_list("pk", "object_id"))
    return [(kinds[pk], objects[pk]) for pk in ids]
