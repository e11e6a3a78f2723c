"""The initiatives register at scale: 20,000 initiatives over 400 units (issue 13, §3).

Times the register dashboard (by answer date, with its closeness bands) for DoST, who sees every
unit, and for one unit's leader, and counts its SQL queries at two sizes. Run by bench/run.py once
per database (DATABASE_URL chooses it); prints one JSON line.
"""

import datetime
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
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from sangtao.accounts.models import User  # noqa: E402
from sangtao.initiatives.models import Author, Initiative, InitiativeStatus, searchable  # noqa: E402
from sangtao.orgs.models import Membership, OrgUnit, Role, UnitKind  # noqa: E402

TOTAL = int(os.environ.get("BENCH_INITIATIVES", "20000"))
UNITS = 400
REPEATS = int(os.environ.get("BENCH_REPEATS", "30"))
STATES = [InitiativeStatus.RECEIVED, InitiativeStatus.UNDER_REVIEW, InitiativeStatus.RECOGNISED,
          InitiativeStatus.REFUSED, InitiativeStatus.CITY_RECOGNISED, InitiativeStatus.WITHDRAWN]
WORDS = ("phân luồng", "người bệnh", "mã QR", "hồ sơ", "điện tử", "một cửa", "tiếp nhận", "phản ánh", "nhắc lịch",
         "tiêm chủng", "thuốc", "trạm y tế")


def populate(upto: int, units: list[OrgUnit], writer: User) -> None:
    """Initiatives in bulk (the services' rows, written directly for speed), up to `upto` in all."""
    today = timezone.localdate()
    start = Initiative.objects.count()
    batch, authors = [], []
    for i in range(start, upto):
        title = f"Sáng kiến {' '.join(WORDS[(i + k) % len(WORDS)] for k in range(5))} số {i}"
        received = today - datetime.timedelta(days=i % 120)
        batch.append(Initiative(
            unit=units[i % len(units)], title=title, kind="management", description=f"Mô tả {title}.",
            novelty="Điểm mới.", status=STATES[i % len(STATES)], register_year=today.year,
            register_number=i // len(units) + 1, received_at=timezone.now(), created_by=writer,
            answer_due_on=received + datetime.timedelta(days=91), search_text=searchable(title, f"Mô tả {title}.")))
        if len(batch) == 2000:
            for initiative in Initiative.objects.bulk_create(batch):
                authors.append(Author(initiative=initiative, name="Tác giả", share=100))
            Author.objects.bulk_create(authors)
            batch, authors = [], []
    if batch:
        Author.objects.bulk_create([Author(initiative=i, name="Tác giả", share=100)
                                    for i in Initiative.objects.bulk_create(batch)])


def measure(client: Client, url: str) -> dict:
    client.get(url)  # warm
    times = []
    for _ in range(REPEATS):
        began = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - began) * 1000)
        assert response.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    times.sort()
    return {"p95_ms": round(times[int(0.95 * (len(times) - 1))], 1), "median_ms": round(statistics.median(times), 1),
            "queries": len(queries)}


def main() -> None:
    call_command("migrate", verbosity=0)
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    city = OrgUnit.objects.create(kind=UnitKind.PROVINCE, code="79", name="Thành phố Hồ Chí Minh")
    dost_unit = OrgUnit.objects.create(kind=UnitKind.DOST, code="SKHCN", name="Sở Khoa học và Công nghệ", parent=city)
    units = OrgUnit.objects.bulk_create([OrgUnit(kind=UnitKind.WARD, code=f"B{i}", name=f"Phường {i}", parent=city,
                                                 sort_name=f"{i:05d}") for i in range(UNITS)])
    dost = User.objects.create_user("dost", "dost@bench.vn", "x")
    leader = User.objects.create_user("leader", "leader@bench.vn", "x")
    Membership.objects.create(user=dost, role=Role.DOST_COORDINATOR, unit=dost_unit)
    Membership.objects.create(user=leader, role=Role.LEADER, unit=units[0])
    began = time.perf_counter()
    populate(1000, units, dost)
    clients = {"dost": Client(), "leader": Client()}
    clients["dost"].force_login(dost)
    clients["leader"].force_login(leader)
    small = {role: measure(client, "/initiatives/") for role, client in clients.items()}
    populate(TOTAL, units, dost)
    setup = round(time.perf_counter() - began, 1)
    large = {role: measure(client, "/initiatives/") for role, client in clients.items()}
    overdue = {role: measure(client, "/initiatives/?status=overdue") for role, client in clients.items()}
    print(json.dumps({"vendor": connection.vendor, "initiatives": Initiative.objects.count(), "units": UNITS,
                      "setup_s": setup, "small": small, "large": large, "overdue": overdue}))


if __name__ == "__main__":
    main()
