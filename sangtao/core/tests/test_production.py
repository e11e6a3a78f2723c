"""Production settings: HTTPS, the Content-Security-Policy, and a rate limit shared by every process."""

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.test import RequestFactory

from conftest import client_for
from sangtao.core.models import RateCount
from sangtao.core.ratelimit import RateLimit, client_address
from sangtao.core.tests.processes import at_once
from sangtao.core.tests.test_workers import shared_database  # noqa: F401 -- a fixture

ROOT = Path(settings.BASE_DIR)
PRODUCTION_ENV = {
    "SECRET_KEY": "k7Q2v9XzR4pL8mN1bT6yW3sD5fG0hJ2aE9cV7uI4oP1qZ8xK6lM3nB5vC0rT2wY4",
    "ALLOWED_HOSTS": "sangtao.example.vn",
    "CSRF_TRUSTED_ORIGINS": "https://sangtao.example.vn",
    "SECURE_COOKIES": "1",
    "SECURE_SSL_REDIRECT": "1",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "1",
    "SECURE_HSTS_PRELOAD": "1",
    "SECURE_PROXY_SSL_HEADER": "1",
    "DEBUG": "0",
}


def test_check_deploy_is_clean_with_the_production_environment():
    env = {**os.environ, **PRODUCTION_ENV}
    checked = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                             cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "no issues" in checked.stdout


@pytest.mark.django_db
def test_pages_carry_a_content_security_policy_without_unsafe_inline():
    response = client_for(None).get("/")
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


INLINE = re.compile(
    r"<script(?![^>]*\b(src=|type=\"application/json\"))[^>]*>"  # an inline script
    r"|\son[a-z]+\s*="  # an event handler attribute
    r"|\sstyle\s*=|<style\b"  # inline style
    r"|javascript:", re.IGNORECASE)


def test_no_template_holds_script_style_or_handlers_the_policy_would_block():
    offending = [f"{path.relative_to(ROOT)}: {match.group(0)}"
                 for path in (ROOT / "sangtao").rglob("templates/**/*.html")
                 for match in INLINE.finditer(path.read_text())]
    assert offending == []


# --- the client's address behind proxies --------------------------------------------------------

def _request(peer: str, forwarded: str = ""):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    return RequestFactory().get("/", REMOTE_ADDR=peer, **extra)


def test_forwarded_for_is_ignored_from_a_peer_that_is_not_a_trusted_proxy(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert client_address(_request("203.0.113.9", "198.51.100.1")) == "203.0.113.9"


def test_behind_trusted_proxies_the_client_is_the_first_untrusted_hop_from_the_right(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8", "192.0.2.1"]
    # The client wrote a false first hop; the proxies appended what they saw.
    request = _request("10.0.0.2", "1.2.3.4, 198.51.100.7, 192.0.2.1")
    assert client_address(request) == "198.51.100.7"
    assert client_address(_request("10.0.0.2")) == "10.0.0.2"


def test_with_no_trusted_proxy_the_peer_is_the_client(settings):
    settings.TRUSTED_PROXIES = []
    assert client_address(_request("10.0.0.2", "198.51.100.7")) == "10.0.0.2"


# --- the limit is shared by every process -------------------------------------------------------

@pytest.mark.django_db
def test_the_default_cache_is_shared_between_processes():
    assert not isinstance(caches["default"], LocMemCache)


def _two_processes_count(first, second, scope: str = "test") -> None:
    """Two web processes, each with its own cache client, count one address against one limit."""
    first_limit, second_limit = RateLimit(scope, 3, 60, first), RateLimit(scope, 3, 60, second)
    first_limit.count("198.51.100.7")
    second_limit.count("198.51.100.7")
    assert not first_limit.reached("198.51.100.7")
    first_limit.count("198.51.100.7")
    assert second_limit.reached("198.51.100.7"), "the second process sees the first one's counts"
    assert not second_limit.reached("198.51.100.8")


@pytest.mark.django_db
def test_the_limit_is_shared_by_two_cache_clients_on_the_database():
    _two_processes_count(caches.create_connection("default"), caches.create_connection("default"))


def test_the_database_cache_keeps_its_rows_in_normal_use():
    """Without Redis the cache holds allauth's rate limits: Django's default culls a third of it past 300 rows."""
    options = settings.CACHES["default"].get("OPTIONS", {})
    assert "redis" in settings.CACHES["default"]["BACKEND"] or options["MAX_ENTRIES"] >= 1_000_000


@pytest.mark.django_db
def test_without_redis_a_limit_counts_in_its_table_and_keeps_counts_past_300_clients():
    limit = RateLimit("many", 2, 3600, caches.create_connection("default"))
    limit.count("198.51.100.7")
    limit.count("198.51.100.7")
    for n in range(400):
        limit.count(f"10.1.{n // 250}.{n % 250}")
    assert limit.reached("198.51.100.7") and not limit.reached("198.51.100.8")
    assert RateCount.objects.count() == 401


@pytest.mark.django_db
def test_a_new_window_removes_the_counts_of_windows_that_ended():
    import datetime

    RateCount.objects.create(bucket="rate:old", count=9, expires_at=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC))
    RateLimit("fresh", 2, 60).count("198.51.100.7")
    assert list(RateCount.objects.values_list("count", flat=True)) == [1]


COUNT_AT_ONCE = """
import sys
import django
django.setup()
from sangtao.core.ratelimit import RateLimit
limit = RateLimit("race", 10**6, 10**9)
print("ready", flush=True)
sys.stdin.readline()
for _ in range(int(sys.argv[1])):
    limit.count("198.51.100.7")
"""


@pytest.mark.waits
def test_two_processes_counting_at_the_same_time_lose_no_count(shared_database):  # noqa: F811
    """Two web processes count one client at once, on the test's database (SQLite: a file; PostgreSQL:
    the test database): every count is there, where the database cache's read-then-write lost some."""
    at_once(COUNT_AT_ONCE, shared_database, "150")
    assert RateLimit("race", 10**6, 10**9).counted("198.51.100.7") == 300


def _redis_clients(count: int) -> list:
    from django.core.cache.backends.redis import RedisCache

    clients = [RedisCache(os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"), {}) for _ in range(count)]
    try:
        clients[0].get("sangtao-test-ping")
    except Exception:  # noqa: BLE001 - any connection error means no Redis here
        pytest.skip("no Redis server")
    return clients


def _scope() -> str:
    """A scope of its own on Redis: the counts expire within a minute, and nothing else in Redis is touched."""
    return f"test-{os.getpid()}-{time.time()}"


def test_the_limit_is_shared_by_two_cache_clients_on_redis():
    first, second = _redis_clients(2)
    _two_processes_count(first, second, scope=_scope())


def _counts_and_locks(limit: RateLimit) -> None:
    """What login protection needs of a limit: each count's number, and a lock that ends at a stated time."""
    assert [limit.count("198.51.100.7") for _ in range(3)] == [1, 2, 3]
    assert limit.counted("198.51.100.7") == 3 and limit.locked_until("198.51.100.7") is None
    until = limit.lock("198.51.100.7", 60)
    assert until == pytest.approx(time.time() + 60, abs=5)
    assert limit.locked_until("198.51.100.7") == pytest.approx(until)
    assert limit.locked_until("198.51.100.8") is None and limit.count("198.51.100.8") == 1


@pytest.mark.django_db
def test_a_limit_counted_from_the_first_count_counts_and_locks_in_its_table():
    _counts_and_locks(RateLimit("locks", 3, 60, from_first_count=True))


def test_a_limit_counted_from_the_first_count_counts_and_locks_on_redis():
    [cache] = _redis_clients(1)
    _counts_and_locks(RateLimit(_scope(), 3, 60, cache, from_first_count=True))


@pytest.mark.django_db
def test_two_citizens_behind_the_same_trusted_proxy_each_have_their_own_limit(open_survey, settings,
                                                                               monkeypatch):
    from sangtao.surveys import views
    from sangtao.surveys.models import Measure, Response

    survey = open_survey
    monkeypatch.setattr(views, "RESPONSES_PER_ADDRESS", RateLimit("survey-response-test", 1, 3600))
    settings.TRUSTED_PROXIES = ["10.0.0.1"]
    answers = {f"q{i.pk}": "5" for i in survey.version.items.filter(measure=Measure.SATISFACTION)}
    form = {"unit": survey.units.first().pk, "consent": "1", **answers}

    def answer_from(client_ip: str, peer: str = "10.0.0.1"):
        return client_for(None).post(survey.public_url(), form, REMOTE_ADDR=peer, HTTP_X_FORWARDED_FOR=client_ip)

    assert answer_from("198.51.100.7").status_code == 302
    assert answer_from("198.51.100.7").status_code == 200, "the same citizen again: refused"
    assert answer_from("198.51.100.8").status_code == 302, "another citizen behind the proxy: accepted"
    assert answer_from("198.51.100.9", peer="203.0.113.5").status_code == 302
    assert answer_from("198.51.100.10", peer="203.0.113.5").status_code == 200, \
        "an untrusted peer cannot pose as many clients"
    assert Response.objects.count() == 3



def test_a_sqlite_file_is_opened_in_write_ahead_logging_so_workers_read_while_one_writes(tmp_path, django_db_blocker):
    """The web process and the task workers share a SQLite file (make demo): with write-ahead logging a
    reader never waits on a writer, nor a writer on readers, only on another writer."""
    from django.db.backends.sqlite3.base import DatabaseWrapper

    wrapper = DatabaseWrapper({
        "ENGINE": "django.db.backends.sqlite3", "NAME": str(tmp_path / "site.sqlite3"),
        "OPTIONS": settings.SQLITE_OPTIONS, "TIME_ZONE": None, "CONN_HEALTH_CHECKS": False, "CONN_MAX_AGE": 0,
        "AUTOCOMMIT": True, "ATOMIC_REQUESTS": False, "TEST": {}})
    with django_db_blocker.unblock():
        try:
            with wrapper.cursor() as cursor:
                cursor.execute("PRAGMA journal_mode")
                assert cursor.fetchone()[0] == "wal"
        finally:
            wrapper.close()
