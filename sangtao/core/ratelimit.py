"""Counting requests per client, shared by every process and worker.

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
    """At most `limit` counted events per `window` seconds for one key, in fixed windows.

    Counts live in Redis when the cache (the default one unless a cache backend is given) is Redis,
    else in the RateCount table.
    """

    def __init__(self, scope: str, limit: int, window: int, cache: BaseCache | None = None):
        self.scope, self.limit, self.window, self._cache = scope, limit, window, cache

    @property
    def cache(self) -> BaseCache:
        return self._cache or caches["default"]

    def _key(self, key: str) -> str:
        # Only a salted hash of the key (an address) is stored, and only for one window.
        digest = hashlib.sha256(f"{self.scope}:{key}:{settings.SECRET_KEY}".encode()).hexdigest()
        return f"rate:{self.scope}:{digest}:{int(time.time() // self.window)}"

    def reached(self, key: str) -> bool:
        return self.counted(key) >= self.limit

    def counted(self, key: str) -> int:
        """The key's count in the current window."""
        if isinstance(self.cache, RedisCache):
            return self.cache.get(self._key(key), 0)
        from sangtao.core.models import RateCount

        found = RateCount.objects.filter(bucket=self._key(key), expires_at__gt=_now()).values_list("count", flat=True)
        return next(iter(found), 0)

    def count(self, key: str) -> None:
        if isinstance(self.cache, RedisCache):
            self._count_in_cache(key)
        else:
            self._count_in_table(key)

    def _count_in_table(self, key: str) -> None:
        from sangtao.core.models import RateCount

        connection = connections[router.db_for_write(RateCount)]
        table = connection.ops.quote_name(RateCount._meta.db_table)
        ends = datetime.datetime.fromtimestamp((int(time.time() // self.window) + 1) * self.window, datetime.UTC)
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (bucket, count, expires_at) VALUES (%s, 1, %s) "  # noqa: S608 -- our table
                f"ON CONFLICT (bucket) DO UPDATE SET count = {table}.count + 1 RETURNING count",
                [self._key(key), connection.ops.adapt_datetimefield_value(ends)])
            (counted,) = cursor.fetchone()
        if counted == 1:  # a new window: the rows of windows that ended go
            RateCount.objects.filter(expires_at__lte=_now()).delete()

    def _count_in_cache(self, key: str) -> None:
        bucket = self._key(key)
        if self.cache.add(bucket, 1, self.window):
            return
        try:
            self.cache.incr(bucket)  # INCR: atomic
        except ValueError:  # expired between add and incr
            self.cache.add(bucket, 1, self.window)
        else:
            self.cache.touch(bucket, self.window)  # incr may have reset the expiry to the cache's default


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)
