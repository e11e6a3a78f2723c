"""Run a service from a view and tell the user how it went, in one place."""

from django.contrib import messages
from django.contrib.messages.storage.base import BaseStorage
from django.utils.translation import gettext as _

from sangtao.core.errors import ServiceError


def run_service(request, fn, *args, success=None, **kwargs):
    """Call fn; a refusal becomes an error message and None, success a message and the result."""
    try:
        result = fn(*args, **kwargs)
    except ServiceError as error:
        messages.error(request, str(error.message))
        return None
    if success:
        messages.success(request, success)
    return result


def form_refused(request, form) -> bool:
    """Whether a posted form does not validate; if so, its first error becomes the message shown on the
    page the person is sent back to (a question of 200,000 characters, a missing body), after the name
    of its box where the form has several. A post with nothing in it leaves a form made with
    `request.POST or None` unbound, with no error to show: it is said as such."""
    if form.is_valid():
        return False
    if not form.is_bound:
        messages.error(request, _("Không nhận được nội dung nào của biểu mẫu: hãy điền rồi gửi lại."))
        return True
    name, errors = next(iter(form.errors.items()))
    field = form.fields.get(name)
    several = sum(1 for each in form.fields.values() if each.label) > 1
    messages.error(request, f"{field.label}: {errors[0]}" if several and field is not None and field.label
                   else errors[0])
    return True


def section_or_top(request, url: str, section: str) -> str:
    """Where to send the person back after an action posted from a section of a long page: to the section
    when it went through, to the top, where the messages are, when something was refused (opened at the
    section, far below, the person saw the form again and no message)."""
    shown = messages.get_messages(request)
    refused = any(message.level == messages.ERROR for message in shown)
    if isinstance(shown, BaseStorage):
        shown.used = False  # only looked at: they are still to be shown (as Django's documentation says to)
    return url if refused else f"{url}#{section}"
