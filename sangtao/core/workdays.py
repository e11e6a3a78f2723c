"""Working days: Monday to Friday, less the holidays DoST keeps (core.models.Holiday)."""

import datetime

from sangtao.core.models import Holiday

SATURDAY = 5


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    """The last day of a period of `days` working days that starts the day after `start`: what "within 7
    working days" of something that arrived on `start` means. One query, unless holidays run past a
    span of three times the days and a month."""
    day, left = start, days
    holidays: set[datetime.date] = set()
    known_until = start
    while left > 0:
        day += datetime.timedelta(days=1)
        if day > known_until:
            known_until = day + datetime.timedelta(days=3 * left + 31)
            holidays |= set(Holiday.objects.filter(day__gte=day, day__lte=known_until).values_list("day", flat=True))
        if day.weekday() < SATURDAY and day not in holidays:
            left -= 1
    return day
