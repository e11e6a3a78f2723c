from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from sangtao.challenges.models import Field
from sangtao.core import formats
from sangtao.core.formats import DecimalField
from sangtao.core.forms import DateField, ModelChoiceField, ModelForm
from sangtao.initiatives.models import DeploymentKind, EmulationTitle, Initiative, SeatRole
from sangtao.orgs.models import OrgUnit, UnitKind

DATE_WIDGET = formats.DateInput()


def public_units():
    return OrgUnit.objects.current().exclude(kind__in=[UnitKind.PROVINCE, UnitKind.DISTRICT, UnitKind.SOLVER])


class InitiativeForm(ModelForm):
    class Meta:
        model = Initiative
        fields = ["unit", "title", "field", "kind", "description", "before", "novelty", "confidential",
                  "first_applied_on", "benefit_vnd", "benefit_text", "cost_vnd", "cost_text", "public_summary",
                  "publish"]
        field_classes = {"benefit_vnd": formats.MoneyField, "cost_vnd": formats.MoneyField}
        widgets = {"first_applied_on": DATE_WIDGET,
                   **{name: forms.Textarea(attrs={"rows": 3}) for name in (
                       "description", "before", "novelty", "confidential", "benefit_text", "cost_text",
                       "public_summary")}}

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units if units is not None else public_units()
        self.fields["field"].queryset = Field.objects.filter(active=True)


class AuthorForm(forms.Form):
    row_name = pgettext_lazy("row", "Tác giả")  # how the error summary names a row of its formset
    name = forms.CharField(label=_("Họ và tên tác giả"), max_length=150, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    position = forms.CharField(label=_("Chức vụ, nơi công tác"), max_length=200, required=False)
    share = DecimalField(label=_("Tỷ lệ đóng góp (%)"), max_digits=5, decimal_places=2, min_value=0,
                               max_value=100, required=False)
    union_member = forms.BooleanField(label=_("Là đoàn viên công đoàn"), required=False)


AuthorFormSet = forms.formset_factory(AuthorForm, extra=0, min_num=4, max_num=20)


class DeploymentForm(forms.Form):
    row_name = pgettext_lazy("row", "Nơi áp dụng")  # how the error summary names a row of its formset
    unit = ModelChoiceField(queryset=OrgUnit.objects.none(), label=_("Đơn vị áp dụng / áp dụng thử"),
                                  required=False)
    kind = forms.ChoiceField(label=_("Hình thức"), choices=[(DeploymentKind.APPLIED, DeploymentKind.APPLIED.label),
                                                            (DeploymentKind.TRIAL, DeploymentKind.TRIAL.label)],
                             required=False)
    since = DateField(label=_("Từ ngày"), widget=DATE_WIDGET, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = public_units()


DeploymentFormSet = forms.formset_factory(DeploymentForm, extra=0, min_num=2, max_num=20)


class SeatForm(forms.Form):
    user = ModelChoiceField(queryset=get_user_model().objects.none(), label=_("Thành viên"))
    role = forms.ChoiceField(label=_("Vai trò"), choices=SeatRole.choices)

    def __init__(self, *args, candidates=None, **kwargs):
        super().__init__(*args, **kwargs)
        if candidates is not None:
            self.fields["user"].queryset = candidates
        self.fields["user"].label_from_instance = lambda user: user.display_name


class AdoptionForm(forms.Form):
    unit = ModelChoiceField(queryset=OrgUnit.objects.none(), label=_("Đơn vị nhân rộng"))
    since = DateField(label=_("Từ ngày"), widget=DATE_WIDGET, required=False)
    note = forms.CharField(label=_("Ghi chú"), max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = public_units()


class EmulationForm(forms.Form):
    person = ModelChoiceField(queryset=get_user_model().objects.none(), label=_("Tác giả"))
    title = ModelChoiceField(queryset=EmulationTitle.objects.all(), label=_("Danh hiệu thi đua"))
    year = forms.IntegerField(label=_("Năm"), min_value=2000, max_value=2100)

    def __init__(self, *args, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        if people is not None:
            self.fields["person"].queryset = people
        self.fields["person"].label_from_instance = lambda user: user.display_name


class NationalScopeForm(forms.Form):
    decision = forms.CharField(label=_("Số quyết định, cơ quan ban hành"), max_length=200,
                               help_text=_("Ví dụ: 1234/QĐ-BKHCN của Bộ Khoa học và Công nghệ"))
    decided_on = DateField(label=_("Ngày quyết định"), widget=formats.DateInput())


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Lý do"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 3}))


class VoteForm(forms.Form):
    in_favour = forms.TypedChoiceField(label=_("Biểu quyết"), coerce=lambda v: v == "yes",
                                       choices=[("yes", _("Đồng ý công nhận")), ("no", _("Không đồng ý"))],
                                       widget=forms.RadioSelect)
    comment = forms.CharField(label=_("Ý kiến"), max_length=2000, required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Tìm kiếm"), max_length=200, required=False)
    status = forms.CharField(max_length=20, required=False)
    unit = forms.IntegerField(min_value=1, required=False)
