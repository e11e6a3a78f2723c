from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from sangtao.core import formats
from sangtao.core.models import AppendOnlyModel, WorkflowTransition
from sangtao.core.text import clean, fold, sort_key
from sangtao.orgs.models import OrgUnit


class Field(models.Model):
    """A field of the taxonomy managed by DoST (health, transport, ...)."""

    name = models.CharField(_("Tên lĩnh vực"), max_length=120, unique=True)
    name_en = models.CharField(_("Tên tiếng Anh"), max_length=120, blank=True)
    slug = models.SlugField(unique=True)
    active = models.BooleanField(_("Đang dùng"), default=True)
    sort_name = models.CharField(max_length=600, editable=False)

    class Meta:
        ordering = ["sort_name"]

    def __str__(self) -> str:
        """The name in the reader's language (DoST gives each field both; the English one may be blank)."""
        english = (get_language() or "").startswith("en")
        return self.name_en if english and self.name_en else self.name

    def save(self, *args, **kwargs):
        self.name = clean(self.name)
        self.name_en = clean(self.name_en)
        self.sort_name = sort_key(self.name)
        super().save(*args, **kwargs)


class Status(models.TextChoices):
    DRAFT = "draft", _("Bản nháp")
    UNIT_REVIEW = "unit_review", _("Lãnh đạo đơn vị xem xét")
    DOST_REVIEW = "dost_review", _("Sở KH&CN thẩm định")
    APPROVED = "approved", _("Đã phê duyệt")
    PUBLISHED = "published", _("Đang công bố")
    CLOSED = "closed", _("Đã đóng nhận hồ sơ")
    IMPLEMENTING = "implementing", _("Đang triển khai")
    EVALUATING = "evaluating", _("Đang đánh giá kết quả")
    COMPLETED = "completed", _("Đã hoàn thành")
    REJECTED = "rejected", _("Bị từ chối")
    WITHDRAWN = "withdrawn", _("Đã rút")
    CANCELLED = "cancelled", _("Đã hủy")


PUBLIC_STATUSES = [Status.PUBLISHED, Status.CLOSED, Status.IMPLEMENTING, Status.EVALUATING, Status.COMPLETED]


class ChallengeRules(models.Model):
    """The national deadlines of the task procedure, in working days (data, seeded with BRIEF §2's)."""

    name = models.CharField(_("Tên bộ quy tắc"), max_length=150)
    review_working_days = models.PositiveSmallIntegerField(
        _("Sở KH&CN thẩm định trong (ngày làm việc)"), default=7,
        validators=[MinValueValidator(1), MaxValueValidator(250)])
    publish_working_days = models.PositiveSmallIntegerField(
        _("Công bố sau khi phê duyệt trong (ngày làm việc)"), default=15,
        validators=[MinValueValidator(1), MaxValueValidator(250)])
    remind_working_days = models.PositiveSmallIntegerField(
        _("Nhắc Sở KH&CN trước hạn (ngày làm việc)"), default=2, validators=[MaxValueValidator(30)],
        help_text=_("0: không nhắc trước, chỉ báo khi đã quá hạn."))
    is_default = models.BooleanField(_("Mặc định"), default=False)

    class Meta:
        verbose_name = pgettext_lazy("singular", "quy tắc thời hạn bài toán")
        verbose_name_plural = _("quy tắc thời hạn bài toán")
        constraints = [models.UniqueConstraint(fields=["is_default"], condition=Q(is_default=True),
                                               name="one_default_challenge_rules")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        self.name = clean(self.name)  # edited in the admin: NFC, no surrounding space


class Facet(models.TextChoices):
    ENHANCEMENT = "enhancement", _("Cải tiến")
    MISSION = "mission", _("Định hướng sứ mệnh")
    ADAPTIVE = "adaptive", _("Thích ứng")
    ANTICIPATORY = "anticipatory", _("Đón đầu")


class SelectionMode(models.TextChoices):
    OPEN = "open", _("Tuyển chọn")
    DIRECT = "direct", _("Giao trực tiếp")


class Challenge(models.Model):
    title = models.CharField(_("Tên bài toán"), max_length=300)
    title_en = models.CharField(_("Tên tiếng Anh"), max_length=300, blank=True)
    summary = models.TextField(_("Tóm tắt"), max_length=2000)
    summary_en = models.TextField(_("Tóm tắt tiếng Anh"), max_length=2000, blank=True)
    field = models.ForeignKey(Field, on_delete=models.PROTECT, verbose_name=_("Lĩnh vực"))
    owner_unit = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="owned_challenges",
        verbose_name=_("Đơn vị chủ trì đặt hàng"),
    )
    co_owner_units = models.ManyToManyField(
        OrgUnit, blank=True, related_name="co_owned_challenges", verbose_name=_("Đơn vị phối hợp")
    )
    problem_statement = models.TextField(_("Nêu vấn đề"))
    current_situation = models.TextField(_("Hiện trạng và số liệu"), blank=True)
    desired_outcomes = models.TextField(_("Kết quả mong muốn"), blank=True)
    beneficiaries = models.TextField(_("Đối tượng thụ hưởng"), blank=True)
    related_services = models.TextField(_("Dịch vụ công liên quan"), blank=True)
    constraints = models.TextField(_("Ràng buộc"), blank=True)
    budget_min_vnd = models.BigIntegerField(_("Kinh phí dự kiến từ (đồng)"), null=True, blank=True)
    budget_max_vnd = models.BigIntegerField(_("Kinh phí dự kiến đến (đồng)"), null=True, blank=True)
    timeline_start = models.DateField(_("Bắt đầu dự kiến"), null=True, blank=True)
    timeline_end = models.DateField(_("Kết thúc dự kiến"), null=True, blank=True)
    timeline_notes = models.TextField(_("Tiến độ dự kiến"), blank=True)
    facet = models.CharField(_("Loại đổi mới (OPSI)"), max_length=20, choices=Facet.choices)
    selection_mode = models.CharField(
        _("Hình thức lựa chọn"), max_length=10, choices=SelectionMode.choices,
        default=SelectionMode.OPEN,
    )
    call_opens_at = models.DateTimeField(_("Mở nhận hồ sơ"), null=True, blank=True)
    call_closes_at = models.DateTimeField(_("Hạn nhận hồ sơ"), null=True, blank=True)
    contact_name = models.CharField(_("Người liên hệ"), max_length=150, blank=True)
    contact_email = models.EmailField(_("Email liên hệ"), blank=True)
    contact_phone = models.CharField(_("Điện thoại liên hệ"), max_length=30, blank=True)
    tags = models.JSONField(_("Từ khóa"), default=list, blank=True)

    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Search columns, derived on save: NFC lower-case text, and the same text folded.
    search_exact = models.TextField(default="", editable=False)
    search_folded = models.TextField(default="", editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "call_closes_at"]),
            models.Index(fields=["status", "published_at"]),
            # Serves the public list's order, so a page reads 20 rows instead of sorting all.
            models.Index(fields=["-published_at", "-id"], name="challenge_publication_order"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(call_closes_at__isnull=True)
                | Q(call_opens_at__isnull=True)
                | Q(call_closes_at__gt=models.F("call_opens_at")),
                name="call_closes_after_opening",
                violation_error_message=_("Hạn nhận hồ sơ phải sau thời điểm mở nhận hồ sơ."),
            ),
            models.CheckConstraint(
                condition=Q(budget_max_vnd__isnull=True)
                | Q(budget_min_vnd__isnull=True)
                | Q(budget_max_vnd__gte=models.F("budget_min_vnd")),
                name="budget_range_ordered",
                violation_error_message=_("Kinh phí tối đa phải lớn hơn hoặc bằng kinh phí tối thiểu."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("challenges:detail", args=[self.pk])

    SEARCHED_FIELDS = ("title", "title_en", "summary", "summary_en", "problem_statement",
                       "desired_outcomes", "beneficiaries", "related_services")

    def refresh_search_columns(self) -> None:
        parts = [getattr(self, name) for name in self.SEARCHED_FIELDS]
        parts += [" ".join(self.tags or []), self.field.name, self.owner_unit.name]
        exact = clean(" ".join(p for p in parts if p)).lower()
        self.search_exact = exact
        self.search_folded = fold(exact)

    @property
    def is_public(self) -> bool:
        return self.status in PUBLIC_STATUSES

    @property
    def awaits_lead_decision(self) -> bool:
        """Whether the lead organisation can be decided now, as far as the challenge goes: once its call has
        closed (open selection; review.services.record_decision refuses it before), or while it is public
        (direct assignment, which has no call)."""
        if self.selection_mode == SelectionMode.OPEN:
            return self.status == Status.CLOSED
        return self.is_public and self.status != Status.IMPLEMENTING

    @property
    def is_open_for_proposals(self) -> bool:
        now = timezone.now()
        return (
            self.status == Status.PUBLISHED
            and self.call_opens_at is not None
            and self.call_closes_at is not None
            and self.call_opens_at <= now < self.call_closes_at
        )

    def localized_title(self, language: str) -> str:
        return self.title_en if language == "en" and self.title_en else self.title

    @property
    def shown_title(self) -> str:
        """The title in the language of the page being made (templates)."""
        return self.localized_title(get_language())

    def localized_summary(self, language: str) -> str:
        return self.summary_en if language == "en" and self.summary_en else self.summary


class KpiDefinition(models.Model):
    """What a KPI is, wherever it is tracked (a challenge's indicator, an annual task's KPI): what is
    measured, from what baseline, to what target. evaluation/kpis.py derives its status."""

    name = models.CharField(_("Tên chỉ số"), max_length=300)
    unit_of_measure = models.CharField(_("Đơn vị tính"), max_length=50)
    baseline_value = models.DecimalField(_("Giá trị nền"), max_digits=18, decimal_places=4, null=True, blank=True)
    baseline_date = models.DateField(_("Ngày đo giá trị nền"), null=True, blank=True)
    target_value = models.DecimalField(_("Giá trị mục tiêu"), max_digits=18, decimal_places=4, null=True, blank=True)
    target_date = models.DateField(_("Ngày đạt mục tiêu"), null=True, blank=True)
    data_source = models.CharField(_("Nguồn dữ liệu"), max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        abstract = True
        ordering = ["position", "id"]


class Indicator(KpiDefinition):
    """A success indicator of a challenge."""

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="indicators")

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name


def attachment_path(instance: "Attachment", filename: str) -> str:
    return f"challenges/{instance.challenge_id}/{formats.file_stamp(timezone.now())}-{filename}"


class Attachment(models.Model):
    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path)
    original_name = models.CharField(max_length=255)
    kind = models.CharField(max_length=10)  # pdf, docx, xlsx, png, jpeg: detected from content
    size = models.PositiveBigIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class Transition(WorkflowTransition):
    """One workflow move of a challenge: the append-only history."""

    chain_by = ("challenge_id",)

    challenge = models.ForeignKey(Challenge, on_delete=models.PROTECT, related_name="transitions")
    from_status = models.CharField(max_length=20, choices=Status.choices)
    to_status = models.CharField(max_length=20, choices=Status.choices)

    @property
    def is_public(self) -> bool:
        return self.to_status in PUBLIC_STATUSES


class Version(AppendOnlyModel):
    """A snapshot of the editable content after each save, for history and diffs."""

    chain_by = ("challenge_id",)

    challenge = models.ForeignKey(Challenge, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    snapshot = models.JSONField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["challenge", "number"], name="unique_version_number")]

    def __str__(self) -> str:
        return f"{self.challenge_id} v{self.number}"


class ReviewComment(models.Model):
    """An internal comment on a draft: seen by the owning units and DoST, never public."""

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="review_comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("Nhận xét"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"comment {self.pk} on {self.challenge_id}"


class QuestionStatus(models.TextChoices):
    PENDING = "pending", _("Chờ duyệt")
    APPROVED = "approved", _("Đã duyệt, chờ trả lời")
    ANSWERED = "answered", _("Đã trả lời")
    REJECTED = "rejected", _("Không công bố")


class Question(models.Model):
    """A public clarification question, or a clarification the owner posts (asker is staff)."""

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="questions")
    asker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    is_clarification = models.BooleanField(default=False)
    body = models.TextField(_("Câu hỏi"), max_length=4000)
    status = models.CharField(max_length=10, choices=QuestionStatus.choices, default=QuestionStatus.PENDING)
    answer = models.TextField(_("Trả lời"), blank=True, max_length=8000)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    moderation_note = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"question {self.pk} on {self.challenge_id}"

    @property
    def is_public(self) -> bool:
        return self.status in (QuestionStatus.APPROVED, QuestionStatus.ANSWERED)


class Follow(models.Model):
    """A user follows exactly one of: a challenge, a field, a unit."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows")
    challenge = models.ForeignKey(Challenge, null=True, blank=True, on_delete=models.CASCADE, related_name="follows")
    field = models.ForeignKey(Field, null=True, blank=True, on_delete=models.CASCADE, related_name="follows")
    unit = models.ForeignKey(OrgUnit, null=True, blank=True, on_delete=models.CASCADE, related_name="follows")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(challenge__isnull=False, field__isnull=True, unit__isnull=True)
                    | Q(challenge__isnull=True, field__isnull=False, unit__isnull=True)
                    | Q(challenge__isnull=True, field__isnull=True, unit__isnull=False)
                ),
                name="follow_exactly_one_target",
            ),
            models.UniqueConstraint(fields=["user", "challenge"], condition=Q(challenge__isnull=False), name="unique_follow_challenge"),
            models.UniqueConstraint(fields=["user", "field"], condition=Q(field__isnull=False), name="unique_follow_field"),
            models.UniqueConstraint(fields=["user", "unit"], condition=Q(unit__isnull=False), name="unique_follow_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} follows {self.challenge_id or self.field_id or self.unit_id}"


class DeadlineNotice(models.Model):
    """Marks that DoST was reminded of a national deadline coming or told it passed (challenges/deadlines.py),
    each once for each arrival at the step: a challenge returned and received again has a new deadline."""

    class Kind(models.TextChoices):
        COMING = "coming", _("Sắp đến hạn")
        PASSED = "passed", _("Quá hạn")

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="+")
    step = models.CharField(max_length=20, choices=Status.choices)  # the status whose deadline it is
    arrived_at = models.DateTimeField()
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.PASSED)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["challenge", "step", "arrived_at", "kind"],
                                               name="one_deadline_notice_of_each_kind")]

    def __str__(self) -> str:
        return f"deadline {self.kind} {self.challenge_id} {self.step}"


class ClosingReminder(models.Model):
    """Marks that the 'closing in 3 days' notice went out, so it is sent once."""

    challenge = models.OneToOneField(Challenge, on_delete=models.CASCADE)
    sent_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"reminder {self.challenge_id}"
