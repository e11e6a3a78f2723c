"""The end of a piece of work asks its unit for an after-action review (issue 15 §2): a project's
acceptance concluded (passed or failed), an annual task completed (reported at 100% or its plan
done), a council's decision on an initiative. Each hook calls `services.ask_review` in the
transaction of the change that ended the work, so the ask is stored (an asked lesson, an audit row,
a notice) with that change or not at all. States change through `core.workflow.apply_move`, which
sends `moved`. A task is reported done when its unit's leader approves a report that gives it 100%:
not as the draft is typed (a figure still to be corrected, a report still to be returned).
"""

from sangtao.core.workflow import moved
from sangtao.knowledge.models import SubjectKind

_HANDLERS: list = []  # signals keep weak references: hold the handlers


def _project_moved(sender, obj, **kwargs) -> None:
    from sangtao.projects.models import ProjectStatus

    if obj.status in (ProjectStatus.ACCEPTED, ProjectStatus.FAILED):  # acceptance concluded, passed or not
        from sangtao.knowledge.services import ask_review

        ask_review(SubjectKind.CHALLENGE, obj.challenge_id)


def _council_moved(sender, obj, **kwargs) -> None:
    from sangtao.initiatives.models import CouncilStatus

    if obj.status == CouncilStatus.DECIDED:
        from sangtao.knowledge.services import ask_review

        ask_review(SubjectKind.INITIATIVE, obj.initiative_id)


def _plan_moved(sender, obj, **kwargs) -> None:
    from sangtao.annual.models import PlanStatus

    if obj.status == PlanStatus.DONE:
        from sangtao.knowledge.services import ask_review

        for task_id in obj.tasks.values_list("pk", flat=True):
            ask_review(SubjectKind.ANNUAL_TASK, task_id)


def _report_moved(sender, obj, **kwargs) -> None:
    from sangtao.annual.models import ReportStatus

    if obj.status == ReportStatus.APPROVED:
        from sangtao.knowledge.services import ask_review

        for task_id in obj.progress.filter(percent__gte=100).values_list("task_id", flat=True):
            ask_review(SubjectKind.ANNUAL_TASK, task_id)


def connect() -> None:
    from sangtao.annual.models import AnnualPlan, PlanReport
    from sangtao.initiatives.models import Council
    from sangtao.projects.models import Project

    _HANDLERS.extend((_project_moved, _council_moved, _plan_moved, _report_moved))
    moved.connect(_project_moved, sender=Project, dispatch_uid="knowledge-ask-review-project")
    moved.connect(_council_moved, sender=Council, dispatch_uid="knowledge-ask-review-council")
    moved.connect(_plan_moved, sender=AnnualPlan, dispatch_uid="knowledge-ask-review-plan")
    moved.connect(_report_moved, sender=PlanReport, dispatch_uid="knowledge-ask-review-report")
