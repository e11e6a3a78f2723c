"""Who sees a challenge in each state, through every page and endpoint that shows one."""

import pytest

from conftest import ALL_STATES, ApiClient, client_for
from sangtao.challenges.models import PUBLIC_STATUSES, Status

INTERNAL_ROLES = {"dost", "officer", "leader"}
ALL_ROLES = ["dost", "officer", "leader", "other_unit_officer", "expert", "solver", "outsider", "anonymous"]


def may_see(role, state):
    return state in PUBLIC_STATUSES or role in INTERNAL_ROLES


@pytest.mark.django_db
@pytest.mark.parametrize("state", ALL_STATES)
def test_visibility_matrix_for_pages_and_api(state, roles, make_challenge):
    challenge = make_challenge(state)
    for role in ALL_ROLES:
        user = roles[role]
        client = client_for(user)
        expected = 200 if may_see(role, state) else 404
        for url in (f"/challenges/{challenge.pk}/", f"/en/challenges/{challenge.pk}/",
                    f"/challenges/{challenge.pk}/history/"):
            assert client.get(url).status_code == expected, (role, state, url)
        api = ApiClient(user)
        assert api.get(f"/challenges/{challenge.pk}").status_code == expected, (role, state)
        assert api.get(f"/challenges/{challenge.pk}/transitions").status_code == expected
        assert api.get(f"/challenges/{challenge.pk}/questions").status_code == expected
        listed = [item["id"] for item in api.get("/challenges?page_size=100").json()["results"]]
        assert (challenge.pk in listed) == may_see(role, state), (role, state)
        public_list = client.get("/challenges/").content.decode()
        assert (challenge.title in public_list) == (state in PUBLIC_STATUSES)


@pytest.mark.django_db
@pytest.mark.parametrize("state", ALL_STATES)
def test_edit_page_matrix(state, roles, make_challenge):
    challenge = make_challenge(state)
    for role in ALL_ROLES:
        response = client_for(roles[role]).get(f"/challenges/{challenge.pk}/edit/")
        if roles[role] is None:
            assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        elif not may_see(role, state):
            assert response.status_code == 404, (role, state)
        elif state == Status.DRAFT and role in INTERNAL_ROLES:
            assert response.status_code == 200, (role, state)
        else:
            assert response.status_code == 302, (role, state)  # back to the page with a message


@pytest.mark.django_db
def test_outsider_gets_404_for_draft_identical_to_a_missing_id(outsider, make_challenge):
    challenge = make_challenge(Status.DRAFT)
    client = client_for(outsider)
    hidden = client.get(f"/challenges/{challenge.pk}/")
    missing = client.get("/challenges/999999/")
    assert hidden.status_code == missing.status_code == 404
    assert challenge.title not in hidden.content.decode()


@pytest.mark.django_db
def test_internal_comments_never_appear_on_the_public_page(make_challenge, dost, outsider):
    from sangtao.challenges import services

    challenge = make_challenge(Status.DOST_REVIEW)
    services.add_comment(challenge, dost, "Ghi chú nội bộ bí mật")
    for move in ("approve", "publish"):
        services.apply_move(challenge, dost, move)
    assert "Ghi chú nội bộ bí mật" in client_for(dost).get(f"/challenges/{challenge.pk}/").content.decode()
    for user in (outsider, None):
        page = client_for(user).get(f"/challenges/{challenge.pk}/").content.decode()
        assert "Ghi chú nội bộ bí mật" not in page
        assert "lý do thử nghiệm" not in page  # internal transition reasons stay internal


@pytest.mark.django_db
def test_public_history_shows_public_events_only(make_challenge, outsider):
    challenge = make_challenge(Status.PUBLISHED)
    transitions = ApiClient(outsider).get(f"/challenges/{challenge.pk}/transitions").json()
    assert [t["to_status"] for t in transitions] == ["published"]
    assert transitions[0]["actor"] is None


@pytest.mark.django_db
def test_co_owning_unit_staff_see_the_draft(make_challenge, ward, ward_officer):
    challenge = make_challenge(Status.DRAFT)
    assert client_for(ward_officer).get(f"/challenges/{challenge.pk}/").status_code == 404
    challenge.co_owner_units.add(ward)
    assert client_for(ward_officer).get(f"/challenges/{challenge.pk}/").status_code == 200
    assert not ward_officer.has_perm("challenges.edit_challenge", challenge)


@pytest.mark.django_db
def test_portfolio_and_management_pages_are_404_for_everyone_but_dost(roles):
    for role in ALL_ROLES:
        client = client_for(roles[role])
        for url in ("/portfolio/", "/manage/units/", "/manage/users/", "/manage/fields/"):
            status = client.get(url).status_code
            if role == "dost":
                assert status == 200, url
            elif roles[role] is None:
                assert status == 302
            else:
                assert status == 404, (role, url)


@pytest.mark.django_db
def test_a_field_is_named_in_the_readers_language(make_challenge):
    challenge = make_challenge(Status.PUBLISHED)  # in the field "Y tế", "Health" in English
    english = client_for(None).get("/en/challenges/").content.decode()
    assert ">Health</option>" in english and '<span class="tag">Health</span>' in english
    assert ">Y tế</option>" not in english
    assert "Health" in client_for(None).get(f"/en/challenges/{challenge.pk}/").content.decode()
    assert ">Y tế</option>" in client_for(None).get("/challenges/").content.decode()


@pytest.mark.django_db
def test_a_budget_range_is_written_as_the_readers_language_writes_amounts(make_challenge):
    challenge = make_challenge(Status.PUBLISHED, budget_min_vnd=800_000_000, budget_max_vnd=2_500_000_000)
    assert "800.000.000 – 2.500.000.000 đ" in client_for(None).get(f"/challenges/{challenge.pk}/").content.decode()
    english = client_for(None).get(f"/en/challenges/{challenge.pk}/").content.decode()
    assert "VND 800,000,000 – 2,500,000,000" in english and "2,500,000,000 đ" not in english
