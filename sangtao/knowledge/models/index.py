"""The similarity index behind "reuse before reinvention" (issue 15 §3).

One `IndexedDocument` per record another unit may reuse (a published case, a published grand
challenge, a task of a consolidated annual plan, a recognised initiative), holding what the
suggestion panel shows; one `Posting` per (term, document) with the term's BM25 weight in that
document; `Term` keeps each term's document frequency and `IndexTotals` the number and total length
of the documents, so a query reads a few small rows before the postings. Plain tables and a B-tree:
the same on SQLite and PostgreSQL. Written only by sangtao/knowledge/suggest_index.py.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from sangtao.orgs.models import OrgUnit


class DocumentKind(models.TextChoices):
    CASE = "case", pgettext_lazy("kind of record", "Tình huống điển hình")
    CHALLENGE = "challenge", pgettext_lazy("kind of record", "Bài toán lớn")
    TASK = "task", pgettext_lazy("kind of record", "Nhiệm vụ ĐMST hằng năm")
    INITIATIVE = "initiative", pgettext_lazy("kind of record", "Sáng kiến")


class Audience(models.TextChoices):
    """Who may see a document (its owning unit's staff always may)."""

    PUBLIC = "public", _("Mọi người")
    STAFF = "staff", _("Cán bộ các đơn vị và Sở KH&CN")
    DOST = "dost", _("Sở KH&CN")


class IndexedDocument(models.Model):
    kind = models.CharField(max_length=12, choices=DocumentKind.choices)
    object_id = models.PositiveBigIntegerField()
    unit = models.ForeignKey(OrgUnit, null=True, on_delete=models.CASCADE, related_name="+")
    audience = models.CharField(max_length=8, choices=Audience.choices)
    # Who may open the record's own page (an annual task is shared with other units' staff, its plan is not).
    link_audience = models.CharField(max_length=8, choices=Audience.choices)
    title = models.CharField(max_length=300)
    excerpt = models.TextField(blank=True)  # the start of the problem, as the panel shows it
    url = models.CharField(max_length=300, blank=True)
    length = models.PositiveIntegerField(default=0)  # terms counted, for BM25's length normalisation
    # A hash of what the record put in the index (suggest_index.Entry.digest): putting the same again
    # changes nothing, so a move that leaves the record's text and audience as they were costs one lookup.
    digest = models.CharField(max_length=64, blank=True, editable=False)
    indexed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "object_id"], name="one_index_entry_per_record")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.object_id} {self.title}"


class Posting(models.Model):
    term = models.CharField(max_length=64)
    # No key constraint in the database: postings are derived rows that only suggest_index.py writes
    # and removes with their document; a constraint would cost a trigger per posting in a bulk load.
    document = models.ForeignKey(IndexedDocument, on_delete=models.CASCADE, related_name="postings",
                                 db_constraint=False)
    weight = models.FloatField()  # BM25's term-frequency part: tf (k1 + 1) / (tf + k1 (1 - b + b dl / avgdl))

    class Meta:
        # term first, with the document and weight: a query reads its terms' postings from the index alone.
        indexes = [models.Index(fields=["term", "document", "weight"], name="knowledge_posting_term")]

    def __str__(self) -> str:
        return f"{self.term} @ {self.document_id}"


class Term(models.Model):
    term = models.CharField(max_length=64, primary_key=True)
    documents = models.PositiveIntegerField(default=0)  # document frequency

    def __str__(self) -> str:
        return f"{self.term} ({self.documents})"


class IndexTotals(models.Model):
    """One row: how many documents the index holds and their total length."""

    documents = models.PositiveIntegerField(default=0)
    length = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.documents} documents"
