"""Benchmark DoST's roll-up of annual plans (issue 13, section 3).

Generates 3,400 units x 10 tasks a year x 5 years (17,000 plans, 170,000 tasks, each with a KPI)
with bulk inserts, then measures through the product's own pages and job: the roll-up page's
query count and p95 server time as DoST (budget 300 ms), and the city report of the latest year
built as the background job does it (budget 60 s). Prints one JSON line.

BENCH_UNITS, BENCH_YEARS and BENCH_TASKS scale it down for a quick run.
"""

import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sangtao.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

UNITS = int(os.environ.get("BENCH_UNITS", "3400"))
YEARS = int(os.environ.get("BENCH_YEARS", "5"))
TASKS = int(os.environ.get("BENCH_TASKS", "10"))
FACETS = ["enhancement", "mission", "adaptive", "anticipatory"]


def generate() -> tuple:
    from sangtao.accounts.models import User
    from sangtao.annual.models import AnnualPlan, AnnualTask, TaskKpi
    from sangtao.orgs.models import Membership, OrgUnit, Role, UnitKind

    city, _created = OrgUnit.objects.get_or_create(kind=UnitKind.PROVINCE, code="79", defaults={"name": "Thành phố"})
    dost_unit, _created = OrgUnit.objects.get_or_create(kind=UnitKind.DOST, code="SKHCN",
                                                        defaults={"name": "Sở KH&CN", "parent": city})
    dost, created = User.objects.get_or_create(username="bench-dost", defaults={"email": "dost@bench.vn"})
    if created:
        Membership.objects.create(user=dost, unit=dost_unit, role=Role.DOST_COORDINATOR)
    if AnnualPlan.objects.count() >= UNITS * YEARS:
        return dost, 0.0
    started = time.perf_counter()
    this_year = timezone.localdate().year
    with transaction.atomic():
        units = OrgUnit.objects.bulk_create(OrgUnit(kind=UnitKind.WARD, code=f"B{i:05d}", name=f"Phường số {i}",
                                                    sort_name=f"phuong so {i:05d}", name_folded=f"phuong so {i}",
                                                    parent=city) for i in range(UNITS))
        for year in range(this_year - YEARS + 1, this_year + 1):
            plans = AnnualPlan.objects.bulk_create(AnnualPlan(
                unit=unit, year=year, title=f"Kế hoạch ĐMST {year}", created_by=dost,
                status="in_progress" if year == this_year else "done", consolidated_at=timezone.now(),
                search_text=f"ke hoach dmst {year} {unit.name_folded}") for unit in units)
            tasks = AnnualTask.objects.bulk_create(AnnualTask(
                plan=plan, year=year, position=t, title=f"Nhiệm vụ {t}", problem="Vấn đề", public_service="Dịch vụ",
                facet=FACETS[(plan.pk + t) % 4], budget_vnd=10_000_000 * (t + 1), person_in_charge="Cán bộ")
                for plan in plans for t in range(TASKS))
            TaskKpi.objects.bulk_create(TaskKpi(task=task, name="Thời gian xử lý", unit_of_measure="ngày",
                                                baseline_value=5, target_value=1) for task in tasks)
    return dost, time.perf_counter() - started


def main() -> None:
    call_command("migrate", verbosity=0)
    dost, setup = generate()
    from sangtao.annual.services import request_city_report
    from sangtao.core.tasks import run_pending

    client = Client()
    client.force_login(dost)
    year = timezone.localdate().year
    url = f"/annual/rollup/?year={year}"
    client.get(url)
    times, queries = [], set()
    for _ in range(int(os.environ.get("BENCH_REPEAT", "30"))):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            assert client.get(url).status_code == 200
            times.append((time.perf_counter() - started) * 1000)
        queries.add(len(captured))
    report = request_city_report(dost, year)  # queued as DoST asks for it, built here by the job engine
    started = time.perf_counter()
    run_pending()
    built = time.perf_counter() - started
    report.refresh_from_db()
    assert report.pdf and not report.failure, report.failure
    times.sort()
    print(json.dumps({"vendor": connection.vendor, "units": UNITS, "years": YEARS, "tasks_per_plan": TASKS,
                      "setup_s": round(setup, 1), "rollup_queries": sorted(queries),
                      "rollup_p95_ms": round(times[int(len(times) * 0.95) - 1], 1),
                      "rollup_median_ms": round(statistics.median(times), 1),
                      "city_report_s": round(built, 1)}))


if __name__ == "__main__":
    main()
