import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from sangtao.core import formats
from sangtao.core.api_input import TEXT_MAX
from sangtao.core.forms import DateField, ModelChoiceField
from sangtao.orgs.models import OrgUnit, UnitKind
from sangtao.projects.models import Grade, Milestone

DATE_WIDGET = formats.DateInput()


def current_units():
    return OrgUnit.objects.current().exclude(kind__in=[UnitKind.PROVINCE, UnitKind.DISTRICT])


class ProjectForm(forms.Form):
    contract_number = forms.CharField(label=_("Số hợp đồng"), max_length=60, required=False)
    contract_value_vnd = formats.MoneyField(label=_("Giá trị hợp đồng (đồng)"), required=False)
    starts_on = DateField(label=_("Ngày bắt đầu"), widget=DATE_WIDGET)
    ends_on = DateField(label=_("Ngày kết thúc"), widget=DATE_WIDGET)
    report_every_days = forms.IntegerField(label=_("Chu kỳ báo cáo (ngày)"), min_value=7, max_value=366, initial=30)


class CurrentUnits(forms.Form):
    """The unit choice lists today's units (read per form, not once at start-up)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = current_units()


class PartnerForm(CurrentUnits):
    row_name = pgettext_lazy("row", "Đơn vị phối hợp")  # how the error summary names a row of its formset
    unit = ModelChoiceField(queryset=OrgUnit.objects.none(), label=_("Đơn vị phối hợp"), required=False)
    responsibilities = forms.CharField(label=_("Trách nhiệm"), max_length=500, required=False)


class MilestoneForm(forms.Form):
    row_name = pgettext_lazy("row", "Mốc")  # how the error summary names a row of its formset
    title = forms.CharField(label=_("Mốc / sản phẩm"), max_length=300, required=False)
    due_on = DateField(label=_("Hạn"), widget=DATE_WIDGET, required=False)
    acceptance_criteria = forms.CharField(label=_("Tiêu chí nghiệm thu"), max_length=500, required=False)
    tranche_vnd = formats.MoneyField(label=_("Đợt kinh phí (đồng)"), required=False)


PartnerFormSet = forms.formset_factory(PartnerForm, extra=2)
MilestoneFormSet = forms.formset_factory(MilestoneForm, extra=3)


class TaskForm(CurrentUnits):
    unit = ModelChoiceField(queryset=OrgUnit.objects.none(), label=_("Đơn vị thực hiện"))
    title = forms.CharField(label=_("Nhiệm vụ"), max_length=300)
    due_on = DateField(label=_("Hạn"), widget=DATE_WIDGET)


class DeploymentForm(CurrentUnits):
    unit = ModelChoiceField(queryset=OrgUnit.objects.none(), label=_("Đơn vị"))
    service = forms.CharField(label=_("Dịch vụ áp dụng"), max_length=300)
    go_live_on = DateField(label=_("Ngày đưa vào sử dụng"), widget=DATE_WIDGET)
    notes = forms.CharField(label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


GRADE_CHOICES = [("", "—"), *Grade.choices]


# The portfolio's health filter: the states services.health derives (in the order the page counts them).
HEALTH_LABELS = {"on_track": _("Đúng tiến độ"), "at_risk": _("Có nguy cơ chậm"), "late": _("Chậm tiến độ"),
                 "closed": _("Đã kết thúc thực hiện")}
PROGRESS_REFUSED = _("Tiến độ phải từ 0 đến 100%.")
DAY_REFUSED = _("Ngày không hợp lệ: nhập theo dạng dd/mm/yyyy.")
AMOUNT_REFUSED = _("Số tiền không hợp lệ.")
GRADE_REFUSED = _("Chọn mức Xuất sắc, Đạt hoặc Không đạt.")


class PortfolioFilter(forms.Form):
    """?health=...; a value that is no longer a state (a stale bookmark) leaves the form invalid and the
    list unfiltered."""

    health = forms.ChoiceField(choices=list(HEALTH_LABELS.items()), required=False)


class ReportForm(forms.Form):
    """A progress report: the period's end (today when left empty), the percent done of each milestone
    (progress_<id>, 0-100, optional), the narrative and the issues. The service requires the narrative."""

    period_end = DateField(required=False, error_messages={"invalid": DAY_REFUSED})
    narrative = forms.CharField(label=_("Tình hình thực hiện"), max_length=TEXT_MAX, required=False)
    issues = forms.CharField(label=_("Vướng mắc, rủi ro"), max_length=TEXT_MAX, required=False)

    def __init__(self, *args, milestones, **kwargs):
        super().__init__(*args, **kwargs)
        self.milestones = list(milestones)
        for milestone in self.milestones:
            self.fields[f"progress_{milestone.pk}"] = forms.IntegerField(  # its title names it in a refusal
                label=milestone.title, required=False, error_messages={"invalid": PROGRESS_REFUSED})

    def clean(self):
        # The range here, not as the field's min/max: their messages are %-formatted, and this one ends in %.
        data = super().clean()
        for milestone in self.milestones:
            percent = data.get(f"progress_{milestone.pk}")
            if percent is not None and not 0 <= percent <= 100:
                self.add_error(f"progress_{milestone.pk}", PROGRESS_REFUSED)
        return data

    def progress(self) -> dict[int, int | str]:
        """{milestone id: percent}, "" where none was given (as the service takes it)."""
        return {m.pk: "" if self.cleaned_data[f"progress_{m.pk}"] is None else self.cleaned_data[f"progress_{m.pk}"]
                for m in self.milestones}


class ReviewForm(forms.Form):
    """A report's review note; the service requires it when the report is returned."""

    note = forms.CharField(label=_("Nhận xét (bắt buộc khi trả lại)"), max_length=TEXT_MAX, required=False)


class RatingForm(forms.Form):
    """An acceptance-council member's grades: quality_<milestone id> and quantity_<milestone id> of each
    deliverable, quality_report of the final report; each a Grade, or empty where not graded yet."""

    def __init__(self, *args, milestones, **kwargs):
        super().__init__(*args, **kwargs)
        self.milestones = list(milestones)
        keys = [(m.pk, True) for m in self.milestones] + [("report", False)]
        for key, has_quantity in keys:
            names = [f"quality_{key}", f"quantity_{key}"] if has_quantity else [f"quality_{key}"]
            for name in names:
                self.fields[name] = forms.ChoiceField(choices=Grade.choices, required=False,
                                                      error_messages={"invalid_choice": GRADE_REFUSED})

    def grades(self) -> list[tuple[Milestone | None, str, str]]:
        """(milestone or None for the report, quality, quantity) of each deliverable given a quality."""
        data = self.cleaned_data
        rated: list[tuple[Milestone | None, str, str]] = [
            (m, data[f"quality_{m.pk}"], data[f"quantity_{m.pk}"]) for m in self.milestones]
        rated.append((None, data["quality_report"], ""))
        return [(milestone, quality, quantity) for milestone, quality, quantity in rated if quality]


# The project page's smaller actions (services.py says what each requires: an empty text is refused there,
# with its own message).

class CancelForm(forms.Form):
    reason = forms.CharField(max_length=TEXT_MAX, required=False)


class TaskCommentForm(forms.Form):
    body = forms.CharField(max_length=TEXT_MAX, required=False)


class SelfAssessmentForm(forms.Form):
    summary = forms.CharField(max_length=TEXT_MAX, required=False)


class MilestoneDoneForm(forms.Form):
    """The day a milestone was completed: today when the box is left empty."""

    on = DateField(required=False, error_messages={"invalid": DAY_REFUSED})

    def day(self) -> datetime.date:
        return self.cleaned_data["on"] or timezone.localdate()


class DisbursementForm(MilestoneDoneForm):
    """A tranche paid: its amount in đồng and its day (today when left empty)."""

    amount = formats.MoneyField(error_messages=dict.fromkeys(("required", "invalid", "min_value", "max_value"), AMOUNT_REFUSED))
