"""Vietnamese administrative formats (Decree 30/2020): long dates and numbers."""

import datetime
from decimal import Decimal


def long_date(value: datetime.date) -> str:
    """'ngày 05 tháng 3 năm 2020': days below 10 and months 1 and 2 are zero-padded."""
    month = f"{value.month:02d}" if value.month < 3 else str(value.month)
    return f"ngày {value.day:02d} tháng {month} năm {value.year}"


def number(value, decimals: int = 0) -> str:
    """1.234,5: dot for thousands, comma for decimals."""
    if value is None:
        return ""
    text = f"{Decimal(value):,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def vnd(value) -> str:
    return "" if value is None else f"{number(value)} đ"
