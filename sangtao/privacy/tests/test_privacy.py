"""Personal-data rights (issue 11, point 4): consent records, notices from data, the export job,
deletion with pseudonyms where the record must stay, the read log, and the retention purge."""

import datetime
import io
import json
import zipfile

import pytest
from django.test import Client
from django.utils import timezone

from conftest import PASSWORD, client_for, open_period_today
from sangtao.accounts.models import User
from sangtao.core.audit import broken_links, record
from sangtao.core.models import AuditEvent
from sangtao.privacy import services
from sangtao.privacy.jobs import purge_expired_personal_data
from sangtao.privacy.models import Consent, DataExport, ExportStatus, PersonalDataRead, Purpose, ReadKind


@pytest.mark.django_db
def test_the_notice_of_every_purpose_is_shown_from_data_in_both_languages():
    page = Client().get("/privacy/").content.decode()
    assert "Liên hệ lại sau khảo sát" in page and "91/2025/QH15" in page
    english = Client().get("/en/privacy/").content.decode()
    assert "Follow-up contact after a survey" in english and "Publishing your name with an answer" in english
    # Each purpose has its own page too, from the same rows, linked from the page of all of them.
    assert 'href="/privacy/notices/survey_followup/"' in page
    one = Client().get("/privacy/notices/survey_followup/").content.decode()
    assert "<h1>Liên hệ lại sau khảo sát</h1>" in one and "Công bố tên kèm câu trả lời" not in one
    one = Client().get("/en/privacy/notices/survey_followup/").content.decode()
    assert "<h1>Follow-up contact after a survey</h1>" in one and "Publishing your name with an answer" not in one
    assert Client().get("/privacy/notices/khong-co/").status_code == 404


@pytest.mark.django_db
def test_consent_is_a_record_with_the_notice_version_and_can_be_withdrawn(outsider):
    client = client_for(outsider)
    assert not services.has_consent(outsider, "survey_followup")  # silence is not consent
    client.post("/privacy/mine/consent/survey_followup/", {"give": "1"})
    assert services.has_consent(outsider, "survey_followup")
    purpose = Purpose.objects.get(key="survey_followup")
    purpose.notice_vi += " Có thêm một câu."
    purpose.save()
    assert purpose.version == 2
    client.post("/privacy/mine/consent/survey_followup/", {"give": "0"})
    assert not services.has_consent(outsider, "survey_followup")
    rows = list(Consent.objects.filter(user=outsider).order_by("at", "pk").values_list("given", "version"))
    assert rows == [(True, 1), (False, 2)]
    assert list(AuditEvent.objects.filter(actor=outsider, action__startswith="consent").values_list("action", flat=True).order_by("pk")) == [
        "consent_given", "consent_withdrawn"]
    page = client.get("/privacy/mine/").content.decode()
    assert "Đã rút lại" in page


@pytest.mark.django_db
def test_the_accounts_own_consent_cannot_be_withdrawn_alone(outsider):
    services.give_consent(outsider, "account")
    client_for(outsider).post("/privacy/mine/consent/account/", {"give": "0"})
    assert services.has_consent(outsider, "account")


@pytest.mark.django_db
def test_a_person_exports_everything_held_about_them_through_a_background_job(outsider, officer, process_tasks):
    services.give_consent(outsider, "account")
    record(outsider, "profile_updated", outsider, changed={"full_name": ["", "An"]})
    client = client_for(outsider)
    client.post("/privacy/mine/export/")
    export = DataExport.objects.get(user=outsider)
    assert export.status == ExportStatus.QUEUED
    process_tasks()
    export.refresh_from_db()
    assert export.status == ExportStatus.READY and (export.job.state, export.job.done) == ("done", 100)
    english = client.get(f"/en/jobs/{export.job.pk}/").content.decode()  # started on the Vietnamese site
    assert "<h1>Export of my personal data</h1>" in english and "The data export is ready to download." in english
    assert client_for(officer).get(f"/privacy/mine/export/{export.pk}/").status_code == 404
    response = client.get(f"/privacy/mine/export/{export.pk}/")
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    everything = json.loads(archive.read("everything.json"))
    assert everything["accounts.user"][0]["email"] == "citizen@example.vn"
    assert "password" not in everything["accounts.user"][0]
    assert everything["privacy.consent.user"][0]["given"] is True
    assert any(row["action"] == "profile_updated" for row in everything["core.auditevent.actor"])
    assert "accounts.user.csv" in archive.namelist() and "privacy.consent.user.csv" in archive.namelist()
    read = PersonalDataRead.objects.get(subject=outsider)
    assert (read.reader, read.kind) == (outsider, ReadKind.EXPORT)
    assert AuditEvent.objects.filter(action="data_export.finish", object_id=str(export.pk)).exists()


@pytest.mark.django_db
def test_deletion_replaces_identifying_fields_with_a_pseudonym_and_keeps_the_audit_chain_valid(outsider):
    services.give_consent(outsider, "account")
    record(outsider, "profile_updated", outsider, changed={"full_name": ["", "An"]})
    client = client_for(outsider)
    page = client.get("/privacy/mine/delete/").content.decode()
    assert "10 năm" in page and "bí danh" in page  # what is kept, why and for how long
    client.post("/privacy/mine/delete/", {"password": "sai"})
    assert User.objects.get(pk=outsider.pk).is_active
    response = client.post("/privacy/mine/delete/", {"password": PASSWORD})
    assert response.status_code == 302
    erased = User.objects.get(pk=outsider.pk)
    assert erased.username.startswith("xoa-") and "citizen" not in erased.email and not erased.is_active
    assert erased.full_name == "" and not erased.has_usable_password()
    from sangtao.core.text import sort_key

    assert erased.sort_name == sort_key(erased.username)  # the name's sort key would spell the name out
    assert AuditEvent.objects.filter(actor=erased).count() >= 2 and Consent.objects.filter(user=erased).exists()
    assert broken_links() == []
    assert AuditEvent.objects.filter(action="account_erased", object_id=str(erased.pk)).exists()
    assert not Client().login(username="citizen", password=PASSWORD)


@pytest.mark.django_db
def test_deletion_deletes_the_persons_exports_and_job_results_keeps_shared_runs_emptied_and_says_so(outsider):
    from pathlib import Path

    from django.core.files.base import ContentFile

    from sangtao.annual.models import CityReport
    from sangtao.core.models import JobRun

    def run(title, **fields):
        return JobRun.objects.create(kind="sangtao.x", title=title, created_by=outsider, state="done", **fields)

    export = DataExport.objects.create(user=outsider, status=ExportStatus.READY, job=run("Xuất dữ liệu cá nhân"))
    export.file.save("export.zip", ContentFile(b"zip"))
    own = run("Xuất phiếu khảo sát")
    own.result.save("phieu.csv", ContentFile(b"Nguyen Van A,an@example.vn"))
    shared = run("Báo cáo tổng hợp", errors=[{"row": 2, "message": "an@example.vn"}], error_count=1, message="!",
                 message_args={"who": "an@example.vn"})
    shared.result.save("bao-cao.pdf", ContentFile(b"pdf"))
    report = CityReport.objects.create(year=2026, number="01/BC-SKHCN", requested_by=outsider, job=shared)
    files = [Path(export.file.path), Path(own.result.path), Path(shared.result.path)]
    assert all(path.exists() for path in files)

    page = client_for(outsider).post("/privacy/mine/delete/", {"password": PASSWORD}, follow=True).content.decode()
    assert "Cũng đã xoá 1 bản xuất dữ liệu cá nhân và 2 tệp kết quả của các công việc chạy nền" in page
    assert not any(path.exists() for path in files)
    assert not DataExport.objects.exists()
    assert set(JobRun.objects.values_list("pk", flat=True)) == {shared.pk}  # the city report's run stays
    shared.refresh_from_db()
    assert (shared.result.name, shared.errors, shared.error_count, shared.message, shared.message_args) == (
        "", [], 0, "", {})
    assert shared.created_by.username.startswith("xoa-") and CityReport.objects.get(pk=report.pk).job == shared
    assert AuditEvent.objects.get(action="account_erased").data | {"pseudonym": ""} == {
        "pseudonym": "", "exports": 1, "job_files": 2, "copies": 0}


@pytest.mark.django_db
def test_reads_of_personal_data_are_logged_and_shown_to_the_person(outsider, dost):
    services.log_read(dost, ReadKind.CONTACT, subject=outsider, obj=outsider, reason="Liên hệ về hồ sơ")
    page = client_for(outsider).get("/privacy/mine/").content.decode()
    assert "Liên hệ về hồ sơ" in page and dost.display_name in page


@pytest.mark.django_db
def test_the_periodic_purge_applies_the_retention_periods(outsider):
    from allauth.account.models import EmailAddress

    old = DataExport.objects.create(user=outsider, created_at=timezone.now() - datetime.timedelta(days=8))
    DataExport.objects.create(user=outsider)
    stale = User.objects.create_user("cu", "cu@example.vn", PASSWORD)
    User.objects.filter(pk=stale.pk).update(date_joined=timezone.now() - datetime.timedelta(days=31))
    EmailAddress.objects.create(user=stale, email="cu@example.vn", verified=False, primary=True)
    fresh = User.objects.create_user("moi", "moi@example.vn", PASSWORD)
    EmailAddress.objects.create(user=fresh, email="moi@example.vn", verified=False, primary=True)
    assert purge_expired_personal_data() == {"data_exports": 1, "unconfirmed_accounts": 1, "survey_followup_emails": 0}
    assert not DataExport.objects.filter(pk=old.pk).exists() and DataExport.objects.count() == 1
    assert User.objects.get(pk=stale.pk).username.startswith("xoa-") and User.objects.get(pk=fresh.pk).is_active


@pytest.mark.django_db
def test_an_officials_view_of_contact_details_or_team_members_is_logged_and_dost_sees_the_log(dost, outsider, officer):
    client_for(dost).get(f"/manage/users/{outsider.pk}/")
    read = PersonalDataRead.objects.get(subject=outsider)
    assert (read.reader, read.kind) == (dost, ReadKind.CONTACT)
    page = client_for(dost).get("/privacy/reads/", {"user": outsider.pk}).content.decode()
    assert "Quản lý người dùng" in page and outsider.display_name in page
    assert f'<input type="hidden" name="user" value="{outsider.pk}"' in page
    assert 'for="id_user"' not in page  # the filter's hidden field has no label to show
    for user in (officer, outsider, None):
        response = client_for(user).get("/privacy/reads/")
        assert response.status_code == (302 if user is None else 404)


@pytest.mark.django_db
def test_the_read_log_pages_through_every_read_and_finds_a_person_by_name(dost, outsider, officer, settings):
    settings.PAGE_SIZE = 5
    for _ in range(7):
        client_for(dost).get(f"/manage/users/{outsider.pk}/")
    client_for(dost).get(f"/manage/users/{officer.pk}/")
    client = client_for(dost)
    first = client.get("/privacy/reads/").content.decode()
    assert "8 lượt xem" in first and "Trang 1 / 2" in first and 'href="?page=2"' in first
    assert first.count("<tr>") == 1 + 5  # the heading row, then a page of reads
    assert client.get("/privacy/reads/", {"page": 2}).content.decode().count("<tr>") == 1 + 3
    found = client.get("/privacy/reads/", {"person": outsider.display_name[:4]}).content.decode()
    assert "7 lượt xem" in found and 'href="?person=' in found  # its pages keep the filter
    assert officer.display_name not in found.split("<tbody>", 1)[1]


@pytest.mark.django_db
def test_a_failed_export_is_on_the_persons_home_with_the_reason_and_runs_again(outsider, process_tasks, monkeypatch):
    from sangtao.core.tasks import TaskResultRow
    from sangtao.core.workitems import work_for

    def broken(user, progress):
        progress(40)
        raise OSError("the disk is full")

    monkeypatch.setattr(services, "export_contents", broken)
    client = client_for(outsider)
    client.post("/privacy/mine/export/")
    export = DataExport.objects.get(user=outsider)
    for _try in range(3):  # the job is tried three times (retries=2); the retries are made due at once
        process_tasks()
        TaskResultRow.objects.update(run_after=timezone.now() - datetime.timedelta(seconds=1))
    export.refresh_from_db()
    assert export.status == ExportStatus.FAILED and export.job.state == "failed"
    assert "the disk is full" in export.job.message
    [item] = [i for i in work_for(outsider) if i.kind.startswith("core.job")]
    assert item.kind == "core.job_failed" and item.url == export.job.get_absolute_url()
    assert export.job.get_absolute_url() in client.get("/privacy/mine/").content.decode()
    page = client.get(export.job.get_absolute_url()).content.decode()
    assert "the disk is full" in page and f"/jobs/{export.job.pk}/retry/" in page
    monkeypatch.undo()
    client.post(f"/jobs/{export.job.pk}/retry/")
    process_tasks()
    export.refresh_from_db()
    assert export.status == ExportStatus.READY and export.job.state == "done" and export.file


def test_the_purge_removes_survey_follow_up_emails_older_than_their_period_and_keeps_the_answers(survey):
    from sangtao.surveys import services as survey_services
    from sangtao.surveys.models import Measure, Response

    open_period_today(survey)
    values = {item.pk: 5 for item in survey.version.items.filter(measure=Measure.SATISFACTION)}
    for address in ("cu@example.vn", "moi@example.vn"):
        survey_services.respond(survey, unit_id=survey.units.first().pk, values=values, consent=True,
                                follow_up_email=address)
    Response.objects.filter(follow_up_email="cu@example.vn").update(
        submitted_at=timezone.now() - datetime.timedelta(days=366))
    assert purge_expired_personal_data()["survey_followup_emails"] == 1
    assert sorted(Response.objects.values_list("follow_up_email", flat=True)) == ["", "moi@example.vn"]


@pytest.mark.django_db
def test_an_experts_deletion_erases_the_cv_and_keeps_the_council_seat_under_the_pseudonym(selection):
    from sangtao.review.models import Expert

    expert = selection["experts"][0]
    services.erase_account(expert.user, actor=expert.user)
    erased = Expert.objects.select_related("user").get(pk=expert.pk)
    assert (erased.profile, erased.title, erased.organisation_name, erased.active) == ("", "", "", False)
    assert not erased.fields.exists() and erased.user.username.startswith("xoa-")
    assert selection["council"].members.filter(expert=erased).exists()
    assert broken_links() == []


PERSONAL_PAGES = ["/privacy/mine/", "/privacy/mine/delete/", "/accounts/profile/", "/accounts/2fa/"]
DOST_PAGES = ["/privacy/reads/", "/privacy/restrictions/"]


@pytest.mark.django_db
def test_every_role_opens_exactly_the_privacy_and_account_pages_it_may(roles):
    """Notices and the welcome page are for everyone; one's own data and account for anyone signed in;
    the read log and the restrictions for DoST alone (404 to others); a visitor is sent to sign in.
    Every standard role in one test: one world, not one per role."""
    for role, user in roles.items():
        client = client_for(user)
        signed_in = 302 if role == "anonymous" else 200
        expected = {"/privacy/": 200, "/accounts/welcome/": 200, **dict.fromkeys(PERSONAL_PAGES, signed_in),
                    **dict.fromkeys(DOST_PAGES, 200 if role == "dost" else 302 if role == "anonymous" else 404),
                    "/accounts/sso/link/": 302}  # nothing to link: back to the profile (or to sign in)
        answers = {page: client.get(page) for page in expected}
        assert {page: answer.status_code for page, answer in answers.items()} == expected, role
        if role == "anonymous":  # sent to sign in, and back here afterwards
            assert all(answer["Location"].startswith(f"/accounts/login/?next={page}") for page, answer in answers.items()
                       if answer.status_code == 302)


@pytest.mark.django_db
def test_an_erasure_confirmed_with_a_wrong_or_over_long_password_is_refused_with_a_message_and_the_account_stays(
        outsider):
    client = client_for(outsider)
    for password, message in (("sai", "Mật khẩu không đúng."), ("", "Mật khẩu không đúng."),
                              ("x" * 4097, "4097")):  # Django's own: at most 4096 characters (it has 4097)
        response = client.post("/privacy/mine/delete/", {"password": password}, follow=True)
        shown = [str(m) for m in response.context["messages"]]
        assert response.redirect_chain[-1][0] == "/privacy/mine/delete/"
        assert len(shown) == 1 and message in shown[0], password[:10]
        assert User.objects.get(pk=outsider.pk).is_active
        assert not AuditEvent.objects.filter(action="account_erased").exists()


@pytest.mark.django_db
def test_a_person_who_signs_in_only_by_single_sign_on_confirms_the_erasure_without_a_password(outsider):
    outsider.set_unusable_password()
    outsider.save()
    response = client_for(outsider).post("/privacy/mine/delete/", {})
    assert response.status_code == 302 and not User.objects.get(pk=outsider.pk).is_active


def test_the_consents_stack_one_block_each_on_a_phone_with_each_value_named(outsider):
    page = client_for(outsider).get("/privacy/mine/").content.decode()
    table = page.split("</h2>", 1)[1].split("</table>")[0]
    assert '<table class="stacked">' in table  # site.css: one block per row under 40rem ("Đồng ý" was split)
    assert 'data-label="Mục đích"' in table and 'data-label="Hiện tại"' in table
