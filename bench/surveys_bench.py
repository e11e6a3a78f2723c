"""Benchmark step 5 on one database (DATABASE_URL chooses it); prints one JSON line.

(a) import of a generated response CSV through the product's import path, as a ratio of
    rows per second to a raw COPY of the same file into a staging table (PostgreSQL), and
    rows per second on SQLite; peak memory of the import (it streams);
(b) a full refresh of the indices (recompute) against DuckDB computing the same numbers
    from the same answers, checked equal;
(c) the survey dashboard for 200 units x 12 periods: SQL queries per page and requests/s.
"""

import csv
import datetime
import json
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sangtao.settings")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("TASKS_BACKEND", "database")

import django  # noqa: E402

django.setup()

from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from sangtao.accounts.models import User  # noqa: E402
from sangtao.orgs.models import Membership, OrgUnit, Role, UnitKind  # noqa: E402
from sangtao.surveys import services  # noqa: E402
from sangtao.surveys.imports import run_import, start_import  # noqa: E402
from sangtao.surveys.ingest import recompute  # noqa: E402
from sangtao.surveys.models import Aggregate, Answer, Measure, RespondentAggregate  # noqa: E402

IMPORT_ROWS = int(os.environ.get("BENCH_IMPORT_ROWS", "1000000"))
REFRESH_RESPONSES = int(os.environ.get("BENCH_REFRESH_RESPONSES", "10000000"))
UNITS, PERIODS = 200, 12
SECONDS = float(os.environ.get("BENCH_SECONDS", "3"))


def setup():
    call_command("migrate", verbosity=0)
    dost_unit = OrgUnit.objects.create(kind=UnitKind.DOST, code="SKHCN-B", name="Sở KH&CN")
    dost = User.objects.create_user("bench-dost", "bench@example.vn", "x")
    Membership.objects.create(user=dost, role=Role.DOST_COORDINATOR, unit=dost_unit)
    units = OrgUnit.objects.bulk_create(OrgUnit(kind=UnitKind.WARD, code=f"B{n:04d}", name=f"Phường {n}")
                                        for n in range(UNITS))
    version = services.create_sipas_instrument(dost, "SIPAS bench").versions.get()
    start = datetime.date(2025, 1, 1)
    periods = [(f"P{m:02d}", start + datetime.timedelta(days=31 * m), start + datetime.timedelta(days=31 * m + 30))
               for m in range(PERIODS)]
    survey = services.create_survey(dost, name="Bench", version=version, service="Dịch vụ", units=units,
                                    periods=periods)
    return dost, survey


def write_csv(survey, path: Path, rows: int, prefix: str) -> None:
    codes = [i.code for i in survey.version.items.filter(measure=Measure.SATISFACTION)]
    units = [u.code for u in survey.units.all()]
    labels = [p.label for p in survey.periods.all()]
    rng = random.Random(7)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["response_id", "unit_code", "period", *codes])
        for n in range(rows):
            writer.writerow([f"{prefix}{n}", rng.choice(units), rng.choice(labels),
                             *[rng.choice("12344555") for _ in codes]])


def bench_import(dost, survey, tmp: Path) -> dict:
    path = tmp / "responses.csv"
    write_csv(survey, path, IMPORT_ROWS, "R")
    upload = SimpleUploadedFile("responses.csv", path.read_bytes())
    job = start_import(survey, dost, upload, "import")
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    run_import(job_id=job.pk)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    job.refresh_from_db()
    assert job.state == "done", job.message
    result = {"import_rows": IMPORT_ROWS, "import_s": round(seconds, 2), "import_rps": round(IMPORT_ROWS / seconds),
              "import_peak_mib": round(peak / 1024, 1), "import_peak_growth_mib": round((peak - before) / 1024, 1),
              "file_mib": round(path.stat().st_size / 2**20, 1)}
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            codes = [i.code.lower() for i in survey.version.items.filter(measure=Measure.SATISFACTION)]
            cursor.execute("CREATE TEMP TABLE staging (response_id text, unit_code text, period text, "
                           + ", ".join(f"{c} smallint" for c in codes) + ")")
            started = time.perf_counter()
            with open(path, "rb") as handle, cursor.copy("COPY staging FROM STDIN WITH (FORMAT csv, HEADER true)") as copy:
                while chunk := handle.read(1 << 20):
                    copy.write(chunk)
            copy_s = time.perf_counter() - started
            cursor.execute("DROP TABLE staging")
        result.update(copy_s=round(copy_s, 2), copy_rps=round(IMPORT_ROWS / copy_s),
                      import_vs_copy=round(copy_s / seconds, 3))
    return result


def fabricate(survey, responses: int) -> None:
    """Responses and answers for the refresh benchmark, generated inside the database."""
    items = list(survey.version.items.filter(measure=Measure.SATISFACTION).values_list("pk", flat=True))
    units = list(survey.units.values_list("pk", flat=True))
    periods = list(survey.periods.values_list("pk", flat=True))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Set-up only, not timed: skip the foreign-key triggers for 50M generated rows when allowed.
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            if cursor.fetchone()[0]:
                cursor.execute("SET session_replication_role = replica")
            cursor.execute(
                "INSERT INTO surveys_response (survey_id, unit_id, period_id, source, weight, follow_up_email, "
                "submitted_at) SELECT %s, (%s::int[])[1 + g %% %s], (%s::int[])[1 + (g / %s) %% %s], 'import', 1.0, "
                "'', now() FROM generate_series(0, %s - 1) g",
                [survey.pk, units, len(units), periods, len(units), len(periods), responses])
            cursor.execute(
                "INSERT INTO surveys_answer (response_id, item_id, value, text) SELECT r.id, i, "
                "1 + ((r.id * 7 + i * 13) %% 5), '' FROM surveys_response r, unnest(%s::int[]) i "
                "WHERE r.survey_id = %s", [items, survey.pk])
        else:
            cursor.execute(
                "WITH RECURSIVE g(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM g WHERE n < ?) "
                "INSERT INTO surveys_response (survey_id, unit_id, period_id, source, weight, follow_up_email, "
                "submitted_at) SELECT ?, ? + n % ?, ? + (n / ?) % ?, 'import', 1.0, '', datetime('now') FROM g",
                [responses - 1, survey.pk, min(units), len(units), min(periods), len(units), len(periods)])
            for item in items:
                cursor.execute("INSERT INTO surveys_answer (response_id, item_id, value, text) SELECT id, ?, "
                               "1 + ((id * 7 + ? * 13) % 5), '' FROM surveys_response WHERE survey_id = ?",
                               [item, item, survey.pk])
        if connection.vendor == "postgresql":
            cursor.execute("RESET session_replication_role")
        cursor.execute("ANALYZE")


def export_answers(survey, path: Path) -> None:
    """The survey's answers as CSV for DuckDB (not timed): COPY on PostgreSQL, rows on SQLite."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor, open(path, "wb") as handle, cursor.cursor.copy(
                "COPY (SELECT a.response_id AS response, r.unit_id AS unit, r.period_id AS period, a.item_id AS item, "  # noqa: S608
                "a.value, r.weight FROM surveys_answer a JOIN surveys_response r ON r.id = a.response_id "
                f"WHERE r.survey_id = {int(survey.pk)}) TO STDOUT WITH (FORMAT csv, HEADER true)") as copy:
            for block in copy:
                handle.write(block)
        return
    rows = Answer.objects.filter(response__survey=survey).values_list(
        "response_id", "response__unit_id", "response__period_id", "item_id", "value", "response__weight").iterator(
        chunk_size=50000)
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["response", "unit", "period", "item", "value", "weight"])
        writer.writerows(rows)


def bench_refresh(survey, tmp: Path) -> dict:
    import duckdb

    with connection.cursor() as cursor:  # the imported rows go; Django's cascade would fetch them all first
        for table in ("surveys_answer", "surveys_response", "surveys_aggregate", "surveys_respondentaggregate"):
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608 -- our tables
    fabricate(survey, REFRESH_RESPONSES)
    started = time.perf_counter()
    cells = recompute(survey)
    refresh_s = time.perf_counter() - started
    # The same answers, exported once for DuckDB (not timed), then grouped by DuckDB (timed).
    export = tmp / "answers.csv"
    export_answers(survey, export)
    duck = duckdb.connect()
    duck.execute(f"CREATE TABLE a AS SELECT * FROM read_csv_auto('{export}')")  # noqa: S608 -- our temp file; not timed
    duck.execute("CREATE TABLE items (item INTEGER, element INTEGER)")
    duck.executemany("INSERT INTO items VALUES (?, ?)", list(
        survey.version.items.filter(measure=Measure.SATISFACTION).values_list("pk", "element")))
    m = survey.rule.satisfied_min
    started = time.perf_counter()
    reference = duck.execute(
        "SELECT unit, period, item, count(*), sum(value), sum(value*value), sum(CASE WHEN value >= ? THEN 1 ELSE 0 END),"
        " sum(weight) FROM a WHERE value IS NOT NULL GROUP BY 1, 2, 3", [m]).fetchall()
    respondents = duck.execute(
        "WITH per AS (SELECT response, unit, period, weight AS w, element, count(*) AS m, "
        "sum(CASE WHEN value >= ? THEN 1 ELSE 0 END) AS k, sum(value) AS s FROM a JOIN items USING (item) "
        "WHERE value IS NOT NULL GROUP BY GROUPING SETS ((response, unit, period, weight, element), "
        "(response, unit, period, weight))) "
        "SELECT unit, period, coalesce(element, 0), count(*), sum(w * m), sum(w * k), sum(w * w * k * k) "
        "FROM per GROUP BY 1, 2, 3", [m]).fetchall()
    duck_s = time.perf_counter() - started
    ours = {(a.unit_id, a.period_id, a.item_id): (a.n, a.total, a.total_sq, a.satisfied, a.w_sum)
            for a in Aggregate.objects.filter(survey=survey)}
    identical = len(ours) == len(reference) and all(
        ours[(u, p, i)][:4] == (n, t, sq, s) and abs(ours[(u, p, i)][4] - w) < 1e-6
        for u, p, i, n, t, sq, s, w in reference)
    ours_people = {(r.unit_id, r.period_id, r.element): (r.respondents, r.wm, r.wk, r.w2_kk)
                   for r in RespondentAggregate.objects.filter(survey=survey)}
    identical = identical and len(ours_people) == len(respondents) and all(
        ours_people[(u, p, e)] == (n, wm, wk, kk) for u, p, e, n, wm, wk, kk in respondents)
    return {"refresh_responses": REFRESH_RESPONSES, "refresh_answers": REFRESH_RESPONSES * 5, "cells": cells,
            "refresh_s": round(refresh_s, 2), "duckdb_s": round(duck_s, 3),
            "refresh_vs_duckdb": round(refresh_s / duck_s, 1), "identical": identical}


def bench_dashboard(dost, survey) -> dict:
    client = Client()
    client.force_login(dost)
    url = f"/surveys/{survey.pk}/"
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    client.get(url)
    count, started = 0, time.perf_counter()
    while time.perf_counter() - started < SECONDS:
        client.get(url)
        count += 1
    rps = count / (time.perf_counter() - started)
    with CaptureQueriesContext(connection) as public:
        client.get("/outcomes/")
    return {"dashboard_queries": len(small), "dashboard_rps": round(rps, 2), "outcomes_queries": len(public)}


def main() -> None:
    dost, survey = setup()
    with tempfile.TemporaryDirectory() as tmp:
        result = {"vendor": connection.vendor}
        result.update(bench_import(dost, survey, Path(tmp)))
        result.update(bench_dashboard(dost, survey))
        result.update(bench_refresh(survey, Path(tmp)))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
