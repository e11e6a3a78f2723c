"""Changes to units, users and memberships: DoST coordinators only, each audited."""

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from sangtao.core.audit import record
from sangtao.core.errors import InvalidInput, NotAllowed
from sangtao.orgs.models import ROLES_NEEDING_UNIT, Membership, OrgUnit
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
    with transaction.atomic():
        created = user.pk is None
        if password:
            user.set_password(password)
        elif created:
            user.set_unusable_password()  # they set one through the password-reset email
        user.save()
        record(actor, "user_created" if created else "user_updated", user, username=user.username)
    return user


def add_membership(actor, user, role: str, unit: OrgUnit | None) -> Membership:
    _check(actor)
    if role in ROLES_NEEDING_UNIT and unit is None:
        raise InvalidInput(_("Vai trò này cần chọn đơn vị."), field="unit")
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
