"""Login protection's counts: atomic across processes, counted from the first failure, locked for the full time."""

import pytest
from django.test import RequestFactory

from sangtao.accounts import throttle
from sangtao.core import ratelimit
from sangtao.core.tests.processes import at_once
from sangtao.core.tests.test_workers import shared_database  # noqa: F401 -- a fixture

FAIL_AT_ONCE = """
import sys
import django
django.setup()
from django.test import RequestFactory
from sangtao.accounts import throttle
request = RequestFactory().post("/accounts/login/", REMOTE_ADDR="198.51.100.7")
print("ready", flush=True)
sys.stdin.readline()
print(sum(throttle.count_login_failure(request, "officer") for _ in range(int(sys.argv[1]))), flush=True)
"""


@pytest.mark.waits
def test_two_processes_failing_logins_at_the_same_time_lose_no_count(shared_database):  # noqa: F811
    """Two web processes count 150 failed logins each for one account at once, against a limit of 300: the
    300th is counted, so the account is locked, and exactly once (the cache's read-then-write lost counts)."""
    outputs = at_once(FAIL_AT_ONCE, shared_database, "150", LOGIN_FAILURES_PER_ACCOUNT="300",
                      LOGIN_FAILURES_PER_ADDRESS="1000000")
    locks_started = [int(output) for output in outputs]
    assert sum(locks_started) == 1
    request = RequestFactory().post("/accounts/login/", REMOTE_ADDR="198.51.100.7")
    assert throttle.login_locked_until(request, "officer") is not None


@pytest.fixture
def clock(monkeypatch):
    """The rate limits' clock, set by the test: one second before a 900-second clock window ends."""
    now = [900 * 2_000_000 - 1.0]
    monkeypatch.setattr(ratelimit, "_clock", lambda: now[0])
    return now


@pytest.mark.django_db
def test_failures_count_from_the_first_one_across_a_clock_windows_edge_and_lock_for_the_full_time(settings, clock):
    settings.LOGIN_FAILURES_PER_ACCOUNT, settings.LOGIN_LOCKOUT_SECONDS = 3, 900
    request = RequestFactory().post("/accounts/login/")
    assert not throttle.count_login_failure(request, "officer")
    clock[0] += 2  # past the edge of a clock window: the first failure still counts
    assert not throttle.count_login_failure(request, "officer")
    clock[0] += 1
    assert throttle.count_login_failure(request, "Officer")  # the lock starts
    reached = clock[0]
    clock[0] = reached + 899
    assert throttle.login_locked_until(request, "officer ") == pytest.approx(reached + 900)
    clock[0] = reached + 900
    assert throttle.login_locked_until(request, "officer") is None
    assert not throttle.count_login_failure(request, "officer")  # counted from one again


@pytest.mark.django_db
def test_failures_older_than_the_lockout_time_no_longer_count(settings, clock):
    settings.LOGIN_FAILURES_PER_ACCOUNT, settings.LOGIN_LOCKOUT_SECONDS = 3, 900
    request = RequestFactory().post("/accounts/login/")
    first = clock[0]
    throttle.count_login_failure(request, "officer")
    clock[0] = first + 600
    throttle.count_login_failure(request, "officer")
    clock[0] = first + 900  # the first failure's window ended: this one starts a new count
    assert not throttle.count_login_failure(request, "officer")
    assert throttle.login_locked_until(request, "officer") is None
