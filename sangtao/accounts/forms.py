from allauth.account.forms import ChangePasswordForm as AllauthChangePasswordForm
from allauth.account.forms import SetPasswordForm as AllauthSetPasswordForm
from allauth.account.forms import SignupForm as AllauthSignupForm
from allauth.socialaccount.forms import DisconnectForm as AllauthDisconnectForm
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.signals import social_account_removed
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from sangtao.accounts import throttle
from sangtao.accounts.models import User
from sangtao.accounts.oidc import mapped_claims
from sangtao.core.audit import record
from sangtao.core.forms import ModelForm
from sangtao.core.ratelimit import client_address
from sangtao.orgs.rules import holds_unit_role


class LoginForm(AuthenticationForm):
    """Username or e-mail and password; failures are counted per account and per address, and
    a limit reached refuses further tries until a stated time, whether the account exists or not."""

    username = forms.CharField(label=_("Tên đăng nhập hoặc email"), max_length=254,
                               widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}))

    def clean(self):
        login = (self.cleaned_data.get("username") or "").strip()
        until = throttle.login_locked_until(self.request, login) if login else None
        if until:
            raise ValidationError(
                _("Đã sai quá nhiều lần. Vì an toàn, hãy thử lại sau %(time)s (hoặc đặt lại mật khẩu)."),
                code="throttled", params={"time": throttle.retry_text(until)})
        try:
            return super().clean()
        except ValidationError as error:
            if (login and self.cleaned_data.get("password") and error.code != "sso_required"
                    and throttle.count_login_failure(self.request, login)):
                user = User.objects.filter(**{"email__iexact" if "@" in login else "username__iexact": login}).first()
                record(None, "login_locked", user or User(pk=0), login=login,
                       ip=client_address(self.request), until=throttle.retry_at().isoformat())
            raise

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if settings.SSO_REQUIRED_FOR_UNIT_ROLES and holds_unit_role(user):
            raise ValidationError(_("Tài khoản có vai trò trong đơn vị phải đăng nhập bằng đăng nhập một lần (SSO)."),
                                  code="sso_required")


class LabelsNotPlaceholders:
    """allauth's fields repeat their label as a placeholder, which goes as one types: the label says it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.pop("placeholder", None)


class ChangePasswordForm(LabelsNotPlaceholders, AllauthChangePasswordForm):
    pass


class SetPasswordForm(LabelsNotPlaceholders, AllauthSetPasswordForm):
    """For an account made by single sign-on, which has no password of its own yet."""


class DisconnectForm(AllauthDisconnectForm):
    """Which single sign-on identity to unlink, each named by its provider and the address it vouched for."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        account = self.fields["account"]
        account.label = _("Danh tính muốn bỏ liên kết")
        account.label_from_instance = self.name_of  # type: ignore[attr-defined]

    @staticmethod
    def name_of(identity) -> str:
        try:
            provider = identity.get_provider()
        except SocialApp.DoesNotExist:  # DoST removed the provider: the identity is still the person's to unlink
            return identity.provider
        email = mapped_claims(provider.app, identity.extra_data)["email"]
        return f"{provider.name} · {email}" if email else provider.name

    def clean(self):
        """Our rule for the last identity, in place of allauth's (which asks for a confirmed e-mail row, which
        accounts DoST made do not have): the account must still be able to sign in without it."""
        cleaned = forms.Form.clean(self)
        account = cleaned.get("account")
        if account is None or self.accounts.exclude(pk=account.pk).exists():
            return cleaned
        user = account.user
        if settings.SSO_REQUIRED_FOR_UNIT_ROLES and holds_unit_role(user):
            raise ValidationError(_("Tài khoản có vai trò trong đơn vị chỉ đăng nhập bằng đăng nhập một lần: "
                                    "không bỏ liên kết được danh tính cuối cùng."), code="sso_required")
        if not user.has_usable_password() or not user.email:
            raise ValidationError(_("Hãy đặt mật khẩu trước: không có danh tính này, tài khoản cần mật khẩu và "
                                    "email để đăng nhập và để lấy lại mật khẩu."), code="no_password")
        return cleaned

    def save(self) -> None:
        account = self.cleaned_data["account"]
        try:
            account.get_provider()
        except SocialApp.DoesNotExist:  # allauth's unlinking reads the provider DoST removed: done here, as it would
            account.delete()
            social_account_removed.send(sender=type(account), request=self.request, socialaccount=account)
            messages.info(self.request, _("Đã bỏ liên kết danh tính."))
            return
        super().save()


class SignupForm(LabelsNotPlaceholders, AllauthSignupForm):
    """Sign-up: e-mail and password (Django's validators), a name, and the consent to the account's
    processing, recorded with the version of the notice shown (silence is not consent)."""

    full_name = forms.CharField(label=_("Họ và tên"), max_length=150, required=False)
    consent_account = forms.BooleanField(
        label=_("Tôi đã đọc thông báo xử lý dữ liệu cá nhân cho tài khoản và đồng ý."), required=True,
        error_messages={"required": _("Cần đồng ý với việc xử lý dữ liệu cho tài khoản để tạo tài khoản.")})

    field_order = ["email", "full_name", "password1", "password2", "consent_account"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label in (("email", _("Email")), ("password1", _("Mật khẩu")), ("password2", _("Nhập lại mật khẩu"))):
            self.fields[name].label = label
        self.fields["email"].widget.attrs["autocomplete"] = "email"

    def save(self, request):
        user = super().save(request)
        if user is not None:  # None when the address was taken (the owner gets an e-mail instead)
            from sangtao.privacy import services as privacy

            privacy.give_consent(user, "account", request=request)
        return user

    def custom_signup(self, request, user):
        user.full_name = self.cleaned_data.get("full_name", "")
        user.save(update_fields=["full_name"])


class ProfileForm(ModelForm):
    """The name and the language are saved at once. A new e-mail address counts only once its owner opens the
    link sent to it (accounts.services.update_profile), and the form never says that an address belongs to
    someone else: the address is not a model field here, so no uniqueness error can tell it."""

    email = forms.EmailField(label=_("Email"), max_length=254)
    field_order = ["full_name", "email", "language"]

    class Meta:
        model = User
        fields = ["full_name", "language"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("email", self.instance.email)


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Tên token (để nhớ dùng vào việc gì)"), max_length=80)
