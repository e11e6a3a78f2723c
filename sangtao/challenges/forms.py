from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from sangtao.challenges.access import ownable_units
from sangtao.challenges.models import Challenge, Facet, Field, Indicator, SelectionMode, Status
from sangtao.core import formats
from sangtao.core.forms import ModelChoiceField, ModelForm, MoveReasonForm, PhoneField, UploadField
from sangtao.core.text import clean
from sangtao.orgs.models import GOVERNMENT_KINDS, OrgUnit

DATETIME_WIDGET = formats.DateTimeInput()
DATE_WIDGET = formats.DateInput()


class ChallengeForm(ModelForm):
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
            **{name: forms.Textarea(attrs={"rows": 4}) for name in (
                "problem_statement", "current_situation", "desired_outcomes", "beneficiaries", "related_services",
                "constraints", "timeline_notes")},
            "co_owner_units": forms.SelectMultiple(attrs={"size": 6}),
        }
        field_classes = {"budget_min_vnd": formats.MoneyField, "budget_max_vnd": formats.MoneyField,
                         "contact_phone": PhoneField}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        units = OrgUnit.objects.current().filter(kind__in=GOVERNMENT_KINDS)
        owners = ownable_units(user, units)
        if self.instance.pk:  # a challenge a unit ordered before it was merged away stays editable under it
            kept = OrgUnit.objects.filter(pk=self.instance.owner_unit_id)
            owners = owners | kept
            units = units | kept | self.instance.co_owner_units.all()
        self.fields["owner_unit"].queryset = owners.distinct()
        self.fields["co_owner_units"].queryset = units.distinct()
        for name in ("owner_unit", "co_owner_units"):
            self.fields[name].widget.attrs["data-searchable"] = _("Lọc đơn vị theo tên")
        if not self.instance.pk:
            own = list(owners.values_list("pk", flat=True)[:2])
            if len(own) == 1:  # an officer files for their own unit: chosen already
                self.fields["owner_unit"].initial = own[0]
        self.fields["field"].queryset = Field.objects.filter(active=True)
        self.fields["facet"].choices = Facet.choices
        self.fields["selection_mode"].choices = SelectionMode.choices
        if self.instance.pk:
            self.fields["tags_text"].initial = ", ".join(self.instance.tags)
            self.fields["expected_version"].initial = self.instance.version

    # The form's parts, in order, for the page's sections and its summary of what is filled.
    SECTIONS = [
        ("s-main", _("Nội dung chính"), ["title", "title_en", "field", "facet", "owner_unit", "co_owner_units",
                                          "summary", "summary_en"]),
        ("s-problem", _("Vấn đề cần giải quyết"), ["problem_statement", "current_situation", "desired_outcomes",
                                                   "beneficiaries", "related_services", "constraints"]),
        ("s-indicators", _("Chỉ số thành công"), []),
        ("s-budget", _("Kinh phí, thời gian, lựa chọn"), ["budget_min_vnd", "budget_max_vnd", "timeline_start",
                                                          "timeline_end", "timeline_notes", "selection_mode",
                                                          "call_opens_at", "call_closes_at"]),
        ("s-contact", _("Liên hệ và từ khóa"), ["contact_name", "contact_email", "contact_phone", "tags_text"]),
    ]

    def sections(self, formset=None) -> list[dict]:
        """Each part with its fields and how much of it is filled (bound data, or the saved values)."""
        parts = []
        for key, label, names in self.SECTIONS:
            fields = [self[name] for name in names]
            if key == "s-indicators" and formset is not None:
                fields = [f for row in formset for f in row if not f.is_hidden]
            filled = sum(1 for f in fields if _filled(f))
            missing = [f for f in fields if f.field.required and not _filled(f) and f.form is self]
            errors = any(f.errors for f in fields)
            parts.append({"id": key, "label": label, "fields": [self[name] for name in names], "filled": filled,
                          "total": len(fields), "complete": not missing and not errors and filled > 0,
                          "errors": errors})
        return parts

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


def _filled(bound_field) -> bool:
    value = bound_field.value()
    if isinstance(value, list | tuple):
        return bool(value)
    return value not in (None, "", False)


class IndicatorForm(ModelForm):
    row_name = pgettext_lazy("row", "Chỉ số")  # how the error summary names a row of its formset
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


class ReasonForm(MoveReasonForm):
    why = _("Thao tác này cần nêu lý do; lý do được lưu vào lịch sử và gửi tới đơn vị.")
    expected_status = forms.ChoiceField(choices=Status.choices, widget=forms.HiddenInput)


class CommentForm(forms.Form):
    body = forms.CharField(label=_("Nhận xét nội bộ"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)


class ClarificationForm(forms.Form):
    body = forms.CharField(label=_("Nội dung làm rõ"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)


class QuestionForm(forms.Form):
    body = forms.CharField(label=_("Câu hỏi của bạn"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)
    # Unticked by default: silence is not consent to publishing one's name.
    show_name = forms.BooleanField(
        label=_("Hiển thị tên tôi cùng câu hỏi"), required=False,
        help_text=_("Đánh dấu là bạn đồng ý cho mục đích «Công bố tên kèm câu trả lời»; có thể rút lại bất cứ lúc "
                    "nào tại trang Dữ liệu cá nhân, khi đó tên được ẩn ngay."))


class AnswerForm(forms.Form):
    # As the API takes an answer (AnswerIn): up to 8,000 characters.
    answer = forms.CharField(label=_("Trả lời"), widget=forms.Textarea(attrs={"rows": 3}), max_length=8000,
                             error_messages={"required": _("Câu trả lời không được để trống.")})


class ModerationForm(forms.Form):
    """The note a moderator may give with a question's approval or rejection (the decision itself is the
    button pressed); up to 500 characters, as the API (ModerateIn) and the stored note take it."""

    note = forms.CharField(label=_("Ghi chú"), required=False, max_length=500)


class AttachmentForm(forms.Form):
    file = UploadField(label=_("Tệp đính kèm (PDF, DOCX, XLSX, PNG, JPEG)"))


class FieldForm(ModelForm):
    class Meta:
        model = Field
        fields = ["name", "name_en", "slug", "active"]

    def clean_name(self):
        return clean(self.cleaned_data["name"])


class ListFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=200, label=_("Tìm kiếm"))
    field = ModelChoiceField(queryset=Field.objects.all(), required=False, to_field_name="slug",
                             label=_("Lĩnh vực"), empty_label=_("Tất cả lĩnh vực"))
    unit = ModelChoiceField(queryset=OrgUnit.objects.all(), required=False, label=_("Đơn vị"),
                            empty_label=_("Tất cả đơn vị"))
    status = forms.ChoiceField(required=False, label=_("Trạng thái"))
    facet = forms.ChoiceField(required=False, label=_("Loại đổi mới"),
                              choices=[("", _("Tất cả loại"))] + list(Facet.choices))
    sort = forms.ChoiceField(required=False, label=_("Sắp xếp"), choices=[
        ("", _("Phù hợp nhất")), ("closing", _("Sắp hết hạn")), ("newest", _("Mới nhất")),
    ])

    def __init__(self, *args, statuses=(), units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("Mọi trạng thái"))] + [
            (value, label) for value, label in Status.choices if value in statuses
        ]
        if units is not None:
            self.fields["unit"].queryset = units
