from allauth.account.internal.flows.login import perform_password_login
from allauth.account.models import EmailAddress, Login
from allauth.socialaccount.models import SocialApp, SocialLogin
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from sangtao.accounts import services, throttle
from sangtao.accounts.adapter import PENDING_LINK
from sangtao.accounts.forms import LoginForm, ProfileForm, TokenForm
from sangtao.accounts.oidc import SSO_LOGOUT, end_session_url, mapped_claims
from sangtao.core.confirm import ask_first
from sangtao.orgs.models import Membership

DEMO_LOGINS = [
    ("dost", gettext_lazy("Điều phối viên Sở KH&CN")),
    ("officer", gettext_lazy("Chuyên viên Sở Y tế")),
    ("leader", gettext_lazy("Lãnh đạo Sở Y tế")),
    ("officer2", gettext_lazy("Chuyên viên phường Sài Gòn")),
    ("expert", gettext_lazy("Chuyên gia hội đồng")),
    ("solver", gettext_lazy("Thành viên tổ chức giải quyết")),
    ("citizen", gettext_lazy("Người dân")),
]


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["demo_logins"] = DEMO_LOGINS if settings.DEMO_MODE else []
        context["providers"] = sso_providers()
        return context

    def form_valid(self, form):
        """The password is right: allauth's login flow takes over, so a sign-up's unconfirmed e-mail
        and a second factor are asked for here too. A sign-up's address is its primary e-mail row;
        accounts DoST made have none, and are not asked to confirm: not even once they ask for a new
        address (its row is not primary until its link is opened), which would have held them at the
        door until they opened a link sent to an address they may have mistyped."""
        user = form.get_user()
        mandatory = EmailAddress.objects.filter(user=user, primary=True).exists()
        login = Login(user=user, redirect_url=self.get_success_url(),
                      email_verification=settings.ACCOUNT_EMAIL_VERIFICATION if mandatory else "none")
        return perform_password_login(self.request, {"username": form.cleaned_data["username"]}, login)


class LogoutView(auth_views.LogoutView):
    """Sign out here; after a single sign-on, the page offers to sign out at the provider as well (a link:
    the provider's page is the person's to open, and no form posts to another site)."""

    def post(self, request, *args, **kwargs):
        sso = request.session.get(SSO_LOGOUT)
        response = super().post(request, *args, **kwargs)
        if not sso:
            return response
        return render(request, "accounts/logged_out_sso.html", {"name": sso.get("name", ""),
                                                                  "end_session": end_session_url(sso)})


def sso_providers() -> list[SocialApp]:
    return list(SocialApp.objects.filter(provider="openid_connect").order_by("name"))


class PasswordResetView(auth_views.PasswordResetView):
    """The reset form, with requests counted per address and per e-mail; the answer never says
    whether the address has an account."""

    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"

    def form_valid(self, form):
        until = throttle.reset_locked_until(self.request, form.cleaned_data["email"])
        if until:
            form.add_error(None, _("Đã gửi quá nhiều yêu cầu. Hãy thử lại sau %(time)s.")
                           % {"time": throttle.retry_text(until)})
            return self.form_invalid(form)
        services.password_reset_requested(self.request, form.cleaned_data["email"])
        return super().form_valid(form)


def welcome(request):
    """Where a confirmed sign-up lands: what a new account can do next."""
    return render(request, "accounts/welcome.html")


@login_required
def sso_link(request):
    """Confirm linking a single sign-on identity to the signed-in account (or decline it)."""
    data = request.session.get(PENDING_LINK)
    if data is None:
        return redirect("profile")
    sociallogin = SocialLogin.deserialize(data)
    app = SocialApp.objects.filter(provider="openid_connect", provider_id=sociallogin.account.provider).first()
    if request.method == "POST":
        del request.session[PENDING_LINK]
        if "confirm" in request.POST:
            services.link_identity(request, sociallogin)
            messages.success(request, _("Đã liên kết danh tính đăng nhập một lần với tài khoản."))
        else:
            messages.info(request, _("Đã bỏ qua, không liên kết."))
        return redirect("profile")
    claims = mapped_claims(app, sociallogin.account.extra_data) if app else {}
    return render(request, "accounts/sso_link.html", {"app": app, "claims": claims})


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"

    def form_valid(self, form):
        with transaction.atomic():
            response = super().form_valid(form)
            services.password_reset(form.user)
        return response


@login_required
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        asked = services.update_profile(request.user, form, request)
        messages.success(request, _("Đã lưu hồ sơ."))
        if asked:
            messages.info(request, _("Đã gửi đường dẫn xác nhận tới %(email)s. Địa chỉ email của tài khoản chỉ đổi "
                                     "khi bạn mở đường dẫn đó.") % {"email": asked})
        return redirect("profile")
    new_token = request.session.pop("new_token", None)
    apps = {app.provider_id: app for app in sso_providers()}
    identities = [(account, mapped_claims(app, account.extra_data) if (app := apps.get(account.provider)) else {},
                   app) for account in request.user.socialaccount_set.all()]
    return render(request, "accounts/profile.html", {
        "form": form, "token_form": TokenForm(), "new_token": new_token,
        "identities": identities,
        "providers": [app for app in apps.values() if app.provider_id not in {a.provider for a, _c, _app in identities}],
        "tokens": request.user.api_tokens.all(),
        "memberships": Membership.objects.filter(user=request.user).select_related("unit"),
    })


@login_required
@require_POST
def token_create(request):
    form = TokenForm(request.POST)
    if form.is_valid():
        _token, raw = services.create_token(request.user, form.cleaned_data["name"])
        request.session["new_token"] = raw  # shown once on the next page, then forgotten
        messages.success(request, _("Đã tạo token. Hãy sao chép ngay: token chỉ hiển thị một lần."))
    else:
        messages.error(request, _("Cần đặt tên cho token."))
    return redirect("profile")


@login_required
@require_POST
def token_revoke(request, pk):
    token = get_object_or_404(request.user.api_tokens, pk=pk)
    if token.revoked_at is not None:  # already revoked: nothing to ask, nothing to record again
        return redirect("profile")
    asking = ask_first(request, heading=_("Thu hồi token «%(name)s»?") % {"name": token.name},
                       consequence=_("Mọi chương trình dùng token này sẽ bị từ chối ngay. Việc này không hoàn tác "
                                     "được: muốn dùng tiếp, tạo một token mới."),
                       button=_("Thu hồi token"), back=reverse("profile"))
    if asking is not None:
        return asking
    services.revoke_token(request.user, token)
    messages.success(request, _("Đã thu hồi token."))
    return redirect("profile")
