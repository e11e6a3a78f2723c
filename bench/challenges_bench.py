"""Benchmark one database: list/search throughput, queries per page, search latency.

Run by bench/run.py once per database (DATABASE_URL chooses it); prints one JSON line.
"""

import json
import os
import random
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
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from sangtao.accounts.models import User  # noqa: E402
from sangtao.challenges.access import public_challenges  # noqa: E402
from sangtao.challenges.models import Challenge, Field, Status  # noqa: E402
from sangtao.challenges.search import search  # noqa: E402
from sangtao.orgs.models import OrgUnit  # noqa: E402
from sangtao.portal import demo  # noqa: E402

N_CHALLENGES = int(os.environ.get("BENCH_CHALLENGES", "10000"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "3"))
QUERIES = ["ngap", "thu duc", "benh vien", "dữ liệu", "xe buyt", "phuong sai gon", "thủ tục hành chính",
           "giao duc", "o nhiem khong khi", "cap phep xay dung"]


def populate() -> None:
    call_command("migrate", verbosity=0)
    if Challenge.objects.count() >= N_CHALLENGES:
        return
    units = demo.load_units()
    demo.load_users(units)
    fields = [Field.objects.get_or_create(slug=slug, defaults={"name": name, "name_en": en})[0]
              for slug, name, en in demo.FIELDS]
    wards = list(OrgUnit.objects.filter(parent__code=demo.HCMC))
    author = User.objects.get(username="officer")
    rng = random.Random(42)
    now = timezone.now()
    batch = []
    for index in range(N_CHALLENGES - Challenge.objects.count()):
        _owner, field_slug, title, title_en, problem, indicator, tags = rng.choice(demo.TOPICS)
        ward = rng.choice(wards)
        challenge = Challenge(
            title=f"{title} tại {ward.name} ({index})", title_en=title_en, summary=problem[:300],
            problem_statement=problem, field=rng.choice(fields), owner_unit=ward, facet="enhancement",
            status=Status.PUBLISHED, created_by=author, published_at=now - timezone.timedelta(minutes=index),
            call_opens_at=now - timezone.timedelta(days=5), call_closes_at=now + timezone.timedelta(days=rng.randint(1, 90)),
            tags=tags,
        )
        challenge.refresh_search_columns()
        batch.append(challenge)
        if len(batch) == 1000:
            Challenge.objects.bulk_create(batch)
            batch = []
    Challenge.objects.bulk_create(batch)
    with connection.cursor() as cursor:
        # Fresh planner statistics after a bulk load, as autovacuum (PostgreSQL) or the
        # worker's periodic PRAGMA optimize (SQLite) would give.
        cursor.execute("ANALYZE")


def throughput(client: Client, url: str) -> float:
    client.get(url)  # warm-up
    count, started = 0, time.perf_counter()
    while time.perf_counter() - started < SECONDS:
        assert client.get(url).status_code == 200
        count += 1
    return count / (time.perf_counter() - started)


def queries_per_page() -> dict[int, int]:
    client = Client()
    result = {}
    for size in (10, 20, 50, 100):
        settings.PAGE_SIZE = size
        with CaptureQueriesContext(connection) as captured:
            client.get("/challenges/")
        result[size] = len(captured)
    settings.PAGE_SIZE = 20
    return result


def search_latency() -> dict[str, float]:
    timings = []
    for _round in range(5):
        for query in QUERIES:
            started = time.perf_counter()
            list(search(public_challenges(), query)[:20])
            timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    return {"p50_ms": statistics.median(timings), "p95_ms": timings[int(len(timings) * 0.95) - 1]}


def main() -> None:
    started = time.perf_counter()
    populate()
    setup_seconds = time.perf_counter() - started
    client = Client()
    trivial = throughput(client, "/_trivial/")
    listing = throughput(client, "/challenges/")
    searching = throughput(client, "/challenges/?q=ngap+duong")
    print(json.dumps({
        "vendor": connection.vendor,
        "challenges": Challenge.objects.filter(status=Status.PUBLISHED).count(),
        "setup_s": round(setup_seconds, 1),
        "trivial_rps": round(trivial, 1),
        "list_rps": round(listing, 1),
        "search_rps": round(searching, 1),
        "list_ratio": round(listing / trivial, 3),
        "search_ratio": round(searching / trivial, 3),
        "queries_per_page": queries_per_page(),
        "search_latency": {k: round(v, 2) for k, v in search_latency().items()},
    }))


if __name__ == "__main__":
    main()
