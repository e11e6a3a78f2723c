"""The "reuse before reinvention" panel beside a draft's form: rendered by the server from the
draft as it stands (works without script), then kept up to date by knowledge/suggest.js as the
person types (debounced, from the API)."""

from django import template
from django.urls import reverse

from sangtao.core.forms import is_id
from sangtao.core.text import clean
from sangtao.knowledge.suggest import found_message, suggest, suggestion_out

register = template.Library()


def _id(value) -> int | None:
    """A unit's or record's id as the form holds it: on a refused form, whatever was posted (a number
    past BIGINT would reach the database)."""
    return int(value) if is_id(value) else None


@register.inclusion_tag("knowledge/_suggestions.html", takes_context=True)
def suggestion_panel(context, kind: str, title, *problems, unit=None, record=None, title_field: str = "",
                     problem_fields: str = "", unit_field: str = ""):
    """`kind`: what is drafted (challenge, task, initiative); `title` and `problems`: its values now;
    `title_field`/`problem_fields`: the ids of the inputs to follow (several problem ids spaced);
    `unit_field`: the id of the unit's select, when the draft's unit can change."""
    user = context["request"].user
    title = clean(str(title or ""))
    problem = clean("\n".join(str(p) for p in problems if p))
    unit_id, record_id = _id(unit), _id(record)
    found = []
    if title or problem:
        found = suggest(user, title, problem, unit_id=unit_id, exclude=(kind, record_id) if record_id else None)
    return {"kind": kind, "unit": unit_id or "", "record": record_id or "", "title_field": title_field,
            "problem_fields": problem_fields, "unit_field": unit_field, "url": reverse("api:suggestions"),
            "items": [suggestion_out(s) for s in found], "message": found_message(len(found)) if found else "",
            "asked": bool(title or problem)}
