"""Reuse before reinvention (issue 15 §3): suggestion latency over 100,000 indexed documents and the
quality of the ranking on the labelled pairs in bench/data/knowledge_pairs.json.

Quality: the pool of the labelled set (related items and distractors) is indexed alone, each query
draft (title and problem) asks for 5 suggestions; recall@5 is the share of the related items found
in the 5, precision@5 the share of the 5 that are related (averaged over queries). The same is
reported with the pool inside the 100,000 generated documents. Latency: the suggestion function
as the API calls it (an officer of one unit: audience filter, own unit left out), for drafts
unseen by the index, and through the API with a session. Run by bench/run.py once per database
(DATABASE_URL chooses it); prints one JSON line.
"""

import json
import os
import random
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sangtao.settings")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")

import django  # noqa: E402

django.setup()

import knowledge_corpus  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from sangtao.accounts.models import User  # noqa: E402
from sangtao.knowledge.models import Audience  # noqa: E402
from sangtao.knowledge.suggest import related_ids, suggest  # noqa: E402
from sangtao.knowledge.suggest_index import Entry, load  # noqa: E402
from sangtao.orgs.models import Membership, OrgUnit, Role, UnitKind  # noqa: E402

TOTAL = int(os.environ.get("BENCH_KNOWLEDGE_DOCS", "100000"))
UNITS = 400
QUERIES = int(os.environ.get("BENCH_QUERIES", "200"))
PAIRS = HERE / "data" / "knowledge_pairs.json"
KIND_CODES = {"case": 0, "challenge": 1, "task": 2, "initiative": 3}


def pool_entries(pool: list[dict], units: list[OrgUnit]) -> list[Entry]:
    # The pool's ids are strings; each gets an object id above the generated ones' range.
    return [Entry(item["kind"], 10_000_000 + i, units[i % len(units)].pk, Audience.PUBLIC, Audience.PUBLIC,
                  item["title"], item["problem"], "") for i, item in enumerate(pool)]


def quality(pairs: list[dict], pool: list[dict]) -> dict:
    ids = {(item["kind"], 10_000_000 + i): item["id"] for i, item in enumerate(pool)}
    recalls, precisions, found_pairs = [], [], 0
    for pair in pairs:
        query = pair["query"]
        top = [ids.get(key) for key in related_ids(query["title"], query.get("problem", ""), limit=5)]
        hits = len(set(top) & set(pair["related"]))
        found_pairs += hits
        recalls.append(hits / len(pair["related"]))
        precisions.append(hits / 5)
    return {"queries": len(pairs), "pairs": sum(len(p["related"]) for p in pairs), "pairs_found": found_pairs,
            "recall_at_5": round(statistics.mean(recalls), 3), "precision_at_5": round(statistics.mean(precisions), 3),
            "pair_recall_at_5": round(found_pairs / sum(len(p["related"]) for p in pairs), 3)}


def percentile(times: list[float], share: float) -> float:
    times = sorted(times)
    return round(times[int(share * (len(times) - 1))], 2)


def main() -> None:
    call_command("migrate", verbosity=0)
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    city = OrgUnit.objects.create(kind=UnitKind.PROVINCE, code="79", name="Thành phố Hồ Chí Minh")
    units = OrgUnit.objects.bulk_create([OrgUnit(kind=UnitKind.WARD, code=f"B{i}", name=f"Phường {i}", parent=city,
                                                 sort_name=f"{i:05d}") for i in range(UNITS)])
    officer = User.objects.create_user("officer", "officer@bench.vn", "x")
    Membership.objects.create(user=officer, role=Role.OFFICER, unit=units[0])
    data = json.loads(PAIRS.read_text(encoding="utf-8"))
    pool, pairs = data["pool"], data["pairs"]

    load(pool_entries(pool, units))
    alone = quality(pairs, pool)

    rng = random.Random(7)
    audiences = [Audience.PUBLIC] * 6 + [Audience.STAFF] * 3 + [Audience.DOST]

    def generated():
        for i, (kind, title, problem, unit) in enumerate(knowledge_corpus.documents(TOTAL - len(pool), UNITS)):
            audience = rng.choice(audiences)
            yield Entry(kind, i + 1, units[unit].pk, audience, audience, title, problem, f"/{kind}/{i + 1}/")
        yield from pool_entries(pool, units)

    built = load(generated())
    among = quality(pairs, pool)

    drafts = [knowledge_corpus.draft(random.Random(1000 + i)) for i in range(QUERIES // 2)]
    drafts += [(p["query"]["title"], p["query"].get("problem", "")) for p in pairs[:QUERIES - len(drafts)]]
    for title, problem in drafts[:10]:  # warm
        suggest(officer, title, problem, unit_id=units[0].pk)
    times, results = [], []
    for title, problem in drafts:
        began = time.perf_counter()
        found = suggest(officer, title, problem, unit_id=units[0].pk)
        times.append((time.perf_counter() - began) * 1000)
        results.append(len(found))
    client = Client()
    client.force_login(officer)
    api_times = []
    for title, problem in drafts[:100]:
        url = "/api/v1/knowledge/suggestions?" + urlencode({"kind": "challenge", "title": title, "problem": problem,
                                                             "unit": units[0].pk})
        began = time.perf_counter()
        response = client.get(url)
        api_times.append((time.perf_counter() - began) * 1000)
        assert response.status_code == 200, response.content
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM knowledge_posting")
        postings = cursor.fetchone()[0]
    print(json.dumps({
        "vendor": connection.vendor, "documents": built["documents"], "postings": postings,
        "build_s": built["seconds"], "queries": len(times),
        "p50_ms": percentile(times, 0.5), "p95_ms": percentile(times, 0.95), "max_ms": round(max(times), 2),
        "api_p50_ms": percentile(api_times, 0.5), "api_p95_ms": percentile(api_times, 0.95),
        "mean_results": round(statistics.mean(results), 2), "quality_pool": alone, "quality_in_100k": among,
    }))


if __name__ == "__main__":
    main()
