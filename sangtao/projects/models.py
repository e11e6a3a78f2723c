"""Step 4 and acceptance: a project carries out a challenge after the decision.

Health is derived from dates and reports, never typed in; rules (report cadence,
escalation delays, the acceptance rule) are data DoST edits.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sangtao.challenges.models import Challenge
from sangtao.core import formats
from sangtao.core.models import AppendOnlyModel
from sangtao.core.text import clean as clean_text
from sangtao.orgs.models import OrgUnit
from sangtao.review.models import Decision


class ProjectRules(models.Model):
    """Escalation delays and the acceptance rule (data, seeded with the brief's defaults)."""

    name = models.CharField(_("Tên bộ quy tắc"), max_length=150)
    leader_after_days = models.PositiveSmallIntegerField(_("Báo lãnh đạo đơn vị sau (ngày quá hạn)"), default=7)
    dost_after_days = models.PositiveSmallIntegerField(_("Báo Sở KH&CN sau (ngày quá hạn)"), default=14)
    at_risk_within_days = models.PositiveSmallIntegerField(_("Cảnh báo khi mốc đến hạn trong (ngày)"), default=14)
    # Overall Đạt: at least this share of quantity criteria rated Đạt or better (default 3/4).
    quantity_share_numerator = models.PositiveSmallIntegerField(_("Tỷ lệ tiêu chí khối lượng đạt: tử số"), default=3)
    quantity_share_denominator = models.PositiveSmallIntegerField(_("Tỷ lệ tiêu chí khối lượng đạt: mẫu số"),
                                                                  default=4)
    is_default = models.BooleanField(_("Mặc định"), default=False)

    class Meta:
        verbose_name_plural = "project rules"

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        self.name = clean_text(self.name)  # edited in the admin: NFC, no surrounding space
        if self.leader_after_days > self.dost_after_days:
            raise ValidationError({"dost_after_days": _("Sở KH&CN được báo sau lãnh đạo đơn vị, không trước.")})
        if not 1 <= self.quantity_share_numerator <= self.quantity_share_denominator:
            raise ValidationError({"quantity_share_numerator": _("Tỷ lệ phải lớn hơn 0 và không quá 1.")})


class ProjectStatus(models.TextChoices):
    ACTIVE = "active", _("Đang thực hiện")
    ACCEPTED = "accepted", _("Đã nghiệm thu")
    FAILED = "failed", _("Nghiệm thu không đạt")
    CANCELLED = "cancelled", _("Đã hủy")


class Project(models.Model):
    challenge = models.OneToOneField(Challenge, on_delete=models.PROTECT, related_name="project")
    decision = models.OneToOneField(Decision, on_delete=models.PROTECT, related_name="project")
    lead_organisation = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="led_projects")
    rules = models.ForeignKey(ProjectRules, on_delete=models.PROTECT)
    contract_number = models.CharField(_("Số hợp đồng"), max_length=60, blank=True)
    contract_value_vnd = models.BigIntegerField(_("Giá trị hợp đồng (đồng)"), null=True, blank=True)
    starts_on = models.DateField(_("Ngày bắt đầu"))
    ends_on = models.DateField(_("Ngày kết thúc"))
    report_every_days = models.PositiveSmallIntegerField(_("Chu kỳ báo cáo (ngày)"), default=30)
    status = models.CharField(max_length=10, choices=ProjectStatus.choices, default=ProjectStatus.ACTIVE,
                              editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.challenge.title

    def get_absolute_url(self) -> str:
        return reverse("projects:detail", args=[self.pk])


class Partner(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="partners")
    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="partnerships", verbose_name=_("Đơn vị"))
    responsibilities = models.TextField(_("Trách nhiệm"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["project", "unit"], name="one_partnership")]

    def __str__(self) -> str:
        return f"{self.unit} @ {self.project_id}"


class Milestone(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("Mốc / sản phẩm"), max_length=300)
    due_on = models.DateField(_("Hạn"))
    owner = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("Đơn vị phụ trách"))
    acceptance_criteria = models.TextField(_("Tiêu chí nghiệm thu"), blank=True)
    tranche_vnd = models.BigIntegerField(_("Đợt kinh phí gắn với mốc (đồng)"), null=True, blank=True)
    disbursed_vnd = models.BigIntegerField(_("Đã giải ngân (đồng)"), null=True, blank=True)
    disbursed_on = models.DateField(_("Ngày giải ngân"), null=True, blank=True)
    completed_on = models.DateField(_("Ngày hoàn thành"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["due_on", "position", "id"]

    def __str__(self) -> str:
        return self.title

    def is_overdue(self, today) -> bool:
        return self.completed_on is None and self.due_on < today


class TaskStatus(models.TextChoices):
    OPEN = "open", _("Đang làm")
    DONE = "done", _("Hoàn thành")


class Task(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="tasks")
    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("Đơn vị thực hiện"))
    title = models.CharField(_("Nhiệm vụ"), max_length=300)
    due_on = models.DateField(_("Hạn"))
    status = models.CharField(max_length=10, choices=TaskStatus.choices, default=TaskStatus.OPEN, editable=False)
    done_on = models.DateField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return self.title

    def is_overdue(self, today) -> bool:
        return self.status == TaskStatus.OPEN and self.due_on < today


class TaskComment(models.Model):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("Trao đổi"))
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"comment on {self.task_id}"


class ReportStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Chờ đơn vị xem xét")
    ACCEPTED = "accepted", _("Đã chấp nhận")
    RETURNED = "returned", _("Trả lại để bổ sung")


class ProgressReport(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="reports")
    period_end = models.DateField(_("Kỳ báo cáo đến ngày"))
    narrative = models.TextField(_("Tình hình thực hiện"))
    milestone_progress = models.JSONField(default=dict)  # {milestone id: percent done}
    issues = models.TextField(_("Vướng mắc, rủi ro"), blank=True)
    status = models.CharField(max_length=10, choices=ReportStatus.choices, default=ReportStatus.SUBMITTED,
                              editable=False)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(default=timezone.now)
    review_note = models.TextField(blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")

    class Meta:
        ordering = ["-period_end", "-id"]

    def __str__(self) -> str:
        return f"report {self.project_id} to {self.period_end}"


class Escalation(AppendOnlyModel):
    """One overdue notice sent at one level, so each is sent once."""

    chain_by = ("project_id",)

    class Level(models.IntegerChoices):
        OWNER = 1, _("Người phụ trách")
        LEADER = 2, _("Lãnh đạo đơn vị chủ quản")
        DOST = 3, _("Sở KH&CN")

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="escalations")
    subject = models.CharField(max_length=40)  # "milestone:12", "task:3", "report:2026-11-30"
    level = models.PositiveSmallIntegerField(choices=Level.choices)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]
        constraints = [models.UniqueConstraint(fields=["project", "subject", "level"], name="escalate_once")]

    def __str__(self) -> str:
        return f"{self.subject} level {self.level}"


class Grade(models.TextChoices):
    EXCELLENT = "excellent", _("Xuất sắc")
    PASS = "pass", _("Đạt")
    FAIL = "fail", _("Không đạt")


GRADE_ORDER = {Grade.FAIL: 0, Grade.PASS: 1, Grade.EXCELLENT: 2}


class SelfAssessment(models.Model):
    project = models.OneToOneField(Project, on_delete=models.CASCADE, related_name="self_assessment")
    summary = models.TextField(_("Tự đánh giá kết quả"))
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"self-assessment {self.project_id}"


class AcceptanceRating(models.Model):
    """One acceptance-council member's grades of one deliverable (or, milestone empty, the final report)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="acceptance_ratings")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    milestone = models.ForeignKey(Milestone, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    quantity = models.CharField(_("Khối lượng"), max_length=10, choices=Grade.choices, blank=True)
    quality = models.CharField(_("Chất lượng"), max_length=10, choices=Grade.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["project", "member", "milestone"], condition=Q(milestone__isnull=False),
                                    name="one_rating_per_deliverable"),
            models.UniqueConstraint(fields=["project", "member"], condition=Q(milestone__isnull=True),
                                    name="one_rating_of_the_report"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} rates {self.milestone_id or 'report'}"


class Deployment(models.Model):
    """A place where the result goes into service; replications to more units are more rows."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="deployments")
    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="deployments", verbose_name=_("Đơn vị"))
    service = models.CharField(_("Dịch vụ áp dụng"), max_length=300)
    go_live_on = models.DateField(_("Ngày đưa vào sử dụng"))
    notes = models.TextField(_("Ghi chú"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["go_live_on", "id"]
        constraints = [models.UniqueConstraint(fields=["project", "unit", "service"], name="one_deployment")]

    def __str__(self) -> str:
        return f"{self.unit} from {self.go_live_on}"


class AcceptanceMember(models.Model):
    """A member of the acceptance council (hội đồng nghiệm thu), from the expert registry."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="acceptance_members")
    expert = models.ForeignKey("review.Expert", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["project", "expert"], name="one_acceptance_seat")]

    def __str__(self) -> str:
        return f"{self.expert_id} on acceptance of {self.project_id}"


def document_path(instance: "ProjectDocument", filename: str) -> str:
    return f"projects/{instance.project_id}/{formats.file_stamp(timezone.now())}-{filename}"


class ProjectDocument(models.Model):
    """A document on a task's thread, or evidence attached to a progress report."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="documents")
    task = models.ForeignKey(Task, null=True, blank=True, on_delete=models.CASCADE, related_name="documents")
    report = models.ForeignKey(ProgressReport, null=True, blank=True, on_delete=models.CASCADE,
                               related_name="documents")
    file = models.FileField(upload_to=document_path)
    original_name = models.CharField(max_length=255)
    kind = models.CharField(max_length=10)
    size = models.PositiveBigIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name
