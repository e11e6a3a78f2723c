"""The one way to fetch projects: insiders only (DoST, the owning unit, the lead, partners and the
acceptance council's members); 404 otherwise."""

from django.db.models import Q, QuerySet
from django.http import Http404

from sangtao.core.lookup import pk_or_404
from sangtao.orgs.models import Role
from sangtao.orgs.roles import is_dost, staff_unit_ids, units_with_role
from sangtao.projects.models import Project


def visible_projects(user) -> QuerySet[Project]:
    queryset = Project.objects.select_related("challenge__field", "challenge__owner_unit", "lead_organisation",
                                              "rules")
    if not getattr(user, "is_authenticated", False):
        return queryset.none()
    if is_dost(user):
        return queryset
    staff = staff_unit_ids(user)
    mine = units_with_role(user, Role.SOLVER) | staff
    return queryset.filter(Q(challenge__owner_unit_id__in=staff) | Q(lead_organisation_id__in=mine)
                           | Q(partners__unit_id__in=staff) | Q(acceptance_members__expert__user=user)).distinct()


def get_project_for(user, pk) -> Project:
    project = visible_projects(user).filter(pk=pk_or_404(pk)).first()
    if project is None:
        raise Http404
    return project
