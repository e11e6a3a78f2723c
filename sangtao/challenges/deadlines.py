"""The national deadlines of the task procedure (BRIEF §2): DoST appraises a challenge within 7 working
days of receiving it, and publishes it within 15 of approving it. Counted from the day the challenge
reached the step (its latest arrival, after a return), by the rules DoST keeps (ChallengeRules)."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from sangtao.challenges.models import Challenge, ChallengeRules, DeadlineNotice, Status, Transition
from sangtao.core import formats
from sangtao.core.tasks import periodic
from sangtao.core.workdays import add_working_days, holidays_between, reach
from sangtao.notifications.services import notify
from sangtao.orgs.roles import dost_coordinators

STEPS = {Status.DOST_REVIEW: (_("Hạn thẩm định"), "review_working_days"),
         Status.APPROVED: (_("Hạn công bố"), "publish_working_days")}
PASSED = {Status.DOST_REVIEW: _("Quá hạn thẩm định: «{title}»"), Status.APPROVED: _("Quá hạn công bố: «{title}»")}


@dataclass(frozen=True)
class Deadline:
    label: Any
    since: datetime.date
    days: int
    due: datetime.date

    @property
    def overdue(self) -> bool:
        return timezone.localdate() > self.due


def current_rules() -> ChallengeRules:
    return ChallengeRules.objects.filter(is_default=True).first() or ChallengeRules()


def deadline(status: str, arrived: datetime.datetime | None, rules: ChallengeRules | None = None,
             holidays: set[datetime.date] | None = None) -> Deadline | None:
    """The deadline of the step a challenge in `status` has waited at since `arrived`; None for a status
    with no national deadline. `holidays` as core.workdays.add_working_days takes them."""
    if status not in STEPS or arrived is None:
        return None
    label, field = STEPS[Status(status)]
    days = getattr(rules or current_rules(), field)
    since = timezone.localdate(arrived)
    return Deadline(label, since, days, add_working_days(since, days, holidays))


def attach_deadlines(challenges) -> None:
    """Set `.deadline` on each of a page of challenges annotated with `arrived` (arrival()): two queries,
    however many there are."""
    waiting = [c for c in challenges if c.status in STEPS and c.arrived is not None]
    for challenge in challenges:
        challenge.deadline = None
    if not waiting:
        return
    rules = current_rules()
    days = max(rules.review_working_days, rules.publish_working_days)
    since = [timezone.localdate(c.arrived) for c in waiting]
    holidays = holidays_between(min(since), max(since) + reach(days))
    for challenge in waiting:
        challenge.deadline = deadline(challenge.status, challenge.arrived, rules, holidays)


def arrival() -> Subquery:
    """When each challenge last reached its current status (a return and a new submission start again)."""
    return Subquery(Transition.objects.filter(challenge=OuterRef("pk"), to_status=OuterRef("status"))
                    .order_by("-at", "-id").values("at")[:1])


@periodic(every=3600)
def tell_dost_of_passed_deadlines() -> int:
    """Tell DoST's coordinators, once per arrival at the step, of each challenge whose appraisal or
    publication deadline has passed."""
    waiting = Challenge.objects.filter(status__in=list(STEPS)).annotate(arrived=arrival())
    if not waiting:
        return 0
    rules, told = current_rules(), 0
    for challenge in waiting:
        passed = deadline(challenge.status, challenge.arrived, rules)
        if passed is None or not passed.overdue:
            continue
        with transaction.atomic():
            _notice, created = DeadlineNotice.objects.get_or_create(
                challenge=challenge, step=challenge.status, arrived_at=challenge.arrived)
            if not created:
                continue
            notify(dost_coordinators(), format_lazy(PASSED[Status(challenge.status)], title=challenge.title),
                   format_lazy(_("Hạn: {due}"), due=formats.short_date(passed.due)), challenge.get_absolute_url())
            told += 1
    return told
