"""Login protection: failed logins counted per account and per client address, and the same for
password-reset requests and API token guesses (numbers in settings). They count through the rate
limits of core/ratelimit.py (Redis, or one atomic statement on the RateCount table), so every web
process sees them and two processes counting at once lose no count. A limit reached refuses
further tries until the end of the lock, and says when that is."""

import datetime
import time

from django.conf import settings
from django.utils import timezone

from sangtao.core.formats import short_datetime
from sangtao.core.ratelimit import RateLimit, client_address
from sangtao.core.text import clean


class _Counter:
    """Failures of one kind for one key, counted from the first failure for LOGIN_LOCKOUT_SECONDS; reaching
    the limit locks the key for LOGIN_LOCKOUT_SECONDS from then (so a lock never ends early at a window's
    edge). Only a salted hash of the key (a login name, an address) is stored."""

    def __init__(self, scope: str, limit: int):
        self.rate = RateLimit(scope, limit, settings.LOGIN_LOCKOUT_SECONDS, from_first_count=True)

    def locked_until(self, key: str) -> float | None:
        return self.rate.locked_until(key)

    def count(self, key: str) -> bool:
        """Count one failure; True when this one reached the limit (the lock starts)."""
        if self.rate.count(key) >= self.rate.limit:
            self.rate.lock(key, settings.LOGIN_LOCKOUT_SECONDS)
            return True
        return False


def _account_key(login: str) -> str:
    return clean(login).strip().lower()


def _account() -> _Counter:
    return _Counter("login-account", settings.LOGIN_FAILURES_PER_ACCOUNT)


def _address() -> _Counter:
    return _Counter("login-address", settings.LOGIN_FAILURES_PER_ADDRESS)


def retry_at(until: float | None = None) -> datetime.datetime:
    """When a refused person may try again (the lock's end; a full window from now if unknown)."""
    return datetime.datetime.fromtimestamp(until or time.time() + settings.LOGIN_LOCKOUT_SECONDS, tz=datetime.UTC)


def retry_text(until: float | None = None) -> str:
    return short_datetime(timezone.localtime(retry_at(until)))


def login_locked_until(request, login: str) -> float | None:
    """The end of the lock on this login name or this address, or None when neither is locked."""
    ends = [end for end in (_account().locked_until(_account_key(login)), _address().locked_until(client_address(request)))
            if end]
    return max(ends) if ends else None


def count_login_failure(request, login: str) -> bool:
    """Count one failed login; True when this failure reached a limit (the lockout starts)."""
    account = _account().count(_account_key(login))
    address = _address().count(client_address(request))
    return account or address


def reset_locked_until(request, email: str) -> float | None:
    """Count one password-reset request per address and per e-mail; the lock's end when over the limit."""
    address, account = (_Counter(f"reset-{kind}", settings.PASSWORD_RESETS_PER_ADDRESS) for kind in ("address", "account"))
    ends = [end for end in (address.locked_until(client_address(request)), account.locked_until(_account_key(email)))
            if end]
    if ends:
        return max(ends)
    address.count(client_address(request))
    account.count(_account_key(email))
    return None


def token_locked_until(request) -> float | None:
    return _Counter("token-address", settings.TOKEN_FAILURES_PER_ADDRESS).locked_until(client_address(request))


def count_token_failure(request) -> bool:
    """Count one wrong token from this address; True when this one reached the limit (the lock starts)."""
    return _Counter("token-address", settings.TOKEN_FAILURES_PER_ADDRESS).count(client_address(request))
