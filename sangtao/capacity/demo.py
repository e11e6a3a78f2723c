"""Demo data for the capacity context: two finished capacity rounds over the demo's departments and
wards, and a solution deployed to wards at three dates with monthly satisfaction waves around them.
Called from sangtao.portal.demo.load_demo; idempotent."""

import datetime

import numpy as np
from django.contrib.auth import get_user_model
from django.utils import timezone

from sangtao.capacity import scores, services
from sangtao.capacity.instruments import YES
from sangtao.capacity.models import Module, Round, RoundInvitation, SizeBand, StratumPopulation, UnitProfile
from sangtao.orgs.models import OrgUnit, UnitKind
from sangtao.surveys.ingest import Incoming, ingest
from sangtao.surveys.models import Measure, Source, Survey, SurveyToken

POPULATION = {(UnitKind.DEPARTMENT, SizeBand.LARGE): 12, (UnitKind.DEPARTMENT, SizeBand.MEDIUM): 10,
              (UnitKind.WARD, SizeBand.SMALL): 110, (UnitKind.WARD, SizeBand.MEDIUM): 58}
STAGGERED_SERVICE = "Thanh toán viện phí không dùng tiền mặt (mở rộng theo đợt)"


def load_capacity(units: dict, direct_title: str) -> None:
    dost = get_user_model().objects.get(username="dost")
    city = units["dost"].parent
    wards = list(OrgUnit.objects.filter(parent=city, kind=UnitKind.WARD).current().order_by("code")[:14])
    departments = [u for u in units.values() if u.kind == UnitKind.DEPARTMENT]
    for i, unit in enumerate(departments + wards):
        band = (SizeBand.LARGE if i % 2 else SizeBand.MEDIUM) if unit.kind == UnitKind.DEPARTMENT else (
            SizeBand.MEDIUM if i % 3 == 0 else SizeBand.SMALL)
        UnitProfile.objects.get_or_create(unit=unit, defaults={"size_band": band, "staff": 150 if band == "large"
                                                               else 60 if band == "medium" else 25})
    today = timezone.localdate()
    rng = np.random.default_rng(2026)
    leans = {unit.pk: rng.uniform(-0.8, 0.9) for unit in departments + wards}
    for year, opens, closes, gain in ((today.year - 1, datetime.date(today.year - 1, 9, 1),
                                       datetime.date(today.year - 1, 10, 31), 0.0),
                                      (today.year, today - datetime.timedelta(days=75),
                                       today - datetime.timedelta(days=15), 0.25)):
        if Round.objects.filter(year=year).exists():
            continue
        for (kind, band), n in POPULATION.items():
            StratumPopulation.objects.get_or_create(year=year, kind=kind, size_band=band, defaults={"population": n})
        round_ = services.create_round(dost, year=year, name=f"Khảo sát năng lực đổi mới sáng tạo {year}",
                                       units=departments + wards, opens_on=opens, closes_on=closes,
                                       managers_per_unit=5, staff_per_unit=12)
        round_ = services.launch_round(dost, round_)
        _answer(round_, rng, leans, gain, thin=wards[-1].pk)
        services.close_round(dost, round_)
    _staggered(units, wards, direct_title, dost, rng)


def _answer(round_: Round, rng, leans: dict, gain: float, thin: int) -> None:
    """Most invitations answered (a thin ward stays below the minimum), then the scores refreshed."""
    for module in Module.values:
        survey = round_.survey_of(module)
        assert survey is not None  # launched
        items = list(survey.version.items.exclude(measure=Measure.TEXT))
        period = survey.periods.get()
        batch, used = [], []
        for unit in round_.units.all():
            invited = list(RoundInvitation.objects.filter(round=round_, unit=unit, module=module)
                           .values_list("token_id", flat=True))
            answering = 3 if unit.pk == thin else len(invited) if module == Module.BAROMETER else int(
                len(invited) * rng.uniform(0.75, 1.0))
            lean = leans[unit.pk] + gain
            for _ in range(answering):
                if module == Module.BAROMETER:
                    values = {i.pk: YES if rng.random() < 0.45 + 0.25 * lean else 1 for i in items}
                else:
                    values = {i.pk: int(np.clip(round(rng.normal(3.3 + lean, 1.0)), 1, 5)) for i in items}
                batch.append(Incoming(unit.pk, period.pk, values))
            used += invited[:answering]
        ingest(survey, batch, Source.WEB)
        SurveyToken.objects.filter(pk__in=used).update(used_at=timezone.now())
    scores.refresh(round_)


def _staggered(units: dict, wards: list, direct_title: str, dost, rng) -> None:
    """Twelve wards over eight monthly waves; three cohorts of three go live in months 3, 5 and 6,
    three never do. Effects differ by cohort and grow with time, as the estimator allows."""
    from sangtao.challenges.models import Challenge
    from sangtao.projects import services as project_services
    from sangtao.surveys import services as survey_services

    if Survey.objects.filter(service=STAGGERED_SERVICE).exists():
        return
    challenge = Challenge.objects.get(title=direct_title)
    project = challenge.project
    deployed = set(project.deployments.values_list("unit_id", flat=True))
    panel = [w for w in wards if w.pk not in deployed][:12]
    today = timezone.localdate()
    first = (today.replace(day=1) - datetime.timedelta(days=7 * 31)).replace(day=1)
    months = []
    for m in range(8):
        start = (first + datetime.timedelta(days=32 * m)).replace(day=1)
        end = (start + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
        months.append((f"{start.month:02d}/{start.year}", start, end))
    instrument = survey_services.create_sipas_instrument(dost, "SIPAS — thanh toán viện phí (theo tháng)")
    survey = survey_services.create_survey(dost, name="Hài lòng với thanh toán viện phí, theo tháng",
                                           version=instrument.versions.get(), service=STAGGERED_SERVICE,
                                           units=panel, periods=months, challenge=challenge)
    periods = list(survey.periods.order_by("starts_on"))
    cohorts = {}
    for group, month, base in ((panel[0:3], 3, 0.16), (panel[3:6], 5, 0.10), (panel[6:9], 6, 0.07)):
        for ward in group:
            go_live = periods[month].starts_on - datetime.timedelta(days=10)
            project_services.record_deployment(project, dost, ward, STAGGERED_SERVICE, go_live)
            cohorts[ward.pk] = (month, base)
    items = list(survey.version.items.filter(measure=Measure.SATISFACTION))
    batch = []
    for i, ward in enumerate(panel):
        for t, period in enumerate(periods):
            month, base = cohorts.get(ward.pk, (99, 0.0))
            effect = base + 0.02 * (t - month) if t >= month else 0.0
            p = 0.58 + 0.01 * t + 0.04 * (i % 3) + effect
            for _ in range(40):  # above the survey rule's minimum of 30 per cell
                batch.append(Incoming(ward.pk, period.pk, {it.pk: int(rng.choice([4, 5])) if rng.random() < p
                                                           else int(rng.choice([1, 2, 3])) for it in items}))
    ingest(survey, batch, Source.PAPER)
