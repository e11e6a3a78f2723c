import datetime

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sangtao.core import formats
from sangtao.core.text import clean

DATE_WIDGET = formats.DateInput()


class AuditFilterForm(forms.Form):
    actor = forms.CharField(label=_("Người thực hiện (tên, tên đăng nhập, email)"), required=False, max_length=150)
    object_type = forms.CharField(label=_("Loại đối tượng"), required=False, max_length=64,
                                  widget=forms.TextInput(attrs={"placeholder": "challenges.challenge"}))
    object_id = forms.CharField(label=_("Mã đối tượng"), required=False, max_length=64)
    action = forms.CharField(label=_("Hành động"), required=False, max_length=64)
    date_from = forms.DateField(label=_("Từ ngày"), required=False, widget=DATE_WIDGET)
    date_to = forms.DateField(label=_("Đến ngày"), required=False, widget=DATE_WIDGET)

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise forms.ValidationError(_("Ngày bắt đầu phải trước ngày kết thúc."))
        return data

    def cleaned_values(self) -> dict:
        """The filters as given, cleaned; empty when none are given or they are invalid."""
        if not self.is_bound or not self.is_valid():
            return {}
        return {name: clean(value) if isinstance(value, str) else value for name, value in self.cleaned_data.items()}

    def apply(self, events):
        """The audit events matching the filters; none when the filters are invalid."""
        events = self.apply_common(events)
        data = self.cleaned_values()
        for name in ("object_type", "object_id", "action"):
            if data.get(name):
                events = events.filter(**{name: data[name]})
        return events

    def apply_common(self, rows):
        """Rows with an actor and a time `at` (audit events, workflow transitions) matching the actor
        and the dates; none when the filters are invalid."""
        if not self.is_bound:
            return rows
        if not self.is_valid():
            return rows.none()
        data = self.cleaned_values()
        if data["actor"]:
            rows = rows.filter(Q(actor__username__icontains=data["actor"]) | Q(actor__email__icontains=data["actor"])
                               | Q(actor__full_name__icontains=data["actor"]))
        if data["date_from"]:
            rows = rows.filter(at__gte=_day_start(data["date_from"]))
        if data["date_to"]:
            rows = rows.filter(at__lt=_day_start(data["date_to"] + datetime.timedelta(days=1)))
        return rows


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))
