from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from sangtao.core import formats
from sangtao.core.api_input import SEARCH_MAX
from sangtao.core.errors import InvalidInput
from sangtao.core.forms import ModelForm, ModelMultipleChoiceField, PhoneField
from sangtao.orgs.models import ROLES_NEEDING_UNIT, Membership, OrgType, OrgUnit

User = get_user_model()
DATE_WIDGET = formats.DateInput()


class UnitForm(ModelForm):
    successors = ModelMultipleChoiceField(
        queryset=OrgUnit.objects.all(), required=False, label=_("Đơn vị kế thừa"),
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )

    class Meta:
        model = OrgUnit
        fields = ["kind", "name", "name_en", "short_name", "code", "parent", "valid_from", "valid_to"]
        widgets = {"valid_from": DATE_WIDGET, "valid_to": DATE_WIDGET}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["successors"].initial = self.instance.successors.all()

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("valid_from"), cleaned.get("valid_to")
        if start and end and end < start:
            self.add_error("valid_to", _("Ngày hết hiệu lực phải sau ngày bắt đầu hiệu lực."))
        return cleaned


class UserForm(ModelForm):
    password = forms.CharField(label=_("Mật khẩu (để trống để người dùng tự đặt qua email)"),
                               required=False, widget=forms.PasswordInput, min_length=8, strip=False)

    class Meta:
        model = User
        fields = ["username", "email", "full_name", "language", "is_active"]

    def __init__(self, *args, restricted=False, **kwargs):
        super().__init__(*args, **kwargs)
        if restricted:  # the person restricted the processing of their data: the e-mail is kept, not shown
            del self.fields["email"]


class MembershipForm(ModelForm):
    class Meta:
        model = Membership
        fields = ["role", "unit"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("role") in ROLES_NEEDING_UNIT and not cleaned.get("unit"):
            raise forms.ValidationError(_("Vai trò này cần chọn đơn vị."))
        return cleaned

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = OrgUnit.objects.current().order_by("kind", "sort_name")  # never a dissolved one

    def validate_constraints(self, exclude=None):
        """Duplicate roles are reported by the service with a clearer message."""


class UserSearchForm(forms.Form):
    q = forms.CharField(label=_("Tìm theo tên, email"), max_length=SEARCH_MAX, required=False)


class UnitFilterForm(forms.Form):
    q = forms.CharField(required=False, label=_("Tìm đơn vị"), max_length=SEARCH_MAX)
    kind = forms.ChoiceField(required=False, label=_("Loại"))
    include_dissolved = forms.BooleanField(required=False, label=_("Gồm cả đơn vị đã giải thể"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("Mọi loại"))] + list(OrgUnit._meta.get_field("kind").choices)


class SolverRegistrationForm(forms.Form):
    name = forms.CharField(label=_("Tên tổ chức"), max_length=255)
    org_type = forms.ChoiceField(label=_("Loại tổ chức"), choices=OrgType.choices)
    tax_code = forms.CharField(label=_("Mã số thuế"), max_length=14,
                               help_text=_("10 chữ số, hoặc 10 chữ số kèm \"-NNN\" cho đơn vị phụ thuộc."))
    address = forms.CharField(label=_("Địa chỉ"), max_length=300)
    legal_representative = forms.CharField(label=_("Người đại diện theo pháp luật"), max_length=150)
    email = forms.EmailField(label=_("Email liên hệ"), required=False)
    phone = PhoneField(label=_("Điện thoại"), max_length=30, required=False)
    website = forms.URLField(label=_("Trang web"), required=False, assume_scheme="https")

    def clean_tax_code(self) -> str:
        """Checked with the other fields, not only once they pass (services.check_tax_code says how)."""
        from sangtao.orgs.services import check_tax_code

        try:
            return check_tax_code(self.cleaned_data["tax_code"])
        except InvalidInput as refused:
            raise forms.ValidationError(refused.message, code="invalid") from refused


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("Email người được mời"))
