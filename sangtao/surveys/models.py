"""Satisfaction surveys (SIPAS-style): instruments with frozen versions, surveys of a public
service at a set of units over periods, anonymous responses, and the sufficient statistics
that indices are computed from.
"""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sangtao.challenges.models import Challenge
from sangtao.core.text import clean as clean_text
from sangtao.orgs.models import OrgUnit


class Element(models.IntegerChoices):
    ACCESS = 1, _("Tiếp cận dịch vụ")
    PROCEDURES = 2, _("Thủ tục hành chính")
    CIVIL_SERVANT = 3, _("Công chức giải quyết công việc")
    RESULT = 4, _("Kết quả dịch vụ")
    FEEDBACK = 5, _("Tiếp nhận, xử lý góp ý, phản ánh")


class Measure(models.TextChoices):
    PERCEPTION = "perception", _("Nhận thức")
    SATISFACTION = "satisfaction", _("Hài lòng")
    EXPECTATION = "expectation", _("Kỳ vọng")
    TEXT = "text", _("Ý kiến thêm")


class IndexRule(models.Model):
    """How an index is computed (data): the satisfied answers and the suppression threshold."""

    name = models.CharField(_("Tên"), max_length=150)
    satisfied_min = models.PositiveSmallIntegerField(_("Hài lòng khi trả lời từ mức"), default=4)
    min_n = models.PositiveSmallIntegerField(_("Ẩn chỉ số khi số phiếu dưới"), default=30)
    is_default = models.BooleanField(_("Mặc định"), default=False)

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        self.name = clean_text(self.name)  # edited in the admin: NFC, no surrounding space
        if not 1 <= self.satisfied_min <= 5:
            raise ValidationError({"satisfied_min": _("Mức hài lòng phải từ 1 đến 5.")})
        if self.min_n < 1:
            raise ValidationError({"min_n": _("Ngưỡng ẩn chỉ số phải ít nhất là 1.")})


class Instrument(models.Model):
    name = models.CharField(_("Tên bộ công cụ"), max_length=200)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.name


class InstrumentVersion(models.Model):
    """A version is frozen once it has responses; changes then make a new version."""

    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField()
    consent_text = models.TextField(_("Lời đồng ý"))
    consent_text_en = models.TextField(_("Lời đồng ý (tiếng Anh)"), blank=True)
    frozen_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["instrument", "number"]
        constraints = [models.UniqueConstraint(fields=["instrument", "number"], name="unique_instrument_version")]

    def __str__(self) -> str:
        return f"{self.instrument} v{self.number}"


class Item(models.Model):
    version = models.ForeignKey(InstrumentVersion, on_delete=models.CASCADE, related_name="items")
    code = models.CharField(max_length=20)
    element = models.PositiveSmallIntegerField(choices=Element.choices, null=True, blank=True)
    measure = models.CharField(max_length=15, choices=Measure.choices)
    text = models.CharField(_("Câu hỏi"), max_length=500)
    text_en = models.CharField(_("Câu hỏi (tiếng Anh)"), max_length=500, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["version", "code"], name="unique_item_code")]

    def __str__(self) -> str:
        return self.code

    @property
    def is_scale(self) -> bool:
        return self.measure != Measure.TEXT


class Survey(models.Model):
    name = models.CharField(_("Tên khảo sát"), max_length=300)
    version = models.ForeignKey(InstrumentVersion, on_delete=models.PROTECT, related_name="surveys")
    service = models.CharField(_("Dịch vụ công được khảo sát"), max_length=300)
    challenge = models.ForeignKey(Challenge, null=True, blank=True, on_delete=models.SET_NULL, related_name="surveys",
                                  verbose_name=_("Bài toán liên quan"))
    units = models.ManyToManyField(OrgUnit, related_name="surveys", verbose_name=_("Đơn vị khảo sát"))
    rule = models.ForeignKey(IndexRule, on_delete=models.PROTECT)
    slug = models.SlugField(unique=True, default=secrets.token_urlsafe)
    uses_tokens = models.BooleanField(_("Mỗi phiếu dùng một mã mời"), default=False)
    is_open = models.BooleanField(_("Đang nhận phiếu"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("surveys:detail", args=[self.pk])

    def public_url(self) -> str:
        return reverse("surveys:respond", args=[self.slug])

    @property
    def response_count(self) -> int:
        return ResponseCount.objects.filter(survey_id=self.pk).values_list("responses", flat=True).first() or 0


class ResponseCount(models.Model):
    """How many responses a survey has stored, kept by ingest so that pages never count millions of rows.

    A row of its own, not a column of the survey, because every writer adds to it. Each update
    makes a new version of the row it is in, and no version can be cleared away while an import's
    transaction is open. The foreign-key check of each of the import's rows on its survey walks
    those versions, so an import's publish step slowed down the longer answers kept arriving (a
    1M-row import with answers at 5/s: 63 s became 846 s). The survey's row now stays unchanged."""

    survey = models.OneToOneField(Survey, on_delete=models.CASCADE, primary_key=True, related_name="+")
    responses = models.PositiveIntegerField(default=0)


class Period(models.Model):
    """A wave (or a month of a continuous survey): responses are counted by period."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="periods")
    label = models.CharField(_("Kỳ"), max_length=40)
    starts_on = models.DateField(_("Từ ngày"))
    ends_on = models.DateField(_("Đến ngày"))

    class Meta:
        ordering = ["starts_on", "id"]
        constraints = [models.UniqueConstraint(fields=["survey", "label"], name="unique_period_label")]

    def __str__(self) -> str:
        return self.label


class SurveyToken(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="tokens")
    token = models.CharField(max_length=64, unique=True, default=secrets.token_urlsafe)
    unit = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="+")
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.token


class Source(models.TextChoices):
    WEB = "web", _("Trực tuyến")
    PAPER = "paper", _("Phiếu giấy")
    IMPORT = "import", _("Nhập từ hệ thống khác")
    API = "api", _("Hệ thống đánh giá (API)")


class Response(models.Model):
    """One anonymous response; contact details only if the respondent opts in for follow-up."""

    # No index of their own: every read of responses is by survey, which the (survey, unit, period)
    # index serves, and an index fewer is a third less index work for a million-row import. Only
    # deleting a unit or a period (refused while it has responses) scans the table instead.
    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="responses", db_index=False)
    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+", db_index=False)
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="responses", db_index=False)
    external_id = models.CharField(max_length=80, null=True, blank=True)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.WEB)
    weight = models.FloatField(default=1.0)
    # The answers to the version's scale items, one character each in scale order (see
    # ingest.scale_items): "1"-"5", or "-" when not answered. One row per response rather than
    # one per answer: a million-row file writes a million rows, and a refresh reads them once.
    scores = models.TextField(default="", blank=True)
    follow_up_email = models.EmailField(blank=True)
    # A signed-in respondent's follow-up consent is a consent record (privacy, purpose survey_followup):
    # the e-mail is used only while that person's consent stands. Anonymous respondents have none (null).
    follow_up_consent = models.ForeignKey("privacy.Consent", null=True, blank=True, on_delete=models.PROTECT,
                                          related_name="+", db_index=False)
    consented_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            # Re-importing a file or re-sending a batch adds nothing: ids are unique per survey.
            models.UniqueConstraint(fields=["survey", "external_id"], condition=Q(external_id__isnull=False),
                                    name="unique_response_external_id"),
        ]
        indexes = [models.Index(fields=["survey", "unit", "period"])]

    def __str__(self) -> str:
        return f"response {self.pk}"


class Answer(models.Model):
    """A free-text answer (scale answers are kept in Response.scores)."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"{self.item_id}: {self.text[:40]}"


class Aggregate(models.Model):
    """Sufficient statistics of one item at one unit in one period, kept current on every ingest."""

    # No index per key: sums are read by survey, through the unique index, and every index more
    # slows the upsert of an import's cells.
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="aggregates", db_index=False)
    unit = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="+", db_index=False)
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="+", db_index=False)
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="+", db_index=False)
    n = models.PositiveIntegerField(default=0)
    total = models.BigIntegerField(default=0)
    total_sq = models.BigIntegerField(default=0)
    satisfied = models.PositiveIntegerField(default=0)
    w_sum = models.FloatField(default=0)
    w_satisfied = models.FloatField(default=0)
    w2_sum = models.FloatField(default=0)
    w2_satisfied = models.FloatField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["survey", "unit", "period", "item"], name="one_aggregate")]

    def __str__(self) -> str:
        return f"{self.survey_id}/{self.unit_id}/{self.period_id}/{self.item_id}"


class RespondentAggregate(models.Model):
    """Sums over respondents at one unit in one period for one element (0 = all five together).

    One person's answers to several questions move together, so an index pooling them cannot
    treat each answer as an independent observation. Per respondent i, with weight w, m answers,
    k of them satisfied and s the sum of their values, these sums give the ratio estimates and
    their linearised (respondent-clustered) variances. Kept current on every ingest.
    """

    # No index per key, as for Aggregate.
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="respondent_aggregates",
                               db_index=False)
    unit = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="+", db_index=False)
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="+", db_index=False)
    element = models.PositiveSmallIntegerField()  # Element value, or 0 for the five together
    respondents = models.PositiveIntegerField(default=0)
    w_sum = models.FloatField(default=0)
    wm = models.FloatField(default=0)
    wk = models.FloatField(default=0)
    ws = models.FloatField(default=0)
    w2_mm = models.FloatField(default=0)
    w2_km = models.FloatField(default=0)
    w2_kk = models.FloatField(default=0)
    w2_sm = models.FloatField(default=0)
    w2_ss = models.FloatField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["survey", "unit", "period", "element"],
                                               name="one_respondent_aggregate")]

    def __str__(self) -> str:
        return f"{self.survey_id}/{self.unit_id}/{self.period_id}/e{self.element}"


class ImportJob(models.Model):
    """A file of responses imported into a survey: what it added, what it skipped and its bad rows.
    How far it is, its message and when it ended are its core JobRun's (`run`), as for every job."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Đang chờ")
        RUNNING = "running", _("Đang nhập")
        DONE = "done", _("Hoàn tất")
        REJECTED = "rejected", _("Bị từ chối (có lỗi)")
        FAILED = "failed", _("Lỗi hệ thống")

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="imports")
    file = models.FileField(upload_to="survey-imports/")
    original_name = models.CharField(max_length=255)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.PAPER)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    run = models.OneToOneField("core.JobRun", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    added = models.PositiveIntegerField(default=0)
    duplicates = models.PositiveIntegerField(default=0)
    errors = models.PositiveIntegerField(default=0)
    error_report = models.FileField(upload_to="survey-imports/errors/", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"import {self.pk} ({self.state})"
