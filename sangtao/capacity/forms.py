from django import forms
from django.utils.translation import gettext_lazy as _

from sangtao.capacity import portfolio as folio
from sangtao.capacity.models import SizeBand
from sangtao.challenges.models import Facet
from sangtao.core.formats import DateInput
from sangtao.core.forms import DateField, ModelMultipleChoiceField
from sangtao.core.workflow import REASON_MAX
from sangtao.orgs.models import OrgUnit, UnitKind

SURVEYED_KINDS = [UnitKind.DEPARTMENT, UnitKind.WARD, UnitKind.COMMUNE, UnitKind.SPECIAL_ZONE, UnitKind.DISTRICT]


class RoundForm(forms.Form):
    year = forms.IntegerField(label=_("Năm"), min_value=2000, max_value=2100)
    name = forms.CharField(label=_("Tên đợt khảo sát"), max_length=300, required=False)
    opens_on = DateField(label=_("Mở từ ngày"), widget=DateInput())
    closes_on = DateField(label=_("Đóng ngày"), widget=DateInput())
    managers_per_unit = forms.IntegerField(label=_("Số lãnh đạo, quản lý trả lời phong vũ biểu mỗi đơn vị"),
                                           min_value=1, max_value=50, initial=5)
    staff_per_unit = forms.IntegerField(label=_("Số cán bộ được mời mỗi đơn vị"), min_value=1, max_value=500,
                                        initial=10)
    units = ModelMultipleChoiceField(label=_("Đơn vị tham gia"), queryset=OrgUnit.objects.none(),
                                           widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = OrgUnit.objects.current().filter(kind__in=SURVEYED_KINDS)


class AnswerForm(forms.Form):
    """The answers to a module's items: yes/no items as 5/1, Likert items 1-5; all optional but one."""

    consent = forms.BooleanField(label=_("Tôi đã đọc và đồng ý tham gia khảo sát"), required=False)

    def __init__(self, *args, items, binary, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = items
        for item in items:
            choices = [(5, _("Có")), (1, _("Không"))] if binary(item) else [(v, str(v)) for v in range(1, 6)]
            self.fields[f"q{item.pk}"] = forms.TypedChoiceField(choices=choices, coerce=int, required=False,
                                                                 empty_value=None, widget=forms.RadioSelect)

    def values(self) -> dict[int, int]:
        return {item.pk: self.cleaned_data[f"q{item.pk}"] for item in self.items
                if self.cleaned_data.get(f"q{item.pk}") is not None}


class ReasonForm(forms.Form):
    """The reason a round is reopened with, as long as the API and the workflow take one (the workflow
    asks for it when the move needs one)."""

    reason = forms.CharField(label=_("Lý do"), max_length=REASON_MAX, required=False)


# The filters of the pages below: a value the page could not have offered (a bookmarked link from before
# a choice changed, a hand-typed one) is dropped, that filter alone, and the page shows the rest.

class BarometerFilterForm(forms.Form):
    """The round page's barometer shares, of one kind of unit or of all."""

    kind = forms.ChoiceField(label=_("Loại đơn vị"), choices=UnitKind.choices, required=False)


class BenchmarkFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Loại đơn vị"), choices=UnitKind.choices, required=False)
    size = forms.ChoiceField(label=_("Quy mô"), choices=SizeBand.choices, required=False)


class PortfolioFilterForm(forms.Form):
    facet = forms.ChoiceField(label=_("Loại đổi mới (OPSI)"), choices=Facet.choices, required=False)
    kind = forms.ChoiceField(label=_("Loại việc"), choices=list(folio.KINDS.items()), required=False)
    stage = forms.ChoiceField(label=_("Giai đoạn"), required=False)
    outcome = forms.ChoiceField(label=_("Chỉ số thành công"), choices=list(folio.KPI_LABELS.items()), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage"].choices = [(label, states) for _kind, label, states in folio.stages()]

    def filters(self) -> dict[str, str]:
        """The filters that were asked for and are valid."""
        self.is_valid()
        return {name: self.cleaned_data[name] for name in self.fields if self.cleaned_data.get(name)}
