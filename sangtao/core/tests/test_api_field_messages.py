"""The API says what is wrong with each field in the caller's language: pydantic writes English only."""

import json
import re
import typing

import pytest
from django.test import Client
from django.utils import translation
from pydantic_core import PydanticKnownError, core_schema

from conftest import validate_response
from sangtao.accounts.models import ApiToken
from sangtao.core.api_errors import SAID_OF, field_message

BAD_CHALLENGE = {"title": "x" * 301, "summary": "a\x00b", "problem_statement": "\ud800", "budget_min_vnd": "abc",
                 "tags": "a"}


def _errors(response) -> dict[str, str]:
    return {item["field"]: item["message"] for item in response.json()["errors"]}


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "said"), [
    ("vi", {"title": "Tối đa 300 ký tự.", "summary": "Văn bản có ký tự NUL hoặc mã ký tự không hợp lệ.",
            "problem_statement": "Văn bản có ký tự NUL hoặc mã ký tự không hợp lệ.", "kind": "Cần một trong các giá trị 'dost'",
            "budget_min_vnd": "Cần một số nguyên.", "tags": "Cần một danh sách.",
            "field_id": "Thiếu trường bắt buộc này.", "page": "Cần lớn hơn hoặc bằng 1.",
            "status": "Cần một trong các giá trị 'draft', 'unit_review'"}),
    ("en", {"title": "At most 300 characters.", "summary": "The text holds a NUL character or an invalid code point.",
            "problem_statement": "The text holds a NUL character or an invalid code point.", "kind": "Expected one of 'dost'",
            "budget_min_vnd": "Expected a whole number.", "tags": "Expected a list.",
            "field_id": "This field is required.", "page": "Must be greater than or equal to 1.",
            "status": "Expected one of 'draft', 'unit_review'"})])
def test_a_bodys_and_a_querys_field_errors_are_said_in_the_callers_language(officer, language, said):
    client = Client(HTTP_AUTHORIZATION=f"Bearer {ApiToken.issue(officer, 't')[1]}", HTTP_ACCEPT_LANGUAGE=language)
    written = client.post("/api/v1/challenges", json.dumps(BAD_CHALLENGE), content_type="application/json")
    assert written.status_code == 422
    validate_response("post", "/api/v1/challenges", written)
    listed = client.get("/api/v1/challenges?status=zzz&page=-1")
    assert listed.status_code == 422
    validate_response("get", "/api/v1/challenges", listed)
    units = client.get("/api/v1/units?kind=zzz")
    assert units.status_code == 422
    validate_response("get", "/api/v1/units", units)
    errors = _errors(written) | _errors(listed) | _errors(units)
    for name, message in said.items():
        assert errors[name].startswith(message), (name, errors[name])


def _example_context(kind: str) -> dict:
    """A context pydantic accepts for this kind of error: it names each value it requires, and its type,
    one at a time."""
    context: dict = {}
    while True:
        try:
            return PydanticKnownError(kind, context or None).context or {}
        except TypeError as error:
            name, needs = re.search(r"'(\w+)' (required in context|context value must be)", str(error)).groups()
            context[name] = 1 if needs.startswith("context") else "1"


@pytest.mark.parametrize("kind", sorted(SAID_OF))
def test_each_kind_of_field_error_is_one_pydantic_has_and_is_said_in_both_languages_with_its_values(kind):
    assert kind in typing.get_args(core_schema.ErrorType)
    context = _example_context(kind)
    item = {"type": kind, "ctx": context, "msg": "pydantic's English"}
    with translation.override("vi"):
        vietnamese = field_message(item)
    with translation.override("en"):
        english = field_message(item)
    # pydantic's words come back when the message names a value pydantic's context does not give
    assert "pydantic's English" not in (vietnamese, english), f"{kind}: pydantic gives {sorted(context)}"
    assert vietnamese != english


@pytest.mark.parametrize(("count", "said"), [(1, "At most 1 character."), (2, "At most 2 characters.")])
def test_a_count_is_singular_or_plural_in_english(count, said):
    with translation.override("en"):
        assert field_message({"type": "string_too_long", "ctx": {"max_length": count}, "msg": ""}) == said
