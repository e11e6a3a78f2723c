"""The whole API tried from its OpenAPI schema (schemathesis), anonymously and with the tokens of a
DoST coordinator, a unit officer, a solver and an expert: no server error, and every response as the
schema documents it (status, content type, body). Examples are few and derandomised, so CI runs the
same cases each time. Each generated request is sent by all five callers in turn: generating the cases
is most of the cost, so the callers share them instead of each generating the same ones again. Valid
requests name objects of a small programme (every path parameter has one), so they reach past the 404."""

import functools

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from conftest import openapi_schema
from sangtao.accounts.models import ApiToken

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
          negative_data_rejection]
EXAMPLES = 3  # per operation and mode, each sent by five callers: about 900 requests in all


@functools.cache
def operations() -> list:
    """The API's operations, read from its schema when the test runs (0.3 s), not in every worker that
    collects the tests."""
    schema = schemathesis.openapi.from_dict(openapi_schema())
    schema.app = get_wsgi_application()
    return [result.ok() for result in schema.get_all_operations()]


@pytest.fixture(autouse=True)
def _one_connection():
    """The WSGI app would close the test's database connection after each request (Django's test
    client stops that too): PostgreSQL would lose the test's transaction."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def known(roles, field, ward):
    """Objects for the generated requests to find: a small programme (sangtao/portal/tests/world.py, size 1:
    a challenge with its proposals, council, reviews and project, a survey, initiatives and their council,
    an annual plan, cases and lessons), an evidence file and a launched capacity round, by each path parameter
    (the segment before it and its name: a council of review and one of initiatives are both `council_id`)."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from sangtao.annual import services as annual
    from sangtao.annual.models import AnnualPlan
    from sangtao.capacity import services as capacity
    from sangtao.challenges.models import Question
    from sangtao.orgs.roles import unit_staff
    from sangtao.portal.tests.test_query_budget import USERNAMES
    from sangtao.portal.tests.world import ARGS, build_world

    world = build_world(1, USERNAMES, field, ward)
    today = timezone.localdate()
    dost = roles["dost"]
    round_ = capacity.launch_round(dost, capacity.create_round(
        dost, year=today.year, name="", units=[ward], opens_on=today, closes_on=today))
    plan = AnnualPlan.objects.get(pk=world["annual_plan"])
    evidence = annual.add_evidence(plan.unit, unit_staff([plan.unit_id]).first(),
                                   SimpleUploadedFile("qd.pdf", b"%PDF-1.4\n%test\n"), "Quyết định thành lập tổ")
    world |= {"question": Question.objects.filter(challenge_id=world["challenge"]).values_list("pk", flat=True)[0],
              "year": round_.year, "evidence": evidence.pk}
    by_path = {**{key: world[name] for key, name in ARGS.items() if name in world},
               ("questions", "question_id"): world["question"], ("capacity", "year"): world["year"],
               ("files", "file_id"): world["evidence"]}
    in_body = {"challenge_id": world["challenge"], "indicator_id": world["indicator"],
               "question_id": world["question"], "unit_id": world["unit"], "owner_unit_id": world["unit"],
               "survey_id": world["survey"], "field_id": world["field"]}
    return by_path, in_body


def _path_values(operation, by_path: dict) -> dict:
    """The ids of existing objects for the operation's path parameters, by the segment before each."""
    segments = operation.path.strip("/").split("/")
    return {segments[i][1:-1]: by_path[(segments[i - 1], segments[i][1:-1])] for i in range(1, len(segments))
            if segments[i].startswith("{") and (segments[i - 1], segments[i][1:-1]) in by_path}


def _try(operation, mode, callers: dict[str, dict], known) -> str | None:
    # Valid requests go to objects that exist (deeper code); invalid ones take any id.
    by_path, in_body = known
    fixed = _path_values(operation, by_path) if mode == GenerationMode.POSITIVE else {}

    @given(case=operation.as_strategy(generation_mode=mode, path_parameters=fixed))
    @settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    def call(case):
        if mode == GenerationMode.POSITIVE and isinstance(case.body, dict):  # ids of objects that exist
            case.body.update({name: value for name, value in in_body.items() if name in case.body})
        for caller, headers in callers.items():
            try:
                case.call_and_validate(headers={**(case.headers or {}), **headers}, checks=CHECKS)
            except Exception as failure:
                raise AssertionError(f"as {caller}: {failure}") from failure

    try:
        call()
    except Unsatisfiable:  # nothing to get wrong: an operation without parameters has no invalid request
        return None
    except Exception as failure:  # noqa: BLE001 -- every operation is tried; all failures are reported
        return f"{operation.label} [{mode}]: {failure}"
    return None


@pytest.mark.slow
@pytest.mark.django_db
def test_the_api_answers_every_generated_request_as_its_schema_says(known, roles):
    callers = {"anonymous": {}} | {caller: {"Authorization": f"Bearer {ApiToken.issue(roles[caller], 'schemathesis')[1]}"}
                                   for caller in ("dost", "officer", "solver", "expert")}
    # Every id in a path names an object that exists (the move's name and a follow's kind and target are generated).
    assert {parameter.name for operation in operations() for parameter in operation.path_parameters
            if parameter.name not in _path_values(operation, known[0])} == {"move", "kind", "target_id"}
    failures = [failure for operation in operations() for mode in GenerationMode
                if (failure := _try(operation, mode, callers, known))]
    assert not failures, "\n\n".join(failures)
