"""Experts and complaints are fetched through their access helpers: 404 for who may not see them."""

import datetime

import pytest
from django.http import Http404

from conftest import client_for, score_all
from sangtao.review import services
from sangtao.review.access import get_complaint_for, get_expert_for

pytestmark = pytest.mark.django_db


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
