"""Cases (OECD-style case studies), lessons learned (after-action reviews), adoptions of a case by
another unit, and the library of tools and templates.

A case's sections follow the OECD OPSI case library's submission form; each has a Vietnamese text
and an optional English one, and a word limit held as data (`SectionRule`, seeded, edited by DoST).
A lesson's subject is one of a challenge (through its project's acceptance), an annual task, an
initiative or a case: `Lesson.subject_kind` with the matching key filled.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from sangtao.challenges.models import Facet
from sangtao.core import formats
from sangtao.core.models import WorkflowTransition
from sangtao.core.text import clean, fold, folded_words
from sangtao.orgs.models import OrgUnit

# The sections of a case, in the order of the OECD OPSI submission form: (key, label).
SECTIONS = (
    ("summary", _("Tóm tắt")),
    ("problem", _("Vấn đề")),
    ("innovation", _("Giải pháp đổi mới")),
    ("novelty", _("Điểm mới")),
    ("partners", _("Đối tác tham gia")),
    ("beneficiaries", _("Người sử dụng và đối tượng thụ hưởng")),
    ("results", _("Kết quả")),
    ("difficulties", _("Thách thức và thất bại")),
    ("conditions", _("Điều kiện thành công")),
    ("replication", _("Khả năng nhân rộng")),
    ("lessons", _("Bài học kinh nghiệm")),
    ("materials", _("Tài liệu tham khảo")),
)
SECTION_KEYS = tuple(key for key, _label in SECTIONS)


class Stage(models.TextChoices):
    """The innovation's stage, as the OECD case library names it."""

    IDENTIFYING = "identifying", _("Xác định vấn đề")
    IDEAS = "ideas", _("Hình thành ý tưởng")
    PROPOSALS = "proposals", _("Xây dựng đề xuất")
    IMPLEMENTING = "implementing", _("Triển khai thực hiện")
    EVALUATING = "evaluating", _("Đánh giá")
    SPREADING = "spreading", _("Lan tỏa, nhân rộng")


class SectionRule(models.Model):
    """The word limit of one section (data: seeded with defaults, edited by DoST in the admin)."""

    key = models.CharField(_("Mục"), max_length=20, unique=True, choices=SECTIONS)
    word_limit = models.PositiveIntegerField(_("Số từ tối đa"))
    guidance = models.TextField(_("Hướng dẫn viết"), blank=True)
    guidance_en = models.TextField(_("Hướng dẫn viết (tiếng Anh)"), blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"{self.key}: {self.word_limit}"

    def save(self, *args, **kwargs):
        self.guidance = clean(self.guidance)
        self.guidance_en = clean(self.guidance_en)
        super().save(*args, **kwargs)

    @property
    def shown_guidance(self) -> str:
        """The guidance in the reader's language (the English one may be blank)."""
        english = (get_language() or "").startswith("en")
        return self.guidance_en if english and self.guidance_en else self.guidance


class ProblemKind(models.Model):
    """A kind of problem a lesson or a case is about (data: seeded, edited by DoST)."""

    code = models.SlugField(unique=True)
    name = models.CharField(_("Loại vấn đề"), max_length=150)
    name_en = models.CharField(_("Tên tiếng Anh"), max_length=150, blank=True)
    active = models.BooleanField(_("Đang dùng"), default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        """The name in the reader's language, as a field's (the English one may be blank)."""
        english = (get_language() or "").startswith("en")
        return self.name_en if english and self.name_en else self.name

    def save(self, *args, **kwargs):
        self.name = clean(self.name)
        self.name_en = clean(self.name_en)
        super().save(*args, **kwargs)


class CaseStatus(models.TextChoices):
    DRAFT = "draft", _("Bản nháp")
    SUBMITTED = "submitted", _("Chờ Sở KH&CN biên tập")
    CHANGES_REQUESTED = "changes_requested", _("Cần chỉnh sửa")
    PUBLISHED_INTERNAL = "published_internal", _("Đã công bố nội bộ")
    PUBLISHED_PUBLIC = "published_public", _("Đã công bố công khai")


PUBLISHED_STATES = (CaseStatus.PUBLISHED_INTERNAL, CaseStatus.PUBLISHED_PUBLIC)
EDITABLE_STATES = (CaseStatus.DRAFT, CaseStatus.CHANGES_REQUESTED)


class SourceKind(models.TextChoices):
    NONE = "", _("Soạn mới")
    CHALLENGE = "challenge", _("Bài toán lớn đã hoàn thành")
    ANNUAL_TASK = "annual_task", _("Nhiệm vụ kế hoạch năm đã hoàn thành")
    INITIATIVE = "initiative", _("Sáng kiến đã được công nhận")


class Case(models.Model):
    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="cases",
                             verbose_name=_("Đơn vị chủ trì"))
    title = models.CharField(_("Tên tình huống"), max_length=300)
    title_en = models.CharField(_("Tên tiếng Anh"), max_length=300, blank=True)
    # The sections: Vietnamese, and an optional English text each (SECTIONS gives the order).
    summary = models.TextField(_("Tóm tắt"), blank=True)
    summary_en = models.TextField(_("Tóm tắt (tiếng Anh)"), blank=True)
    problem = models.TextField(_("Vấn đề"), blank=True)
    problem_en = models.TextField(_("Vấn đề (tiếng Anh)"), blank=True)
    innovation = models.TextField(_("Giải pháp đổi mới"), blank=True)
    innovation_en = models.TextField(_("Giải pháp đổi mới (tiếng Anh)"), blank=True)
    novelty = models.TextField(_("Điểm mới"), blank=True)
    novelty_en = models.TextField(_("Điểm mới (tiếng Anh)"), blank=True)
    partners = models.TextField(_("Đối tác tham gia"), blank=True)
    partners_en = models.TextField(_("Đối tác tham gia (tiếng Anh)"), blank=True)
    beneficiaries = models.TextField(_("Người sử dụng và đối tượng thụ hưởng"), blank=True)
    beneficiaries_en = models.TextField(_("Người sử dụng và đối tượng thụ hưởng (tiếng Anh)"), blank=True)
    results = models.TextField(_("Kết quả"), blank=True)
    results_en = models.TextField(_("Kết quả (tiếng Anh)"), blank=True)
    difficulties = models.TextField(_("Thách thức và thất bại"), blank=True)
    difficulties_en = models.TextField(_("Thách thức và thất bại (tiếng Anh)"), blank=True)
    conditions = models.TextField(_("Điều kiện thành công"), blank=True)
    conditions_en = models.TextField(_("Điều kiện thành công (tiếng Anh)"), blank=True)
    replication = models.TextField(_("Khả năng nhân rộng"), blank=True)
    replication_en = models.TextField(_("Khả năng nhân rộng (tiếng Anh)"), blank=True)
    lessons = models.TextField(_("Bài học kinh nghiệm"), blank=True)
    lessons_en = models.TextField(_("Bài học kinh nghiệm (tiếng Anh)"), blank=True)
    materials = models.TextField(_("Tài liệu tham khảo"), blank=True)
    materials_en = models.TextField(_("Tài liệu tham khảo (tiếng Anh)"), blank=True)
    stage = models.CharField(_("Giai đoạn"), max_length=20, choices=Stage.choices, blank=True)
    # Tags, from the platform's taxonomies: field, OPSI facet, public service, kind of problem.
    field = models.ForeignKey("challenges.Field", null=True, blank=True, on_delete=models.PROTECT,
                              related_name="cases", verbose_name=_("Lĩnh vực"))
    facet = models.CharField(_("Loại đổi mới (OPSI)"), max_length=20, choices=Facet.choices, blank=True)
    service = models.CharField(_("Dịch vụ công liên quan"), max_length=300, blank=True)
    problem_kind = models.ForeignKey(ProblemKind, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="cases", verbose_name=_("Loại vấn đề"))
    # What the draft was made from (at most one).
    source_kind = models.CharField(_("Nguồn"), max_length=20, choices=SourceKind.choices, blank=True,
                                   default=SourceKind.NONE, editable=False)
    challenge = models.ForeignKey("challenges.Challenge", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="cases", editable=False)
    annual_task = models.ForeignKey("annual.AnnualTask", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="cases", editable=False)
    initiative = models.ForeignKey("initiatives.Initiative", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="cases", editable=False)
    # The measured figures the draft's results were written from (KPIs, satisfaction), kept as computed.
    figures = models.JSONField(default=dict, blank=True, editable=False)
    status = models.CharField(max_length=20, choices=CaseStatus.choices, default=CaseStatus.DRAFT, editable=False)
    change_note = models.TextField(_("Yêu cầu chỉnh sửa"), blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)
    submitted_at = models.DateTimeField(null=True, blank=True, editable=False)
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    search_text = models.TextField(default="", editable=False)  # folded title and sections, words spaced

    class Meta:
        ordering = ["-published_at", "-created_at", "-id"]
        indexes = [models.Index(fields=["status", "published_at"]), models.Index(fields=["unit", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=(Q(source_kind="") & Q(challenge__isnull=True) & Q(annual_task__isnull=True)
                           & Q(initiative__isnull=True))
                | (Q(source_kind="challenge") & Q(challenge__isnull=False) & Q(annual_task__isnull=True)
                   & Q(initiative__isnull=True))
                | (Q(source_kind="annual_task") & Q(annual_task__isnull=False) & Q(challenge__isnull=True)
                   & Q(initiative__isnull=True))
                | (Q(source_kind="initiative") & Q(initiative__isnull=False) & Q(challenge__isnull=True)
                   & Q(annual_task__isnull=True)),
                name="case_one_source",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        self.title = clean(self.title)
        self.title_en = clean(self.title_en)
        self.service = clean(self.service)
        for key in SECTION_KEYS:
            setattr(self, key, clean(getattr(self, key) or ""))
            setattr(self, f"{key}_en", clean(getattr(self, f"{key}_en") or ""))
        self.search_text = searchable(self.title, self.title_en, self.summary, self.problem, self.innovation,
                                      self.service, self.lessons)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("knowledge:case", args=[self.pk])

    @property
    def is_published(self) -> bool:
        return self.status in PUBLISHED_STATES

    @property
    def is_public(self) -> bool:
        return self.status == CaseStatus.PUBLISHED_PUBLIC

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATES

    def section(self, key: str, language: str = "vi") -> str:
        if language == "en" and getattr(self, f"{key}_en"):
            return getattr(self, f"{key}_en")
        return getattr(self, key)

    def localized_title(self, language: str) -> str:
        return self.title_en if language == "en" and self.title_en else self.title


def searchable(*texts: str) -> str:
    """Folded words with a space on each side, so a whole word is found with ` word `."""
    return " " + " ".join(w for text in texts for w in folded_words(text or "")) + " "


class CaseTransition(WorkflowTransition):
    chain_by = ("case_id",)

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="transitions")
    from_status = models.CharField(max_length=20, choices=CaseStatus.choices)
    to_status = models.CharField(max_length=20, choices=CaseStatus.choices)


class SubjectKind(models.TextChoices):
    """What a lesson is about: the end of a project's acceptance (its challenge), of an annual task,
    an initiative's decision, or a case."""

    CHALLENGE = "challenge", _("Bài toán lớn (nghiệm thu dự án)")
    ANNUAL_TASK = "annual_task", _("Nhiệm vụ kế hoạch năm")
    INITIATIVE = "initiative", _("Sáng kiến")
    CASE = "case", _("Tình huống")


class LessonStatus(models.TextChoices):
    ASKED = "asked", _("Chờ rút kinh nghiệm")
    ANSWERED = "answered", _("Đã rút kinh nghiệm")


class Lesson(models.Model):
    """An after-action review: asked of the unit when the work ends, answered by its staff."""

    subject_kind = models.CharField(_("Đối tượng"), max_length=20, choices=SubjectKind.choices, editable=False)
    challenge = models.ForeignKey("challenges.Challenge", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="lessons", editable=False)
    annual_task = models.ForeignKey("annual.AnnualTask", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="lessons", editable=False)
    initiative = models.ForeignKey("initiatives.Initiative", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="lessons", editable=False)
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.PROTECT, related_name="own_lessons",
                             editable=False)
    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="lessons", verbose_name=_("Đơn vị"),
                             editable=False)
    title = models.CharField(_("Tiêu đề"), max_length=300)
    expected = models.TextField(_("Điều dự kiến sẽ xảy ra"), blank=True)
    actual = models.TextField(_("Điều thực tế đã xảy ra"), blank=True)
    went_well = models.TextField(_("Điều gì làm tốt và vì sao"), blank=True)
    to_change = models.TextField(_("Điều gì cần thay đổi và thay đổi thế nào"), blank=True)
    field = models.ForeignKey("challenges.Field", null=True, blank=True, on_delete=models.PROTECT,
                              related_name="lessons", verbose_name=_("Lĩnh vực"))
    facet = models.CharField(_("Loại đổi mới (OPSI)"), max_length=20, choices=Facet.choices, blank=True)
    service = models.CharField(_("Dịch vụ công liên quan"), max_length=300, blank=True)
    problem_kind = models.ForeignKey(ProblemKind, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="lessons", verbose_name=_("Loại vấn đề"))
    status = models.CharField(max_length=10, choices=LessonStatus.choices, default=LessonStatus.ASKED,
                              editable=False)
    asked_at = models.DateTimeField(default=timezone.now, editable=False)
    answered_at = models.DateTimeField(null=True, blank=True, editable=False)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", editable=False)
    search_text = models.TextField(default="", editable=False)

    class Meta:
        ordering = ["-answered_at", "-asked_at", "-id"]
        indexes = [models.Index(fields=["subject_kind", "status"]), models.Index(fields=["unit", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=(Q(subject_kind="challenge") & Q(challenge__isnull=False))
                | (Q(subject_kind="annual_task") & Q(annual_task__isnull=False))
                | (Q(subject_kind="initiative") & Q(initiative__isnull=False))
                | (Q(subject_kind="case") & Q(case__isnull=False)),
                name="lesson_has_its_subject",
            ),
            # One review asked per piece of work (a case may gather several).
            models.UniqueConstraint(fields=["challenge"], condition=Q(subject_kind="challenge"),
                                    name="one_review_per_challenge"),
            models.UniqueConstraint(fields=["annual_task"], condition=Q(subject_kind="annual_task"),
                                    name="one_review_per_annual_task"),
            models.UniqueConstraint(fields=["initiative"], condition=Q(subject_kind="initiative"),
                                    name="one_review_per_initiative"),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        for name in ("title", "expected", "actual", "went_well", "to_change", "service"):
            setattr(self, name, clean(getattr(self, name) or ""))
        self.search_text = searchable(self.title, self.expected, self.actual, self.went_well, self.to_change,
                                      self.service)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("knowledge:lesson", args=[self.pk])

    @property
    def subject(self):
        return getattr(self, self.subject_kind)

    @property
    def subject_id(self) -> int:
        return getattr(self, f"{self.subject_kind}_id")


class AdoptionStatus(models.TextChoices):
    REQUESTED = "requested", _("Chờ trả lời")
    ACCEPTED = "accepted", _("Đã chấp nhận")
    DECLINED = "declined", _("Đã từ chối")
    WITHDRAWN = "withdrawn", _("Đã rút")


class AdoptionForm(models.TextChoices):
    DEPLOYMENT = "deployment", _("Triển khai kết quả tại đơn vị")
    ANNUAL_TASK = "annual_task", _("Nhiệm vụ trong kế hoạch năm của đơn vị")


class Adoption(models.Model):
    """A unit asks to replicate a case; the owning unit (or DoST) accepts or declines."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="adoptions")
    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="adoptions",
                             verbose_name=_("Đơn vị áp dụng"))
    form = models.CharField(_("Hình thức áp dụng"), max_length=20, choices=AdoptionForm.choices)
    service = models.CharField(_("Dịch vụ áp dụng"), max_length=300)
    note = models.TextField(_("Kế hoạch áp dụng"), blank=True)
    go_live_on = models.DateField(_("Ngày dự kiến đưa vào sử dụng"), null=True, blank=True)
    status = models.CharField(max_length=10, choices=AdoptionStatus.choices, default=AdoptionStatus.REQUESTED,
                              editable=False)
    answer = models.TextField(_("Trả lời"), blank=True, editable=False)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     editable=False)
    requested_at = models.DateTimeField(default=timezone.now, editable=False)
    decided_at = models.DateTimeField(null=True, blank=True, editable=False)
    # What the accepted adoption became.
    project_deployment = models.ForeignKey("projects.Deployment", null=True, blank=True, on_delete=models.SET_NULL,
                                           related_name="+", editable=False)
    initiative_deployment = models.ForeignKey("initiatives.Deployment", null=True, blank=True,
                                              on_delete=models.SET_NULL, related_name="+", editable=False)
    created_task = models.ForeignKey("annual.AnnualTask", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "unit"], condition=Q(status__in=["requested", "accepted"]),
                                    name="one_open_adoption_per_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} adopts {self.case_id}"

    def save(self, *args, **kwargs):
        self.service = clean(self.service)
        self.note = clean(self.note)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("knowledge:adoption", args=[self.pk])


class AdoptionTransition(WorkflowTransition):
    chain_by = ("adoption_id",)

    adoption = models.ForeignKey(Adoption, on_delete=models.PROTECT, related_name="transitions")
    from_status = models.CharField(max_length=10, choices=AdoptionStatus.choices)
    to_status = models.CharField(max_length=10, choices=AdoptionStatus.choices)


class ResourceKind(models.TextChoices):
    GUIDE = "guide", _("Hướng dẫn")
    FORM = "form", _("Biểu mẫu")
    TOR = "tor", _("Điều khoản tham chiếu")
    TOOL = "tool", _("Công cụ")


class Resource(models.Model):
    """A tool or template of the library; its file has versions."""

    title = models.CharField(_("Tên tài liệu"), max_length=300)
    title_en = models.CharField(_("Tên tiếng Anh"), max_length=300, blank=True)
    kind = models.CharField(_("Loại"), max_length=10, choices=ResourceKind.choices)
    description = models.TextField(_("Mô tả"))
    description_en = models.TextField(_("Mô tả tiếng Anh"), blank=True)
    field = models.ForeignKey("challenges.Field", null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+", verbose_name=_("Lĩnh vực"))
    is_public = models.BooleanField(_("Công khai"), default=False)
    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("Đơn vị"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    search_text = models.TextField(default="", editable=False)

    class Meta:
        ordering = ["title", "id"]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        for name in ("title", "title_en", "description", "description_en"):
            setattr(self, name, clean(getattr(self, name) or ""))
        self.search_text = searchable(self.title, self.title_en, self.description)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("knowledge:resource", args=[self.pk])

    @property
    def current(self):
        versions = list(self.versions.all())
        return versions[-1] if versions else None


def resource_path(instance: "ResourceVersion", filename: str) -> str:
    return f"knowledge/{instance.resource_id}/{formats.file_stamp(timezone.now())}-{filename}"


class ResourceVersion(models.Model):
    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(editable=False)
    note = models.CharField(_("Thay đổi so với phiên bản trước"), max_length=300, blank=True)
    file = models.FileField(upload_to=resource_path)
    original_name = models.CharField(max_length=255)
    kind = models.CharField(max_length=10)
    size = models.PositiveBigIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["number", "id"]
        constraints = [models.UniqueConstraint(fields=["resource", "number"], name="one_resource_version_number")]

    def __str__(self) -> str:
        return f"{self.resource_id} v{self.number}"


def folded_query(text: str) -> str:
    return fold(clean(text or ""))
