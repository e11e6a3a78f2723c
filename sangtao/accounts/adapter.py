"""How allauth fits the platform: the pages it redirects to, its messages in our two languages,
the claim map of single sign-on, and the linking rules.

Linking: an SSO identity is attached to an existing account only after that account's owner,
signed in, confirms it on the link page: when a signed-in person links an identity, and when an
SSO login's verified e-mail is an existing account's (that person signs in with the password
first). A matching e-mail alone never signs anyone in."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialLogin
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from sangtao.accounts.models import User
from sangtao.core.text import clean
from sangtao.orgs.rules import is_dost_coordinator

PENDING_LINK = "sso_pending_link"

# allauth's messages, said in the platform's words (the others are not shown).
MESSAGES = {
    "account/messages/email_confirmation_sent.txt": _("Đã gửi email xác nhận. Hãy mở đường dẫn trong email."),
    "account/messages/email_confirmed.txt": _("Đã xác nhận địa chỉ email."),
    "account/messages/email_confirmation_failed.txt": _("Đường dẫn xác nhận không còn hiệu lực."),
    "account/messages/logged_in.txt": _("Đã đăng nhập."),
    "account/messages/password_changed.txt": _("Đã đổi mật khẩu."),
    "account/messages/password_set.txt": _("Đã đặt mật khẩu. Từ nay bạn cũng đăng nhập được bằng email và mật khẩu."),
    "socialaccount/messages/account_connected.txt": _("Đã liên kết danh tính đăng nhập một lần với tài khoản."),
    "socialaccount/messages/account_connected_other.txt": _("Danh tính này đã liên kết với một tài khoản khác."),
    "socialaccount/messages/account_disconnected.txt": _("Đã bỏ liên kết danh tính."),
    "mfa/messages/totp_activated.txt": _("Đã bật xác thực hai bước."),
    "mfa/messages/totp_deactivated.txt": _("Đã tắt xác thực hai bước."),
    "mfa/messages/recovery_codes_generated.txt": _("Đã tạo mã khôi phục mới."),
}


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "email_taken": _("Không dùng được địa chỉ email này."),
        "email_password_mismatch": _("Email hoặc mật khẩu không đúng."),
        "username_password_mismatch": _("Tên đăng nhập hoặc mật khẩu không đúng."),
        "incorrect_password": _("Mật khẩu không đúng."),
        "password_mismatch": _("Hai mật khẩu không khớp."),
        "too_many_login_attempts": _("Đã thử quá nhiều lần. Hãy thử lại sau ít phút."),
        "account_inactive": _("Tài khoản này đang bị khoá."),
    }

    def add_message(self, request, level, message_template=None, message_context=None, extra_tags="",
                    message=None):
        text = MESSAGES.get(message_template or "")
        if text:
            messages.add_message(request, level, text, extra_tags=extra_tags)

    def get_signup_redirect_url(self, request):
        return reverse("welcome")

    def get_email_verification_redirect_url(self, email_address):
        return reverse("welcome")

    def get_password_change_redirect_url(self, request):
        return reverse("profile")

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        user.full_name = clean(form.cleaned_data.get("full_name", ""))
        if commit:
            user.save()
        return user

    def post_login(self, request, user, **kwargs):
        response = super().post_login(request, user, **kwargs)
        if settings.MFA_REQUIRED_FOR_DOST and is_dost_coordinator(user) and not user.authenticator_set.filter(
                type="totp").exists():
            messages.warning(request, _("Điều phối viên Sở KH&CN cần bật xác thực hai bước trước khi làm việc."))
            return redirect("mfa_activate_totp")
        return response

    def send_mail(self, template_prefix, email, context):
        context = {**context, "site_name": "Sáng Tạo"}
        super().send_mail(template_prefix, email, context)


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def populate_user(self, request, sociallogin, data):
        user = super().populate_user(request, sociallogin, data)
        user.full_name = clean(data.get("name") or "")[:150]
        return user

    def pre_social_login(self, request, sociallogin: SocialLogin) -> None:
        """An identity already linked signs in. A new one is linked only after confirmation."""
        if sociallogin.is_existing:
            return
        connecting = sociallogin.state.get("process") == "connect"
        verified = [address.email for address in sociallogin.email_addresses if address.verified]
        owner = User.objects.filter(email__in=[email.lower() for email in verified]).first() if verified else None
        if not connecting and owner is None:
            return  # a new person: sign-up through SSO
        request.session[PENDING_LINK] = sociallogin.serialize()
        link = reverse("sso_link")
        if request.user.is_authenticated:
            raise ImmediateHttpResponse(redirect(link))
        messages.info(request, _("Địa chỉ email của danh tính này thuộc một tài khoản đã có. Hãy đăng nhập bằng "
                                 "mật khẩu của tài khoản đó để xác nhận liên kết."))
        raise ImmediateHttpResponse(redirect(reverse("login") + "?" + urlencode({"next": link})))

    def get_connect_redirect_url(self, request, socialaccount):
        return reverse("profile")
