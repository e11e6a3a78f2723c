"""A refresh starting while a batch is being written (PostgreSQL: real row locks): the refresh
waits for the batch, so both finish and the batch is counted once."""

import threading
import time

import pytest
from django.db import connection, connections

from sangtao.surveys import ingest as ingest_module
from sangtao.surveys.ingest import Incoming, ingest, recompute, scale_items
from sangtao.surveys.models import Aggregate, Source, Survey

pytestmark = [pytest.mark.django_db(transaction=True)]


def test_a_refresh_during_a_batch_waits_for_it_and_counts_it_once(survey, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("row locks are exercised on PostgreSQL; SQLite serialises every writer")
    items = scale_items(survey.version_id)
    unit, period = survey.units.first(), survey.periods.first()
    ingest(survey, [Incoming(unit.pk, period.pk, {item.pk: 4 for item in items}, external_id="A")], Source.IMPORT)
    written = threading.Event()
    original = ingest_module.add_sums

    def add_then_pause(*args, **kwargs):
        original(*args, **kwargs)
        if threading.current_thread().name == "batch":
            written.set()  # the batch's rows and its cells' new sums are written, not yet committed
            time.sleep(1.0)

    monkeypatch.setattr(ingest_module, "add_sums", add_then_pause)
    failures = []

    def run(work):
        try:
            work()
        except Exception as error:  # noqa: BLE001 -- reported by the assertion below
            failures.append(error)
        finally:
            connections.close_all()

    def batch():
        ingest(Survey.objects.get(pk=survey.pk), [Incoming(unit.pk, period.pk, {item.pk: 5 for item in items},
                                                           external_id="B")], Source.API)

    def refresh():
        written.wait(10)
        recompute(Survey.objects.get(pk=survey.pk))

    threads = [threading.Thread(target=run, args=(batch,), name="batch"),
               threading.Thread(target=run, args=(refresh,), name="refresh")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert failures == []  # before the survey lock, the two deadlocked and one was cancelled
    cell = Aggregate.objects.get(survey=survey, unit=unit, period=period, item=items[0].pk)
    assert (cell.n, cell.total, cell.satisfied) == (2, 9, 2)
