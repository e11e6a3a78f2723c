"""Scale answers move from one Answer row each into Response.scores (one character per scale
item of the version, in position order; "-" when not answered). Answer keeps free text.
Response's own index on survey goes: its (survey, unit, period) index serves the same lookups."""

from collections import defaultdict

import django.db.models.deletion
from django.db import migrations, models

BLANK = "-"


def _scale_items(apps, version_id):
    Item = apps.get_model("surveys", "Item")
    return list(Item.objects.filter(version_id=version_id).exclude(measure="text").order_by("position", "id")
                .values_list("pk", flat=True))


def answers_into_scores(apps, schema_editor):
    from sangtao.surveys.ingest import rebuild_sums

    Survey, Response, Answer = (apps.get_model("surveys", name) for name in ("Survey", "Response", "Answer"))
    for survey_id, version_id, satisfied_min in Survey.objects.values_list("pk", "version_id", "rule__satisfied_min"):
        items = _scale_items(apps, version_id)
        values: dict[int, dict[int, int]] = defaultdict(dict)
        for response_id, item_id, value in Answer.objects.filter(
                response__survey_id=survey_id, value__isnull=False).values_list("response_id", "item_id", "value"):
            values[response_id][item_id] = value
        Response.objects.bulk_update(
            [Response(pk=pk, scores="".join(str(values[pk][item]) if item in values[pk] else BLANK for item in items))
             for pk in Response.objects.filter(survey_id=survey_id).values_list("pk", flat=True)],
            ["scores"], batch_size=1000)
        rebuild_sums(survey_id, version_id, satisfied_min)  # also fills the respondent sums added by 0004
    Answer.objects.filter(value__isnull=False).delete()


def scores_into_answers(apps, schema_editor):
    Survey, Response, Answer = (apps.get_model("surveys", name) for name in ("Survey", "Response", "Answer"))
    for survey_id, version_id in Survey.objects.values_list("pk", "version_id"):
        items = _scale_items(apps, version_id)
        Answer.objects.bulk_create(
            (Answer(response_id=pk, item_id=item, value=int(value), text="")
             for pk, scores in Response.objects.filter(survey_id=survey_id).values_list("pk", "scores")
             for item, value in zip(items, scores, strict=False) if value != BLANK),
            batch_size=1000)


class Migration(migrations.Migration):

    dependencies = [
        ('surveys', '0004_respondent_aggregates'),
    ]

    operations = [
        migrations.AddField(
            model_name='response',
            name='scores',
            field=models.TextField(blank=True, default=''),
        ),
        migrations.RunPython(answers_into_scores, scores_into_answers),
        migrations.RemoveField(
            model_name='answer',
            name='value',
        ),
        migrations.AlterField(
            model_name='response',
            name='survey',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT,
                                    related_name='responses', to='surveys.survey'),
        ),
    ]
