"""Where a person's identity was copied into other records (privacy.copies): erasing the account replaces
every copy and closes every consent, a corrected name reaches every copy, and the export holds them all,
with the rows reached through an expert profile and the audit rows others wrote about the account."""

import datetime
import io
import json
import zipfile

import pytest

from conftest import client_for, score_all
from sangtao.challenges.models import Challenge, Status
from sangtao.core.audit import broken_links, record
from sangtao.core.models import AuditEvent
from sangtao.privacy import services

pytestmark = pytest.mark.django_db

PHONE = "028 3829 0000"


@pytest.fixture
def copies(make_challenge, officer, health):
    """The officer named as a published challenge's contact, as an initiative's author and as an annual
    task's person in charge."""
    from sangtao.annual import services as annual
    from sangtao.annual.tests.conftest import task_data
    from sangtao.initiatives import services as initiatives
    from sangtao.initiatives.tests.conftest import initiative_data

    challenge = make_challenge(Status.PUBLISHED, contact_name=officer.full_name, contact_email=officer.email.upper(),
                               contact_phone=PHONE)
    initiative = initiatives.create_draft(officer, initiative_data(health, officer))
    plan = annual.create_plan(officer, health, 2026, "Kế hoạch ĐMST 2026")
    task = annual.save_task(plan, officer, task_data(person_in_charge=officer.full_name))
    return {"challenge": challenge, "author": initiative.authors.get(user=officer), "task": task}


def test_erasing_an_account_replaces_every_copy_of_the_persons_identity(copies, officer):
    from sangtao.annual.models import AnnualTask
    from sangtao.initiatives.models import Author

    name, email = officer.full_name, officer.email
    services.give_consent(officer, "survey_followup")
    services.erase_account(officer, actor=officer)
    public = client_for(None).get(f"/challenges/{copies['challenge'].pk}/").content.decode()
    assert name not in public and email not in public and PHONE not in public
    challenge = Challenge.objects.get(pk=copies["challenge"].pk)
    assert (challenge.contact_name, challenge.contact_email, challenge.contact_phone) == ("", "", "")
    author = Author.objects.get(pk=copies["author"].pk)
    assert author.name.startswith("xoa-") and (author.email, author.position, author.user) == ("", "", None)
    assert AnnualTask.objects.get(pk=copies["task"].pk).person_in_charge.startswith("xoa-")
    assert not services.has_consent(officer, "survey_followup")
    assert broken_links() == []
    changed = {(event.object_type, event.object_id) for event in AuditEvent.objects.filter(
        action="personal_data_copy_erased")}  # each record's trail says it changed, without the name
    assert changed == {("challenges.challenge", str(challenge.pk)), ("initiatives.author", str(author.pk)),
                       ("annual.annualtask", str(copies["task"].pk))}
    assert name not in json.dumps(list(AuditEvent.objects.filter(action="personal_data_copy_erased")
                                       .values_list("data", flat=True)), ensure_ascii=False)


def test_an_erased_respondents_follow_up_address_is_erased_with_the_account(survey, outsider):
    from sangtao.surveys.models import Response

    consent = services.give_consent(outsider, "survey_followup")
    response = Response.objects.create(survey=survey, unit=survey.units.first(), period=survey.periods.first(),
                                       follow_up_email="citizen@example.vn", follow_up_consent=consent)
    services.erase_account(outsider, actor=outsider)
    assert Response.objects.get(pk=response.pk).follow_up_email == ""


def test_an_erased_experts_ties_to_organisations_go_with_the_cv(selection):
    from sangtao.review.models import ExpertRelationship

    expert = selection["experts"][0]
    ExpertRelationship.objects.create(expert=expert, kind="employee", organisation_name="Công ty TNHH Riêng Tư",
                                      tax_code="0312345678", started_on=datetime.date(2020, 1, 1))
    services.erase_account(expert.user, actor=expert.user)
    assert not ExpertRelationship.objects.filter(expert=expert).exists()


def test_a_corrected_name_reaches_every_copy_of_it(copies, officer, dost):
    from sangtao.annual.models import AnnualTask
    from sangtao.initiatives.models import Author

    client_for(officer).post("/accounts/profile/", {"full_name": "Nguyễn Thị Hồng Nhung", "email": officer.email,
                                                    "language": "vi"})
    assert Challenge.objects.get(pk=copies["challenge"].pk).contact_name == "Nguyễn Thị Hồng Nhung"
    assert Author.objects.get(pk=copies["author"].pk).name == "Nguyễn Thị Hồng Nhung"
    assert AnnualTask.objects.get(pk=copies["task"].pk).person_in_charge == "Nguyễn Thị Hồng Nhung"
    # Corrected by DoST on the person's account page, it reaches them too.
    client_for(dost).post(f"/manage/users/{officer.pk}/", {"username": officer.username, "full_name": "Nguyễn Thị Nhung",
                                                            "email": officer.email, "language": "vi", "is_active": "on"})
    assert Author.objects.get(pk=copies["author"].pk).name == "Nguyễn Thị Nhung"


def test_the_export_holds_the_copies_and_the_rows_about_the_person_written_by_others(copies, officer):
    record(None, "login_failed", officer, email=officer.email)
    everything = json.loads(zipfile.ZipFile(io.BytesIO(services.export_contents(officer))).read("everything.json"))
    assert [row["id"] for row in everything["challenges.contact"]] == [copies["challenge"].pk]
    assert [row["id"] for row in everything["initiatives.authors"]] == [copies["author"].pk]
    assert [row["id"] for row in everything["annual.person_in_charge"]] == [copies["task"].pk]
    assert "login_failed" in {row["action"] for row in everything["core.auditevent.about"]}


def test_an_experts_export_holds_their_seats_assignments_and_every_score_they_gave(selection):
    council = selection["council"]
    first, second = selection["proposals"]
    score_all(council, {first.pk: {"1": 12, "2": 40, "3": 30}, second.pk: {"1": 8, "2": 30, "3": 20}})
    seat = council.members.filter(expert__assignments__isnull=False).select_related("expert__user").first()
    everything = json.loads(zipfile.ZipFile(io.BytesIO(services.export_contents(seat.expert.user)))
                            .read("everything.json"))
    assert [row["id"] for row in everything["review.council_seats"]] == [seat.pk]
    sheets = everything["review.scoresheets"]
    assert sheets and len(everything["review.assignments"]) == len(sheets)
    assert {row["scoresheet"] for row in everything["review.scores"]} == {row["id"] for row in sheets}
    assert everything["review.declarations"]


def test_a_restricted_persons_copies_are_kept_but_not_shown_to_others_nor_used_to_find_them(copies, officer, dost):
    from conftest import ApiClient, make_expert
    from sangtao.initiatives.models import Initiative

    Initiative.objects.filter(pk=copies["author"].initiative_id).update(status="recognised", publish=True,
                                                                          recognised_on=datetime.date(2026, 3, 1))
    expert = make_expert("cg.an", "TS. Lê An", profile="Phân luồng người bệnh")
    services.request_restriction(officer, "Tôi phản đối việc xử lý", actor=officer)
    services.request_restriction(expert.user, "Tôi phản đối việc xử lý", actor=expert.user)
    challenge = copies["challenge"]
    shown = [client_for(None).get(f"/challenges/{challenge.pk}/").content.decode(),
             json.dumps(ApiClient(None).get(f"/challenges/{challenge.pk}").json(), ensure_ascii=False),
             client_for(None).get("/initiatives/register/").content.decode(),
             client_for(None).get(f"/initiatives/register/{copies['author'].initiative_id}/").content.decode(),
             json.dumps(ApiClient(None).get("/public/initiatives").json(), ensure_ascii=False),
             b"".join(client_for(None).get("/open-data/initiatives.csv").streaming_content).decode()]
    for text in shown:
        assert officer.full_name not in text and officer.email not in text and PHONE not in text
    assert "tên được ẩn theo yêu cầu của tác giả" in shown[2] and "Trần Văn Bình" in shown[2]  # the others are shown
    assert Challenge.objects.get(pk=challenge.pk).contact_email == officer.email.upper()  # kept
    found = client_for(dost).get("/experts/", {"q": "phân luồng"}).content.decode()
    assert "TS. Lê An" not in found and "TS. Lê An" in client_for(dost).get("/experts/", {"q": "Lê An"}).content.decode()


def test_a_person_in_charge_named_like_another_member_of_the_unit_is_left_alone(copies, officer, health):
    from conftest import make_user
    from sangtao.annual.models import AnnualTask
    from sangtao.orgs.models import Role

    make_user("namesake", Role.OFFICER, health, full_name=officer.full_name)
    services.erase_account(officer, actor=officer)
    assert AnnualTask.objects.get(pk=copies["task"].pk).person_in_charge == officer.full_name  # may be theirs
