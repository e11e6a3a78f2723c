"""The batch API for rating systems (e.g. the city's per-dossier satisfaction ratings)."""

from django.db import transaction
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from ninja import Field as SchemaField
from ninja import Router, Schema

from sangtao.api import WRITE_AUTH
from sangtao.core.api_errors import ERRORS
from sangtao.core.api_input import Id, Input
from sangtao.core.errors import InvalidInput, NotAllowed
from sangtao.surveys.access import get_survey_for
from sangtao.surveys.imports import RowError, RowReader
from sangtao.surveys.ingest import ingest
from sangtao.surveys.models import Source

router = Router(tags=["surveys"])


class ResponseIn(Input):
    response_id: str = SchemaField(min_length=1, max_length=80)
    unit_code: str = SchemaField(max_length=100)
    period: str = SchemaField(max_length=100)
    weight: float | None = SchemaField(None, gt=0, allow_inf_nan=False)
    answers: dict[str, int | str] = SchemaField(max_length=500)


class BatchIn(Input):
    responses: list[ResponseIn] = SchemaField(max_length=10_000)


class BatchOut(Schema):
    added: int
    duplicates: int


@router.post("/surveys/{survey_id}/responses", response={200: BatchOut, **ERRORS}, auth=WRITE_AUTH)
def post_responses(request, survey_id: Id, payload: BatchIn):
    """Add up to 10,000 responses at once. All or nothing; response ids already stored are skipped,
    so a batch can be re-sent safely. Answers are keyed by item code (1-5, or text for text items)."""
    survey = get_survey_for(request.user, survey_id)
    if not request.user.has_perm("surveys.manage", survey):
        raise NotAllowed()
    codes = [item.code for item in survey.version.items.all()]
    reader = RowReader(survey, ["response_id", "unit_code", "period", "weight", *codes])
    batch = []
    for number, item in enumerate(payload.responses):
        answers = {code.upper(): str(value) for code, value in item.answers.items()}
        unknown = set(answers) - {c.upper() for c in codes}
        if unknown:
            raise InvalidInput(format_lazy(_("Phiếu thứ {n}: không có câu hỏi {codes} trong khảo sát"), n=number + 1,
                                           codes=", ".join(sorted(unknown))), field="answers")
        row = [item.response_id, item.unit_code, item.period, "" if item.weight is None else str(item.weight),
               *[answers.get(c.upper(), "") for c in codes]]
        try:
            batch.append(reader.read(row))
        except RowError as error:
            raise InvalidInput(format_lazy(_("Phiếu thứ {n}, cột {column}: {message}"), n=number + 1, column=error.column,
                                           message=error.message), field=error.column) from None
    with transaction.atomic():
        result = ingest(survey, batch, Source.API)
    return {"added": result.added, "duplicates": result.duplicates}
