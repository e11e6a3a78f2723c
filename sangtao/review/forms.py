from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from sangtao.challenges.models import Challenge, SelectionMode, Status
from sangtao.core import formats
from sangtao.core.api_input import SEARCH_MAX, TEXT_MAX
from sangtao.core.formats import DecimalField
from sangtao.core.forms import DateField, ModelChoiceField, ModelForm, ModelMultipleChoiceField
from sangtao.core.text import clean
from sangtao.core.workflow import REASON_MAX
from sangtao.orgs.models import OrgUnit, UnitKind
from sangtao.privacy.services import PSEUDONYM_PREFIX
from sangtao.proposals.models import Proposal
from sangtao.review.models import (
    AssignmentRun,
    Council,
    CouncilRole,
    Expert,
    ExpertRelationship,
    PairRule,
)
from sangtao.review.services import points_out_of_range

User = get_user_model()
DATE_WIDGET = formats.DateInput()


class AccountField(forms.CharField):
    """An existing account, named by its e-mail address or its username (any case, spaces around either
    ignored): DoST types it rather than picking it in a list of every account (thousands of them). The
    cleaned value is the account's User; who may not become an expert is told beside the box."""

    default_error_messages = {
        "required": _("Nhập thư điện tử hoặc tên đăng nhập của tài khoản."),
        "not_found": _("Không có tài khoản nào có thư điện tử hoặc tên đăng nhập này. Kiểm tra lại, hoặc đề nghị "
                       "người này đăng ký tài khoản trước."),
        "shared": _("Thư điện tử hoặc tên đăng nhập này thuộc về nhiều tài khoản (khác nhau ở chữ hoa, chữ thường). "
                    "Nhập tên đăng nhập đúng như tài khoản cần thêm."),
        "erased": _("Tài khoản này đã bị xóa theo yêu cầu của chủ tài khoản, không thể thêm làm chuyên gia."),
        "already_expert": _("Tài khoản này đã có hồ sơ chuyên gia: %(name)s. Mở hồ sơ đó trong danh sách chuyên "
                            "gia để sửa."),
        "inactive": _("Tài khoản này đang bị khóa, không thể thêm làm chuyên gia. Mở khóa tài khoản trước."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", User._meta.get_field("email").max_length)
        kwargs.setdefault("widget", forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none",
                                                           "spellcheck": "false"}))
        super().__init__(**kwargs)

    def _account(self, typed: str):
        """As the sign-in reads it: with "@" an e-mail address, else a username, in any case."""
        if "@" in typed:
            # Lowered here too: SQLite compares only ASCII letters regardless of case.
            found = list(User.objects.filter(email__iexact=typed.lower()).order_by("pk")[:2])
        else:
            exact = User.objects.filter(username=typed).first()
            found = [exact] if exact else list(User.objects.filter(username__iexact=typed).order_by("pk")[:2])
        if len(found) > 1:  # older accounts may differ only in the case of their address or name
            raise ValidationError(self.error_messages["shared"], code="shared")
        if not found:
            raise ValidationError(self.error_messages["not_found"], code="not_found")
        return found[0]

    def clean(self, value):
        typed = clean(super().clean(value) or "")
        if not typed:
            raise ValidationError(self.error_messages["required"], code="required")
        user = self._account(typed)
        if not user.is_active and user.username.startswith(PSEUDONYM_PREFIX):  # privacy.services.erase_account
            raise ValidationError(self.error_messages["erased"], code="erased")
        expert = Expert.objects.filter(user=user).select_related("user").first()
        if expert is not None:
            raise ValidationError(self.error_messages["already_expert"], code="already_expert",
                                  params={"name": str(expert)})
        if not user.is_active:
            raise ValidationError(self.error_messages["inactive"], code="inactive")
        return user


class ExpertForm(ModelForm):
    # Typed, not chosen in a list: a province has thousands of accounts.
    user = AccountField(label=_("Tài khoản người dùng"), help_text=_(
        "Thư điện tử hoặc tên đăng nhập mà người này dùng để đăng nhập. Người này phải đã có tài khoản trên "
        "hệ thống; nếu chưa có, đề nghị họ đăng ký trước."))

    class Meta:
        model = Expert
        fields = ["user", "title", "organisation", "organisation_name", "organisation_tax_code", "fields", "profile",
                  "active"]
        widgets = {"profile": forms.Textarea(attrs={"rows": 8}), "fields": forms.CheckboxSelectMultiple}

    def __init__(self, *args, own_profile=False, restricted=False, **kwargs):
        super().__init__(*args, **kwargs)
        if restricted:  # the expert restricted the processing of their data: their CV is not shown to others
            del self.fields["profile"]
        if own_profile or self.instance.pk:
            del self.fields["user"]
        if own_profile:
            del self.fields["active"]


class RelationshipForm(ModelForm):
    class Meta:
        model = ExpertRelationship
        fields = ["kind", "organisation", "organisation_name", "tax_code", "started_on", "ended_on"]
        widgets = {"started_on": DATE_WIDGET, "ended_on": DATE_WIDGET}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = OrgUnit.objects.filter(kind=UnitKind.SOLVER)


# The challenges a council is formed for: open selection, published or closed.
COUNCIL_CHALLENGES = Challenge.objects.filter(selection_mode=SelectionMode.OPEN,
                                              status__in=[Status.PUBLISHED, Status.CLOSED])


class ExpertSearchForm(forms.Form):
    q = forms.CharField(label=_("Tìm"), max_length=SEARCH_MAX, required=False)


class CouncilForm(ModelForm):
    challenges = ModelMultipleChoiceField(
        queryset=COUNCIL_CHALLENGES, label=_("Bài toán"), widget=forms.SelectMultiple(attrs={"size": 6}))

    class Meta:
        model = Council
        fields = ["name", "challenges", "rules", "rubric", "blind", "score_publication", "anonymise_exports",
                  "session_date", "location"]
        widgets = {"session_date": DATE_WIDGET}


class CouncilChallengeForm(forms.Form):
    """The challenge a new council's link is for (?challenge=, from the challenge's page and DoST's home):
    chosen beforehand when it is one a council can be formed for, else nothing is."""

    challenge = ModelChoiceField(queryset=COUNCIL_CHALLENGES, required=False)


class MemberForm(forms.Form):
    expert = ModelChoiceField(queryset=Expert.objects.filter(active=True).select_related("user"),
                                    label=_("Chuyên gia"))
    role = forms.ChoiceField(choices=CouncilRole.choices, label=_("Vai trò"))


class RunForm(ModelForm):
    class Meta:
        model = AssignmentRun
        fields = ["reviewers_per_proposal", "min_load", "max_load"]

    def clean(self):
        data = super().clean()
        for name in ("reviewers_per_proposal", "max_load"):
            if data.get(name) is not None and data[name] < 1:
                self.add_error(name, _("Nhập một số từ 1 trở lên."))
        if data.get("min_load") is not None and data.get("max_load") is not None and data["min_load"] > data["max_load"]:
            self.add_error("min_load", _("Tải tối thiểu không được lớn hơn tải tối đa (%(max)s).") % {"max": data["max_load"]})
        return data


class PairForm(forms.Form):
    expert = ModelChoiceField(queryset=Expert.objects.none(), label=_("Chuyên gia"))
    proposal = forms.IntegerField(label=_("Mã hồ sơ"), min_value=1)
    kind = forms.ChoiceField(choices=[("add", _("Phân công ngay")), *PairRule.Kind.choices, ("clear", _("Bỏ quy tắc"))],
                             label=_("Thao tác"))

    def __init__(self, *args, council, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["expert"].queryset = Expert.objects.filter(council_seats__council=council).select_related("user")


class DeclarationForm(forms.Form):
    has_conflict = forms.TypedChoiceField(
        label=_("Cam kết"), widget=forms.RadioSelect, coerce=lambda value: value == "1",
        choices=[("0", _("Tôi không có xung đột lợi ích với tổ chức và nhóm thực hiện hồ sơ này")),
                 ("1", _("Tôi có xung đột lợi ích (sẽ không xem và không chấm hồ sơ này)"))])
    note = forms.CharField(label=_("Ghi chú"), widget=forms.Textarea(attrs={"rows": 2}), required=False,
                           max_length=TEXT_MAX)


class ComplaintForm(forms.Form):
    body = forms.CharField(label=_("Nội dung khiếu nại"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000)


class ComplaintAnswerForm(forms.Form):
    # Not required here: the service says that an answer cannot be empty.
    answer = forms.CharField(label=_("Trả lời"), widget=forms.Textarea(attrs={"rows": 3}), max_length=TEXT_MAX,
                             required=False)


class ReasonForm(forms.Form):
    """The reason the secretary reopens a scoresheet with (the service asks for one)."""

    reason = forms.CharField(label=_("Lý do mở lại"), max_length=REASON_MAX, required=False)


class PointsField(DecimalField):
    """A criterion's points as the scoresheet takes them: blank while not scored yet, else a number from 0 to
    the criterion's maximum with two decimals at most, as the API's (a decimal comma reads as a point)."""

    def __init__(self, *, criterion, **kwargs):
        out_of_range = points_out_of_range(criterion)
        # Not a number at all is said as such ("abc" was told its points must lie between 0 and the maximum).
        not_a_number = format_lazy(_("Tiêu chí {code}: nhập điểm bằng chữ số, ví dụ 12,5."), code=criterion.code)
        super().__init__(min_value=0, max_value=criterion.max_points, max_digits=6, decimal_places=2,
                         required=False, error_messages={
                             "invalid": not_a_number, "min_value": out_of_range, "max_value": out_of_range},
                         **kwargs)


class ScoresheetForm(forms.Form):
    """A member's scores: points and a comment per criterion (`points_<id>`, `comment_<id>`) and a general
    comment. Any points may still be blank (a draft); what a submission needs, the service checks."""

    general_comment = forms.CharField(label=_("Nhận xét chung"), max_length=TEXT_MAX, required=False)

    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        for criterion in self.criteria:
            self.fields[f"points_{criterion.pk}"] = PointsField(criterion=criterion, label=criterion.name)
            self.fields[f"comment_{criterion.pk}"] = forms.CharField(label=_("Nhận xét"), max_length=TEXT_MAX,
                                                                     required=False)

    def points(self) -> dict:
        return {c.pk: self.cleaned_data[f"points_{c.pk}"] for c in self.criteria}

    def comments(self) -> dict[int, str]:
        return {c.pk: self.cleaned_data[f"comment_{c.pk}"] for c in self.criteria}


class DecisionForm(forms.Form):
    proposal = ModelChoiceField(queryset=Proposal.objects.none(), label=_("Hồ sơ được chọn"), required=False)
    lead_organisation = ModelChoiceField(queryset=OrgUnit.objects.none(), label=_("Đơn vị chủ trì"),
                                               required=False)
    decision_number = forms.CharField(label=_("Số quyết định"), max_length=60, required=False)
    decided_on = DateField(label=_("Ngày quyết định"), widget=DATE_WIDGET)
    legal_basis = forms.CharField(label=_("Căn cứ pháp lý"), widget=forms.Textarea(attrs={"rows": 2}),
                                  required=False, max_length=TEXT_MAX)
    departs_from_ranking = forms.BooleanField(
        label=_("Chọn một hồ sơ đạt khác hồ sơ có điểm cao nhất (nêu lý do, ví dụ tổ chức đứng đầu từ chối)"),
        required=False)
    rationale = forms.CharField(label=_("Lý do lựa chọn"), widget=forms.Textarea(attrs={"rows": 4}), max_length=TEXT_MAX)

    def __init__(self, *args, challenge, proposals, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["proposal"].queryset = proposals
        if challenge.selection_mode == SelectionMode.OPEN:
            del self.fields["lead_organisation"]
            self.fields["proposal"].required = True
        else:
            del self.fields["proposal"]
            del self.fields["departs_from_ranking"]
            self.fields["lead_organisation"].queryset = OrgUnit.objects.current().exclude(kind=UnitKind.PROVINCE)
            self.fields["lead_organisation"].required = True
            self.fields["legal_basis"].required = True
