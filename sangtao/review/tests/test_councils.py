"""Forming a council, the automatic assignment as a background job, release, and the public result."""

import datetime

import pytest

from conftest import SELECTION_WORLD, ApiClient, client_for, make_expert, module_world, score_all, selection_world
from sangtao.core.errors import StaleState
from sangtao.review import affinity, services
from sangtao.review.models import Assignment, AssignmentRun, Council, CouncilRules, PairRule, Rubric, ScorePublication

pytestmark = pytest.mark.django_db
# Every test here starts from the same selection, built once for the module.
globals().update(module_world(selection_world, SELECTION_WORLD))


@pytest.fixture
def forming(selection, dost):
    """The selection's council taken back to before release, with no assignment yet."""
    council = selection["council"]
    Council.objects.filter(pk=council.pk).update(assignments_released_at=None, status="forming")
    council.assignments.all().delete()
    council.refresh_from_db()
    return council


def test_assignment_run_as_a_background_job_with_affinity_and_reasons(forming, dost, process_tasks, field):
    experts = list(forming.members.select_related("expert"))
    experts[0].expert.profile = "Chuyên gia về đặt lịch khám và phân luồng người bệnh tại bệnh viện"
    experts[0].expert.save()
    response = client_for(dost).post(f"/councils/{forming.pk}/runs/", {
        "reviewers_per_proposal": 3, "min_load": 0, "max_load": 2})
    run = AssignmentRun.objects.get(council=forming)
    assert response.url.endswith(f"/runs/{run.pk}/")
    assert "http-equiv=\"refresh\"" in client_for(dost).get(response.url).content.decode()  # progress page
    process_tasks()
    run.refresh_from_db()
    assert run.state == "done" and (run.job.state, run.job.done, run.job.total) == ("done", 100, 100)
    pairs = Assignment.objects.filter(council=forming)
    assert pairs.count() == 6
    assert all(pair.why and "độ phù hợp" in pair.why for pair in pairs)
    assert pairs.filter(expert=experts[0].expert).count() == 2  # the best-fitting expert is used fully


def test_refused_assignment_settings_come_back_as_typed_with_what_to_correct_beside_them(forming, dost):
    page = client_for(dost).post(f"/councils/{forming.pk}/runs/", {
        "reviewers_per_proposal": "3", "min_load": "4", "max_load": "2"})
    html = page.content.decode()
    assert page.status_code == 200 and not AssignmentRun.objects.exists()
    assert 'name="min_load" value="4"' in html and 'name="max_load" value="2"' in html
    assert html.count("Tải tối thiểu không được lớn hơn tải tối đa (2).") == 2  # the summary and the box
    english = client_for(dost).post(f"/en/councils/{forming.pk}/runs/", {
        "reviewers_per_proposal": "0", "min_load": "0", "max_load": "8"}).content.decode()
    assert "Enter a number of 1 or more." in english and 'name="reviewers_per_proposal" value="0"' in english


def test_an_infeasible_run_says_what_to_change(forming, dost, process_tasks):
    run = services.start_assignment_run(dost, forming, k=3, min_load=0, max_load=0 + 1)
    process_tasks()
    run.refresh_from_db()
    assert run.state == "done"
    run = services.start_assignment_run(dost, forming, k=7, min_load=0, max_load=1)
    process_tasks()
    run.refresh_from_db()
    assert run.state == "infeasible" and any("Cần thêm 7 lượt chấm" in m for m in run.shown_messages)
    page = client_for(dost).get(f"/councils/{forming.pk}/runs/{run.pk}/").content.decode()
    assert "Cần thêm 7 lượt chấm" in page


def test_why_a_run_is_infeasible_is_said_in_the_language_of_the_page_reading_it(forming, dost, process_tasks):
    run = services.start_assignment_run(dost, forming, k=7, min_load=0, max_load=1)
    process_tasks()  # the worker writes the reasons in Vietnamese, its default language
    run.refresh_from_db()
    reader = client_for(dost)
    english = reader.get(f"/en/councils/{forming.pk}/runs/{run.pk}/").content.decode()
    assert "Review slots missing: 7" in english and "Cần thêm" not in english
    # Told once, by its reasons: no progress bar, no "Failed" beside "Infeasible", no retry of the same settings.
    assert english.count("Review slots missing: 7") == 1 and "<progress" not in english and "Run again" not in english
    assert run.job.refused and "Run again" not in reader.get(f"/en/jobs/{run.job.pk}/").content.decode()
    assert "Cần thêm 7 lượt chấm" in reader.get(f"/councils/{forming.pk}/runs/{run.pk}/").content.decode()


def test_pinned_and_forbidden_pairs_are_respected(forming, dost, selection, process_tasks):
    first = selection["proposals"][0]
    member_a, member_b = [m.expert for m in forming.members.all()[:2]]
    services.set_pair_rule(dost, forming, member_a, first, PairRule.Kind.FORBID)
    services.set_pair_rule(dost, forming, member_b, first, PairRule.Kind.PIN)
    services.start_assignment_run(dost, forming, k=2, min_load=0, max_load=2)
    process_tasks()
    pairs = set(Assignment.objects.filter(council=forming, proposal=first).values_list("expert_id", flat=True))
    assert member_b.pk in pairs and member_a.pk not in pairs


def test_assignment_is_frozen_once_released(selection, dost):
    with pytest.raises(StaleState):
        services.assign_whole_council(dost, selection["council"])


def test_council_page_for_dost_and_for_its_members(selection, dost, outsider):
    council = selection["council"]
    page = client_for(dost).get(f"/councils/{council.pk}/").content.decode()
    assert "Thành phần hội đồng đúng quy tắc" in page and "Chuyên gia 0" in page
    member = selection["experts"][0].user
    assert client_for(member).get(f"/councils/{council.pk}/").status_code == 200
    assert client_for(make_expert("stranger").user).get(f"/councils/{council.pk}/").status_code == 404
    assert client_for(outsider).get(f"/councils/{council.pk}/").status_code == 404


def test_forming_a_council_through_the_pages(make_challenge, dost):
    from sangtao.challenges.models import Status

    challenge = make_challenge(Status.PUBLISHED)
    client = client_for(dost)
    response = client.post("/councils/new/", {
        "name": "Hội đồng mới", "challenges": [challenge.pk], "rules": CouncilRules.objects.get().pk,
        "rubric": Rubric.objects.get().pk, "score_publication": "totals",
        "location": "Pho\u0300ng ho\u0323p ta\u0302\u0300ng 3"})  # typed with combining marks: stored composed
    council = Council.objects.get(name="Hội đồng mới")
    assert council.location == "Phòng họp tầng 3"
    assert response.url == f"/councils/{council.pk}/"
    expert = make_expert("newcomer", "Người Mới")
    client.post(f"/councils/{council.pk}/members/", {"expert": expert.pk, "role": "chair"})
    page = client.get(f"/councils/{council.pk}/").content.decode()
    assert "Người Mới" in page and "Hội đồng có 1 thành viên" in page


def test_decision_through_the_page_publishes_the_result(selection, dost, outsider):
    first, second = selection["proposals"]
    score_all(selection["council"], {first.pk: {"1": 12, "2": 40, "3": 30}, second.pk: {"1": 8, "2": 30, "3": 20}})
    challenge = selection["challenge"]
    response = client_for(dost).post(f"/challenges/{challenge.pk}/decision/", {
        "proposal": first.pk, "decided_on": "2026-11-20", "decision_number": "99/QĐ-SKHCN",
        "rationale": "Điểm cao nhất", "legal_basis": ""})
    assert response.status_code == 302
    public = client_for(None).get(f"/challenges/{challenge.pk}/").content.decode()
    assert "Kết quả lựa chọn đơn vị chủ trì" in public and first.organisation.name in public
    assert "82,00" in public  # totals are published by the default policy
    assert second.organisation.name not in public
    body = ApiClient().get(f"/challenges/{challenge.pk}/decision").json()
    assert body["lead_organisation"] == first.organisation.name
    Council.objects.filter(pk=selection["council"].pk).update(score_publication=ScorePublication.NONE)
    assert "82,00" not in client_for(outsider).get(f"/challenges/{challenge.pk}/").content.decode()


def test_a_decision_is_offered_only_once_the_call_has_closed_and_its_page_says_what_is_missing_before(
        make_challenge, dost):
    from sangtao.challenges.models import Status

    challenge = make_challenge(Status.PUBLISHED)  # open selection, its call still taking proposals
    client = client_for(dost)
    assert f'href="/challenges/{challenge.pk}/decision/"' not in client.get(challenge.get_absolute_url()).content.decode()
    page = client.get(f"/challenges/{challenge.pk}/decision/").content.decode()
    assert 'id="decision-unmet"' in page and "Đóng nhận hồ sơ" in page and "chưa có hồ sơ nào" in page
    assert 'name="rationale"' not in page  # no form to fill in vain

    challenge.status = Status.CLOSED
    challenge.save(update_fields=["status"])
    assert f'href="/challenges/{challenge.pk}/decision/"' in client.get(challenge.get_absolute_url()).content.decode()
    page = client.get(f"/challenges/{challenge.pk}/decision/").content.decode()
    assert "Đóng nhận hồ sơ" not in page and "chưa có hồ sơ nào" in page  # still no proposal assessed


def test_direct_assignment_records_the_lead_and_legal_basis_without_a_call(make_challenge, dost, solver_org):
    from sangtao.challenges.models import Status

    challenge = make_challenge(Status.PUBLISHED, selection_mode="direct")
    client_for(dost).post(f"/challenges/{challenge.pk}/decision/", {
        "lead_organisation": solver_org.pk, "decided_on": "2026-11-20", "legal_basis": "Điều 23 Luật KH,CN&ĐMST 2025",
        "rationale": "Đơn vị duy nhất có năng lực"})
    challenge.refresh_from_db()
    assert challenge.status == "implementing"
    assert challenge.decision.lead_organisation == solver_org and challenge.decision.mode == "direct"
    assert challenge.decision.decided_on == datetime.date(2026, 11, 20)


def test_a_run_that_crashes_shows_the_person_who_started_it_failed_and_why(forming, dost, process_tasks,
                                                                            monkeypatch):
    def crash(*args, **kwargs):
        raise RuntimeError("out of memory")

    monkeypatch.setattr(affinity, "affinity_matrix", crash)
    run = services.start_assignment_run(dost, forming, k=1, min_load=0, max_load=2)
    process_tasks()
    run.refresh_from_db()
    assert (run.state, run.job.state, run.job.message) == ("failed", "failed", "RuntimeError: out of memory")
    assert "RuntimeError: out of memory" in client_for(dost).get(f"/councils/{forming.pk}/runs/{run.pk}/").content.decode()


@pytest.mark.parametrize("asked", ["draft", "abc", str(10**30), "-1", "1\x00"])
def test_a_new_council_link_chooses_its_challenge_and_ignores_one_the_form_cannot_offer(make_challenge, dost, asked):
    from sangtao.challenges.models import Status

    published = make_challenge(Status.PUBLISHED)
    client = client_for(dost)
    chosen = client.get("/councils/new/", {"challenge": published.pk}).context["form"]["challenges"]
    assert [str(pk) for pk in chosen.value()] == [str(published.pk)]
    stale = make_challenge(Status.DRAFT).pk if asked == "draft" else asked  # no council for a draft
    response = client.get("/councils/new/", {"challenge": stale})
    assert response.status_code == 200 and not response.context["form"]["challenges"].value()
    assert "selected" not in response.content.decode().split('name="challenges"')[1].split("</select>")[0]


def test_the_members_are_invited_under_the_councils_own_name_not_inside_another_council(selection):
    from sangtao.notifications.models import Notification

    council = selection["council"]
    titles = set(Notification.objects.filter(url="/reviews/").values_list("title", flat=True))
    assert titles == {f"{council.name}: mời khai báo xung đột lợi ích và chấm điểm"}
