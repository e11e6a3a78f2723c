"""Every change in the knowledge context goes through a function here: permission, transaction, audit,
notices. Moves of a workflow are applied by sangtao.core.workflow; the rest writes an audit row.

For the suggestion engine (`suggest*.py`): `lessons_for(kind, ids, user=None)` gives the answered
lessons attached to challenges, annual tasks, initiatives or cases.
"""

import datetime
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from sangtao.challenges.models import Challenge, Facet
from sangtao.challenges.models import Status as ChallengeStatus
from sangtao.core import workflow
from sangtao.core.audit import record
from sangtao.core.errors import InvalidInput, NotAllowed
from sangtao.core.text import clean, fold, folded_words
from sangtao.core.uploads import check_upload
from sangtao.knowledge import drafting
from sangtao.knowledge.models import (
    SECTION_KEYS,
    Adoption,
    AdoptionForm,
    AdoptionStatus,
    Case,
    Lesson,
    LessonStatus,
    ProblemKind,
    Resource,
    ResourceKind,
    ResourceVersion,
    SourceKind,
    Stage,
    SubjectKind,
)
from sangtao.notifications.services import notify
from sangtao.orgs.models import OrgUnit
from sangtao.orgs.roles import staff_unit_ids
from sangtao.orgs.rules import is_staff_of


def _require(actor, perm: str, obj=None) -> None:
    if actor is None or not actor.has_perm(perm, obj):
        raise NotAllowed()


def search(queryset: QuerySet, q: str) -> QuerySet:
    """Whole folded words (Vietnamese with or without diacritics) in the row's search text."""
    for term in folded_words(q or "")[:8]:
        queryset = queryset.filter(search_text__contains=f" {term}")
    return queryset


# --- sources a case can be drafted from ----------------------------------------------------------

def _finished_tasks():
    """Tasks of a plan done, or reported at 100 % in a report the unit's leader approved (not a draft's figure)."""
    from sangtao.annual.models import AnnualTask, PlanStatus, ReportStatus

    reported = Q(progress__percent__gte=100, progress__report__status__in=(ReportStatus.APPROVED, ReportStatus.ACCEPTED))
    return AnnualTask.objects.filter(Q(plan__status=PlanStatus.DONE) | reported).distinct()


def _recognised_initiatives():
    from sangtao.initiatives.models import RECOGNISED_STATES, Initiative

    return Initiative.objects.filter(status__in=RECOGNISED_STATES)


def _completed_challenges():
    """Challenges whose project passed acceptance: results are being measured or were closed."""
    from sangtao.projects.models import ProjectStatus

    return Challenge.objects.filter(status__in=[ChallengeStatus.EVALUATING, ChallengeStatus.COMPLETED],
                                    project__status=ProjectStatus.ACCEPTED)


def draftable_sources(user) -> dict[str, list]:
    """What the user's units may draft a case from, and have not yet."""
    units = staff_unit_ids(user)
    if not units:
        return {"challenge": [], "annual_task": [], "initiative": []}
    return {
        "challenge": list(_completed_challenges().filter(owner_unit_id__in=units).exclude(cases__isnull=False)),
        "annual_task": list(_finished_tasks().filter(plan__unit_id__in=units).exclude(cases__isnull=False)
                            .select_related("plan")),
        "initiative": list(_recognised_initiatives().filter(unit_id__in=units).exclude(cases__isnull=False)),
    }


def _source(kind: str, pk: int):
    finders: dict[str, Callable[[], QuerySet]] = {SourceKind.CHALLENGE: _completed_challenges, SourceKind.ANNUAL_TASK: _finished_tasks,
               SourceKind.INITIATIVE: _recognised_initiatives}
    if kind not in finders:
        raise InvalidInput(_("Nguồn soạn tình huống không hợp lệ."), field="source")
    found = finders[kind]().filter(pk=pk).first()
    if found is None:
        raise InvalidInput(_("Chỉ soạn tình huống từ bài toán đã nghiệm thu, nhiệm vụ đã hoàn thành hoặc sáng kiến "
                             "đã được công nhận."), field="source")
    return found


def _case_from_draft(draft: drafting.Draft, actor, **source) -> Case:
    case = Case(unit=draft.unit, title=draft.title[:300], title_en=draft.title_en[:300], stage=draft.stage,
                field=draft.field, facet=draft.facet, service=draft.service[:300], figures=draft.figures,
                created_by=actor, **source)
    for key, text in draft.sections.items():
        setattr(case, key, text or "")
    case.save()
    return case


def do_draft_case(*, actor, source_kind: str, source_id: int) -> Case:
    """A case drafted from a completed challenge, a finished annual task or a recognised initiative."""
    source = _source(source_kind, source_id)
    build: Callable[[Any], drafting.Draft]
    if source_kind == SourceKind.CHALLENGE:
        unit, build = source.owner_unit, drafting.from_challenge
    elif source_kind == SourceKind.ANNUAL_TASK:
        unit, build = source.plan.unit, drafting.from_annual_task
    else:
        unit, build = source.unit, drafting.from_initiative
    if not is_staff_of(actor, unit):
        raise NotAllowed()
    with transaction.atomic():
        case = _case_from_draft(build(source), actor, source_kind=source_kind, **{source_kind: source})
        record(actor, "case.drafted", case, source=source_kind, source_id=source.pk)
    return case


def do_create_case(*, actor, unit: OrgUnit, title: str) -> Case:
    """A case written from scratch for one of the actor's units."""
    _require(actor, "knowledge.write_case")
    if not is_staff_of(actor, unit):
        raise NotAllowed()
    title = clean(title or "")
    if not title:
        raise InvalidInput(_("Cần tên tình huống."), field="title")
    with transaction.atomic():
        case = Case.objects.create(unit=unit, title=title[:300], created_by=actor)
        record(actor, "case.created", case)
    return case


CONTENT_FIELDS = ("title", "title_en", "stage", "field", "facet", "service", "problem_kind",
                  *SECTION_KEYS, *(f"{key}_en" for key in SECTION_KEYS))


def confidential_leaks(case: Case) -> list[str]:
    """The sections of a case drafted from an initiative that repeat what its authors marked confidential."""
    fragments = drafting.confidential_fragments(case.initiative) if case.initiative_id else []
    if not fragments:
        return []
    found = []
    for key in ("title", "title_en", *SECTION_KEYS, *(f"{key}_en" for key in SECTION_KEYS)):
        text = " ".join(fold(getattr(case, key) or "").split())
        if any(fragment in text for fragment in fragments):
            found.append(key)
    return found


def do_update_case(case: Case, *, actor, data: dict[str, Any]) -> Case:
    """The unit edits its case while it is a draft or was sent back for changes."""
    _require(actor, "knowledge.edit_case", case)
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if not locked.is_editable:
            raise InvalidInput(_("Chỉ sửa được tình huống ở trạng thái nháp hoặc cần chỉnh sửa."))
        for name in CONTENT_FIELDS:
            if name in data:
                value = data[name]
                setattr(locked, name, value if value is not None or name in ("field", "problem_kind") else "")
        if not clean(locked.title or ""):
            raise InvalidInput(_("Cần tên tình huống."), field="title")
        if locked.stage and locked.stage not in Stage.values:
            raise InvalidInput(_("Chọn giai đoạn của giải pháp."), field="stage")
        if locked.facet and locked.facet not in Facet.values:
            raise InvalidInput(_("Chọn loại đổi mới (OPSI)."), field="facet")
        leaks = confidential_leaks(locked)
        if leaks:
            raise InvalidInput(_("Tình huống không được chứa nội dung tác giả sáng kiến đề nghị giữ bí mật."),
                               field=leaks[0])
        locked.updated_at = timezone.now()
        locked.save()
        record(actor, "case.edited", locked)
    return locked


def do_submit_case(case: Case, *, actor) -> Case:
    """To DoST for editing; refused, section by section, until the completeness rule is met."""
    return workflow.apply_move(case, "submit", actor=actor, changes={"submitted_at": timezone.now()})


def do_request_changes(case: Case, *, actor, note: str) -> Case:
    return workflow.apply_move(case, "request_changes", actor=actor, reason=note, changes={"change_note": clean(note)})


def do_publish_case(case: Case, *, actor, public: bool) -> Case:
    """DoST publishes the case to the staff of every unit, or to everyone."""
    return workflow.apply_move(case, "publish_public" if public else "publish_internal", actor=actor,
                               changes={"published_at": timezone.now()})


def do_open_case_to_public(case: Case, *, actor) -> Case:
    return workflow.apply_move(case, "open_to_public", actor=actor)


def do_make_case_internal(case: Case, *, actor, reason: str) -> Case:
    return workflow.apply_move(case, "make_internal", actor=actor, reason=reason)


# --- lessons: after-action reviews -----------------------------------------------------------------

REVIEW_QUESTIONS = (
    ("expected", _("Điều gì dự kiến sẽ xảy ra?")),
    ("actual", _("Điều gì thực tế đã xảy ra?")),
    ("went_well", _("Điều gì làm tốt, và vì sao?")),
    ("to_change", _("Điều gì cần thay đổi, và thay đổi thế nào?")),
)


def _answered(kind: str):
    return Exists(Lesson.objects.filter(subject_kind=kind, status=LessonStatus.ANSWERED, **{kind: OuterRef("pk")}))


def _reviewed_challenges():
    from sangtao.projects.models import ProjectStatus

    return Challenge.objects.filter(project__status__in=[ProjectStatus.ACCEPTED, ProjectStatus.FAILED])


def _decided_initiatives():
    from sangtao.initiatives.models import CouncilStatus, Initiative

    return Initiative.objects.filter(councils__status=CouncilStatus.DECIDED).distinct()


# The work whose end asks its unit for a review, by kind of lesson subject.
ENDED_WORK: dict[str, Callable[[], QuerySet]] = {
    SubjectKind.CHALLENGE: _reviewed_challenges, SubjectKind.ANNUAL_TASK: _finished_tasks,
    SubjectKind.INITIATIVE: _decided_initiatives,
}


def asked_reviews() -> QuerySet[Lesson]:
    """Every after-action review asked and not yet answered, the oldest ask first (DoST follows them)."""
    return Lesson.objects.filter(status=LessonStatus.ASKED).select_related("unit").order_by("asked_at", "pk")


def owed_reviews(user) -> QuerySet[Lesson]:
    """The after-action reviews asked of the user's units and not yet answered."""
    return asked_reviews().filter(unit_id__in=staff_unit_ids(user))


def review_subject(kind: str, pk: int):
    """(the work reviewed, its unit, its tags) for a review that may be asked: the work has ended."""
    if kind not in ENDED_WORK:
        raise InvalidInput(_("Đối tượng rút kinh nghiệm không hợp lệ."))
    subject = ENDED_WORK[kind]().filter(pk=pk).first()
    if subject is None:
        raise InvalidInput(_("Chỉ rút kinh nghiệm khi công việc đã kết thúc (nghiệm thu, hoàn thành, có quyết định)."))
    if kind == SubjectKind.CHALLENGE:
        return subject, subject.owner_unit, {"field": subject.field, "facet": subject.facet,
                                             "service": subject.related_services[:300]}
    if kind == SubjectKind.ANNUAL_TASK:
        return subject, subject.plan.unit, {"field": subject.field, "facet": subject.facet,
                                            "service": subject.public_service}
    return subject, subject.unit, {"field": subject.field, "facet": "", "service": ""}


def ask_review(kind: str, subject_id: int) -> Lesson | None:
    """The end of a piece of work (a project's acceptance, an annual task completed, an initiative's
    decision) asks its unit for an after-action review: an asked lesson, once per piece of work, with
    an audit row and a notice to the unit's staff that needs their action. Made by the platform, in
    the transaction of the change that ended the work (sangtao/knowledge/asking.py); returns the
    lesson, or None when the work has not ended or was asked before."""
    from django.urls import reverse

    from sangtao.orgs.roles import unit_staff

    if kind not in ENDED_WORK or not ENDED_WORK[kind]().filter(pk=subject_id).exists():
        return None
    if Lesson.objects.filter(subject_kind=kind, **{f"{kind}_id": subject_id}).exists():
        return None
    subject, unit, tags = review_subject(kind, subject_id)
    with transaction.atomic():
        try:
            with transaction.atomic():
                lesson = Lesson.objects.create(subject_kind=kind, unit=unit, title=str(subject)[:300],
                                               **{kind: subject}, **tags)
        except IntegrityError:  # asked at the same time by another change
            return None
        record(workflow.SYSTEM, "lesson.asked", lesson, subject_kind=kind, subject_id=subject_id)
        notify(unit_staff([unit.pk]), format_lazy(_("Rút kinh nghiệm: {title}"), title=lesson.title),
               _("Công việc đã kết thúc: đơn vị trả lời bốn câu hỏi rút kinh nghiệm (điều dự kiến, điều thực tế, "
                 "điều làm tốt và vì sao, điều cần thay đổi và thay đổi thế nào)."),
               reverse("knowledge:review", args=[kind, subject_id]), action_needed=True,
               subject=f"lesson:{lesson.pk}")
    return lesson


def _lesson_values(data: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {name: clean(data.get(name) or "") for name, _q in REVIEW_QUESTIONS}
    missing = [name for name, _q in REVIEW_QUESTIONS if not values[name]]
    if missing:
        raise InvalidInput(_("Trả lời đủ bốn câu hỏi rút kinh nghiệm."), field=missing[0])
    facet = data.get("facet") or ""
    if facet and facet not in Facet.values:
        raise InvalidInput(_("Chọn loại đổi mới (OPSI)."), field="facet")
    kind = data.get("problem_kind")
    if kind is not None and not isinstance(kind, ProblemKind):
        raise InvalidInput(_("Loại vấn đề không hợp lệ."), field="problem_kind")
    values.update(facet=facet, problem_kind=kind, field=data.get("field"),
                  service=clean(data.get("service") or "")[:300])
    if data.get("title"):
        values["title"] = clean(data["title"])[:300]
    return values


def do_answer_review(*, actor, subject_kind: str, subject_id: int, data: dict[str, Any]) -> Lesson:
    """The unit answers the after-action review of work that ended: the lesson is stored and searchable."""
    subject, unit, tags = review_subject(subject_kind, subject_id)
    if not is_staff_of(actor, unit):
        raise NotAllowed()
    values = _lesson_values(data)
    for name in ("field", "facet", "service"):  # the work's own tags unless the unit gave others
        values[name] = values.get(name) or tags[name]
    values.setdefault("title", str(subject)[:300])
    with transaction.atomic():
        lesson = Lesson.objects.select_for_update().filter(subject_kind=subject_kind,
                                                           **{subject_kind: subject}).first()
        if lesson is None:  # not asked (the work ended before reviews were asked): asked and answered at once
            lesson = ask_review(subject_kind, subject.pk)
        if lesson is None or lesson.status != LessonStatus.ASKED:
            raise InvalidInput(_("Đơn vị đã rút kinh nghiệm cho công việc này; hãy sửa bài học đã có."))
        for name, value in values.items():
            setattr(lesson, name, value)
        lesson.save()  # the answers, cleaned and made searchable
        lesson = workflow.apply_move(lesson, "answer", actor=actor, expected_state=LessonStatus.ASKED,
                                     changes={"answered_at": timezone.now(), "answered_by": actor})
    return lesson


def do_update_lesson(lesson: Lesson, *, actor, data: dict[str, Any]) -> Lesson:
    _require(actor, "knowledge.edit_lesson", lesson)
    values = _lesson_values(data)
    with transaction.atomic():
        locked = Lesson.objects.select_for_update().get(pk=lesson.pk)
        for name, value in values.items():
            setattr(locked, name, value)
        locked.save()
        record(actor, "lesson.edited", locked)
    return locked


def lessons_for(kind: str, ids, user=None) -> dict[int, list[Lesson]]:
    """The answered lessons attached to each of these challenges, annual tasks, initiatives or cases.

    kind: "challenge", "annual_task", "initiative" or "case" (SubjectKind); ids: their primary keys.
    Returns {id: [Lesson, ...]} (newest first; ids without lessons are absent), in one query. Lessons
    are internal: with `user` given, someone who may not read them (not staff of a unit, not DoST)
    gets {}. A case's lessons are its own and those of the work it was drafted from.
    """
    return {pk: lessons for (_kind, pk), lessons in lessons_of({kind: ids}, user).items()}


def lessons_of(wanted: dict[str, Any], user=None, *, brief: bool = False) -> dict[tuple[str, int], list[Lesson]]:
    """`lessons_for` for records of several kinds at once: {(kind, id): [Lesson, ...]}, in one query
    (two when cases are among them: their sources are read first). `brief`: only what a suggestion
    shows of a lesson (its title, answers and page), without the unit and tags."""
    wanted = {kind: [int(pk) for pk in ids] for kind, ids in wanted.items() if ids}
    for kind in wanted:
        if kind not in SubjectKind.values:
            raise ValueError(f"unknown lesson subject {kind!r}")
    if not wanted or (user is not None and not user.has_perm("knowledge.read_internal")):
        return {}
    # Whose lessons each wanted record shows: its own, and for a case those of its source too.
    owners: dict[tuple[str, int], list[tuple[str, int]]] = defaultdict(list)
    for kind, ids in wanted.items():
        for pk in ids:
            owners[(kind, pk)].append((kind, pk))
    if wanted.get(SubjectKind.CASE):
        for c in Case.objects.filter(pk__in=wanted[SubjectKind.CASE]).exclude(source_kind="").only(
                "pk", "source_kind", "challenge_id", "annual_task_id", "initiative_id"):
            owners[(c.source_kind, getattr(c, f"{c.source_kind}_id"))].append((SubjectKind.CASE, c.pk))
    by_kind: dict[str, set[int]] = defaultdict(set)
    for kind, pk in owners:
        by_kind[kind].add(pk)
    condition = Q()
    for kind, pks in by_kind.items():
        condition |= Q(subject_kind=kind, **{f"{kind}_id__in": sorted(pks)})
    found: dict[tuple[str, int], list[Lesson]] = defaultdict(list)
    answered = Lesson.objects.filter(status=LessonStatus.ANSWERED)
    if brief:
        answered = answered.only("subject_kind", *SubjectKind.values, "title", "went_well", "to_change",
                                 "answered_at", "asked_at")
    else:
        answered = answered.select_related("unit", "field", "problem_kind")
    for lesson in answered.filter(condition):
        for wanted_record in owners.get((lesson.subject_kind, lesson.subject_id), []):
            found[wanted_record].append(lesson)
    return dict(found)


# --- adoptions: "adopt this" -----------------------------------------------------------------------

def adoption_forms(case: Case) -> list[str]:
    """How another unit can take the case up: deploy the result (a project's or an initiative's), or
    plan it as a task of its annual plan."""
    forms: list[str] = [AdoptionForm.ANNUAL_TASK]
    if (case.challenge_id and hasattr(case.challenge, "project")) or case.initiative_id:
        forms.insert(0, AdoptionForm.DEPLOYMENT)
    return forms


def do_request_adoption(case: Case, *, actor, unit: OrgUnit, form: str, service: str, note: str = "",
                        go_live_on: datetime.date | None = None) -> Adoption:
    """A unit asks to replicate a published case; its unit's leaders and DoST are told."""
    _require(actor, "knowledge.adopt", case)
    if not is_staff_of(actor, unit) or unit.pk == case.unit_id:
        raise InvalidInput(_("Chọn đơn vị của bạn (khác đơn vị có tình huống)."), field="unit")
    if form not in adoption_forms(case):
        raise InvalidInput(_("Hình thức áp dụng không phù hợp với tình huống này."), field="form")
    service = clean(service or "")
    if not service:
        raise InvalidInput(_("Nêu dịch vụ sẽ áp dụng."), field="service")
    if form == AdoptionForm.DEPLOYMENT and go_live_on is None:
        raise InvalidInput(_("Nêu ngày dự kiến đưa vào sử dụng."), field="go_live_on")
    try:
        with transaction.atomic():
            adoption = Adoption.objects.create(case=case, unit=unit, form=form, service=service[:300],
                                               note=clean(note or ""), go_live_on=go_live_on, requested_by=actor)
            record(actor, "adoption.requested", adoption, case=case.pk, unit=unit.name)
            from sangtao.knowledge.workflow import adoption_answerers, case_staff

            recipients = {u.pk: u for u in [*adoption_answerers(adoption), *case_staff(case)]}
            notify(recipients.values(), format_lazy(_("{unit} đề nghị áp dụng tình huống «{title}»"), unit=unit.name,
                                                    title=case.title),
                   adoption.note, adoption.get_absolute_url(), exclude=actor, action_needed=True,
                   subject=f"adoption:{adoption.pk}")
    except IntegrityError:
        raise InvalidInput(_("Đơn vị đã có đề nghị áp dụng tình huống này."), field="unit") from None
    return adoption


def _deploy(adoption: Adoption, actor):
    """The accepted adoption becomes a deployment of the project's or the initiative's result."""
    case = adoption.case
    go_live = adoption.go_live_on or timezone.localdate()
    if case.challenge is not None:
        from sangtao.projects import services as project_services

        return {"project_deployment": project_services.record_deployment(
            case.challenge.project, actor, adoption.unit, adoption.service, go_live, adoption.note)}
    from sangtao.initiatives import services as initiative_services

    assert case.initiative is not None  # adoption_forms offers a deployment only for these two sources
    return {"initiative_deployment": initiative_services.record_deployment(
        case.initiative, actor, adoption.unit, go_live, adoption.service)}


def do_accept_adoption(adoption: Adoption, *, actor, answer: str = "") -> Adoption:
    """The case's unit (its leader) or DoST accepts: a deployment is recorded at once; a planned task
    waits for the adopting unit to put it in its annual plan."""
    with transaction.atomic():
        changes: dict[str, Any] = {"answer": clean(answer or ""), "decided_at": timezone.now()}
        if not (actor.has_perm("knowledge.answer_adoption", adoption)):
            raise NotAllowed()
        if adoption.form == AdoptionForm.DEPLOYMENT and adoption.status == AdoptionStatus.REQUESTED:
            changes.update(_deploy(adoption, actor))
        return workflow.apply_move(adoption, "accept", actor=actor, reason=answer, changes=changes)


def do_decline_adoption(adoption: Adoption, *, actor, reason: str) -> Adoption:
    return workflow.apply_move(adoption, "decline", actor=actor, reason=reason,
                               changes={"answer": clean(reason or ""), "decided_at": timezone.now()})


def do_withdraw_adoption(adoption: Adoption, *, actor) -> Adoption:
    return workflow.apply_move(adoption, "withdraw", actor=actor)


def do_plan_adoption(adoption: Adoption, *, actor, year: int) -> Adoption:
    """The adopting unit puts an accepted adoption into its annual plan of the year (a draft plan;
    one is started when the unit has none), as a task linked to the case."""
    from sangtao.annual import services as annual_services
    from sangtao.annual.models import AnnualPlan

    _require(actor, "knowledge.plan_adoption", adoption)
    if adoption.status != AdoptionStatus.ACCEPTED or adoption.form != AdoptionForm.ANNUAL_TASK:
        raise InvalidInput(_("Chỉ đưa vào kế hoạch năm đề nghị đã được chấp nhận theo hình thức nhiệm vụ."))
    if adoption.created_task_id:
        raise InvalidInput(_("Đề nghị này đã có nhiệm vụ trong kế hoạch năm."))
    case = adoption.case
    with transaction.atomic():
        plan = AnnualPlan.objects.filter(unit=adoption.unit, year=year).first()
        if plan is None:
            plan = annual_services.create_plan(actor, adoption.unit, year,
                                               str(_("Kế hoạch đổi mới sáng tạo năm %(year)s") % {"year": year}))
        task = annual_services.save_task(plan, actor, {
            "title": case.title, "problem": case.problem or case.summary or case.title,
            "public_service": adoption.service, "person_in_charge": actor.display_name,
            "partners": case.unit.name, "field": case.field, "facet": case.facet or Facet.ENHANCEMENT,
            "case": case, "challenge": case.challenge,
        })
        Adoption.objects.filter(pk=adoption.pk).update(created_task=task, updated_at=timezone.now())
        adoption.created_task = task
        record(actor, "adoption.planned", adoption, task=task.pk, plan=plan.pk)
    return adoption


def reuse_of(case: Case) -> list[Adoption]:
    """Where the case was taken up: the accepted adoptions, with what they became."""
    return list(case.adoptions.filter(status=AdoptionStatus.ACCEPTED).select_related(
        "unit", "project_deployment", "initiative_deployment", "created_task__plan").order_by("decided_at", "pk"))


# --- the library of tools and templates ------------------------------------------------------------

def _add_version(resource: Resource, actor, upload, note: str) -> ResourceVersion:
    checked = check_upload(upload)
    number = (resource.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    return ResourceVersion.objects.create(resource=resource, number=number, note=clean(note or "")[:300],
                                          file=upload, original_name=upload.name[:255], kind=checked.kind,
                                          size=checked.size, uploaded_by=actor)


def do_add_resource(*, actor, unit: OrgUnit, data: dict[str, Any], upload) -> Resource:
    """A guide, form, terms of reference or tool, with its first file."""
    _require(actor, "knowledge.add_resource")
    if not actor.has_perm("knowledge.add_resource_for", unit):
        raise NotAllowed()
    title = clean(data.get("title") or "")
    description = clean(data.get("description") or "")
    if not title:
        raise InvalidInput(_("Cần tên tài liệu."), field="title")
    if not description:
        raise InvalidInput(_("Cần mô tả tài liệu."), field="description")
    if data.get("kind") not in ResourceKind.values:
        raise InvalidInput(_("Chọn loại tài liệu."), field="kind")
    with transaction.atomic():
        resource = Resource.objects.create(
            title=title[:300], title_en=clean(data.get("title_en") or "")[:300], kind=data["kind"],
            description=description, description_en=clean(data.get("description_en") or ""),
            field=data.get("field"), is_public=bool(data.get("is_public")), unit=unit, created_by=actor)
        _add_version(resource, actor, upload, data.get("note") or "")
        record(actor, "resource.added", resource)
    return resource


def do_add_resource_version(resource: Resource, *, actor, upload, note: str = "") -> ResourceVersion:
    """A new version of the file; earlier versions stay downloadable."""
    _require(actor, "knowledge.version_resource", resource)
    with transaction.atomic():
        # The resource's row first: two uploads at once would both take the next number.
        Resource.objects.select_for_update().filter(pk=resource.pk).first()
        version = _add_version(resource, actor, upload, note)
        record(actor, "resource.version_added", resource, number=version.number)
    return version
