"""Drafting and submitting a proposal: versions, receipts, the deadline, nothing lost."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from conftest import client_for, close_call, make_solver_org, proposal_data
from sangtao.challenges.models import Challenge, Status
from sangtao.core.errors import InvalidInput, NotAllowed, StaleState
from sangtao.proposals import services
from sangtao.proposals.models import Proposal, ProposalStatus, ProposalTransition, ProposalVersion
from sangtao.proposals.services import CallClosed

pytestmark = pytest.mark.django_db


@pytest.fixture
def challenge(make_challenge):
    return make_challenge(Status.PUBLISHED)


@pytest.fixture
def draft(challenge, solver, solver_org):
    return services.start_proposal(challenge, solver, solver_org, proposal_data(challenge))


def test_submit_freezes_a_version_with_receipt_and_emails_it(draft, solver, process_tasks):
    version = services.submit(draft, solver)
    assert version.receipt == f"ST-{draft.challenge_id}-{draft.pk}-01"
    assert version.snapshot["budget_total_vnd"] == 1_000_000_000
    assert abs((version.submitted_at - timezone.now()).total_seconds()) < 5
    process_tasks()
    assert any(version.receipt in message.subject for message in mail.outbox)
    with pytest.raises(ValueError):
        version.save()  # append-only


def test_a_new_submission_keeps_every_earlier_version(draft, solver, challenge):
    services.submit(draft, solver)
    data = proposal_data(challenge, title="Phiên bản cải tiến")
    services.save_proposal(draft, solver, data, expected_revision=1)
    services.submit(draft, solver)
    versions = list(ProposalVersion.objects.filter(proposal=draft).order_by("number"))
    assert [v.snapshot["title"] for v in versions] == ["Hệ thống đặt lịch khám thông minh", "Phiên bản cải tiến"]


def test_withdraw_then_submit_again_before_the_deadline(draft, solver):
    services.submit(draft, solver)
    services.withdraw(draft, solver, "cần bổ sung")
    draft.refresh_from_db()
    assert draft.status == ProposalStatus.WITHDRAWN
    services.submit(draft, solver)
    draft.refresh_from_db()
    assert draft.status == ProposalStatus.SUBMITTED
    moves = list(ProposalTransition.objects.filter(proposal=draft).values_list("move", flat=True))
    assert moves == ["create", "submit", "withdraw", "submit"]


def test_submission_after_the_deadline_is_refused_and_the_draft_kept(draft, solver, challenge):
    Challenge.objects.filter(pk=challenge.pk).update(call_closes_at=timezone.now() - datetime.timedelta(seconds=1))
    with pytest.raises(CallClosed) as refused:
        services.submit(draft, solver)
    assert "hết hạn" in str(refused.value.message)
    draft.refresh_from_db()
    assert draft.status == ProposalStatus.DRAFT and draft.title == "Hệ thống đặt lịch khám thông minh"
    assert not ProposalVersion.objects.exists()


def test_the_call_closed_by_the_job_refuses_submissions(draft, solver, challenge, dost):
    close_call(challenge, dost)
    with pytest.raises(CallClosed):
        services.submit(draft, solver)


def test_budget_lines_must_add_up_to_the_total(challenge, solver, solver_org):
    data = proposal_data(challenge, budget_total_vnd=999)
    proposal = services.start_proposal(challenge, solver, solver_org, data)  # a draft may be inconsistent
    with pytest.raises(InvalidInput) as refused:
        services.submit(proposal, solver)
    assert refused.value.field == "budget_lines"
    assert "1.000.000.000 đ" in str(refused.value.message)


def test_every_missing_part_is_named_before_submission(challenge, solver, solver_org):
    proposal = services.start_proposal(challenge, solver, solver_org, {"title": "Ý tưởng"})
    missing = dict(services.missing_for_submission(proposal))
    assert {"summary", "approach", "team", "workplan", "budget_lines", "expected_results"} <= set(missing)


def test_a_stale_save_is_refused(draft, solver, challenge):
    services.save_proposal(draft, solver, proposal_data(challenge, title="A"), expected_revision=1)
    with pytest.raises(StaleState):
        services.save_proposal(draft, solver, proposal_data(challenge, title="B"), expected_revision=1)


def test_only_members_act_for_their_organisation(challenge, solver_org, outsider, dost):
    _org, other_member = make_solver_org("Viện Khác", "0398765432", "solver2")
    with pytest.raises(NotAllowed):
        services.start_proposal(challenge, other_member, solver_org, proposal_data(challenge))
    with pytest.raises(NotAllowed):
        services.start_proposal(challenge, outsider, solver_org, proposal_data(challenge))


def test_one_proposal_per_organisation_and_challenge(draft, challenge, solver, solver_org):
    with pytest.raises(InvalidInput):
        services.start_proposal(challenge, solver, solver_org, proposal_data(challenge))


def test_direct_assignment_challenges_take_no_proposals(make_challenge, solver, solver_org):
    direct = make_challenge(Status.PUBLISHED, selection_mode="direct")
    with pytest.raises(CallClosed):
        services.start_proposal(direct, solver, solver_org, proposal_data(direct))


def test_unverified_organisations_can_apply_and_are_flagged(challenge, dost):
    org, member = make_solver_org("Khởi nghiệp Mới", "0311112222", "newbie", verified=False)
    proposal = services.start_proposal(challenge, member, org, proposal_data(challenge))
    services.submit(proposal, member)
    challenge = Challenge.objects.get(pk=challenge.pk)
    page = client_for(dost).get(f"/challenges/{challenge.pk}/applications/").content.decode()
    assert "Khởi nghiệp Mới" in page and "chưa xác minh" in page


def test_failed_submit_from_the_form_keeps_what_was_typed(challenge, solver, solver_org):
    proposal = services.start_proposal(challenge, solver, solver_org, {"title": "Bản đầu"})
    client = client_for(solver)
    form = {"title": "Bản sửa chưa đủ", "summary": "Tóm tắt mới", "revision": "1", "submit": "1",
            **{f"{p}-TOTAL_FORMS": "2" for p in ("team", "plan", "budget")},
            **{f"{p}-INITIAL_FORMS": "0" for p in ("team", "plan", "budget")}}
    response = client.post(f"/proposals/{proposal.pk}/edit/", form, follow=True)
    page = response.content.decode()
    assert "Cần ít nhất một thành viên nhóm" in page  # the confirmation page lists what is missing
    proposal.refresh_from_db()
    assert (proposal.title, proposal.summary, proposal.status) == ("Bản sửa chưa đủ", "Tóm tắt mới", "draft")


def test_submission_through_the_pages_shows_the_receipt(draft, solver):
    client = client_for(solver)
    assert "Xác nhận nộp hồ sơ" in client.get(f"/proposals/{draft.pk}/submit/").content.decode()
    response = client.post(f"/proposals/{draft.pk}/submit/", follow=True)
    version = ProposalVersion.objects.get(proposal=draft)
    assert version.receipt in response.content.decode()
    assert Proposal.objects.get(pk=draft.pk).status == ProposalStatus.SUBMITTED


def test_the_edit_form_shows_the_workplans_stored_dates_as_dd_mm_yyyy_not_iso(challenge, solver, solver_org):
    proposal = services.start_proposal(challenge, solver, solver_org, proposal_data(challenge))
    page = client_for(solver).get(f"/proposals/{proposal.pk}/edit/").content.decode()
    assert 'value="01/01/2027"' in page and 'value="30/06/2027"' in page and "2027-01-01" not in page
    english = client_for(solver).get(f"/en/proposals/{proposal.pk}/edit/").content.decode()
    assert 'value="01/01/2027"' in english  # DD/MM/YYYY whatever the language (issue 12)


def test_the_team_and_workplan_tables_stack_one_block_per_row_with_labels_on_a_phone(draft, solver):
    """At 390 px their columns were squeezed until words and dates broke mid-way ("Chủ nhiệ m")."""
    page = client_for(solver).get(f"/proposals/{draft.pk}/").content.decode()
    assert page.count('<table class="stacked">') == 2
    for label in ("Họ và tên", "Vai trò", "Kinh nghiệm", "Mốc công việc", "Bắt đầu", "Kết thúc", "Sản phẩm"):
        assert f'data-label="{label}"' in page


@pytest.mark.django_db
def test_the_proposal_pages_name_the_challenge_in_the_pages_language(challenge, draft, solver):
    Challenge.objects.filter(pk=challenge.pk).update(title_en="Shorter hospital waits")
    client = client_for(solver)
    for url in (f"/en/challenges/{challenge.pk}/apply/", f"/en/proposals/{draft.pk}/", "/en/proposals/mine/"):
        page = client.get(url, follow=True).content.decode()  # the draft's form, for one who has started
        assert "Shorter hospital waits</a>" in page and f"{challenge.title}</a>" not in page, url
    assert f"{challenge.title}</a>" in client.get(f"/proposals/{draft.pk}/").content.decode()
