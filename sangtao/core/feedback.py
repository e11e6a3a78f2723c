"""Run a service from a view and tell the user how it went, in one place."""

from django.contrib import messages

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
    page the person is sent back to (a question of 200,000 characters, a missing body)."""
    if form.is_valid():
        return False
    messages.error(request, next(iter(form.errors.values()))[0])
    return True
