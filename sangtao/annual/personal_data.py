"""An annual task's person in charge, typed by name by the unit: a copy of the identity of the member of that
unit who bears the name (privacy.copies). A unit where another member bears the same name is left alone:
whose name it is cannot be told."""

from sangtao.annual.models import AnnualTask
from sangtao.orgs.models import Membership
from sangtao.privacy.copies import copy


def _in_charge(user):
    name = (getattr(user, "full_name", "") or "").strip()
    if not name:
        return AnnualTask.objects.none()
    units = Membership.objects.filter(user=user).values("unit_id")
    shared = Membership.objects.filter(unit_id__in=units, user__full_name=name).exclude(user=user).values("unit_id")
    return AnnualTask.objects.filter(person_in_charge=name, plan__unit_id__in=units).exclude(plan__unit_id__in=shared)


copy("annual.person_in_charge", _in_charge, erased=lambda pseudonym: {"person_in_charge": pseudonym},
     name_field="person_in_charge")
