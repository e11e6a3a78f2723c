from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView

from sangtao.accounts import views

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("profile/", views.profile, name="profile"),
    path("profile/tokens/", views.token_create, name="token_create"),
    path("profile/tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("password-reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("welcome/", views.welcome, name="welcome"),
    path("sso/link/", views.sso_link, name="sso_link"),
    path("password-reset/sent/", auth_views.PasswordResetDoneView.as_view(
        template_name="accounts/message.html",
        extra_context={"heading": _("Đã gửi email"),
                       "text": _("Nếu email có trong hệ thống, bạn sẽ nhận được đường dẫn đặt lại mật khẩu.")}),
        name="password_reset_done"),
    path("reset/<uidb64>/<token>/", views.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path("reset/done/", auth_views.PasswordResetCompleteView.as_view(
        template_name="accounts/message.html",
        extra_context={"heading": _("Đã đặt lại mật khẩu"), "text": _("Bạn có thể đăng nhập bằng mật khẩu mới.")}),
        name="password_reset_complete"),
    # allauth's own pages for what the profile and the reset above already do: one place for each. Its
    # e-mail page also noted the address of an account DoST made as unconfirmed, and its reset flow was
    # a second one, without the reset's audit row and limits. allauth's links lead here instead.
    path("email/", RedirectView.as_view(pattern_name="profile"), name="account_email"),
    path("password/reset/", RedirectView.as_view(pattern_name="password_reset"), name="account_reset_password"),
    path("password/reset/done/", RedirectView.as_view(pattern_name="password_reset_done"),
         name="account_reset_password_done"),
    path("password/reset/key/done/", RedirectView.as_view(pattern_name="login"),
         name="account_reset_password_from_key_done"),
    path("password/reset/key/<str:key>/", RedirectView.as_view(url=reverse_lazy("password_reset")),
         name="account_reset_password_from_key"),
]
