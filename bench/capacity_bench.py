"""Benchmark the capacity index and the staggered estimator (issue 14, section 5).

Capacity: BENCH_UNITS wards (3,400) with size bands, one round a year for BENCH_YEARS years (5), each
launched through the product (its three surveys and one-answer invitations), answered through the
survey engine's ingest (BENCH_RESPONDENTS staff a unit, 30, to the climate and determinants modules,
5 managers to the barometer). Measured: the index computation of a round (scores.refresh: every
unit's components from the maintained sums, then composites and ranks; and for one unit, as after an
answer), the recompute command's rebuild of the latest round (the surveys' sums from the answers, then
the scores) and whether it equals the maintained numbers, and the benchmark pages as DoST (p95 server
time, budget 300 ms; query count: the full round, one size band, the last page, a unit's page).

Staggered impact: 200 units x 24 periods with 40 deployments in staggered cohorts and effects that
differ by cohort and grow with time; the estimator's time (budget 2 s) and its largest difference
from the independent regression formulation of the tests. Prints one JSON line.
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

import numpy as np  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

UNITS = int(os.environ.get("BENCH_UNITS", "3400"))
YEARS = int(os.environ.get("BENCH_YEARS", "5"))
RESPONDENTS = int(os.environ.get("BENCH_RESPONDENTS", "30"))
MANAGERS = 5


def generate() -> tuple:
    from sangtao.accounts.models import User
    from sangtao.capacity import services
    from sangtao.capacity.instruments import YES
    from sangtao.capacity.models import Module, Round, SizeBand, UnitProfile
    from sangtao.orgs.models import Membership, OrgUnit, Role, UnitKind
    from sangtao.surveys.ingest import Incoming, ingest
    from sangtao.surveys.models import Measure, Source

    city, _created = OrgUnit.objects.get_or_create(kind=UnitKind.PROVINCE, code="79", defaults={"name": "Thành phố"})
    dost_unit, _created = OrgUnit.objects.get_or_create(kind=UnitKind.DOST, code="SKHCN",
                                                        defaults={"name": "Sở KH&CN", "parent": city})
    dost, created = User.objects.get_or_create(username="bench-dost", defaults={"email": "dost@bench.vn"})
    if created:
        Membership.objects.create(user=dost, unit=dost_unit, role=Role.DOST_COORDINATOR)
    this_year = timezone.localdate().year
    if Round.objects.count() >= YEARS:
        return dost, 0.0, []
    started = time.perf_counter()
    bands = [SizeBand.SMALL, SizeBand.MEDIUM, SizeBand.LARGE]
    with transaction.atomic():
        units = OrgUnit.objects.bulk_create(OrgUnit(kind=UnitKind.WARD, code=f"C{i:05d}", name=f"Phường số {i}",
                                                    sort_name=f"phuong so {i:05d}", name_folded=f"phuong so {i}",
                                                    parent=city) for i in range(UNITS))
        UnitProfile.objects.bulk_create(UnitProfile(unit=u, size_band=bands[i % 3], staff=30 + i % 200)
                                        for i, u in enumerate(units))
    rng = np.random.default_rng(14)
    lean = rng.uniform(-0.8, 0.9, len(units))
    refresh_s = []
    for year in range(this_year - YEARS + 1, this_year + 1):
        round_ = services.create_round(dost, year=year, name=f"Bench {year}", units=units,
                                       opens_on=timezone.datetime(year, 9, 1).date(),
                                       closes_on=timezone.datetime(year, 10, 31).date(),
                                       managers_per_unit=MANAGERS, staff_per_unit=RESPONDENTS)
        round_ = services.launch_round(dost, round_)
        for module in Module.values:
            survey = round_.survey_of(module)
            items = list(survey.version.items.exclude(measure=Measure.TEXT).values_list("pk", flat=True))
            period = survey.periods.get()
            count = MANAGERS if module == Module.BAROMETER else RESPONDENTS
            batch = []
            for i, unit in enumerate(units):
                for _ in range(count):
                    if module == Module.BAROMETER:
                        batch.append(Incoming(unit.pk, period.pk, {pk: YES if rng.random() < 0.45 + 0.25 * lean[i]
                                                                   else 1 for pk in items}))
                    else:
                        values = np.clip(np.rint(rng.normal(3.3 + lean[i], 1.0, len(items))), 1, 5).astype(int)
                        batch.append(Incoming(unit.pk, period.pk, dict(zip(items, values.tolist(), strict=True))))
                if len(batch) >= 20000:
                    ingest(survey, batch, Source.WEB)
                    batch = []
            if batch:
                ingest(survey, batch, Source.WEB)
        from sangtao.capacity import scores

        begun = time.perf_counter()
        scores.refresh(round_)
        refresh_s.append(time.perf_counter() - begun)
        services.close_round(dost, round_)
    return dost, time.perf_counter() - started, refresh_s


def staggered() -> dict:
    from sangtao.capacity.staggered import NEVER, att_gt
    from sangtao.capacity.tests.test_staggered import reference_cells

    rng = np.random.default_rng(24)
    periods, units = 24, 200
    cohort = np.full(units, NEVER)
    cohort[:40] = np.repeat([4, 8, 12, 16, 20], 8)  # 40 deployments in five waves
    t = np.arange(periods)
    effect = np.where((cohort[:, None] != NEVER) & (t[None, :] >= cohort[:, None]),
                      2 + 0.5 * (t[None, :] - cohort[:, None]) + 0.2 * cohort[:, None], 0.0)
    y = rng.normal(60, 5, units)[:, None] + 0.3 * t[None, :] + effect + rng.normal(0, 2, (units, periods))
    months = 24300 + np.arange(periods)
    begun = time.perf_counter()
    att_gt(y, cohort, months)  # the first call also imports SciPy's distributions: reported apart
    first = time.perf_counter() - begun
    times = []
    for _ in range(5):
        begun = time.perf_counter()
        result = att_gt(y, cohort, months)
        times.append(time.perf_counter() - begun)
    reference = reference_cells(y, cohort)
    worst = max(max(abs(c.att - reference[(c.cohort, c.period)][0]), abs(c.se - reference[(c.cohort, c.period)][1]))
                for c in result.cells)
    return {"staggered_s": round(max(times), 3), "staggered_first_call_s": round(first, 3), "staggered_median_s": round(statistics.median(times), 3),
            "staggered_cells": len(result.cells), "staggered_max_diff": worst,
            "staggered_overall": round(result.overall.att, 3) if result.overall else None}


def main() -> None:
    call_command("migrate", verbosity=0)
    dost, setup, refresh_s = generate()
    from sangtao.capacity import scores
    from sangtao.capacity.models import Round, UnitScore
    from sangtao.capacity.services import recompute

    latest = Round.objects.order_by("-year").first()
    fields = [f.attname for f in UnitScore._meta.concrete_fields]

    def stored() -> dict:
        return {s.pk: [getattr(s, f) for f in fields] for s in UnitScore.objects.filter(round=latest)}

    maintained = stored()
    UnitScore.objects.filter(round=latest).update(climate=None, determinants=None, barometer=None, composite=None,
                                                  rank_best=None, profile={})
    begun = time.perf_counter()
    scores.refresh(latest)
    refresh_again = time.perf_counter() - begun
    begun = time.perf_counter()
    recompute(latest)  # what manage.py recompute_capacity does: the surveys' sums from the answers, then the scores
    recompute_s = time.perf_counter() - begun
    identical = stored() == maintained
    one = UnitScore.objects.filter(round=latest).order_by("pk").values_list("unit_id", flat=True)[0]
    begun = time.perf_counter()
    scores.refresh(latest, [one])  # what follows one answer
    one_unit_s = time.perf_counter() - begun
    client = Client()
    client.force_login(dost)
    urls = {"all": f"/capacity/benchmark/?year={latest.year}",
            "one_band": f"/capacity/benchmark/?year={latest.year}&size=medium",
            "last_page": f"/capacity/benchmark/?year={latest.year}&page=last",
            "unit": f"/capacity/units/{one}/"}
    pages = {}
    for name, url in urls.items():
        client.get(url)
        times, queries = [], set()
        for _ in range(int(os.environ.get("BENCH_REPEAT", "60"))):
            with CaptureQueriesContext(connection) as captured:
                begun = time.perf_counter()
                assert client.get(url).status_code == 200
                times.append((time.perf_counter() - begun) * 1000)
            queries.add(len(captured))
        times.sort()
        pages[name] = {"p95_ms": round(times[max(0, int(len(times) * 0.95) - 1)], 1),
                       "median_ms": round(statistics.median(times), 1), "queries": sorted(queries)}
    print(json.dumps({"vendor": connection.vendor, "units": UNITS, "years": YEARS, "respondents": RESPONDENTS,
                      "managers": MANAGERS, "setup_s": round(setup, 1),
                      "refresh_s": [round(s, 2) for s in refresh_s], "refresh_latest_s": round(refresh_again, 2),
                      "recompute_s": round(recompute_s, 2), "recompute_identical": identical,
                      "one_unit_refresh_s": round(one_unit_s, 3),
                      "benchmark_pages": pages, **staggered()}))


if __name__ == "__main__":
    main()
