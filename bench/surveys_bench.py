"""Benchmark step 5 on one database (DATABASE_URL chooses it); prints one JSON line.

(a) import of a generated response CSV through the product's import path, as a ratio of
    rows per second to a raw COPY of the same file into a staging table (PostgreSQL), and
    rows per second on SQLite; peak memory of the import (it streams); while it runs, citizens
    answer the same survey on its public page, served by a real server on 127.0.0.1, at a steady
    rate: the answers' latency (p50, p99), and proof that each was stored and counted once (the
    kept sums equal a full recompute);
(b) a full refresh of the indices (recompute) against DuckDB computing the same numbers
    from the same responses (loaded with a typed column per item, its fastest layout), checked equal;
(c) the public outcomes dashboard, its challenge evaluated by a survey of 200 units x 12 periods:
    SQL queries per page with one finished challenge and with ten, and requests/s; the same for
    the survey's own dashboard.

Two floors show what no formulation of (a) and (b) on this table can beat: the same rows COPYed
straight into the responses table, already in its shape (nothing validated, deduplicated or
summed), and one grouped scan of the responses that reads no answer.
"""

import csv
import datetime
import http.client
import json
import math
import os
import random
import re
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sangtao.settings")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("TASKS_BACKEND", "database")

import django  # noqa: E402

django.setup()

from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from sangtao.accounts.models import User  # noqa: E402
from sangtao.challenges.models import Challenge, Field, Indicator, Status  # noqa: E402
from sangtao.evaluation.models import Measurement  # noqa: E402
from sangtao.orgs.models import Membership, OrgUnit, Role, UnitKind  # noqa: E402
from sangtao.projects.models import Deployment, Project, ProjectRules  # noqa: E402
from sangtao.review.models import Decision  # noqa: E402
from sangtao.surveys import services  # noqa: E402
from sangtao.surveys.imports import run_import, start_import  # noqa: E402
from sangtao.surveys.ingest import BLANK, recompute, scale_items  # noqa: E402
from sangtao.surveys.models import (  # noqa: E402
    Aggregate,
    Measure,
    Period,
    RespondentAggregate,
    Response,
    Survey,
)

IMPORT_ROWS = int(os.environ.get("BENCH_IMPORT_ROWS", "1000000"))
REFRESH_RESPONSES = int(os.environ.get("BENCH_REFRESH_RESPONSES", "10000000"))
UNITS, PERIODS = 200, 12
SECONDS = float(os.environ.get("BENCH_SECONDS", "3"))
ANSWERS_PER_S = float(os.environ.get("BENCH_ANSWERS_PER_S", "5"))
BASELINE_S = float(os.environ.get("BENCH_BASELINE_S", "15"))
ROOT = Path(__file__).resolve().parent.parent


def setup():
    call_command("migrate", verbosity=0)
    dost_unit = OrgUnit.objects.create(kind=UnitKind.DOST, code="SKHCN-B", name="Sở KH&CN")
    dost = User.objects.create_user("bench-dost", "bench@example.vn", "x")
    Membership.objects.create(user=dost, role=Role.DOST_COORDINATOR, unit=dost_unit)
    units = OrgUnit.objects.bulk_create(OrgUnit(kind=UnitKind.WARD, code=f"B{n:04d}", name=f"Phường {n}")
                                        for n in range(UNITS))
    version = services.create_sipas_instrument(dost, "SIPAS bench").versions.get()
    start = datetime.date(2025, 1, 1)
    periods = [(f"P{m:02d}/{(start + datetime.timedelta(days=31 * m)).year}", start + datetime.timedelta(days=31 * m),
                start + datetime.timedelta(days=31 * m + 30))
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
    citizens = Citizens(dost, survey)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with citizens.answering():
        time.sleep(BASELINE_S)  # answers with no import running: the server's own latency on this machine
        citizens.phase = "import"
        phases = Phases()
        started = time.perf_counter()
        with phases.timing():
            run_import(run_id=str(job.run_id), job_id=job.pk)
        seconds = time.perf_counter() - started
        citizens.phase = "after"
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    job.refresh_from_db()
    assert job.state == "done", job.run.message
    result = {"import_rows": IMPORT_ROWS, "import_s": round(seconds, 2), "import_rps": round(IMPORT_ROWS / seconds),
              "import_peak_mib": round(peak / 1024, 1), "import_peak_growth_mib": round((peak - before) / 1024, 1),
              "file_mib": round(path.stat().st_size / 2**20, 1), "import_added": job.added,
              "import_phases": phases.report(seconds), **citizens.report(seconds)}
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
        store_s = store_floor(survey, tmp)
        result.update(copy_s=round(copy_s, 2), copy_rps=round(IMPORT_ROWS / copy_s),
                      import_vs_copy=round(copy_s / seconds, 3), store_floor_s=round(store_s, 2),
                      store_floor_vs_copy=round(copy_s / store_s, 3))
    return result


class Phases:
    """Where an import spends its time: wall seconds of each step, and on PostgreSQL on this machine
    the CPU seconds its database backend spent in it (read from /proc), so that a step that waits
    (for a lock, for a shared machine's cores) shows apart from one that works."""

    STEPS = (("stage (COPY)", "COPY"), ("clean", "CREATE TEMP TABLE import_cleaned"), ("check", "SELECT line, failure"),
             ("pick new rows", "CREATE TEMP TABLE import_fresh"), ("sum", "SELECT unit_id, period_id"),
             ("publish: insert responses", "INSERT INTO surveys_response "), ("publish: insert answers", "INSERT INTO surveys_answer "),
             ("publish: add sums", "INSERT INTO surveys_aggregate"), ("publish: add sums", "INSERT INTO surveys_respondentaggregate"),
             ("publish: count", "INSERT INTO surveys_responsecount"))

    def __init__(self):
        self.wall: dict[str, float] = {}
        self.cpu: dict[str, float] = {}
        self.backend = None

    def backend_cpu(self) -> float | None:
        try:
            with open(f"/proc/{self.backend}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except (OSError, TypeError):
            return None
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def add(self, step: str, wall: float, cpu: float | None) -> None:
        self.wall[step] = self.wall.get(step, 0.0) + wall
        if cpu is not None:
            self.cpu[step] = self.cpu.get(step, 0.0) + cpu

    def timing(self):
        from contextlib import contextmanager

        from sangtao.surveys import copy_import

        phases = self

        def measured(step: str, run):
            cpu, started = phases.backend_cpu(), time.perf_counter()
            try:
                return run()
            finally:
                after = phases.backend_cpu()
                phases.add(step, time.perf_counter() - started, None if cpu is None or after is None else after - cpu)

        def statement(execute, sql, params, many, context):
            step = next((name for name, start in self.STEPS if sql.lstrip().startswith(start)), "other statements")
            return measured(step, lambda: execute(sql, params, many, context))

        real_load = copy_import.StagedFile.load

        def load(staged, path, progress):  # the COPY itself; the statements it runs are timed one by one
            started = time.perf_counter()
            cpu = phases.backend_cpu()
            before = dict(phases.wall), dict(phases.cpu)
            try:
                return real_load(staged, path, progress)
            finally:
                inner = sum(phases.wall.values()) - sum(before[0].values())
                inner_cpu = sum(phases.cpu.values()) - sum(before[1].values())
                after = phases.backend_cpu()
                phases.add("stage (COPY)", time.perf_counter() - started - inner,
                           None if cpu is None or after is None else after - cpu - inner_cpu)

        @contextmanager
        def timed():
            if connection.vendor == "postgresql":
                connection.ensure_connection()
                phases.backend = connection.connection.info.backend_pid
            copy_import.StagedFile.load = load
            try:
                with connection.execute_wrapper(statement):
                    yield
            finally:
                copy_import.StagedFile.load = real_load

        return timed()

    def report(self, total: float) -> list:
        """[step, wall s, backend CPU s or None], in the order the steps run; the rest (Python, the
        job's own rows, commit) as "rest"."""
        steps = list(dict.fromkeys(name for name, _start in self.STEPS)) + ["other statements"]
        rows = [[step, round(self.wall[step], 2), round(self.cpu[step], 2) if step in self.cpu else None]
                for step in steps if step in self.wall]
        return rows + [["rest (Python, commit)", round(total - sum(self.wall.values()), 2), None]]


class Citizens:
    """Web answers to the survey on its public page, posted to a real server (answer_server.py on
    127.0.0.1: its own process, eight threads and their database connections) at a steady rate, each from its own thread
    at its planned time, so one slow answer does not delay the next (no coordinated omission).
    Invitation tokens spare them the per-address rate limit, as a kiosk's would. While they answer,
    a sampler watches PostgreSQL's lock waits: whether any answer waits for a lock the import holds."""

    def __init__(self, dost, survey):
        today = timezone.localdate()
        Period.objects.create(survey=survey, label="Hiện tại", starts_on=today - datetime.timedelta(days=1),
                              ends_on=today + datetime.timedelta(days=30))
        Survey.objects.filter(pk=survey.pk).update(uses_tokens=True)
        self.survey = Survey.objects.get(pk=survey.pk)
        # Citizens at every office: a token set per unit, taken in turn.
        per_unit = [services.issue_tokens(self.survey, dost, unit, 25) for unit in self.survey.units.all()]
        self.tokens = [t.token for tokens in zip(*per_unit, strict=True) for t in tokens]
        self.items = [i.pk for i in self.survey.version.items.filter(measure=Measure.SATISFACTION)]
        self.answers: list[tuple[str, float, int]] = []  # (phase when sent, seconds, HTTP status)
        self.phase = "idle"
        self.stop = threading.Event()
        self.lock_waits = 0  # samples (every 50 ms) in which a connection waited for a lock (PostgreSQL)
        self.waits_on_import = 0  # ... for a lock that the import's connection held

    def answering(self):
        citizens = self

        class Running:
            def __enter__(self):
                citizens.start()

            def __exit__(self, *exc):
                citizens.finish()

        return Running()

    def start(self) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        env = {**os.environ, "ALLOWED_HOSTS": "127.0.0.1", "DATABASE_URL": os.environ.get("DATABASE_URL", "")}
        self.server = subprocess.Popen([sys.executable, str(ROOT / "bench" / "answer_server.py"), str(self.port)],
                                       env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _attempt in range(300):
            try:
                status, _headers, page = self.request("GET", self.survey.public_url())
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError("the server did not start")
        assert status == 200, status
        self.csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        self.cookie = _headers["Set-Cookie"].split(";")[0]
        self.clock = threading.Thread(target=self.post_steadily)
        self.clock.start()
        if connection.vendor == "postgresql":
            connection.ensure_connection()
            self.importer = connection.connection.info.backend_pid  # the import runs on this thread's connection
            self.sampler = threading.Thread(target=self.sample_lock_waits)
            self.sampler.start()

    def sample_lock_waits(self) -> None:
        """Every 50 ms while answers are posted: does any connection wait for a lock, and does any
        wait for one the import's connection holds?"""
        import psycopg

        with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as sampler:
            while not self.stop.wait(0.05):
                waiting, behind_import = sampler.execute(
                    "SELECT count(*), count(*) FILTER (WHERE %s = ANY(pg_blocking_pids(pid))) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND wait_event_type = 'Lock'", [self.importer]).fetchone()
                self.lock_waits += waiting > 0
                self.waits_on_import += behind_import > 0

    def request(self, method: str, path: str, body: str = "", headers: dict | None = None):
        connection_ = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            connection_.request(method, path, body=body, headers=headers or {})
            reply = connection_.getresponse()
            return reply.status, reply.headers, reply.read().decode()
        finally:
            connection_.close()

    def post_steadily(self) -> None:
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=64) as pool:
            for number, token in enumerate(self.tokens):
                planned = started + number / ANSWERS_PER_S
                if self.stop.wait(max(0.0, planned - time.perf_counter())):
                    return
                pool.submit(self.answer, token, number)

    def answer(self, token: str, number: int) -> None:
        from urllib.parse import urlencode

        body = urlencode({"csrfmiddlewaretoken": self.csrf, "t": token, "consent": "1",
                          **{f"q{pk}": str(1 + (number + slot) % 5) for slot, pk in enumerate(self.items)}})
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": self.cookie,
                   "Referer": f"http://127.0.0.1:{self.port}/"}
        phase, sent = self.phase, time.perf_counter()
        try:
            status = self.request("POST", self.survey.public_url(), body, headers)[0]
        except OSError:
            status = 0
        self.answers.append((phase, time.perf_counter() - sent, status))

    def finish(self) -> None:
        self.stop.set()
        self.clock.join()  # the pool waits for answers in flight
        if connection.vendor == "postgresql":
            self.sampler.join()
        self.server.terminate()
        self.server.wait(30)

    def report(self, import_s: float) -> dict:
        """Latencies, and the proof: every answer the server accepted (302) is stored once, and the
        kept sums and count equal a full recompute of every stored response."""
        accepted = sum(status == 302 for _phase, _s, status in self.answers)
        stored = Response.objects.filter(survey=self.survey, source="web").count()
        kept = sums_snapshot(self.survey), Survey.objects.get(pk=self.survey.pk).response_count
        recompute(Survey.objects.get(pk=self.survey.pk))
        recomputed = sums_snapshot(self.survey), Response.objects.filter(survey=self.survey).count()
        return {"answers_sent": len(self.answers), "answers_accepted": accepted, "answers_stored": stored,
                "answers_per_s": ANSWERS_PER_S, "lock_wait_samples": self.lock_waits,
                "waits_on_import_samples": self.waits_on_import,
                **self.latency("idle", "baseline"), **self.latency("import", "answer"),
                "sums_equal_recompute": kept[1] == recomputed[1] and same_sums(kept[0], recomputed[0])}

    def latency(self, phase: str, name: str) -> dict:
        seconds = sorted(s for sent_in, s, _status in self.answers if sent_in == phase)
        return {f"{name}_n": len(seconds), f"{name}_p50_ms": round(1000 * statistics.median(seconds), 1),
                f"{name}_p99_ms": round(1000 * seconds[max(0, math.ceil(0.99 * len(seconds)) - 1)], 1),
                f"{name}_max_ms": round(1000 * seconds[-1], 1)}


def sums_snapshot(survey) -> tuple[dict, dict]:
    items = {(a.unit_id, a.period_id, a.item_id): (a.n, a.total, a.total_sq, a.satisfied, a.w_sum, a.w_satisfied,
                                                   a.w2_sum, a.w2_satisfied)
             for a in Aggregate.objects.filter(survey=survey)}
    people = {(r.unit_id, r.period_id, r.element): (r.respondents, r.w_sum, r.wm, r.wk, r.ws, r.w2_mm, r.w2_km,
                                                    r.w2_kk, r.w2_sm, r.w2_ss)
              for r in RespondentAggregate.objects.filter(survey=survey)}
    return items, people


def same_sums(kept: tuple[dict, dict], recomputed: tuple[dict, dict]) -> bool:
    return same(kept[0], recomputed[0], 4) and same(kept[1], recomputed[1], 1)


STORED = ("survey_id", "unit_id", "period_id", "external_id", "source", "weight", "scores", "follow_up_email",
          "consented_at", "submitted_at")


def store_floor(survey, tmp: Path) -> float:
    """Seconds to COPY the imported responses once more, in the responses table's own shape and
    under new ids, straight into it: its indexes and foreign keys (checked at commit) but no
    validation, deduplication or sums. The rows are removed again."""
    path = tmp / "shaped.csv"
    again = ", ".join("'again-' || external_id" if column == "external_id" else column for column in STORED)
    with connection.cursor() as cursor:
        with open(path, "wb") as handle, cursor.cursor.copy(
                f"COPY (SELECT {again} FROM surveys_response WHERE survey_id = {int(survey.pk)}) "  # noqa: S608
                "TO STDOUT WITH (FORMAT csv)") as copy:
            for block in copy:
                handle.write(block)
        started = time.perf_counter()
        with transaction.atomic(), open(path, "rb") as handle, cursor.cursor.copy(
                f"COPY surveys_response ({', '.join(STORED)}) FROM STDIN WITH (FORMAT csv)") as copy:
            while chunk := handle.read(1 << 20):
                copy.write(chunk)
        seconds = time.perf_counter() - started
        cursor.execute("DELETE FROM surveys_response WHERE external_id LIKE %s", ["again-%"])
    return seconds


def scan_floor(survey) -> float:
    """Seconds for one grouped scan of the responses that counts them and sums their weights but
    reads no answer: less than any refresh must do. Run after the refresh, on a warm table."""
    with connection.cursor() as cursor:
        started = time.perf_counter()
        cursor.execute("SELECT unit_id, period_id, COUNT(*), SUM(weight) FROM surveys_response WHERE survey_id = %s "
                       "GROUP BY unit_id, period_id", [survey.pk])
        cursor.fetchall()
        return time.perf_counter() - started


ANSWERS = "12344555-1234455512"  # drawn uniformly: mostly satisfied, one in 19 left blank


def fabricate(survey, responses: int) -> None:
    """Responses with random answers to the satisfaction items and weights 0.5, 1 or 2, generated
    inside the database."""
    units = list(survey.units.values_list("pk", flat=True))
    periods = list(survey.periods.values_list("pk", flat=True))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            answer, weight = f"substr('{ANSWERS}', 1 + floor(random() * {len(ANSWERS)})::int, 1)", \
                "(ARRAY[0.5, 1.0, 2.0])[1 + floor(random() * 3)::int]"
            cursor.execute(
                "INSERT INTO surveys_response (survey_id, unit_id, period_id, source, weight, scores, follow_up_email, "  # noqa: S608
                f"submitted_at) SELECT %s, (%s::int[])[1 + g %% %s], (%s::int[])[1 + (g / %s) %% %s], 'import', {weight}, "
                f"{scores(survey, answer)}, '', now() FROM generate_series(0, %s - 1) g",
                [survey.pk, units, len(units), periods, len(units), len(periods), responses])
        else:
            answer = f"substr('{ANSWERS}', 1 + abs(random()) % {len(ANSWERS)}, 1)"
            cursor.execute(
                "WITH RECURSIVE g(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM g WHERE n < ?) "  # noqa: S608
                "INSERT INTO surveys_response (survey_id, unit_id, period_id, source, weight, scores, follow_up_email, "
                "submitted_at) SELECT ?, ? + n % ?, ? + (n / ?) % ?, 'import', 0.5 * (1 << (abs(random()) % 3)), "
                f"{scores(survey, answer)}, '', datetime('now') FROM g",
                [responses - 1, survey.pk, min(units), len(units), min(periods), len(units), len(periods)])
        cursor.execute("ANALYZE")


def scores(survey, answer: str) -> str:
    """SQL for a response's scores: `answer` for each satisfaction item, blank for the others."""
    return " || ".join(answer if item.measure == Measure.SATISFACTION else f"'{BLANK}'"
                       for item in scale_items(survey.version_id))


def load_into_duckdb(survey, path: Path):
    """The survey's responses, exported (COPY on PostgreSQL) and loaded into DuckDB with one typed
    column per scale item: the layout DuckDB is fastest on. Not timed."""
    import duckdb

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor, open(path, "wb") as handle, cursor.cursor.copy(
                "COPY (SELECT id, unit_id, period_id, weight, scores FROM surveys_response "  # noqa: S608
                f"WHERE survey_id = {int(survey.pk)}) TO STDOUT WITH (FORMAT csv, HEADER true)") as copy:
            for block in copy:
                handle.write(block)
    else:
        with open(path, "w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["id", "unit_id", "period_id", "weight", "scores"])
            writer.writerows(Response.objects.filter(survey=survey).values_list(
                "id", "unit_id", "period_id", "weight", "scores").iterator(chunk_size=50000))
    items = scale_items(survey.version_id)
    duck = duckdb.connect()
    columns = ", ".join(f"CAST(NULLIF(substr(scores, {slot + 1}, 1), '{BLANK}') AS INTEGER) AS s{slot}"
                        for slot in range(len(items)))
    duck.execute(f"CREATE TABLE r AS SELECT id, unit_id AS unit, period_id AS period, weight AS w, {columns} "  # noqa: S608
                 f"FROM read_csv('{path}', header = true, columns = {{'id': 'BIGINT', 'unit_id': 'BIGINT', "
                 "'period_id': 'BIGINT', 'weight': 'DOUBLE', 'scores': 'VARCHAR'})")
    return duck, items


def duckdb_reference(duck, items, satisfied_min: int) -> tuple[dict, dict]:
    """Item cells (unit, period, item) -> n, total, total_sq, satisfied, w_sum and respondent cells
    (unit, period, element) -> respondents, wm, wk, w2_kk, computed by DuckDB."""
    m = int(satisfied_min)
    item_sums = ", ".join(f"count(s{slot}), sum(s{slot}), sum(s{slot} * s{slot}), count_if(s{slot} >= {m}), "
                          f"sum(w) FILTER (WHERE s{slot} IS NOT NULL)" for slot in range(len(items)))
    cells = {}
    for unit, period, *stats in duck.execute(f"SELECT unit, period, {item_sums} FROM r GROUP BY ALL").fetchall():  # noqa: S608
        for slot, item in enumerate(items):
            cell = tuple(stats[5 * slot:5 * slot + 5])
            if cell[0]:
                cells[(unit, period, item.pk)] = cell
    groups = {0: [slot for slot, item in enumerate(items) if item.measure == Measure.SATISFACTION]}
    for slot, item in enumerate(items):
        if item.measure == Measure.SATISFACTION and item.element:
            groups.setdefault(item.element, []).append(slot)
    per_person = ", ".join(
        f"{' + '.join(f'(s{slot} IS NOT NULL)::INT' for slot in slots)} AS m{e}, "
        f"{' + '.join(f'coalesce((s{slot} >= {m})::INT, 0)' for slot in slots)} AS k{e}" for e, slots in groups.items())
    person_sums = ", ".join(f"count_if(m{e} > 0), sum(w * m{e}), sum(w * k{e}), sum(w * w * k{e} * k{e})" for e in groups)
    people = {}
    for unit, period, *stats in duck.execute(f"SELECT unit, period, {person_sums} FROM (SELECT unit, period, w, "  # noqa: S608
                                             f"{per_person} FROM r) GROUP BY ALL").fetchall():
        for position, element in enumerate(groups):
            cell = tuple(stats[4 * position:4 * position + 4])
            if cell[0]:
                people[(unit, period, element)] = cell
    return cells, people


def same(ours: dict, reference: dict, exact: int) -> bool:
    """Equal keys; the first `exact` figures equal, the weighted ones to rounding."""
    return ours.keys() == reference.keys() and all(
        ours[key][:exact] == tuple(reference[key][:exact])
        and all(math.isclose(a, b, rel_tol=1e-9) for a, b in zip(ours[key][exact:], reference[key][exact:], strict=True))
        for key in reference)


def bench_refresh(survey, tmp: Path) -> dict:
    with connection.cursor() as cursor:  # the imported rows go; Django's cascade would fetch them all first
        for table in ("surveys_answer", "surveys_response", "surveys_aggregate", "surveys_respondentaggregate"):
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608 -- our tables
    fabricate(survey, REFRESH_RESPONSES)
    started = time.perf_counter()
    cells = recompute(survey)
    refresh_s = time.perf_counter() - started
    scan_s = scan_floor(survey)
    duck, items = load_into_duckdb(survey, tmp / "responses.csv")
    started = time.perf_counter()
    reference, people = duckdb_reference(duck, items, survey.rule.satisfied_min)
    duck_s = time.perf_counter() - started
    ours = {(a.unit_id, a.period_id, a.item_id): (a.n, a.total, a.total_sq, a.satisfied, a.w_sum)
            for a in Aggregate.objects.filter(survey=survey)}
    ours_people = {(r.unit_id, r.period_id, r.element): (r.respondents, r.wm, r.wk, r.w2_kk)
                   for r in RespondentAggregate.objects.filter(survey=survey)}
    answers = sum(cell[0] for cell in reference.values())
    return {"refresh_responses": REFRESH_RESPONSES, "refresh_answers": answers, "cells": cells,
            "refresh_s": round(refresh_s, 2), "duckdb_s": round(duck_s, 3),
            "refresh_vs_duckdb": round(refresh_s / duck_s, 1), "scan_floor_s": round(scan_s, 2),
            "scan_floor_vs_duckdb": round(scan_s / duck_s, 2),
            "identical": same(ours, reference, 4) and same(ours_people, people, 1)}


def finished_challenge(dost, survey, number: int, linked: bool):
    """A challenge in evaluation, written row by row as the challenges bench writes its challenges:
    a KPI with twelve monthly measurements, a direct decision and a project deployed at twenty of
    the survey's units on 1 July 2025 and, if `linked`, the survey as its evaluation."""
    field, _created = Field.objects.get_or_create(slug="bench", defaults={"name": "Bench"})
    owner = dost.memberships.get().unit
    now = timezone.now()
    challenge = Challenge.objects.create(
        title=f"Bài toán đã triển khai {number}", summary="Giảm thời gian chờ.", problem_statement="Chờ lâu.",
        field=field, owner_unit=owner, facet="enhancement", status=Status.EVALUATING, created_by=dost,
        published_at=now, call_opens_at=now - datetime.timedelta(days=60), call_closes_at=now - datetime.timedelta(days=30))
    indicator = Indicator.objects.create(challenge=challenge, name="Thời gian chờ", unit_of_measure="phút",
                                         baseline_value=180, baseline_date=datetime.date(2025, 1, 1), target_value=60,
                                         target_date=datetime.date(2026, 1, 1))
    Measurement.objects.bulk_create(Measurement(indicator=indicator, value=180 - 8 * month, source="HIS",
                                                measured_on=datetime.date(2025, 1 + month, 1), recorded_by=dost)
                                    for month in range(12))
    decision = Decision.objects.create(challenge=challenge, mode="direct", lead_organisation=owner, rationale="Bench",
                                       decided_on=datetime.date(2025, 1, 1), decided_by=dost)
    project = Project.objects.create(challenge=challenge, decision=decision, lead_organisation=owner,
                                     rules=ProjectRules.objects.get(), starts_on=datetime.date(2025, 1, 1),
                                     ends_on=datetime.date(2025, 12, 31), created_by=dost)
    Deployment.objects.bulk_create(Deployment(project=project, unit=unit, service="Dịch vụ", recorded_by=dost,
                                              go_live_on=datetime.date(2025, 7, 1))
                                   for unit in survey.units.order_by("pk")[:20])
    if linked:
        Survey.objects.filter(pk=survey.pk).update(challenge=challenge)


def throughput(client: Client, url: str) -> float:
    client.get(url)  # warm-up
    count, started = 0, time.perf_counter()
    while time.perf_counter() - started < SECONDS:
        assert client.get(url).status_code == 200
        count += 1
    return round(count / (time.perf_counter() - started), 2)


def queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def bench_dashboard(dost, survey) -> dict:
    """The survey's own dashboard, and the public outcomes dashboard with one finished challenge
    evaluated by the survey, then with ten (queries must not grow)."""
    client = Client()
    client.force_login(dost)
    survey_url = f"/surveys/{survey.pk}/"
    result = {"dashboard_queries": queries(client, survey_url), "dashboard_rps": throughput(client, survey_url)}
    public = Client()
    finished_challenge(dost, survey, 0, linked=True)
    page = public.get("/outcomes/").content.decode()
    assert "điểm %" in page, "the outcomes dashboard shows no measured change"
    result["outcomes_queries_1"] = queries(public, "/outcomes/")
    for number in range(1, 10):
        finished_challenge(dost, survey, number, linked=False)
    result.update(outcomes_queries_10=queries(public, "/outcomes/"), outcomes_rps=throughput(public, "/outcomes/"))
    return result


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
