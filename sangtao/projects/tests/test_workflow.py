"""The project, task and progress-report tables: every role tries every move from every state."""

import datetime

import pytest
from django.utils import timezone

from conftest import PROJECT_WORLD, assert_move_matrix, module_world, move_table_test, project_world
from sangtao.projects import services
from sangtao.projects.models import ProgressReport, Project, ProjectStatus, ReportStatus, Task, TaskStatus

pytestmark = pytest.mark.django_db
# Every test here starts from the same project under way, built once for the module.
globals().update(module_world(project_world, PROJECT_WORLD))

# The project of the conftest fixture: owned by the Department of Health, led by the solver's
# organisation, with the ward (other_unit_officer's unit) as a partner.
PROJECT_ALLOWED = move_table_test("project", {"accept": {"dost"}, "fail": {"dost"}, "cancel": {"dost"}})
TASK_ALLOWED = move_table_test("task", {"complete": {"dost", "officer", "leader", "other_unit_officer", "solver"}})
REPORT_ALLOWED = move_table_test("progress_report", {"accept": {"dost", "officer", "leader"},
                                                     "return": {"dost", "officer", "leader"}})


def test_every_role_tries_every_project_move_from_every_state(roles, project):
    for state in ProjectStatus.values:
        Project.objects.filter(pk=project.pk).update(status=state)  # the matrix starts from each state
        project.refresh_from_db()
        # No acceptance council has graded yet: DoST's acceptance moves wait for the grades; DoST may
        # cancel an active project (with a reason: the matrix gives one).
        assert assert_move_matrix(project, roles, PROJECT_ALLOWED) == (1 if state == ProjectStatus.ACTIVE else 0)


def test_every_role_tries_every_task_move_from_every_state(roles, project, dost, ward):
    task = services.add_task(project, dost, ward, "Tập huấn cán bộ phường", timezone.localdate())
    for state in TaskStatus.values:
        Task.objects.filter(pk=task.pk).update(status=state)
        task.refresh_from_db()
        applied = assert_move_matrix(task, roles, TASK_ALLOWED)
        assert applied == (len(TASK_ALLOWED["complete"]) if state == TaskStatus.OPEN else 0)


def test_every_role_tries_every_report_move_from_every_state(roles, project, solver):
    report = services.submit_report(project, solver, timezone.localdate() - datetime.timedelta(days=1),
                                    "Đã hoàn thành thiết kế.", {})
    for state in ReportStatus.values:
        ProgressReport.objects.filter(pk=report.pk).update(status=state)
        report.refresh_from_db()
        applied = assert_move_matrix(report, roles, REPORT_ALLOWED)
        assert applied == (6 if state == ReportStatus.SUBMITTED else 0)


def test_dost_cancels_an_active_project_with_a_reason_and_the_lead_and_owner_are_told(project, dost, officer, solver,
                                                                                      leader):
    from conftest import client_for
    from sangtao.core.errors import InvalidInput
    from sangtao.notifications.models import Notification

    assert "id=\"cancel\"" not in client_for(officer).get(project.get_absolute_url()).content.decode()
    assert "id=\"cancel\"" in client_for(dost).get(project.get_absolute_url()).content.decode()
    with pytest.raises(InvalidInput):
        services.cancel_project(project, dost, "  ")
    blank = client_for(dost).post(f"/projects/{project.pk}/do/cancel/", {"reason": "   "})
    assert blank.status_code == 302  # refused at once (a reason is needed), not after a confirmation
    refused = client_for(officer).post(f"/projects/{project.pk}/do/cancel/", {"reason": "Không phải việc của tôi."})
    assert refused.status_code == 302  # not theirs to cancel: no confirmation page either
    asked = client_for(dost).post(f"/projects/{project.pk}/do/cancel/", {"reason": "Đơn vị chủ trì giải thể."})
    assert "không hoàn tác được" in asked.content.decode()
    project.refresh_from_db()
    assert project.status != ProjectStatus.CANCELLED  # asked first
    response = client_for(dost).post(f"/projects/{project.pk}/do/cancel/", {"reason": "Đơn vị chủ trì giải thể.",
                                                                           "confirmed": "1"})
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.status == ProjectStatus.CANCELLED
    told = Notification.objects.filter(title__contains="đã bị hủy")
    assert {n.recipient for n in told} >= {solver, officer, leader} and dost not in {n.recipient for n in told}
    assert all(n.body == "Đơn vị chủ trì giải thể." for n in told)
    page = client_for(dost).get(project.get_absolute_url()).content.decode()
    assert "Báo cáo kỳ tới" not in page  # an ended project reports no more
