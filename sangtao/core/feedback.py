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
