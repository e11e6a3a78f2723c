"""Working days: Monday to Friday, less the days off and plus the weekend days worked that DoST keeps
(core.models.Holiday)."""

import datetime

from sangtao.core.models import SATURDAY, Holiday

Calendar = dict[datetime.date, bool]  # a day that breaks the week: whether it is worked


def reach(days: int) -> datetime.timedelta:
    """How far past its start a period of `days` working days may end: three times the days and a month
    covers weekends and any year's holidays (Tết's week included)."""
    return datetime.timedelta(days=3 * days + 31)


def calendar_between(first: datetime.date, last: datetime.date) -> Calendar:
    return dict(Holiday.objects.filter(day__gte=first, day__lte=last).values_list("day", "worked"))


def is_working_day(day: datetime.date, calendar: Calendar) -> bool:
    return calendar.get(day, day.weekday() < SATURDAY)


def add_working_days(start: datetime.date, days: int, calendar: Calendar | None = None) -> datetime.date:
    """The last day of a period of `days` working days that starts the day after `start`: what "within 7
    working days" of something received on `start` means. Give `calendar` (calendar_between, from start
    to start + reach(days) at least) to count many periods with one query; else one is asked."""
    day, left = start, days
    known_until = start + reach(days) if calendar is not None else start
    calendar = {} if calendar is None else calendar
    while left > 0:
        day += datetime.timedelta(days=1)
        if day > known_until:  # breaks past the usual reach: read on
            known_until = day + reach(left)
            calendar = calendar | calendar_between(day, known_until)
        if is_working_day(day, calendar):
            left -= 1
    return day


def received_on(day: datetime.date, calendar: Calendar) -> datetime.date:
    """The working day something that arrived on `day` counts as received: that day, or the next working
    day when it arrived on a day off (as the one-stop offices count a file left on a weekend). `calendar`
    covers the days off that may follow `day`."""
    while not is_working_day(day, calendar):
        day += datetime.timedelta(days=1)
    return day


# The public holidays fixed by the calendar (Labour Code 2019, art. 112): each year's are entered by the
# job that asks DoST for the ones announced each year (challenges/deadlines.py), as the seed did for 2026-27.
FIXED_HOLIDAYS = ((1, 1, "Tết Dương lịch"), (4, 30, "Ngày Chiến thắng"), (5, 1, "Ngày Quốc tế Lao động"),
                  (9, 2, "Quốc khánh"))


def fixed_holidays_missing(year: int) -> list[Holiday]:
    """The fixed holidays of `year` the calendar lacks, and the working day off after each that falls on a
    Saturday or Sunday (art. 112(3)), as unsaved rows; the days already entered are left as DoST keeps them."""
    entered = set(Holiday.objects.filter(day__year=year).values_list("day", flat=True))
    fixed = [(datetime.date(year, month, day), name) for month, day, name in FIXED_HOLIDAYS]
    taken = entered | {day for day, _name in fixed}
    missing = [Holiday(day=day, name=name) for day, name in fixed if day not in entered]
    for day, name in fixed:
        if day.weekday() < SATURDAY or day in entered:
            continue
        off = day
        while off.weekday() >= SATURDAY or off in taken:
            off += datetime.timedelta(days=1)
        missing.append(Holiday(day=off, name=f"Nghỉ bù {name}"))
        taken.add(off)
    return missing
