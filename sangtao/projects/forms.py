from django import forms
from django.utils.translation import gettext_lazy as _

from sangtao.core import formats
from sangtao.core.forms import ModelChoiceField
from sangtao.orgs.models import OrgUnit, UnitKind
from sangtao.projects.models import Grade

DATE_WIDGET = formats.DateInput()


def current_units():
    return OrgUnit.objects.current().exclude(kind__in=[UnitKind.PROVINCE, UnitKind.DISTRICT])


class ProjectForm(forms.Form):
    contract_number = forms.CharField(label=_("Số hợp đồng"), max_length=60, required=False)
    contract_value_vnd = formats.MoneyField(label=_("Giá trị hợp đồng (đồng)"), required=False)
    starts_on = forms.DateField(label=_("Ngày bắt đầu"), widget=DATE_WIDGET)
    ends_on = forms.DateField(label=_("Ngày kết thúc"), widget=DATE_WIDGET)
    report_every_days = forms.IntegerField(label=_("Chu kỳ báo cáo (ngày)"), min_value=7, max_value=366, initial=30)


class CurrentUnits(forms.Form):
    """The unit choice lists today's units (read per form, not once at start-up)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = current_units()


class PartnerForm(CurrentUnits):
    unit = ModelChoiceField(queryset=OrgUnit.objects.none(), label=_("Đơn vị phối hợp"), required=False)
    responsibilities = forms.CharField(label=_("Trách nhiệm"), max_length=500, required=False)


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("Mốc / sản phẩm"), max_length=300, required=False)
    due_on = forms.DateField(label=_("Hạn"), widget=DATE_WIDGET, required=False)
    acceptance_criteria = forms.CharField(label=_("Tiêu chí nghiệm thu"), max_length=500, required=False)
    tranche_vnd = formats.MoneyField(label=_("Đợt kinh phí (đồng)"), required=False)


PartnerFormSet = forms.formset_factory(PartnerForm, extra=2)
MilestoneFormSet = forms.formset_factory(MilestoneForm, extra=3)


class TaskForm(CurrentUnits):
    unit = ModelChoiceField(queryset=OrgUnit.objects.none(), label=_("Đơn vị thực hiện"))
    title = forms.CharField(label=_("Nhiệm vụ"), max_length=300)
    due_on = forms.DateField(label=_("Hạn"), widget=DATE_WIDGET)


class DeploymentForm(CurrentUnits):
    unit = ModelChoiceField(queryset=OrgUnit.objects.none(), label=_("Đơn vị"))
    service = forms.CharField(label=_("Dịch vụ áp dụng"), max_length=300)
    go_live_on = forms.DateField(label=_("Ngày đưa vào sử dụng"), widget=DATE_WIDGET)
    notes = forms.CharField(label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


GRADE_CHOICES = [("", "—"), *Grade.choices]
