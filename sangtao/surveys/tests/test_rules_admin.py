"""The index rule and the project rules are data DoST edits in the admin; a new satisfied level
has the surveys under the rule recomputed in the background."""

import pytest

from conftest import client_for
from sangtao.core.errors import NotAllowed
from sangtao.core.models import AuditEvent, JobRun
from sangtao.core.tasks import TaskResultRow
from sangtao.core.workitems import work_for
from sangtao.projects.models import ProjectRules
from sangtao.surveys import services
from sangtao.surveys.ingest import Incoming, ingest, scale_items
from sangtao.surveys.models import Aggregate, IndexRule, Source

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(dost):
    dost.is_staff = dost.is_superuser = True
    dost.save()
    return client_for(dost)


def form(rule: IndexRule, **changes) -> dict:
    return {"name": rule.name, "satisfied_min": rule.satisfied_min, "min_n": rule.min_n,
            "is_default": "on" if rule.is_default else "", **changes}


def test_a_new_satisfied_level_recomputes_the_surveys_under_the_rule_as_a_job_its_editor_follows(
        survey, admin_client, process_tasks, dost):
    items = scale_items(survey.version_id)
    unit, period = survey.units.first(), survey.periods.first()
    ingest(survey, [Incoming(unit.pk, period.pk, {items[0].pk: value}) for value in (2, 3, 4, 5)], Source.IMPORT)
    assert Aggregate.objects.get(item=items[0].pk).satisfied == 2
    rule = survey.rule
    page = admin_client.post(f"/admin/surveys/indexrule/{rule.pk}/change/", form(rule, satisfied_min=3), follow=True)
    assert "chỉ số của 1 khảo sát đang được tính lại" in page.content.decode()
    assert Aggregate.objects.get(item=items[0].pk).satisfied == 2  # until the worker runs
    run = JobRun.objects.get()
    assert (run.state, run.total, run.created_by) == ("queued", 1, dost)
    process_tasks()
    assert Aggregate.objects.get(item=items[0].pk).satisfied == 3
    run.refresh_from_db()
    assert (run.state, run.done, run.total) == ("done", 1, 1)
    [item] = [i for i in work_for(dost) if i.kind.startswith("core.job")]
    assert item.kind == "core.job_done" and item.url == run.get_absolute_url() and rule.name in str(item.title)
    assert AuditEvent.objects.filter(action="surveys.index_rule_saved", object_id=str(rule.pk)).exists()


def test_a_new_minimum_n_needs_no_recompute(survey, admin_client):
    rule = survey.rule
    page = admin_client.post(f"/admin/surveys/indexrule/{rule.pk}/change/", form(rule, min_n=10), follow=True)
    assert "đang được tính lại" not in page.content.decode()
    assert IndexRule.objects.get(pk=rule.pk).min_n == 10
    assert not TaskResultRow.objects.filter(task_path=services.recompute_surveys.task_name).exists()
    assert not JobRun.objects.exists()


def test_a_rule_name_edited_in_the_admin_is_stored_in_nfc(survey, admin_client):
    rule = survey.rule
    admin_client.post(f"/admin/surveys/indexrule/{rule.pk}/change/", form(rule, name=" Chi\u0309 số mới "))
    assert IndexRule.objects.get(pk=rule.pk).name == "Chỉ số mới"


@pytest.mark.parametrize(("changes", "message"), [
    ({"satisfied_min": 6}, "Mức hài lòng phải từ 1 đến 5."),
    ({"satisfied_min": 0}, "Mức hài lòng phải từ 1 đến 5."),
    ({"min_n": 0}, "Ngưỡng ẩn chỉ số phải ít nhất là 1."),
])
def test_an_index_rule_out_of_range_is_refused(survey, admin_client, changes, message):
    rule = survey.rule
    page = admin_client.post(f"/admin/surveys/indexrule/{rule.pk}/change/", form(rule, **changes))
    assert page.status_code == 200 and message in page.content.decode()
    assert IndexRule.objects.get(pk=rule.pk).satisfied_min == 4


def test_only_dost_saves_an_index_rule(survey, officer):
    survey.rule.satisfied_min = 3
    with pytest.raises(NotAllowed):
        services.save_index_rule(officer, survey.rule, ["satisfied_min"])
    assert IndexRule.objects.get(pk=survey.rule.pk).satisfied_min == 4


@pytest.mark.parametrize(("changes", "message"), [
    ({"leader_after_days": 20}, "Sở KH&amp;CN được báo sau lãnh đạo đơn vị, không trước."),
    ({"quantity_share_numerator": 5}, "Tỷ lệ phải lớn hơn 0 và không quá 1."),
    ({"quantity_share_numerator": 0}, "Tỷ lệ phải lớn hơn 0 và không quá 1."),
])
def test_project_rules_are_edited_in_the_admin_and_checked(admin_client, changes, message):
    rules = ProjectRules.objects.get(is_default=True)
    fields = {"name": rules.name, "leader_after_days": 7, "dost_after_days": 14, "at_risk_within_days": 14,
              "quantity_share_numerator": 3, "quantity_share_denominator": 4, "is_default": "on"}
    refused = admin_client.post(f"/admin/projects/projectrules/{rules.pk}/change/", {**fields, **changes})
    assert refused.status_code == 200 and message in refused.content.decode()
    saved = admin_client.post(f"/admin/projects/projectrules/{rules.pk}/change/", {**fields, "dost_after_days": 21})
    assert saved.status_code == 302 and ProjectRules.objects.get(pk=rules.pk).dost_after_days == 21


def test_a_recompute_that_fails_is_a_failed_job_on_its_editors_home(survey, dost, process_tasks, monkeypatch):
    def broken(survey):
        raise OSError("the database went away")

    monkeypatch.setattr(services, "recompute", broken)
    survey.rule.satisfied_min = 3
    assert services.save_index_rule(dost, survey.rule, ["satisfied_min"]) == 1
    process_tasks()
    run = JobRun.objects.get()
    assert run.state == "failed" and "the database went away" in run.message
    [item] = [i for i in work_for(dost) if i.kind.startswith("core.job")]
    assert item.kind == "core.job_failed" and item.url == run.get_absolute_url()
