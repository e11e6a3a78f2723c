"""The evidence register: each external indicator (PAR INDEX, PII) with the files units tagged for it.

A unit keeps a file once and tags it with every indicator it supports (brief §8); the register turns
that round, so that DoST gathers an index's evidence from every unit at once instead of asking each
unit again for each index. Which files a person sees is access.visible_evidence's rule.
"""

from collections.abc import Iterator

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.expressions import Window
from django.db.models.functions import Coalesce, RowNumber
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from sangtao.annual.models import EvidenceFile, ExternalIndicator
from sangtao.core import formats

TAGS = EvidenceFile.indicators.through
LATEST_SHOWN = 5  # files shown under an indicator in the register; its own page lists them all


def _tags_of(files: QuerySet[EvidenceFile]):
    return TAGS.objects.filter(evidencefile__in=files.values("pk"))


def indicator_lines(files: QuerySet[EvidenceFile], index: str = "", *, missing_only: bool = False
                    ) -> QuerySet[ExternalIndicator]:
    """The indicators of one index (or both), each with `file_count` and `unit_count` among `files`.
    A retired indicator stays listed while files are tagged with it."""
    tags = _tags_of(files).filter(externalindicator=OuterRef("pk")).values("externalindicator")
    lines = ExternalIndicator.objects.annotate(
        file_count=Coalesce(Subquery(tags.annotate(n=Count("pk")).values("n")), 0),
        unit_count=Coalesce(Subquery(tags.annotate(n=Count("evidencefile__unit", distinct=True)).values("n")), 0),
    ).filter(Q(active=True) | Q(file_count__gt=0))
    if index:
        lines = lines.filter(index=index)
    if missing_only:
        lines = lines.filter(file_count=0)
    return lines.order_by("index", "code", "pk")


def with_latest(lines: list[ExternalIndicator], files: QuerySet[EvidenceFile]
                ) -> list[tuple[ExternalIndicator, list[EvidenceFile]]]:
    """Each indicator of a page with its newest files (LATEST_SHOWN at most), in two queries."""
    ranked = (_tags_of(files).filter(externalindicator__in=[line.pk for line in lines])
              .annotate(rank=Window(RowNumber(), partition_by=F("externalindicator_id"),
                                    order_by=[F("evidencefile__uploaded_at").desc(), F("evidencefile_id").desc()]))
              .filter(rank__lte=LATEST_SHOWN).values_list("externalindicator_id", "evidencefile_id"))
    pairs = set(ranked)
    found = files.filter(pk__in={file_pk for _indicator, file_pk in pairs}).select_related("unit")
    newest_first = sorted(found, key=lambda f: (f.uploaded_at, f.pk), reverse=True)
    return [(line, [f for f in newest_first if (line.pk, f.pk) in pairs]) for line in lines]


def files_for(files: QuerySet[EvidenceFile], indicator: ExternalIndicator) -> QuerySet[EvidenceFile]:
    """Every file tagged with one indicator, by unit then newest first."""
    return files.filter(indicators=indicator).select_related("unit").order_by("unit__sort_name", "-uploaded_at", "-pk")


def rows(files: QuerySet[EvidenceFile], lines: QuerySet[ExternalIndicator], link) -> Iterator[list]:
    """The register as rows (a header, then one per indicator and file), for the CSV export;
    `link(plan_pk, file_pk)` gives a file's download address."""
    english = (get_language() or "").startswith("en")
    yield [_("Bộ chỉ số"), _("Mã"), _("Chỉ số"), _("Đơn vị"), _("Minh chứng"), _("Tên tệp"), _("Ngày tải lên"),
           _("Địa chỉ tải về")]
    tagged = (files.filter(indicators__in=lines.values("pk"))
              .values_list("indicators__index", "indicators__code", "indicators__name", "indicators__name_en",
                           "unit__name", "title", "original_name", "uploaded_at", F("plan_pk"), "pk")
              .order_by("indicators__index", "indicators__code", "indicators__pk", "unit__sort_name", "-uploaded_at", "-pk"))
    for index, code, name, name_en, unit, title, original, uploaded_at, plan_pk, file_pk in tagged.iterator():
        yield [index.upper(), code, name_en if english and name_en else name, unit, title, original,
               formats.short_date(timezone.localtime(uploaded_at).date()), link(plan_pk, file_pk)]
