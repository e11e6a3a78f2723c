from django import forms
from django.utils.translation import gettext_lazy as _

from sangtao.challenges.access import ownable_units
from sangtao.challenges.models import Challenge, Facet, Field, Indicator, SelectionMode, Status
from sangtao.core import formats
from sangtao.core.text import clean
from sangtao.orgs.models import OrgUnit, UnitKind

DATETIME_WIDGET = formats.DateTimeInput()
DATE_WIDGET = formats.DateInput()
GOVERNMENT_KINDS = [UnitKind.DOST, UnitKind.DEPARTMENT, UnitKind.WARD, UnitKind.COMMUNE,
                    UnitKind.SPECIAL_ZONE, UnitKind.PROVINCE]


class ChallengeForm(forms.ModelForm):
    tags_text = forms.CharField(
        label=_("Từ khóa"), required=False, help_text=_("Cách nhau bởi dấu phẩy."),
        max_length=500,
    )
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Challenge
        fields = [
            "title", "title_en", "field", "owner_unit", "co_owner_units", "summary", "summary_en",
            "problem_statement", "current_situation", "desired_outcomes", "beneficiaries",
            "related_services", "constraints", "budget_min_vnd", "budget_max_vnd",
            "timeline_start", "timeline_end", "timeline_notes", "facet", "selection_mode",
            "call_opens_at", "call_closes_at", "contact_name", "contact_email", "contact_phone",
        ]
        widgets = {
            "call_opens_at": DATETIME_WIDGET,
            "call_closes_at": DATETIME_WIDGET,
            "timeline_start": DATE_WIDGET,
            "timeline_end": DATE_WIDGET,
            "summary": forms.Textarea(attrs={"rows": 3}),
            "summary_en": forms.Textarea(attrs={"rows": 3}),
            "co_owner_units": forms.SelectMultiple(attrs={"size": 6}),
        }
        field_classes = {"budget_min_vnd": formats.MoneyField, "budget_max_vnd": formats.MoneyField}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        units = OrgUnit.objects.current().filter(kind__in=GOVERNMENT_KINDS)
        self.fields["owner_unit"].queryset = ownable_units(user, units)
        self.fields["co_owner_units"].queryset = units
        self.fields["field"].queryset = Field.objects.filter(active=True)
        self.fields["facet"].choices = Facet.choices
        self.fields["selection_mode"].choices = SelectionMode.choices
        if self.instance.pk:
            self.fields["tags_text"].initial = ", ".join(self.instance.tags)
            self.fields["expected_version"].initial = self.instance.version

    def to_service_data(self) -> dict:
        data = {name: self.cleaned_data.get(name) for name in self.Meta.fields}
        data["co_owner_units"] = list(self.cleaned_data.get("co_owner_units") or [])
        data["tags"] = list((self.cleaned_data.get("tags_text") or "").split(","))
        return data

    def clean(self):
        cleaned = super().clean()
        opens, closes = cleaned.get("call_opens_at"), cleaned.get("call_closes_at")
        if opens and closes and closes <= opens:
            self.add_error("call_closes_at", _("Hạn nhận hồ sơ phải sau thời điểm mở nhận hồ sơ."))
        return cleaned


class IndicatorForm(forms.ModelForm):
    class Meta:
        model = Indicator
        fields = ["name", "unit_of_measure", "baseline_value", "baseline_date", "target_value",
                  "target_date", "data_source"]
        widgets = {"baseline_date": DATE_WIDGET, "target_date": DATE_WIDGET}


IndicatorFormSet = forms.formset_factory(IndicatorForm, extra=1, can_delete=True, max_num=30)


def indicator_data(formset) -> list[dict]:
    return [
        {key: value for key, value in form.cleaned_data.items() if key != "DELETE"}
        for form in formset.forms
        if form.cleaned_data and not form.cleaned_data.get("DELETE") and form.cleaned_data.get("name")
    ]


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Lý do / ghi chú"), widget=forms.Textarea(attrs={"rows": 3}),
                             required=False, max_length=4000)
    expected_status = forms.ChoiceField(choices=Status.choices, widget=forms.HiddenInput)


class CommentForm(forms.Form):
    body = forms.CharField(label=_("Nhận xét nội bộ"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)


class QuestionForm(forms.Form):
    body = forms.CharField(label=_("Câu hỏi của bạn"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Trả lời"), widget=forms.Textarea(attrs={"rows": 3}), max_length=8000)


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("Tệp đính kèm (PDF, DOCX, XLSX, PNG, JPEG)"))


class FieldForm(forms.ModelForm):
    class Meta:
        model = Field
        fields = ["name", "name_en", "slug", "active"]

    def clean_name(self):
        return clean(self.cleaned_data["name"])


class FastSelect(forms.Select):
    """Renders options inline: Django's default renders a sub-template per option, which
    dominated the list page's time."""

    template_name = "widgets/select.html"


class ListFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=200, label=_("Tìm kiếm"))
    field = forms.ModelChoiceField(queryset=Field.objects.all(), required=False, to_field_name="slug",
                                   label=_("Lĩnh vực"), empty_label=_("Tất cả lĩnh vực"), widget=FastSelect)
    unit = forms.ModelChoiceField(queryset=OrgUnit.objects.all(), required=False,
                                  label=_("Đơn vị"), empty_label=_("Tất cả đơn vị"), widget=FastSelect)
    status = forms.ChoiceField(required=False, label=_("Trạng thái"), widget=FastSelect)
    facet = forms.ChoiceField(required=False, label=_("Loại đổi mới"), widget=FastSelect,
                              choices=[("", _("Tất cả loại"))] + list(Facet.choices))
    sort = forms.ChoiceField(required=False, label=_("Sắp xếp"), widget=FastSelect, choices=[
        ("", _("Phù hợp nhất")), ("closing", _("Sắp hết hạn")), ("newest", _("Mới nhất")),
    ])

    def __init__(self, *args, statuses=(), units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("Mọi trạng thái"))] + [
            (value, label) for value, label in Status.choices if value in statuses
        ]
        if units is not None:
            self.fields["unit"].queryset = units
