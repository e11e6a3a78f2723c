"""The whole API tried from its OpenAPI schema (schemathesis), anonymously and with the tokens of a
DoST coordinator and a unit officer: no server error, and every response as the schema documents it
(status, content type, body). Examples are few and derandomised, so CI runs the same cases each time.
Each generated request is sent by all three callers in turn: generating the cases is most of the
cost, so the callers share them instead of each generating the same ones again."""

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
EXAMPLES = 5  # per operation and mode, each sent by three callers: about 900 requests in all

SCHEMA = schemathesis.openapi.from_dict(openapi_schema())
SCHEMA.app = get_wsgi_application()
OPERATIONS = [result.ok() for result in SCHEMA.get_all_operations()]


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
def known(survey, officer):
    """Objects for the generated requests to find: a published challenge (with an indicator and a
    question), a unit and a survey, by the names of the path parameters that take their ids."""
    from sangtao.challenges import services

    challenge = survey.challenge
    question = services.ask_question(challenge, officer, "Câu hỏi?")
    return {"challenge_id": challenge.pk, "indicator_id": challenge.indicators.get().pk, "question_id": question.pk,
            "unit_id": challenge.owner_unit_id, "survey_id": survey.pk, "field_id": challenge.field_id,
            "owner_unit_id": challenge.owner_unit_id}


def _try(operation, mode, callers: dict[str, dict], known) -> str | None:
    # Valid requests go to objects that exist (deeper code); invalid ones take any id.
    names = {parameter.name for parameter in operation.path_parameters}
    fixed = {name: value for name, value in known.items() if name in names} if mode == GenerationMode.POSITIVE else {}

    @given(case=operation.as_strategy(generation_mode=mode, path_parameters=fixed))
    @settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    def call(case):
        if mode == GenerationMode.POSITIVE and isinstance(case.body, dict):  # ids of objects that exist
            case.body.update({name: value for name, value in known.items() if name in case.body})
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
                                   for caller in ("dost", "officer")}
    failures = [failure for operation in OPERATIONS for mode in GenerationMode
                if (failure := _try(operation, mode, callers, known))]
    assert not failures, "\n\n".join(failures)
