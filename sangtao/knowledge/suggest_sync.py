"""Keeps the similarity index in step with its records, in the same transaction as the change.

States change only through `core.workflow.apply_move`, which updates the row without save() and
sends `moved`; content changes go through save(). So two hooks cover every change: `moved` for the
states, post_save/post_delete for the rest. They run inside the change's transaction (the index
rolls back with it) and cost one indexed lookup for a record that is not indexed (a draft). This is
simpler and safer than a job queued on commit: no window where a withdrawn record is still suggested,
no worker needed to see a publication. `rebuild` (the `rebuild_knowledge_index` command or the job)
puts the whole index right after a bulk change made without the models.
"""

from typing import Any

from django.db.models.signals import post_delete, post_save

from sangtao.core.progress import Tracker, run_failed
from sangtao.core.tasks import task
from sangtao.core.workflow import moved
from sangtao.knowledge import suggest_index, suggest_sources
from sangtao.knowledge.models import DocumentKind


def _sync(kind: str, obj, entry) -> None:
    if entry is None:
        suggest_index.drop(kind, obj.pk)
    else:
        suggest_index.put(entry)


def sync_challenge(obj) -> None:
    _sync(DocumentKind.CHALLENGE, obj, suggest_sources.challenge_entry(obj))


def sync_initiative(obj) -> None:
    _sync(DocumentKind.INITIATIVE, obj, suggest_sources.initiative_entry(obj))


def sync_task(obj) -> None:
    _sync(DocumentKind.TASK, obj, suggest_sources.task_entry(obj))


def sync_case(obj) -> None:
    _sync(DocumentKind.CASE, obj, suggest_sources.case_entry(obj))


def sync_plan(plan) -> None:
    for task_ in plan.tasks.all():
        _sync(DocumentKind.TASK, task_, suggest_sources.task_entry(task_, plan))


def _on_save(sync):
    def handler(sender, instance, raw=False, **kwargs):
        if not raw:  # fixtures load rows as they are
            sync(instance)
    return handler


def _on_delete(kind: str):
    def handler(sender, instance, **kwargs):
        suggest_index.drop(kind, instance.pk)
    return handler


def _on_move(sync):
    def handler(sender, obj, **kwargs):
        sync(obj)
    return handler


_HANDLERS: list = []  # signals keep weak references: hold the handlers


def connect() -> None:
    from sangtao.annual.models import AnnualPlan, AnnualTask
    from sangtao.challenges.models import Challenge
    from sangtao.initiatives.models import Initiative
    from sangtao.knowledge.models import Case

    for model, kind, sync in ((Case, DocumentKind.CASE, sync_case), (Challenge, DocumentKind.CHALLENGE, sync_challenge),
                              (Initiative, DocumentKind.INITIATIVE, sync_initiative),
                              (AnnualTask, DocumentKind.TASK, sync_task)):
        handlers = (_on_save(sync), _on_delete(kind))
        _HANDLERS.extend(handlers)
        post_save.connect(handlers[0], sender=model, dispatch_uid=f"knowledge-index-save-{kind}")
        post_delete.connect(handlers[1], sender=model, dispatch_uid=f"knowledge-index-delete-{kind}")
    moving: list[tuple[Any, Any]] = [(Case, sync_case), (Challenge, sync_challenge), (Initiative, sync_initiative),
                                       (AnnualPlan, sync_plan)]
    for moving_model, moving_sync in moving:
        handler = _on_move(moving_sync)
        _HANDLERS.append(handler)
        moved.connect(handler, sender=moving_model, dispatch_uid=f"knowledge-index-move-{moving_model._meta.label}")


def rebuild(progress=None) -> dict:
    """Load every record into an empty index, reporting (done, total) to `progress`."""
    return suggest_index.load(suggest_sources.all_entries(), total=suggest_sources.count_entries(), progress=progress)


@task(on_failure=run_failed)
def rebuild_index_job(run_id: str) -> None:
    """The rebuild as a background job, its progress on the job's page (core/progress.py)."""
    tracker = Tracker(run_id)
    tracker.begin(suggest_sources.count_entries())
    result = rebuild(progress=lambda done, _total: tracker.advance(done))
    tracker.advance(result["documents"], force=True)
    tracker.finish(str(result["documents"]))
