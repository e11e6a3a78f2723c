"""Named permission predicates for surveys (django-rules)."""

import rules

from sangtao.orgs.roles import staff_unit_ids
from sangtao.orgs.rules import is_dost_coordinator


@rules.predicate
def is_survey_owner_staff(user, survey) -> bool:
    return survey is not None and survey.challenge_id is not None and (
        survey.challenge.owner_unit_id in staff_unit_ids(user))


rules.add_perm("surveys.create", is_dost_coordinator)
rules.add_perm("surveys.edit_rules", is_dost_coordinator)
rules.add_perm("surveys.manage", is_dost_coordinator | is_survey_owner_staff)
