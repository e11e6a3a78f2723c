"""The plan pages and API for each role: who sees what (404 otherwise), moves through pages and the API."""

import pytest

from conftest import client_for
from sangtao.annual.models import AnnualPlan, PlanStatus
from sangtao.annual.tests.conftest import task_data


def test_the_ward_officer_registers_a_plan_with_a_task_through_the_pages(ward, plan_roles):
    officer = client_for(plan_roles["officer"])
    response = officer.post("/annual/new/", {"unit": ward.pk, "year": 2026, "title": "Kế hoạch ĐMST 2026",
                                             "summary": "Cải cách thủ tục"})
    plan = AnnualPlan.objects.get()
    assert response.status_code == 302 and response["Location"] == plan.get_absolute_url()
    form = {"title": "Số hóa hộ tịch", "problem": "Hồ sơ giấy", "public_service": "Đăng ký khai sinh",
            "facet": "enhancement", "budget_vnd": 0, "budget_source": "none", "person_in_charge": "Chị Lan",
            "kpi-TOTAL_FORMS": 2, "kpi-INITIAL_FORMS": 0, "kpi-0-name": "Thời gian xử lý",
            "kpi-0-unit_of_measure": "ngày", "kpi-0-baseline_value": "5", "kpi-0-target_value": "1",
            "ms-TOTAL_FORMS": 2, "ms-INITIAL_FORMS": 0, "ms-0-title": "Thí điểm", "ms-0-due_on": "2026-06-30"}
    assert officer.post(f"/annual/{plan.pk}/tasks/new/", form).status_code == 302
    assert plan.tasks.get().kpis.get().target_value == 1
    page = officer.get(plan.get_absolute_url())
    assert "Số hóa hộ tịch" in page.content.decode() and "move/submit/" in page.content.decode()
    assert officer.post(f"/annual/{plan.pk}/move/submit/", {"reason": ""}).status_code == 302
    assert AnnualPlan.objects.get().status == PlanStatus.SUBMITTED


@pytest.mark.parametrize("role, seen", [("officer", True), ("leader", True), ("dost", True),
                                        ("other_unit_officer", False), ("expert", False), ("outsider", False)])
def test_a_consolidated_plan_is_seen_by_its_unit_and_dost_only(role, seen, make_plan, plan_roles):
    plan = make_plan(PlanStatus.CONSOLIDATED)
    response = client_for(plan_roles[role]).get(plan.get_absolute_url())
    assert response.status_code == (200 if seen else 404)
    assert client_for(plan_roles[role]).get(f"/annual/{plan.pk}/history/").status_code == (200 if seen else 404)


def test_the_rollup_is_dost_s_alone(make_plan, plan_roles):
    make_plan(PlanStatus.CONSOLIDATED)
    assert client_for(plan_roles["dost"]).get("/annual/rollup/?year=2026").status_code == 200
    assert client_for(plan_roles["leader"]).get("/annual/rollup/").status_code == 404


def test_the_api_creates_lists_with_folded_search_and_moves_a_plan(ward, plan_roles, api_client):
    officer, leader = api_client(plan_roles["officer"]), api_client(plan_roles["leader"])
    task = task_data()
    task["milestones"] = [{"title": "Thí điểm", "due_on": "2026-06-30"}]
    response = officer.post("/annual/plans", {"unit_id": ward.pk, "year": 2026, "title": "Kế hoạch ĐMST",
                                              "tasks": [task]})
    assert response.status_code == 201, response.content
    plan_id = response.json()["id"]
    assert response.json()["moves"] == ["submit"]
    assert officer.get("/annual/plans?q=so hoa ho tich").json()["count"] == 1
    assert officer.get("/annual/plans?q=giao thong").json()["count"] == 0
    assert officer.post(f"/annual/plans/{plan_id}/moves/submit", {}).status_code == 200
    assert leader.post(f"/annual/plans/{plan_id}/moves/return", {}).status_code == 422  # a reason is needed
    assert api_client(plan_roles["officer"]).post(f"/annual/plans/{plan_id}/moves/approve", {}).status_code == 403
    assert leader.post(f"/annual/plans/{plan_id}/moves/approve", {}).json()["status"] == "approved"
    assert api_client(plan_roles["other_unit_officer"]).get(f"/annual/plans/{plan_id}").status_code == 404
    assert api_client(plan_roles["other_unit_officer"]).post("/annual/plans", {
        "unit_id": ward.pk, "year": 2027, "title": "x"}).status_code == 404


def test_the_rollup_lists_each_units_plan_with_its_tasks_and_budget_and_can_show_only_units_without_one(
        make_plan, plan_roles, ward, health):
    plan = make_plan(PlanStatus.CONSOLIDATED, tasks=2)
    client = client_for(plan_roles["dost"])
    table = client.get("/annual/rollup/?year=2026").content.decode().split('id="units"', 1)[1]
    row = table.split(ward.name, 1)[1].split("</tr>", 1)[0]
    budget = sum(plan.tasks.values_list("budget_vnd", flat=True))
    assert f'href="{plan.get_absolute_url()}"' in row and ">2<" in row and f"{budget:,}".replace(",", ".") in row
    assert health.name in table
    only_without = client.get("/annual/rollup/?year=2026&without=1").content.decode().split('id="units"', 1)[1]
    assert health.name in only_without and plan.get_absolute_url() not in only_without


def test_the_api_writes_and_submits_a_units_report_with_progress_and_kpi_measurements(make_plan, plan_roles,
                                                                                     api_client):
    from sangtao.annual.models import KpiMeasurement, PlanReport, TaskProgress

    plan = make_plan(PlanStatus.IN_PROGRESS)
    task = plan.tasks.get()
    kpi = task.kpis.get()
    payload = {"period": "6-thang", "narrative": "Đã số hóa 80% hồ sơ.", "submit": True,
               "progress": [{"task_id": task.pk, "percent": 60, "note": "Thí điểm xong"}],
               "measurements": [{"kpi_id": kpi.pk, "value": "2", "measured_on": "2026-06-15", "source": "Phần mềm"}]}
    assert api_client(plan_roles["other_unit_officer"]).post(f"/annual/plans/{plan.pk}/reports",
                                                             payload).status_code == 404
    assert api_client(plan_roles["officer"]).post(f"/annual/plans/{plan.pk}/reports",
                                                  {**payload, "period": "khong-co"}).status_code == 404
    response = api_client(plan_roles["officer"]).post(f"/annual/plans/{plan.pk}/reports", payload)
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "submitted" and response.json()["period"] == "6-thang"
    report = PlanReport.objects.get(pk=response.json()["id"])
    assert report.narrative == "Đã số hóa 80% hồ sơ."
    assert TaskProgress.objects.get(report=report, task=task).percent == 60
    assert KpiMeasurement.objects.get(kpi=kpi, report=report).value == 2
