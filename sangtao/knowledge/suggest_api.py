"""Reuse before reinvention in the API: what other units did that looks like a draft."""

from typing import Literal

from ninja import Field as SchemaField
from ninja import Query, Router, Schema

from sangtao.api import WRITE_AUTH
from sangtao.core.api_errors import LIST
from sangtao.core.api_input import Id, Input
from sangtao.core.text import clean
from sangtao.knowledge.suggest import found_message, suggest, suggestion_out

router = Router(tags=["knowledge"])


class SuggestionQuery(Input):
    kind: Literal["challenge", "task", "initiative"] = SchemaField(
        description="What is being drafted: a grand challenge, an annual task or an initiative.")
    title: str = SchemaField("", max_length=300)
    problem: str = SchemaField("", max_length=4000, description="The problem as drafted so far (its start is enough).")
    unit: Id | None = SchemaField(None, description="The unit the draft is for: its own records are left out.")
    record: Id | None = SchemaField(None, description="The record being edited, left out of the results.")


class LessonOut(Schema):
    title: str
    text: str
    url: str | None


class SuggestionOut(Schema):
    kind: Literal["case", "challenge", "task", "initiative"]
    kind_label: str
    id: int
    title: str
    unit: str
    url: str | None = SchemaField(description="Its page, when the caller may open it.")
    excerpt: str
    score: float
    lessons: list[LessonOut]


class SuggestionsOut(Schema):
    count: int
    message: str = SchemaField(description="What was found, in the caller's language (for a live region).")
    items: list[SuggestionOut]


@router.get("/knowledge/suggestions", response={200: SuggestionsOut, **LIST}, auth=WRITE_AUTH)
def suggestions(request, params: Query[SuggestionQuery]):
    """While a unit drafts a grand challenge, an annual task or an initiative: published cases and
    challenges, annual tasks and initiatives of other units like the draft (title and problem), with
    their lessons; only what the caller may see."""
    found = suggest(request.user, clean(params.title), clean(params.problem), unit_id=params.unit,
                    exclude=(params.kind, params.record) if params.record else None)
    return {"count": len(found), "message": found_message(len(found)), "items": [suggestion_out(s) for s in found]}
