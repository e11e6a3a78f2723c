from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from sangtao.annual.models import (
    AnnualPlan,
    AnnualTask,
    BudgetSource,
    ExternalIndex,
    ExternalIndicator,
    GroupRole,
    PlanStatus,
    ReportPeriod,
    SessionStatus,
)
from sangtao.capacity.models import round_surveys
from sangtao.challenges.models import Challenge, Facet, Field
from sangtao.core import formats
from sangtao.core.formats import DecimalField
from sangtao.core.forms import (
    DateField,
    DateTimeField,
    ModelChoiceField,
    ModelMultipleChoiceField,
    MoveReasonForm,
    UploadField,
)
from sangtao.initiatives.models import Initiative
from sangtao.knowledge.models import Case
from sangtao.orgs.models import OrgUnit
from sangtao.surveys.models import Survey

DATE_WIDGET = formats.DateInput()


class PlanForm(forms.Form):
    unit = ModelChoiceField(queryset=OrgUnit.objects.none(), label=_("Đơn vị"))
    year = forms.IntegerField(label=_("Năm"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("Tên kế hoạch"), max_length=300)
    summary = forms.CharField(label=_("Mục tiêu chung"), required=False, max_length=4000,
                              widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units if units is not None else OrgUnit.objects.none()


class TaskForm(forms.Form):
    title = forms.CharField(label=_("Tên nhiệm vụ"), max_length=300)
    problem = forms.CharField(label=_("Vấn đề cần giải quyết"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))
    public_service = forms.CharField(label=_("Dịch vụ công / lĩnh vực quản lý chịu tác động"), max_length=300)
    field = ModelChoiceField(queryset=Field.objects.filter(active=True), label=_("Lĩnh vực"), required=False)
    facet = forms.ChoiceField(label=_("Loại đổi mới (OPSI)"), choices=Facet.choices)
    budget_vnd = formats.MoneyField(label=_("Kinh phí (đồng)"), max_value=10**15 - 1, initial=0)
    budget_source = forms.ChoiceField(label=_("Nguồn kinh phí"), choices=BudgetSource.choices)
    spending_norm = forms.CharField(label=_("Định mức chi áp dụng"), max_length=300, required=False,
                                    help_text=_("Văn bản quy định định mức chi cho hội thi, chuyên gia, hội đồng..."))
    ip_terms = forms.CharField(label=_("Thỏa thuận sở hữu trí tuệ"), max_length=300, required=False)
    partners = forms.CharField(label=_("Đơn vị phối hợp"), max_length=2000, required=False)
    person_in_charge = forms.CharField(label=_("Người phụ trách"), max_length=150)
    challenge = ModelChoiceField(queryset=Challenge.objects.none(), label=_("Bài toán lớn liên quan"),
                                       required=False)
    initiative = ModelChoiceField(queryset=Initiative.objects.none(), label=_("Sáng kiến liên quan"),
                                        required=False, help_text=_("Sáng kiến của đơn vị mà nhiệm vụ áp dụng."))
    case = ModelChoiceField(queryset=Case.objects.none(), label=_("Tình huống liên quan"), required=False,
                                  help_text=_("Tình huống đã công bố mà nhiệm vụ học hỏi hoặc nhân rộng."))
    related_reference = forms.CharField(label=_("Tham chiếu khác (văn bản, số hiệu)"), max_length=200,
                                        required=False)
    survey = ModelChoiceField(queryset=Survey.objects.exclude(round_surveys()), label=_("Khảo sát hài lòng của dịch vụ"),
                                    required=False)
    applied_on = DateField(label=_("Ngày đưa giải pháp vào áp dụng"), widget=DATE_WIDGET, required=False)

    def __init__(self, *args, challenges=None, initiatives=None, cases=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["challenge"].queryset = challenges if challenges is not None else Challenge.objects.none()
        self.fields["initiative"].queryset = initiatives if initiatives is not None else Initiative.objects.none()
        self.fields["case"].queryset = cases if cases is not None else Case.objects.none()


class KpiForm(forms.Form):
    row_name = pgettext_lazy("row", "Chỉ tiêu")  # how the error summary names a row of its formset
    name = forms.CharField(label=_("Chỉ số (KPI)"), max_length=300, required=False)
    unit_of_measure = forms.CharField(label=_("Đơn vị tính"), max_length=50, required=False)
    baseline_value = DecimalField(label=_("Giá trị nền"), max_digits=18, decimal_places=4, required=False)
    target_value = DecimalField(label=_("Giá trị mục tiêu"), max_digits=18, decimal_places=4, required=False)
    target_date = DateField(label=_("Ngày đạt mục tiêu"), widget=DATE_WIDGET, required=False)
    data_source = forms.CharField(label=_("Nguồn dữ liệu"), max_length=300, required=False)


class MilestoneForm(forms.Form):
    row_name = pgettext_lazy("row", "Mốc")  # how the error summary names a row of its formset
    title = forms.CharField(label=_("Mốc / sản phẩm"), max_length=300, required=False)
    due_on = DateField(label=_("Hạn"), widget=DATE_WIDGET, required=False)


KpiFormSet = forms.formset_factory(KpiForm, extra=2, max_num=10)
MilestoneFormSet = forms.formset_factory(MilestoneForm, extra=2, max_num=20)


class ReasonForm(MoveReasonForm):
    why = _("Thao tác này cần nêu lý do; lý do được lưu vào lịch sử và gửi tới những người liên quan.")


class ReportForm(forms.Form):
    narrative = forms.CharField(label=_("Kết quả thực hiện"), widget=forms.Textarea(attrs={"rows": 4}),
                                required=False, max_length=20000)
    difficulties = forms.CharField(label=_("Khó khăn, vướng mắc, kiến nghị"), widget=forms.Textarea(attrs={"rows": 3}),
                                   required=False, max_length=20000)


class ProgressForm(forms.Form):
    percent = forms.IntegerField(label=_("Tiến độ (%)"), min_value=0, max_value=100, required=False)
    note = forms.CharField(label=_("Kết quả, sản phẩm"), max_length=4000, required=False)


class MeasurementForm(forms.Form):
    value = DecimalField(label=_("Giá trị đo được"), max_digits=18, decimal_places=4, required=False)
    measured_on = DateField(label=_("Ngày đo"), widget=DATE_WIDGET, required=False)
    source = forms.CharField(label=_("Nguồn số liệu"), max_length=300, required=False)

    def clean_measured_on(self):
        measured_on = self.cleaned_data["measured_on"]
        if measured_on and measured_on > timezone.localdate():
            raise ValidationError(_("Ngày đo không thể sau hôm nay."))
        return measured_on


class EvidenceForm(forms.Form):
    title = forms.CharField(label=_("Tên minh chứng"), max_length=300, required=False)
    file = UploadField(label=_("Tệp (PDF, DOCX, XLSX, PNG, JPEG)"))
    indicators = ModelMultipleChoiceField(queryset=ExternalIndicator.objects.filter(active=True),
                                                label=_("Minh chứng cho chỉ số"), required=False,
                                                widget=forms.CheckboxSelectMultiple)


class FilterForm(forms.Form):
    q = forms.CharField(label=_("Tìm kiếm"), max_length=200, required=False)
    year = forms.IntegerField(label=_("Năm"), min_value=2000, max_value=2100, required=False)
    status = forms.ChoiceField(label=_("Trạng thái"), choices=[("", _("Tất cả")), *PlanStatus.choices],
                               required=False)


class YearForm(forms.Form):
    year = forms.IntegerField(label=_("Năm"), min_value=2000, max_value=2100)


class EvidenceFilterForm(forms.Form):
    """The evidence register's filters: the plans' year (those with plans, and this year), one index."""

    year = forms.TypedChoiceField(label=_("Năm"), coerce=int, required=False)
    index = forms.ChoiceField(label=_("Bộ chỉ số"), choices=[("", _("Cả hai bộ chỉ số")), *ExternalIndex.choices],
                              required=False)
    missing = forms.BooleanField(label=_("Chỉ các chỉ số chưa có minh chứng"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        years = {timezone.localdate().year, *AnnualPlan.objects.order_by().values_list("year", flat=True).distinct()}
        self.fields["year"].choices = [(year, str(year)) for year in sorted(years, reverse=True)]


class WorkingGroupForm(forms.Form):
    decision_number = forms.CharField(label=_("Số quyết định thành lập"), max_length=60)
    decided_on = DateField(label=_("Ngày quyết định"), widget=DATE_WIDGET)
    tasks = forms.CharField(label=_("Nhiệm vụ của tổ"), required=False, max_length=4000,
                            widget=forms.Textarea(attrs={"rows": 4}))


class GroupMemberForm(forms.Form):
    full_name = forms.CharField(label=_("Họ và tên"), max_length=150, required=False)
    job_title = forms.CharField(label=_("Chức vụ, đơn vị công tác"), max_length=200, required=False)
    role = forms.ChoiceField(label=_("Vai trò trong tổ"), choices=GroupRole.choices, initial=GroupRole.MEMBER)

    def clean(self):
        data = super().clean()
        if not data.get("full_name") and (data.get("job_title") or data.get("role") != GroupRole.MEMBER):
            self.add_error("full_name", _("Cần nhập họ và tên."))  # a row begun: not dropped unnoticed
        return data


GROUP_MAX = 40
GroupMemberFormSet = forms.formset_factory(GroupMemberForm, extra=5, max_num=GROUP_MAX, validate_max=True,
                                           absolute_max=GROUP_MAX)


class AdviceRequestForm(forms.Form):
    unit = ModelChoiceField(queryset=OrgUnit.objects.none(), label=_("Đơn vị"))
    task = ModelChoiceField(queryset=AnnualTask.objects.none(), label=_("Nhiệm vụ liên quan"), required=False,
                            help_text=_("Không bắt buộc: một nhiệm vụ trong kế hoạch năm của đơn vị."))
    topic = forms.CharField(label=_("Chủ đề cần tư vấn"), max_length=300)
    question = forms.CharField(label=_("Vấn đề, câu hỏi cụ thể"), max_length=4000, widget=forms.Textarea(attrs={"rows": 6}),
                               help_text=_("Hiện trạng, điều đã thử, điều cần chuyên gia góp ý."))

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["task"].queryset = AnnualTask.objects.filter(plan__unit__in=units).select_related("plan").order_by(
            "-plan__year", "position")
        self.fields["task"].label_from_instance = lambda task: f"{task.title} ({task.plan.year})"
        if units.count() == 1:
            self.fields["unit"].initial = units.first()


class AdviceFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Trạng thái"), choices=[("", _("Tất cả")), *SessionStatus.choices],
                               required=False)


class ScheduleForm(forms.Form):
    scheduled_for = DateTimeField(label=_("Thời gian tư vấn"), widget=formats.DateTimeInput(),
                                  input_formats=[formats.INPUT_DATETIME],  # a date alone would mean midnight
                                  help_text=_("Ngày và giờ, ví dụ 15/03/2026 09:00."))
    place = forms.CharField(label=_("Địa điểm hoặc đường dẫn họp trực tuyến"), max_length=300)
    advisers = forms.CharField(label=_("Chuyên gia tư vấn"), max_length=2000, required=False,
                               widget=forms.Textarea(attrs={"rows": 3}))


class RecordForm(forms.Form):
    advice = forms.CharField(label=_("Nội dung tư vấn, khuyến nghị"), max_length=10000,
                             widget=forms.Textarea(attrs={"rows": 8}))


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Tệp Excel theo mẫu (.xlsx)"))


def period_choices():
    return ReportPeriod.objects.filter(active=True)
