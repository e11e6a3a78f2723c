"""Shared fixtures: the standard roles, units, fields, challenges in any state, and an
API client that validates every response against the OpenAPI schema."""

import datetime
import json
import re
from decimal import Decimal

import jsonschema
import pytest
from django.test import Client
from django.utils import timezone

from sangtao.challenges import services
from sangtao.challenges.models import Challenge, Field, Status
from sangtao.core.tasks import run_pending
from sangtao.orgs.models import Membership, OrgUnit, Role, UnitKind

PASSWORD = "test-pass-123"  # noqa: S105 -- test accounts only

# The moves that lead from a new draft to each state.
PATH_TO = {
    Status.DRAFT: [],
    Status.UNIT_REVIEW: ["submit"],
    Status.DOST_REVIEW: ["submit", "unit_approve"],
    Status.APPROVED: ["submit", "unit_approve", "approve"],
    Status.PUBLISHED: ["submit", "unit_approve", "approve", "publish"],
    Status.CLOSED: ["submit", "unit_approve", "approve", "publish", "close"],
    Status.REJECTED: ["submit", "unit_approve", "reject"],
    Status.WITHDRAWN: ["withdraw"],
    Status.CANCELLED: ["submit", "unit_approve", "approve", "publish", "cancel"],
}
ALL_STATES = list(PATH_TO)


def pytest_configure(config):
    from django.conf import settings

    # Tests create many users; a slow password hash would dominate the run time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _default_language():
    """The test client leaves the last request's language active in the thread; reset it."""
    from django.utils import translation

    translation.activate("vi")
    yield
    translation.deactivate()


@pytest.fixture
def city(db):
    return OrgUnit.objects.create(kind=UnitKind.PROVINCE, code="79", name="Thành phố Hồ Chí Minh")


@pytest.fixture
def dost_unit(city):
    return OrgUnit.objects.create(kind=UnitKind.DOST, code="SKHCN", name="Sở Khoa học và Công nghệ", parent=city)


@pytest.fixture
def health(city):
    return OrgUnit.objects.create(kind=UnitKind.DEPARTMENT, code="SOYTE", name="Sở Y tế", parent=city)


@pytest.fixture
def ward(city):
    return OrgUnit.objects.create(kind=UnitKind.WARD, code="26740", name="Phường Sài Gòn", parent=city)


def make_user(username, role=None, unit=None, **extra):
    from sangtao.accounts.models import User

    user = User.objects.create_user(username=username, email=f"{username}@example.vn", password=PASSWORD, **extra)
    if role:
        Membership.objects.create(user=user, role=role, unit=unit)
    return user


@pytest.fixture
def dost(dost_unit):
    return make_user("dost", Role.DOST_COORDINATOR, dost_unit, full_name="Trần Minh Khoa")


@pytest.fixture
def officer(health):
    return make_user("officer", Role.OFFICER, health, full_name="Nguyễn Thị Hồng")


@pytest.fixture
def leader(health):
    return make_user("leader", Role.LEADER, health, full_name="Lê Văn Đức")


@pytest.fixture
def ward_officer(ward):
    return make_user("officer2", Role.OFFICER, ward)


@pytest.fixture
def expert(db):
    return make_user("expert", Role.EXPERT, None)


@pytest.fixture
def solver(city):
    org = OrgUnit.objects.create(kind=UnitKind.SOLVER, code="0312345678", name="Công ty Giải pháp Xanh")
    return make_user("solver", Role.SOLVER, org)


@pytest.fixture
def outsider(db):
    return make_user("citizen", language="vi")


@pytest.fixture
def roles(dost, officer, leader, ward_officer, expert, solver, outsider):
    """Every standard role; None stands for an anonymous visitor."""
    return {
        "dost": dost, "officer": officer, "leader": leader, "other_unit_officer": ward_officer,
        "expert": expert, "solver": solver, "outsider": outsider, "anonymous": None,
    }


@pytest.fixture
def field(db):
    return Field.objects.create(name="Y tế", name_en="Health", slug="y-te")


def challenge_data(field, owner, **overrides):
    now = timezone.now()
    data = {
        "title": "Giảm thời gian chờ khám tại bệnh viện",
        "summary": "Người bệnh chờ quá lâu.",
        "problem_statement": "Thời gian chờ trung bình 3 giờ.",
        "field": field,
        "owner_unit": owner,
        "facet": "enhancement",
        "selection_mode": "open",
        "call_opens_at": now - datetime.timedelta(days=1),
        "call_closes_at": now + datetime.timedelta(days=20),
        "indicators": [{"name": "Thời gian chờ", "unit_of_measure": "phút", "baseline_value": Decimal("180"),
                        "target_value": Decimal("60")}],
        "tags": ["bệnh viện"],
    }
    data.update(overrides)
    return data


@pytest.fixture
def make_challenge(field, health, officer, leader, dost):
    """Create a challenge owned by the Department of Health and drive it to a state."""

    def make(state=Status.DRAFT, **overrides):
        challenge = services.create_draft(officer, challenge_data(field, health, **overrides))
        actors = {"submit": officer, "unit_approve": leader, "withdraw": officer}
        for move in PATH_TO[state]:
            challenge = services.apply_move(challenge, actors.get(move, dost), move, "lý do thử nghiệm")
        return Challenge.objects.get(pk=challenge.pk)

    return make


def client_for(user):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def process_tasks(db):
    return run_pending


# --- API client validating responses against the OpenAPI schema ------------------------

_SCHEMA = None


def openapi_schema():
    global _SCHEMA
    if _SCHEMA is None:
        from sangtao.api import api

        _SCHEMA = json.loads(json.dumps(api.get_openapi_schema(path_prefix="/api/v1/")))
    return _SCHEMA


def _operation(method: str, path: str):
    schema = openapi_schema()
    for template, operations in schema["paths"].items():
        pattern = "^" + re.sub(r"\{[^}]+\}", r"[^/]+", template) + "$"
        if re.match(pattern, path) and method in operations:
            return operations[method]
    raise AssertionError(f"{method.upper()} {path} is not in the OpenAPI schema")


def validate_response(method: str, path: str, response) -> None:
    operation = _operation(method, path.split("?")[0])
    documented = operation["responses"].get(str(response.status_code))
    assert documented is not None, f"{method.upper()} {path} returned undocumented {response.status_code}"
    content = documented.get("content", {}).get("application/json")
    if content is None:
        return
    body_schema = dict(content["schema"])
    body_schema["components"] = openapi_schema().get("components", {})
    jsonschema.validate(json.loads(response.content), body_schema)


class ApiClient:
    """Calls /api/v1/ and checks each response against the published schema."""

    def __init__(self, user=None, token=None):
        self.client = client_for(user)
        self.headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}

    def _call(self, method, path, payload=None, **headers):
        url = "/api/v1" + path
        kwargs = {**self.headers, **headers}
        if payload is not None:
            kwargs.update(data=json.dumps(payload, default=str), content_type="application/json")
        response = getattr(self.client, method)(url, **kwargs)
        validate_response(method, "/api/v1" + path, response)
        return response

    def get(self, path, **headers):
        return self._call("get", path, **headers)

    def post(self, path, payload=None, **headers):
        return self._call("post", path, payload if payload is not None else {}, **headers)

    def put(self, path, payload, **headers):
        return self._call("put", path, payload, **headers)

    def delete(self, path, **headers):
        return self._call("delete", path, **headers)


@pytest.fixture
def api_client():
    return ApiClient
