"""Shared fixtures: the standard roles, units, fields, challenges in any state, and an
API client that validates every response against the OpenAPI schema."""

import datetime
import gc
import json
import os
import re
import shutil
import subprocess
import sys
from decimal import Decimal

import jsonschema
import pytest
from django.core.cache import caches
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


def _waits(item) -> bool:
    """A test that spends its time waiting on other processes (a real browser, worker processes...)."""
    return bool(item.get_closest_marker("browser") or item.get_closest_marker("waits"))


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """The order as two lanes, one per xdist worker: worksteal hands each worker one contiguous half of
    this list, then moves tests from the tail of the longer queue to an idle worker. Each lane starts
    with half of the slow tests, those that wait on a browser or on worker processes in one lane while
    the other runs those that compute, then the other way round: a worker waiting on Chromium leaves
    its core to the other (with all the waiting tests in one lane, as the default order gave, the run
    lasted as long as that lane, with a core idle). Quick tests fill the rest of both lanes.

    It runs after pytest-django's sort, which puts transactional tests last: not needed here, as the
    database is restored after each transactional test (pytest_runtest_teardown)."""
    waiting = [item for item in items if _waits(item)]
    computing = [item for item in items if item.get_closest_marker("slow") and not _waits(item)]
    slow = {id(item) for item in waiting + computing}
    quick = [item for item in items if id(item) not in slow]
    first = waiting[0::2] + computing[0::2]
    second = computing[1::2] + waiting[1::2]
    split = max(0, min(len(quick), (len(second) - len(first) + len(quick)) // 2))
    items[:] = first + quick[:split] + second + quick[split:]


# --- the test modules' assertions, rewritten once on a fresh checkout ----------------------------
# pytest rewrites the asserts of each test module on its first import and keeps the result beside it
# (__pycache__). On a fresh checkout (CI) both workers would rewrite every module at the same moment,
# in the same order: 2.8 s of CPU each. The second worker imports them from the last first, so the
# two meet in the middle and each module is rewritten once. Collection then finds them imported.

@pytest.hookimpl(wrapper=True)
def pytest_collection(session):
    if os.environ.get("PYTEST_XDIST_WORKER") == "gw1":
        import contextlib
        import importlib

        root = session.config.rootpath
        for path in sorted(root.glob("sangtao/*/tests/test_*.py"), reverse=True):
            # A module that fails or skips on import is imported again by the collection, which reports it.
            with contextlib.suppress(Exception, pytest.skip.Exception):
                importlib.import_module(".".join(path.relative_to(root).with_suffix("").parts))
    return (yield)


# --- the garbage collector after collection ------------------------------------------------------
# A worker holds 415,000 objects once it has imported and collected every test (modules, classes,
# the URL conf...), and with Python's default thresholds every tenth collection of the middle
# generation walked them all again: the two workers spent 15 s of CPU a run in the collector. Frozen,
# they are left out of every collection, and collecting less often (after 5,000 new objects rather
# than 700) halves the rest: 6 s. What the tests leave behind is still collected.

def pytest_collection_finish(session):
    gc.collect()
    gc.freeze()
    gc.set_threshold(5_000, 20, 100)


# --- every test on a deep frame stack -----------------------------------------------------------
# CPython 3.11 keeps the frames of a thread in chunks of 16 kB and gives a chunk back to the system as
# soon as the frame that opened it returns. A test whose calls go up and down across the end of a chunk
# (each page rendered through nested templates does) maps and unmaps memory thousands of times a
# second: in the crawl of every page, the kernel's side of that was 7.7 s of its 33 s, with 1.1 million
# page faults. So each test runs on top of a frame so large (a function with 16,400 local names, 131 kB)
# that the chunk opened for it (256 kB) holds every call the test makes above it: 0.4 s, 65,000 faults.

_LOCAL_NAMES = " = ".join(f"_{n}" for n in range(16_400))
_namespace: dict = {}
exec(compile(  # noqa: S102 -- our own source, written here: Python has no other way to give a frame its size
    f"def _on_a_deep_frame_stack(run):\n    if run is None:\n        {_LOCAL_NAMES} = None\n    return run()\n",
    __file__, "exec"), _namespace)
_on_a_deep_frame_stack = _namespace["_on_a_deep_frame_stack"]


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_protocol(item, nextitem):
    """pytest's own protocol for a test (set-up, call, tear-down, reports), run on the deep frame."""
    from _pytest import runner

    return _on_a_deep_frame_stack(lambda: runner.pytest_runtest_protocol(item, nextitem))


def pytest_configure(config):
    from django.conf import settings

    _migrate_the_template_while_the_workers_collect(config, settings)

    # Tests create many users; a slow password hash would dominate the run time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Each test client builds its own middleware, and WhiteNoise with finders stats and describes
    # every static file of every app each time (0.1 s, a tenth of a page test's time). Tests fetch
    # no static file through the client; the browser tests' live server serves them itself
    # (django's StaticFilesHandler), so WhiteNoise here would only serve a collected STATIC_ROOT.
    settings.WHITENOISE_USE_FINDERS = False
    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("postgresql"):
        # A test database need not survive a crash: commits need not wait for the disk (the browser
        # and race tests commit thousands of times). Only this process's sessions are affected.
        database.setdefault("OPTIONS", {})["options"] = "-c synchronous_commit=off"
        from sangtao.core.tests.template_db import flush_by_deleting

        flush_by_deleting()


def _migrate_the_template_while_the_workers_collect(config, settings) -> None:
    """In an xdist run, the controller starts the migration of the test database template
    (sangtao/core/tests/template_db.py) in a process of its own at once: the workers spend their
    first seconds collecting the tests, and then clone the template (waiting on its lock if it is
    not done) instead of one of them migrating while the others wait."""
    if (hasattr(config, "workerinput") or not config.getoption("numprocesses", None)
            or config.getoption("nomigrations", False) or config.getoption("reuse_db", False)
            or os.environ.get("TEST_DB_TEMPLATE", "1") == "0"):
        return
    config.stash[_TEMPLATE_BUILDER] = subprocess.Popen(  # noqa: S603 -- our own module, no input
        [sys.executable, "-m", "sangtao.core.tests.template_db"], cwd=str(config.rootpath),
        env={**os.environ, "DJANGO_SETTINGS_MODULE": settings.SETTINGS_MODULE},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


_TEMPLATE_BUILDER = pytest.StashKey[subprocess.Popen]()
_SEEDED_ROWS = pytest.StashKey[str]()


def _seeded_rows() -> str:
    """The rows the data migrations seeded (rules, rubric, purposes...), as JSON. Permissions and
    content types are left out: a flush's post_migrate signal creates them again."""
    from django.apps import apps
    from django.core import serializers

    rows = (row for model in apps.get_models() if model._meta.app_label not in ("auth", "contenttypes")
            for row in model._default_manager.order_by("pk"))
    return serializers.serialize("json", rows)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """A transactional test flushes every table when it ends, the seeded rows included: the database is
    put back as the migrations left it then, so that whichever test runs next on this worker finds it
    so (the order of pytest_collection_modifyitems does not keep transactional tests last). An SQLite
    test database made from a template is copied back from it instead of flushed: nothing to restore."""
    yield
    marker = item.get_closest_marker("django_db")
    transactional = ("transactional_db" in getattr(item, "fixturenames", ()) or "live_server" in
                     getattr(item, "fixturenames", ()) or (marker is not None and marker.kwargs.get("transaction")))
    # After the session's last test the test database is already gone (its fixture ends with that test).
    if (transactional and nextitem is not None and _SEEDED_ROWS in item.config.stash
            and _RESET_BY_COPY not in item.config.stash):
        from pytest_django.plugin import blocking_manager_key

        with item.config.stash[blocking_manager_key].unblock():
            restore_after_flush(item.config)


# Stashed when a transactional test's flush is replaced by copying back the template this process's
# SQLite test database came from (template_db.reset_to_template): nothing is left to restore.
_RESET_BY_COPY = pytest.StashKey[bool]()


def _copy_back_the_template_instead_of_flushing(config) -> None:
    from django.db import connections
    from django.test import TransactionTestCase

    from sangtao.core.tests import template_db

    flush = TransactionTestCase._fixture_teardown

    def _fixture_teardown(self):
        if not template_db.reset_to_template(connections["default"]):
            flush(self)

    if template_db.resets_by_copy(connections["default"]):
        TransactionTestCase._fixture_teardown = _fixture_teardown  # type: ignore[method-assign]
        config.stash[_RESET_BY_COPY] = True


def restore_after_flush(config) -> None:
    """The seeded rows back, and the cache emptied: the database cache's table is no model's, so a
    flush leaves it, and rate-limit counts a journey made from 127.0.0.1 would throttle the next
    test's sign-up."""
    from django.core import serializers
    from django.core.cache.backends.db import DatabaseCache
    from django.core.management.color import no_style
    from django.db import connection

    restored = set()
    for row in serializers.deserialize("json", config.stash[_SEEDED_ROWS]):
        row.save()
        restored.add(type(row.object))
    # The rows come back with their ids: the sequences must pass them (a flush may have reset them,
    # and the next insert would take id 1 again on PostgreSQL), as loaddata does.
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), list(restored)):
            cursor.execute(statement)
    if isinstance(caches["default"], DatabaseCache):  # a shared Redis is not ours to empty
        caches["default"].clear()


@pytest.fixture(scope="session")
def django_db_setup(request, django_test_environment, django_db_blocker, django_db_use_migrations, django_db_keepdb,
                    django_db_createdb, django_db_modify_db_settings):
    """pytest-django's database set-up, except that the workers clone one migrated template
    (sangtao/core/tests/template_db.py) instead of each running every migration."""
    from django.test.utils import setup_databases, teardown_databases
    from pytest_django.fixtures import _disable_migrations, _get_databases_for_setup

    from sangtao.core.tests import template_db

    keepdb = django_db_keepdb and not django_db_createdb
    aliases, serialized_aliases = _get_databases_for_setup(request.session.items)
    verbosity = request.config.option.verbose
    with django_db_blocker.unblock():
        if template_db.usable(aliases, serialized_aliases, keepdb, django_db_use_migrations):
            db_cfg = template_db.setup(verbosity)
            _copy_back_the_template_instead_of_flushing(request.config)
        else:
            if not django_db_use_migrations:
                _disable_migrations()
            db_cfg = setup_databases(verbosity=verbosity, interactive=False, aliases=aliases,
                                     serialized_aliases=serialized_aliases, keepdb=keepdb)
        request.config.stash[_SEEDED_ROWS] = _seeded_rows()
    yield
    if not django_db_keepdb:
        with django_db_blocker.unblock():
            from django.db import connections

            if left := template_db.end_other_sessions(connections["default"]):
                import warnings

                warnings.warn(f"sessions left on the test database: {left}", stacklevel=1)
            teardown_databases(db_cfg, verbosity=verbosity)


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


# --- the standard units and roles: each fixture makes one, standard_world() makes them all ---------------

UNITS = {  # fixture: (kind, code, name), each a unit of the city
    "dost_unit": (UnitKind.DOST, "SKHCN", "Sở Khoa học và Công nghệ"),
    "health": (UnitKind.DEPARTMENT, "SOYTE", "Sở Y tế"),
    "ward": (UnitKind.WARD, "26740", "Phường Sài Gòn"),
}
USERS = {  # fixture: (user name, role, the fixture of its unit, more fields)
    "dost": ("dost", Role.DOST_COORDINATOR, "dost_unit", {"full_name": "Trần Minh Khoa"}),
    "officer": ("officer", Role.OFFICER, "health", {"full_name": "Nguyễn Thị Hồng"}),
    "leader": ("leader", Role.LEADER, "health", {"full_name": "Lê Văn Đức"}),
    "ward_officer": ("officer2", Role.OFFICER, "ward", {}),
    "expert": ("expert", Role.EXPERT, None, {}),
    "outsider": ("citizen", None, None, {"language": "vi"}),
}


def make_city():
    return OrgUnit.objects.create(kind=UnitKind.PROVINCE, code="79", name="Thành phố Hồ Chí Minh")


def make_unit(fixture: str, city):
    kind, code, name = UNITS[fixture]
    return OrgUnit.objects.create(kind=kind, code=code, name=name, parent=city)


def make_user(username, role=None, unit=None, **extra):
    from sangtao.accounts.models import User

    user = User.objects.create_user(username=username, email=f"{username}@example.vn", password=PASSWORD, **extra)
    if role:
        Membership.objects.create(user=user, role=role, unit=unit)
    return user


def make_standard_user(fixture: str, unit=None):
    username, role, _unit_fixture, extra = USERS[fixture]
    return make_user(username, role, unit, **extra)


def make_solver():
    org = OrgUnit.objects.create(kind=UnitKind.SOLVER, code="0312345678", name="Công ty Giải pháp Xanh")
    return make_user("solver", Role.SOLVER, org)


def make_field():
    return Field.objects.create(name="Y tế", name_en="Health", slug="y-te")


@pytest.fixture
def city(db):
    return make_city()


@pytest.fixture
def dost_unit(city):
    return make_unit("dost_unit", city)


@pytest.fixture
def health(city):
    return make_unit("health", city)


@pytest.fixture
def ward(city):
    return make_unit("ward", city)


@pytest.fixture
def dost(dost_unit):
    return make_standard_user("dost", dost_unit)


@pytest.fixture
def officer(health):
    return make_standard_user("officer", health)


@pytest.fixture
def leader(health):
    return make_standard_user("leader", health)


@pytest.fixture
def ward_officer(ward):
    return make_standard_user("ward_officer", ward)


@pytest.fixture
def expert(db):
    return make_standard_user("expert")


@pytest.fixture
def solver(city):
    return make_solver()


@pytest.fixture
def outsider(db):
    return make_standard_user("outsider")


@pytest.fixture
def roles(dost, officer, leader, ward_officer, expert, solver, outsider):
    """Every standard role; None stands for an anonymous visitor."""
    return {
        "dost": dost, "officer": officer, "leader": leader, "other_unit_officer": ward_officer,
        "expert": expert, "solver": solver, "outsider": outsider, "anonymous": None,
    }


@pytest.fixture
def field(db):
    return make_field()


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
    return challenge_maker(field, health, officer, leader, dost)


def challenge_maker(field, health, officer, leader, dost):
    """Create a challenge owned by the Department of Health and drive it to a state."""

    def make(state=Status.DRAFT, **overrides):
        challenge = services.create_draft(officer, challenge_data(field, health, **overrides))
        actors = {"submit": officer, "unit_approve": leader, "withdraw": officer}
        for move in PATH_TO[state]:
            challenge = services.apply_move(challenge, actors.get(move, dost), move, "lý do thử nghiệm")
        return Challenge.objects.get(pk=challenge.pk)

    return make


def client_for(user):
    """A test client signed in as the user: a session holding what django.contrib.auth.login() puts in one
    (the user's id, the backend, the password's hash), written straight to the session store. login()
    itself, with its audit row and last-login time, is walked through the real sign-in form by the accounts
    tests; for the thousands of clients the other tests make it cost 2.3 ms and ten statements each."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, load_backend

    client = Client()
    if user is not None:
        session = import_module(settings.SESSION_ENGINE).SessionStore()
        session[SESSION_KEY] = user._meta.pk.value_to_string(user)
        # The first backend that can load a user, as Client.force_login picks it.
        session[BACKEND_SESSION_KEY] = next(path for path in settings.AUTHENTICATION_BACKENDS
                                            if hasattr(load_backend(path), "get_user"))
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.save()
        client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
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
    media = documented.get("content", {})
    content = media.get("application/json")
    if content is None:  # a file: of a type the schema names
        given = response.get("Content-Type", "").split(";")[0]
        assert not media or given in media, f"{method.upper()} {path} returned {given}, not one of {sorted(media)}"
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


# --- step 3: solver organisations, proposals, experts, councils ---------------------------

def proposal_data(challenge, **overrides):
    data = {
        "title": "Hệ thống đặt lịch khám thông minh",
        "summary": "Đặt lịch khám trực tuyến, phân luồng người bệnh.",
        "approach": "Ứng dụng di động và tổng đài tự động, tích hợp hệ thống thông tin bệnh viện.",
        "experience": "Đã triển khai tại 5 bệnh viện.",
        "risks": "Người cao tuổi khó dùng ứng dụng: giữ kênh tổng đài.",
        "team": [{"name": "Phạm Văn An", "role": "Chủ nhiệm", "email": "an@giaiphapxanh.vn", "experience": "10 năm"}],
        "team_informed": True,  # the applicant told the team (needed to submit)
        "workplan": [{"milestone": "Thí điểm", "start": "2027-01-01", "end": "2027-06-30", "deliverable": "Báo cáo"}],
        "budget_lines": [{"item": "Phát triển phần mềm", "amount_vnd": 800_000_000},
                         {"item": "Đào tạo", "amount_vnd": 200_000_000}],
        "budget_total_vnd": 1_000_000_000,
        "expected_results": {str(i.pk): "Giảm còn 45 phút" for i in challenge.indicators.all()},
    }
    data.update(overrides)
    return data


def make_solver_org(name, tax_code, username, verified=True):
    from sangtao.orgs.models import SolverProfile

    org = OrgUnit.objects.create(kind=UnitKind.SOLVER, code=tax_code, name=name)
    SolverProfile.objects.create(unit=org, org_type="enterprise", tax_code=tax_code, address="Quận 1",
                                 legal_representative="Người đại diện",
                                 verified_at=timezone.now() if verified else None)
    return org, make_user(username, Role.SOLVER, org, full_name=f"Thành viên {name}")


@pytest.fixture
def solver_org(solver):
    return make_solver_profile(solver)


def make_solver_profile(solver):
    """The solver's organisation, verified."""
    from sangtao.orgs.models import SolverProfile

    org = solver.memberships.get().unit
    SolverProfile.objects.create(unit=org, org_type="enterprise", tax_code=org.code, address="Quận 1",
                                 legal_representative="Phạm Văn An", verified_at=timezone.now())
    return org


def make_expert(username, full_name="", profile="", organisation=None, fields=()):
    from sangtao.review.models import Expert

    user = make_user(username, Role.EXPERT, None, full_name=full_name or username)
    expert = Expert.objects.create(user=user, profile=profile, organisation=organisation,
                                   organisation_name=organisation.name if organisation else "Đại học Bách khoa")
    expert.fields.set(fields)
    return expert


def close_call(challenge, dost):
    """Move the deadline into the past and close the call, as the close job would."""
    Challenge.objects.filter(pk=challenge.pk).update(call_closes_at=timezone.now() - datetime.timedelta(seconds=1))
    return services.apply_move(Challenge.objects.get(pk=challenge.pk), dost, "close", "hết hạn")


COUNCIL_ROLES = ["chair", "vice_chair", "secretary", "reviewer", "reviewer", "member", "member"]


@pytest.fixture
def selection(make_challenge, solver, solver_org, dost, field):
    return make_selection(make_challenge, solver, solver_org, dost, field)


def make_selection(make_challenge, solver, solver_org, dost, field):
    """A closed open call with two eligible proposals and a released seven-member council."""
    from sangtao.proposals import services as proposal_services
    from sangtao.review import services as review_services
    from sangtao.review.models import Council, CouncilRules, Rubric

    challenge = make_challenge(Status.PUBLISHED)
    other_org, other_member = make_solver_org("Viện Công nghệ Số", "0398765432", "solver2")
    first = proposal_services.start_proposal(challenge, solver, solver_org, proposal_data(challenge))
    second = proposal_services.start_proposal(challenge, other_member, other_org, proposal_data(
        challenge, title="Phân luồng bằng dữ liệu", team=[{"name": "Lê Thị Bình", "role": "Chủ nhiệm"}]))
    proposal_services.submit(first, solver)
    proposal_services.submit(second, other_member)
    challenge = close_call(challenge, dost)
    from sangtao.proposals.models import EligibilityCriterion

    everything = {c.pk: True for c in EligibilityCriterion.objects.all()}
    for proposal in (first, second):
        proposal_services.screen(proposal, dost, everything)
    experts = [make_expert(f"expert{i}", f"Chuyên gia {i}", "y tế bệnh viện đặt lịch khám", fields=[field])
               for i in range(7)]
    council = review_services.save_council(dost, Council(
        name="Hội đồng tuyển chọn Y tế 2026", rules=CouncilRules.objects.get(is_default=True),
        rubric=Rubric.objects.get(is_default=True)), [challenge])
    for expert, role in zip(experts, COUNCIL_ROLES, strict=True):
        review_services.add_member(dost, council, expert, role)
    review_services.assign_whole_council(dost, council)
    council = review_services.release_assignments(dost, council)
    first.refresh_from_db()
    second.refresh_from_db()
    return {"challenge": challenge, "proposals": [first, second], "experts": experts, "council": council,
            "other_member": other_member, "other_org": other_org}


def score_all(council, points_by_proposal):
    """Every assigned member declares no conflict and submits the given points (code -> points)."""
    from sangtao.review import services as review_services

    leaves = {c.code: c.pk for c in council.rubric.leaves()}
    for item in council.assignments.select_related("expert__user", "proposal"):
        review_services.declare(item, item.expert.user, has_conflict=False)
        points = points_by_proposal[item.proposal_id]
        if callable(points):
            points = points(item)
        review_services.save_scores(item, item.expert.user, {leaves[code]: value for code, value in points.items()},
                                    {leaves[code]: "nhận xét" for code in points})
        review_services.submit_scoresheet(item, item.expert.user)


# --- a real headless Chromium for browser tests --------------------------------------------

def _chromium_binary() -> str | None:
    """Chromium's headless shell where it is installed (Debian's package chromium-headless-shell, which
    .ci/run installs): the same Blink without the desktop browser around it, so a page load costs it
    two fifths less CPU, and a resize of the window half (the journeys' Chromium used 97 s of CPU,
    69 s with it). The binary itself, not Debian's /usr/bin wrapper: the wrapper runs it without exec,
    and chromedriver's quit would stop the wrapper and leave the browser running. Else the full browser."""
    for shell in ("/usr/lib/chromium/chromium-headless-shell", shutil.which("chrome-headless-shell")):
        if shell and os.access(shell, os.X_OK):
            return shell
    return shutil.which("chromium") or shutil.which("chromium-browser")


CHROMIUM = _chromium_binary()
HEADLESS_SHELL = CHROMIUM is not None and "headless-shell" in CHROMIUM
CHROMEDRIVER = shutil.which("chromedriver")
BROWSER_WINDOW = (1366, 900)  # the desktop width of the accessibility gate: no resize to check there
# How often a wait looks again (WebDriverWait's default is every half second: each page a journey
# loads would wait up to that long after it had loaded). A look costs a round trip of a few ms, and
# the citizen's journey still slept 1 s in all between its looks at 0.05 s.
POLL = 0.01
IMPLICIT_WAIT = 20  # seconds a find waits for its element: generous, CI runs the browser beside the rest of the suite


@pytest.fixture(scope="session")
def _chromium(tmp_path_factory, django_db_setup, live_server):
    """One headless Chromium per test process, shared by its browser tests: starting one costs
    more than a second, and each test starts from a clean state (the browser fixture).

    It comes after the test database and the live server, so it quits before them: the live server's
    request threads, each holding a database session, wait on the browser's kept-alive connections
    until it quits (on PostgreSQL the test database could not be dropped under them)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage",
                 # The shell runs Blink, the network service and the compositor in its own process: no page
                 # is untrusted here, and passing each navigation, request and frame between four processes
                 # cost a sixth of Chromium's CPU (the journeys: 70 -> 58 s, measured side by side).
                 *(["--single-process"] if HEADLESS_SHELL else []),
                 # Each navigation would otherwise keep the page it leaves alive in the back-forward
                 # cache and build the next in a new document host: a tenth of Chromium's CPU per page
                 # (no journey goes back).
                 "--disable-features=BackForwardCache,RenderDocument",
                 # Every page is a new document that runs axe-core's 560 kB afresh once or twice and is then
                 # thrown away: V8's optimising compilers (Maglev, TurboFan) spent more on compiling it than
                 # they saved. Its baseline compiler alone (Sparkplug) took a fifth off Chromium's CPU per
                 # checked page (210 -> 163 ms; the interpreter alone, or no JIT at all, cost more).
                 "--js-flags=--max-opt=1",
                 # The compositor on the page's main thread (as Blink's own layout tests run it), not on a
                 # thread of its own: nothing is shown, and handing each frame across threads was an eighth
                 # of Chromium's CPU per checked page. The window's size then no longer follows a resize
                 # at once (pages are laid out at a width through set_viewport, never set_window_size),
                 # and no picture can be taken: SCREENSHOTS=<dir>, which keeps pictures, keeps the thread.
                 *([] if os.environ.get("SCREENSHOTS") else ["--disable-threaded-compositing"]),
                 # The shell takes no profile folder (it then opens no page and chromedriver gives up):
                 # chromedriver gives it a new one of its own.
                 *([] if HEADLESS_SHELL else [f"--user-data-dir={tmp_path_factory.mktemp('chromium')}"]),
                 f"--window-size={BROWSER_WINDOW[0]},{BROWSER_WINDOW[1]}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.implicitly_wait(IMPLICIT_WAIT)
    axe = _axe_source()
    if axe is not None:
        # axe-core in every document the browser opens, ready for the accessibility gate: sending its
        # 560 kB with each check cost 60 ms a page, this 15 ms (scripts the protocol adds escape the CSP).
        driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": axe})
    yield driver
    driver.quit()


@pytest.fixture
def browser(_chromium):
    """The shared browser on a blank page, with no cookies or storage and the usual window size;
    after the test, nothing the pages did may have been refused by their Content-Security-Policy."""
    driver = _chromium
    driver.get("about:blank")
    driver.execute_cdp_cmd("Network.clearBrowserCookies", {})  # every site's, not only the open page's
    set_viewport(driver, *BROWSER_WINDOW)
    driver.get_log("browser")  # reading the log empties it: only this test's entries remain
    yield driver
    blocked = [entry["message"] for entry in driver.get_log("browser") if "Content Security Policy" in entry["message"]]
    driver.get("about:blank")
    assert blocked == [], "the pages did something their Content-Security-Policy refuses"


def set_viewport(browser, width: int, height: int) -> None:
    """Lay the pages out in a window of this size, as a phone or a desktop would show them (media
    queries, what is displayed, sideways scrolling): Chromium's device metrics, kept across pages until
    set again. The usual size is the window's own."""
    if (width, height) == BROWSER_WINDOW:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    else:
        browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                                {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})
    _VIEWPORTS[id(browser)] = (width, height)


def viewport(browser) -> tuple[int, int]:
    """The size the pages are laid out at now (set_viewport)."""
    return _VIEWPORTS.get(id(browser), BROWSER_WINDOW)


_VIEWPORTS: dict[int, tuple[int, int]] = {}


def absent(browser, by, selector) -> bool:
    """Whether the loaded page has no such element, answered at once: find_elements of something
    absent would wait the whole implicit wait (20 s) before saying so."""
    browser.implicitly_wait(0)
    try:
        return not browser.find_elements(by, selector)
    finally:
        browser.implicitly_wait(IMPLICIT_WAIT)


def log_in(browser, base, username):
    """Sign the browser in as `username` with a session cookie, without loading a page: each journey
    then opens the page it needs. The sign-in form itself is walked, with its checks, in the role-homes
    journey (log_in_to_home) and the accounts journey."""
    from django.conf import settings

    from sangtao.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username=username))
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    browser.execute_cdp_cmd("Network.clearBrowserCookies", {})
    browser.execute_cdp_cmd("Network.setCookie", {
        "url": base, "name": settings.SESSION_COOKIE_NAME, "value": session, "httpOnly": True, "sameSite": "Lax"})
    # A cookie the browser refused would leave the journey signed out, and its checks that a page does
    # not show something would pass for the wrong reason.
    cookies = browser.execute_cdp_cmd("Network.getCookies", {"urls": [base]})["cookies"]
    assert {"name": settings.SESSION_COOKIE_NAME, "value": session} in [
        {"name": c["name"], "value": c["value"]} for c in cookies], f"the browser did not take {username}'s session"


def click_and_wait(browser, by, selector, *, check: bool = True, what: str = "") -> None:
    """Click something that loads a new page, wait until that page has loaded, and put it through
    the accessibility gate (assert_accessible, both widths): every page a journey clicks its way to
    is checked. `check=False` only for a page that is not the site's (the test OpenID provider) or
    a step repeated in a loop whose last page is checked.

    A marker set on the old window vanishes with it. Polling the marker survives the moment the
    old document is torn down, where Selenium's staleness_of can fail with an inspector error
    ("Node with given id does not belong to the document") instead of reporting staleness.
    """
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.support.ui import WebDriverWait

    browser.execute_script("window.sangtaoOldPage = true")
    browser.find_element(by, selector).click()
    WebDriverWait(browser, 20, poll_frequency=POLL, ignored_exceptions=(WebDriverException,)).until(
        lambda driver: driver.execute_script("return !window.sangtaoOldPage && document.readyState === 'complete'"))
    if check:
        assert_accessible(browser, what=what)


# Each value in its field, then the field's input and change events, as typing ends: what Playwright's
# fill() does. Returns the ids of the fields a person could not have typed it in, as send_keys refused
# them: no such field or more than one, not shown, disabled or read-only, not a box one types in (a
# hidden input, a tick box, a file), longer than the field takes, a select without that option enabled,
# or a field that did not take the value (a number field given letters).
_FILL_IN = """
const refused = [];
for (const [id, value] of Object.entries(arguments[0])) {
  const found = document.querySelectorAll('#' + CSS.escape(id));
  const field = found[0];
  const usable = found.length === 1 && field.checkVisibility() && !field.disabled && !field.readOnly
    && !['hidden', 'checkbox', 'radio', 'file'].includes(field.type)
    && (field.maxLength === undefined || field.maxLength < 0 || value.length <= field.maxLength)
    && (field.tagName !== 'SELECT' || [...field.options].some(o => o.value === value && !o.disabled));
  if (!usable) { refused.push(id); continue; }
  field.value = value;
  if (field.value !== value) refused.push(id);  // before the page's own script reformats it (amounts)
  field.dispatchEvent(new Event('input', {bubbles: true}));
  field.dispatchEvent(new Event('change', {bubbles: true}));
}
return refused;
"""


def fill_in(browser, values: dict[str, str]) -> None:
    """Put each value in the field of that id on the loaded page, in one round trip. Typing it key by
    key through chromedriver (send_keys) cost 0.2 s a field of forty letters, a sixth of a journey's
    time; the server gets the same form either way. A journey about typing itself (suggestions as one
    types, the keyboard's way through the menu) and a file field still send keys."""
    refused = browser.execute_script(_FILL_IN, values)
    assert refused == [], f"fields no one could type these values in on {browser.current_url}: {refused}"


def visit(browser, url: str, *, what: str = "") -> None:
    """Open a page of a journey and put it through the accessibility gate at both widths."""
    browser.get(url)
    assert_accessible(browser, what=what)


# --- the accessibility gate: axe-core (from npm, `make test` runs npm ci) in the real browser --------

AXE_JS = __import__("pathlib").Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
DESKTOP, PHONE = (1366, 900), (390, 844)


def _axe_source() -> str | None:
    """axe-core's script, or None when npm ci has not been run (which fails CI: see assert_accessible)."""
    return AXE_JS.read_text(encoding="utf-8") if AXE_JS.exists() else None


# Run only the rules that can report a critical or serious violation (a rule's impact is the highest
# its checks can give), among those axe runs by default: the others can never fail the gate. How far
# the page scrolls sideways is returned with the violations (one round trip to the browser per width).
_AXE_RUN = """
const done = arguments[arguments.length - 1];
const rules = axe._audit.rules.filter(r => r.enabled !== false && !(r.tags || []).includes('experimental')
  && (!r.impact || r.impact === 'critical' || r.impact === 'serious')).map(r => r.id);
const overflow = () => document.documentElement.scrollWidth - document.documentElement.clientWidth;
// Words a table cell breaks inside ("Nă|m", "20|26"): a piece of a word between spaces or hyphens whose
// letters sit on two lines. Only on a narrow screen, where cells may break long words (site.css), and
// only text that wraps is looked at word by word.
const broken = () => {
  const found = new Set();
  if (window.innerWidth > 800) return [];
  const range = document.createRange();
  const lines = (node, start, end) => {
    range.setStart(node, start); range.setEnd(node, end);
    return new Set(Array.from(range.getClientRects(), r => Math.round(r.top))).size;
  };
  for (const cell of document.querySelectorAll('main td, main th')) {
    if (cell.getBoundingClientRect().width < 2) continue;  // visually hidden (a stacked table's headings)
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.textContent;
      if (!text.trim() || lines(node, 0, text.length) < 2) continue;
      for (const piece of text.matchAll(/[^\\s\\-\\u2010-\\u2014]{2,}/g)) {
        if (lines(node, piece.index, piece.index + piece[0].length) > 1) found.add(piece[0]);
      }
    }
  }
  return [...found].slice(0, 5);
};
axe.run(document, {resultTypes: ['violations'], runOnly: {type: 'rule', values: rules}}).then(r => {
  done([r.violations, overflow(), broken()]);
}, e => done([[{id: 'axe-error', impact: 'critical', help: String(e), nodes: []}], overflow(), []]));
"""
# What the page is now (its address and markup, the per-response CSRF token left out), and whether axe
# is in it.
_PAGE_STATE = """
const html = location.href + document.documentElement.outerHTML.replace(/value="[^"]*"/g, '');
let h = 0;
for (let i = 0; i < html.length; i++) h = (Math.imul(31, h) + html.charCodeAt(i)) | 0;
return [String(h) + ':' + html.length, !!window.axe];
"""
# The pages this process's browser has checked, each as "<width>|<fingerprint>": a page is checked
# once at a width as it is, even when a journey comes back to it unchanged (17 of 222 checks were).
_CHECKED_PAGES: set[str] = set()


def assert_accessible(browser, widths=(DESKTOP, PHONE), what="") -> None:
    """Run axe-core on the page as it is now, at desktop and phone widths: no critical or serious violation.

    The browser puts axe in every document it opens (the _chromium fixture, through the DevTools
    protocol: never a script in the page, which the CSP forbids; no CDN is used). Call it after each
    interaction that changes the page (click_and_wait and visit call it for every page they load); a
    page already checked as it is now, at a width, is not checked again (the same address and markup
    give the same answer). The pages are left laid out at the size they had (set_viewport). Without
    node_modules (npm ci not run) it fails when REQUIRE_BROWSER is set (CI) and warns otherwise.
    """
    import os
    import warnings

    if not AXE_JS.exists():
        message = f"axe-core is not installed ({AXE_JS}): run `npm ci` (make test does)"
        if os.environ.get("REQUIRE_BROWSER"):
            raise AssertionError(message)
        warnings.warn(message, stacklevel=2)
        return
    original = viewport(browser)
    fingerprint, has_axe = browser.execute_script(_PAGE_STATE)
    if not has_axe:  # a document the browser opened before axe was registered with it
        browser.execute_script(_axe_source())
    todo = [(w, h) for w, h in widths if f"{w}|{fingerprint}" not in _CHECKED_PAGES]
    # The current width first: one change of width fewer.
    todo.sort(key=lambda size: size[0] != original[0])
    found = []
    size = original
    try:
        for width, height in todo:
            if (width, height) != size:
                set_viewport(browser, width, height)
                size = (width, height)
            violations, scroll, broken = browser.execute_async_script(_AXE_RUN)
            for violation in violations:
                if violation["impact"] in ("critical", "serious"):
                    targets = "; ".join(" ".join(map(str, node["target"])) for node in violation["nodes"][:5])
                    found.append(f"[{width}px] {violation['impact']} {violation['id']}: {violation['help']} -> {targets}")
            if scroll > 0:
                found.append(f"[{width}px] serious horizontal-scroll: the page is {scroll}px wider than the window")
            if broken:
                found.append(f"[{width}px] serious broken-words: table cells break words inside: {', '.join(broken)}")
    finally:
        if size != original:
            set_viewport(browser, *original)
    where = what or browser.current_url
    assert not found, f"accessibility violations on {where}:\n" + "\n".join(found)
    _CHECKED_PAGES.update(f"{width}|{fingerprint}" for width, _height in todo)


# --- step 4: a project under way --------------------------------------------------------------

@pytest.fixture
def project(selection, dost, ward):
    return make_project(selection, dost, ward)


def make_project(selection, dost, ward):
    """The selection decided in favour of the first proposal, and its project planned."""
    from sangtao.projects import services as project_services
    from sangtao.review import services as review_services

    first, second = selection["proposals"]
    score_all(selection["council"], {first.pk: {"1": 12, "2": 40, "3": 30}, second.pk: {"1": 8, "2": 30, "3": 20}})
    decision = review_services.record_decision(selection["challenge"], dost, proposal=first, rationale="Điểm cao nhất",
                                               decided_on=datetime.date(2026, 1, 5))
    today = timezone.localdate()
    return project_services.create_project(decision, dost, {
        "contract_number": "01/2026/HĐ", "contract_value_vnd": 1_000_000_000,
        "starts_on": today - datetime.timedelta(days=20), "ends_on": today + datetime.timedelta(days=300),
        "report_every_days": 30, "partners": [(ward, "Triển khai thí điểm tại phường")],
        "milestones": [
            {"title": "Thiết kế hệ thống", "due_on": today + datetime.timedelta(days=10), "tranche_vnd": 300_000_000},
            {"title": "Thí điểm tại bệnh viện", "due_on": today + datetime.timedelta(days=120)},
        ],
    })


# --- a world built once for a whole module -------------------------------------------------------

STANDARD = ("city", *UNITS, *USERS, "solver", "field")  # the fixtures standard_world() makes
SELECTION_WORLD = (*STANDARD, "solver_org", "selection")  # and those selection_world() adds
PROJECT_WORLD = (*SELECTION_WORLD, "project")  # and project_world()


def standard_world() -> dict:
    """Every standard unit and role, and the field, each as its fixture makes it."""
    world = {"city": make_city()}
    world.update({name: make_unit(name, world["city"]) for name in UNITS})
    world.update({name: make_standard_user(name, world.get(unit)) for name, (_user, _role, unit, _more) in USERS.items()})
    world["solver"] = make_solver()
    world["field"] = make_field()
    return world


def selection_world() -> dict:
    """The standard world, then the selection, as its fixture makes it."""
    world = standard_world()
    world["solver_org"] = make_solver_profile(world["solver"])
    make = challenge_maker(world["field"], world["health"], world["officer"], world["leader"], world["dost"])
    world["selection"] = make_selection(make, world["solver"], world["solver_org"], world["dost"], world["field"])
    return world


def project_world() -> dict:
    """The selection's world, then its project, as its fixture makes it."""
    world = selection_world()
    world["project"] = make_project(world["selection"], world["dost"], world["ward"])
    return world


def module_world(build, names) -> dict:
    """Fixtures for a module whose every test starts from the same costly world (a project under way
    takes a third of a second to build): build() makes it once per module and test process, and the
    fixture of each of `names` gives its part, fetched again for each test, so that what one test
    changed in memory is not seen by the next. Fixtures that take these (roles, make_challenge) take
    the module's. A test that asks for a standard fixture the world does not give fails: it would make
    a second user of the same name.

    The world is built in a transaction around the whole module, rolled back at its end. Each test's
    own transaction (pytest-django's) is a savepoint inside it, so what a test changes in the database
    is undone before the next test starts. In the module: `globals().update(module_world(project_world,
    PROJECT_WORLD))`. Not for a module with transactional tests: they commit, and flush at their end."""

    @pytest.fixture(scope="module", name="_module_world")
    def built(django_db_setup, django_db_blocker):
        from django.db import transaction
        from django.utils import translation

        django_db_blocker.unblock()
        try:
            with transaction.atomic():
                with translation.override("vi"):
                    world = build()
                django_db_blocker.restore()
                try:
                    yield world
                finally:
                    django_db_blocker.unblock()
                transaction.set_rollback(True)
        finally:
            django_db_blocker.restore()

    def part(name):
        @pytest.fixture(name=name)
        def fetched(_module_world, db):
            return _fetched_again(_module_world[name])

        return fetched

    return {"_module_world": built, **{name: part(name) for name in names}}


def _fetched_again(value):
    """A part of a module's world as the database has it now: a model, or dicts and lists of them."""
    from django.db.models import Model

    if isinstance(value, Model):
        return type(value)._base_manager.get(pk=value.pk)
    if isinstance(value, dict):
        return {key: _fetched_again(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_fetched_again(item) for item in value]
    return value


# --- step 5: a satisfaction survey ------------------------------------------------------------

@pytest.fixture
def survey(dost, health, ward, city, make_challenge):
    return make_survey(dost, health, ward, city, make_challenge)


@pytest.fixture
def open_survey(survey):
    """The survey, taking answers today."""
    open_period_today(survey)
    return survey


def open_period_today(survey):
    """A period of the survey open from yesterday for a month, so that its public page takes answers
    whatever the date: the survey's quarters are those of 2026, and a survey none of whose periods
    holds today is closed."""
    from sangtao.surveys.models import Period

    today = timezone.localdate()
    return Period.objects.create(survey=survey, label="Hiện tại", starts_on=today - datetime.timedelta(days=1),
                                 ends_on=today + datetime.timedelta(days=30))


def make_survey(dost, health, ward, city, make_challenge):
    """A SIPAS survey of one service at the Department of Health and a ward, over four quarters."""
    from sangtao.surveys import services as survey_services

    other_ward = OrgUnit.objects.create(kind=UnitKind.WARD, code="26743", name="Phường Bến Thành", parent=city)
    instrument = survey_services.create_sipas_instrument(dost, "SIPAS 2026")
    return survey_services.create_survey(
        dost, name="Hài lòng với đặt lịch khám", version=instrument.versions.get(), service="Khám bệnh ngoại trú",
        units=[health, ward, other_ward], challenge=make_challenge(Status.PUBLISHED),
        periods=[("2026-Q1", datetime.date(2026, 1, 1), datetime.date(2026, 3, 31)),
                 ("2026-Q2", datetime.date(2026, 4, 1), datetime.date(2026, 6, 30)),
                 ("2026-Q3", datetime.date(2026, 7, 1), datetime.date(2026, 9, 30)),
                 ("2026-Q4", datetime.date(2026, 10, 1), datetime.date(2026, 12, 31))])


SURVEY_WORLD = (*STANDARD, "survey")  # the fixtures survey_world() makes


def survey_world() -> dict:
    """The standard world, then the survey, as its fixture makes it."""
    world = standard_world()
    make = challenge_maker(world["field"], world["health"], world["officer"], world["leader"], world["dost"])
    world["survey"] = make_survey(world["dost"], world["health"], world["ward"], world["city"], make)
    return world


# --- the role x state x move matrix of any workflow -----------------------------------------

class _Undo(Exception):
    """Rolls a successful move back, so the next role tries it from the same state."""


def _transition_count(flow, obj) -> int:
    from sangtao.core.models import AuditEvent

    if flow.transitions is not None:
        return flow.transitions.objects.filter(**{flow.subject: obj}).count()
    return AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk),
                                     action__startswith=f"{flow.name}.").count()


# The who-may-make-each-move maps the matrix tests check, by workflow name (see move_table_test):
# sangtao/core/tests/test_workflow_coverage.py fails when a registered workflow has none.
MATRIX_TESTS: dict[str, tuple[str, dict[str, set[str]]]] = {}  # workflow -> (test module, map)


def move_table_test(workflow_name: str, allowed: dict[str, set[str]]) -> dict[str, set[str]]:
    """Declare, in the module of a workflow's role x state matrix test, the map it checks with assert_move_matrix."""
    MATRIX_TESTS[workflow_name] = (sys._getframe(1).f_globals["__name__"], allowed)
    return allowed


def moves_through_api(url_of, roles: dict, offered=None, body=None):
    """An `apply` for assert_move_matrix that makes each move through the API (a POST to url_of(object,
    move) of `body`, a reason by default), its refusals mapped back to the service's errors; a move the
    API does not offer (not in `offered`) and an anonymous caller are refused as the service would.

    Each of the roles is signed in once, here: a sign-in inside a try would be rolled back with it
    (and signing in again for each of the hundreds of tries was a third of the matrix's time)."""
    from sangtao.core.errors import InvalidInput, NotAllowed, StaleState

    clients = {user.pk: ApiClient(user) for user in roles.values() if user is not None}

    def apply(target, move, user):
        if offered is not None and move not in offered or not getattr(user, "is_authenticated", False):
            raise NotAllowed()
        response = clients[user.pk].post(url_of(target, move), body or {"reason": "lý do thử nghiệm"})
        errors = {403: NotAllowed, 404: NotAllowed, 409: StaleState, 422: InvalidInput}
        if response.status_code in errors:
            raise errors[response.status_code]()
        assert response.status_code == 200, response.content
        return type(target).objects.get(pk=target.pk)

    return apply


def assert_move_matrix(obj, roles: dict, allowed: dict[str, set[str]], apply=None) -> int:
    """Try every move of the object's workflow as every role, from the object's state; returns how many applied.

    A move applies exactly when its table allows it from this state to this role (the `allowed` map
    says which roles may make each move); unmet preconditions refuse it with InvalidInput. Every
    success writes one transition row and is rolled back before the next attempt; every refusal
    changes nothing.
    """
    from django.contrib.auth.models import AnonymousUser
    from django.db import transaction

    from sangtao.core.errors import InvalidInput, NotAllowed, StaleState
    from sangtao.core.workflow import apply_move, unmet_preconditions, workflow_of

    flow = workflow_of(obj)
    assert set(allowed) == set(flow.moves), "the test names who may make every move of the table"
    apply = apply or (lambda target, move, user: apply_move(target, move, actor=user, reason="lý do thử nghiệm"))
    state = flow.state_of(obj)
    # Counted once: every attempt below ends by checking that the count is back to this.
    before = _transition_count(flow, obj)
    applied = 0
    for move in flow.moves.values():
        blocked = bool(unmet_preconditions(None, obj, move))
        for role, user in roles.items():
            user = user if user is not None else AnonymousUser()
            permitted = state in move.sources and role in allowed[move.name]
            try:
                with transaction.atomic():
                    moved = apply(obj, move.name, user)
                    assert permitted and not blocked, f"{role} must not {move.name} from {state}"
                    assert flow.state_of(moved) == move.target
                    assert flow.state_of(type(obj).objects.get(pk=obj.pk)) == move.target
                    assert _transition_count(flow, obj) == before + 1, f"{move.name} writes one transition row"
                    applied += 1
                    raise _Undo
            except _Undo:
                pass
            except (NotAllowed, StaleState):
                assert not permitted, f"{role} should be able to {move.name} from {state}"
            except InvalidInput:
                assert permitted and blocked, f"{role}: {move.name} from {state} refused for a precondition"
            assert flow.state_of(type(obj).objects.get(pk=obj.pk)) == state
            assert _transition_count(flow, obj) == before
    return applied
