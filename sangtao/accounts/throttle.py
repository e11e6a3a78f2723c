"""Login protection: failed logins counted per account and per client address, and the same for
password-reset requests and API token guesses (numbers in settings). Counts live in the shared
cache (core/ratelimit.py), so every web process sees them. A limit reached refuses further tries
until the end of the window, and says when that is."""

import datetime
import time

from django.conf import settings
from django.utils import timezone

from sangtao.core.formats import short_datetime
from sangtao.core.ratelimit import RateLimit, client_address
from sangtao.core.text import clean


def _limit(scope: str, count: int) -> RateLimit:
    return RateLimit(scope, count, settings.LOGIN_LOCKOUT_SECONDS)


def _account_key(login: str) -> str:
    return clean(login).strip().lower()


def retry_at() -> datetime.datetime:
    """When the current window ends: the time a refused person may try again."""
    window = settings.LOGIN_LOCKOUT_SECONDS
    end = (int(time.time() // window) + 1) * window
    return datetime.datetime.fromtimestamp(end, tz=datetime.UTC)


def retry_text() -> str:
    return short_datetime(timezone.localtime(retry_at()))


def login_blocked(request, login: str) -> bool:
    account = _limit("login-account", settings.LOGIN_FAILURES_PER_ACCOUNT)
    address = _limit("login-address", settings.LOGIN_FAILURES_PER_ADDRESS)
    return account.reached(_account_key(login)) or address.reached(client_address(request))


def count_login_failure(request, login: str) -> bool:
    """Count one failed login; True when this failure reached a limit (the lockout starts)."""
    account = _limit("login-account", settings.LOGIN_FAILURES_PER_ACCOUNT)
    address = _limit("login-address", settings.LOGIN_FAILURES_PER_ADDRESS)
    account.count(_account_key(login))
    address.count(client_address(request))
    return account.reached(_account_key(login)) or address.reached(client_address(request))


def reset_blocked(request, email: str) -> bool:
    """Count one password-reset request per address and per e-mail; True when over the limit."""
    address = _limit("reset-address", settings.PASSWORD_RESETS_PER_ADDRESS)
    account = _limit("reset-account", settings.PASSWORD_RESETS_PER_ADDRESS)
    if address.reached(client_address(request)) or account.reached(_account_key(email)):
        return True
    address.count(client_address(request))
    account.count(_account_key(email))
    return False


def token_blocked(request) -> bool:
    return _limit("token-address", settings.TOKEN_FAILURES_PER_ADDRESS).reached(client_address(request))


def count_token_failure(request) -> None:
    _limit("token-address", settings.TOKEN_FAILURES_PER_ADDRESS).count(client_address(request))
