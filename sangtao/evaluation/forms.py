
from django import forms
from django.utils.translation import gettext_lazy as _

from sangtao.core.formats import DecimalField
from sangtao.core.forms import DateField
from sangtao.evaluation.services import EVIDENCE_LINK, SOURCE_LENGTH, URL_LENGTH

NOT_A_NUMBER = _("Giá trị phải là số.")


class WebAddressField(forms.URLField):
    """A link a page shows as a link: http or https only (never javascript:, data: or ftp:), as the
    service checks it."""

    default_validators = [EVIDENCE_LINK]


class MeasurementForm(forms.Form):
    """A KPI measurement typed on a challenge's page, with the bounds the API's MeasurementIn takes: a
    number of the column's 18 digits, 4 after the point; a date from 1900 to 9998 (DD/MM/YYYY as typed,
    or ISO); a source of up to 300 characters; an optional http(s) link of up to 200."""

    # Too many digits before the point is as the service says it (1e30); too many after it, Django's message.
    value = DecimalField(label=_("Giá trị"), max_digits=18, decimal_places=4, error_messages={
        "required": NOT_A_NUMBER, "invalid": NOT_A_NUMBER, "max_digits": NOT_A_NUMBER, "max_whole_digits": NOT_A_NUMBER})
    measured_on = DateField(label=_("Ngày đo"), error_messages={"required": _("Ngày đo không hợp lệ."),
                                                                "invalid": _("Ngày đo không hợp lệ.")})
    source = forms.CharField(label=_("Nguồn số liệu"), max_length=SOURCE_LENGTH,
                             error_messages={"required": _("Nêu nguồn số liệu.")})
    evidence_url = WebAddressField(label=_("Đường dẫn minh chứng"), required=False, max_length=URL_LENGTH,
                                   assume_scheme="https")
