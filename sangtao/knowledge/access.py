"""The one way to fetch cases, lessons, adoptions and resources: only what the user may see; 404 for
the rest. The rules are stated in rules.py."""

from django.db.models import Q, QuerySet
from django.http import Http404

from sangtao.core.lookup import pk_or_404
from sangtao.knowledge.models import (
    PUBLISHED_STATES,
    Adoption,
    Case,
    CaseStatus,
    Lesson,
    LessonStatus,
    Resource,
)
from sangtao.orgs.roles import is_dost, staff_unit_ids


def _reads_internal(user) -> bool:
    return getattr(user, "is_authenticated", False) and (is_dost(user) or bool(staff_unit_ids(user)))


def public_cases() -> QuerySet[Case]:
    return Case.objects.select_related("unit", "field").filter(status=CaseStatus.PUBLISHED_PUBLIC)


def visible_cases(user) -> QuerySet[Case]:
    """Public cases for everyone; internal ones for staff of units and DoST; unpublished ones for
    their unit's staff (and DoST once submitted)."""
    queryset = Case.objects.select_related("unit", "field")
    if not _reads_internal(user):
        return queryset.filter(status=CaseStatus.PUBLISHED_PUBLIC)
    condition = Q(status__in=PUBLISHED_STATES) | Q(unit_id__in=staff_unit_ids(user))
    if is_dost(user):
        condition |= ~Q(status=CaseStatus.DRAFT)
    return queryset.filter(condition)


def get_case_for(user, pk) -> Case:
    case = visible_cases(user).filter(pk=pk_or_404(pk)).first()
    if case is None:
        raise Http404
    return case


def get_public_case(pk) -> Case:
    case = public_cases().filter(pk=pk_or_404(pk)).first()
    if case is None:
        raise Http404
    return case


def visible_lessons(user) -> QuerySet[Lesson]:
    """Answered lessons for staff of units and DoST; nobody else."""
    if not _reads_internal(user):
        return Lesson.objects.none()
    return Lesson.objects.select_related("unit", "field", "problem_kind").filter(status=LessonStatus.ANSWERED)


def get_lesson_for(user, pk) -> Lesson:
    lesson = visible_lessons(user).filter(pk=pk_or_404(pk)).first()
    if lesson is None:
        raise Http404
    return lesson


def visible_adoptions(user) -> QuerySet[Adoption]:
    queryset = Adoption.objects.select_related("case__unit", "unit", "requested_by")
    if not getattr(user, "is_authenticated", False):
        return queryset.none()
    if is_dost(user):
        return queryset
    units = staff_unit_ids(user)
    return queryset.filter(Q(unit_id__in=units) | Q(case__unit_id__in=units))


def get_adoption_for(user, pk) -> Adoption:
    adoption = visible_adoptions(user).filter(pk=pk_or_404(pk)).first()
    if adoption is None:
        raise Http404
    return adoption


def visible_resources(user) -> QuerySet[Resource]:
    queryset = Resource.objects.select_related("unit", "field")
    if _reads_internal(user):
        return queryset
    return queryset.filter(is_public=True)


def get_resource_for(user, pk) -> Resource:
    resource = visible_resources(user).filter(pk=pk_or_404(pk)).first()
    if resource is None:
        raise Http404
    return resource


def my_units(user) -> QuerySet:
    """The units the user works in as an officer or a leader: where they write cases and ask to adopt."""
    from sangtao.orgs.models import OrgUnit

    return OrgUnit.objects.filter(pk__in=staff_unit_ids(user)).order_by("name")


def cases_in_writing(user) -> QuerySet[Case]:
    """The user's units' cases not yet published."""
    return visible_cases(user).filter(unit_id__in=staff_unit_ids(user)).exclude(status__in=PUBLISHED_STATES)
