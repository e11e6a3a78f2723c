from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from sangtao.core import formats
from sangtao.core.forms import DateField, ModelChoiceField, UploadField
from sangtao.orgs.models import OrgUnit

DATE_WIDGET = formats.DateInput()


class ProposalForm(forms.Form):
    organisation = ModelChoiceField(queryset=OrgUnit.objects.none(), label=_("Tổ chức đăng ký"),
                                          required=False)
    title = forms.CharField(label=_("Tên giải pháp"), max_length=300)
    summary = forms.CharField(label=_("Tóm tắt"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    approach = forms.CharField(label=_("Cách tiếp cận, giải pháp kỹ thuật"), widget=forms.Textarea(attrs={"rows": 6}),
                               required=False)
    experience = forms.CharField(label=_("Năng lực và kinh nghiệm"), widget=forms.Textarea(attrs={"rows": 4}),
                                 required=False)
    risks = forms.CharField(label=_("Rủi ro và biện pháp"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    budget_total_vnd = formats.MoneyField(label=_("Tổng kinh phí đề xuất (đồng)"), required=False,
                                         help_text=_("Phải bằng tổng các dòng dự toán."),
                                         widget=formats.MoneyInput(attrs={"data-total-of": "budget"}))
    team_informed = forms.BooleanField(
        label=_("Tôi xác nhận đã thông báo cho những người có tên trong nhóm thực hiện rằng tên, vai trò, email và "
                "kinh nghiệm của họ được nhập vào hồ sơ này để Sở KH&CN và hội đồng đánh giá."),
        required=False)
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, challenge, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicators = list(challenge.indicators.all())
        for indicator in self.indicators:
            self.fields[f"result_{indicator.pk}"] = forms.CharField(
                label=_("Kết quả dự kiến: %(name)s (%(unit)s)") % {"name": indicator.name,
                                                                    "unit": indicator.unit_of_measure},
                widget=forms.Textarea(attrs={"rows": 2}), required=False)
        if organisations is None:
            del self.fields["organisation"]
        else:
            self.fields["organisation"].queryset = organisations
            self.fields["organisation"].required = True
            if len(organisations) == 1:
                self.fields["organisation"].initial = organisations[0]

    def result_fields(self):
        return [self[f"result_{indicator.pk}"] for indicator in self.indicators]

    def main_fields(self):
        return [self[name] for name in ("organisation", "title", "summary", "approach", "experience", "risks")
                if name in self.fields]


class TeamMemberForm(forms.Form):
    row_name = pgettext_lazy("row", "Thành viên")  # how the error summary names a row of its formset
    name = forms.CharField(label=_("Họ và tên"), max_length=150, required=False)
    role = forms.CharField(label=_("Vai trò"), max_length=100, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    experience = forms.CharField(label=_("Kinh nghiệm"), max_length=300, required=False)


class MilestoneForm(forms.Form):
    row_name = pgettext_lazy("row", "Mốc")  # how the error summary names a row of its formset
    milestone = forms.CharField(label=_("Mốc công việc"), max_length=300, required=False)
    start = DateField(label=_("Bắt đầu"), widget=DATE_WIDGET, required=False)
    end = DateField(label=_("Kết thúc"), widget=DATE_WIDGET, required=False)
    deliverable = forms.CharField(label=_("Sản phẩm"), max_length=300, required=False)

    def clean(self):
        """Said beside the row on the page (the service checks it again for the API, naming the row)."""
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if cleaned.get("milestone") and start and end and end < start:
            self.add_error("end", _("Ngày kết thúc không thể trước ngày bắt đầu."))
        return cleaned


class BudgetLineForm(forms.Form):
    row_name = pgettext_lazy("row", "Khoản chi")  # how the error summary names a row of its formset
    item = forms.CharField(label=_("Khoản chi"), max_length=300, required=False)
    amount_vnd = formats.MoneyField(label=_("Số tiền (đồng)"), required=False,
                                    widget=formats.MoneyInput(attrs={"data-sum": "budget"}))


TeamFormSet = forms.formset_factory(TeamMemberForm, extra=2)
WorkplanFormSet = forms.formset_factory(MilestoneForm, extra=2)
BudgetFormSet = forms.formset_factory(BudgetLineForm, extra=2)


class AttachmentForm(forms.Form):
    file = UploadField(label=_("Tệp (PDF, DOCX, XLSX, PNG, JPEG)"))
    identifying = forms.BooleanField(label=_("Tệp có thông tin nhận diện tổ chức (ẩn khi đánh giá ẩn danh)"),
                                     required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Lý do"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class ScreeningForm(forms.Form):
    reason = forms.CharField(label=_("Lý do (bắt buộc nếu không hợp lệ; gửi tới tổ chức đăng ký)"),
                             widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for criterion in criteria:
            self.fields[f"c_{criterion.pk}"] = forms.BooleanField(label=criterion.text, required=False)

    def passed(self) -> dict[int, bool]:
        return {c.pk: self.cleaned_data.get(f"c_{c.pk}", False) for c in self.criteria}
