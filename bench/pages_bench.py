"""Server time of every page, as every demo role, at ten times the demo's data, on one database.

Wall time is the figure judged against the budgets; the CPU time of the Django process is
given beside it, as on a shared machine the wall time also counts waiting for a core.

The pages are those the query-budget test crawls (sangtao/portal/tests/world.py): discovered
from the URL conf and filled with the objects of a programme built through the services.
Run by bench/run.py once per database (DATABASE_URL chooses it); prints one JSON line.
"""

import copy
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sangtao.settings")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from sangtao.accounts.models import User  # noqa: E402
from sangtao.challenges.models import Challenge, Field  # noqa: E402
from sangtao.orgs.models import Membership, OrgUnit, Role  # noqa: E402
from sangtao.portal.demo import load_demo  # noqa: E402
from sangtao.portal.tests.world import build_world, fill, routes  # noqa: E402

SCALE = int(os.environ.get("BENCH_SCALE", "10"))
REPEATS = int(os.environ.get("BENCH_REPEATS", "3"))
ROLES = ["dost", "officer", "leader", "officer2", "expert", "solver", "citizen", None]
BUDGET_MS = {"page": 50, "export": 200, "document": 250}


def kind(route: str) -> str:
    if route.endswith(".pdf"):
        return "document"
    return "export" if route.rsplit(".", 1)[-1] in ("csv", "xlsx", "json", "atom", "zip") else "page"


def populate() -> dict:
    """The demo, then as much again nine times: a programme through the services, challenges and
    users in bulk."""
    call_command("migrate", verbosity=0)
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # set-up speed only
    load_demo()
    demo_challenges, demo_users = Challenge.objects.count(), User.objects.count()
    world = build_world(
        (SCALE - 1) * 3, {"dost": "dost", "officer": "officer", "leader": "leader", "solver": "solver",
                          "expert": "expert", "citizen": "citizen"},
        Field.objects.get(slug="y-te"), OrgUnit.objects.get(code="26740"))
    published = list(Challenge.objects.filter(status="published"))
    copies = []
    for index in range(demo_challenges * SCALE - Challenge.objects.count()):
        challenge = copy.copy(published[index % len(published)])
        challenge.pk, challenge.title = None, f"{challenge.title} ({index})"
        challenge.refresh_search_columns()
        copies.append(challenge)
    Challenge.objects.bulk_create(copies, batch_size=500)
    units = list(OrgUnit.objects.filter(kind__in=["department", "ward"]))
    users = User.objects.bulk_create(User(username=f"bulk{i}", email=f"bulk{i}@sangtao.local", full_name=f"Cán bộ {i}")
                                     for i in range(demo_users * SCALE - User.objects.count()))
    Membership.objects.bulk_create(Membership(user=user, role=Role.OFFICER, unit=units[i % len(units)])
                                   for i, user in enumerate(users))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return world


def p95(ordered: list[float]) -> float:
    return ordered[max(0, int(len(ordered) * 0.95) - 1)]


def timings(world: dict) -> dict[str, dict]:
    from django.test import Client

    clients = {}
    for name in ROLES:
        clients[name] = Client()
        if name:
            clients[name].force_login(User.objects.get(username=name))
    pages = {}
    for route, name in routes():
        url = fill(route, world)
        if url is None:
            continue
        samples = []
        for role, client in clients.items():
            if route.startswith("admin/") and role != "dost":
                continue  # the admin is for staff, and DoST is the only staff role
            status = client.get(url).status_code  # also the warm-up
            if status == 405:
                break  # POST only: DoST, asked first, is refused as everyone would be
            if status != 200:
                continue
            for _repeat in range(REPEATS):
                started, cpu = time.perf_counter(), time.process_time()
                client.get(url)
                samples.append(((time.perf_counter() - started) * 1000, (time.process_time() - cpu) * 1000))
        if samples:
            wall, cpu_ms = sorted(s[0] for s in samples), sorted(s[1] for s in samples)
            pages[name] = {"url": url, "kind": kind(route), "p95_ms": round(p95(wall), 1),
                           "median_ms": round(statistics.median(wall), 1), "cpu_p95_ms": round(p95(cpu_ms), 1),
                           "samples": len(samples)}
    return pages


def main() -> None:
    started = time.perf_counter()
    world = populate()
    setup = time.perf_counter() - started
    pages = timings(world)
    print(json.dumps({
        "vendor": connection.vendor, "setup_s": round(setup, 1), "challenges": Challenge.objects.count(),
        "users": User.objects.count(), "budget_ms": BUDGET_MS, "pages": pages,
    }))


if __name__ == "__main__":
    main()
