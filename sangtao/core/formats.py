"""Vietnamese administrative formats (Decree 30/2020): long dates and numbers; every date format
written in Python lives here (templates use the named formats of sangtao/formats/)."""

import datetime
import re
from decimal import ROUND_HALF_UP, Decimal, localcontext

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format, get_format
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

# The values <input type="date"> and <input type="datetime-local"> read and write, in any language.
HTML_DATE = "%Y-%m-%d"
HTML_DATETIME = "%Y-%m-%dT%H:%M"
# What a person types and reads in a date field, in both languages, whatever the browser's locale
# (a text input: <input type="date"> shows mm/dd/yyyy to a browser set to American English).
INPUT_DATE = "%d/%m/%Y"
INPUT_DATETIME = "%d/%m/%Y %H:%M"


def long_date(value: datetime.date) -> str:
    """'ngày 05 tháng 3 năm 2020': days below 10 and months 1 and 2 are zero-padded."""
    month = f"{value.month:02d}" if value.month < 3 else str(value.month)
    return f"ngày {value.day:02d} tháng {month} năm {value.year}"


def short_date(value: datetime.date) -> str:
    """05/03/2020, in both languages (as typed in date fields)."""
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
    """20200305140509: sorts as time does, in a stored file's name; the city's clock (a file made at
    21:24 in Hồ Chí Minh City is not named 1424)."""
    return timezone.localtime(value).strftime("%Y%m%d%H%M%S")


def _english() -> bool:
    return (get_language() or "vi").startswith("en")


def number(value, decimals: int = 0) -> str:
    """1.234,5 in Vietnamese (dot for thousands, comma for decimals); 1,234.5 in English. Rounded half up,
    as people round (62,5 % shows 63 %, not the banker's 62 %); a float as it prints (0.285 is 0,29)."""
    if value is None or value == "":
        return ""
    exact = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    if exact.is_finite():
        with localcontext(prec=max(28, exact.adjusted() + decimals + 2)):  # room for every digit of a huge value
            exact = exact.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP) + 0  # + 0: no "-0"
    text = f"{exact:,.{decimals}f}"
    if _english():
        return text
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def plain_number(value, decimals: int = 2) -> str:
    """A number with at most `decimals` decimals and none that are zero: 70 for 70.00, 12,5 for 12.50 (a
    threshold, a KPI value, a criterion's points, written in a document as people write them)."""
    text = number(value, decimals)
    point = "." if _english() else ","
    if point in text:
        text = text.rstrip("0").rstrip(point)
    return text


def as_typed(value: Decimal) -> str:
    """A number as a box to type in shows it: the page's decimal separator, no grouping, no trailing zeros
    (30.5000 stored as 30,5 in Vietnamese, 30.5 in English), so that it reads back as it was typed."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text if _english() else text.replace(".", ",")


def vnd(value) -> str:
    """1.500.000.000 đ in Vietnamese; VND 1,500,000,000 in English."""
    if value is None or value == "":
        return ""
    return f"VND {number(value)}" if _english() else f"{number(value)} đ"


def millions(value) -> str:
    """An amount in millions of đồng, as a summary table headed "triệu đồng" gives it: 2.050 for
    2,050,000,000, 150,5 for 150,500,000, 0,08 for 80,000 (to the thousand đồng, no zero decimals)."""
    if value is None or value == "":
        return ""
    return plain_number(Decimal(value) / 1_000_000, 3)


def vnd_range(low, high) -> str:
    """800.000.000 – 2.500.000.000 đ in Vietnamese; VND 800,000,000 – 2,500,000,000 in English; one end
    alone as the amount it is."""
    if low in (None, "") or high in (None, ""):
        return vnd(high if low in (None, "") else low)
    return f"VND {number(low)} – {number(high)}" if _english() else f"{number(low)} – {number(high)} đ"


BIGINT_MAX = 2**63 - 1  # as core.api_input: an amount fits the database's BIGINT
GROUPED = re.compile(r"^\d{1,3}([.,\u00a0 ]\d{3})+$")


def parse_money(text: str) -> int | None:
    """A whole amount of đồng as people type it: 1500000, 1.500.000, 1,500,000, '1 500 000 đ', VND 1,500."""
    text = (text or "").strip().replace("đ", "").replace("VND", "").replace("VNĐ", "").strip()
    if not text:
        return None
    sign = -1 if text[0] in "-\u2212" else 1  # a minus is read, for the field's bounds to refuse it by name
    text = text.lstrip("-\u2212").strip()
    if GROUPED.match(text):
        text = re.sub(r"[.,\u00a0 ]", "", text)
    if not text.isdigit():
        raise ValidationError(_("Nhập số tiền bằng chữ số, ví dụ 1.500.000."), code="invalid")
    return sign * int(text)


class DateInput(forms.DateInput):
    """A date typed as DD/MM/YYYY (a text box with its format shown), in any language and browser."""

    input_type = "text"

    def __init__(self, attrs=None):
        base = {"inputmode": "numeric", "placeholder": _("dd/mm/yyyy"), "autocomplete": "off",
                "class": "date", "size": 10}
        super().__init__(attrs={**base, **(attrs or {})}, format=INPUT_DATE)


class DateTimeInput(forms.DateTimeInput):
    """A moment typed as DD/MM/YYYY HH:MM (24-hour), in any language and browser."""

    input_type = "text"

    def __init__(self, attrs=None):
        base = {"placeholder": _("dd/mm/yyyy hh:mm"), "autocomplete": "off", "class": "datetime", "size": 16}
        super().__init__(attrs={**base, **(attrs or {})}, format=INPUT_DATETIME)


class MoneyInput(forms.TextInput):
    """An amount of đồng shown with the language's thousands separators; guide.js regroups it as typed."""

    def __init__(self, attrs=None):
        super().__init__(attrs={"inputmode": "numeric", "class": "money", "data-money": "", **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, int | Decimal) or (isinstance(value, str) and value.isdigit()):
            return number(value)
        return super().format_value(value)


NEGATIVE_AMOUNT = _("Số tiền không được âm.")


class MoneyField(forms.IntegerField):
    """A whole amount of đồng, typed with or without thousands separators (parse_money)."""

    widget = MoneyInput

    def __init__(self, *, min_value=0, max_value=BIGINT_MAX, **kwargs):
        kwargs.pop("localize", None)
        super().__init__(min_value=min_value, max_value=max_value, **kwargs)
        if min_value == 0:  # a form's own message for the bound stands
            self.error_messages.setdefault("min_value", NEGATIVE_AMOUNT)

    def widget_attrs(self, widget):
        return {}  # no min/max/step: it is a text box, grouped as people read amounts

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, int):
            return value
        return parse_money(str(value))


def as_decimal_text(text: str) -> str:
    """A typed number in Python's notation, read as the page's language writes numbers; a text with
    separators that follow no reading comes back as it is, for the field to refuse. One separator followed
    by exactly three digits is read as the page's language reads it (2.125 is 2125 on a Vietnamese page,
    2,125 on an English one); after a leading 0 it can only be decimals (0.500 is a half on either)."""
    text = text.strip().replace(" ", "")
    thousands, point = get_format("THOUSAND_SEPARATOR"), get_format("DECIMAL_SEPARATOR")
    grouped = re.fullmatch(rf"[+-]?[1-9]\d{{0,2}}(?:{re.escape(thousands)}\d{{3}})+(?:{re.escape(point)}\d+)?", text)
    if grouped:
        return text.replace(thousands, "").replace(point, ".")
    if text.count(",") + text.count(".") == 1:
        return text.replace(",", ".")
    return text


class DecimalInput(forms.TextInput):
    """A text box for a number with decimals, shown with the page's decimal separator (30,5 in
    Vietnamese, 30.5 in English). Not a number box: under an English browser locale Chromium reads
    "30,5" typed in one as 305, and the server never sees the comma."""

    input_type = "text"

    def __init__(self, attrs=None):
        super().__init__(attrs={"inputmode": "decimal", "autocomplete": "off", **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, Decimal):
            return as_typed(value)
        return super().format_value(value)


class DecimalField(forms.DecimalField):
    """A number with decimals as people type it, in a DecimalInput: written as the page's language
    writes numbers (Vietnamese 12.000 and 1.234,5; English 12,000 and 1,234.5), or with one comma or
    one point before the decimals (30,5 or 30.5 on either page). Anything else is refused."""

    widget = DecimalInput
    default_error_messages = {"invalid": _("Nhập một số, ví dụ 30,5 hoặc 12.000.")}

    def to_python(self, value):
        if isinstance(value, str):
            value = as_decimal_text(value)
        return super().to_python(value)

    def widget_attrs(self, widget):
        # Django's step and min/max attributes are for a number box: a text box takes no step.
        return {key: value for key, value in super().widget_attrs(widget).items() if key not in ("step", "min", "max")}


ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def as_shown(value) -> str:
    """A value kept as text (JSON) shown to a person: an ISO date becomes DD/MM/YYYY, the rest as is."""
    if isinstance(value, datetime.date):
        return short_date(value)
    if isinstance(value, str) and ISO_DAY.match(value):
        try:
            return short_date(datetime.date.fromisoformat(value))
        except ValueError:
            return value
    return "" if value is None else str(value)


def parse_date(text) -> datetime.date | None:
    """A date as typed in a date field (DD/MM/YYYY, or ISO as a script sends it); None if it is not one."""
    try:
        from sangtao.core.forms import DateField  # core.forms builds on this module

        return DateField().clean(text)
    except ValidationError:
        return None
