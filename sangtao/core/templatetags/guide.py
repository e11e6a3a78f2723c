"""Template pieces that guide a person through a form: the error summary at the top of a refused
form, linking to each field in error (GOV.UK's pattern), for a form and any formsets beside it."""

from django import forms, template

register = template.Library()


def _errors_of(form, row: int | None = None):
    """Each error with its field's label, a formset's row named as the page numbers it ("Chỉ số 2 — ")."""
    row_name = getattr(form, "row_name", "")
    prefix = "" if row is None else f"{row_name} {row} — " if row_name else f"{row}. "
    for error in form.non_field_errors():
        yield None, f"{prefix}{error}"
    for field in form:
        for error in field.errors:
            # A group of boxes (a fieldset) has no label target of its own: its first box is linked.
            target = None if field.is_hidden else field.id_for_label or (
                f"{field.auto_id}_0" if field.use_fieldset and field.auto_id else None)
            label = f"{prefix}{field.label}" if field.label else prefix.strip()
            yield target, f"{label}: {error}" if label else error


@register.inclusion_tag("includes/error_summary.html")
def error_summary(form=None, *formsets):
    """Each error of the form, then each formset's (numbered by row), with the field's id to link to."""
    items = []
    if form is not None and form.is_bound:
        items += _errors_of(form)
    for formset in formsets:
        if formset is None or not formset.is_bound:
            continue
        items += [(None, str(error)) for error in formset.non_form_errors()]
        for number, row in enumerate(formset.forms, start=1):
            if row.errors:
                items += _errors_of(row, number)
    # A password is never sent back to the page: a form that asks for one (signing in, confirming who
    # one is) says so, and is not "saved".
    asks_password = any(isinstance(field.widget, forms.PasswordInput)
                        for each in (form, *(row for formset in formsets if formset is not None for row in formset.forms))
                        if each is not None for field in each.fields.values())
    return {"items": items, "bound": bool(form is not None and form.is_bound), "asks_password": asks_password}


@register.filter
def sections_of(form, formset=None):
    """The form's sections with what is filled (a form with a `sections(formset)` method)."""
    return form.sections(formset)


@register.filter
def has_attr(attrs, name: str) -> bool:
    """Whether a widget's attributes already set `name` (the long-list picker marks only what is not)."""
    return bool(attrs) and name in attrs


LONG_LIST = 15  # more choices than this and a picker gets a filter box (guide.js), as the select widget does


@register.simple_tag
def long_list(choices) -> str:
    """For a hand-written <select>: the data-searchable attribute when its list is long, else nothing."""
    from django.utils.html import format_html
    from django.utils.translation import gettext

    if len(choices) <= LONG_LIST:
        return ""
    return format_html(' data-searchable="{}"', gettext("Gõ để lọc danh sách"))
