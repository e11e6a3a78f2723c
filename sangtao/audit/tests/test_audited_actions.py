"""Changes that wrote no audit row before now write one: logins, failed logins, password resets,
profile and e-mail changes, API tokens, survey imports and edits of rule tables in the admin."""

import re

import pytest
from django.core import mail
from django.test import Client

from conftest import PASSWORD, client_for
from sangtao.core.models import AuditEvent
from sangtao.proposals.models import EligibilityCriterion
from sangtao.review.models import CouncilRules, Rubric
from sangtao.surveys.tests.test_imports import csv_file, good_rows, run

pytestmark = pytest.mark.django_db


def rows(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("pk"))


def test_a_login_is_recorded_with_the_address(officer):
    assert Client(REMOTE_ADDR="203.0.113.7").post(
        "/accounts/login/", {"username": "officer@example.vn", "password": PASSWORD}).status_code == 302
    [login] = rows("login")
    assert (login.actor, login.object_id, login.data) == (officer, str(officer.pk), {"ip": "203.0.113.7"})


def test_failed_logins_are_recorded_with_the_name_tried_never_the_password(officer):
    Client().post("/accounts/login/", {"username": "officer", "password": "sai-mat-khau"})
    Client().post("/accounts/login/", {"username": "ai.do@example.vn", "password": "sai-mat-khau"})
    known, unknown = rows("login_failed")
    assert (known.actor, known.object_id, known.data["login"]) == (None, str(officer.pk), "officer")
    assert (unknown.object_id, unknown.data["login"]) == ("", "ai.do@example.vn")
    assert "sai-mat-khau" not in str(known.data) + str(unknown.data)


def test_a_completed_password_reset_is_recorded(officer):
    Client().post("/accounts/password-reset/", {"email": "officer@example.vn"})
    link = re.search(r"http://testserver(/\S+)", mail.outbox[0].body).group(1)
    client = Client()
    form_page = client.get(link, follow=True)
    assert not rows("password_reset")
    client.post(form_page.redirect_chain[-1][0], {"new_password1": "Mật-khẩu-mới-2026",
                                                  "new_password2": "Mật-khẩu-mới-2026"})
    [reset] = rows("password_reset")
    assert (reset.actor, reset.object_id) == (officer, str(officer.pk))


def test_profile_and_email_changes_are_recorded_apart_and_a_new_address_counts_once_its_link_is_opened(officer):
    client = client_for(officer)
    client.post("/accounts/profile/", {"full_name": "Nguyễn Thị Hồng Nhung", "email": "Hong.Moi@Example.vn",
                                       "language": "en"})
    [profile] = rows("profile_updated")
    assert profile.data == {"changed": {"full_name": ["Nguyễn Thị Hồng", "Nguyễn Thị Hồng Nhung"],
                                        "language": ["vi", "en"]}}
    [asked] = rows("email_change_requested")
    assert (asked.actor, asked.data) == (officer, {"old": "officer@example.vn", "new": "hong.moi@example.vn"})
    officer.refresh_from_db()
    assert officer.email == "officer@example.vn" and not rows("email_changed")  # not yet: unconfirmed
    [sent] = mail.outbox
    assert sent.to == ["hong.moi@example.vn"]
    client.post(re.search(r"https?://[^/\s]+(/\S*confirm-email/\S+)", sent.body).group(1))
    officer.refresh_from_db()
    assert officer.email == "hong.moi@example.vn"
    [email] = rows("email_changed")
    assert (email.actor, email.data) == (officer, {"old": "", "new": "hong.moi@example.vn"})  # made by DoST: no row
    client.post("/accounts/profile/", {"full_name": "Nguyễn Thị Hồng Nhung", "email": "hong.moi@example.vn",
                                       "language": "en"})
    assert len(rows("email_change_requested")) == len(rows("profile_updated")) == 1, "saving unchanged writes nothing"


def test_the_profile_never_says_that_an_address_is_another_accounts_nor_takes_it(officer, outsider):
    client = client_for(officer)
    page = client.post("/accounts/profile/", {"full_name": "", "email": "citizen@example.vn", "language": "vi"},
                       follow=True).content.decode()
    assert "Đã gửi đường dẫn xác nhận tới citizen@example.vn" in page  # as for any address
    assert mail.outbox == [] and not officer.emailaddress_set.exists()
    officer.refresh_from_db()
    assert officer.email == "officer@example.vn"


def test_api_token_creation_and_revocation_are_recorded(outsider):
    client = client_for(outsider)
    client.post("/accounts/profile/tokens/", {"name": "script"})
    token = outsider.api_tokens.get()
    client.post(f"/accounts/profile/tokens/{token.pk}/revoke/", {"confirmed": "1"})
    assert [(e.action, e.actor, e.object_id) for e in rows("api_token_created") + rows("api_token_revoked")] == [
        ("api_token_created", outsider, str(token.pk)), ("api_token_revoked", outsider, str(token.pk))]


def test_a_survey_import_is_recorded_when_started_and_when_done(survey, dost, process_tasks):
    job = run(survey, dost, csv_file(survey, good_rows(survey, 3)), process_tasks)
    [started] = rows("survey_import_started")
    assert (started.actor, started.object_id, started.data["job"], started.data["file"]) == (
        dost, str(survey.pk), job.pk, "phieu.csv")
    [done] = rows("survey_import_done")
    assert (done.actor, done.data) == (dost, {"job": job.pk, "added": 3, "duplicates": 0})


@pytest.fixture
def admin_client(dost):
    dost.is_staff = dost.is_superuser = True
    dost.save()
    return client_for(dost)


def resubmitted(page, **changes) -> dict:
    """The admin change form's data as the browser would post it back, with some fields changed."""
    formsets = [inline.formset for inline in page.context["inline_admin_formsets"]]
    forms = [page.context["adminform"].form] + [form for fs in formsets for form in [fs.management_form, *fs.forms]]
    data = {}
    for bound in (bound for form in forms for bound in form):
        value = bound.value()
        if value is not False:
            data[bound.html_name] = "on" if value is True else "" if value is None else value
    return {**data, **changes}


def test_council_rules_edited_in_the_admin_are_recorded_with_old_and_new_values(admin_client, dost):
    rules = CouncilRules.objects.get(is_default=True)
    url = f"/admin/review/councilrules/{rules.pk}/change/"
    assert admin_client.post(url, resubmitted(admin_client.get(url), complaint_window_days=15)).status_code == 302
    [changed] = rows("rule_changed")
    assert (changed.actor, changed.object_type, changed.object_id) == (dost, "review.councilrules", str(rules.pk))
    assert changed.data["changes"] == {"complaint_window_days": [rules.complaint_window_days, 15]}


# Every table of ours the admin edits is a rule or reference table DoST keeps: each with one edit made
# through its change form (field, new value). A model newly registered in the admin must be added here.
RULE_TABLE_EDITS = {
    "proposals.eligibilitycriterion": ("position", 77), "review.rubric": ("name", "Bộ tiêu chí (sửa)"),
    "review.councilrules": ("complaint_window_days", 15), "projects.projectrules": ("leader_after_days", 4),
    "surveys.indexrule": ("min_n", 7), "capacity.capacityrule": ("min_n", 9),
    "capacity.stratumpopulation": ("population", 41), "capacity.unitprofile": ("staff", 52),
    "initiatives.initiativerules": ("due_soon_days", 11), "initiatives.emulationtitle": ("position", 33),
    "annual.reportperiod": ("remind_days_before", 6), "annual.externalindicator": ("name", "Chỉ số (sửa)"),
    "knowledge.sectionrule": ("word_limit", 280), "knowledge.problemkind": ("position", 44),
    "challenges.challengerules": ("review_working_days", 8), "core.holiday": ("name", "Tết Dương lịch (sửa)"),
}


def test_every_rule_table_in_the_admin_is_audited_and_an_edit_of_each_writes_its_audit_row(admin_client, dost,
                                                                                            health):
    from django.contrib import admin

    from sangtao.capacity.models import StratumPopulation, UnitProfile
    from sangtao.core.admin import AuditedAdmin

    ours = {model._meta.label_lower: model_admin for model, model_admin in admin.site._registry.items()
            if model.__module__.startswith("sangtao.")}
    assert sorted(ours) == sorted(RULE_TABLE_EDITS)
    assert [label for label, model_admin in ours.items() if not isinstance(model_admin, AuditedAdmin)] == []
    StratumPopulation.objects.create(year=2026, kind="ward", size_band="small", population=40)
    UnitProfile.objects.create(unit=health, staff=50)
    for label, (name, value) in RULE_TABLE_EDITS.items():
        model = ours[label].model
        row = model.objects.order_by("pk").first()
        old = getattr(row, name)
        url = f"/admin/{label.replace('.', '/')}/{row.pk}/change/"
        response = admin_client.post(url, resubmitted(admin_client.get(url), **{name: value}))
        assert response.status_code == 302, label
        [audit] = AuditEvent.objects.filter(object_type=label, object_id=str(row.pk)).exclude(action="login")
        assert audit.actor == dost, label
        if audit.action == "rule_changed":
            assert audit.data["changes"] == {name: [old, value]}, label
        else:  # the index rule is saved by its service (it recomputes the indices), which names what changed
            assert (audit.action, audit.data["changed"]) == ("surveys.index_rule_saved", [name])


def test_rubric_criteria_edited_inline_are_recorded(admin_client):
    rubric = Rubric.objects.get(is_default=True)
    url = f"/admin/review/rubric/{rubric.pk}/change/"
    page = admin_client.get(url)
    first = page.context["inline_admin_formsets"][0].formset.forms[0]
    response = admin_client.post(url, resubmitted(page, **{first.add_prefix("name"): "Mức độ cấp thiết (sửa)"}))
    assert response.status_code == 302
    [criterion_row] = rows("rule_changed")
    assert (criterion_row.object_type, criterion_row.object_id) == ("review.criterion", str(first.instance.pk))
    assert criterion_row.data == {"changes": {"name": [first.instance.name, "Mức độ cấp thiết (sửa)"]},
                                  "parent": rubric.pk}


def test_eligibility_criteria_deleted_in_the_admin_are_recorded(admin_client, dost):
    criterion = EligibilityCriterion.objects.create(text="Có giấy phép", position=9)
    page = admin_client.post(f"/admin/proposals/eligibilitycriterion/{criterion.pk}/delete/", {"post": "yes"})
    assert page.status_code == 302
    [deleted] = rows("rule_deleted")
    assert (deleted.actor, deleted.object_id, deleted.data["name"]) == (dost, str(criterion.pk), "Có giấy phép")
