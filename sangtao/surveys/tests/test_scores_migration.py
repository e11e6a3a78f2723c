"""Migration 0005 moves scale answers from Answer rows into Response.scores and back, losing
nothing, and rebuilds the sums (including the respondent sums that 0004 added)."""

import random

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from sangtao.surveys.ingest import Incoming, ingest, scale_items
from sangtao.surveys.models import Aggregate, Answer, Measure, RespondentAggregate, Response, Source

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]
BEFORE = ("surveys", "0004_respondent_aggregates")


def stored(model, key: str) -> dict:
    fields = [f.name for f in model._meta.concrete_fields if f.name not in ("id", "survey", "unit", "period", key)]
    return {(row.unit_id, row.period_id, getattr(row, key)): tuple(getattr(row, name) for name in fields)
            for row in model.objects.all()}


def migrate(target):
    """Move the surveys app alone to target.

    Django's plan would also unapply the later apps that depend on surveys (annual, capacity...),
    and to go back it renders the project's state before every migration of every app up to the
    last one of surveys (most of this test's time). The states are built here from the migrations
    surveys depends on only: nothing else touches what 0005-0007 change. And those that do not build
    on the first migration undone come first: from that one on, Django replays each migration on
    rendered models, which was 42 migrations of other apps for 6 of surveys. Django has no public way
    to give its backwards pass that plan, hence its private _migrate_all_backwards."""
    executor = MigrationExecutor(connection)
    graph = executor.loader.graph
    plan = [(migration, backwards) for migration, backwards in executor.migration_plan([target])
            if migration.app_label == "surveys"]
    if plan and plan[0][1]:
        first_undone = plan[-1][0]
        builds_on_it = set(graph.backwards_plan((first_undone.app_label, first_undone.name)))
        states = executor.migration_plan(graph.leaf_nodes("surveys"), clean_start=True)
        states.sort(key=lambda step: (step[0].app_label, step[0].name) in builds_on_it)  # stable: still in order
        executor._migrate_all_backwards(plan, states, fake=False)
    else:
        executor.migrate([target], plan=plan)
    return executor.loader.project_state([target]).apps


@pytest.fixture
def whole_schema_after():
    """Put every app back at its latest migration, or later tests on this worker lose columns."""
    yield
    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.usefixtures("whole_schema_after")
def test_answers_move_into_scores_and_back_with_every_sum_rebuilt(survey):
    rng = random.Random(5)
    items = scale_items(survey.version_id)
    text_item = survey.version.items.get(measure=Measure.TEXT)
    units, periods = list(survey.units.all()), list(survey.periods.all())
    ingest(survey, [Incoming(rng.choice(units).pk, rng.choice(periods).pk,
                             {item.pk: rng.randint(1, 5) for item in items if rng.random() < 0.6},
                             texts={text_item.pk: f"ý kiến {n}"} if n % 3 == 0 else {}, external_id=f"M-{n}",
                             weight=rng.choice([0.5, 1.0, 2.0])) for n in range(60)], Source.IMPORT)
    scores = dict(Response.objects.values_list("external_id", "scores"))
    texts = sorted(Answer.objects.values_list("response__external_id", "text"))
    sums, people = stored(Aggregate, "item"), stored(RespondentAggregate, "element")

    old = migrate(BEFORE)
    answers = old.get_model("surveys", "Answer").objects.filter(value__isnull=False)
    assert answers.count() == sum(len(s.replace("-", "")) for s in scores.values())
    slot = {item.pk: position for position, item in enumerate(items)}
    for external_id, item_id, value in answers.values_list("response__external_id", "item_id", "value"):
        assert scores[external_id][slot[item_id]] == str(value)
    for name in ("Aggregate", "RespondentAggregate"):  # as a database coming from 0003 has them
        old.get_model("surveys", name).objects.all().delete()

    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes("surveys")[0])  # through 0005 and on
    assert dict(Response.objects.values_list("external_id", "scores")) == scores
    assert sorted(Answer.objects.values_list("response__external_id", "text")) == texts
    for before, after in ((sums, stored(Aggregate, "item")), (people, stored(RespondentAggregate, "element"))):
        assert before.keys() == after.keys()
        for key, figures in before.items():
            assert after[key] == pytest.approx(figures, rel=1e-12)
