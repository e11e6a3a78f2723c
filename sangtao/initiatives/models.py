"""Initiatives (sáng kiến): submission, the unit's register, councils, recognition, scope and emulation.

The rules of the field (Decree 13/2012, Circular 18/2013, Law 06/2022) are rows DoST edits in the
admin, seeded with the brief's defaults: the answer period, the share of votes for recognition,
the council's size, the validity of a city-scope recognition for emulation titles, the ladder.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from sangtao.core.formats import file_stamp
from sangtao.core.models import AppendOnlyModel, WorkflowTransition
from sangtao.core.text import clean, folded_words
from sangtao.orgs.models import OrgUnit


class InitiativeRules(models.Model):
    """The rules of recognition: data DoST edits, seeded from the brief."""

    name = models.CharField(_("Tên bộ quy tắc"), max_length=150)
    answer_within_months = models.PositiveSmallIntegerField(_("Thời hạn trả lời (tháng kể từ ngày nhận đơn)"),
                                                            default=3)
    recognition_numerator = models.PositiveSmallIntegerField(_("Tỷ lệ phiếu đồng ý để công nhận: tử số"), default=2)
    recognition_denominator = models.PositiveSmallIntegerField(_("Tỷ lệ phiếu đồng ý để công nhận: mẫu số"),
                                                               default=3)
    council_min_members = models.PositiveSmallIntegerField(_("Số thành viên hội đồng tối thiểu"), default=3)
    council_max_members = models.PositiveSmallIntegerField(_("Số thành viên hội đồng tối đa"), default=11)
    scope_valid_years = models.PositiveSmallIntegerField(
        _("Công nhận phạm vi thành phố có giá trị xét danh hiệu thi đua trong (năm)"), default=3)
    remuneration_percent = models.DecimalField(_("Thù lao tác giả tối thiểu (% lợi ích hằng năm)"),
                                               max_digits=5, decimal_places=2, default=7)
    remuneration_years = models.PositiveSmallIntegerField(_("Số năm áp dụng đầu tiên được trả thù lao"), default=3)
    due_soon_days = models.PositiveSmallIntegerField(_("Cảnh báo sắp đến hạn trả lời trước (ngày)"), default=14)
    is_default = models.BooleanField(_("Mặc định"), default=False)

    class Meta:
        verbose_name = _("Quy tắc công nhận sáng kiến")
        verbose_name_plural = _("Quy tắc công nhận sáng kiến")

    def __str__(self) -> str:
        return self.name

    def minimum_remuneration(self, benefit_vnd: int | None) -> int | None:
        """The authors' yearly remuneration at the least, where the benefit can be computed (Decree 13/2012
        art. 10: for economic units; for a public agency, a reference)."""
        if not benefit_vnd or not self.remuneration_percent:
            return None
        return round(benefit_vnd * self.remuneration_percent / 100)

    @classmethod
    def current(cls) -> "InitiativeRules":
        rules = cls.objects.filter(is_default=True).first()
        return rules if rules is not None else cls.objects.create(name="Quy tắc sáng kiến (mặc định)", is_default=True)


class Level(models.TextChoices):
    UNIT = "unit", _("Cấp cơ sở")
    CITY = "city", _("Cấp thành phố")
    NATIONAL = "national", _("Toàn quốc")


class EmulationTitle(models.Model):
    """A rung of the emulation ladder (Law 06/2022): data DoST edits."""

    code = models.SlugField(_("Mã"), unique=True)
    name = models.CharField(_("Danh hiệu"), max_length=200)
    name_en = models.CharField(_("Danh hiệu (tiếng Anh)"), max_length=200, blank=True)
    level = models.CharField(_("Cấp"), max_length=10, choices=Level.choices)
    needs_scope = models.CharField(_("Sáng kiến phải có phạm vi ảnh hưởng"), max_length=10, choices=Level.choices)
    lower_title = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("Danh hiệu cấp dưới"))
    consecutive_lower = models.PositiveSmallIntegerField(_("Số năm liên tục đạt danh hiệu cấp dưới"), default=0)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("Danh hiệu thi đua")
        verbose_name_plural = _("Danh hiệu thi đua")

    def __str__(self) -> str:
        """The title in the reader's language (the English one may be blank)."""
        english = (get_language() or "").startswith("en")
        return self.name_en if english and self.name_en else self.name


class InitiativeType(models.TextChoices):
    TECHNICAL = "technical", _("Giải pháp kỹ thuật")
    MANAGEMENT = "management", _("Giải pháp quản lý")
    OPERATIONAL = "operational", _("Giải pháp tác nghiệp")
    TECH_PROGRESS = "tech_progress", _("Giải pháp ứng dụng tiến bộ kỹ thuật")


class InitiativeStatus(models.TextChoices):
    DRAFT = "draft", _("Bản nháp")
    RECEIVED = "received", _("Đã tiếp nhận, vào sổ")
    UNDER_REVIEW = "under_review", _("Hội đồng đang xem xét")
    RECOGNISED = "recognised", _("Được công nhận")
    REFUSED = "refused", _("Không được công nhận")
    CITY_PROPOSED = "city_proposed", _("Đề nghị công nhận phạm vi thành phố")
    CITY_REVIEW = "city_review", _("Hội đồng thành phố đang xem xét")
    CITY_RECOGNISED = "city_recognised", _("Có phạm vi ảnh hưởng cấp thành phố")
    WITHDRAWN = "withdrawn", _("Tác giả rút đơn")


# Answered by the unit: no more waiting on the answer date.
OPEN_STATES = (InitiativeStatus.RECEIVED, InitiativeStatus.UNDER_REVIEW)
RECOGNISED_STATES = (InitiativeStatus.RECOGNISED, InitiativeStatus.CITY_PROPOSED, InitiativeStatus.CITY_REVIEW,
                     InitiativeStatus.CITY_RECOGNISED)


class Initiative(models.Model):
    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="initiatives",
                             verbose_name=_("Đơn vị áp dụng (nơi nộp đơn)"))
    title = models.CharField(_("Tên sáng kiến"), max_length=300)
    field = models.ForeignKey("challenges.Field", null=True, blank=True, on_delete=models.PROTECT,
                              related_name="initiatives", verbose_name=_("Lĩnh vực"))
    kind = models.CharField(_("Loại giải pháp"), max_length=20, choices=InitiativeType.choices)
    description = models.TextField(_("Mô tả giải pháp"))
    before = models.TextField(_("Cách làm trước đây tại đơn vị"), blank=True)
    novelty = models.TextField(_("Điểm mới so với cách làm trước đây"))
    confidential = models.TextField(_("Nội dung đề nghị giữ bí mật"), blank=True,
                                    help_text=_("Không bao giờ được công bố hay đưa vào dữ liệu mở."))
    first_applied_on = models.DateField(_("Ngày áp dụng lần đầu (hoặc áp dụng thử)"), null=True, blank=True)
    benefit_vnd = models.BigIntegerField(_("Lợi ích kinh tế tính được (VNĐ/năm)"), null=True, blank=True)
    benefit_text = models.TextField(_("Lợi ích (mô tả)"), blank=True)
    cost_vnd = models.BigIntegerField(_("Chi phí áp dụng (VNĐ)"), null=True, blank=True)
    cost_text = models.TextField(_("Chi phí (mô tả)"), blank=True)
    public_summary = models.TextField(_("Tóm tắt công bố"), blank=True,
                                      help_text=_("Phần đơn vị chọn công bố trong sổ công khai; không chứa nội dung bí mật."))
    publish = models.BooleanField(_("Công bố trong sổ sáng kiến công khai khi được công nhận"), default=True)
    status = models.CharField(max_length=20, choices=InitiativeStatus.choices, default=InitiativeStatus.DRAFT,
                              editable=False)
    register_year = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    register_number = models.PositiveIntegerField(null=True, blank=True, editable=False)
    received_at = models.DateTimeField(null=True, blank=True, editable=False)
    answer_due_on = models.DateField(null=True, blank=True, editable=False, db_index=True)
    answered_on = models.DateField(null=True, blank=True, editable=False)
    refusal_reasons = models.TextField(blank=True, editable=False)
    recognised_on = models.DateField(null=True, blank=True, editable=False)
    city_recognised_on = models.DateField(null=True, blank=True, editable=False)
    scope_valid_until = models.DateField(null=True, blank=True, editable=False)
    city_refusal_reasons = models.TextField(blank=True, editable=False)
    # Nationwide effect is recognised outside the platform (a ministry's or the national council's
    # decision); DoST records the decision here so the national emulation rung can rely on it.
    national_recognised_on = models.DateField(_("Ngày quyết định công nhận phạm vi toàn quốc"), null=True, blank=True,
                                              editable=False)
    national_decision = models.CharField(_("Quyết định công nhận phạm vi toàn quốc"), max_length=200, blank=True,
                                         editable=False)
    search_text = models.TextField(editable=False, default="")  # folded title and description, words spaced
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "register_year", "register_number"],
                                    condition=Q(register_number__isnull=False), name="one_register_number_per_unit"),
        ]
        indexes = [models.Index(fields=["unit", "status"]), models.Index(fields=["status", "answer_due_on"])]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        for name in ("title", "description", "before", "novelty", "confidential", "benefit_text", "cost_text",
                     "public_summary"):
            setattr(self, name, clean(getattr(self, name) or ""))
        self.search_text = searchable(self.title, self.description)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("initiatives:detail", args=[self.pk])

    @property
    def register_code(self) -> str:
        """The entry in the unit's register: 07/2026."""
        return f"{self.register_number:02d}/{self.register_year}" if self.register_number else ""

    @property
    def is_recognised(self) -> bool:
        return self.status in RECOGNISED_STATES

    @property
    def scope(self) -> str:
        """The widest effect recognised: nationwide (a decision DoST recorded), the city's, or the unit's."""
        if self.national_recognised_on:
            return Level.NATIONAL
        return Level.CITY if self.status == InitiativeStatus.CITY_RECOGNISED else Level.UNIT

    @property
    def scope_label(self) -> str:
        return str(Level(self.scope).label)


def searchable(*texts: str) -> str:
    """Folded words with a space on each side, so a whole word is found with ` word `."""
    return " " + " ".join(w for text in texts for w in folded_words(text or "")) + " "


class Author(models.Model):
    """An author (or co-author) and their share of the creative contribution."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="authors")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="initiative_authorships", verbose_name=_("Tài khoản"))
    name = models.CharField(_("Họ và tên"), max_length=150)
    email = models.EmailField(_("Email"), blank=True)
    position = models.CharField(_("Chức vụ, nơi công tác"), max_length=200, blank=True)
    share = models.DecimalField(_("Tỷ lệ đóng góp (%)"), max_digits=5, decimal_places=2)
    # Decree 13: the council then seats a representative of the trade union.
    union_member = models.BooleanField(_("Là đoàn viên công đoàn"), default=False)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.share}%)"

    def save(self, *args, **kwargs):
        self.name = clean(self.name)
        self.position = clean(self.position)
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)


class DeploymentKind(models.TextChoices):
    APPLIED = "applied", pgettext_lazy("deployment", "Áp dụng")  # "applied", not the button "apply"
    TRIAL = "trial", _("Áp dụng thử")
    ADOPTED = "adopted", _("Đơn vị khác học tập, nhân rộng")


class Deployment(models.Model):
    """A unit where the initiative is applied or trialled; later adoptions are evidence that it spread."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="deployments")
    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("Đơn vị"))
    kind = models.CharField(_("Hình thức"), max_length=10, choices=DeploymentKind.choices)
    since = models.DateField(_("Từ ngày"), null=True, blank=True)
    note = models.CharField(_("Ghi chú"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["recorded_at", "id"]

    def __str__(self) -> str:
        return f"{self.initiative_id} @ {self.unit_id}"


def attachment_path(instance, filename: str) -> str:
    return f"initiatives/{instance.initiative_id}/{file_stamp(timezone.now())}-{filename[-80:]}"


class Attachment(models.Model):
    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path)
    original_name = models.CharField(max_length=255)
    kind = models.CharField(max_length=10)
    size = models.PositiveBigIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class InitiativeTransition(WorkflowTransition):
    chain_by = ("initiative_id",)

    initiative = models.ForeignKey(Initiative, on_delete=models.PROTECT, related_name="transitions")
    from_status = models.CharField(max_length=20, choices=InitiativeStatus.choices)
    to_status = models.CharField(max_length=20, choices=InitiativeStatus.choices)


class CouncilStatus(models.TextChoices):
    FORMING = "forming", _("Đang thành lập")
    VOTING = "voting", _("Đang biểu quyết")
    DECIDED = "decided", _("Đã kết luận")


class Council(models.Model):
    """The initiative council (hội đồng sáng kiến) of a unit, or the city's council on scope, for one initiative."""

    initiative = models.ForeignKey(Initiative, on_delete=models.PROTECT, related_name="councils")
    level = models.CharField(_("Cấp"), max_length=10, choices=Level.choices[:2])
    name = models.CharField(_("Tên hội đồng"), max_length=300)
    rules = models.ForeignKey(InitiativeRules, on_delete=models.PROTECT, verbose_name=_("Quy tắc"))
    status = models.CharField(max_length=10, choices=CouncilStatus.choices, default=CouncilStatus.FORMING,
                              editable=False)
    in_favour = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    members_counted = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    recognised = models.BooleanField(null=True, blank=True, editable=False)
    decision_number = models.CharField(max_length=40, blank=True, editable=False)
    certificate_number = models.CharField(max_length=40, blank=True, editable=False)
    decided_on = models.DateField(null=True, blank=True, editable=False)
    reasons = models.TextField(blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("initiatives:council", args=[self.pk])


class SeatRole(models.TextChoices):
    CHAIR = "chair", _("Chủ tịch")
    VICE_CHAIR = "vice_chair", _("Phó Chủ tịch")
    SECRETARY = "secretary", _("Thư ký")
    EXPERT = "expert", _("Ủy viên chuyên môn")
    UNION = "union", _("Đại diện công đoàn")


class Seat(models.Model):
    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="seats")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="initiative_seats")
    role = models.CharField(_("Vai trò"), max_length=12, choices=SeatRole.choices)

    class Meta:
        ordering = ["council", "id"]
        constraints = [models.UniqueConstraint(fields=["council", "user"], name="one_seat_per_person")]

    def __str__(self) -> str:
        return f"{self.user} ({self.role})"


class Vote(AppendOnlyModel):
    """A member's vote, cast once; the record cannot be changed or removed."""

    chain_by = ("council_id",)

    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="votes")
    seat = models.ForeignKey(Seat, on_delete=models.PROTECT, related_name="votes")
    in_favour = models.BooleanField()
    comment = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]
        constraints = [models.UniqueConstraint(fields=["council", "seat"], name="one_vote_per_seat")]

    def __str__(self) -> str:
        return f"{self.seat_id}: {self.in_favour}"


class CouncilTransition(WorkflowTransition):
    chain_by = ("council_id",)

    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="transitions")
    from_status = models.CharField(max_length=10, choices=CouncilStatus.choices)
    to_status = models.CharField(max_length=10, choices=CouncilStatus.choices)


class DocumentCounter(models.Model):
    """The last number issued for a kind of document by an issuing body in a year."""

    issuer = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=20)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["issuer", "year", "kind"], name="one_counter_per_kind")]

    def __str__(self) -> str:
        return f"{self.issuer_id} {self.year} {self.kind}: {self.last}"


class EmulationUse(models.Model):
    """An emulation title a person received on the strength of a recognised initiative."""

    initiative = models.ForeignKey(Initiative, on_delete=models.PROTECT, related_name="emulation_uses")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="emulation_titles")
    title = models.ForeignKey(EmulationTitle, on_delete=models.PROTECT, verbose_name=_("Danh hiệu"))
    year = models.PositiveSmallIntegerField(_("Năm"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-year", "id"]
        constraints = [models.UniqueConstraint(fields=["person", "title", "year"], name="one_title_a_year")]

    def __str__(self) -> str:
        return f"{self.person_id} {self.title_id} {self.year}"

