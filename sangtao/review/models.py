"""Step 3: experts, councils, conflicts, reviewer assignment, scoring and the decision.

The rules of the field (council composition, rubric, pass rule, complaint window)
are rows that DoST edits, seeded with the defaults of the brief.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sangtao.challenges.models import Challenge, Field, SelectionMode
from sangtao.core.models import AppendOnlyModel, WorkflowTransition, in_current_language
from sangtao.core.text import clean
from sangtao.orgs.models import OrgUnit
from sangtao.proposals.models import Proposal


class Expert(models.Model):
    """An entry of the expert registry; the person signs in as its user."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="expert")
    organisation = models.ForeignKey(OrgUnit, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="experts", verbose_name=_("Tổ chức (trong hệ thống)"))
    organisation_name = models.CharField(_("Cơ quan công tác"), max_length=255, blank=True)
    organisation_tax_code = models.CharField(_("Mã số thuế cơ quan"), max_length=14, blank=True)
    title = models.CharField(_("Học hàm, học vị, chức danh"), max_length=150, blank=True)
    fields = models.ManyToManyField(Field, blank=True, related_name="experts", verbose_name=_("Lĩnh vực chuyên môn"))
    profile = models.TextField(_("Lý lịch khoa học (kinh nghiệm, công trình)"), blank=True)
    active = models.BooleanField(_("Đang tham gia"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["user__sort_name", "id"]

    def __str__(self) -> str:
        return self.user.display_name

    def save(self, *args, **kwargs):
        self.organisation_name = clean(self.organisation_name)
        self.profile = clean(self.profile)
        self.title = clean(self.title)
        super().save(*args, **kwargs)


class RelationshipKind(models.TextChoices):
    EMPLOYER = "employer", _("Nơi làm việc (3 năm gần đây)")
    ADVISOR = "advisor", _("Tư vấn, cố vấn")
    OWNER = "owner", _("Sở hữu, góp vốn")
    FAMILY = "family", _("Người thân làm việc tại đó")


class ExpertRelationship(models.Model):
    """A tie an expert declares with an organisation; it makes a conflict while it lasts."""

    expert = models.ForeignKey(Expert, on_delete=models.CASCADE, related_name="relationships")
    kind = models.CharField(_("Quan hệ"), max_length=20, choices=RelationshipKind.choices)
    organisation = models.ForeignKey(OrgUnit, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                     verbose_name=_("Tổ chức"))
    organisation_name = models.CharField(_("Tên tổ chức"), max_length=255, blank=True)
    tax_code = models.CharField(_("Mã số thuế"), max_length=14, blank=True)
    started_on = models.DateField(_("Từ ngày"), null=True, blank=True)
    ended_on = models.DateField(_("Đến ngày"), null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.expert_id} {self.kind} {self.organisation_name or self.organisation_id}"


class CouncilRules(models.Model):
    """Composition rules and the pass rule's companions: data DoST edits."""

    name = models.CharField(_("Tên bộ quy tắc"), max_length=150)
    min_members = models.PositiveSmallIntegerField(_("Số thành viên tối thiểu"), default=7)
    max_members = models.PositiveSmallIntegerField(_("Số thành viên tối đa"), default=9)
    reviewers = models.PositiveSmallIntegerField(_("Số ủy viên phản biện"), default=2)
    max_from_applicant = models.PositiveSmallIntegerField(
        _("Số thành viên tối đa đến từ tổ chức đăng ký (chỉ là ủy viên)"), default=1)
    complaint_window_days = models.PositiveSmallIntegerField(_("Thời hạn khiếu nại (ngày)"), default=10)
    relationship_years = models.PositiveSmallIntegerField(
        _("Quan hệ đã khai còn tính xung đột trong (năm)"), default=3)
    field_bonus = models.DecimalField(_("Điểm cộng phù hợp khi trùng lĩnh vực"), max_digits=5, decimal_places=3,
                                      default=Decimal("0.100"))
    outlier_z = models.DecimalField(_("Ngưỡng phiếu bất thường (độ lệch chuẩn)"), max_digits=4, decimal_places=2,
                                    default=Decimal("2.50"))
    # A proposal is judged on the sheets of at least this share of the members assigned to it (the council
    # sits with two thirds of its members): one sheet of seven decides nothing.
    quorum_numerator = models.PositiveSmallIntegerField(_("Tỷ lệ phiếu chấm tối thiểu: tử số"), default=2)
    quorum_denominator = models.PositiveSmallIntegerField(_("Tỷ lệ phiếu chấm tối thiểu: mẫu số"), default=3)
    is_default = models.BooleanField(_("Mặc định"), default=False)

    class Meta:
        verbose_name_plural = "council rules"
        constraints = [models.CheckConstraint(condition=models.Q(quorum_denominator__gt=0)
                                              & models.Q(quorum_numerator__lte=models.F("quorum_denominator")),
                                              name="quorum_is_a_share",
                                              violation_error_message=_("Tỷ lệ phiếu chấm tối thiểu phải là một "
                                                                        "phân số không lớn hơn 1."))]

    def __str__(self) -> str:
        return self.name


class Rubric(models.Model):
    """A scoring form: criteria with maximum points, and the pass rule."""

    name = models.CharField(_("Tên phiếu đánh giá"), max_length=200)
    pass_mean_total = models.DecimalField(_("Điểm trung bình tối thiểu để đạt"), max_digits=6, decimal_places=2,
                                          default=Decimal("70"))
    # No criterion may be scored 0 by more than this fraction (1/3) of the members who scored.
    zero_share_numerator = models.PositiveSmallIntegerField(_("Tỷ lệ tối đa cho 0 điểm: tử số"), default=1)
    zero_share_denominator = models.PositiveSmallIntegerField(_("Tỷ lệ tối đa cho 0 điểm: mẫu số"), default=3)
    is_default = models.BooleanField(_("Mặc định"), default=False)

    def __str__(self) -> str:
        return self.name

    def leaves(self) -> list["Criterion"]:
        criteria = list(self.criteria.all())
        parents = {c.parent_id for c in criteria if c.parent_id}
        return [c for c in criteria if c.pk not in parents]

    def top_level(self) -> list["Criterion"]:
        return [c for c in self.criteria.all() if c.parent_id is None]

    @property
    def max_total(self) -> Decimal:
        return sum((c.max_points for c in self.top_level()), Decimal(0))


class Criterion(models.Model):
    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="criteria")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="children")
    code = models.CharField(max_length=20)
    name = models.CharField(_("Tiêu chí"), max_length=300)
    name_en = models.CharField(_("Tiêu chí (tiếng Anh)"), max_length=300, blank=True)
    max_points = models.DecimalField(_("Điểm tối đa"), max_digits=6, decimal_places=2)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["rubric", "code"], name="unique_criterion_code")]

    def __str__(self) -> str:
        return f"{self.code}. {self.name}"

    def top(self) -> "Criterion":
        return self.parent.top() if self.parent_id and self.parent else self


class ScorePublication(models.TextChoices):
    NONE = "none", _("Chỉ công bố tổ chức được chọn")
    TOTALS = "totals", _("Công bố tổng điểm trung bình")
    CRITERIA = "criteria", _("Công bố điểm trung bình từng tiêu chí")


class CouncilStatus(models.TextChoices):
    FORMING = "forming", _("Đang thành lập")
    REVIEWING = "reviewing", _("Đang đánh giá")
    DECIDED = "decided", _("Đã có quyết định")


class Council(models.Model):
    """A selection council (hội đồng tuyển chọn) for one challenge or a round of several."""

    name = models.CharField(_("Tên hội đồng"), max_length=300)
    challenges = models.ManyToManyField(Challenge, related_name="councils", verbose_name=_("Bài toán"))
    rules = models.ForeignKey(CouncilRules, on_delete=models.PROTECT, verbose_name=_("Quy tắc thành lập"))
    rubric = models.ForeignKey(Rubric, on_delete=models.PROTECT, verbose_name=_("Phiếu đánh giá"))
    blind = models.BooleanField(_("Đánh giá ẩn danh (ẩn tổ chức đăng ký với người chấm)"), default=False)
    score_publication = models.CharField(_("Công bố điểm"), max_length=10, choices=ScorePublication.choices,
                                         default=ScorePublication.TOTALS)
    anonymise_exports = models.BooleanField(_("Ẩn danh thành viên trong tệp xuất"), default=True)
    session_date = models.DateField(_("Ngày họp"), null=True, blank=True)
    location = models.CharField(_("Địa điểm họp"), max_length=300, blank=True)
    status = models.CharField(max_length=10, choices=CouncilStatus.choices, default=CouncilStatus.FORMING,
                              editable=False)
    assignments_released_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("review:council", args=[self.pk])


class CouncilRole(models.TextChoices):
    CHAIR = "chair", _("Chủ tịch")
    VICE_CHAIR = "vice_chair", _("Phó Chủ tịch")
    SECRETARY = "secretary", _("Thư ký khoa học")
    REVIEWER = "reviewer", _("Ủy viên phản biện")
    MEMBER = "member", _("Ủy viên")


class CouncilMember(models.Model):
    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="members")
    expert = models.ForeignKey(Expert, on_delete=models.PROTECT, related_name="council_seats")
    role = models.CharField(_("Vai trò"), max_length=12, choices=CouncilRole.choices)

    class Meta:
        ordering = ["council", "id"]
        constraints = [models.UniqueConstraint(fields=["council", "expert"], name="one_seat_per_expert")]

    def __str__(self) -> str:
        return f"{self.expert} — {self.get_role_display()}"


class Assignment(models.Model):
    """An expert reviews a proposal in a council; the pair's affinity and why it was made."""

    class Source(models.TextChoices):
        SOLVER = "solver", _("Phân công tối ưu")
        MANUAL = "manual", _("DoST chỉ định")
        COUNCIL = "council", _("Toàn hội đồng")

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="assignments")
    expert = models.ForeignKey(Expert, on_delete=models.PROTECT, related_name="assignments")
    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="assignments")
    affinity = models.FloatField(default=0)
    why = models.CharField(max_length=500, blank=True)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.MANUAL)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["proposal_id", "-affinity", "id"]
        constraints = [models.UniqueConstraint(fields=["council", "expert", "proposal"], name="unique_assignment")]

    def __str__(self) -> str:
        return f"{self.expert_id} reviews {self.proposal_id}"


class PairRule(models.Model):
    """A pair DoST pins (must review) or forbids (must not) before an automatic assignment."""

    class Kind(models.TextChoices):
        PIN = "pin", _("Bắt buộc")
        FORBID = "forbid", _("Cấm")

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="pair_rules")
    expert = models.ForeignKey(Expert, on_delete=models.CASCADE, related_name="+")
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=6, choices=Kind.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["council", "expert", "proposal"], name="unique_pair_rule")]

    def __str__(self) -> str:
        return f"{self.kind} {self.expert_id}/{self.proposal_id}"


class AssignmentRun(models.Model):
    """One automatic assignment: its settings and outcome. How far it is and why it failed are told
    through its `job` (core.progress: the one progress helper), which the person who started it follows."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Đang chờ")
        RUNNING = "running", _("Đang chạy")
        DONE = "done", _("Hoàn tất")
        INFEASIBLE = "infeasible", _("Không khả thi")
        FAILED = "failed", _("Lỗi")

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="runs")
    reviewers_per_proposal = models.PositiveSmallIntegerField(_("Số người chấm mỗi hồ sơ"), default=3)
    min_load = models.PositiveSmallIntegerField(_("Số hồ sơ tối thiểu mỗi chuyên gia"), default=0)
    max_load = models.PositiveSmallIntegerField(_("Số hồ sơ tối đa mỗi chuyên gia"), default=8)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    job = models.OneToOneField("core.JobRun", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    # Why no assignment is possible (infeasible): each a msgid with its values (core.progress.JobText.kept),
    # shown in the reader's language by shown_messages; runs before that kept words.
    messages = models.JSONField(default=list, blank=True)
    objective = models.FloatField(null=True, blank=True)
    stats = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"run {self.pk} of council {self.council_id}"

    @property
    def shown_messages(self) -> list[str]:
        return [in_current_language(m["msgid"], m.get("args") or {}) if isinstance(m, dict) else m
                for m in self.messages]


class ConflictDeclaration(AppendOnlyModel):
    """A member's signed declaration on one proposal, before any of its content is shown."""

    chain_by = ("council_id", "expert_id")

    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="declarations")
    expert = models.ForeignKey(Expert, on_delete=models.PROTECT, related_name="declarations")
    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="declarations")
    has_conflict = models.BooleanField()
    detected = models.JSONField(default=list, blank=True)  # reasons found automatically
    note = models.TextField(blank=True)
    signed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["signed_at", "id"]
        constraints = [models.UniqueConstraint(fields=["council", "expert", "proposal"], name="one_declaration")]

    def __str__(self) -> str:
        return f"{self.expert_id} on {self.proposal_id}: {'conflict' if self.has_conflict else 'clear'}"


class SheetStatus(models.TextChoices):
    DRAFT = "draft", _("Đang chấm")
    SUBMITTED = "submitted", _("Đã nộp")


class Scoresheet(models.Model):
    assignment = models.OneToOneField(Assignment, on_delete=models.PROTECT, related_name="scoresheet")
    status = models.CharField(max_length=10, choices=SheetStatus.choices, default=SheetStatus.DRAFT, editable=False)
    general_comment = models.TextField(_("Nhận xét chung"), blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"sheet {self.assignment_id} ({self.status})"


class Score(models.Model):
    scoresheet = models.ForeignKey(Scoresheet, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    points = models.DecimalField(max_digits=6, decimal_places=2)
    comment = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scoresheet", "criterion"], name="one_score_per_criterion")]

    def __str__(self) -> str:
        return f"{self.criterion_id}: {self.points}"


class SheetEvent(WorkflowTransition):
    """Submission and reopening of scoresheets: who, when, why."""

    chain_by = ("scoresheet_id",)

    scoresheet = models.ForeignKey(Scoresheet, on_delete=models.PROTECT, related_name="events")
    from_status = models.CharField(max_length=10, choices=SheetStatus.choices)
    to_status = models.CharField(max_length=10, choices=SheetStatus.choices)


class Decision(models.Model):
    """DoST's decision on the lead implementing organisation of a challenge."""

    challenge = models.OneToOneField(Challenge, on_delete=models.PROTECT, related_name="decision")
    mode = models.CharField(_("Hình thức"), max_length=10, choices=SelectionMode.choices)
    council = models.ForeignKey(Council, null=True, blank=True, on_delete=models.PROTECT, related_name="decisions")
    proposal = models.ForeignKey(Proposal, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    lead_organisation = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="lead_decisions",
                                          verbose_name=_("Đơn vị chủ trì"))
    legal_basis = models.TextField(_("Căn cứ pháp lý"), blank=True)
    rationale = models.TextField(_("Lý do lựa chọn"))
    decision_number = models.CharField(_("Số quyết định"), max_length=60, blank=True)
    decided_on = models.DateField(_("Ngày quyết định"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    complaints_close_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(mode="direct") | Q(proposal__isnull=False),
                                   name="open_selection_names_a_proposal"),
        ]

    def __str__(self) -> str:
        return f"decision on {self.challenge_id}: {self.lead_organisation_id}"

    @property
    def complaints_open(self) -> bool:
        return self.complaints_close_at is not None and timezone.now() < self.complaints_close_at


class Complaint(models.Model):
    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="complaints")
    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="complaints")
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("Nội dung khiếu nại"))
    filed_at = models.DateTimeField(default=timezone.now)
    answer = models.TextField(_("Trả lời"), blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["filed_at", "id"]

    def __str__(self) -> str:
        return f"complaint {self.pk} on {self.decision_id}"
