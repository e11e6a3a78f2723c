"""What cannot be undone is asked again first (core.confirm): deleting a task from a plan, and a second
city report for a year, which takes the next official number."""

import pytest

from conftest import client_for
from sangtao.annual.models import AnnualTask, CityReport

pytestmark = pytest.mark.django_db


def test_deleting_a_task_asks_first_and_deletes_only_once_confirmed(make_plan, plan_roles):
    plan = make_plan(tasks=2)
    task = plan.tasks.first()
    client = client_for(plan_roles["officer"])
    asked = client.post(f"/annual/{plan.pk}/tasks/{task.pk}/delete/")
    page = asked.content.decode()
    assert asked.status_code == 200 and AnnualTask.objects.filter(pk=task.pk).exists()
    assert f"Xóa nhiệm vụ «{task.title}»?" in page and "không hoàn tác được" in page
    assert f'href="/annual/{plan.pk}/#tasks"' in page  # the way back, doing nothing

    done = client.post(f"/annual/{plan.pk}/tasks/{task.pk}/delete/", {"confirmed": "1"})
    assert done.status_code == 302 and not AnnualTask.objects.filter(pk=task.pk).exists()
    assert plan.tasks.count() == 1


def test_a_second_city_report_for_a_year_says_the_first_ones_number_and_waits_for_a_confirmation(dost):
    client = client_for(dost)
    first = client.post("/annual/city-reports/new/", {"year": 2026})
    assert first.status_code == 302 and CityReport.objects.count() == 1  # the first is not asked
    number = CityReport.objects.get().number
    assert number == "01/BC-SKHCN"  # the default numbering writes a number below 10 as Decree 30 does

    asked = client.post("/annual/city-reports/new/", {"year": 2026}).content.decode()
    assert CityReport.objects.count() == 1
    assert number in asked and "số văn bản mới" in asked and 'name="year" value="2026"' in asked
    client.post("/annual/city-reports/new/", {"year": 2026, "confirmed": "1"})
    assert CityReport.objects.count() == 2 and CityReport.objects.exclude(number=number).count() == 1
