"""The evidence register: each external indicator (PAR INDEX, PII) with the files units tagged for it.

A unit keeps a file once and tags it with every indicator it supports (brief §8); the register turns
that round, so that DoST gathers an index's evidence from every unit at once instead of asking each
unit again for each index. Which files a person sees is access.visible_evidence's rule.
"""

import io
import shutil
import tempfile
import zipfile
from collections.abc import Iterator

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files import File
from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.expressions import Window
from django.db.models.functions import Coalesce, RowNumber
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import get_valid_filename
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from sangtao.annual.access import visible_evidence
from sangtao.annual.models import EvidenceFile, ExternalIndex, ExternalIndicator
from sangtao.core import csv as safe_csv
from sangtao.core import formats
from sangtao.core.errors import NotAllowed
from sangtao.core.progress import Tracker, job_text, run_failed, start_job
from sangtao.core.tasks import task

TAGS = EvidenceFile.indicators.through
LATEST_SHOWN = 5  # files shown under an indicator in the register; its own page lists them all


def _tags_of(files: QuerySet[EvidenceFile]):
    return TAGS.objects.filter(evidencefile__in=files.values("pk"))


def indicator_lines(files: QuerySet[EvidenceFile], index: str = "") -> QuerySet[ExternalIndicator]:
    """The indicators of one index (or both), each with `file_count` and `unit_count` among `files`.
    A retired indicator stays listed while files are tagged with it."""
    tags = _tags_of(files).filter(externalindicator=OuterRef("pk")).values("externalindicator")
    lines = ExternalIndicator.objects.annotate(
        file_count=Coalesce(Subquery(tags.annotate(n=Count("pk")).values("n")), 0),
        unit_count=Coalesce(Subquery(tags.annotate(n=Count("evidencefile__unit", distinct=True)).values("n")), 0),
    ).filter(Q(active=True) | Q(file_count__gt=0))
    if index:
        lines = lines.filter(index=index)
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


# --- every file at once, a folder per indicator --------------------------------------------------------

def export_zip(actor, year: int, index: str = ""):
    """Queue the year's evidence (one index, or both) as one ZIP with a folder per indicator, ready to
    upload indicator by indicator; returns its JobRun, whose page follows the build."""
    if not actor.has_perm("annual.view_evidence") or index not in ("", *ExternalIndex.values):
        raise NotAllowed()
    return start_job(write_zip, actor, job_text(gettext_lazy("Tải minh chứng năm %(year)s theo chỉ số (ZIP)"), year=year),
                     back_url=reverse("annual:evidence_register") + f"?year={year}", actor_id=actor.pk, year=year,
                     index=index, language=translation.get_language())


def _member(folder: str, name: str) -> str:
    """A path inside the archive: names any system takes, Vietnamese letters kept; a long name is
    shortened before its extension, which opens the file."""
    stem, dot, extension = get_valid_filename(name).rpartition(".")
    name = f"{stem[:100]}.{extension[:10]}" if dot and stem else get_valid_filename(name)[:110]
    return f"{get_valid_filename(folder)[:60]}/{name}"


def _download_link(plan_pk: int, file_pk: int) -> str:
    return settings.SITE_URL + reverse("annual:evidence_file", args=[plan_pk, file_pk])


def _fill(archive: zipfile.ZipFile, files: QuerySet[EvidenceFile], lines: QuerySet[ExternalIndicator],
          tagged: list[tuple], tracker: Tracker) -> None:
    """The register's list at the top, then a copy of each file in the folder of each of its indicators."""
    listing = io.StringIO()
    listing.write(safe_csv.BOM)
    safe_csv.Writer(listing).writerows(rows(files, lines, _download_link))
    archive.writestr(get_valid_filename(_("danh-muc-minh-chung") + ".csv"), listing.getvalue().encode("utf-8"))
    storage = EvidenceFile.file.field.storage
    for done, (index, code, unit, original, stored, pk) in enumerate(tagged, start=1):
        member = _member(f"{index.upper()} {code}", f"{unit} {pk} {original}")
        try:
            with storage.open(stored, "rb") as source, archive.open(member, "w") as target:
                shutil.copyfileobj(source, target)
        except OSError:  # a file lost from storage: the rest still goes, and the person is told which
            tracker.error(done, original, _("Không đọc được tệp trong kho lưu trữ."))
        tracker.advance(done)


@task(on_failure=run_failed)
def write_zip(run_id: str, actor_id: int, year: int, index: str, language: str = "vi") -> None:
    tracker = Tracker(run_id)
    with translation.override(language):
        files = visible_evidence(get_user_model().objects.get(pk=actor_id), year)
        lines = indicator_lines(files, index)
        tagged = list(files.filter(indicators__in=lines.values("pk"))
                      .values_list("indicators__index", "indicators__code", "unit__name", "original_name", "file", "pk")
                      .order_by("indicators__index", "indicators__code", "unit__sort_name", "pk"))
        tracker.begin(total=len(tagged))
        with tempfile.TemporaryFile() as spool:
            with zipfile.ZipFile(spool, "w", zipfile.ZIP_DEFLATED) as archive:
                _fill(archive, files, lines, tagged, tracker)
            spool.seek(0)
            tracker.finish(job_text(gettext_lazy("Số tệp đã gom vào các thư mục chỉ số: %(n)s."), n=len(tagged)), File(spool),
                           f"minh-chung-{year}{'-' + index if index else ''}.zip")
