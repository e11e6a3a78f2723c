from django import forms
from django.utils.translation import gettext_lazy as _

from sangtao.challenges.models import Facet, Field
from sangtao.core.formats import DateInput
from sangtao.core.forms import DateField, ModelChoiceField, ModelForm
from sangtao.knowledge.models import (
    SECTIONS,
    AdoptionForm,
    Case,
    ProblemKind,
    ResourceKind,
    SectionRule,
    Stage,
    SubjectKind,
)
from sangtao.orgs.models import OrgUnit


class CaseForm(ModelForm):
    """The sections of a case, each in Vietnamese and (optional) English, with its word limit shown."""

    class Meta:
        model = Case
        fields = ["title", "title_en", "stage", "field", "facet", "service", "problem_kind",
                  *[name for key, _label in SECTIONS for name in (key, f"{key}_en")]]
        widgets = {name: forms.Textarea(attrs={"rows": 4}) for key, _l in SECTIONS for name in (key, f"{key}_en")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["field"].queryset = Field.objects.filter(active=True)
        self.fields["problem_kind"].queryset = ProblemKind.objects.filter(active=True)
        rules = {rule.key: rule for rule in SectionRule.objects.all()}
        for key, _label in SECTIONS:
            rule = rules.get(key)
            if rule is not None:
                limit = _("tối đa %(n)s từ") % {"n": rule.word_limit}
                guidance = rule.shown_guidance
                self.fields[key].help_text = f"{guidance} ({limit})" if guidance else limit
                self.fields[f"{key}_en"].help_text = _("Không bắt buộc; %(limit)s.") % {"limit": limit}

    def sections(self):
        """(Vietnamese field, English field) pairs, in the order of the OECD form."""
        return [(self[key], self[f"{key}_en"]) for key, _label in SECTIONS]


class DraftFromForm(forms.Form):
    source_kind = forms.ChoiceField(choices=[("challenge", "challenge"), ("annual_task", "annual_task"),
                                             ("initiative", "initiative")])
    source_id = forms.IntegerField(min_value=1)


class NewCaseForm(forms.Form):
    title = forms.CharField(label=_("Tên tình huống"), max_length=300)
    unit = ModelChoiceField(label=_("Đơn vị"), queryset=OrgUnit.objects.none())

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class NoteForm(forms.Form):
    reason = forms.CharField(label=_("Nội dung cần chỉnh sửa"), widget=forms.Textarea(attrs={"rows": 3}),
                             max_length=4000, required=False)


class CaseSearchForm(forms.Form):
    q = forms.CharField(label=_("Tìm"), required=False, max_length=200)
    field = ModelChoiceField(label=_("Lĩnh vực"), queryset=Field.objects.all(), required=False,
                                   empty_label="—")
    facet = forms.ChoiceField(label=_("Loại đổi mới (OPSI)"), choices=[("", "—"), *Facet.choices], required=False)
    stage = forms.ChoiceField(label=_("Giai đoạn"), choices=[("", "—"), *Stage.choices], required=False)


class LessonSearchForm(forms.Form):
    q = forms.CharField(label=_("Tìm"), required=False, max_length=200)
    field = ModelChoiceField(label=_("Lĩnh vực"), queryset=Field.objects.all(), required=False,
                                   empty_label="—")
    facet = forms.ChoiceField(label=_("Loại đổi mới (OPSI)"), choices=[("", "—"), *Facet.choices], required=False)
    problem_kind = ModelChoiceField(label=_("Loại vấn đề"), queryset=ProblemKind.objects.all(),
                                          required=False, empty_label="—")
    subject_kind = forms.ChoiceField(label=_("Đối tượng"), choices=[("", "—"), *SubjectKind.choices],
                                     required=False)
    service = forms.CharField(label=_("Dịch vụ công"), required=False, max_length=200)


class ReviewForm(forms.Form):
    """The four questions of an after-action review, and the lesson's tags."""

    expected = forms.CharField(label=_("Điều gì dự kiến sẽ xảy ra?"), widget=forms.Textarea(attrs={"rows": 3}),
                               max_length=8000)
    actual = forms.CharField(label=_("Điều gì thực tế đã xảy ra?"), widget=forms.Textarea(attrs={"rows": 3}),
                             max_length=8000)
    went_well = forms.CharField(label=_("Điều gì làm tốt, và vì sao?"), widget=forms.Textarea(attrs={"rows": 3}),
                                max_length=8000)
    to_change = forms.CharField(label=_("Điều gì cần thay đổi, và thay đổi thế nào?"),
                                widget=forms.Textarea(attrs={"rows": 3}), max_length=8000)
    field = ModelChoiceField(label=_("Lĩnh vực"), queryset=Field.objects.filter(active=True), required=False)
    facet = forms.ChoiceField(label=_("Loại đổi mới (OPSI)"), choices=[("", "—"), *Facet.choices], required=False)
    service = forms.CharField(label=_("Dịch vụ công liên quan"), required=False, max_length=300)
    problem_kind = ModelChoiceField(label=_("Loại vấn đề"), queryset=ProblemKind.objects.filter(active=True),
                                          required=False)


class AdoptForm(forms.Form):
    unit = ModelChoiceField(label=_("Đơn vị của bạn"), queryset=OrgUnit.objects.none())
    form = forms.ChoiceField(label=_("Hình thức áp dụng"), choices=AdoptionForm.choices)
    service = forms.CharField(label=_("Dịch vụ sẽ áp dụng"), max_length=300)
    go_live_on = DateField(label=_("Ngày dự kiến đưa vào sử dụng"), required=False, widget=DateInput())
    note = forms.CharField(label=_("Kế hoạch áp dụng"), required=False, max_length=4000,
                           widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, units=None, forms_allowed=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        if units is not None and len(units) == 1:  # the usual case: one unit, chosen already
            self.fields["unit"].initial = units[0]
            self.fields["unit"].empty_label = None
        self.fields["form"].choices = [(v, label) for v, label in AdoptionForm.choices if v in forms_allowed]


class AnswerForm(forms.Form):
    reason = forms.CharField(label=_("Trả lời"), required=False, max_length=4000,
                             widget=forms.Textarea(attrs={"rows": 2}))


class PlanForm(forms.Form):
    year = forms.IntegerField(label=_("Năm kế hoạch"), min_value=2000, max_value=2100)


class ResourceForm(forms.Form):
    title = forms.CharField(label=_("Tên tài liệu"), max_length=300)
    title_en = forms.CharField(label=_("Tên tiếng Anh"), max_length=300, required=False)
    kind = forms.ChoiceField(label=_("Loại"), choices=ResourceKind.choices)
    description = forms.CharField(label=_("Mô tả"), widget=forms.Textarea(attrs={"rows": 3}), max_length=8000)
    description_en = forms.CharField(label=_("Mô tả tiếng Anh"), widget=forms.Textarea(attrs={"rows": 3}),
                                     max_length=8000, required=False)
    field = ModelChoiceField(label=_("Lĩnh vực"), queryset=Field.objects.filter(active=True), required=False)
    unit = ModelChoiceField(label=_("Đơn vị"), queryset=OrgUnit.objects.none())
    is_public = forms.BooleanField(label=_("Công khai cho mọi người"), required=False)
    file = forms.FileField(label=_("Tệp (PDF, DOCX, XLSX, PNG, JPEG)"))

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class VersionForm(forms.Form):
    file = forms.FileField(label=_("Tệp phiên bản mới"))
    note = forms.CharField(label=_("Thay đổi so với phiên bản trước"), max_length=300, required=False)
