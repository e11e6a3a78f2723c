"""The overall acceptance result from the council's grades, by the rule held in ProjectRules.

For each deliverable and for the final report, the council's grade on a criterion is the
median of its members' grades (ties fall to the lower grade). Then, as in the brief:
Xuất sắc when every deliverable is Xuất sắc on quantity and quality and the report is at
least Đạt; Đạt when every quality grade is at least Đạt, at least the rule's share (3/4)
of quantity grades is at least Đạt and the report is at least Đạt; otherwise Không đạt.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from sangtao.projects.models import GRADE_ORDER, AcceptanceRating, Grade, Project

BY_ORDER = {order: grade for grade, order in GRADE_ORDER.items()}


def median_grade(grades: list[str]) -> str | None:
    if not grades:
        return None
    ordered = sorted(GRADE_ORDER[Grade(g)] for g in grades)
    return BY_ORDER[ordered[(len(ordered) - 1) // 2]]


@dataclass
class AcceptanceResult:
    overall: str | None  # a Grade, or None while grades are missing
    deliverables: dict[int, tuple[str | None, str | None]]  # milestone id -> (quantity, quality)
    report: str | None
    missing: list[str]


def acceptance_result(project: Project) -> AcceptanceResult:
    ratings = list(AcceptanceRating.objects.filter(project=project))
    milestones = list(project.milestones.all())
    deliverables = {}
    missing = []
    for milestone in milestones:
        mine = [r for r in ratings if r.milestone_id == milestone.pk]
        quantity = median_grade([r.quantity for r in mine if r.quantity])
        quality = median_grade([r.quality for r in mine])
        deliverables[milestone.pk] = (quantity, quality)
        if quantity is None or quality is None:
            missing.append(milestone.title)
    report = median_grade([r.quality for r in ratings if r.milestone_id is None])
    if report is None:
        missing.append(str(_("Báo cáo tổng kết")))
    if missing:
        return AcceptanceResult(None, deliverables, report, missing)
    rules = project.rules
    quantities = [str(q) for q, _quality in deliverables.values()]
    qualities = [str(quality) for _q, quality in deliverables.values()]
    report_ok = GRADE_ORDER[Grade(str(report))] >= GRADE_ORDER[Grade.PASS]
    if report_ok and all(g == Grade.EXCELLENT for g in quantities + qualities):
        overall = Grade.EXCELLENT
    elif report_ok and all(GRADE_ORDER[Grade(g)] >= 1 for g in qualities) and (
        sum(GRADE_ORDER[Grade(g)] >= 1 for g in quantities) * rules.quantity_share_denominator
        >= rules.quantity_share_numerator * len(quantities)
    ):
        overall = Grade.PASS
    else:
        overall = Grade.FAIL
    return AcceptanceResult(overall, deliverables, report, [])
