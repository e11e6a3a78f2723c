from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sangtao.challenges.models import Challenge
from sangtao.core import formats
from sangtao.core.models import AppendOnlyModel, WorkflowTransition
from sangtao.orgs.models import OrgUnit


class ProposalStatus(models.TextChoices):
    DRAFT = "draft", _("Bản nháp")
    SUBMITTED = "submitted", _("Đã nộp")
    WITHDRAWN = "withdrawn", _("Đã rút")
    ELIGIBLE = "eligible", _("Hợp lệ, chuyển hội đồng")
    INELIGIBLE = "ineligible", _("Không hợp lệ")
    SELECTED = "selected", _("Được chọn chủ trì")
    NOT_SELECTED = "not_selected", _("Không được chọn")


# States in which the content has been handed in and may go before a council.
HANDED_IN = [ProposalStatus.SUBMITTED, ProposalStatus.ELIGIBLE, ProposalStatus.SELECTED,
             ProposalStatus.NOT_SELECTED, ProposalStatus.INELIGIBLE]


class Proposal(models.Model):
    """An organisation's application (hồ sơ đăng ký) for one challenge: the working draft.

    Each submission freezes the content into an immutable ProposalVersion.
    """

    challenge = models.ForeignKey(Challenge, on_delete=models.PROTECT, related_name="proposals")
    organisation = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="proposals")
    title = models.CharField(_("Tên giải pháp"), max_length=300)
    summary = models.TextField(_("Tóm tắt"), blank=True)
    approach = models.TextField(_("Cách tiếp cận, giải pháp kỹ thuật"), blank=True)
    experience = models.TextField(_("Năng lực và kinh nghiệm"), blank=True)
    risks = models.TextField(_("Rủi ro và biện pháp"), blank=True)
    # Lists of plain objects; their shapes are checked by the services.
    team = models.JSONField(default=list, blank=True)  # [{name, role, email, experience}]
    workplan = models.JSONField(default=list, blank=True)  # [{milestone, start, end, deliverable}]
    budget_lines = models.JSONField(default=list, blank=True)  # [{item, amount_vnd}]
    budget_total_vnd = models.BigIntegerField(_("Tổng kinh phí đề xuất (đồng)"), null=True, blank=True)
    expected_results = models.JSONField(default=dict, blank=True)  # {indicator id: text}
    # The applicant confirms that the people named in the team were told their data is entered here
    # (Law 91/2025/QH15): asked with the team, needed to submit, kept in each version's snapshot.
    team_informed = models.BooleanField(_("Đã thông báo cho các thành viên nhóm"), default=False)

    status = models.CharField(max_length=20, choices=ProposalStatus.choices, default=ProposalStatus.DRAFT,
                              editable=False)
    revision = models.PositiveIntegerField(default=1, editable=False)  # bumps on each saved edit
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["challenge", "organisation"], name="one_proposal_per_organisation"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("proposals:detail", args=[self.pk])

    @property
    def is_handed_in(self) -> bool:
        return self.status in HANDED_IN

    def latest_version(self) -> "ProposalVersion | None":
        return self.versions.order_by("-number").first()


def attachment_path(instance: "ProposalAttachment", filename: str) -> str:
    return f"proposals/{instance.proposal_id}/{formats.file_stamp(timezone.now())}-{filename}"


class ProposalAttachment(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path)
    original_name = models.CharField(max_length=255)
    kind = models.CharField(max_length=10)
    size = models.PositiveBigIntegerField()
    # Identifying documents (CVs, company profile) are hidden from reviewers in blind mode.
    identifying = models.BooleanField(_("Tệp có thông tin nhận diện tổ chức"), default=False)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)
    # Removed from the working draft; the file stays for the submitted versions that list it.
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class ProposalVersion(AppendOnlyModel):
    """One submission: the frozen content, its receipt number and the server's time."""

    chain_by = ("proposal_id",)

    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    receipt = models.CharField(max_length=40, unique=True)
    snapshot = models.JSONField()
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField()

    class Meta:
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["proposal", "number"], name="unique_proposal_version")]

    def __str__(self) -> str:
        return self.receipt


class ProposalTransition(WorkflowTransition):
    chain_by = ("proposal_id",)

    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="transitions")
    from_status = models.CharField(max_length=20, choices=ProposalStatus.choices)
    to_status = models.CharField(max_length=20, choices=ProposalStatus.choices)


class EligibilityCriterion(models.Model):
    """One item of DoST's screening checklist (data, edited in the admin)."""

    text = models.CharField(_("Tiêu chí"), max_length=300)
    text_en = models.CharField(_("Tiêu chí (tiếng Anh)"), max_length=300, blank=True)
    active = models.BooleanField(default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.text


class Screening(AppendOnlyModel):
    """DoST's check of one proposal against the checklist, as it stood that day."""

    chain_by = ("proposal_id",)

    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="screenings")
    checks = models.JSONField()  # [{criterion, text, passed}]
    eligible = models.BooleanField()
    reason = models.TextField(blank=True)
    screened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"screening {self.proposal_id}: {self.eligible}"
