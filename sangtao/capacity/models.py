"""Innovation capacity of agencies: yearly rounds of three surveys (the workplace barometer, the
staff climate module, the OECD determinants self-assessment) run on the survey engine, the strata
that weight the barometer for non-response, and the maintained scores per unit and year.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sangtao.core.models import WorkflowTransition
from sangtao.orgs.models import OrgUnit, UnitKind
from sangtao.surveys.models import Instrument, Survey, SurveyToken


class Module(models.TextChoices):
    BAROMETER = "barometer", _("Phong vũ biểu đổi mới nơi làm việc")
    CLIMATE = "climate", _("Môi trường đổi mới (cán bộ, công chức)")
    DETERMINANTS = "determinants", _("Tự đánh giá theo các yếu tố năng lực OECD")


class SizeBand(models.TextChoices):
    SMALL = "small", _("Nhỏ (dưới 30 người)")
    MEDIUM = "medium", _("Vừa (30-99 người)")
    LARGE = "large", _("Lớn (từ 100 người)")


class CapacityRule(models.Model):
    """How capacity numbers are computed (data, edited by DoST): suppression and the positive level."""

    name = models.CharField(_("Tên"), max_length=150)
    min_n = models.PositiveSmallIntegerField(_("Ẩn ô khi số người trả lời dưới"), default=5)
    positive_min = models.PositiveSmallIntegerField(_("Tích cực khi trả lời từ mức"), default=4)
    is_default = models.BooleanField(_("Mặc định"), default=False)

    def __str__(self) -> str:
        return self.name


class TemplateInstrument(models.Model):
    """The survey engine's instrument that holds a module's questions (versioned there)."""

    module = models.CharField(max_length=20, choices=Module.choices, unique=True)
    instrument = models.OneToOneField(Instrument, on_delete=models.PROTECT, related_name="capacity_template")

    def __str__(self) -> str:
        return self.get_module_display()


class UnitProfile(models.Model):
    """A unit's size band, which with its kind makes the barometer's stratum (data)."""

    unit = models.OneToOneField(OrgUnit, on_delete=models.CASCADE, related_name="capacity_profile")
    staff = models.PositiveIntegerField(_("Số cán bộ, công chức"), default=0)
    size_band = models.CharField(_("Quy mô"), max_length=10, choices=SizeBand.choices, default=SizeBand.SMALL)

    def __str__(self) -> str:
        return f"{self.unit} ({self.size_band})"


class StratumPopulation(models.Model):
    """N_h: how many workplaces of a kind and size band exist in a year (data, for w = N_h / r_h)."""

    year = models.PositiveSmallIntegerField(_("Năm"))
    kind = models.CharField(_("Loại đơn vị"), max_length=20, choices=UnitKind.choices)
    size_band = models.CharField(_("Quy mô"), max_length=10, choices=SizeBand.choices)
    population = models.PositiveIntegerField(_("Số đơn vị (N_h)"))

    class Meta:
        ordering = ["year", "kind", "size_band"]
        constraints = [models.UniqueConstraint(fields=["year", "kind", "size_band"], name="one_stratum_population")]

    def __str__(self) -> str:
        return f"{self.year} {self.kind}/{self.size_band}: {self.population}"


class Round(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Đang chuẩn bị")
        OPEN = "open", _("Đang khảo sát")
        CLOSED = "closed", _("Đã kết thúc")

    year = models.PositiveSmallIntegerField(_("Năm"), unique=True)
    name = models.CharField(_("Tên đợt khảo sát"), max_length=300)
    status = models.CharField(_("Trạng thái"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    units = models.ManyToManyField(OrgUnit, related_name="capacity_rounds", verbose_name=_("Đơn vị tham gia"))
    opens_on = models.DateField(_("Mở từ ngày"))
    closes_on = models.DateField(_("Đóng ngày"))
    managers_per_unit = models.PositiveSmallIntegerField(_("Số lãnh đạo, quản lý trả lời phong vũ biểu mỗi đơn vị"),
                                                         default=1)
    staff_per_unit = models.PositiveSmallIntegerField(_("Số cán bộ được mời mỗi đơn vị"), default=10)
    rule = models.ForeignKey(CapacityRule, on_delete=models.PROTECT)
    barometer = models.OneToOneField(Survey, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    climate = models.OneToOneField(Survey, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    determinants = models.OneToOneField(Survey, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-year"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("capacity:round", args=[self.pk])

    def survey_of(self, module: str) -> Survey | None:
        return getattr(self, module)



def round_surveys() -> models.Q:
    """The capacity rounds' surveys: of staff, about their agency; none measures a public service."""
    rounds = Round.objects.all()
    return (models.Q(pk__in=rounds.filter(barometer__isnull=False).values("barometer"))
            | models.Q(pk__in=rounds.filter(climate__isnull=False).values("climate"))
            | models.Q(pk__in=rounds.filter(determinants__isnull=False).values("determinants")))

class RoundInvitation(models.Model):
    """One respondent's invitation: a one-answer token of the module's survey. The token is not
    written on the response, so an answer cannot be traced back to the person invited."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="invitations")
    module = models.CharField(max_length=20, choices=Module.choices)
    unit = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="+")
    token = models.OneToOneField(SurveyToken, on_delete=models.CASCADE, related_name="capacity_invitation")
    invitee = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="capacity_invitations")
    reminders = models.PositiveSmallIntegerField(default=0)
    last_reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["round", "unit", "module"])]

    def __str__(self) -> str:
        return f"{self.round_id}/{self.module}/{self.unit_id}"

    def get_absolute_url(self) -> str:
        return reverse("capacity:answer", args=[self.token.token])


class RoundTransition(WorkflowTransition):
    chain_by = ("round_id",)

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="transitions")
    from_status = models.CharField(max_length=10)
    to_status = models.CharField(max_length=10)


class UnitScore(models.Model):
    """A unit's capacity numbers in a round, maintained from the surveys' sufficient statistics after
    every answer and rebuilt identically by `manage.py recompute_capacity`. Suppressed values are None."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="scores")
    unit = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="capacity_scores")
    kind = models.CharField(max_length=20)
    size_band = models.CharField(max_length=10)
    climate_n = models.PositiveIntegerField(default=0)
    climate = models.FloatField(null=True)  # 0-100, mean of the three items' % positive
    climate_low = models.FloatField(null=True)
    climate_high = models.FloatField(null=True)
    determinants_n = models.PositiveIntegerField(default=0)
    determinants = models.FloatField(null=True)  # 0-100, % positive over the twelve items
    determinants_se = models.FloatField(null=True)
    profile = models.JSONField(default=dict)  # determinant -> % positive (suppressed: absent)
    barometer_n = models.PositiveIntegerField(default=0)
    barometer = models.FloatField(null=True)  # 0-100, share of the four kinds of innovation introduced
    barometer_se = models.FloatField(null=True)
    composite = models.FloatField(null=True)  # 0-10
    composite_low = models.FloatField(null=True)
    composite_high = models.FloatField(null=True)
    rank_best = models.PositiveIntegerField(null=True)
    rank_worst = models.PositiveIntegerField(null=True)

    class Meta:
        ordering = ["round", "unit"]
        constraints = [models.UniqueConstraint(fields=["round", "unit"], name="one_capacity_score")]

    def __str__(self) -> str:
        return f"{self.round_id}/{self.unit_id}: {self.composite}"
