"""The one way to fetch annual plans and their reports: the unit's staff and DoST; 404 otherwise.

DoST sees a plan once its unit's leader has approved it (a draft or one awaiting the leader is the
unit's own), and a report once the leader has approved it.
"""

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.http import Http404

from sangtao.annual.models import (
    SENT_STATES,
    AdvisorySession,
    AnnualPlan,
    EvidenceFile,
    PlanReport,
    PlanStatus,
    PlanTransition,
)
from sangtao.core.lookup import pk_or_404
from sangtao.orgs.models import OrgUnit
from sangtao.orgs.roles import is_dost, staff_unit_ids

UNIT_ONLY_STATES = (PlanStatus.DRAFT, PlanStatus.SUBMITTED)


def visible_plans(user) -> QuerySet[AnnualPlan]:
    queryset = AnnualPlan.objects.select_related("unit")
    if not getattr(user, "is_authenticated", False):
        return queryset.none()
    mine = Q(unit_id__in=staff_unit_ids(user))
    if is_dost(user):
        # Once a leader has sent it, DoST keeps seeing the plan when it is returned or amended.
        approved = Exists(PlanTransition.objects.filter(plan=OuterRef("pk"), move="approve"))
        return queryset.filter(mine | ~Q(status__in=UNIT_ONLY_STATES) | approved)
    return queryset.filter(mine)


def plannable_units(user) -> QuerySet[OrgUnit]:
    """The current units whose plans this user may register: where they are an officer or a leader."""
    return OrgUnit.objects.current().filter(pk__in=staff_unit_ids(user))


def get_plan_for(user, pk) -> AnnualPlan:
    plan = visible_plans(user).filter(pk=pk_or_404(pk)).first()
    if plan is None:
        raise Http404
    return plan


def visible_reports(user, plan: AnnualPlan) -> QuerySet[PlanReport]:
    queryset = PlanReport.objects.filter(plan=plan).select_related("period", "plan__unit")
    if plan.unit_id in staff_unit_ids(user):
        return queryset
    if is_dost(user):
        return queryset.filter(status__in=SENT_STATES)
    return queryset.none()


def get_report_for(user, plan_pk, pk) -> PlanReport:
    plan = get_plan_for(user, plan_pk)
    report = visible_reports(user, plan).filter(pk=pk_or_404(pk)).first()
    if report is None:
        raise Http404
    return report


def _readable_reports(user) -> QuerySet[PlanReport]:
    """The reports this user may read: their own units', and for DoST every report a leader has approved
    (as visible_reports says for one plan)."""
    mine = Q(plan__unit_id__in=staff_unit_ids(user))
    return PlanReport.objects.filter(mine | Q(status__in=SENT_STATES) if is_dost(user) else mine)


def _reports_of_year(user, year: int) -> QuerySet[PlanReport]:
    return _readable_reports(user).filter(plan__year=year)


def visible_evidence(user, year: int) -> QuerySet[EvidenceFile]:
    """The evidence files cited in the reports of a year's plans that this user may read, each with
    `plan_pk`: a plan whose report cites it, for its download address (evidence_file checks the same)."""
    citing = _reports_of_year(user, year).filter(evidence=OuterRef("pk"))
    return (EvidenceFile.objects.filter(Exists(citing))
            .annotate(plan_pk=Subquery(citing.order_by("plan_id").values("plan_id")[:1])))


def get_evidence_for(user, pk) -> EvidenceFile:
    """An evidence file this user may download: any of their own units' files, or one cited in a report
    they may read (as the site's download of a plan's file allows); 404 for any other."""
    cited = Exists(_readable_reports(user).filter(evidence=OuterRef("pk")))
    found = EvidenceFile.objects.filter(Q(unit_id__in=staff_unit_ids(user)) | cited, pk=pk_or_404(pk)).first()
    if found is None:
        raise Http404
    return found


def unit_for(user, pk, perm: str) -> OrgUnit:
    """A unit whose record `perm` lets the user open (its working group); 404 for any other."""
    unit = OrgUnit.objects.filter(pk=pk_or_404(pk)).first()
    if unit is None or not user.has_perm(perm, unit):
        raise Http404
    return unit


def visible_sessions(user) -> QuerySet[AdvisorySession]:
    """Expert advice sessions: DoST's every one, a unit's staff their units'; nobody else any."""
    sessions = AdvisorySession.objects.select_related("unit", "task")
    if is_dost(user):
        return sessions
    return sessions.filter(unit_id__in=staff_unit_ids(user)) if getattr(user, "is_authenticated", False) else sessions.none()


def get_session_for(user, pk) -> AdvisorySession:
    session = visible_sessions(user).filter(pk=pk_or_404(pk)).first()
    if session is None:
        raise Http404
    return session
