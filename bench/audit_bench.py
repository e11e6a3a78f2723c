"""DoST's audit log at scale: a city's years of audit events and workflow moves (issue 10, §4).

Fills the audit events and the challenges' moves (the two tables that grow fastest) over three years,
then times the log's pages as DoST reads them: the newest page, a page far back (reached as a reader
does, by following the "Cũ hơn" link from the newest page FAR_BACK times: 100,000 rows back), one
day, one person, one object, and the start of the CSV export. Run by bench/run.py once per database
(DATABASE_URL chooses it); prints one JSON line.
"""

import datetime
import html
import json
import os
import re
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
from sangtao.challenges.models import Challenge, Field, Status, Transition  # noqa: E402
from sangtao.core.models import AuditEvent  # noqa: E402
from sangtao.orgs.models import Membership, OrgUnit, Role, UnitKind  # noqa: E402

EVENTS = int(os.environ.get("BENCH_AUDIT_EVENTS", "200000"))
MOVES = int(os.environ.get("BENCH_AUDIT_MOVES", "100000"))
CHALLENGES = 5000
PEOPLE = 500
DAYS = 3 * 365
BATCH = 5000
REPEATS = int(os.environ.get("BENCH_REPEATS", "20"))
FAR_BACK = 2000  # pages of 50
OLDER = re.compile(r'<a href="([^"]*)" rel="next">')
ACTIONS = ("login", "profile.changed", "token.created", "survey.imported", "rules.changed", "viewed")
MOVE_NAMES = ("submit", "unit_approve", "approve", "publish", "close")
RARE, RARE_EVERY = "audit_chain_broken", 20000  # the action DoST's alert links to, a few times in the years


def when(i: int, total: int) -> datetime.datetime:
    """Row i of total, spread evenly over the last three years, oldest first (as rows are written)."""
    return timezone.now() - datetime.timedelta(days=DAYS) + datetime.timedelta(seconds=i * DAYS * 86400 // total)


def populate(people: list[User], challenges: list[Challenge]) -> None:
    """Rows in bulk through the append-only managers (so they are chained, as the services write them)."""
    for start in range(0, EVENTS, BATCH):
        AuditEvent.objects.bulk_create([
            AuditEvent(actor=people[i % len(people)], object_type="accounts.user",
                       action=RARE if i % RARE_EVERY == RARE_EVERY - 1 else ACTIONS[i % len(ACTIONS)],
                       object_id=str(people[(i * 7) % len(people)].pk), data={"n": i}, at=when(i, EVENTS))
            for i in range(start, min(start + BATCH, EVENTS))])
    for start in range(0, MOVES, BATCH):
        Transition.objects.bulk_create([
            Transition(challenge=challenges[i % len(challenges)], actor=people[i % len(people)],
                       move=MOVE_NAMES[i % len(MOVE_NAMES)], from_status=Status.DRAFT, to_status=Status.UNIT_REVIEW,
                       at=when(i, MOVES))
            for i in range(start, min(start + BATCH, MOVES))])


def answer(client: Client, url: str):
    """A page, or a CSV's header and first rows (what the reader waits for before the file flows)."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    if response.streaming:
        chunks = iter(response.streaming_content)
        for _ in range(3):  # the byte order mark, the header, the first row: only this one waits for the rows
            next(chunks)
    return response


def far_back(client: Client, pages: int) -> str:
    """The address of the page reached from the newest by following its older-page link pages times."""
    url = "/audit/"
    for _ in range(pages):
        url = "/audit/" + html.unescape(OLDER.search(answer(client, url).content.decode())[1])
    return url


def measure(client: Client, url: str) -> dict:
    answer(client, url)  # warm
    times = []
    for _ in range(REPEATS):
        began = time.perf_counter()
        answer(client, url)
        times.append((time.perf_counter() - began) * 1000)
    with CaptureQueriesContext(connection) as queries:
        answer(client, url)
    times.sort()
    return {"url": url, "p95_ms": round(times[int(0.95 * (len(times) - 1))], 1),
            "median_ms": round(statistics.median(times), 1), "queries": len(queries)}


def main() -> None:
    call_command("migrate", verbosity=0)
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    city = OrgUnit.objects.create(kind=UnitKind.PROVINCE, code="79", name="Thành phố Hồ Chí Minh")
    dost_unit = OrgUnit.objects.create(kind=UnitKind.DOST, code="SKHCN", name="Sở Khoa học và Công nghệ", parent=city)
    ward = OrgUnit.objects.create(kind=UnitKind.WARD, code="B1", name="Phường Bến Thành", parent=city)
    dost = User.objects.create_user("dost", "dost@bench.vn", "x")
    Membership.objects.create(user=dost, role=Role.DOST_COORDINATOR, unit=dost_unit)
    people = User.objects.bulk_create([User(username=f"nguoi{i}", email=f"nguoi{i}@bench.vn", full_name=f"Người {i}")
                                       for i in range(PEOPLE)])
    field = Field.objects.create(slug="y-te", name="Y tế", name_en="Health")
    challenges = Challenge.objects.bulk_create([
        Challenge(title=f"Bài toán {i}", summary="Tóm tắt", problem_statement="Vấn đề", field=field, owner_unit=ward,
                  facet="enhancement", status=Status.DRAFT, created_by=dost) for i in range(CHALLENGES)])
    began = time.perf_counter()
    populate(people, challenges)
    setup = round(time.perf_counter() - began, 1)
    client = Client()
    client.force_login(dost)
    day = timezone.localdate() - datetime.timedelta(days=400)
    pages = {
        "newest": measure(client, "/audit/"),
        f"{FAR_BACK} pages back": measure(client, far_back(client, FAR_BACK)),
        "one day": measure(client, f"/audit/?date_from={day:%d/%m/%Y}&date_to={day:%d/%m/%Y}"),
        "one person": measure(client, "/audit/?actor=nguoi17"),
        "one object": measure(client, f"/audit/?object_type=challenges.challenge&object_id={challenges[42].pk}"),
        "rare action": measure(client, f"/audit/?action={RARE}"),
        "csv": measure(client, "/audit/export.csv"),
    }
    print(json.dumps({"vendor": connection.vendor, "events": AuditEvent.objects.count(),
                      "moves": Transition.objects.count(), "setup_s": setup, "pages": pages}))


if __name__ == "__main__":
    main()
