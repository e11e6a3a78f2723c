"""Issue 11, personal-data rights still missing: a notice to the team members a solver names in a
proposal, reads of CVs in the read log, and restriction of processing (asked by the person, kept
but not shown or used, lifted by DoST), each through the privacy app's services with audit."""

import pytest
from django.core import mail

from conftest import ApiClient, client_for, close_call, make_expert, proposal_data
from sangtao.challenges.models import Status
from sangtao.core.errors import InvalidInput, StaleState
from sangtao.core.models import AuditEvent
from sangtao.notifications.models import Notification
from sangtao.privacy import services
from sangtao.privacy.models import (
    PersonalDataRead,
    ProcessingRestriction,
    ReadKind,
    RestrictionStatus,
    ThirdPartyNotice,
)
from sangtao.proposals import services as proposal_services

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(make_challenge, solver, solver_org):
    challenge = make_challenge(Status.PUBLISHED)
    team = [{"name": "Phạm Văn An", "role": "Chủ nhiệm", "email": "An@GiaiPhapXanh.vn", "experience": "10 năm y tế số"},
            {"name": "Lê Thị Bình", "role": "Kỹ sư", "email": "", "experience": ""}]
    proposal = proposal_services.start_proposal(challenge, solver, solver_org, proposal_data(challenge, team=team))
    proposal_services.submit(proposal, solver)
    return proposal


def test_each_team_member_with_an_email_gets_one_notice_of_the_processing_when_the_proposal_is_submitted(
        submitted, solver, process_tasks):
    notice = ThirdPartyNotice.objects.get()
    assert (notice.email, notice.name, notice.entered_by, notice.purpose.key) == (
        "an@giaiphapxanh.vn", "Phạm Văn An", solver, "proposal_team")
    process_tasks()
    sent = [message for message in mail.outbox if message.to == ["an@giaiphapxanh.vn"]]
    assert len(sent) == 1
    assert "Kính gửi Phạm Văn An" in sent[0].body and "Dear Phạm Văn An" in sent[0].body
    assert submitted.title in sent[0].body and "91/2025/QH15" in sent[0].body
    assert "/privacy/#proposal_team" in sent[0].body
    assert AuditEvent.objects.filter(action="third_party_notices_sent", object_id=str(submitted.pk)).exists()
    proposal_services.submit(submitted, solver)  # a new version: the member was told already
    assert ThirdPartyNotice.objects.count() == 1
    page = client_for(solver).get(f"/proposals/{submitted.pk}/").content.decode()
    assert "Thông báo cho thành viên nhóm" in page and "Phạm Văn An" in page
    # The notice is public, in both languages; it is not a consent a person could give or withdraw.
    assert "Thành viên nhóm thực hiện trong hồ sơ đề xuất" in client_for(None).get("/privacy/").content.decode()
    assert "Team members named in a proposal" in client_for(None).get("/en/privacy/").content.decode()
    assert "proposal_team" not in client_for(solver).get("/privacy/mine/").content.decode()


def test_an_officials_read_of_a_proposals_team_logs_each_members_cv_on_the_page_and_through_the_api(
        submitted, dost, solver):
    client_for(solver).get(f"/proposals/{submitted.pk}/")  # the applicant's own reads are not logged
    assert not PersonalDataRead.objects.exists()
    close_call(submitted.challenge, dost)  # officials read proposals once the call has closed
    assert client_for(dost).get(f"/proposals/{submitted.pk}/").status_code == 200
    reads = {(read.subject_label, read.kind) for read in PersonalDataRead.objects.filter(reader=dost)}
    assert reads == {("Phạm Văn An", ReadKind.CV), ("Lê Thị Bình", ReadKind.TEAM)}
    ApiClient(dost).get(f"/proposals/{submitted.pk}")
    assert PersonalDataRead.objects.filter(reader=dost, kind=ReadKind.CV).count() == 2
    page = client_for(dost).get("/privacy/reads/").content.decode()
    assert "Lý lịch (CV)" in page and "Phạm Văn An" in page


def test_someone_elses_read_of_an_experts_cv_is_logged_for_the_expert_to_see(dost):
    expert = make_expert("cg.an", "TS. Nguyễn An", profile="Hai mươi năm quản lý bệnh viện")
    client_for(expert.user).get(f"/experts/{expert.pk}/")  # their own
    assert not PersonalDataRead.objects.exists()
    assert "Hai mươi năm quản lý bệnh viện" in client_for(dost).get(f"/experts/{expert.pk}/").content.decode()
    read = PersonalDataRead.objects.get()
    assert (read.reader, read.subject, read.kind) == (dost, expert.user, ReadKind.CV)
    assert "Xem lý lịch khoa học chuyên gia" in client_for(expert.user).get("/privacy/mine/").content.decode()
    # The reason is stored as its source text and shown in the reader's language.
    assert "Reading an expert&#x27;s CV" in client_for(expert.user).get("/en/privacy/mine/").content.decode()


def test_a_restriction_keeps_the_data_unshown_and_unused_until_dost_lifts_it(dost, officer, make_challenge):
    from sangtao.review import services as review_services
    from sangtao.review.models import Council, CouncilRules, Rubric

    expert = make_expert("cg.binh", "TS. Trần Bình", profile="Dịch tễ học và dữ liệu y tế")
    person = client_for(expert.user)
    person.post("/privacy/mine/restrict/", {"reason": ""})  # a reason is needed
    assert not ProcessingRestriction.objects.exists()
    person.post("/privacy/mine/restrict/", {"reason": "Lý lịch của tôi chưa chính xác, đang cập nhật."})
    restriction = ProcessingRestriction.objects.get(user=expert.user)
    assert restriction.status == RestrictionStatus.ACTIVE and services.is_restricted(expert.user)
    assert AuditEvent.objects.filter(action="processing_restricted", object_id=str(expert.user.pk)).exists()
    assert Notification.objects.filter(recipient=dost, action_needed=True, read_at__isnull=True,
                                       url="/privacy/restrictions/").exists()
    assert "đang được hạn chế" in person.get("/privacy/mine/").content.decode()
    with pytest.raises(StaleState):
        services.request_restriction(expert.user, "lần nữa", actor=expert.user)

    # Kept, not shown: DoST does not see the CV (and no read is logged); the expert is not put on a council.
    page = client_for(dost).get(f"/experts/{expert.pk}/").content.decode()
    assert "Dịch tễ học và dữ liệu y tế" not in page and "hạn chế xử lý" in page
    assert not PersonalDataRead.objects.exists()
    council = review_services.save_council(dost, Council(
        name="Hội đồng thử", rules=CouncilRules.objects.get(is_default=True),
        rubric=Rubric.objects.get(is_default=True)), [make_challenge(Status.PUBLISHED)])
    with pytest.raises(InvalidInput):
        review_services.add_member(dost, council, expert, "member")
    expert.refresh_from_db()
    assert expert.profile == "Dịch tễ học và dữ liệu y tế"

    # Only DoST sees the restrictions and lifts one, with a reason; the person is told.
    for user in (officer, expert.user):
        assert client_for(user).get("/privacy/restrictions/").status_code == 404
        assert client_for(user).post(f"/privacy/restrictions/{restriction.pk}/lift/", {"reason": "x"}).status_code == 404
    assert "Lý lịch của tôi chưa chính xác" in client_for(dost).get("/privacy/restrictions/").content.decode()
    client_for(dost).post(f"/privacy/restrictions/{restriction.pk}/lift/", {"reason": ""})
    assert services.is_restricted(expert.user)
    client_for(dost).post(f"/privacy/restrictions/{restriction.pk}/lift/", {"reason": "Lý lịch đã cập nhật xong."})
    restriction.refresh_from_db()
    assert (restriction.status, restriction.lifted_by, restriction.lift_reason) == (
        RestrictionStatus.LIFTED, dost, "Lý lịch đã cập nhật xong.")
    assert AuditEvent.objects.filter(action="processing_restriction.lift", object_id=str(restriction.pk)).exists()
    assert Notification.objects.filter(recipient=expert.user, title="Gỡ hạn chế xử lý").exists()
    assert not Notification.objects.filter(recipient=dost, action_needed=True, read_at__isnull=True,
                                           url="/privacy/restrictions/").exists()  # cleared by the move
    assert "Dịch tễ học và dữ liệu y tế" in client_for(dost).get(f"/experts/{expert.pk}/").content.decode()
    review_services.add_member(dost, council, expert, "member")


def test_the_team_notice_is_seeded_again_when_its_purpose_is_missing(make_challenge, solver, solver_org):
    from sangtao.privacy.models import Purpose

    Purpose.objects.filter(key="proposal_team").delete()  # a flushed database (transactional tests) has none
    challenge = make_challenge(Status.PUBLISHED)
    proposal_services.submit(proposal_services.start_proposal(challenge, solver, solver_org, proposal_data(challenge)),
                             solver)
    assert ThirdPartyNotice.objects.get().purpose.third_party


def test_a_proposal_with_a_team_is_submitted_only_once_the_applicant_confirms_they_told_the_team(
        make_challenge, solver, solver_org):
    from sangtao.core.models import AuditEvent

    challenge = make_challenge(Status.PUBLISHED)
    proposal = proposal_services.start_proposal(challenge, solver, solver_org,
                                                proposal_data(challenge, team_informed=False))
    # Refused by the service (page and API alike), the unmet point listed with a link to the tick box.
    with pytest.raises(InvalidInput) as refused:
        proposal_services.submit(proposal, solver)
    assert refused.value.field == "team_informed" and not ThirdPartyNotice.objects.exists()
    page = client_for(solver).get(f"/proposals/{proposal.pk}/submit/").content.decode()
    assert "Cần xác nhận đã thông báo cho các thành viên nhóm" in page
    assert f"/proposals/{proposal.pk}/edit/#id_team_informed" in page
    form = client_for(solver).get(f"/proposals/{proposal.pk}/edit/").content.decode()
    assert 'name="team_informed"' in form and "Tôi xác nhận đã thông báo cho những người có tên" in form
    api = ApiClient(solver)
    assert api.get(f"/proposals/{proposal.pk}").json()["team_informed"] is False
    response = api.post(f"/proposals/{proposal.pk}/submit")
    assert response.status_code == 422 and response.json()["field"] == "team_informed"
    # Confirmed through the API: submitted, the confirmation in the version and in the audit trail.
    data = proposal_data(challenge, team_informed=True)
    response = api.put(f"/proposals/{proposal.pk}", {**data, "expected_revision": proposal.revision})
    assert response.status_code == 200, response.content
    assert api.post(f"/proposals/{proposal.pk}/submit").status_code == 201
    proposal.refresh_from_db()
    assert proposal.latest_version().snapshot["team_informed"] is True
    event = AuditEvent.objects.get(action="team_informed_confirmed", object_id=str(proposal.pk))
    assert event.actor == solver and event.data["notice_version"] == 1


def test_a_restricted_persons_email_and_cv_are_shown_nowhere_to_others_nor_used_to_find_them(
        submitted, dost, solver, solver_org, officer):
    from conftest import make_user
    from sangtao.orgs.models import Role

    colleague = make_user("colleague", Role.SOLVER, solver_org, full_name="Phạm Văn An")
    colleague.email = "an@giaiphapxanh.vn"  # the team member the proposal names has an account
    colleague.save()
    close_call(submitted.challenge, dost)
    services.request_restriction(colleague, "Tôi phản đối việc xử lý", actor=colleague)
    manager = client_for(dost)
    listing = manager.get("/manage/users/").content.decode()
    assert "colleague" in listing and "an@giaiphapxanh.vn" not in listing and "hạn chế xử lý" in listing
    assert "colleague" not in manager.get("/manage/users/", {"q": "giaiphapxanh"}).content.decode()
    assert "colleague" in manager.get("/manage/users/", {"q": "colleague"}).content.decode()  # username still finds
    page = manager.get(f"/manage/users/{colleague.pk}/").content.decode()
    assert "an@giaiphapxanh.vn" not in page and 'name="email"' not in page and "hạn chế xử lý" in page
    manager.post(f"/manage/users/{colleague.pk}/", {"username": "colleague", "full_name": "Phạm Văn An",
                                                      "language": "vi", "is_active": "on"})
    colleague.refresh_from_db()
    assert colleague.email == "an@giaiphapxanh.vn"  # kept, not changed through the page
    # The organisation's page shows the other members the name, not the address.
    assert "an@giaiphapxanh.vn" not in client_for(solver).get(f"/solvers/{solver_org.pk}/").content.decode()
    # As a proposal's team member: name and role only for officials, on the page and through the API,
    # and no read of their data is logged (none was shown); the applicant still sees what it entered.
    proposal_page = manager.get(f"/proposals/{submitted.pk}/").content.decode()
    assert "Phạm Văn An" in proposal_page and "an@giaiphapxanh.vn" not in proposal_page
    assert "10 năm y tế số" not in proposal_page and "hạn chế xử lý" in proposal_page
    [member, other] = ApiClient(dost).get(f"/proposals/{submitted.pk}").json()["team"]
    assert member == {"name": "Phạm Văn An", "role": "Chủ nhiệm", "email": "", "experience": "", "restricted": True}
    team_reads = PersonalDataRead.objects.filter(reader=dost, object_type="proposals.proposal")
    assert {read.subject_label for read in team_reads} == {"Lê Thị Bình"}
    assert not PersonalDataRead.objects.filter(subject=colleague).exists()  # their contact details were not shown
    assert "10 năm y tế số" in client_for(solver).get(f"/proposals/{submitted.pk}/").content.decode()
    # Lifted: shown again, and reads are logged again.
    services.lift_restriction(services.active_restriction(colleague), "Đã giải quyết", actor=dost)
    assert "an@giaiphapxanh.vn" in manager.get("/manage/users/").content.decode()
    assert "10 năm y tế số" in manager.get(f"/proposals/{submitted.pk}/").content.decode()


def test_contact_details_shown_on_the_list_of_users_and_an_organisations_page_are_logged_reads(
        dost, solver, solver_org):
    from conftest import make_user
    from sangtao.orgs.models import Role

    colleague = make_user("colleague", Role.SOLVER, solver_org)
    client_for(dost).get("/manage/users/", {"q": "colleague"})
    read = PersonalDataRead.objects.get()
    assert (read.reader, read.subject, read.kind) == (dost, colleague, ReadKind.CONTACT)
    client_for(solver).get(f"/solvers/{solver_org.pk}/")  # a colleague's address; their own is not a read
    assert set(PersonalDataRead.objects.filter(reader=solver).values_list("subject", flat=True)) == {colleague.pk}
    assert "Reading an organisation&#x27;s members" in client_for(colleague).get("/en/privacy/mine/").content.decode()


def test_the_reviewer_assignment_does_not_match_proposals_against_a_restricted_experts_cv(selection):
    from sangtao.review.services import _pool, expert_text

    council = selection["council"]
    expert = selection["experts"][0]
    expert.profile = "Chuyên gia đặt lịch khám trực tuyến"
    expert.save()
    [seen] = [e for e in _pool(council) if e.pk == expert.pk]
    assert "đặt lịch khám" in expert_text(seen)
    services.request_restriction(expert.user, "Tôi phản đối", actor=expert.user)
    [seen] = [e for e in _pool(council) if e.pk == expert.pk]
    assert expert_text(seen) == " ".join(f.name for f in expert.fields.all())  # the fields only
    assert {e.pk for e in _pool(council)} >= {expert.pk}  # still seated: the seat itself is kept


def test_the_teams_an_official_reads_in_the_proposals_list_of_the_api_are_logged_too(submitted, dost, solver):
    close_call(submitted.challenge, dost)
    ApiClient(solver).get("/proposals")  # the applicant's own: not logged
    assert not PersonalDataRead.objects.exists()
    assert ApiClient(dost).get("/proposals").status_code == 200
    reads = {(read.subject_label, read.kind) for read in PersonalDataRead.objects.filter(reader=dost)}
    assert reads == {("Phạm Văn An", ReadKind.CV), ("Lê Thị Bình", ReadKind.TEAM)}


def test_the_submitter_sends_a_team_members_notice_again_after_confirming_once_an_hour_at_most(
        submitted, solver, process_tasks, monkeypatch):
    import datetime

    from django.contrib.messages import get_messages

    client = client_for(solver)
    page = client.get(f"/proposals/{submitted.pk}/").content.decode()
    confirm = f"/proposals/{submitted.pk}/team/1/notice/"
    assert f'href="{confirm}"' in page and "Gửi lại thông báo cho Phạm Văn An" in page
    assert "Gửi lại thông báo cho Lê Thị Bình" not in page  # no e-mail: nothing to send
    for position in (2, 3, 0):
        assert client.get(f"/proposals/{submitted.pk}/team/{position}/notice/").status_code == 404
    page = client.get(confirm).content.decode()
    assert "Gửi lại thông báo cho thành viên nhóm" in page and "Lần gửi gần nhất" in page
    assert "91/2025/QH15" in page  # the notice itself, in force now, is what goes
    process_tasks()  # the submission's own mail
    mail.outbox.clear()
    # Sent a moment ago on submission: refused, with why, and nothing is queued.
    response = client.post(confirm, follow=True)
    assert response.redirect_chain[-1][0] == f"/proposals/{submitted.pk}/#team-notices"
    assert "trong vòng một giờ qua" in response.content.decode() and ThirdPartyNotice.objects.count() == 1
    monkeypatch.setattr(services, "RESEND_AFTER", datetime.timedelta(0))
    response = client.post(confirm)
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["Đã gửi lại thông báo cho Phạm Văn An."]
    first, again = ThirdPartyNotice.objects.order_by("pk")
    assert (again.email, again.name, again.version, again.entered_by) == (
        first.email, "Phạm Văn An", first.version, solver)
    event = AuditEvent.objects.get(action="third_party_notice_resent")
    assert (event.actor, event.object_id, event.data["notice"]) == (solver, str(submitted.pk), again.pk)
    process_tasks()
    [sent] = [m for m in mail.outbox if m.to == ["an@giaiphapxanh.vn"]]
    assert "Dear Phạm Văn An" in sent.body and "Kính gửi Phạm Văn An" in sent.body
    # In English: the confirmation and the message.
    english = client.get(f"/en{confirm}").content.decode()
    assert "Send the notice to a team member again" in english and "Last sent" in english
    response = client.post(f"/en{confirm}")
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["Notice sent again to Phạm Văn An."]
    with pytest.raises(InvalidInput):
        proposal_services.resend_team_notice(submitted, 2, solver)  # no e-mail to send it to


def test_only_the_submitter_and_dost_may_send_a_team_notice_again_every_role_tried(
        submitted, roles, solver_org, monkeypatch):
    """The person who handed the proposal in and DoST (the controller) see the links and send; a colleague
    who did not hand it in, and every other role, get 404 on the page and a refusal from the service."""
    import datetime

    from conftest import make_user
    from sangtao.core.errors import NotAllowed
    from sangtao.orgs.models import Role

    monkeypatch.setattr(services, "RESEND_AFTER", datetime.timedelta(0))
    confirm = f"/proposals/{submitted.pk}/team/1/notice/"
    people = {**roles, "colleague_who_did_not_submit": make_user("colleague", Role.SOLVER, solver_org)}
    may = {"dost", "solver"}
    seen = {}
    for role, user in people.items():
        client = client_for(user)
        seen[role] = (client.get(confirm).status_code, client.post(confirm).status_code,
                      f'href="{confirm}"' in client.get(f"/proposals/{submitted.pk}/").content.decode())
        if user is not None and role not in may:
            with pytest.raises(NotAllowed):
                proposal_services.resend_team_notice(submitted, 1, user)
    assert seen == {role: (200, 302, True) if role in may else (302, 302, False) if role == "anonymous"
                    else (404, 404, False) for role in people}
    assert ThirdPartyNotice.objects.count() == 3  # on submission, then once each by the submitter and DoST
    assert set(AuditEvent.objects.filter(action="third_party_notice_resent").values_list("actor__username", flat=True)
               ) == {"dost", "solver"}


def _messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_a_restriction_reason_longer_than_4000_characters_is_refused_with_a_message_and_nothing_is_stored(outsider):
    person = client_for(outsider)
    shown = _messages(person.post("/privacy/mine/restrict/", {"reason": "x" * 4001}, follow=True))
    assert len(shown) == 1 and "4001" in shown[0]  # Django's own: at most 4000 characters (it has 4001)
    assert not ProcessingRestriction.objects.exists() and not AuditEvent.objects.filter(
        action="processing_restricted").exists()
    shown = _messages(person.post("/privacy/mine/restrict/", {"reason": "   "}, follow=True))
    assert shown == ["Cần nêu lý do."] and not ProcessingRestriction.objects.exists()
    person.post("/privacy/mine/restrict/", {"reason": "x" * 4000})  # as long as any move's reason may be
    assert len(ProcessingRestriction.objects.get(user=outsider).reason) == 4000


def test_a_lifting_reason_longer_than_4000_characters_is_refused_with_a_message_and_the_restriction_stays(
        outsider, dost):
    restriction = services.request_restriction(outsider, "Tôi phản đối việc xử lý", actor=outsider)
    url = f"/privacy/restrictions/{restriction.pk}/lift/"
    shown = _messages(client_for(dost).post(url, {"reason": "x" * 4001}, follow=True))
    assert len(shown) == 1 and "4001" in shown[0]  # Django's own: at most 4000 characters (it has 4001)
    restriction.refresh_from_db()
    assert restriction.status == RestrictionStatus.ACTIVE and restriction.lift_reason == ""
    assert _messages(client_for(dost).post(url, {"reason": " "}, follow=True)) == ["Cần nêu lý do."]
    assert services.is_restricted(outsider)


def test_a_reason_as_long_as_its_box_allows_is_taken_when_the_browser_sends_its_line_breaks_as_cr_lf(outsider):
    # 40 lines, 4,000 characters as the box counts them (a line break is one), 4,039 as a browser posts them.
    typed = "\n".join(["x" * 99] * 40)
    assert len(typed) == 3999
    _messages(client_for(outsider).post("/privacy/mine/restrict/", {"reason": typed.replace("\n", "\r\n") + "y"},
                                        follow=True))
    assert ProcessingRestriction.objects.get(user=outsider).reason == typed + "y"  # stored with the API's LF


def test_the_team_as_handed_in_on_a_version_page_is_a_logged_read_shown_to_the_member_and_held_back_once_restricted(
        submitted, dost, solver_org):
    from conftest import make_user
    from sangtao.orgs.models import Role

    colleague = make_user("colleague", Role.SOLVER, solver_org, full_name="Phạm Văn An")
    colleague.email = "an@giaiphapxanh.vn"  # the team member the proposal names has an account
    colleague.save()
    close_call(submitted.challenge, dost)
    page = client_for(dost).get(f"/proposals/{submitted.pk}/versions/1/").content.decode()
    assert "10 năm y tế số" in page
    assert [(read.reader, read.kind) for read in services.reads_of(colleague)] == [(dost, ReadKind.CV)]
    assert "Phạm Văn An" in client_for(colleague).get("/privacy/mine/").content.decode().split("Lê Thị Bình")[0]
    services.request_restriction(colleague, "Tôi phản đối việc xử lý", actor=colleague)
    page = client_for(dost).get(f"/proposals/{submitted.pk}/versions/1/").content.decode()
    assert "10 năm y tế số" not in page and "giaiphapxanh" not in page.lower() and "hạn chế xử lý" in page
    assert services.reads_of(colleague).count() == 1  # nothing of theirs shown: nothing read


def test_a_blind_reviewer_reads_the_teams_cvs_without_names_and_each_read_is_logged(selection):
    from conftest import make_user
    from sangtao.proposals.models import Proposal
    from sangtao.review import services as review_services

    council, proposal = selection["council"], selection["proposals"][0]
    type(council).objects.filter(pk=council.pk).update(blind=True)
    Proposal.objects.filter(pk=proposal.pk).update(team=[
        {"name": "Phạm Văn An", "role": "Chủ nhiệm", "email": "an@giaiphapxanh.vn", "experience": "Chợ Rẫy 2010-2020"}])
    member = make_user("an")
    type(member).objects.filter(pk=member.pk).update(email="an@giaiphapxanh.vn")  # the member the team names
    assignment = council.assignments.filter(proposal=proposal).select_related("expert__user").first()
    reviewer = assignment.expert.user
    review_services.declare(assignment, reviewer, has_conflict=False)  # cleared to read it
    page = client_for(reviewer).get(f"/proposals/{proposal.pk}/").content.decode()
    assert "Chợ Rẫy 2010-2020" in page and "Phạm Văn An" not in page  # blind: the CV, not the name
    assert ApiClient(reviewer).get(f"/proposals/{proposal.pk}").status_code == 200
    assert [read.kind for read in PersonalDataRead.objects.filter(reader=reviewer)] == [ReadKind.CV, ReadKind.CV]
    # The member sees the reads, the reviewer by role only: a blind reviewer's name is not told to the applicant side.
    mine = client_for(member).get("/privacy/mine/").content.decode().split('id="reads"')[1].split("</section>")[0]
    assert "Thành viên hội đồng tuyển chọn" in mine and reviewer.display_name not in mine


def test_a_survey_respondents_address_read_by_an_official_is_in_the_respondents_own_read_log(survey, outsider, dost):
    from sangtao.surveys.models import Response

    consent = services.give_consent(outsider, "survey_followup")
    response = Response.objects.create(survey=survey, unit=survey.units.first(), period=survey.periods.first(),
                                       follow_up_email=outsider.email, follow_up_consent=consent)
    services.log_survey_email_reads(dost, [response])
    assert [(read.reader, read.kind) for read in services.reads_of(outsider)] == [(dost, ReadKind.SURVEY_EMAIL)]


def test_the_person_pages_through_every_read_of_their_data(outsider, dost, settings):
    settings.PAGE_SIZE = 3
    for _ in range(4):
        services.log_read(dost, ReadKind.CONTACT, subject=outsider, reason="Xem")
    first = client_for(outsider).get("/privacy/mine/").content.decode()
    second = client_for(outsider).get("/privacy/mine/", {"page": 2}).content.decode()
    assert first.count("<td>Xem</td>") == 3 and 'rel="next"' in first and second.count("<td>Xem</td>") == 1
