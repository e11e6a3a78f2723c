"""Capacity scores and the staggered impact estimate in the API (read only)."""

from ninja import Router, Schema

from sangtao.api import request_user
from sangtao.capacity.impact import staggered_impact
from sangtao.capacity.models import Round, UnitScore
from sangtao.core.api_errors import READ
from sangtao.core.api_input import Id
from sangtao.surveys.access import get_survey_for

router = Router(tags=["capacity"])


class ScoreOut(Schema):
    unit_id: int
    unit: str
    kind: str
    size_band: str
    composite: float | None
    composite_low: float | None
    composite_high: float | None
    rank_best: int | None
    rank_worst: int | None
    climate: float | None
    climate_low: float | None
    climate_high: float | None
    determinants: float | None
    barometer: float | None


class RoundScoresOut(Schema):
    year: int
    min_n: int
    formula: str
    scores: list[ScoreOut]


class EffectOut(Schema):
    event: int
    att: float
    low: float
    high: float


class ImpactOut(Schema):
    estimable: bool
    too_few_controls: bool
    units: int
    never_treated: int
    overall: float | None
    overall_low: float | None
    overall_high: float | None
    pretrend_p: float | None
    event_study: list[EffectOut]


@router.get("/capacity/{year}/scores", response={200: RoundScoresOut, **READ})
def round_scores(request, year: int):
    """Every unit's capacity numbers for a year; suppressed values are null."""
    from django.http import Http404

    from sangtao.capacity.scores import COMPOSITE_FORMULA

    user = request_user(request)
    round_ = Round.objects.filter(year=year).exclude(barometer=None).first() \
        if user.has_perm("capacity.see_benchmark") else None
    if round_ is None:
        raise Http404
    rows = UnitScore.objects.filter(round=round_).select_related("unit").order_by("unit__sort_name")
    return {"year": round_.year, "min_n": round_.rule.min_n, "formula": str(COMPOSITE_FORMULA),
            "scores": [{"unit_id": s.unit_id, "unit": s.unit.name, "kind": s.kind, "size_band": s.size_band,
                        **{f: getattr(s, f) for f in ScoreOut.model_fields if f not in
                           ("unit_id", "unit", "kind", "size_band")}} for s in rows]}


@router.get("/surveys/{survey_id}/staggered-impact", response={200: ImpactOut, **READ})
def survey_impact(request, survey_id: Id):
    """The staggered difference-in-differences estimate for a satisfaction survey (percentage points)."""
    survey = get_survey_for(request_user(request), survey_id)
    result = staggered_impact(survey).result
    overall = result.overall
    return {"estimable": result.estimable, "too_few_controls": result.too_few_controls, "units": result.units,
            "never_treated": result.never_treated, "overall": overall.att if overall else None,
            "overall_low": overall.low if overall else None, "overall_high": overall.high if overall else None,
            "pretrend_p": result.pretrend_p,
            "event_study": [{"event": e, "att": est.att, "low": est.low, "high": est.high}
                            for e, est in sorted(result.event_study.items())]}
