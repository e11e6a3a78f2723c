import json

import pytest
from django.test import Client

from conftest import ApiClient, openapi_schema
from sangtao.accounts.models import ApiToken
from sangtao.challenges.models import Challenge, Status


def payload(field, unit, **overrides):
    data = {
        "title": "Đỗ xe thông minh", "summary": "Thiếu chỗ đỗ", "problem_statement": "Xe chạy vòng tìm chỗ.",
        "field_id": field.pk, "owner_unit_id": unit.pk, "facet": "enhancement",
        "call_opens_at": "2030-01-01T08:00:00+07:00", "call_closes_at": "2030-03-01T17:00:00+07:00",
        "indicators": [{"name": "Thời gian tìm chỗ", "unit_of_measure": "phút", "baseline_value": "18"}],
        "tags": ["đỗ xe"],
    }
    data.update(overrides)
    return data


def test_api_move_names_equal_the_workflow_table():
    from typing import get_args

    from sangtao.challenges.api import MoveName
    from sangtao.challenges.workflow import MOVES

    assert set(get_args(MoveName)) == {name for name, move in MOVES.items() if not move.service_only}


def test_schema_is_served_and_lists_the_lifecycle():
    schema = openapi_schema()
    assert "/api/v1/challenges/{challenge_id}/moves/{move}" in schema["paths"]
    assert "/api/v1/follows" in schema["paths"]


@pytest.mark.django_db
def test_schema_endpoint(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.json()["info"]["title"] == "Sáng Tạo API"


@pytest.mark.django_db
def test_full_lifecycle_with_bearer_tokens(officer, leader, dost, field, health):
    tokens = {user.username: ApiToken.issue(user, "ci")[1] for user in (officer, leader, dost)}
    created = ApiClient(token=tokens["officer"]).post("/challenges", payload(field, health))
    assert created.status_code == 201, created.content
    cid = created.json()["id"]
    assert created.json()["status"] == "draft" and created.json()["available_moves"] == ["submit", "withdraw"]
    edited = ApiClient(token=tokens["officer"]).put(f"/challenges/{cid}", {**payload(field, health, title="Bãi đỗ xe"),
                                                                            "expected_version": 1})
    assert edited.json()["version"] == 2 and edited.json()["title"] == "Bãi đỗ xe"
    for who, move in (("officer", "submit"), ("leader", "unit_approve"), ("dost", "approve"), ("dost", "publish")):
        response = ApiClient(token=tokens[who]).post(f"/challenges/{cid}/moves/{move}", {})
        assert response.status_code == 200, (move, response.content)
    assert Challenge.objects.get(pk=cid).status == Status.PUBLISHED
    assert ApiClient().get(f"/challenges/{cid}").json()["status"] == "published"


@pytest.mark.django_db
def test_errors_are_json_with_code_and_field(officer, field, health, dost):
    api = ApiClient(officer)
    missing = api.post("/challenges", {"title": ""})
    assert missing.status_code == 422
    body = missing.json()
    assert body["code"] == "validation_error" and body["errors"] and body["field"]
    bad_dates = api.post("/challenges", payload(field, health, call_closes_at="2029-01-01T00:00:00+07:00"))
    assert bad_dates.status_code == 422 and bad_dates.json()["field"] == "call_closes_at"
    english = api.post("/challenges", payload(field, health, call_closes_at="2029-01-01T00:00:00+07:00"),
                       HTTP_ACCEPT_LANGUAGE="en")
    assert english.json()["code"] == "invalid"
    cid = api.post("/challenges", payload(field, health)).json()["id"]
    denied = api.post(f"/challenges/{cid}/moves/approve", {})
    assert denied.status_code == 403 and denied.json()["code"] == "not_allowed"
    stale = ApiClient(dost).post(f"/challenges/{cid}/moves/approve", {"expected_status": "dost_review"})
    assert stale.status_code == 409 and stale.json()["current_status"] == "draft"


@pytest.mark.django_db
def test_stale_edit_returns_409_with_current_version(officer, field, health):
    api = ApiClient(officer)
    cid = api.post("/challenges", payload(field, health)).json()["id"]
    api.put(f"/challenges/{cid}", {**payload(field, health), "expected_version": 1})
    stale = api.put(f"/challenges/{cid}", {**payload(field, health), "expected_version": 1})
    assert stale.status_code == 409 and stale.json()["current_version"] == 2


@pytest.mark.django_db
def test_writes_need_authentication(field, health):
    response = ApiClient().post("/challenges", payload(field, health))
    assert response.status_code == 401


@pytest.mark.django_db
def test_revoked_or_wrong_token_is_refused(officer, outsider):
    token, raw = ApiToken.issue(officer, "x")
    assert ApiClient(token=raw).get("/follows").status_code == 200
    token.revoked_at = token.created_at
    token.save()
    assert ApiClient(token=raw).get("/follows").status_code == 401
    assert ApiClient(token="st_wrong").get("/challenges").status_code == 401


@pytest.mark.django_db
def test_session_writes_need_csrf(outsider, make_challenge):
    challenge = make_challenge(Status.PUBLISHED)
    client = Client(enforce_csrf_checks=True)
    client.force_login(outsider)
    response = client.post("/api/v1/follows", json.dumps({"kind": "challenge", "id": challenge.pk}),
                           content_type="application/json")
    assert response.status_code in (401, 403)
    client.get("/")  # obtains the CSRF cookie
    token = client.cookies["csrftoken"].value
    response = client.post("/api/v1/follows", json.dumps({"kind": "challenge", "id": challenge.pk}),
                           content_type="application/json", HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 201


@pytest.mark.django_db
def test_a_wrong_token_beside_a_session_cookie_is_a_wrong_token(outsider, make_challenge):
    challenge = make_challenge(Status.PUBLISHED)
    client = Client(enforce_csrf_checks=True)
    client.force_login(outsider)
    response = client.post("/api/v1/follows", json.dumps({"kind": "challenge", "id": challenge.pk}),
                           content_type="application/json", HTTP_AUTHORIZATION="Bearer st_bogus")
    assert response.status_code == 401  # the token is judged, not the session's missing CSRF header


@pytest.mark.django_db
def test_list_filters_paginate_and_validate(make_challenge, field):
    for index in range(3):
        make_challenge(Status.PUBLISHED, title=f"Bài toán {index}")
    api = ApiClient()
    page = api.get("/challenges?page_size=2&page=2&field=y-te&sort=closing").json()
    assert page["count"] == 3 and page["num_pages"] == 2 and len(page["results"]) == 1
    assert api.get("/challenges?page_size=500").status_code == 422
    assert api.get("/challenges?status=nonsense").status_code == 422


@pytest.mark.django_db
def test_units_and_fields_endpoints(city, health, ward, field):
    api = ApiClient()
    units = api.get("/units?q=sai%20gon").json()
    assert [u["name"] for u in units["results"]] == ["Phường Sài Gòn"]
    assert api.get(f"/units/{health.pk}").json()["code"] == "SOYTE"
    assert api.get("/fields").json()[0]["slug"] == "y-te"
