"""Fixtures of annual plans: a ward's plan with tasks, driven to any state."""

import datetime

import pytest
from django.utils import timezone

from conftest import make_user
from sangtao.annual import services
from sangtao.annual.models import AnnualPlan, PlanStatus, ReportPeriod
from sangtao.orgs.models import Role

# The moves (and who makes them) that lead a new draft to each state.
PLAN_PATH = {
    PlanStatus.DRAFT: [],
    PlanStatus.SUBMITTED: [("submit", "officer")],
    PlanStatus.APPROVED: [("submit", "officer"), ("approve", "leader")],
    PlanStatus.CONSOLIDATED: [("submit", "officer"), ("approve", "leader"), ("consolidate", "dost")],
    PlanStatus.IN_PROGRESS: [("submit", "officer"), ("approve", "leader"), ("consolidate", "dost"),
                             ("start", "officer")],
    PlanStatus.DROPPED: [("submit", "officer"), ("approve", "leader"), ("consolidate", "dost"),
                         ("drop", "leader")],
}


def task_data(title="Số hóa hồ sơ đăng ký hộ tịch", **overrides):
    data = {"title": title, "problem": "Người dân phải nộp bản giấy, thời gian xử lý 5 ngày.",
            "public_service": "Đăng ký khai sinh", "facet": "enhancement", "budget_vnd": 150_000_000,
            "budget_source": "unit", "spending_norm": "Thông tư 03/2023/TT-BTC", "partners": "Công an phường",
            "person_in_charge": "Nguyễn Văn Bình",
            "kpis": [{"name": "Thời gian xử lý hồ sơ", "unit_of_measure": "ngày", "baseline_value": "5",
                      "target_value": "1"}],
            "milestones": [{"title": "Thí điểm", "due_on": datetime.date(2026, 6, 30)}]}
    data.update(overrides)
    return data


def consolidated_in_january(plan: AnnualPlan) -> None:
    """A consolidated plan as the city's calendar has it: taken in by DoST early in its year, before its
    reports fall due (the tests move through the year by the dates they pass, not the clock)."""
    january = datetime.datetime(plan.year, 1, 10, 9, tzinfo=timezone.get_current_timezone())
    AnnualPlan.objects.filter(pk=plan.pk, consolidated_at__isnull=False).update(consolidated_at=january)


@pytest.fixture
def ward_leader(ward):
    return make_user("leader2", Role.LEADER, ward, full_name="Võ Thị Lan")


@pytest.fixture
def plan_roles(dost, ward_officer, ward_leader, officer, expert, outsider):
    """The roles around a ward's plan; the health department's officer stands for another unit."""
    return {"dost": dost, "officer": ward_officer, "leader": ward_leader, "other_unit_officer": officer,
            "expert": expert, "outsider": outsider, "anonymous": None}


@pytest.fixture
def make_plan(ward, plan_roles):
    def make(state=PlanStatus.DRAFT, year=2026, tasks=1):
        plan = services.create_plan(plan_roles["officer"], ward, year, f"Kế hoạch đổi mới sáng tạo năm {year}")
        for number in range(tasks):
            services.save_task(plan, plan_roles["officer"], task_data(f"Nhiệm vụ {number + 1}: số hóa hộ tịch"))
        for move, role in PLAN_PATH[state]:
            plan = services.move_plan(plan, plan_roles[role], move, "lý do thử nghiệm")
        consolidated_in_january(plan)
        return AnnualPlan.objects.get(pk=plan.pk)

    return make


@pytest.fixture
def half_year(db):
    """The six-month report of the calendar the migration seeds."""
    return ReportPeriod.objects.get(code="6-thang")
