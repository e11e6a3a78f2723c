"""The national deadlines of the task procedure (BRIEF §2): DoST appraises a challenge within 7 working
days of receiving it, and publishes it within 15 of approving it. Counted from the day the challenge
reached the step (its latest arrival, after a return), by the rules DoST keeps (ChallengeRules)."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from sangtao.challenges.models import Challenge, ChallengeRules, DeadlineNotice, Status, Transition
from sangtao.challenges.workflow import CHALLENGE
from sangtao.core import formats
from sangtao.core.audit import record
from sangtao.core.models import Holiday
from sangtao.core.tasks import periodic
from sangtao.core.workdays import (
    Calendar,
    add_working_days,
    calendar_between,
    fixed_holidays_missing,
    reach,
    received_on,
)
from sangtao.core.workflow import notice_subject
from sangtao.notifications.models import Notification
from sangtao.notifications.services import notify, resolve
from sangtao.orgs.roles import dost_coordinators

STEPS = {Status.DOST_REVIEW: (_("Hạn thẩm định"), "review_working_days"),
         Status.APPROVED: (_("Hạn công bố"), "publish_working_days")}
MONTH = datetime.timedelta(days=31)
PASSED = {Status.DOST_REVIEW: _("Quá hạn thẩm định: «{title}»"), Status.APPROVED: _("Quá hạn công bố: «{title}»")}
COMING = {Status.DOST_REVIEW: _("Sắp đến hạn thẩm định: «{title}»"),
          Status.APPROVED: _("Sắp đến hạn công bố: «{title}»")}


@dataclass(frozen=True)
class Deadline:
    label: Any
    step: str  # the status whose deadline it is
    since: datetime.date  # the working day the challenge counts as received at the step
    days: int
    due: datetime.date

    @property
    def overdue(self) -> bool:
        return timezone.localdate() > self.due

    @property
    def after_approval(self) -> bool:
        """Whether it counts from DoST's approval (publication), not from the challenge's receipt (appraisal)."""
        return self.step == Status.APPROVED


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
    return Deadline(label, status, since, days, add_working_days(since, days, calendar))


def call_closes_before_publication_due(challenge) -> tuple[datetime.date, datetime.date] | None:
    """(the call's closing day, the publication deadline) when approving the challenge today would give it
    a publication deadline after its call has closed: DoST should publish before then, or ask the unit to
    move the call. None otherwise."""
    if not challenge.call_closes_at:
        return None
    due = deadline(Status.APPROVED, timezone.now())
    closes = timezone.localdate(challenge.call_closes_at)
    return (closes, due.due) if due is not None and closes < due.due else None


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
        coordinators = list(dost_coordinators())
        for coordinator in coordinators:  # this notice takes the place of those asking them for the same move
            resolve(subject, recipient=coordinator)
        notify(coordinators, format_lazy(title, title=challenge.title),
               format_lazy(_("Hạn: {due}"), due=formats.short_date(challenge.deadline.due)),
               challenge.get_absolute_url(), action_needed=True, subject=subject)
    return 1


# --- the calendar the deadlines count on ----------------------------------------------------------
# Tết (late January to mid-February) and the Hùng Kings' day (the 10th of the third lunar month, April)
# move with the lunar calendar, and National Day's second day (the 1st or the 3rd of September, Labour
# Code 2019 art. 112) is chosen each year: none can be seeded. The Ministry of Home Affairs announces them
# for the coming year in the autumn; until DoST has entered them, the deadlines that cross them fall days
# early. From October the job enters the coming year's fixed holidays itself and asks DoST for these.
TET = ((1, 15), (2, 28))
HUNG_KINGS = ((3, 25), (4, 29))
NATIONAL_DAY_SECOND = ((9, 1), (9, 3))  # either day beside the 2nd
ASK_FROM_MONTH = 10


def announced_holidays_missing(year: int) -> bool:
    """Whether `year`'s calendar lacks a day off for Tết, the Hùng Kings' day or National Day's second day."""
    off = set(Holiday.objects.filter(day__year=year, worked=False).values_list("day", flat=True))

    def within(window) -> bool:
        first, last = (datetime.date(year, *end) for end in window)
        return any(first <= day <= last for day in off)

    national = {datetime.date(year, *day) for day in NATIONAL_DAY_SECOND}
    return not (within(TET) and within(HUNG_KINGS) and off & national)


def calendar_subject(year: int) -> str:
    return f"core.holiday:{year}"


@periodic(every=3600)
def ask_dost_for_the_years_holidays() -> bool:
    """From October, enter the coming year's fixed holidays (core.workdays) and ask the coordinators who keep
    the calendar, once, to enter its Tết, Hùng Kings' day and National Day's second day (in January, the
    year's own if still missing); the notice is cleared once all are entered. Whether it asked."""
    today = timezone.localdate()
    year = today.year + 1 if today.month >= ASK_FROM_MONTH else today.year if today.month == 1 else None
    if year is None:
        return False
    with transaction.atomic():
        for holiday in fixed_holidays_missing(year):
            holiday.save()
            record(None, "rule_created", holiday, name=str(holiday))
    subject = calendar_subject(year)
    if not announced_holidays_missing(year):
        resolve(subject)
        return False
    if Notification.objects.filter(subject=subject).exists():
        return False  # asked already
    # Only those who can open the calendar (the admin) are asked: to others the link would lead nowhere.
    keepers = [user for user in dost_coordinators() if user.is_staff and user.has_perm("core.change_holiday")]
    notify(keepers, format_lazy(_("Nhập lịch nghỉ Tết, Giỗ Tổ Hùng Vương và Quốc khánh năm {year}"), year=year),
           format_lazy(_("Thời hạn thẩm định và công bố bài toán tính theo ngày làm việc: lịch năm {year} chưa "
                         "có đủ các ngày nghỉ Tết Nguyên đán, Giỗ Tổ Hùng Vương và ngày nghỉ thứ hai dịp Quốc khánh, "
                         "nên các thời hạn qua những ngày đó sẽ sớm hơn thực tế."), year=year),
           reverse("admin:core_holiday_changelist"), action_needed=True, subject=subject)
    return bool(keepers)
