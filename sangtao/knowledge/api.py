"""Cases and lessons in the API: the same access helpers as the pages (public cases for everyone,
internal ones for the staff of units and DoST, lessons for staff and DoST; 404 for the rest)."""

import datetime
from typing import Any

from django.core.paginator import Paginator
from ninja import Router, Schema

from sangtao.api import request_user
from sangtao.core.api_errors import LIST, READ
from sangtao.core.api_input import Id, Page, Search
from sangtao.knowledge import services
from sangtao.knowledge.access import get_case_for, get_lesson_for, visible_cases, visible_lessons
from sangtao.knowledge.models import SECTIONS, Case, CaseStatus, Lesson, Stage, SubjectKind

router = Router(tags=["knowledge"])


class SectionOut(Schema):
    key: str
    label: str
    vi: str
    en: str


class ReuseOut(Schema):
    unit: str
    service: str
    form: str
    go_live_on: datetime.date | None


class CaseOut(Schema):
    id: int
    url: str
    title: str
    title_en: str
    unit: str
    unit_id: int
    status: CaseStatus
    stage: Stage | None
    field: str | None
    facet: str
    service: str
    published_at: datetime.datetime | None
    sections: list[SectionOut]
    reused_by: list[ReuseOut]


class CaseSummaryOut(Schema):
    id: int
    title: str
    unit: str
    status: CaseStatus
    stage: Stage | None
    summary: str
    published_at: datetime.datetime | None


class CasePage(Schema):
    count: int
    page: int
    num_pages: int
    results: list[CaseSummaryOut]


class LessonOut(Schema):
    id: int
    title: str
    unit: str
    subject_kind: SubjectKind
    subject_id: int
    expected: str
    actual: str
    went_well: str
    to_change: str
    field: str | None
    facet: str
    service: str
    problem_kind: str | None
    answered_at: datetime.datetime | None


class LessonPage(Schema):
    count: int
    page: int
    num_pages: int
    results: list[LessonOut]


def _case_out(case: Case) -> dict:
    return {
        "id": case.pk, "url": case.get_absolute_url(), "title": case.title, "title_en": case.title_en,
        "unit": case.unit.name, "unit_id": case.unit_id, "status": case.status, "stage": case.stage or None,
        "field": case.field.name if case.field else None, "facet": case.facet, "service": case.service,
        "published_at": case.published_at,
        "sections": [{"key": key, "label": str(label), "vi": getattr(case, key), "en": getattr(case, f"{key}_en")}
                     for key, label in SECTIONS],
        "reused_by": [{"unit": a.unit.name, "service": a.service, "form": a.form, "go_live_on": a.go_live_on}
                      for a in services.reuse_of(case)],
    }


def _lesson_out(lesson: Lesson) -> dict:
    return {
        "id": lesson.pk, "title": lesson.title, "unit": lesson.unit.name, "subject_kind": lesson.subject_kind,
        "subject_id": lesson.subject_id, "expected": lesson.expected, "actual": lesson.actual,
        "went_well": lesson.went_well, "to_change": lesson.to_change,
        "field": lesson.field.name if lesson.field else None, "facet": lesson.facet, "service": lesson.service,
        "problem_kind": lesson.problem_kind.name if lesson.problem_kind else None, "answered_at": lesson.answered_at,
    }


def _page(queryset, page: int) -> tuple[Paginator, Any]:
    paginator = Paginator(queryset, 50)
    return paginator, paginator.get_page(page)


@router.get("/cases", response={200: CasePage, **LIST})
def list_cases(request, q: Search = "", page: Page = 1):
    """The cases the caller may see: public ones for everyone; internal ones for the staff of units and
    DoST; their own units' cases being written."""
    queryset = services.search(visible_cases(request_user(request)), q).order_by("-published_at", "-pk")
    paginator, current = _page(queryset, page)
    return {"count": paginator.count, "page": current.number, "num_pages": paginator.num_pages,
            "results": [{"id": c.pk, "title": c.title, "unit": c.unit.name, "status": c.status,
                         "stage": c.stage or None, "summary": c.summary, "published_at": c.published_at}
                        for c in current.object_list]}


@router.get("/cases/{case_id}", response={200: CaseOut, **READ})
def get_case(request, case_id: Id):
    return _case_out(get_case_for(request_user(request), case_id))


@router.get("/lessons", response={200: LessonPage, **LIST})
def list_lessons(request, q: Search = "", subject_kind: SubjectKind | None = None, page: Page = 1):
    """Lessons learned (after-action reviews): for the staff of units and DoST; an empty list for others."""
    queryset = services.search(visible_lessons(request_user(request)), q)
    if subject_kind:
        queryset = queryset.filter(subject_kind=subject_kind)
    paginator, current = _page(queryset, page)
    return {"count": paginator.count, "page": current.number, "num_pages": paginator.num_pages,
            "results": [_lesson_out(lesson) for lesson in current.object_list]}


@router.get("/lessons/{lesson_id}", response={200: LessonOut, **READ})
def get_lesson(request, lesson_id: Id):
    return _lesson_out(get_lesson_for(request_user(request), lesson_id))
