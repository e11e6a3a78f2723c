"""Working days: Monday to Friday, less the holidays DoST keeps (core.models.Holiday)."""

import datetime

from sangtao.core.models import Holiday

SATURDAY = 5


def reach(days: int) -> datetime.timedelta:
    """How far past its start a period of `days` working days may end: three times the days and a month
    covers weekends and any year's holidays (Tết's week included)."""
    return datetime.timedelta(days=3 * days + 31)


def holidays_between(first: datetime.date, last: datetime.date) -> set[datetime.date]:
    return set(Holiday.objects.filter(day__gte=first, day__lte=last).values_list("day", flat=True))


def add_working_days(start: datetime.date, days: int, holidays: set[datetime.date] | None = None) -> datetime.date:
    """The last day of a period of `days` working days that starts the day after `start`: what "within 7
    working days" of something that arrived on `start` means. Give `holidays` (holidays_between, from
    start to start + reach(days) at least) to count many periods with one query; else one is asked."""
    day, left = start, days
    known_until = start + reach(days) if holidays is not None else start
    holidays = set() if holidays is None else holidays
    while left > 0:
        day += datetime.timedelta(days=1)
        if day > known_until:  # holidays past the usual reach: read on
            known_until = day + reach(left)
            holidays = holidays | holidays_between(day, known_until)
        if day.weekday() < SATURDAY and day not in holidays:
            left -= 1
    return day
