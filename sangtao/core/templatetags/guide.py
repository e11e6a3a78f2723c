"""Template pieces that guide a person through a form: the error summary at the top of a refused
form, linking to each field in error (GOV.UK's pattern), for a form and any formsets or forms beside it."""

from django import forms, template

register = template.Library()


def _errors_of(form, prefix: str = ""):
    """Each error with its field's label, after `prefix`: what the form is a part of ("Chỉ số 2 — ")."""
    for error in form.non_field_errors():
        yield None, f"{prefix}{error}"
    for field in form:
        for error in field.errors:
            # A group of boxes (a fieldset) has no label target of its own: its first box is linked.
            target = None if field.is_hidden else field.id_for_label or (
                f"{field.auto_id}_0" if field.use_fieldset and field.auto_id else None)
            label = f"{prefix}{field.label}" if field.label else prefix.strip(" —")
            yield target, f"{label}: {error}" if label else error


def _parts(group):
    """A group's forms with what each is a part of: a formset's rows numbered and named as the page heads
    them (the row form's row_name), or the forms of a list of (what, form) pairs after what they are about
    (a report's progress, task by task)."""
    if hasattr(group, "forms"):
        for number, row in enumerate(group.forms, start=1):
            name = getattr(row, "row_name", "")
            yield row, f"{name} {number} — " if name else f"{number}. "
    else:
        for what, each in group:
            yield each, f"{what} — "


@register.inclusion_tag("includes/error_summary.html")
def error_summary(form=None, *groups):
    """Each error of the form, then each group's (a formset, or a list of (what, form) pairs), with the
    field's id to link to."""
    items = []
    if form is not None and form.is_bound:
        items += _errors_of(form)
    parts = []
    for group in groups:
        if group is None or (hasattr(group, "forms") and not group.is_bound):
            continue
        if hasattr(group, "non_form_errors"):
            items += [(None, str(error)) for error in group.non_form_errors()]
        parts += list(_parts(group))
    for each, prefix in parts:
        if each.is_bound and each.errors:
            items += _errors_of(each, prefix)
    # A password is never sent back to the page: a form that asks for one (signing in, confirming who
    # one is) says so, and is not "saved".
    asks_password = any(isinstance(field.widget, forms.PasswordInput)
                        for each in (form, *(part for part, _prefix in parts)) if each is not None
                        for field in each.fields.values())
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
