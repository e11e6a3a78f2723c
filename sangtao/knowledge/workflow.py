"""The case, lesson and adoption workflows: tables of moves applied by sangtao.core.workflow.

Case: draft -> submitted -> changes requested (with DoST's note) -> submitted again -> published,
internal-only or public (DoST, the editor, may later open an internal case to the public or take a
public one back to internal). Submitting needs the completeness rule met, section by section.
"""

from django.urls import reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from sangtao.core.workflow import Guard, Move, workflow
from sangtao.knowledge import completeness
from sangtao.knowledge.models import (
    SECTIONS,
    Adoption,
    AdoptionStatus,
    AdoptionTransition,
    Case,
    CaseStatus,
    CaseTransition,
    Lesson,
    LessonStatus,
    Stage,
)
from sangtao.knowledge.rules import (
    is_adopting_staff,
    is_case_unit_staff,
    is_lesson_unit_staff,
    leads_unit_of_adopted_case,
)
from sangtao.orgs.roles import dost_coordinators, unit_staff
from sangtao.orgs.rules import is_dost_coordinator

S = CaseStatus


def _edit_url(case) -> str:
    return reverse("knowledge:case_edit", args=[case.pk])


def _section_guard(key: str) -> Guard:
    return Guard(lambda c: not completeness.section_problem(c, key), lambda c: completeness.section_problem(c, key),
                 lambda c: f"{_edit_url(c)}#id_{key}", key)


TITLED = Guard(lambda c: bool(c.title.strip()), _("Cần tên tình huống."), lambda c: f"{_edit_url(c)}#id_title",
               "title")
# The case library takes work implemented at least as a pilot (brief, section 11): a case still at its ideas
# is not submitted or published.
IMPLEMENTED_STAGES = (Stage.IMPLEMENTING, Stage.EVALUATING, Stage.SPREADING)
STAGED = Guard(lambda c: c.stage in IMPLEMENTED_STAGES,
               lambda c: _("Chọn giai đoạn của giải pháp.") if not c.stage else
               _("Chỉ đăng tình huống đã triển khai, ít nhất là thí điểm: giai đoạn từ «Triển khai thực hiện» trở đi."),
               lambda c: f"{_edit_url(c)}#id_stage", "stage")
COMPLETE = (TITLED, STAGED, *(_section_guard(key) for key, _label in SECTIONS))


def case_staff(case):
    return unit_staff([case.unit_id])


def _case_notice(case, move, reason):
    return (format_lazy(_("Tình huống «{title}»: {move}"), title=case.title, move=move.label), reason,
            case.get_absolute_url())


CASE = workflow("case", Case, [
    Move("submit", (S.DRAFT, S.CHANGES_REQUESTED), S.SUBMITTED, is_case_unit_staff, _("Gửi Sở KH&CN biên tập"),
         guards=COMPLETE, notify=lambda c: dost_coordinators()),
    Move("request_changes", (S.SUBMITTED,), S.CHANGES_REQUESTED, is_dost_coordinator, _("Yêu cầu chỉnh sửa"),
         reason_required=True, notify=case_staff),
    Move("publish_internal", (S.SUBMITTED,), S.PUBLISHED_INTERNAL, is_dost_coordinator,
         _("Công bố nội bộ (cán bộ các đơn vị)"), guards=COMPLETE, notify=case_staff),
    Move("publish_public", (S.SUBMITTED,), S.PUBLISHED_PUBLIC, is_dost_coordinator, _("Công bố công khai"),
         guards=COMPLETE, notify=case_staff),
    Move("open_to_public", (S.PUBLISHED_INTERNAL,), S.PUBLISHED_PUBLIC, is_dost_coordinator,
         _("Chuyển sang công khai"), notify=case_staff),
    Move("make_internal", (S.PUBLISHED_PUBLIC,), S.PUBLISHED_INTERNAL, is_dost_coordinator,
         _("Chỉ công bố nội bộ"), reason_required=True, danger=True, notify=case_staff),
], pgettext_lazy("workflow", "Tình huống"), transitions=CaseTransition, subject="case", notice=_case_notice)


# A lesson is asked by the end of a piece of work (the role home lists what is owed) and answered once.
LESSON = workflow("lesson", Lesson, [
    Move("answer", (LessonStatus.ASKED,), LessonStatus.ANSWERED, is_lesson_unit_staff, _("Gửi bài học kinh nghiệm"),
         service_only=True),
], pgettext_lazy("workflow", "Bài học kinh nghiệm"))


def adoption_answerers(adoption):
    from sangtao.orgs.models import Role

    return [*unit_staff([adoption.case.unit_id], [Role.LEADER]), *dost_coordinators()]


def adopting_staff(adoption):
    return unit_staff([adoption.unit_id])


def _adoption_notice(adoption, move, reason):
    return (format_lazy(_("Đề nghị áp dụng «{title}» của {unit}: {move}"), title=adoption.case.title,
                        unit=adoption.unit.name, move=move.label), reason, adoption.get_absolute_url())


A = AdoptionStatus
ADOPTION = workflow("adoption", Adoption, [
    # The service records the deployment with the move (the owner's rights over its project or initiative).
    Move("accept", (A.REQUESTED,), A.ACCEPTED, leads_unit_of_adopted_case | is_dost_coordinator,
         _("Chấp nhận cho áp dụng"), service_only=True, notify=adopting_staff),
    Move("decline", (A.REQUESTED,), A.DECLINED, leads_unit_of_adopted_case | is_dost_coordinator,
         _("Từ chối"), reason_required=True, danger=True, notify=adopting_staff),
    Move("withdraw", (A.REQUESTED,), A.WITHDRAWN, is_adopting_staff, _("Rút đề nghị"), danger=True,
         notify=adoption_answerers),
], _("Đề nghị áp dụng"), transitions=AdoptionTransition, subject="adoption", notice=_adoption_notice)


