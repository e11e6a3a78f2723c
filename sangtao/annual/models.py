"""Annual innovation tasks in state management (brief §8): each unit's plan for a year, its tasks
with KPIs, budget and milestones, reports on a calendar held as data, and evidence files tagged
with the external indices' indicators they support.

The report calendar and the external indicators are data DoST edits, seeded with the brief's
defaults (a 6-month and an annual report). States move only through annual/workflow.py.
"""

import calendar
import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from sangtao.challenges.models import Facet, KpiDefinition
from sangtao.core import formats
from sangtao.core.models import AppendOnlyModel, WorkflowTransition
from sangtao.core.text import clean, fold
from sangtao.orgs.models import OrgUnit


class ReportPeriod(models.Model):
    """One report a unit owes each year: which part of the year it covers and when it is due."""

    code = models.SlugField(_("Mã kỳ báo cáo"), max_length=20, unique=True)
    name = models.CharField(_("Tên kỳ báo cáo"), max_length=120)
    name_en = models.CharField(_("Tên tiếng Anh"), max_length=120, blank=True)
    covers_to_month = models.PositiveSmallIntegerField(_("Số liệu tính đến hết tháng"), default=6)
    due_month = models.PositiveSmallIntegerField(_("Tháng hạn nộp"))
    due_day = models.PositiveSmallIntegerField(_("Ngày hạn nộp"))
    due_next_year = models.BooleanField(_("Hạn nộp thuộc năm sau"), default=False)
    remind_days_before = models.PositiveSmallIntegerField(_("Nhắc trước hạn (ngày)"), default=7)
    is_final = models.BooleanField(_("Là báo cáo năm (ghi kết quả cuối)"), default=False)
    position = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(_("Đang áp dụng"), default=True)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        self.name = clean(self.name)
        self.name_en = clean(self.name_en)
        try:
            datetime.date(2024, self.due_month, self.due_day)  # a leap year accepts 29 February
        except (TypeError, ValueError, OverflowError):
            raise ValidationError({"due_day": _("Ngày và tháng hạn nộp không hợp lệ.")}) from None
        if not 1 <= self.covers_to_month <= 12:
            raise ValidationError({"covers_to_month": _("Tháng phải từ 1 đến 12.")})

    def due_on(self, year: int) -> datetime.date:
        year = year + 1 if self.due_next_year else year
        return datetime.date(year, self.due_month, min(self.due_day, calendar.monthrange(year, self.due_month)[1]))

    def localized_name(self, language: str) -> str:
        return self.name_en if language == "en" and self.name_en else self.name


class ExternalIndex(models.TextChoices):
    PAR = "par", _("Chỉ số cải cách hành chính (PAR INDEX)")
    PII = "pii", _("Chỉ số đổi mới sáng tạo cấp địa phương (PII)")


class ExternalIndicator(models.Model):
    """A sub-criterion of PAR INDEX or an indicator of PII that asks for evidence files."""

    index = models.CharField(_("Bộ chỉ số"), max_length=10, choices=ExternalIndex.choices)
    code = models.CharField(_("Mã"), max_length=20)
    name = models.CharField(_("Tên chỉ số thành phần"), max_length=300)
    name_en = models.CharField(_("Tên tiếng Anh"), max_length=300, blank=True)
    active = models.BooleanField(_("Đang áp dụng"), default=True)

    class Meta:
        ordering = ["index", "code"]
        constraints = [models.UniqueConstraint(fields=["index", "code"], name="one_external_indicator_code")]

    def __str__(self) -> str:
        return f"{self.get_index_display().split('(')[-1].rstrip(')')} {self.code}: {self.local_name}"

    @property
    def local_name(self) -> str:
        """The name in the active language (the Vietnamese one where no English is given)."""
        return self.name_en if (get_language() or "").startswith("en") and self.name_en else self.name

    def clean(self) -> None:
        self.name = clean(self.name)
        self.name_en = clean(self.name_en)
        self.code = clean(self.code)


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Dự thảo")
    SUBMITTED = "submitted", _("Chờ lãnh đạo đơn vị duyệt")
    APPROVED = "approved", _("Chờ Sở KH&CN tổng hợp")
    CONSOLIDATED = "consolidated", _("Đã tổng hợp")
    IN_PROGRESS = "in_progress", _("Đang thực hiện")
    DONE = "done", _("Hoàn thành")
    DROPPED = "dropped", _("Dừng thực hiện")


# Plans DoST has taken into the city's plan: their units owe reports.
REPORTING_STATES = (PlanStatus.CONSOLIDATED, PlanStatus.IN_PROGRESS, PlanStatus.DONE)
# ...and those DoST took in that are being amended (back in draft or approval): they stay in the city's
# plan, its report and its reporting duties until the new version is consolidated.
IN_CITY_PLAN = (Q(status__in=REPORTING_STATES) | Q(consolidated_at__isnull=False)) & ~Q(status=PlanStatus.DROPPED)


class AnnualPlan(models.Model):
    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="annual_plans", verbose_name=_("Đơn vị"))
    year = models.PositiveSmallIntegerField(_("Năm"))
    title = models.CharField(_("Tên kế hoạch"), max_length=300)
    summary = models.TextField(_("Mục tiêu chung"), blank=True)
    version = models.PositiveSmallIntegerField(_("Phiên bản"), default=1, editable=False)
    status = models.CharField(_("Trạng thái"), max_length=20, choices=PlanStatus.choices, default=PlanStatus.DRAFT,
                              editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    consolidated_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The key of the row an import created it from, so importing the same file again changes nothing.
    import_key = models.CharField(max_length=80, blank=True, editable=False)
    search_text = models.TextField(default="", editable=False)  # folded title, unit and tasks

    class Meta:
        ordering = ["-year", "unit__sort_name", "id"]
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="one_annual_plan_per_unit_and_year")]
        indexes = [models.Index(fields=["year", "status"])]

    def __str__(self) -> str:
        return f"{self.title} ({self.year})"

    def get_absolute_url(self) -> str:
        return reverse("annual:detail", args=[self.pk])

    @property
    def is_editable(self) -> bool:
        return self.status == PlanStatus.DRAFT


class PlanTransition(WorkflowTransition):
    chain_by = ("plan_id",)

    plan = models.ForeignKey(AnnualPlan, on_delete=models.PROTECT, related_name="transitions")
    from_status = models.CharField(max_length=20, choices=PlanStatus.choices)
    to_status = models.CharField(max_length=20, choices=PlanStatus.choices)


class PlanVersion(AppendOnlyModel):
    """The plan and its tasks as submitted: each submission of a version leaves one, for the diff history."""

    chain_by = ("plan_id",)

    plan = models.ForeignKey(AnnualPlan, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveSmallIntegerField()
    content = models.JSONField()
    reason = models.TextField(blank=True)  # why the plan was amended
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["plan", "number", "id"]

    def __str__(self) -> str:
        return f"{self.plan_id} v{self.number}"


class BudgetSource(models.TextChoices):
    SCIENCE_FUND = "science", _("Ngân sách sự nghiệp khoa học và công nghệ")
    UNIT_BUDGET = "unit", _("Kinh phí thường xuyên của đơn vị")
    SOCIALISED = "socialised", _("Xã hội hóa, tài trợ")
    NONE = "none", _("Không sử dụng kinh phí")


class AnnualTask(models.Model):
    plan = models.ForeignKey(AnnualPlan, on_delete=models.CASCADE, related_name="tasks")
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(_("Tên nhiệm vụ"), max_length=300)
    problem = models.TextField(_("Vấn đề cần giải quyết"))
    public_service = models.CharField(_("Dịch vụ công / lĩnh vực quản lý chịu tác động"), max_length=300)
    field = models.ForeignKey("challenges.Field", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("Lĩnh vực"))
    facet = models.CharField(_("Loại đổi mới (OPSI)"), max_length=20, choices=Facet.choices)
    budget_vnd = models.BigIntegerField(_("Kinh phí (đồng)"), default=0)
    budget_source = models.CharField(_("Nguồn kinh phí"), max_length=20, choices=BudgetSource.choices,
                                     default=BudgetSource.UNIT_BUDGET)
    spending_norm = models.CharField(_("Định mức chi áp dụng"), max_length=300, blank=True)
    ip_terms = models.CharField(_("Thỏa thuận sở hữu trí tuệ"), max_length=300, blank=True)
    partners = models.TextField(_("Đơn vị phối hợp"), blank=True)
    person_in_charge = models.CharField(_("Người phụ trách"), max_length=150)
    challenge = models.ForeignKey("challenges.Challenge", null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="annual_tasks", verbose_name=_("Bài toán lớn liên quan"))
    initiative = models.ForeignKey("initiatives.Initiative", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="annual_tasks", verbose_name=_("Sáng kiến liên quan"))
    case = models.ForeignKey("knowledge.Case", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="annual_tasks", verbose_name=_("Tình huống liên quan"))
    # Anything else the task refers to that the platform does not hold (a document, a programme).
    related_reference = models.CharField(_("Tham chiếu khác (văn bản, số hiệu)"), max_length=200, blank=True)
    survey = models.ForeignKey("surveys.Survey", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                               verbose_name=_("Khảo sát hài lòng của dịch vụ"))
    applied_on = models.DateField(_("Ngày đưa giải pháp vào áp dụng"), null=True, blank=True)
    # The plan's year, kept on the task (a plan's year never changes) so the roll-up counts tasks by
    # year, field and facet from one covering index instead of joining every task to its plan.
    year = models.PositiveSmallIntegerField(editable=False)

    class Meta:
        ordering = ["position", "id"]
        indexes = [models.Index(fields=["year", "field", "facet", "budget_vnd"], name="annual_task_rollup")]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        self.year = self.plan.year
        super().save(*args, **kwargs)


class TaskKpi(KpiDefinition):
    """A KPI of an annual task: the same definition as a challenge's indicator."""

    task = models.ForeignKey(AnnualTask, on_delete=models.CASCADE, related_name="kpis")

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name


class TaskMilestone(models.Model):
    task = models.ForeignKey(AnnualTask, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("Mốc / sản phẩm"), max_length=300)
    due_on = models.DateField(_("Hạn"))
    done_on = models.DateField(_("Ngày hoàn thành"), null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return self.title


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Đang soạn")
    SUBMITTED = "submitted", _("Chờ lãnh đạo đơn vị duyệt")
    APPROVED = "approved", _("Đã gửi Sở KH&CN")
    ACCEPTED = "accepted", _("Sở KH&CN đã tiếp nhận")


# Sent to DoST, which then sees it: approved by the unit's leader. One awaiting the leader is not sent yet
# (it is late once its due date has passed).
SENT_STATES = (ReportStatus.APPROVED, ReportStatus.ACCEPTED)


class PlanReport(models.Model):
    plan = models.ForeignKey(AnnualPlan, on_delete=models.PROTECT, related_name="reports")
    period = models.ForeignKey(ReportPeriod, on_delete=models.PROTECT, related_name="reports",
                               verbose_name=_("Kỳ báo cáo"))
    narrative = models.TextField(_("Kết quả thực hiện"), blank=True)
    difficulties = models.TextField(_("Khó khăn, vướng mắc, kiến nghị"), blank=True)
    status = models.CharField(max_length=20, choices=ReportStatus.choices, default=ReportStatus.DRAFT, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["plan", "period__position", "id"]
        constraints = [models.UniqueConstraint(fields=["plan", "period"], name="one_report_per_plan_and_period")]

    def __str__(self) -> str:
        return f"{self.period} — {self.plan}"

    def get_absolute_url(self) -> str:
        return reverse("annual:report", args=[self.plan_id, self.pk])

    @property
    def due_on(self) -> datetime.date:
        return self.period.due_on(self.plan.year)


class ReportTransition(WorkflowTransition):
    chain_by = ("report_id",)

    report = models.ForeignKey(PlanReport, on_delete=models.PROTECT, related_name="transitions")
    from_status = models.CharField(max_length=20, choices=ReportStatus.choices)
    to_status = models.CharField(max_length=20, choices=ReportStatus.choices)


class TaskProgress(models.Model):
    """One task's progress in one report."""

    report = models.ForeignKey(PlanReport, on_delete=models.CASCADE, related_name="progress")
    task = models.ForeignKey(AnnualTask, on_delete=models.CASCADE, related_name="progress")
    percent = models.PositiveSmallIntegerField(_("Tiến độ (%)"), default=0)
    note = models.TextField(_("Kết quả, sản phẩm"), blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["report", "task"], name="one_progress_per_task_and_report")]

    def __str__(self) -> str:
        return f"{self.task_id}: {self.percent}%"


class KpiMeasurement(models.Model):
    """A value of a task's KPI, measured on a day, reported with a report."""

    kpi = models.ForeignKey(TaskKpi, on_delete=models.CASCADE, related_name="measurements")
    report = models.ForeignKey(PlanReport, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="measurements")
    value = models.DecimalField(_("Giá trị"), max_digits=18, decimal_places=4)
    measured_on = models.DateField(_("Ngày đo"))
    source = models.CharField(_("Nguồn số liệu"), max_length=300)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["measured_on", "id"]
        constraints = [models.UniqueConstraint(fields=["kpi", "measured_on", "source"],
                                               name="one_task_measurement_per_day_and_source")]

    def __str__(self) -> str:
        return f"{self.kpi_id}: {self.value} @ {self.measured_on}"


def evidence_path(instance: "EvidenceFile", filename: str) -> str:
    return f"annual/{instance.unit_id}/{formats.file_stamp(timezone.now())}-{filename}"


class EvidenceFile(models.Model):
    """A file a unit keeps once and cites in any of its reports and for any external indicator."""

    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="annual_evidence")
    title = models.CharField(_("Tên minh chứng"), max_length=300)
    file = models.FileField(upload_to=evidence_path)
    original_name = models.CharField(max_length=255)
    kind = models.CharField(max_length=10)
    size = models.PositiveBigIntegerField()
    reports = models.ManyToManyField(PlanReport, blank=True, related_name="evidence",
                                     verbose_name=_("Dùng cho báo cáo"))
    indicators = models.ManyToManyField(ExternalIndicator, blank=True, related_name="evidence",
                                        verbose_name=_("Minh chứng cho chỉ số"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-uploaded_at", "-id"]

    def __str__(self) -> str:
        return self.title


class ReportNotice(AppendOnlyModel):
    """A reminder before a report's due date, or an escalation after it: each sent once."""

    chain_by = ("plan_id",)

    class Level(models.IntegerChoices):
        REMINDER = 0, _("Nhắc trước hạn")
        OWNER = 1, _("Người phụ trách")
        LEADER = 2, _("Lãnh đạo đơn vị")
        DOST = 3, _("Sở KH&CN")

    plan = models.ForeignKey(AnnualPlan, on_delete=models.PROTECT, related_name="notices")
    period = models.ForeignKey(ReportPeriod, on_delete=models.PROTECT, related_name="+")
    level = models.PositiveSmallIntegerField(choices=Level.choices)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]
        constraints = [models.UniqueConstraint(fields=["plan", "period", "level"], name="report_notice_once")]

    def __str__(self) -> str:
        return f"{self.plan_id} {self.period_id} level {self.level}"


class CityReport(models.Model):
    """The city's consolidated annual report, built in the background: a PDF and a workbook. How far the
    build is and why it failed are told through its `job` (core.progress), which its requester follows."""

    year = models.PositiveSmallIntegerField(_("Năm"))
    number = models.CharField(_("Số văn bản"), max_length=60)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    job = models.OneToOneField("core.JobRun", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                               editable=False)
    finished_at = models.DateTimeField(null=True, blank=True, editable=False)
    failure = models.TextField(blank=True, editable=False)
    pdf = models.FileField(upload_to="annual/city-reports/", blank=True)
    workbook = models.FileField(upload_to="annual/city-reports/", blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"{self.number} ({self.year})"

    @property
    def ready(self) -> bool:
        return bool(self.finished_at and not self.failure)


def folded_plan_text(plan: AnnualPlan, tasks) -> str:
    parts = [plan.title, plan.summary, plan.unit.name] + [f"{t.title} {t.problem} {t.public_service}" for t in tasks]
    return fold(" ".join(parts))


class WorkingGroup(models.Model):
    """A unit's working group for public-sector innovation (tổ công tác đổi mới sáng tạo), which HCMC's
    plan 2701 asks every department and local unit to set up (brief §8): the decision that established
    it and its members. One per unit, kept up to date; each change is in the audit log as it was."""

    unit = models.OneToOneField(OrgUnit, on_delete=models.PROTECT, related_name="working_group",
                                verbose_name=_("Đơn vị"))
    decision_number = models.CharField(_("Số quyết định thành lập"), max_length=60)
    decided_on = models.DateField(_("Ngày quyết định"))
    tasks = models.TextField(_("Nhiệm vụ của tổ"), blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.unit} — {self.decision_number}"


class GroupRole(models.TextChoices):
    LEAD = "lead", _("Tổ trưởng")
    DEPUTY = "deputy", _("Tổ phó")
    SECRETARY = "secretary", _("Thư ký")
    MEMBER = "member", pgettext_lazy("working group role", "Thành viên")


class WorkingGroupMember(models.Model):
    group = models.ForeignKey(WorkingGroup, on_delete=models.CASCADE, related_name="members")
    position = models.PositiveSmallIntegerField(default=0)
    full_name = models.CharField(_("Họ và tên"), max_length=150)
    job_title = models.CharField(_("Chức vụ, đơn vị công tác"), max_length=200, blank=True)
    role = models.CharField(_("Vai trò trong tổ"), max_length=12, choices=GroupRole.choices, default=GroupRole.MEMBER)

    class Meta:
        ordering = ["group", "position", "id"]

    def __str__(self) -> str:
        return self.full_name


class SessionStatus(models.TextChoices):
    REQUESTED = "requested", _("Chờ Sở KH&CN xếp lịch")
    SCHEDULED = "scheduled", _("Đã xếp lịch")
    HELD = "held", _("Đã tư vấn")
    DECLINED = "declined", _("Sở KH&CN không nhận")
    CANCELLED = "cancelled", _("Đã hủy")


class AdvisorySession(models.Model):
    """A unit's request for expert advice on one of its problems, and the session DoST holds for it
    (the "Inno-Coffee" sessions of brief §8): scheduled with a time, a place and the advisers, then
    recorded with the advice given."""

    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="advisory_sessions",
                             verbose_name=_("Đơn vị"))
    task = models.ForeignKey(AnnualTask, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                             verbose_name=_("Nhiệm vụ liên quan"))
    topic = models.CharField(_("Chủ đề cần tư vấn"), max_length=300)
    question = models.TextField(_("Vấn đề, câu hỏi cụ thể"))
    status = models.CharField(max_length=12, choices=SessionStatus.choices, default=SessionStatus.REQUESTED,
                              editable=False)
    scheduled_for = models.DateTimeField(_("Thời gian tư vấn"), null=True, blank=True, editable=False)
    place = models.CharField(_("Địa điểm hoặc đường dẫn họp trực tuyến"), max_length=300, blank=True, editable=False)
    advisers = models.TextField(_("Chuyên gia tư vấn"), blank=True, editable=False)
    advice = models.TextField(_("Nội dung tư vấn, khuyến nghị"), blank=True, editable=False)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.topic

    def get_absolute_url(self) -> str:
        return reverse("annual:advice", args=[self.pk])


class SessionTransition(WorkflowTransition):
    chain_by = ("session_id",)

    session = models.ForeignKey(AdvisorySession, on_delete=models.PROTECT, related_name="transitions")
    from_status = models.CharField(max_length=12, choices=SessionStatus.choices)
    to_status = models.CharField(max_length=12, choices=SessionStatus.choices)
