"""Formats the platform writes itself (core/formats.py)."""

import datetime

from sangtao.core.formats import file_stamp


def test_a_files_time_stamp_is_the_citys_clock():
    assert file_stamp(datetime.datetime(2026, 11, 30, 14, 24, 32, tzinfo=datetime.UTC)) == "20261130212432"
