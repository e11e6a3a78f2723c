"""How far a long job is, told the same way everywhere (imports, exports, assignment runs, reports).

A job someone waits for records done/total, its errors (the first ones kept, all of them counted),
a message and, at the end, its file. The person sees one status page (core/job.html, or the
`core/_progress.html` partial inside their own page): a determinate progress bar with formatted
counts, and when it ends, the errors with where to fix them and a button to run it again. The page
refreshes itself without script (<noscript> refresh); with script, core/progress.js reads the JSON
endpoint (`Progress.as_json`) and updates the bar in place.

Every job someone waits for is a `JobRun`: `start_job(job, actor, title, ...)` queues a
`@task(on_failure=run_failed)` that takes `run_id`, and the job reports through `Tracker(run_id)`.
A context that keeps facts of its own about a job (the survey import: what it added, its error file)
keeps them on its model, linked to the run, and builds its page's `Progress` from `progress_of(run)`;
when running it again means more than queueing the same arguments, it says how with `@restarts(job)`.

What a run says (its title, the stage under its bar, why it failed, how it ended) is read by its starter
in whichever language they read the page, often not the one they started it in, and by a worker that
has no language of its own: so a run keeps the msgid and the values of its placeholders apart
(`job_text(_("Xuất phiếu: %(name)s"), name=survey.name)`, or a lazy `_("...")` with none) and shows
them translated when it is read (`JobRun.shown_title`, `shown_message`). Words that are no msgid (an
error's, a name, a number) are kept and shown as they came.
"""

import datetime
import logging
import time
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.core.files.base import File
from django.db import transaction
from django.db.models import Case, Q, When
from django.dispatch import receiver
from django.http import Http404
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import number_format
from django.utils.functional import Promise
from django.utils.module_loading import import_string
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from sangtao.core.errors import NotAllowed, StaleState
from sangtao.core.models import JobRun, in_current_language
from sangtao.core.tasks import LOST_BY_QUEUE, NOT_QUEUED, Job, backend_lost, job_queued, report_not_queued
from sangtao.core.workflow import SYSTEM, Move, apply_move, nobody, workflow
from sangtao.core.workitems import WorkItem, provider

logger = logging.getLogger(__name__)

ERRORS_KEPT = 100  # errors stored with a run; all are counted
ERRORS_SHOWN = 20  # errors listed on the page; the rest are in the error file

S = JobRun.State
JOBS_GROUP = _("Công việc chạy nền")
JOB_RUN = workflow("job_run", JobRun, [
    # A run whose worker died is started again from where it was left: running.
    Move("start", (S.QUEUED, S.RUNNING), S.RUNNING, nobody, _("Bắt đầu"), service_only=True),
    Move("finish", (S.RUNNING,), S.DONE, nobody, _("Hoàn tất"), service_only=True),
    Move("fail", (S.QUEUED, S.RUNNING), S.FAILED, nobody, _("Dừng vì lỗi"), service_only=True),
], _("Công việc"), state_field="state")


def count(value: int | None) -> str:
    """1.234.567 in Vietnamese, 1,234,567 in English."""
    return "…" if value is None else number_format(value, force_grouping=True)


@dataclass
class Progress:
    """What the progress bar shows, whichever model the job keeps it in."""

    state_label: str
    running: bool
    succeeded: bool
    done: int
    total: int | None
    message: str = ""
    errors: list[dict[str, Any]] = field(default_factory=list)  # {"row", "column", "message"}
    error_count: int = 0
    error_file_url: str = ""
    fix_url: str = ""  # where the input is put right (the upload form)
    retry_url: str = ""  # POST here to run the job again
    result_url: str = ""
    status_url: str = ""  # this object as JSON, for core/progress.js

    @property
    def errors_name_columns(self) -> bool:
        """Whether the table of errors needs its column of columns (an annual plan's rows name none)."""
        return any(error.get("column") for error in self.errors)

    @property
    def percent(self) -> int:
        """How far it got: a failed job's bar stops where the job did, not full as if it had ended well."""
        if self.succeeded:
            return 100
        if not self.total:
            return 0
        return min(100, 100 * self.done // self.total)

    @property
    def counts(self) -> str:
        return f"{count(self.done)} / {count(self.total)}"

    @property
    def more_errors(self) -> int:
        return max(0, self.error_count - len(self.errors))

    def as_json(self) -> dict[str, Any]:
        return {"state": str(self.state_label), "running": self.running, "succeeded": self.succeeded,
                "done": self.done, "total": self.total, "percent": self.percent, "counts": self.counts,
                "message": str(self.message), "error_count": self.error_count}


# --- JobRun: the progress of every job someone waits for -------------------------------------------

class JobText(NamedTuple):
    """A run's title or message as it is kept: a msgid and the values of its placeholders. As a string,
    it is said in the current language: an error raised with one (InvalidInput) reads right on a page
    and in the API, and keeps its msgid when a job fails with it."""

    msgid: str
    args: dict[str, Any]

    def __str__(self) -> str:
        return in_current_language(self.msgid, self.args)

    def kept(self) -> dict[str, Any]:
        """The form kept in a JSON field, which in_current_language says again in its reader's language."""
        return {"msgid": self.msgid, "args": self.args}


def job_text(text: JobText | Promise | str, /, **args: Any) -> JobText:
    """`job_text(_("Xuất phiếu: %(name)s"), name=survey.name)`: the msgid of a lazy translation (not
    pgettext: its context would be lost) and its values, which are filled in only when the run is shown.
    A plain string is kept as it is."""
    if isinstance(text, JobText):
        return text
    if args and not isinstance(text, Promise):  # gettext's answer, in whatever language is active: no msgid
        raise TypeError("job_text takes a lazy translation (gettext_lazy) when it has values to fill in")
    with translation.override(None):  # no language: a lazy translation gives its msgid
        return JobText(str(text), {name: _kept_value(value) for name, value in args.items()})


def _kept_value(value: Any) -> Any:
    """A placeholder's value as it is kept: a text of its own (or a list of them: the reasons an
    assignment is impossible) stays a msgid with values, said in the reader's language when shown."""
    if isinstance(value, JobText):
        return value.kept()
    if isinstance(value, list):
        return [_kept_value(item) for item in value]
    return value


RESTARTS: dict[str, Callable[[JobRun, Any], JobRun]] = {}


def restarts(job) -> Callable:
    """`@restarts(job)` on `fn(run, actor) -> JobRun`: how a failed run of `job` is run again, when
    its context keeps more than the run's arguments (a new survey import from the same file)."""

    def register(fn: Callable[[JobRun, Any], JobRun]) -> Callable[[JobRun, Any], JobRun]:
        RESTARTS[job.module_path] = fn
        return fn

    return register


def start_job(job, actor, title: JobText | Promise | str, *, back_url: str = "", total: int | None = None,
              **arguments) -> JobRun:
    """Record a run and queue `job(run_id=..., **arguments)` with it; the page is run.get_absolute_url().
    `title`: a lazy translation, or `job_text(...)` when it has placeholders."""
    kept = job_text(title)
    with transaction.atomic():
        run = JobRun.objects.create(kind=job.module_path, title=kept.msgid[:255], title_args=kept.args,
                                    arguments=arguments, back_url=back_url, created_by=actor, total=total)
        job.enqueue(run_id=str(run.pk), **arguments)
    return run


def get_run_for(user, pk) -> JobRun:
    """A run is seen by the person who started it only; anyone else gets 404."""
    run = JobRun.objects.filter(pk=pk, created_by_id=getattr(user, "pk", None)).first()
    if run is None:
        raise Http404
    return run


def retry(run: JobRun, actor) -> JobRun:
    """Run a failed job again, with the same arguments, as a new run."""
    if run.created_by_id != actor.pk:
        raise NotAllowed()
    if run.state != S.FAILED:
        raise StaleState(_("Chỉ chạy lại được công việc đã dừng vì lỗi."), current_status=run.state)
    restart = RESTARTS.get(run.kind)
    if restart is not None:  # it says itself why a refused input is not run again
        return restart(run, actor)
    if run.refused:
        raise StaleState(_("Chạy lại y nguyên sẽ dừng ở cùng chỗ: hãy sửa rồi gửi lại."), current_status=run.state)
    return start_job(import_string(run.kind), actor, JobText(run.title, run.title_args), back_url=run.back_url,
                     total=run.total, **run.arguments)


def run_failed(message: JobText | Promise | str, run_id: str, **_arguments) -> None:
    """`@task(on_failure=run_failed)`: the job raised or its worker died; the person reads why."""
    run = JobRun.objects.filter(pk=run_id).first()
    if run is None:
        return
    kept = job_text(message)
    with suppress(StaleState):  # it had already finished or failed
        apply_move(run, "fail", actor=SYSTEM, changes={"message": kept.msgid[:2000], "message_args": kept.args,
                                                        "finished_at": timezone.now()})


# --- runs whose job never reached the queue ----------------------------------------------------------
#
# On RQ the job is handed to Redis after the run's transaction commits. When Redis refuses it, the run
# is failed at once (core.tasks.Job.hand_over). When the process dies between the commit and the hand-
# over, nothing is told: so each run records its backend task id once the backend holds the job
# (job_queued, below), and the workers' scheduler step fails the runs still queued without one after a
# grace period, through their job's on_failure, as if the hand-over had been refused. Failing rather
# than queueing again: the person sees why and runs it again with one click, and a job can never run
# twice (a job that did reach the queue after all finds its run failed, and Tracker.begin refuses it).
# The grace covers the time between the run's row and the commit of its transaction.
# A Redis that restarts without its data loses the jobs it held: their runs keep their task ids and stay
# queued. A periodic job (core.jobs.fail_runs_the_queue_lost) asks the backend about the task of each run
# still queued after the grace, and fails, the same way, those whose task it no longer holds.

QUEUE_GRACE = datetime.timedelta(minutes=5)


@receiver(job_queued)
def _record_task_id(sender, job, task_id: str, kwargs: dict[str, Any], **_signal) -> None:
    """Every job someone waits for takes `run_id` (start_job); a retry records its own attempt."""
    if not (run_id := kwargs.get("run_id")):
        return
    try:
        JobRun.objects.filter(pk=run_id, kind=job.module_path).update(task_id=task_id)
    except Exception:  # the job is in the queue already: failing here must not report it as not queued
        logger.exception("the task id of job run %s could not be recorded", run_id)


def fail_unqueued_runs(created_before: datetime.datetime) -> int:
    """Fail the runs created before `created_before` still queued with no task at the backend; return how many."""
    stuck = JobRun.objects.filter(state=S.QUEUED, task_id="", created_at__lt=created_before)
    failed = 0
    for run_id in stuck.values_list("pk", flat=True):
        with transaction.atomic():
            run = stuck.filter(pk=run_id).select_for_update(skip_locked=True).first()
            if run is None:  # another worker's step took it, or it was handed over meanwhile
                continue
            _end_unrun(run, NOT_QUEUED)
        failed += 1
    return failed


# Runs queued before the task id was recorded (migration 0007) hold this instead of an id.
UNRECORDED = "unrecorded"


def fail_lost_runs(created_before: datetime.datetime) -> int:
    """Fail the runs created before `created_before`, still queued, whose task the backend no longer holds
    (Redis restarted without its data: their jobs will never run), as if never queued; return how many.
    Every such run is asked about (one look-up each, every five minutes): a backlog of runs still held
    must not hide newer ones lost. A backend that cannot be reached raises, and nothing more is failed."""
    waiting = JobRun.objects.filter(state=S.QUEUED, created_at__lt=created_before).exclude(task_id__in=["", UNRECORDED])
    failed = 0
    for run_id, task_id in waiting.order_by("created_at").values_list("pk", "task_id").iterator():
        if not backend_lost(task_id):
            continue
        with transaction.atomic():
            run = waiting.filter(pk=run_id, task_id=task_id).select_for_update(skip_locked=True).first()
            if run is None:  # it started, or a retry was queued, meanwhile
                continue
            _end_unrun(run, LOST_BY_QUEUE)
        failed += 1
    return failed


def _end_unrun(run: JobRun, reason: Promise) -> None:
    """Fail a queued run whose job will never run, and the job's context with it (an import, an export request)."""
    try:
        job = import_string(run.kind)
    except ImportError:  # the job was renamed since: its run still ends
        job = None
    if isinstance(job, Job):
        report_not_queued(job, {"run_id": str(run.pk), **run.arguments}, reason)
    run_failed(reason, str(run.pk))  # whatever on_failure did, the run ends


def progress_of(run: JobRun) -> Progress:
    running = run.state in (S.QUEUED, S.RUNNING)
    return Progress(
        state_label=run.get_state_display(), running=running, succeeded=run.state == S.DONE, done=run.done,
        total=run.total, message=run.shown_message, errors=run.errors[:ERRORS_SHOWN], error_count=run.error_count,
        retry_url=reverse("job_retry", args=[run.pk]) if run.state == S.FAILED and not run.refused else "",
        result_url=reverse("job_result", args=[run.pk]) if run.state == S.DONE and run.result else "",
        fix_url=run.shown_back_url if run.state == S.FAILED or run.error_count else "",
        status_url=reverse("job_progress", args=[run.pk]))


class Tracker:
    """What a running job tells the person waiting: `begin`, `advance` (written at most every
    `every` seconds), `error`, then `finish` with the file; `run_failed` takes care of failures."""

    def __init__(self, run_id: str, every: float = 0.5):
        self.run = JobRun.objects.get(pk=run_id)
        self.every = every
        self.done = 0
        self.errors: list[dict[str, Any]] = []
        self.error_count = 0
        self.message = JobText(self.run.message, self.run.message_args)
        self._written = 0.0

    def begin(self, total: int | None = None) -> None:
        self.run = apply_move(self.run, "start", actor=SYSTEM,
                              changes={"total": total} if total is not None else {})

    def set_total(self, total: int) -> None:
        JobRun.objects.filter(pk=self.run.pk).update(total=total)

    def advance(self, done: int, *, message: JobText | Promise | str | None = None, force: bool = False) -> None:
        """`message`: the stage the job is at (`_("Tính độ phù hợp")`), shown under the bar while it runs."""
        self.done = done
        if message is not None:
            self.message = job_text(message)
        if force or time.monotonic() - self._written >= self.every:
            JobRun.objects.filter(pk=self.run.pk).update(done=done, error_count=self.error_count, errors=self.errors,
                                                         message=self.message.msgid, message_args=self.message.args)
            self._written = time.monotonic()

    def error(self, row: int | str, column: str, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < ERRORS_KEPT:
            self.errors.append({"row": row, "column": column, "message": str(message)})

    def fail(self, message: JobText | Promise | str) -> JobRun:
        """The job refuses its input (a file with bad rows): it ends failed, with its errors, for the
        person to fix; a job that raises is failed by `run_failed` instead."""
        kept = job_text(message)
        self.run = apply_move(self.run, "fail", actor=SYSTEM, changes={
            "done": self.done, "error_count": self.error_count, "errors": self.errors, "message": kept.msgid[:2000],
            "message_args": kept.args, "finished_at": timezone.now(), "refused": True})
        return self.run

    def finish(self, message: JobText | Promise | str = "", result: File | None = None, name: str = "") -> JobRun:
        kept = job_text(message)
        changes: dict[str, Any] = {"done": self.done, "error_count": self.error_count, "errors": self.errors,
                                   "message": kept.msgid, "message_args": kept.args, "finished_at": timezone.now()}
        if result is not None:
            self.run.result.save(name, result, save=False)
            changes["result"] = self.run.result.name
        self.run = apply_move(self.run, "finish", actor=SYSTEM, changes=changes)
        return self.run


# --- the starter's home: their jobs that ended (or still run), each linking to its own page ----------

RECENT_DAYS = 7  # ended jobs stay on the home this long
JOBS_SHOWN = 10  # the latest ones; older ones are still at their own address


@provider("core.jobs")
def job_work(user) -> list[WorkItem]:
    """One line per job the person started: failed (to act on), running or finished in the last week.
    One query, whatever the number of jobs."""
    if not getattr(user, "is_authenticated", False):
        return []
    since = timezone.now() - datetime.timedelta(days=RECENT_DAYS)
    running = Q(state__in=[S.QUEUED, S.RUNNING])
    runs = (JobRun.objects.filter(Q(created_by=user) & (Q(created_at__gte=since) | running))
            .only("pk", "title", "title_args", "state", "created_at", "finished_at")
            # The failures first: they wait on the person, and six exports since must not push them off.
            .order_by(Case(When(state=S.FAILED, then=0), default=1), "-created_at")[:JOBS_SHOWN])
    items = []
    for run in runs:
        if run.state == S.FAILED:  # to act on, but not late: no "overdue" tag
            title, action = gettext("«%(title)s» dừng vì lỗi: xem lý do, sửa rồi chạy lại"), True
        elif run.state == S.DONE:
            title, action = gettext("«%(title)s» đã hoàn tất"), False
        else:
            title, action = gettext("«%(title)s» đang chạy"), False
        items.append(WorkItem(f"core.job_{run.state}", title % {"title": run.shown_title}, 1, run.get_absolute_url(),
                              action_needed=action, group=JOBS_GROUP))
    return items
