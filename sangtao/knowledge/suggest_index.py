"""Writes the similarity index: one record at a time as records change, or all of it at once.

`put` and `drop` run in the caller's transaction (a move's, a save's): the index changes with the
record or, if that rolls back, not at all; no window where a withdrawn challenge is still suggested.
Each term's document count is changed in term order under row locks, so two writers never deadlock.
`rebuild` empties the index and loads every record in bulk (COPY on PostgreSQL, executemany on
SQLite), reporting its progress.
"""

import hashlib
import math
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import islice

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from sangtao.knowledge.models import IndexedDocument, IndexTotals, Posting, Term
from sangtao.knowledge.suggest_terms import term_counts

K1 = 1.2
B = 0.75
EXCERPT_CHARS = 300
BATCH = 2000
TERM_INDEX = "knowledge_posting_term"  # models/index.py: Posting.Meta.indexes


@dataclass
class Entry:
    """What a record puts in the index."""

    kind: str
    object_id: int
    unit_id: int | None
    audience: str
    link_audience: str
    title: str
    problem: str
    url: str

    def digest(self) -> str:
        """What the index holds for the record, hashed: the same digest, the same document and postings."""
        fields = (self.kind, self.object_id, self.unit_id, self.audience, self.link_audience, self.title,
                  self.problem, self.url)
        return hashlib.sha256("\x1f".join(map(str, fields)).encode()).hexdigest()

    def excerpt(self) -> str:
        text = " ".join((self.problem or "").split())
        return text if len(text) <= EXCERPT_CHARS else text[:EXCERPT_CHARS].rsplit(" ", 1)[0] + "…"


def weight(tf: int, length: int, average: float) -> float:
    return tf * (K1 + 1) / (tf + K1 * (1 - B + B * length / (average or 1)))


def idf(documents: int, total: int) -> float:
    return math.log(1 + (total - documents + 0.5) / (documents + 0.5))


def _totals(*, lock: bool) -> IndexTotals:
    queryset = IndexTotals.objects.select_for_update() if lock else IndexTotals.objects
    totals = queryset.order_by("pk").first()
    if totals is None:
        totals = IndexTotals.objects.create()
    return totals


def _count_terms(terms: Iterable[str], delta: int) -> None:
    terms = sorted(set(terms))
    if not terms:
        return
    if delta > 0:
        Term.objects.bulk_create([Term(term=term) for term in terms], ignore_conflicts=True)
    # Lock in term order (PostgreSQL; SQLite has one writer), then count in one statement.
    list(Term.objects.select_for_update().filter(term__in=terms).order_by("term").values_list("term", flat=True))
    Term.objects.filter(term__in=terms).update(documents=F("documents") + delta)


def drop(kind: str, object_id: int) -> None:
    """Take a record out of the index (nothing happens if it is not there)."""
    document = IndexedDocument.objects.filter(kind=kind, object_id=object_id).first()
    if document is None:  # a draft, never indexed: most moves of most records
        return
    with transaction.atomic(savepoint=False):  # see put
        totals_row = _totals(lock=True)
        _count_terms(Posting.objects.filter(document=document).values_list("term", flat=True), -1)
        Posting.objects.filter(document=document).delete()
        document.delete()
        IndexTotals.objects.filter(pk=totals_row.pk).update(documents=F("documents") - 1,
                                                            length=F("length") - document.length)


def put(entry: Entry) -> None:
    """Index a record, replacing what the index held for it; nothing is written when it held this already
    (most moves change a record's state, not its text or its audience)."""
    digest = entry.digest()
    # No savepoint inside the caller's transaction (a move's, a save's): if indexing fails, the change fails.
    with transaction.atomic(savepoint=False):
        if IndexedDocument.objects.filter(kind=entry.kind, object_id=entry.object_id, digest=digest).exists():
            return
        drop(entry.kind, entry.object_id)
        counts = term_counts(entry.title, entry.problem)
        length = sum(counts.values())
        totals_row = _totals(lock=True)
        average = (totals_row.length + length) / (totals_row.documents + 1)
        document = IndexedDocument.objects.create(
            kind=entry.kind, object_id=entry.object_id, unit_id=entry.unit_id, audience=entry.audience,
            link_audience=entry.link_audience, title=entry.title[:300], excerpt=entry.excerpt(), url=entry.url[:300],
            length=length, digest=digest)
        Posting.objects.bulk_create([Posting(term=term, document=document, weight=weight(tf, length, average))
                                     for term, tf in counts.items()])
        _count_terms(counts, +1)
        IndexTotals.objects.filter(pk=totals_row.pk).update(documents=F("documents") + 1,
                                                            length=F("length") + length)


# --- the whole index at once -----------------------------------------------------------------------

def _chunks(items: Iterable, size: int) -> Iterator[list]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _write_postings(rows: list[tuple[str, int, float]]) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy("COPY knowledge_posting (term, document_id, weight) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            cursor.executemany("INSERT INTO knowledge_posting (term, document_id, weight) VALUES (%s, %s, %s)", rows)


def _empty() -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("TRUNCATE knowledge_posting, knowledge_indexeddocument, knowledge_term, "
                           "knowledge_indextotals")
        else:
            for table in ("knowledge_posting", "knowledge_indexeddocument", "knowledge_term", "knowledge_indextotals"):
                cursor.execute(f"DELETE FROM {table}")  # noqa: S608 -- fixed table names


def load(entries: Iterable[Entry], *, total: int | None = None,
         progress: Callable[[int, int | None], None] | None = None) -> dict:
    """Replace the whole index with these records, in bulk, in one transaction. BM25's average length
    is taken from the first batch (a sample; `put` later uses the running average)."""
    began = time.perf_counter()
    documents = length_sum = 0
    with transaction.atomic():
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # Keys checked as rows arrive: PostgreSQL refuses TRUNCATE and CREATE INDEX on a table
                # with deferred checks pending (rows written earlier in this transaction).
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        _empty()
        with connection.cursor() as cursor:  # a B-tree built once at the end is faster than one kept up
            cursor.execute(f"DROP INDEX {TERM_INDEX}")
        average = 0.0
        frequencies: Counter = Counter()
        for chunk in _chunks(entries, BATCH):
            counted = [(entry, term_counts(entry.title, entry.problem)) for entry in chunk]
            lengths = [sum(counts.values()) for _entry, counts in counted]
            if not average:
                average = sum(lengths) / len(lengths) if lengths else 1.0
            now = timezone.now()
            created = IndexedDocument.objects.bulk_create([
                IndexedDocument(kind=e.kind, object_id=e.object_id, unit_id=e.unit_id, audience=e.audience,
                                link_audience=e.link_audience, title=e.title[:300], excerpt=e.excerpt(),
                                url=e.url[:300], length=n, digest=e.digest(), indexed_at=now)
                for (e, _counts), n in zip(counted, lengths, strict=True)])
            _write_postings([(term, document.pk, weight(tf, n, average))
                             for document, (_e, counts), n in zip(created, counted, lengths, strict=True)
                             for term, tf in counts.items()])
            for _entry, counts in counted:
                frequencies.update(counts.keys())
            documents += len(created)
            length_sum += sum(lengths)
            if progress:
                progress(documents, total)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")  # the index's sort in memory
            cursor.execute(f"CREATE INDEX {TERM_INDEX} ON knowledge_posting (term, document_id, weight)")
            if connection.vendor == "postgresql":
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # as Django's keys are, for the rest of the transaction
        for chunk in _chunks(sorted(frequencies.items()), 5000):
            Term.objects.bulk_create([Term(term=term, documents=n) for term, n in chunk])
        IndexTotals.objects.create(documents=documents, length=length_sum)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # VACUUM marks the new pages all-visible, so a query reads postings from the index alone
            # (an index-only scan); it cannot run inside a transaction, where ANALYZE is the best we can do.
            verb = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
            for table in ("knowledge_posting", "knowledge_term", "knowledge_indexeddocument"):
                cursor.execute(f"{verb} {table}")
    return {"documents": documents, "seconds": round(time.perf_counter() - began, 2)}
