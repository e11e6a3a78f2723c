"""A survey's stored responses as rows in the import format (response_id, unit_code, period,
weight, then one column per item code), read in id order a chunk at a time, so that a file of
millions of responses streams and can be imported into another survey of the version, or into
its own survey again, where it adds nothing: every response is written with its response id."""

from collections import defaultdict
from collections.abc import Iterator

from sangtao.surveys.ingest import decode_scores, scale_items
from sangtao.surveys.models import Answer, Response, Survey

CHUNK = 5000


def response_rows(survey: Survey) -> Iterator[list[str]]:
    items = list(survey.version.items.order_by("position", "id"))
    scale = scale_items(survey.version_id)
    yield ["response_id", "unit_code", "period", "weight", *(item.code for item in items)]
    last = 0
    while True:
        chunk = list(Response.objects.filter(survey=survey, pk__gt=last).order_by("pk").values_list(
            "pk", "external_id", "unit__code", "period__label", "weight", "scores")[:CHUNK])
        if not chunk:
            return
        texts: dict[int, dict[int, str]] = defaultdict(dict)
        for response_id, item_id, text in Answer.objects.filter(response_id__in=[row[0] for row in chunk]) \
                .values_list("response_id", "item_id", "text"):
            texts[response_id][item_id] = text
        for pk, external_id, unit_code, period, weight, scores in chunk:
            answers: dict[int, int | str] = {**decode_scores(scores, scale), **texts.get(pk, {})}
            # Every response has an id since migration 0007, but for web responses whose name
            # (ST<id>) an imported response already held.
            yield [external_id or f"ST{pk}", unit_code, period, repr(weight),
                   *(str(answers.get(item.pk, "")) for item in items)]
        last = chunk[-1][0]
