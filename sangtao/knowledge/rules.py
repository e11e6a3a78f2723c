"""Named permission predicates of the knowledge context (django-rules).

Who sees what (decided here, tested in tests/test_permissions.py):
- a case published "public": everyone, signed in or not (pages, feed, open data, API);
- a case published "internal": the staff (officers, leaders) of any public unit and DoST; not
  experts, solvers, citizens or visitors;
- a case being written (draft, submitted, changes requested): the staff of its unit, and DoST once
  it is submitted;
- lessons: the staff of any unit and DoST (they are internal: they travel between agencies, not to
  the public); a lesson reaches the public only through the text of a published public case;
- adoption requests: the staff of the asking unit and of the case's unit, and DoST.
"""

import rules

from sangtao.knowledge.models import Audience
from sangtao.orgs.models import Role
from sangtao.orgs.roles import staff_unit_ids, units_with_role
from sangtao.orgs.rules import is_dost_coordinator, is_staff_of, is_unit_staff


@rules.predicate
def is_case_unit_staff(user, case) -> bool:
    return case is not None and case.unit_id in staff_unit_ids(user)


@rules.predicate
def leads_case_unit(user, case) -> bool:
    return case is not None and case.unit_id in units_with_role(user, Role.LEADER)


@rules.predicate
def is_adopting_staff(user, adoption) -> bool:
    return adoption is not None and adoption.unit_id in staff_unit_ids(user)


@rules.predicate
def leads_unit_of_adopted_case(user, adoption) -> bool:
    """The leader of the unit whose case is asked for: they answer (or DoST)."""
    return adoption is not None and adoption.case.unit_id in units_with_role(user, Role.LEADER)


@rules.predicate
def is_lesson_unit_staff(user, lesson) -> bool:
    return lesson is not None and lesson.unit_id in staff_unit_ids(user)


@rules.predicate
def may_adopt(user, case) -> bool:
    """Staff of another unit than the case's, the case published."""
    return case is not None and case.is_published and bool(staff_unit_ids(user) - {case.unit_id})


@rules.predicate
def opens_indexed_link(user, document) -> bool:
    """A suggestion's link the user may follow: public ones; shared ones as any unit's staff; its unit's own."""
    units = staff_unit_ids(user)
    return (document.link_audience == Audience.PUBLIC or document.unit_id in units
            or (document.link_audience == Audience.STAFF and bool(units)))


may_open_indexed = is_dost_coordinator | opens_indexed_link

reads_knowledge = is_dost_coordinator | is_unit_staff

rules.add_perm("knowledge.read_internal", reads_knowledge)  # internal cases, lessons, the library's internal part
rules.add_perm("knowledge.write_case", is_unit_staff)  # draft a case for one's unit
rules.add_perm("knowledge.edit_case", is_case_unit_staff)  # while it is a draft or sent back (the service checks)
rules.add_perm("knowledge.edit", is_dost_coordinator)  # the editor: request changes, publish
rules.add_perm("knowledge.adopt", may_adopt)
rules.add_perm("knowledge.answer_adoption", leads_unit_of_adopted_case | is_dost_coordinator)
rules.add_perm("knowledge.plan_adoption", is_adopting_staff)
rules.add_perm("knowledge.review", is_unit_staff)  # answer an after-action review of one's unit
rules.add_perm("knowledge.edit_lesson", is_lesson_unit_staff)
rules.add_perm("knowledge.follow_reviews", is_dost_coordinator)  # every review asked and not yet answered
rules.add_perm("knowledge.add_resource", reads_knowledge)
rules.add_perm("knowledge.add_resource_for", is_staff_of | is_dost_coordinator)  # on the unit that keeps it
rules.add_perm("knowledge.manage_section_rules", is_dost_coordinator)


@rules.predicate
def keeps_resource(user, resource) -> bool:
    return resource is not None and resource.unit_id in staff_unit_ids(user)


rules.add_perm("knowledge.answer_review_of", is_staff_of)  # on the unit that owes the review
rules.add_perm("knowledge.version_resource", keeps_resource | is_dost_coordinator)
