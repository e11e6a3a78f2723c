"""Each role's home ("Việc của tôi"), the menus as data, notifications that need action, error pages,
the accessibility statement and the offline API docs."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import client_for, make_user
from sangtao.challenges import services
from sangtao.challenges.models import Challenge, Follow, Status
from sangtao.core.models import JobRun
from sangtao.core.workitems import work_for
from sangtao.notifications.models import Notification
from sangtao.orgs.models import Role

# Every query of the home, whatever the number of items: the session and user, the roles, each
# provider's few aggregates, the notifications and follows shown, the header's menu and badge, and for
# DoST the deadline rules and the holidays of the two national deadlines (challenges/deadlines.py).
HOME_QUERIES = 34


def kinds(user) -> dict[str, int]:
    return {item.kind: item.count for item in work_for(user) if not item.kind.startswith("notifications.")}


def test_each_role_has_its_pending_work_counted(make_challenge, officer, leader, dost, ward_officer):
    make_challenge(Status.DRAFT)
    returned = make_challenge(Status.DOST_REVIEW)
    services.apply_move(returned, dost, "request_changes", "Thiếu chỉ số")
    make_challenge(Status.UNIT_REVIEW)
    make_challenge(Status.DOST_REVIEW)
    make_challenge(Status.APPROVED)
    # Every officer is asked for their unit's working group until it is declared (annual.working_group).
    assert kinds(officer) == {"challenges.drafts": 1, "challenges.returns": 1, "annual.working_group": 1}
    assert kinds(leader) == {"challenges.drafts": 1, "challenges.returns": 1, "challenges.approve": 1}
    assert kinds(dost) == {"challenges.review": 1, "challenges.publish": 1}
    assert kinds(ward_officer) == {"annual.working_group": 1}


def test_dost_is_led_through_a_selection_screening_then_forming_the_council(make_challenge, solver, solver_org, dost):
    """Each step of step 3 that waits for DoST is a line on its home, linked to where it is done."""
    from conftest import close_call, make_solver_org, proposal_data
    from sangtao.proposals import services as proposal_services
    from sangtao.proposals.models import EligibilityCriterion
    from sangtao.review import services as review_services
    from sangtao.review.models import Council, CouncilRules, Rubric

    challenge = make_challenge(Status.PUBLISHED)
    other_org, other_member = make_solver_org("Viện Công nghệ Số", "0398765432", "solver2")
    proposals = [proposal_services.start_proposal(challenge, solver, solver_org, proposal_data(challenge)),
                 proposal_services.start_proposal(challenge, other_member, other_org, proposal_data(challenge))]
    for proposal, member in zip(proposals, (solver, other_member), strict=True):
        proposal_services.submit(proposal, member)
    close_call(challenge, dost)
    [screen] = [item for item in work_for(dost) if item.kind == "proposals.screen"]
    assert screen.count == 2 and screen.url == f"/challenges/{challenge.pk}/applications/"
    everything = {criterion.pk: True for criterion in EligibilityCriterion.objects.all()}
    for proposal in proposals:
        proposal_services.screen(proposal, dost, everything)
    items = {item.kind: item for item in work_for(dost)}
    assert "proposals.screen" not in items and items["review.to_form"].count == 1
    assert items["review.to_form"].url == f"/councils/new/?challenge={challenge.pk}"
    council = review_services.save_council(dost, Council(
        name="Hội đồng tuyển chọn", rules=CouncilRules.objects.get(is_default=True),
        rubric=Rubric.objects.get(is_default=True)), [challenge])
    items = {item.kind: item for item in work_for(dost)}
    assert "review.to_form" not in items and items["review.forming"].count == 1
    assert items["review.forming"].url == council.get_absolute_url()


def test_expert_and_solver_see_declarations_and_drafts_with_deadlines(selection, solver, solver_org, make_challenge):
    from conftest import proposal_data
    from sangtao.proposals import services as proposal_services

    expert = selection["experts"][0].user
    assert kinds(expert) == {"review.declare": 2}
    open_call = make_challenge(Status.PUBLISHED)
    proposal_services.start_proposal(open_call, solver, solver_org, proposal_data(open_call))
    [draft] = [item for item in work_for(solver) if item.kind == "proposals.drafts"]
    assert draft.count == 1 and draft.due == open_call.call_closes_at


@pytest.mark.parametrize("size", [1, 3])
def test_the_home_asks_a_fixed_number_of_queries_whatever_the_items(
        size, make_challenge, officer, leader, dost, django_assert_max_num_queries):
    for _ in range(size):
        for state in (Status.DRAFT, Status.UNIT_REVIEW, Status.DOST_REVIEW, Status.APPROVED, Status.PUBLISHED):
            challenge = make_challenge(state)
            Follow.objects.create(user=officer, challenge=challenge)
        for user in (officer, leader, dost):  # their background jobs: one failed, one finished
            for state in ("failed", "done"):
                JobRun.objects.create(kind="x", title="job", created_by=user, state=state)
    assert Notification.objects.filter(recipient=leader).count() >= size
    for user in (officer, leader, dost):
        client = client_for(user)
        client.get("/my-work/")  # the session is warm: what is counted is the page
        with django_assert_max_num_queries(HOME_QUERIES):
            response = client.get("/my-work/")
        assert response.status_code == 200


def test_home_counts_do_not_grow_with_the_data(make_challenge, leader):
    def count():
        client = client_for(leader)
        client.get("/my-work/")
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/my-work/").status_code == 200
        return len(queries)

    make_challenge(Status.UNIT_REVIEW)
    first = count()
    for _ in range(3):
        make_challenge(Status.UNIT_REVIEW)
        make_challenge(Status.DRAFT)
    assert count() == first


def test_login_lands_on_my_work_with_the_item_and_a_link_to_act(make_challenge, leader):
    from conftest import PASSWORD

    challenge = make_challenge(Status.UNIT_REVIEW)
    client = client_for(None)
    response = client.post("/accounts/login/", {"username": "leader", "password": PASSWORD})
    assert response.status_code == 302 and response.url == "/my-work/"
    page = client.get("/my-work/").content.decode()
    assert "Bài toán chờ lãnh đạo đơn vị phê duyệt" in page
    assert f'href="/challenges/{challenge.pk}/"' in page  # one challenge: the link opens it
    make_challenge(Status.UNIT_REVIEW)
    page = client.get("/my-work/").content.decode()
    assert f'href="/challenges/mine/?status={Status.UNIT_REVIEW}"' in page  # two: the filtered worklist
    worklist = client.get(f"/challenges/mine/?status={Status.UNIT_REVIEW}").content.decode()
    assert challenge.title in worklist


def links(user) -> dict[str, str]:
    return {item.kind: item.url for item in work_for(user) if not item.kind.startswith("notifications.")}


def test_a_line_about_one_object_links_to_the_object_and_a_line_about_several_to_their_list(
        selection, solver, solver_org, make_challenge, officer, dost):
    from conftest import proposal_data
    from sangtao.proposals import services as proposal_services

    expert = selection["experts"][0].user
    council = selection["council"]
    # Two declarations owed in one council: two rows, the expert's list of reviews.
    assert links(expert) == {"review.declare": "/reviews/"}
    assert links(dost)["review.decide"] == f"/councils/{council.pk}/"  # one council scoring
    draft = make_challenge(Status.DRAFT)
    assert links(officer)["challenges.drafts"] == f"/challenges/{draft.pk}/"
    make_challenge(Status.DRAFT)
    assert links(officer)["challenges.drafts"] == f"/challenges/mine/?status={Status.DRAFT}"
    open_call = make_challenge(Status.PUBLISHED)
    proposal = proposal_services.start_proposal(open_call, solver, solver_org, proposal_data(open_call))
    assert links(solver)["proposals.drafts"] == f"/proposals/{proposal.pk}/"
    # Only one scoresheet left to declare: its own page.
    from sangtao.review import services as review_services

    first, second = council.assignments.filter(expert=selection["experts"][0]).order_by("pk")
    review_services.declare(first, expert, has_conflict=False)
    found = links(expert)
    assert found["review.declare"] == f"/reviews/{second.pk}/declare/"
    assert found["review.score"] == f"/reviews/{first.pk}/score/"


def test_notice_needs_action_only_from_who_can_act_and_is_cleared_by_the_next_move(make_challenge, leader,
                                                                                   officer, dost):
    challenge = make_challenge(Status.UNIT_REVIEW)  # the officer's submission told the leader
    to_leader = Notification.objects.get(recipient=leader)
    assert to_leader.action_needed and to_leader.read_at is None
    services.apply_move(challenge, leader, "unit_approve")
    to_leader.refresh_from_db()
    assert to_leader.read_at is not None, "the approval it asked for is done"
    to_dost = Notification.objects.filter(recipient=dost).latest("pk")
    assert to_dost.action_needed
    services.apply_move(Challenge.objects.get(pk=challenge.pk), dost, "approve")
    to_officer = Notification.objects.filter(recipient=officer).latest("pk")
    assert not to_officer.action_needed, "an approval is for information: the officer has nothing to do"


def test_notifications_page_splits_action_from_information_and_marks_all_read(make_challenge, leader):
    make_challenge(Status.UNIT_REVIEW)
    Notification.objects.create(recipient=leader, title="Tin để biết")
    client = client_for(leader)
    page = client.get("/notifications/").content.decode()
    action, info = page.split('id="info"')
    assert "Lãnh đạo đơn vị xem xét" in action or "trình" in action.lower()
    assert "Tin để biết" in info and "Tin để biết" not in action
    response = client.post("/notifications/read/", {"next": "/my-work/"})
    assert response.url == "/my-work/"
    assert not Notification.objects.filter(recipient=leader, read_at__isnull=True).exists()
    assert client.post("/notifications/read/", {"next": "https://evil.example/"}).url == "/notifications/"


def menu_urls(user) -> dict[str, list[str]]:
    response = client_for(user).get("/accessibility/")
    groups = {group.key: [link.url for link in group.links] for group in response.context["menu_groups"]}
    groups["public"] = [link.url for link in response.context["menu_public"]]
    return groups


def test_menus_are_grouped_by_the_work_and_reach_every_page_of_the_role(roles):
    dost = menu_urls(roles["dost"])
    assert list(dost) == ["programme", "selection", "delivery", "measurement", "admin", "public"]
    assert "/experts/" in dost["selection"] and "/complaints/" in dost["selection"]
    assert menu_urls(roles["expert"]) == {"public": dost["public"]}  # no Expert row: no expert pages
    assert "/reviews/" not in dost["selection"]
    officer = menu_urls(roles["officer"])
    assert officer["programme"][:2] == ["/challenges/mine/", "/challenges/new/"] and "admin" not in officer
    assert menu_urls(roles["solver"])["selection"] == ["/proposals/mine/"]
    anonymous = menu_urls(None)
    assert list(anonymous) == ["public"] and {"/challenges/", "/outcomes/", "/cases/"} <= set(anonymous["public"])
    assert 'href="/open-data/"' in client_for(None).get("/").content.decode()  # in every page's footer


@pytest.mark.parametrize("role", ["dost", "officer", "leader", "solver", "outsider", "anonymous"])
def test_every_menu_link_opens_for_the_role(roles, role):
    client = client_for(roles[role])
    for urls in menu_urls(roles[role]).values():
        for url in urls:
            if url.startswith("/admin/"):
                continue
            assert client.get(url).status_code == 200, f"{role}: {url}"


def test_nested_pages_have_breadcrumbs_and_menu_pages_do_not(dost, make_challenge):
    from sangtao.review.models import Council, CouncilRules, Rubric

    council = Council.objects.create(name="Hội đồng thử", rules=CouncilRules.objects.get(is_default=True),
                                     rubric=Rubric.objects.get(is_default=True), created_by=dost)
    client = client_for(dost)
    crumbs = client.get(f"/councils/{council.pk}/").context["breadcrumbs"]
    assert [(c.url, str(c.label)) for c in crumbs] == [("/", "Trang chủ"), ("", "Tuyển chọn"),
                                                       ("/councils/", "Hội đồng")]
    assert client.get("/councils/").context["breadcrumbs"] == []
    english = client.get(f"/en/councils/{council.pk}/").context["breadcrumbs"]
    assert english[-1].url == "/en/councils/"


def test_a_context_adds_its_page_to_the_menu_with_one_line(dost, officer):
    from sangtao.orgs.rules import is_dost_coordinator
    from sangtao.portal import menu

    before = list(menu.ENTRIES)
    try:
        menu.add("programme", "audit:log", "Kế hoạch năm (thử)", is_dost_coordinator, order=5)
        assert menu_urls(dost)["programme"][0] == "/audit/"
        assert "/audit/" not in sum(menu_urls(officer).values(), [])
    finally:
        menu.ENTRIES[:] = before


@pytest.mark.parametrize(("url", "words"), [("/khong-co/", "Không tìm thấy trang"),
                                            ("/en/no-such-page/", "Page not found")])
def test_unknown_pages_are_styled_bilingual_with_the_header_and_a_way_back(db, url, words, settings):
    response = client_for(None).get(url)
    page = response.content.decode()
    assert response.status_code == 404
    assert words in page and 'class="brand"' in page and 'href="/' in page and "favicon.svg" in page


@pytest.mark.parametrize(("prefix", "words"), [("", "Bạn không có quyền làm việc này"), ("/en", "You may not do this")])
def test_a_form_sent_without_its_security_token_gets_the_styled_bilingual_403_page(db, prefix, words):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(f"{prefix}/accounts/login/", {"username": "x", "password": "y"})
    page = response.content.decode()
    assert response.status_code == 403
    assert words in page and 'class="brand"' in page and "favicon.svg" in page


def test_server_errors_are_styled(rf, db):
    from django.contrib.auth.models import AnonymousUser

    from sangtao.portal.views import server_error

    request = rf.get("/")
    request.user = AnonymousUser()
    response = server_error(request)
    assert response.status_code == 500 and "Hệ thống đang gặp sự cố" in response.content.decode()


def test_accessibility_statement_names_the_target_and_the_checks(db):
    page = client_for(None).get("/accessibility/").content.decode()
    assert "WCAG" in page and "2.2" in page and "axe-core" in page
    assert "Accessibility statement" in client_for(None).get("/en/accessibility/").content.decode()


def test_api_docs_load_swagger_ui_from_the_site_never_a_cdn(db):
    page = client_for(None).get("/api/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in page and "/static/ninja/swagger-ui.css" in page
    assert "cdn" not in page.lower() and "http" not in page.replace("http-equiv", "")
    assert '<html lang="vi">' in page


def test_membership_of_a_new_role_changes_the_menu(db, dost_unit):
    user = make_user("newcomer")
    assert "admin" not in menu_urls(user)
    from sangtao.orgs.models import Membership

    Membership.objects.create(user=user, role=Role.DOST_COORDINATOR, unit=dost_unit)
    assert "/manage/units/" in menu_urls(user)["admin"]


def test_a_members_invitation_to_score_needs_action_until_their_last_sheet(selection):
    from sangtao.review import services as review_services

    council, member = selection["council"], selection["experts"][0]
    note = Notification.objects.get(recipient=member.user, subject=f"council:{council.pk}")
    assert note.action_needed and note.read_at is None
    leaves = {c.code: c.pk for c in council.rubric.leaves()}
    items = list(council.assignments.filter(expert=member))
    for number, item in enumerate(items):
        review_services.declare(item, member.user, has_conflict=False)
        review_services.save_scores(item, member.user, {leaves["1"]: 12, leaves["2"]: 40, leaves["3"]: 30}, {})
        review_services.submit_scoresheet(item, member.user)
        note.refresh_from_db()
        assert (note.read_at is None) == (number < len(items) - 1)


def test_the_admin_is_named_for_the_platform_and_its_sections_in_vietnamese_and_english(dost):
    dost.is_staff = dost.is_superuser = True  # as DoST's coordinators who keep the rules are
    dost.save(update_fields=["is_staff", "is_superuser"])
    client = client_for(dost)
    page = client.get("/admin/").content.decode()
    assert "Sáng Tạo — quản trị quy tắc và dữ liệu" in page and "Django" not in page
    assert ">Bài toán<" in page and ">Năng lực đổi mới<" in page and ">Challenges<" not in page
    from django.apps import apps
    from django.utils import translation

    with translation.override("en"):  # the admin itself is Vietnamese (no /en/ prefix); its names are not only so
        assert [str(apps.get_app_config(label).verbose_name) for label in ("challenges", "capacity", "knowledge")] == [
            "Challenges", "Innovation capacity", "Knowledge"]


def test_the_english_menu_names_its_lists_in_the_plural(dost):
    response = client_for(dost).get("/en/accessibility/")
    labels = {str(link.label) for group in response.context["menu_groups"] for link in group.links}
    assert {"Experts", "Solver organisations", "Complaints", "Units", "Fields"} <= labels
    assert not labels & {"Expert", "Solver organisation", "Complaint", "Unit", "Field"}
