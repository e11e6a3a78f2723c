"""Personal-data rights (Law 91/2025/QH15, Decree 13/2023): purposes and their notices as data,
consent as append-only records, the read log of personal data, exports, and retention periods."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from sangtao.core.models import AppendOnlyModel


class Purpose(models.Model):
    """A purpose of processing, with its notice in both languages. Changing the notice raises the
    version: consents given to an older version stay recorded with that version."""

    key = models.SlugField(_("Mã"), unique=True)
    name_vi = models.CharField(_("Tên (tiếng Việt)"), max_length=200)
    name_en = models.CharField(_("Tên (tiếng Anh)"), max_length=200)
    notice_vi = models.TextField(_("Thông báo (tiếng Việt)"))
    notice_en = models.TextField(_("Thông báo (tiếng Anh)"))
    data_vi = models.CharField(_("Dữ liệu xử lý (tiếng Việt)"), max_length=300)
    data_en = models.CharField(_("Dữ liệu xử lý (tiếng Anh)"), max_length=300)
    retention_vi = models.CharField(_("Thời hạn lưu (tiếng Việt)"), max_length=200)
    retention_en = models.CharField(_("Thời hạn lưu (tiếng Anh)"), max_length=200)
    required = models.BooleanField(_("Bắt buộc để dùng tài khoản"), default=False)
    # A notice to people whose data someone else enters (a proposal's team members): told, not asked.
    third_party = models.BooleanField(_("Thông báo cho người có dữ liệu do người khác nhập"), default=False)
    version = models.PositiveIntegerField(_("Phiên bản"), default=1)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("Mục đích xử lý")
        verbose_name_plural = _("Mục đích xử lý")

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        if self.pk:
            old = Purpose.objects.filter(pk=self.pk).values("notice_vi", "notice_en").first()
            if old and (old["notice_vi"], old["notice_en"]) != (self.notice_vi, self.notice_en):
                self.version += 1
                self.updated_at = timezone.now()
        super().save(*args, **kwargs)

    def _text(self, field: str) -> str:
        return getattr(self, f"{field}_en" if (get_language() or "vi").startswith("en") else f"{field}_vi")

    @property
    def name(self) -> str:
        return self._text("name")

    @property
    def notice(self) -> str:
        return self._text("notice")

    @property
    def data(self) -> str:
        return self._text("data")

    @property
    def retention(self) -> str:
        return self._text("retention")


class Consent(AppendOnlyModel):
    """One giving or withdrawal of consent, with the notice version shown. The latest row per person
    and purpose is the person's current choice; no row means no consent."""

    chain_by = ("user_id",)

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="consents")
    purpose = models.ForeignKey(Purpose, on_delete=models.PROTECT, related_name="consents")
    version = models.PositiveIntegerField()
    given = models.BooleanField()
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-pk"]


class ReadKind(models.TextChoices):
    CONTACT = "contact", _("Thông tin liên hệ")
    CV = "cv", _("Lý lịch (CV)")
    TEAM = "team", _("Thành viên nhóm")
    SURVEY_EMAIL = "survey_email", _("Email liên hệ lại của người trả lời khảo sát")
    EXPORT = "export", _("Bản xuất dữ liệu cá nhân")


class PersonalDataRead(AppendOnlyModel):
    """Who read whose personal data, when and why."""

    chain_by = ("reader_id",)

    reader = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    subject = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="personal_data_reads")
    subject_label = models.CharField(max_length=200, blank=True)  # a person without an account (a team member)
    kind = models.CharField(max_length=20, choices=ReadKind.choices)
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    reason = models.CharField(max_length=200)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-pk"]


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("Đang chờ")
    RUNNING = "running", _("Đang tạo")
    READY = "ready", _("Sẵn sàng")
    FAILED = "failed", _("Lỗi")


class DataExport(models.Model):
    """A person's request for everything the platform holds about them, made by a background job. How far
    it is and why it failed are told through its `job` (core.progress); the file stays here, where the
    retention purge deletes it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="data_exports")
    status = models.CharField(max_length=10, choices=ExportStatus.choices, default=ExportStatus.QUEUED)
    job = models.OneToOneField("core.JobRun", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    file = models.FileField(upload_to="exports/", blank=True)
    message = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]


class RetentionRule(models.Model):
    """How long a kind of data is kept (days), as data DoST edits; the periodic purge applies it."""

    kind = models.SlugField(_("Loại dữ liệu"), unique=True)
    label_vi = models.CharField(_("Tên (tiếng Việt)"), max_length=200)
    label_en = models.CharField(_("Tên (tiếng Anh)"), max_length=200)
    days = models.PositiveIntegerField(_("Số ngày lưu"))

    class Meta:
        ordering = ["kind"]
        verbose_name = _("Thời hạn lưu trữ")
        verbose_name_plural = _("Thời hạn lưu trữ")

    def __str__(self) -> str:
        return f"{self.kind}: {self.days}"


class ThirdPartyNotice(AppendOnlyModel):
    """A notice sent to a person whose data someone else entered (a proposal's team member): which
    purpose and notice version, to whom, about which record, when and on whose entry."""

    chain_by = ("object_type", "object_id")

    purpose = models.ForeignKey(Purpose, on_delete=models.PROTECT, related_name="third_party_notices")
    version = models.PositiveIntegerField()
    name = models.CharField(max_length=200, blank=True)
    email = models.EmailField()
    object_type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=64)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["object_type", "object_id"])]  # each append reads its subject's last row


class RestrictionStatus(models.TextChoices):
    ACTIVE = "active", _("Đang hạn chế")
    LIFTED = "lifted", _("Đã gỡ")


class ProcessingRestriction(models.Model):
    """A person's request to restrict the processing of their data (Law 91/2025/QH15): while active
    the data is kept but not shown to others beyond what the restriction itself needs; DoST lifts it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="restrictions")
    reason = models.TextField(_("Lý do"))
    status = models.CharField(max_length=10, choices=RestrictionStatus.choices, default=RestrictionStatus.ACTIVE,
                              editable=False)
    requested_at = models.DateTimeField(default=timezone.now)
    lifted_at = models.DateTimeField(null=True, blank=True, editable=False)
    lifted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+", editable=False)
    lift_reason = models.TextField(blank=True, editable=False)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["user"], condition=models.Q(status="active"),
                                               name="one_active_restriction_per_person")]

    def __str__(self) -> str:
        return f"restriction {self.user_id} ({self.status})"
