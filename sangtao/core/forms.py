"""Form fields for the single values some views post beside a form (an object's id in a row's
button): every value read from a request is cleaned by a form field first, never by int() or a
lookup, so a value the page could not have sent is a 404 or a message, not a server error."""

from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404

from sangtao.core.api_input import BIGINT_MAX


def chosen(queryset, value):
    """The object of queryset whose id was posted; 404 for anything else (abc, 1e9, an id not in it)."""
    try:
        return forms.ModelChoiceField(queryset=queryset).clean(value)
    except ValidationError:
        raise Http404 from None


def ids(values: list[str]) -> list[int]:
    """The ids posted under one name (checkboxes); a value that is not an id is dropped."""
    field = forms.IntegerField(min_value=1, max_value=BIGINT_MAX)
    cleaned = []
    for value in values:
        try:
            cleaned.append(field.clean(value))
        except ValidationError:
            continue
    return cleaned


def integer(value, *, min_value: int = 0, max_value: int = BIGINT_MAX) -> int | None:
    """A posted whole number within bounds, or None for anything else (abc, 1e9, 10**30 for a BIGINT)."""
    try:
        return forms.IntegerField(min_value=min_value, max_value=max_value).clean(value)
    except ValidationError:
        return None
