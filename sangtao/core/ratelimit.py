"""Counting requests per client, shared by every process and worker: the survey's rate limit, and
the login protection's counts and locks (accounts/throttle.py).

With Redis as the cache (REDIS_URL), a limit counts there: INCR is atomic. Without it, a limit
counts in its own table (RateCount) with one atomic statement (INSERT ... ON CONFLICT DO UPDATE
SET count = count + 1), not in the database cache: that cache's incr reads then writes, so two
processes counting at once lose counts, and it culls rows past MAX_ENTRIES, which would reset a
client's count. Either way a limit holds however many web processes serve the site. Behind a reverse proxy the client is
read from X-Forwarded-For, but only when the direct peer is one of settings.TRUSTED_PROXIES:
anyone else could write that header.
"""

import datetime
import hashlib
import ipaddress
import time

from django.conf import settings
from django.core.cache import BaseCache, caches
from django.core.cache.backends.redis import RedisCache
from django.db import connections, router


def _networks() -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    return [ipaddress.ip_network(entry, strict=False) for entry in settings.TRUSTED_PROXIES]


def _is_trusted(address: str, networks) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_address(request) -> str:
    """The address of the client that sent the request, across trusted proxies.

    X-Forwarded-For is read from the right: each trusted proxy appended the address it
    saw, so the first address from the right that is not a trusted proxy is the client.
    """
    networks = _networks()
    address = request.META.get("REMOTE_ADDR", "")
    if not _is_trusted(address, networks):
        return address
    forwarded = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    for hop in reversed(forwarded):
        address = hop
        if not _is_trusted(hop, networks):
            break
    return address


class RateLimit:
    """At most `limit` counted events per `window` seconds for one key.

    Windows are fixed on the clock, or, with `from_first_count`, each key's window starts at its
    first count (login protection: failures just before and after a clock window's edge still count
    together). A key can also be locked for a while (`lock`), however its count goes on.
    Counts and locks live in Redis when the cache (the default one unless a cache backend is given)
    is Redis, else in the RateCount table.
    """

    def __init__(self, scope: str, limit: int, window: int, cache: BaseCache | None = None, *,
                 from_first_count: bool = False):
        self.scope, self.limit, self.window, self._cache = scope, limit, window, cache
        self.from_first_count = from_first_count

    @property
    def cache(self) -> BaseCache:
        return self._cache or caches["default"]

    def _uses_redis(self) -> bool:
        return isinstance(self.cache, RedisCache)

    def _base(self, key: str) -> str:
        # Only a salted hash of the key (an address, a login name) is stored, and only until its window or lock ends.
        digest = hashlib.sha256(f"{self.scope}:{key}:{settings.SECRET_KEY}".encode()).hexdigest()
        return f"rate:{self.scope}:{digest}"

    def _key(self, key: str, now: float) -> str:
        if self.from_first_count:
            return self._base(key)
        return f"{self._base(key)}:{int(now // self.window)}"

    def _ends(self, now: float) -> float:
        """When a window that is counted from now ends."""
        return now + self.window if self.from_first_count else (int(now // self.window) + 1) * self.window

    def reached(self, key: str) -> bool:
        return self.counted(key) >= self.limit

    def counted(self, key: str) -> int:
        """The key's count in its current window."""
        bucket = self._key(key, _clock())
        if self._uses_redis():
            return self.cache.get(bucket, 0)
        from sangtao.core.models import RateCount

        found = RateCount.objects.filter(bucket=bucket, expires_at__gt=_now()).values_list("count", flat=True)
        return next(iter(found), 0)

    def count(self, key: str) -> int:
        """Count one event for the key; return its count in the window, this one included."""
        if self._uses_redis():
            return self._count_in_cache(key)
        return self._count_in_table(key)

    def _count_in_table(self, key: str) -> int:
        from sangtao.core.models import RateCount

        connection = connections[router.db_for_write(RateCount)]
        table = connection.ops.quote_name(RateCount._meta.db_table)
        now = _clock()
        ends, at = (connection.ops.adapt_datetimefield_value(_datetime(moment)) for moment in (self._ends(now), now))
        with connection.cursor() as cursor:
            # A row whose window ended starts again at 1 (a key counted from its first count keeps its bucket).
            cursor.execute(
                f"INSERT INTO {table} (bucket, count, expires_at) VALUES (%s, 1, %s) "  # noqa: S608 -- our table
                f"ON CONFLICT (bucket) DO UPDATE SET "
                f"count = CASE WHEN {table}.expires_at <= %s THEN 1 ELSE {table}.count + 1 END, "
                f"expires_at = CASE WHEN {table}.expires_at <= %s THEN excluded.expires_at "
                f"ELSE {table}.expires_at END RETURNING count",
                [self._key(key, now), ends, at, at])
            (counted,) = cursor.fetchone()
        if counted == 1:  # a new window: the rows of windows and locks that ended go
            RateCount.objects.filter(expires_at__lte=_now()).delete()
        return counted

    def _count_in_cache(self, key: str) -> int:
        now = _clock()
        bucket, seconds = self._key(key, now), max(1, round(self._ends(now) - now))
        if self.cache.add(bucket, 1, seconds):
            return 1
        try:
            counted = self.cache.incr(bucket)  # INCR: atomic, and the key keeps its expiry
        except ValueError:  # expired between add and incr
            self.cache.add(bucket, 1, seconds)
            return 1
        return counted

    def lock(self, key: str, seconds: int) -> float:
        """Lock the key for `seconds` from now (a lock taken again ends `seconds` after that); return its end."""
        until = _clock() + seconds
        if self._uses_redis():
            self.cache.set(self._base(key) + ":locked", until, seconds)
            return until
        from sangtao.core.models import RateCount

        RateCount.objects.bulk_create([RateCount(bucket=self._base(key) + ":locked", expires_at=_datetime(until))],
                                      update_conflicts=True, unique_fields=["bucket"], update_fields=["expires_at"])
        return until

    def locked_until(self, key: str) -> float | None:
        """The end of the key's lock, or None when it is not locked."""
        if self._uses_redis():
            until = self.cache.get(self._base(key) + ":locked")
            return until if until and until > _clock() else None
        from sangtao.core.models import RateCount

        ends = RateCount.objects.filter(bucket=self._base(key) + ":locked", expires_at__gt=_now()).values_list(
            "expires_at", flat=True)
        return next((end.timestamp() for end in ends), None)


def _datetime(timestamp: float) -> datetime.datetime:
    return datetime.datetime.fromtimestamp(timestamp, datetime.UTC)


def _clock() -> float:
    return time.time()


def _now() -> datetime.datetime:
    return _datetime(_clock())
