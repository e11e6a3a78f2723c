"""Experts and complaints are fetched through their access helpers: 404 for who may not see them."""

import datetime

import pytest
from django.http import Http404

from conftest import SELECTION_WORLD, client_for, module_world, score_all, selection_world
from sangtao.review import services
from sangtao.review.access import get_complaint_for, get_expert_for

pytestmark = pytest.mark.django_db

globals().update(module_world(selection_world, SELECTION_WORLD))  # built once: a council with its proposals


def test_an_expert_opens_only_their_own_profile_and_dost_opens_every_one(selection, dost):
    mine, other = selection["experts"][:2]
    client = client_for(mine.user)
    assert client.get(f"/experts/{mine.pk}/").status_code == 200
    assert client.get(f"/experts/{other.pk}/").status_code == 404
    assert client.post(f"/experts/{other.pk}/relationships/", {"kind": "employer"}).status_code == 404
    assert client_for(dost).get(f"/experts/{other.pk}/").status_code == 200
    with pytest.raises(Http404):
        get_expert_for(dost, "không phải số")


def test_a_complaint_is_seen_by_dost_and_the_organisation_that_filed_it_only(selection, dost, solver):
    first, second = selection["proposals"]
    score_all(selection["council"], {first.pk: {"1": 12, "2": 40, "3": 30}, second.pk: {"1": 10, "2": 30, "3": 20}})
    services.record_decision(selection["challenge"], dost, proposal=first, rationale="Điểm cao nhất",
                             decided_on=datetime.date(2026, 11, 20))
    complaint = services.file_complaint(second, selection["other_member"], "Đề nghị xem lại điểm tiêu chí 2.")
    assert get_complaint_for(dost, complaint.pk) == complaint
    assert get_complaint_for(selection["other_member"], complaint.pk) == complaint
    with pytest.raises(Http404):
        get_complaint_for(solver, complaint.pk)  # the selected organisation did not file it


def test_an_expert_search_longer_than_200_characters_is_told_beside_the_box_and_lists_every_expert(selection, dost):
    client = client_for(dost)
    found = client.get("/experts/", {"q": "Chuyên gia 3"})
    assert "Chuyên gia 3" in found.content.decode() and "Chuyên gia 4" not in found.content.decode()
    response = client.get("/experts/", {"q": "ý" * 201})
    page = response.content.decode()
    assert response.status_code == 200 and 'id="q-error"' in page and "201" in page.split('id="q-error"')[1]
    assert all(expert.user.full_name in page for expert in selection["experts"])


def test_the_expert_search_is_kept_whole_in_the_links_to_further_pages(selection, dost):
    response = client_for(dost).get("/experts/", {"q": "y tế & bệnh viện"})
    assert response.context["querystring"] == "q=y+t%E1%BA%BF+%26+b%E1%BB%87nh+vi%E1%BB%87n"


def test_the_new_expert_form_names_its_account_field_in_the_pages_language(dost):
    page = client_for(dost).get("/experts/new/").content.decode()
    assert "Tài khoản người dùng" in page and ">User<" not in page
    assert "User account" in client_for(dost).get("/en/experts/new/").content.decode()
