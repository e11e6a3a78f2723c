"""An annual task's person in charge, typed by name by the unit: a copy of the identity of the member of that
unit who bears the name (privacy.copies)."""

from sangtao.annual.models import AnnualTask
from sangtao.privacy.copies import copy


def _in_charge(user):
    name = (getattr(user, "full_name", "") or "").strip()
    if not name:
        return AnnualTask.objects.none()
    return AnnualTask.objects.filter(person_in_charge=name, plan__unit_id__in=user.memberships.values("unit_id"))


copy("annual.person_in_charge", _in_charge, erased=lambda pseudonym: {"person_in_charge": pseudonym},
     name_field="person_in_charge")
