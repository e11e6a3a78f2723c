from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sangtao.core.text import clean, fold, sort_key


class UnitKind(models.TextChoices):
    DOST = "dost", _("Sở Khoa học và Công nghệ")
    DEPARTMENT = "department", _("Sở, ban, ngành")
    PROVINCE = "province", _("Tỉnh / thành phố")
    DISTRICT = "district", _("Quận / huyện / thành phố thuộc tỉnh (trước 2025)")
    WARD = "ward", _("Phường")
    COMMUNE = "commune", _("Xã")
    SPECIAL_ZONE = "special_zone", _("Đặc khu")
    SOLVER = "solver", _("Tổ chức giải quyết")


# The units of government (a challenge's owners, the units a survey measures): never a solver organisation.
GOVERNMENT_KINDS = [UnitKind.DOST, UnitKind.DEPARTMENT, UnitKind.WARD, UnitKind.COMMUNE,
                    UnitKind.SPECIAL_ZONE, UnitKind.PROVINCE]
SERVING_KINDS = [UnitKind.DOST, UnitKind.DEPARTMENT, UnitKind.WARD, UnitKind.COMMUNE, UnitKind.SPECIAL_ZONE]


class OrgUnitQuerySet(models.QuerySet):
    def current(self, on=None):
        """Units valid on a date (today by default)."""
        on = on or timezone.localdate()
        return self.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=on)).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=on)
        )

    def matching(self, query: str):
        """Units whose name or code contains every word of query, ignoring diacritics."""
        queryset = self
        for term in fold(query).split():
            queryset = queryset.filter(Q(name_folded__contains=term) | Q(code__contains=term))
        return queryset


class OrgUnit(models.Model):
    kind = models.CharField(_("Loại"), max_length=20, choices=UnitKind.choices)
    name = models.CharField(_("Tên"), max_length=255)
    name_en = models.CharField(_("Tên tiếng Anh"), max_length=255, blank=True)
    short_name = models.CharField(_("Tên viết tắt"), max_length=50, blank=True)
    code = models.CharField(_("Mã chính thức"), max_length=20, blank=True, db_index=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children",
        verbose_name=_("Đơn vị cấp trên"),
    )
    valid_from = models.DateField(_("Hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("Hiệu lực đến"), null=True, blank=True)
    successors = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="predecessors",
        verbose_name=_("Đơn vị kế thừa"),
    )
    sort_name = models.CharField(max_length=1200, editable=False, db_index=True)
    name_folded = models.CharField(max_length=255, editable=False, default="")

    objects = OrgUnitQuerySet.as_manager()

    class Meta:
        ordering = ["sort_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "code"], condition=~Q(code=""), name="unique_unit_code_per_kind",
                violation_error_message=_("Đã có đơn vị cùng loại mang mã này."),
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="unit_validity_ordered",
                violation_error_message=_("Ngày hết hiệu lực phải sau ngày bắt đầu hiệu lực."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.name = clean(self.name)
        self.name_en = clean(self.name_en)
        self.short_name = clean(self.short_name)
        self.sort_name = sort_key(self.name)
        self.name_folded = fold(self.name)
        super().save(*args, **kwargs)

    @property
    def is_dissolved(self) -> bool:
        return self.valid_to is not None and self.valid_to < timezone.localdate()

    def current_successors(self) -> list["OrgUnit"]:
        """Follow successor links until reaching units that are still valid."""
        found, seen, frontier = [], {self.pk}, list(self.successors.all())
        while frontier:
            unit = frontier.pop(0)
            if unit.pk in seen:
                continue
            seen.add(unit.pk)
            if unit.is_dissolved:
                frontier.extend(unit.successors.all())
            else:
                found.append(unit)
        return found


class Role(models.TextChoices):
    DOST_COORDINATOR = "dost_coordinator", _("Điều phối viên Sở KH&CN")
    OFFICER = "officer", _("Chuyên viên")
    LEADER = "leader", _("Lãnh đạo đơn vị")
    EXPERT = "expert", _("Chuyên gia hội đồng")
    SOLVER = "solver", _("Thành viên tổ chức giải quyết")
    CITIZEN = "citizen", _("Người dân")


ROLES_NEEDING_UNIT = [Role.DOST_COORDINATOR, Role.OFFICER, Role.LEADER, Role.SOLVER]


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    unit = models.ForeignKey(
        OrgUnit, null=True, blank=True, on_delete=models.CASCADE, related_name="memberships",
        verbose_name=_("Đơn vị"),
    )
    role = models.CharField(_("Vai trò"), max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "unit", "role"], name="unique_membership",
                                    violation_error_message=_("Người này đã có vai trò này tại đơn vị này.")),
            models.CheckConstraint(
                condition=~Q(role__in=ROLES_NEEDING_UNIT) | Q(unit__isnull=False),
                name="membership_role_needs_unit",
                violation_error_message=_("Vai trò này cần chọn đơn vị."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} @ {self.unit or '-'}"


class OrgType(models.TextChoices):
    ENTERPRISE = "enterprise", _("Doanh nghiệp")
    UNIVERSITY = "university", _("Trường đại học")
    RESEARCH = "research", _("Viện nghiên cứu")
    STARTUP = "startup", _("Khởi nghiệp")
    NGO = "ngo", _("Tổ chức phi chính phủ")
    PUBLIC = "public", _("Đơn vị sự nghiệp công lập")


# Mã số thuế: 10 digits, or 10 digits plus "-NNN" for a dependent unit.
TAX_CODE_PATTERN = r"^\d{10}(-\d{3})?$"


class SolverProfile(models.Model):
    """What a solver organisation declares when it registers; DoST verifies it."""

    unit = models.OneToOneField(OrgUnit, on_delete=models.CASCADE, related_name="solver_profile")
    org_type = models.CharField(_("Loại tổ chức"), max_length=20, choices=OrgType.choices)
    tax_code = models.CharField(_("Mã số thuế"), max_length=14, unique=True)
    address = models.CharField(_("Địa chỉ"), max_length=300)
    legal_representative = models.CharField(_("Người đại diện theo pháp luật"), max_length=150)
    email = models.EmailField(_("Email liên hệ"), blank=True)
    phone = models.CharField(_("Điện thoại"), max_length=30, blank=True)
    website = models.URLField(_("Trang web"), blank=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.unit.name} ({self.tax_code})"

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None


class Invitation(models.Model):
    """An invitation for someone to join a solver organisation, accepted by its link."""

    unit = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("Email người được mời"))
    token = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} -> {self.unit_id}"
