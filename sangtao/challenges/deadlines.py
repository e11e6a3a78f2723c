"""The national deadlines of the task procedure (BRIEF §2): DoST appraises a challenge within 7 working
days of receiving it, and publishes it within 15 of approving it. Counted from the day the challenge
reached the step (its latest arrival, after a return), by the rules DoST keeps (ChallengeRules)."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sangtao.challenges.models import ChallengeRules, Status
from sangtao.core.workdays import add_working_days

STEPS = {Status.DOST_REVIEW: (_("Hạn thẩm định"), "review_working_days"),
         Status.APPROVED: (_("Hạn công bố"), "publish_working_days")}


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


def deadline(status: str, arrived: datetime.datetime | None, rules: ChallengeRules | None = None) -> Deadline | None:
    """The deadline of the step a challenge in `status` has waited at since `arrived`; None for a status
    with no national deadline."""
    if status not in STEPS or arrived is None:
        return None
    label, field = STEPS[Status(status)]
    days = getattr(rules or current_rules(), field)
    since = timezone.localdate(arrived)
    return Deadline(label, since, days, add_working_days(since, days))
