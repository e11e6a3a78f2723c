"""A task links to the initiative of its unit it applies and to a case it learns from or replicates,
as records (chosen on the task form, shown as links, kept in the plan's versions), not as free text."""

import pytest

from conftest import client_for
from sangtao.annual import services
from sangtao.annual.tests.conftest import task_data
from sangtao.core.errors import InvalidInput
from sangtao.initiatives.models import Initiative, InitiativeStatus
from sangtao.knowledge.models import Case, CaseStatus

pytestmark = pytest.mark.django_db


def _initiative(unit, author, title="Phiếu hẹn điện tử cho hồ sơ hộ tịch"):
    return Initiative.objects.create(unit=unit, title=title, kind="management", description="Mô tả",
                                     novelty="Điểm mới", status=InitiativeStatus.RECOGNISED, created_by=author)


def _case(unit, status, author, title="Một cửa số tại phường Bến Nghé"):
    return Case.objects.create(unit=unit, title=title, status=status, created_by=author)


def test_the_officer_links_a_task_to_the_units_initiative_and_a_published_case_and_the_plan_shows_both(
        make_plan, ward, health, plan_roles):
    plan = make_plan(tasks=0)
    initiative = _initiative(ward, plan_roles["officer"])
    case = _case(health, CaseStatus.PUBLISHED_INTERNAL, plan_roles["dost"])
    officer = client_for(plan_roles["officer"])
    form_page = officer.get(f"/annual/{plan.pk}/tasks/new/").content.decode()
    assert f'<option value="{initiative.pk}">' in form_page and f'<option value="{case.pk}">' in form_page
    form = {"title": "Số hóa hộ tịch", "problem": "Hồ sơ giấy", "public_service": "Đăng ký khai sinh",
            "facet": "enhancement", "budget_vnd": 0, "budget_source": "none", "person_in_charge": "Chị Lan",
            "initiative": initiative.pk, "case": case.pk,
            "kpi-TOTAL_FORMS": 0, "kpi-INITIAL_FORMS": 0, "ms-TOTAL_FORMS": 0, "ms-INITIAL_FORMS": 0}
    assert officer.post(f"/annual/{plan.pk}/tasks/new/", form).status_code == 302
    task = plan.tasks.get()
    assert (task.initiative, task.case) == (initiative, case)
    page = officer.get(plan.get_absolute_url()).content.decode()
    assert f'href="{initiative.get_absolute_url()}"' in page and f'href="{case.get_absolute_url()}"' in page
    assert services.snapshot(plan)["tasks"][0]["initiative"] == initiative.title
    assert services.snapshot(plan)["tasks"][0]["case"] == case.title


def test_the_form_offers_only_the_units_own_initiatives_and_cases_it_may_learn_from(
        make_plan, ward, health, plan_roles):
    plan = make_plan(tasks=0)
    others = _initiative(health, plan_roles["other_unit_officer"], title="Sáng kiến của Sở Y tế")
    draft_elsewhere = _case(health, CaseStatus.DRAFT, plan_roles["dost"], title="Bản nháp của Sở Y tế")
    page = client_for(plan_roles["officer"]).get(f"/annual/{plan.pk}/tasks/new/").content.decode()
    assert others.title not in page and draft_elsewhere.title not in page


def test_the_service_refuses_another_units_initiative_and_an_unpublished_case_of_another_unit(
        make_plan, health, plan_roles):
    plan = make_plan(tasks=0)
    officer = plan_roles["officer"]
    with pytest.raises(InvalidInput) as refused:
        services.save_task(plan, officer, task_data(initiative=_initiative(health, officer)))
    assert refused.value.field == "initiative"
    with pytest.raises(InvalidInput) as refused:
        services.save_task(plan, officer, task_data(case=_case(health, CaseStatus.SUBMITTED, plan_roles["dost"])))
    assert refused.value.field == "case"
    assert not plan.tasks.exists()
