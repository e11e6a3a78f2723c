import uuid
from typing import Any, ClassVar

from django.conf import settings
from django.db import models, router, transaction
from django.urls import translate_url
from django.utils import timezone, translation
from django.utils.translation import get_language, get_language_from_path, gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from sangtao.core import chain
from sangtao.core.formats import to_the_second


class AppendOnlyQuerySet(models.QuerySet):
    """Rows are inserted one way, chained; nothing here changes or removes them."""

    def bulk_create(self, objs, *args, **kwargs):
        if kwargs.get("ignore_conflicts") or kwargs.get("update_conflicts"):
            raise ValueError(f"{self.model.__name__} rows are append-only: every row given must be inserted")
        objs = list(objs)
        with transaction.atomic(using=self.db):
            chain.append(self.model, objs, self.db)
            return super().bulk_create(objs, *args, **kwargs)

    def _refuse(self, *args, **kwargs):
        raise ValueError(f"{self.model.__name__} rows are append-only")

    update = delete = bulk_update = update_or_create = _refuse  # type: ignore[assignment]


class AppendOnlyModel(models.Model):
    """A record that is written once and never changed or deleted, chained by hash to the previous row
    of its subject (core/chain.py), so that a change made behind the application's back is found by
    manage.py verify_audit. On PostgreSQL a trigger refuses UPDATE and DELETE.

    A concrete model names in chain_by the attnames of the fields that make a row's subject (the
    object whose history the rows are): appends to one subject queue, appends to others do not."""

    chain_by: ClassVar[tuple[str, ...]]

    prev_hash = models.CharField(max_length=64, default="", editable=False)
    hash = models.CharField(max_length=64, default="", editable=False)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise ValueError(f"{type(self).__name__} rows are append-only")
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        # The lock on the chain and the insert in one transaction; inside a caller's transaction (a
        # move's, a service's) no savepoint of its own: a failure here fails the caller's change, and
        # every caller that recovers from one (an IntegrityError) holds its own savepoint around it.
        with transaction.atomic(using=using, savepoint=False):
            chain.append(type(self), [self], using)
            super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError(f"{type(self).__name__} rows are append-only")


class WorkflowTransition(AppendOnlyModel):
    """One move of a workflow, as core/workflow.py writes it: who made which move, why and when. A
    concrete table adds the object it belongs to (the workflow's `subject`) and from_status and
    to_status with its states' choices."""

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    move = models.CharField(max_length=30)
    reason = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["at", "id"]
        # The audit log reads each table newest first from a position (audit/trail.py); named by
        # Django per table (a name of app and class would pass its 30 characters).
        indexes = [models.Index(fields=["at", "id"])]

    def __str__(self) -> str:
        return f"{self.move}: {getattr(self, 'from_status', '')} -> {getattr(self, 'to_status', '')}"


class AuditEvent(AppendOnlyModel):
    """Who did what to which object, for actions outside a workflow's transition table."""

    chain_by = ("object_type", "object_id")  # one chain per object: a login never waits for a submission

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    action = models.CharField(max_length=64)
    object_type = models.CharField(max_length=64)
    object_id = models.CharField(max_length=64)
    data = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]
        # (at, id): the audit log's order (audit/trail.py), which serves every filter on `at` as well;
        # one object's rows (its chain, and a person's logins) and one action's in that order, without
        # reading the rest (the broken-chain alert links to its action; logins, the most frequent action,
        # would otherwise be read through).
        indexes = [models.Index(fields=["object_type", "object_id", "at", "id"]), models.Index(fields=["at", "id"]),
                   models.Index(fields=["action", "at", "id"])]

    def __str__(self) -> str:
        return f"{self.action} {self.object_type}#{self.object_id}"


class PeriodicTick(models.Model):
    """A periodic job's tick, claimed by the one worker that queues it: the unique pair makes it once."""

    job = models.CharField(max_length=200)
    tick = models.DateTimeField()
    claimed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["job", "tick"], name="one_run_per_tick")]

    def __str__(self) -> str:
        return f"{self.job} @ {to_the_second(self.tick)}"


class WorkerBeat(models.Model):
    """A worker's last sign of life: the jobs of a worker that stopped beating are recovered."""

    worker_id = models.CharField(max_length=64, primary_key=True)
    seen_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.worker_id


class JobRun(models.Model):
    """A long job someone started and waits for (an export, a report): how far it is, what went
    wrong, and its file. Its state moves through the job_run table (core/progress.py)."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Đang chờ")
        RUNNING = "running", _("Đang chạy")
        DONE = "done", _("Hoàn tất")
        FAILED = "failed", _("Lỗi")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=100)  # the job's module path, so a failed run can be queued again
    # What the run says is kept in no language and shown in its reader's (`shown_title`, `shown_message`):
    # a msgid and the values of its placeholders (core.progress.job_text), or words kept as they came
    # (an error's, and every run written before the arguments were kept apart) with no arguments.
    title = models.CharField(max_length=255)
    title_args = models.JSONField(default=dict, blank=True)
    arguments = models.JSONField(default=dict, blank=True)
    back_url = models.CharField(max_length=500, blank=True)
    # Ended by Tracker.fail: its input is at fault (bad rows, impossible settings), so running it again
    # as it is would end the same; the person fixes and sends again instead of a retry.
    refused = models.BooleanField(default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    done = models.PositiveBigIntegerField(default=0)
    total = models.PositiveBigIntegerField(null=True, blank=True)
    error_count = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)  # the first ones: [{"row", "column", "message"}]
    message = models.TextField(blank=True)
    message_args = models.JSONField(default=dict, blank=True)
    result = models.FileField(upload_to="jobs/", blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The backend's id of its latest attempt, written once the backend holds it (core.tasks.job_queued);
    # empty while it is not handed over yet, so a run left empty is one whose job never reached the queue
    # (core.progress.fail_unqueued_runs). Runs queued before this field hold "unrecorded" (migration 0007).
    task_id = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        ordering = ["-created_at"]
        indexes = [  # the sweep's look, each second on each worker: it holds only unqueued runs
            models.Index(fields=["created_at"], condition=models.Q(state="queued", task_id=""),
                         name="core_jobrun_unqueued"),
        ]

    def __str__(self) -> str:
        return f"{self.shown_title} ({self.state})"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("job", args=[self.pk])

    @property
    def shown_title(self) -> str:
        return in_current_language(self.title, self.title_args)

    @property
    def shown_message(self) -> str:
        return in_current_language(self.message, self.message_args)

    @property
    def shown_back_url(self) -> str:
        """Where the run was started from, in the language of the page showing it (a run started under
        /en/ keeps /en/ in back_url)."""
        if not self.back_url:
            return ""
        reader = get_language()
        with translation.override(get_language_from_path(self.back_url) or settings.LANGUAGE_CODE):  # to read it
            return translate_url(self.back_url, reader)


def in_current_language(text: str, args: dict) -> str:
    """A run's kept text as the current language says it: its msgid translated, then its placeholders
    filled with their values (which are never read as placeholders themselves). Words no catalogue knows
    come back as they were kept; without arguments nothing is filled, so a `%` in them stays as written."""
    translated = gettext(text)
    return translated % {name: _said(value) for name, value in args.items()} if args else translated


def _said(value: Any) -> Any:
    """A placeholder's value: a kept text of its own ({"msgid", "args"}, see core.progress.job_text) in
    the current language too; a list of values one after the other."""
    if isinstance(value, dict) and "msgid" in value:
        return in_current_language(value["msgid"], value.get("args") or {})
    if isinstance(value, list):
        return " ".join(str(_said(item)) for item in value)
    return value


class RateCount(models.Model):
    """How many times one key (a salted hash of a client's address, or of a login name) was counted in
    one window of a rate limit (core/ratelimit.py: the public survey's answers, failed logins, reset
    requests, token guesses); a lock on a key is a row of its own with no count. Counted by one atomic
    statement, so no count is lost between processes, and never culled before its window ends, as a
    cache's rows can be."""

    bucket = models.CharField(max_length=200, primary_key=True)
    count = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.bucket}: {self.count}"


SATURDAY = 5  # datetime's weekday()


class Holiday(models.Model):
    """A day that breaks the public service's week, for the national deadlines of the task procedure
    (BRIEF §2, in working days): a day off on a weekday (a holiday, a make-up day off), or a Saturday or
    Sunday worked to bridge one. DoST keeps the list: Tết and the Hùng Kings' day follow the lunar
    calendar, and the days around them are announced each year."""

    day = models.DateField(_("Ngày"), unique=True)
    name = models.CharField(_("Tên ngày nghỉ"), max_length=150)
    worked = models.BooleanField(_("Ngày làm việc bù (thứ Bảy hoặc Chủ nhật đi làm)"), default=False)

    class Meta:
        ordering = ["day"]
        verbose_name = pgettext_lazy("singular", "ngày nghỉ lễ, Tết")
        verbose_name_plural = _("ngày nghỉ lễ, Tết")

    def __str__(self) -> str:
        return f"{self.day.isoformat()} {self.name}"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        from sangtao.core.formats import short_date

        if self.worked and self.day and self.day.weekday() < SATURDAY:
            raise ValidationError({"worked": _("Chỉ thứ Bảy hoặc Chủ nhật mới có thể là ngày làm việc bù: "
                                               "{day} vốn là ngày làm việc.").format(day=short_date(self.day))})
