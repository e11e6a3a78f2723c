"""A case drafted from the platform's records, for the unit to edit.

From a completed grand challenge: the problem from the challenge, the innovation from the selected
proposal and the project, the results from the KPI measurements and the satisfaction change with its
interval, computed by `sangtao.evaluation.outcome.challenge_outcome` (the same function the outcome
page uses, so the numbers are the same), the deployments. From a finished annual task: its problem,
service, partners, progress notes and results (`sangtao.annual.results.task_results`). From a
recognised initiative: only what its authors may publish; the part they marked confidential
(`Initiative.confidential`) is never read here.

The sentences the platform writes are drafted in Vietnamese and, where the source has English, in
English; lessons of the same work feed the lessons section.
"""

import re
from dataclasses import dataclass, field
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sangtao.core import formats
from sangtao.core.text import fold
from sangtao.knowledge.models import Lesson, LessonStatus, Stage, SubjectKind

STATUS_TEXT = {  # as the outcome page names a KPI's status
    "met": gettext_lazy("Đạt mục tiêu"),
    "on_track": gettext_lazy("Đúng hướng"),
    "off_track": gettext_lazy("Chưa đạt tiến độ"),
    "no_data": gettext_lazy("Chưa có số liệu"),
}


@dataclass
class Draft:
    title: str
    unit: Any
    sections: dict[str, str] = field(default_factory=dict)
    figures: dict[str, Any] = field(default_factory=dict)
    stage: str = ""
    field: Any = None
    facet: str = ""
    service: str = ""
    title_en: str = ""


def _number(value, decimals: int = 2) -> str:
    """As the outcome page shows a value (floatformat "-2g"): at most two decimals, none when whole."""
    return "—" if value is None else formats.plain_number(value, decimals)


def _points(share: float) -> str:
    return formats.number(100 * share, 1)


def _kpi_figures(kpis: list) -> list[dict]:
    """KPI views (outcome or task results) as plain numbers: definition, latest value, status."""
    found = []
    for view in kpis:
        definition = getattr(view, "indicator", None) or view.kpi
        found.append({
            "name": definition.name, "unit": definition.unit_of_measure,
            "baseline": None if definition.baseline_value is None else float(definition.baseline_value),
            "target": None if definition.target_value is None else float(definition.target_value),
            "latest": None if view.status.latest is None else float(view.status.latest),
            "status": view.status.code, "measurements": len(view.measurements),
        })
    return found


def _impact_figures(service: str, impact) -> dict | None:
    if impact is None or impact.change is None:
        return None
    return {
        "service": service,
        "before": impact.before.share.estimate if impact.before and impact.before.share else None,
        "after": impact.after.share.estimate if impact.after and impact.after.share else None,
        "change": impact.change.estimate, "low": impact.change.low, "high": impact.change.high,
        "did": impact.did.estimate if impact.did else None,
    }


def results_text(figures: dict) -> str:
    """The results paragraph written from the figures, in the active language."""
    lines = []
    for kpi in figures.get("kpis", []):
        unit = f" {kpi['unit']}" if kpi["unit"] else ""
        line = _("Chỉ số «%(name)s»: nền %(baseline)s%(unit)s, mục tiêu %(target)s%(unit)s") % {
            "name": kpi["name"], "baseline": _number(kpi["baseline"]), "target": _number(kpi["target"]), "unit": unit}
        if kpi["latest"] is not None:
            line += _("; số đo mới nhất %(latest)s%(unit)s (%(status)s).") % {
                "latest": _number(kpi["latest"]), "unit": unit, "status": str(STATUS_TEXT[kpi["status"]])}
        else:
            line += _("; chưa có số đo.")
        lines.append(line)
    for item in figures.get("satisfaction", []):
        lines.append(_("Mức độ hài lòng với «%(service)s»: thay đổi %(change)s điểm phần trăm sau khi áp dụng "
                       "(khoảng tin cậy 95%%: %(low)s đến %(high)s).") % {
            "service": item["service"], "change": _points(item["change"]), "low": _points(item["low"]),
            "high": _points(item["high"])})
    return "\n".join(lines)


def _lessons_text(kind: str, pk: int) -> str:
    lessons = Lesson.objects.filter(subject_kind=kind, status=LessonStatus.ANSWERED, **{f"{kind}_id": pk})
    parts = []
    for lesson in lessons:
        if lesson.went_well:
            parts.append(f"{_('Điều làm tốt')}: {lesson.went_well}")
        if lesson.to_change:
            parts.append(f"{_('Điều cần thay đổi')}: {lesson.to_change}")
    return "\n".join(parts)


def _both(build) -> tuple[str, str]:
    """A text the platform writes, in Vietnamese and in English."""
    with translation.override("vi"):
        vietnamese = build()
    with translation.override("en"):
        english = build()
    return vietnamese, english


def from_challenge(challenge) -> Draft:
    from sangtao.evaluation.outcome import challenge_outcome

    project = challenge.project
    decision = project.decision
    kpis, surveys = challenge_outcome(challenge)
    figures = {"source": "challenge", "kpis": _kpi_figures(kpis), "satisfaction": [
        found for found in (_impact_figures(view.survey.service, view.impact) for view in surveys) if found]}
    deployments = list(project.deployments.select_related("unit"))
    draft = Draft(title=challenge.title, title_en=challenge.title_en, unit=challenge.owner_unit, figures=figures,
                  field=challenge.field, facet=challenge.facet, service=challenge.related_services[:300],
                  stage=Stage.SPREADING if len(deployments) > 1 else Stage.EVALUATING)
    proposal = decision.proposal
    innovation = []
    if proposal is not None:
        innovation.append(proposal.title)
        innovation += [text for text in (proposal.summary, proposal.approach) if text]
    innovation.append(_("Đơn vị thực hiện: %(lead)s.") % {"lead": decision.lead_organisation.name})
    partners = [_("Đơn vị đặt hàng: %(unit)s.") % {"unit": challenge.owner_unit.name},
                _("Đơn vị thực hiện: %(lead)s.") % {"lead": decision.lead_organisation.name}]
    partners += [f"{p.unit.name}: {p.responsibilities}" for p in project.partners.select_related("unit")]
    results_vi, results_en = _both(lambda: results_text(figures))
    where = "\n".join(f"{d.unit.name}: {d.service} ({formats.short_date(d.go_live_on)})" for d in deployments)
    draft.sections = {
        "summary": challenge.summary, "summary_en": challenge.summary_en,
        "problem": "\n\n".join(t for t in (challenge.problem_statement, challenge.current_situation) if t),
        "innovation": "\n\n".join(innovation),
        "partners": "\n".join(partners),
        "beneficiaries": challenge.beneficiaries,
        "results": results_vi + (("\n" + _("Nơi đã đưa vào sử dụng:") + "\n" + where) if where else ""),
        "results_en": results_en,
        "replication": (_("Đã đưa vào sử dụng tại:") + "\n" + where) if where else "",
        "lessons": _lessons_text(SubjectKind.CHALLENGE, challenge.pk),
    }
    return draft


def from_annual_task(task) -> Draft:
    from sangtao.annual.results import task_results

    result = task_results([task])[task.pk]
    satisfaction = _impact_figures(task.public_service, result.impact)
    figures = {"source": "annual_task", "kpis": _kpi_figures(result.kpis),
               "satisfaction": [satisfaction] if satisfaction else []}
    notes = [p.note for p in task.progress.order_by("report__id") if p.note]
    results_vi, results_en = _both(lambda: results_text(figures))
    draft = Draft(title=task.title, unit=task.plan.unit, figures=figures, field=task.field, facet=task.facet,
                  service=task.public_service, stage=Stage.EVALUATING)
    draft.sections = {
        "problem": task.problem,
        "innovation": notes[-1] if notes else "",
        "partners": task.partners,
        "results": results_vi, "results_en": results_en,
        "lessons": _lessons_text(SubjectKind.ANNUAL_TASK, task.pk),
    }
    return draft


def from_initiative(initiative) -> Draft:
    """Only the parts an initiative's authors may publish; never `confidential`."""
    benefit = []
    if initiative.benefit_text:
        benefit.append(initiative.benefit_text)
    if initiative.benefit_vnd:
        benefit.append(_("Lợi ích kinh tế tính được: %(value)s mỗi năm.") % {"value": formats.vnd(initiative.benefit_vnd)})
    deployments = list(initiative.deployments.select_related("unit"))
    draft = Draft(title=initiative.title, unit=initiative.unit, field=initiative.field,
                  stage=Stage.SPREADING if len(deployments) > 1 else Stage.IMPLEMENTING,
                  figures={"source": "initiative", "benefit_vnd": initiative.benefit_vnd})
    draft.sections = {
        "summary": initiative.public_summary,
        "problem": initiative.before,
        "innovation": initiative.description,
        "novelty": initiative.novelty,
        "results": "\n".join(benefit),
        "replication": "\n".join(d.unit.name for d in deployments),
        "lessons": _lessons_text(SubjectKind.INITIATIVE, initiative.pk),
    }
    return draft


def confidential_fragments(initiative) -> list[str]:
    """The folded sentences of what the authors marked confidential, to keep out of a case."""
    if initiative is None or not initiative.confidential:
        return []
    parts = re.split(r"[.!?;\n]+", initiative.confidential)
    return [" ".join(fold(p).split()) for p in parts if len(p.strip()) >= 12]
