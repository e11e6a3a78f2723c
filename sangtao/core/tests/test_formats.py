"""Formats the platform writes itself (core/formats.py)."""

import datetime

from sangtao.core.formats import file_stamp


def test_a_files_time_stamp_is_the_citys_clock():
    assert file_stamp(datetime.datetime(2026, 11, 30, 14, 24, 32, tzinfo=datetime.UTC)) == "20261130212432"


def test_numbers_are_rounded_half_up_as_people_round_and_a_float_as_it_prints():
    from decimal import Decimal

    from django.utils import translation

    from sangtao.core.charts import percent
    from sangtao.core.formats import number

    with translation.override("vi"):
        assert (percent(0.625), percent(9 / 16, 1), number(0.285, 2)) == ("63%", "56,3%", "0,29")
        assert (number(Decimal("2.5")), number(Decimal("-2.5")), number(1234.5, 1)) == ("3", "-3", "1.234,5")
    with translation.override("en"):
        assert number(Decimal("1234.565"), 2) == "1,234.57"


def test_an_amount_in_millions_keeps_the_thousands_and_drops_the_zero_decimals():
    from django.utils import translation

    from sangtao.core.formats import millions

    amounts = (2_050_000_000, 150_500_000, 80_000, 1_234_567, 0, None)
    with translation.override("vi"):
        assert [millions(a) for a in amounts] == ["2.050", "150,5", "0,08", "1,235", "0", ""]
    with translation.override("en"):
        assert [millions(a) for a in amounts] == ["2,050", "150.5", "0.08", "1.235", "0", ""]


def test_a_plain_number_drops_the_zero_decimals_in_either_language():
    from decimal import Decimal

    from django.utils import translation

    from sangtao.core.formats import plain_number

    with translation.override("vi"):
        assert [plain_number(Decimal(v)) for v in ("70.00", "70.50", "12.5", "1000")] == ["70", "70,5", "12,5", "1.000"]
    with translation.override("en"):
        assert [plain_number(Decimal(v)) for v in ("70.00", "70.50", "1000")] == ["70", "70.5", "1,000"]


def test_a_huge_or_tiny_negative_number_is_written_whole_and_never_as_minus_zero():
    from decimal import Decimal

    from django.utils import translation

    from sangtao.core.formats import number, plain_number

    with translation.override("vi"):
        assert number(10**30) == "1" + ".000" * 10 and number(Decimal("1e26"), 2).endswith(".000,00")
        assert (plain_number(-0.001), number(-0.4)) == ("0", "0")
