"""KPI measurements in the API."""

from datetime import date
from decimal import Decimal

from ninja import Field as SchemaField
from ninja import Router, Schema

from sangtao.api import WRITE_AUTH, request_user
from sangtao.challenges.access import get_challenge_for, get_indicator_for
from sangtao.core.api_errors import ERRORS, READ
from sangtao.core.api_input import Id, Input, Quantity
from sangtao.evaluation import services
from sangtao.evaluation.outcome import challenge_outcome

router = Router(tags=["evaluation"])


class MeasurementIn(Input):
    value: Quantity
    measured_on: date
    source: str = SchemaField(min_length=1, max_length=300)
    evidence_url: str = SchemaField("", max_length=200)


class MeasurementOut(Schema):
    value: Decimal
    measured_on: date
    source: str


class KpiOut(Schema):
    indicator_id: Id
    name: str
    unit_of_measure: str
    baseline_value: Decimal | None
    target_value: Decimal | None
    status: str
    latest: Decimal | None
    measurements: list[MeasurementOut]


@router.get("/challenges/{challenge_id}/kpis", response={200: list[KpiOut], **READ})
def kpis(request, challenge_id: Id):
    """Each success indicator as a KPI: measurements and the status derived from them."""
    challenge = get_challenge_for(request_user(request), challenge_id)
    return [{"indicator_id": k.indicator.pk, "name": k.indicator.name, "unit_of_measure": k.indicator.unit_of_measure,
             "baseline_value": k.indicator.baseline_value, "target_value": k.indicator.target_value,
             "status": k.status.code, "latest": k.status.latest, "measurements": k.measurements}
            for k in challenge_outcome(challenge)[0]]


@router.post("/indicators/{indicator_id}/measurements", response={201: MeasurementOut, **ERRORS}, auth=WRITE_AUTH)
def add_measurement(request, indicator_id: Id, payload: MeasurementIn):
    """Record a measurement (the lead organisation, the owning unit or DoST)."""
    indicator = get_indicator_for(request.user, indicator_id)
    return 201, services.record_measurement(indicator, request.user, payload.value, payload.measured_on,
                                            payload.source, payload.evidence_url)
