"""A launched capacity round with answers, for the capacity tests."""

import datetime

import numpy as np
import pytest
from django.utils import timezone

from conftest import STANDARD, make_user, standard_world
from sangtao.capacity import scores, services
from sangtao.capacity.instruments import YES
from sangtao.capacity.models import Module, SizeBand, StratumPopulation, UnitProfile
from sangtao.orgs.models import OrgUnit, Role, UnitKind
from sangtao.surveys.ingest import Incoming, ingest
from sangtao.surveys.models import Source

# Unit code -> (kind, size band, barometer answers, climate answers, determinant answers)
PLAN = {
    "W1": (UnitKind.WARD, SizeBand.SMALL, 5, 6, 5),
    "W2": (UnitKind.WARD, SizeBand.SMALL, 5, 7, 5),
    "W3": (UnitKind.WARD, SizeBand.MEDIUM, 5, 5, 6),
    "W4": (UnitKind.WARD, SizeBand.SMALL, 2, 3, 2),  # below the minimum n: suppressed
    "D1": (UnitKind.DEPARTMENT, SizeBand.LARGE, 5, 8, 5),
}
POPULATION = {(UnitKind.WARD, SizeBand.SMALL): 60, (UnitKind.WARD, SizeBand.MEDIUM): 30,
              (UnitKind.DEPARTMENT, SizeBand.LARGE): 20}


def answer_all(round_, rng, plan=PLAN, tilt=None):
    """Answer each unit's invitations as planned, with answers drawn per unit (tilted by `tilt`): one
    batch per survey through the engine's ingest (services.answer is tested one answer at a time)."""
    counts = {Module.BAROMETER: 2, Module.CLIMATE: 3, Module.DETERMINANTS: 4}
    leans = {code: (tilt or {}).get(code, rng.uniform(-1, 1)) for code in plan}
    for module in Module.values:
        survey = round_.survey_of(module)
        items = list(survey.version.items.all())
        period = survey.periods.get()
        batch = []
        for code, row in plan.items():
            unit = OrgUnit.objects.get(code=code)
            lean = leans[code]
            for _ in range(row[counts[module]]):
                if module == Module.BAROMETER:
                    values = {i.pk: YES if rng.random() < 0.5 + 0.3 * lean else 1 for i in items}
                else:
                    values = {i.pk: int(np.clip(round(rng.normal(3.4 + lean, 1.1)), 1, 5)) for i in items}
                batch.append(Incoming(unit_id=unit.pk, period_id=period.pk, values=values))
        ingest(survey, batch, Source.WEB)
    scores.refresh(round_)


@pytest.fixture
def units(city):
    return make_units(city)


def make_units(city) -> dict:
    found = {}
    for code, (kind, band, *_counts) in PLAN.items():
        unit = OrgUnit.objects.create(kind=kind, code=code, name=f"Đơn vị {code}", parent=city)
        UnitProfile.objects.create(unit=unit, size_band=band, staff=20)
        found[code] = unit
    return found


@pytest.fixture
def open_round(dost, units):
    return make_open_round(dost, units)


def make_open_round(dost, units):
    today = timezone.localdate()
    year = today.year
    for (kind, band), n in POPULATION.items():
        StratumPopulation.objects.create(year=year, kind=kind, size_band=band, population=n)
    make_user("head_w1", Role.LEADER, units["W1"])
    round_ = services.create_round(dost, year=year, name="", units=list(units.values()),
                                   opens_on=today - datetime.timedelta(days=1),
                                   closes_on=today + datetime.timedelta(days=30), managers_per_unit=5,
                                   staff_per_unit=8)
    return services.launch_round(dost, round_)


@pytest.fixture
def answered_round(open_round):
    answer_all(open_round, np.random.default_rng(3))
    open_round.refresh_from_db()
    return open_round


OPEN_ROUND_WORLD = (*STANDARD, "units", "open_round")
ANSWERED_ROUND_WORLD = (*OPEN_ROUND_WORLD, "answered_round")


def open_round_world() -> dict:
    """The standard world, the units of PLAN and their round launched, as the fixtures make them: for a
    module whose tests start from the launched round (module_world)."""
    world = standard_world()
    world["units"] = make_units(world["city"])
    world["open_round"] = make_open_round(world["dost"], world["units"])
    return world


def answered_round_world() -> dict:
    """The open round's world, with the round answered (answered_round)."""
    world = open_round_world()
    world["answered_round"] = world["open_round"]
    answer_all(world["answered_round"], np.random.default_rng(3))
    return world


def exported(client, url: str) -> bytes:
    """Ask for an export as its button does, let the worker write it, then download it from the job."""
    from sangtao.core.tasks import run_pending

    started = client.post(url)
    assert started.status_code == 302 and started.url.startswith("/jobs/"), started
    run_pending()
    result = client.get(f"{started.url}result/")
    assert result.status_code == 200, result
    return b"".join(result.streaming_content)
