"""Where a view sends the user back to when the request names the place (a `next` or `back` value).

Such a value is the user's input, never a view name or an address elsewhere: `safe_redirect` follows
it only when it is a path on this site ("/notifications/", "/challenges/?page=2"), and otherwise goes
to the view's own default. Every view that redirects to a posted or queried place uses it.
"""

from django.http import HttpResponseRedirect
from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme


def local_path(request, value) -> str | None:
    """value when it is a path on this site; None for anything else (a scheme, a host, `//host`,
    a backslash, a relative name like `abc`, control characters, an empty value)."""
    if not isinstance(value, str) or not value.startswith("/") or value.startswith(("//", "/\\")):
        return None
    if any(ord(character) < 32 or ord(character) == 127 for character in value):
        return None
    if not url_has_allowed_host_and_scheme(value, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        return None
    return value


def safe_redirect(request, value, default, *args, **kwargs) -> HttpResponseRedirect:
    """A redirect to value when it is a local path, else to default (a URL, a view name with its
    arguments, or an object with get_absolute_url, as django.shortcuts.redirect takes)."""
    return HttpResponseRedirect(local_path(request, value) or resolve_url(default, *args, **kwargs))
