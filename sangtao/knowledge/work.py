"""What the knowledge context asks of people, for their home page ("Việc của tôi"): after-action
reviews their unit owes, cases to finish or to edit, adoption requests to answer or to plan. Each
provider makes a fixed number of queries."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from sangtao.core.workitems import WorkItem, provider
from sangtao.knowledge.models import Adoption, AdoptionForm, AdoptionStatus, Case, CaseStatus
from sangtao.orgs.models import Role
from sangtao.orgs.roles import is_dost, staff_unit_ids, units_with_role

GROUP = _("Tri thức và nhân rộng")


@provider("knowledge.reviews")
def reviews(user) -> list[WorkItem]:
    """Work of the user's units that ended without its after-action review."""
    if not staff_unit_ids(user):
        return []
    from sangtao.knowledge.services import owed_reviews

    count = sum(queryset.count() for queryset in owed_reviews(user).values())
    return [WorkItem("knowledge.reviews", _("Rút kinh nghiệm sau khi kết thúc công việc"), count,
                     reverse("knowledge:lessons") + "#owed", group=GROUP)] if count else []


@provider("knowledge.cases")
def cases(user) -> list[WorkItem]:
    items = []
    units = staff_unit_ids(user)
    if units:
        count = Case.objects.filter(unit_id__in=units, status=CaseStatus.CHANGES_REQUESTED).count()
        if count:
            items.append(WorkItem("knowledge.changes", _("Tình huống Sở KH&CN yêu cầu chỉnh sửa"), count,
                                  reverse("knowledge:cases") + "#my-cases", group=GROUP))
    if is_dost(user):
        count = Case.objects.filter(status=CaseStatus.SUBMITTED).count()
        if count:
            items.append(WorkItem("knowledge.edit", _("Tình huống chờ biên tập và công bố"), count,
                                  reverse("knowledge:cases") + "#to-edit", group=GROUP))
    return items


@provider("knowledge.adoptions")
def adoptions(user) -> list[WorkItem]:
    """Requests to answer (leaders of the case's unit, DoST) and accepted ones to plan (the adopting unit)."""
    items = []
    leading = units_with_role(user, Role.LEADER)
    waiting = Adoption.objects.filter(status=AdoptionStatus.REQUESTED)
    if not is_dost(user):
        waiting = waiting.filter(case__unit_id__in=leading) if leading else waiting.none()
    count = waiting.count() if (leading or is_dost(user)) else 0
    if count:
        items.append(WorkItem("knowledge.answer_adoption", _("Đề nghị áp dụng tình huống chờ trả lời"), count,
                              reverse("knowledge:adoptions"), group=GROUP))
    units = staff_unit_ids(user)
    if units:
        count = Adoption.objects.filter(unit_id__in=units, status=AdoptionStatus.ACCEPTED,
                                        form=AdoptionForm.ANNUAL_TASK, created_task__isnull=True).count()
        if count:
            items.append(WorkItem("knowledge.plan_adoption", _("Tình huống được chấp nhận, cần đưa vào kế hoạch năm"),
                                  count, reverse("knowledge:adoptions"), group=GROUP))
        count = Adoption.objects.filter(case__unit_id__in=units, status=AdoptionStatus.REQUESTED) \
            .exclude(case__unit_id__in=leading).count() if not is_dost(user) else 0
        if count:
            items.append(WorkItem("knowledge.adoption_seen", _("Đơn vị khác đề nghị áp dụng tình huống của đơn vị"),
                                  count, reverse("knowledge:adoptions"), action_needed=False, group=GROUP))
    return items
