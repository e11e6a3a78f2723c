"""What the API accepts: the base of every input schema, and number types bounded by the columns
they are stored in, so that no value a client sends can overflow a column or a driver (a 422 with
the field named, never a 500).
"""

import datetime
from decimal import Decimal
from typing import Annotated, Any

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import field_validator

from sangtao.core.text import nfc, storable

BIGINT_MAX = 2**63 - 1  # BigIntegerField, and every id (BigAutoField)
INT_MAX = 2**31 - 1  # IntegerField, PositiveIntegerField
FIRST_YEAR, LAST_YEAR = 1900, 9998  # of any date or time the API takes (the audit log's day filter's too)

Id = Annotated[int, Field(ge=1, le=BIGINT_MAX)]
Money = Annotated[int, Field(ge=0, le=BIGINT_MAX)]  # VND amounts, BigIntegerField
Count = Annotated[int, Field(ge=0, le=INT_MAX)]  # versions, revisions
Page = Annotated[int, Field(ge=1, le=INT_MAX)]
TEXT_MAX = 4000  # characters of a free text (a reason, a comment, an answer), on the pages as in the API
SEARCH_MAX = 200  # characters of a list's search text (q)
Search = Annotated[str, Field(max_length=SEARCH_MAX)]
Quantity = Annotated[Decimal, Field(max_digits=18, decimal_places=4)]  # indicator values, measurements
Points = Annotated[Decimal, Field(ge=0, max_digits=6, decimal_places=2)]  # a criterion's score


def _storable(value: Any) -> bool:
    """Text every database stores: no NUL character, no lone surrogate (from a JSON \\ud800)."""
    if isinstance(value, str):
        return storable(value)
    if isinstance(value, dict):
        return all(_storable(key) and _storable(item) for key, item in value.items())
    if isinstance(value, (list, tuple)):
        return all(_storable(item) for item in value)
    return True


def _in_nfc(value: Any) -> Any:
    """Text in NFC, walked as _storable walks it (lists, and dicts' keys and values)."""
    if isinstance(value, str):
        return nfc(value)
    if isinstance(value, dict):
        return {_in_nfc(key): _in_nfc(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_in_nfc(item) for item in value]
    return value


class Input(Schema):
    """The base of every schema the API reads (bodies and query parameters)."""

    @field_validator("*", mode="before")
    @classmethod
    def _text_in_nfc(cls, value: Any) -> Any:
        """Text in NFC before its length is checked: as it is stored, so that a decomposed "ộ" (three code
        points) counts as the one character it is."""
        return _in_nfc(value)

    @field_validator("*", mode="after")
    @classmethod
    def _text_is_storable(cls, value: Any) -> Any:
        if not _storable(value):
            raise ValueError(_("Văn bản có ký tự NUL hoặc mã ký tự không hợp lệ."))
        return value

    @field_validator("*", mode="after")
    @classmethod
    def _time_is_the_citys(cls, value: Any) -> Any:
        """A date or time within the years a programme can mean (a year 1 time read in UTC+7 falls
        before the calendar's start when stored), and a time without an offset read on the city's clock,
        as the forms read it (compared with one that has an offset, it raised a TypeError)."""
        if isinstance(value, datetime.date) and not FIRST_YEAR <= value.year <= LAST_YEAR:
            raise ValueError(_("Cần một ngày từ năm %(first)s đến năm %(last)s.") % {"first": FIRST_YEAR, "last": LAST_YEAR})
        if isinstance(value, datetime.datetime) and timezone.is_naive(value):
            return timezone.make_aware(value)
        return value
