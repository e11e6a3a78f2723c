"""Counting requests per client through Django's cache, shared by every process and worker.

The cache is the database's cache table by default, or Redis (settings.CACHES), so a limit
holds however many web processes serve the site. Behind a reverse proxy the client is
read from X-Forwarded-For, but only when the direct peer is one of settings.TRUSTED_PROXIES:
anyone else could write that header.
"""

import hashlib
import ipaddress
import time

from django.conf import settings
from django.core.cache import BaseCache, caches


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

    Counts live in the default cache unless a cache backend is given.
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
        return self.cache.get(self._key(key), 0) >= self.limit

    def count(self, key: str) -> None:
        bucket = self._key(key)
        if self.cache.add(bucket, 1, self.window):
            return
        try:
            self.cache.incr(bucket)  # atomic in Redis; the database cache reads and writes
        except ValueError:  # expired between add and incr
            self.cache.add(bucket, 1, self.window)
        else:
            self.cache.touch(bucket, self.window)  # incr may have reset the expiry to the cache's default
