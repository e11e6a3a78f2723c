"""Changes to units, users and memberships, each audited.

Units, users and memberships are managed by DoST coordinators; solver organisations
register themselves, invite their members and are verified by DoST.
"""

import re
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sangtao.core.audit import record
from sangtao.core.errors import InvalidInput, NotAllowed, StaleState
from sangtao.core.tasks import task
from sangtao.core.text import PHONE_MESSAGE, clean, is_phone_number
from sangtao.notifications.services import notify
from sangtao.orgs.models import (
    GOVERNMENT_KINDS,
    ROLES_NEEDING_UNIT,
    TAX_CODE_PATTERN,
    Invitation,
    Membership,
    OrgType,
    OrgUnit,
    Role,
    SolverProfile,
    UnitKind,
)
from sangtao.orgs.roles import forget_roles

User = get_user_model()


def _check(actor) -> None:
    if not actor.has_perm("orgs.manage"):
        raise NotAllowed()


def save_unit(actor, unit: OrgUnit, successors=None) -> OrgUnit:
    _check(actor)
    with transaction.atomic():
        created = unit.pk is None
        unit.save()
        if successors is not None:
            if unit.pk in {s.pk for s in successors}:
                raise InvalidInput(_("Một đơn vị không thể kế thừa chính nó."), field="successors")
            unit.successors.set(successors)
        record(actor, "unit_created" if created else "unit_updated", unit, name=unit.name)
    return unit


def save_user(actor, user, password: str | None = None):
    _check(actor)
    from sangtao.privacy.copies import correct_name

    with transaction.atomic():
        created = user.pk is None
        as_it_was = None if created else type(user).objects.get(pk=user.pk)
        if password:
            user.set_password(password)
        elif created:
            user.set_unusable_password()  # they set one through the password-reset email
        user.save()
        record(actor, "user_created" if created else "user_updated", user, username=user.username)
        if as_it_was is not None and as_it_was.full_name != user.full_name:
            correct_name(as_it_was, user.full_name, actor=actor)  # the records that copied the name follow it
    return user


# Which kinds of unit take each role: a coordinator sits in DoST, an officer or a leader in a unit of
# government, a solver's staff in a solver organisation (never an "officer" of a company).
UNIT_KINDS_OF_ROLE: dict[str, list[UnitKind]] = {
    Role.DOST_COORDINATOR: [UnitKind.DOST],
    Role.OFFICER: GOVERNMENT_KINDS,
    Role.LEADER: GOVERNMENT_KINDS,
    Role.SOLVER: [UnitKind.SOLVER],
}


def add_membership(actor, user, role: str, unit: OrgUnit | None) -> Membership:
    _check(actor)
    if role in ROLES_NEEDING_UNIT and unit is None:
        raise InvalidInput(_("Vai trò này cần chọn đơn vị."), field="unit")
    if unit is not None and role in UNIT_KINDS_OF_ROLE and unit.kind not in UNIT_KINDS_OF_ROLE[role]:
        raise InvalidInput(_("Đơn vị «%(unit)s» không nhận vai trò «%(role)s»: %(kinds)s.") % {
            "unit": unit.name, "role": Role(role).label,
            "kinds": ", ".join(str(UnitKind(kind).label) for kind in UNIT_KINDS_OF_ROLE[role])}, field="unit")
    if unit is not None and unit.is_dissolved:
        raise InvalidInput(_("Đơn vị «%(unit)s» đã giải thể.") % {"unit": unit.name}, field="unit")
    try:
        with transaction.atomic():
            membership = Membership.objects.create(user=user, role=role, unit=unit)
            record(actor, "membership_added", user, role=role, unit=unit.name if unit else "")
    except IntegrityError:
        raise InvalidInput(_("Người dùng đã có vai trò này tại đơn vị này."), field="role") from None
    forget_roles(user)
    return membership


def remove_membership(actor, membership: Membership) -> None:
    _check(actor)
    with transaction.atomic():
        record(actor, "membership_removed", membership.user, role=membership.role,
               unit=membership.unit.name if membership.unit else "")
        membership.delete()
    forget_roles(membership.user)


# --- solver organisations -----------------------------------------------------------------

def check_tax_code(value: str) -> str:
    value = clean(value or "")
    if not re.fullmatch(TAX_CODE_PATTERN, value):
        raise InvalidInput(
            _("Mã số thuế gồm 10 chữ số, hoặc 10 chữ số kèm \"-NNN\" cho đơn vị phụ thuộc (ví dụ 0312345678-001)."),
            field="tax_code",
        )
    return value


def register_solver(actor, data: dict) -> OrgUnit:
    """A signed-in person registers an organisation and becomes its first member."""
    if not getattr(actor, "is_authenticated", False):
        raise NotAllowed()
    name = clean(data.get("name") or "")
    if not name:
        raise InvalidInput(_("Tên tổ chức là bắt buộc."), field="name")
    tax_code = check_tax_code(data.get("tax_code", ""))
    if data.get("phone") and not is_phone_number(clean(data["phone"])):
        raise InvalidInput(PHONE_MESSAGE, field="phone")
    if data.get("org_type") not in OrgType.values:
        raise InvalidInput(_("Chọn loại tổ chức."), field="org_type")
    for required, message in (("address", _("Địa chỉ là bắt buộc.")),
                              ("legal_representative", _("Người đại diện theo pháp luật là bắt buộc."))):
        if not clean(data.get(required) or ""):
            raise InvalidInput(message, field=required)
    if SolverProfile.objects.filter(tax_code=tax_code).exists():
        raise InvalidInput(_("Một tổ chức với mã số thuế này đã đăng ký."), field="tax_code")
    with transaction.atomic():
        unit = OrgUnit.objects.create(kind=UnitKind.SOLVER, name=name, code=tax_code)
        SolverProfile.objects.create(
            unit=unit, org_type=data["org_type"], tax_code=tax_code, address=clean(data["address"]),
            legal_representative=clean(data["legal_representative"]), email=clean(data.get("email") or ""),
            phone=clean(data.get("phone") or ""), website=clean(data.get("website") or ""),
        )
        Membership.objects.create(user=actor, role=Role.SOLVER, unit=unit)
        record(actor, "solver_registered", unit, name=name, tax_code=tax_code)
        notify(User.objects.filter(memberships__role=Role.DOST_COORDINATOR).distinct(),
               _("Tổ chức mới đăng ký, chờ xác minh"), name, reverse("orgs:solver", args=[unit.pk]))
    forget_roles(actor)
    return unit


def invite_member(unit: OrgUnit, actor, email: str) -> Invitation:
    if not actor.has_perm("orgs.invite_member", unit):
        raise NotAllowed()
    email = clean(email or "").lower()
    if "@" not in email:
        raise InvalidInput(_("Nhập một địa chỉ email hợp lệ."), field="email")
    if Membership.objects.filter(unit=unit, role=Role.SOLVER, user__email=email).exists():
        raise InvalidInput(_("Người này đã là thành viên của tổ chức."), field="email")
    with transaction.atomic():
        invitation = Invitation.objects.create(
            unit=unit, email=email, token=secrets.token_urlsafe(32), invited_by=actor
        )
        record(actor, "member_invited", unit, email=email)
        send_invitation_email.enqueue(invitation_id=invitation.pk)
    return invitation


@task(retries=4)  # a mail server that is away for a while gets five tries over about eight minutes
def send_invitation_email(invitation_id: int) -> None:
    invitation = Invitation.objects.select_related("unit").filter(pk=invitation_id).first()
    if invitation is None or invitation.accepted_at is not None:
        return
    link = settings.SITE_URL + reverse("orgs:invitation", args=[invitation.token])
    send_mail(
        subject=f"[Sáng Tạo] Lời mời tham gia {invitation.unit.name} / Invitation to join",
        message=f"Bạn được mời tham gia tổ chức {invitation.unit.name} trên Sáng Tạo.\n"
                f"You are invited to join {invitation.unit.name} on Sáng Tạo.\n\n{link}",
        from_email=settings.DEFAULT_FROM_EMAIL, recipient_list=[invitation.email],
    )


def accept_invitation(token: str, user) -> Membership:
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().filter(token=token).first()
        if invitation is None:
            raise InvalidInput(_("Lời mời không tồn tại."))
        if invitation.accepted_at is not None:
            raise StaleState(_("Lời mời này đã được sử dụng."))
        if invitation.email != user.email:
            raise NotAllowed(_("Lời mời này gửi tới một địa chỉ email khác với tài khoản của bạn."))
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
        membership, _created = Membership.objects.get_or_create(user=user, role=Role.SOLVER, unit=invitation.unit)
        record(user, "invitation_accepted", invitation.unit, email=user.email)
    forget_roles(user)
    return membership


def verify_solver(unit: OrgUnit, actor) -> SolverProfile:
    if not actor.has_perm("orgs.manage"):
        raise NotAllowed()
    with transaction.atomic():
        profile = SolverProfile.objects.select_for_update().get(unit=unit)
        if profile.verified_at is not None:
            raise StaleState(_("Tổ chức đã được xác minh trước đó."))
        profile.verified_at = timezone.now()
        profile.verified_by = actor
        profile.save(update_fields=["verified_at", "verified_by"])
        record(actor, "solver_verified", unit, tax_code=profile.tax_code)
        notify(User.objects.filter(memberships__unit=unit, memberships__role=Role.SOLVER).distinct(),
               _("Tổ chức của bạn đã được Sở KH&CN xác minh"), unit.name, reverse("orgs:solver", args=[unit.pk]))
    return profile
