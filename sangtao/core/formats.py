"""Vietnamese administrative formats (Decree 30/2020): long dates and numbers; every date format
written in Python lives here (templates use the named formats of sangtao/formats/)."""

import datetime
from decimal import Decimal

from django.utils import timezone
from django.utils.formats import date_format, get_format

# The values <input type="date"> and <input type="datetime-local"> read and write, in any language.
HTML_DATE = "%Y-%m-%d"
HTML_DATETIME = "%Y-%m-%dT%H:%M"


def long_date(value: datetime.date) -> str:
    """'ngày 05 tháng 3 năm 2020': days below 10 and months 1 and 2 are zero-padded."""
    month = f"{value.month:02d}" if value.month < 3 else str(value.month)
    return f"ngày {value.day:02d} tháng {month} năm {value.year}"


def short_date(value: datetime.date) -> str:
    """05/03/2020 in Vietnamese, 2020-03-05 in English."""
    return date_format(value, "SHORT_DATE_FORMAT")


def short_datetime(value: datetime.datetime | None) -> str:
    """14:05 05/03/2020 in local time; nothing for no time, as the template filter shows."""
    return "" if value is None else date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")


def to_the_second(value: datetime.datetime) -> str:
    """14:05:09 05/03/2020 in local time: receipts and deadlines are read to the second."""
    return date_format(timezone.localtime(value), f"H:i:s {get_format('SHORT_DATE_FORMAT')}")


def day_month(value: datetime.date) -> str:
    """05/03: a date whose year is plain from where it is shown (a timeline's label)."""
    return date_format(value, "MONTH_DAY_FORMAT")


def file_stamp(value: datetime.datetime) -> str:
    """20200305140509: sorts as time does, in a stored file's name."""
    return value.strftime("%Y%m%d%H%M%S")


def number(value, decimals: int = 0) -> str:
    """1.234,5: dot for thousands, comma for decimals."""
    if value is None:
        return ""
    text = f"{Decimal(value):,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def vnd(value) -> str:
    return "" if value is None else f"{number(value)} đ"
