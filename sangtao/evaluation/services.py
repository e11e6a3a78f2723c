"""Recording KPI measurements: by form, CSV import or the API; every one audited."""

import csv
import datetime
import io
import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from sangtao.challenges.models import Challenge, Indicator
from sangtao.core import formats
from sangtao.core.audit import record
from sangtao.core.errors import InvalidInput, NotAllowed
from sangtao.core.forms import DAYS_MESSAGE, FIRST_DAY, LAST_DAY
from sangtao.core.text import clean
from sangtao.evaluation.models import Measurement

# The columns of Measurement: value DecimalField(max_digits=18, decimal_places=4), source, evidence_url.
LARGEST_VALUE = Decimal(10) ** 14
# A value in a file with one separator before exactly three digits reads two ways (2.125: 2125 or 2.125).
AMBIGUOUS_VALUE = re.compile(r"[+-]?[1-9]\d{0,2}[.,]\d{3}")
SOURCE_LENGTH = 300
URL_LENGTH = 200
EVIDENCE_LINK = URLValidator(schemes=["http", "https"])
IMPORT_COLUMNS = ("indicator", "date", "value", "source")

def record_measurement(indicator: Indicator, actor, value, measured_on: datetime.date, source: str,
                       evidence_url: str = "") -> Measurement:
    if not actor.has_perm("evaluation.measure", indicator.challenge):
        raise NotAllowed()
    source = clean(source or "")
    if not source:
        raise InvalidInput(_("Nêu nguồn số liệu."), field="source")
    if len(source) > SOURCE_LENGTH:
        raise InvalidInput(_("Nguồn số liệu dài quá: tối đa %(n)s ký tự.") % {"n": SOURCE_LENGTH}, field="source")
    try:
        value = Decimal(str(value).replace(",", "."))
    except InvalidOperation:
        raise InvalidInput(_("Giá trị phải là số."), field="value") from None
    if not value.is_finite() or abs(value) >= LARGEST_VALUE:
        raise InvalidInput(_("Giá trị phải là số."), field="value")
    if not FIRST_DAY <= measured_on <= LAST_DAY:  # as every form and the API take a day (a CSV row too)
        raise InvalidInput(DAYS_MESSAGE, field="measured_on")
    evidence_url = clean(evidence_url or "")
    if len(evidence_url) > URL_LENGTH:
        raise InvalidInput(_("Đường dẫn minh chứng quá dài."), field="evidence_url")
    if evidence_url:
        try:  # the outcome page links it: a javascript: or data: address would run in readers' browsers
            EVIDENCE_LINK(evidence_url)
        except ValidationError:
            raise InvalidInput(URLValidator.message, field="evidence_url") from None
    try:
        with transaction.atomic():
            measurement = Measurement.objects.create(indicator=indicator, value=value, measured_on=measured_on,
                                                     source=source, evidence_url=evidence_url,
                                                     recorded_by=actor)
            record(actor, "measurement_recorded", indicator.challenge, indicator=indicator.pk, value=str(value),
                   on=measured_on.isoformat())
    except IntegrityError:
        raise InvalidInput(_("Đã có số đo của chỉ số này vào ngày này từ nguồn này."), field="measured_on") from None
    return measurement


def import_measurements(challenge: Challenge, actor, content: bytes) -> int:
    """CSV columns: indicator (name), date (YYYY-MM-DD or DD/MM/YYYY), value, source. All rows or none."""
    if not actor.has_perm("evaluation.measure", challenge):
        raise NotAllowed()
    indicators = {clean(i.name).lower(): i for i in challenge.indicators.all()}
    try:
        reader = csv.DictReader(io.StringIO(content.decode("utf-8-sig")))
        rows = list(reader)
    except UnicodeDecodeError:
        raise InvalidInput(_("Tệp CSV phải được mã hoá UTF-8."), field="file") from None
    except csv.Error as error:
        raise InvalidInput(_("Tệp CSV hỏng: %(error)s.") % {"error": error}, field="file") from None
    # A file that is not this CSV (a spreadsheet, a damaged archive) would otherwise be "0 imported".
    missing = [column for column in IMPORT_COLUMNS if column not in (reader.fieldnames or [])]
    if missing:
        raise InvalidInput(_("Tệp thiếu cột: %(missing)s. Dòng đầu phải là: %(columns)s.")
                           % {"missing": ", ".join(missing), "columns": ",".join(IMPORT_COLUMNS)}, field="file")
    if not rows:
        raise InvalidInput(_("Tệp không có dòng số đo nào."), field="file")
    problems, parsed, ambiguous = [], [], []
    for number, row in enumerate(rows, start=2):
        indicator = indicators.get(clean(row.get("indicator") or "").lower())
        day = formats.parse_date(clean(row.get("date") or ""))  # ISO, or dd/mm/yyyy as the page takes it
        raw = clean(row.get("value") or "")
        if AMBIGUOUS_VALUE.fullmatch(raw):  # 2.125: two thousand or two? A file is not read by the page's habit
            ambiguous.append(str(number))
            continue
        try:
            value = Decimal(formats.as_decimal_text(raw))  # 1.234,5 or 1234.5 or 1234,5
        except InvalidOperation:
            indicator = None
        if indicator is None or day is None or not clean(row.get("source") or ""):
            problems.append(str(number))
            continue
        parsed.append((indicator, value, day, row["source"]))
    if ambiguous:
        raise InvalidInput(_("Dòng %(rows)s: giá trị như 2.125 (một dấu chấm hoặc phẩy trước đúng 3 chữ số) có thể là "
                             "hai nghìn hay hai phẩy; hãy ghi 2125 hoặc 2,1250. Không dòng nào được nhập.")
                           % {"rows": ", ".join(ambiguous)}, field="file")
    if problems:
        raise InvalidInput(_("Dòng lỗi (chỉ số, ngày, giá trị hoặc nguồn): %(rows)s. Không dòng nào được nhập.")
                           % {"rows": ", ".join(problems)}, field="file")
    with transaction.atomic():
        for indicator, value, day, source in parsed:
            record_measurement(indicator, actor, value, day, source)
    return len(parsed)
