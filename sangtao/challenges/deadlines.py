"""The national deadlines of the task procedure (BRIEF §2): DoST appraises a challenge within 7 working
days of receiving it, and publishes it within 15 of approving it. Counted from the day the challenge
reached the step (its latest arrival, after a return), by the rules DoST keeps (ChallengeRules)."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef, Subquery
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from sangtao.challenges.models import Challenge, ChallengeRules, DeadlineNotice, Status, Transition
from sangtao.challenges.workflow import CHALLENGE
from sangtao.core import formats
from sangtao.core.tasks import periodic
from sangtao.core.workdays import Calendar, add_working_days, calendar_between, reach, received_on
from sangtao.core.workflow import notice_subject
from sangtao.notifications.services import notify
from sangtao.orgs.roles import dost_coordinators

STEPS = {Status.DOST_REVIEW: (_("Hạn thẩm định"), "review_working_days"),
         Status.APPROVED: (_("Hạn công bố"), "publish_working_days")}
MONTH = datetime.timedelta(days=31)
@dataclass(frozen=True)
class Deadline:
    label: Any
    since: datetime.date  # the working day the challenge counts as received at the step
    days: int
    due: datetime.date

    @property
    def overdue(self) -> bool:
        return timezone.localdate() > self.due


def current_rules() -> ChallengeRules:
    return ChallengeRules.objects.filter(is_default=True).first() or ChallengeRules()


def _span(rules: ChallengeRules, first: datetime.date, last: datetime.date) -> Calendar:
    """The calendar that deadlines of steps reached from `first` to `last` need (one query): a month more
    for a step reached on a day off, counted from the next working day."""
    days = max(rules.review_working_days, rules.publish_working_days)
    return calendar_between(first, last + MONTH + reach(days))


def deadline(status: str, arrived: datetime.datetime | None, rules: ChallengeRules | None = None,
             calendar: Calendar | None = None) -> Deadline | None:
    """The deadline of the step a challenge in `status` has waited at since `arrived`; None for a status
    with no national deadline. A step reached on a day off counts from the next working day. `calendar`
    as _span gives it (else it is read)."""
    if status not in STEPS or arrived is None:
        return None
    rules = rules or current_rules()
    label, field = STEPS[Status(status)]
    arrival_day = timezone.localdate(arrived)
    calendar = _span(rules, arrival_day, arrival_day) if calendar is None else calendar
    since = received_on(arrival_day, calendar)
    days = getattr(rules, field)
    return Deadline(label, since, days, add_working_days(since, days, calendar))


def attach_deadlines(challenges) -> None:
    """Set `.deadline` on each of a page of challenges annotated with `arrived` (arrival()): two queries,
    however many there are."""
    waiting = [c for c in challenges if c.status in STEPS and c.arrived is not None]
    for challenge in challenges:
        challenge.deadline = None
    if not waiting:
        return
    rules = current_rules()
    days = [timezone.localdate(c.arrived) for c in waiting]
    calendar = _span(rules, min(days), max(days))
    for challenge in waiting:
        challenge.deadline = deadline(challenge.status, challenge.arrived, rules, calendar)


def arrival() -> Subquery:
    """When each challenge last reached its current status (a return and a new submission start again)."""
    return Subquery(Transition.objects.filter(challenge=OuterRef("pk"), to_status=OuterRef("status"))
                    .order_by("-at", "-id").values("at")[:1])


@periodic(every=3600)
def tell_dost_of_deadlines() -> int:
    """Tell DoST's coordinators of each challenge whose appraisal or publication deadline is near (within
    the rules' remind_working_days) and again once it has passed: each once per arrival at the step. The
    notices ask for the move, and the move clears them. How many notices went out."""
    def told(kind: str) -> Exists:
        return Exists(DeadlineNotice.objects.filter(challenge=OuterRef("pk"), step=OuterRef("status"),
                                                    arrived_at=OuterRef("arrived"), kind=kind))

    waiting: list[Any] = list(Challenge.objects.filter(status__in=list(STEPS)).annotate(arrived=arrival())
                              .annotate(reminded=told(DeadlineNotice.Kind.COMING))
                              .exclude(told(DeadlineNotice.Kind.PASSED)))
    attach_deadlines(waiting)
    rules, today = current_rules(), timezone.localdate()
    remind_until = add_working_days(today, rules.remind_working_days)  # one query: the calendar it needs
    told_now = 0
    for challenge in waiting:
        due = challenge.deadline
        if due is None:
            continue
        if due.overdue:
            told_now += _tell(challenge, DeadlineNotice.Kind.PASSED)
        elif rules.remind_working_days and not challenge.reminded and due.due <= remind_until:
            told_now += _tell(challenge, DeadlineNotice.Kind.COMING)
    return told_now


PASSED = {Status.DOST_REVIEW: _("Quá hạn thẩm định: «{title}»"), Status.APPROVED: _("Quá hạn công bố: «{title}»")}
COMING = {Status.DOST_REVIEW: _("Sắp đến hạn thẩm định: «{title}»"),
          Status.APPROVED: _("Sắp đến hạn công bố: «{title}»")}


def _tell(challenge, kind: str) -> int:
    """Notify the coordinators of `challenge`'s deadline, unless it moved on or another worker did (0)."""
    with transaction.atomic():
        if not Challenge.objects.select_for_update().filter(pk=challenge.pk, status=challenge.status).exists():
            return 0  # moved on since it was read
        _notice, created = DeadlineNotice.objects.get_or_create(
            challenge=challenge, step=challenge.status, arrived_at=challenge.arrived, kind=kind)
        if not created:
            return 0  # another worker told DoST
        step, subject = Status(challenge.status), notice_subject(CHALLENGE, challenge)
        title = (PASSED if kind == DeadlineNotice.Kind.PASSED else COMING)[step]
        notify(dost_coordinators(), format_lazy(title, title=challenge.title),
               format_lazy(_("Hạn: {due}"), due=formats.short_date(challenge.deadline.due)),
               challenge.get_absolute_url(), action_needed=True, subject=subject)
    return 1
