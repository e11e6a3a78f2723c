from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sangtao.accounts import services
from sangtao.accounts.forms import LoginForm, ProfileForm, TokenForm
from sangtao.orgs.models import Membership

DEMO_LOGINS = [
    ("dost", "Điều phối viên Sở KH&CN"),
    ("officer", "Chuyên viên Sở Y tế"),
    ("leader", "Lãnh đạo Sở Y tế"),
    ("officer2", "Chuyên viên phường Sài Gòn"),
    ("expert", "Chuyên gia hội đồng"),
    ("solver", "Thành viên tổ chức giải quyết"),
    ("citizen", "Người dân"),
]


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["demo_logins"] = DEMO_LOGINS if settings.DEMO_MODE else []
        return context


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
        services.update_profile(request.user, form)
        messages.success(request, _("Đã lưu hồ sơ."))
        return redirect("profile")
    new_token = request.session.pop("new_token", None)
    return render(request, "accounts/profile.html", {
        "form": form, "token_form": TokenForm(), "new_token": new_token,
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
    services.revoke_token(request.user, token)
    messages.success(request, _("Đã thu hồi token."))
    return redirect("profile")
