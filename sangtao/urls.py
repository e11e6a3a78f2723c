from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.i18n import set_language

from sangtao.accounts import oidc
from sangtao.api import api
from sangtao.notifications import views as notification_views
from sangtao.portal import views as portal_views

# The admin is where DoST keeps the rules and the calendar: it says so, not Django's "administration".
admin.site.site_header = _("Sáng Tạo — quản trị quy tắc và dữ liệu")
admin.site.site_title = _("Quản trị Sáng Tạo")
admin.site.index_title = _("Quy tắc, danh mục và dữ liệu")

urlpatterns = [
    path("api/v1/", api.urls),
    path("i18n/setlang/", set_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("_trivial/", portal_views.trivial),
    # OpenID Connect redirects land outside the language prefix: one redirect URI per provider.
    path("sso/oidc/<str:provider_id>/login/callback/", oidc.callback, name="openid_connect_callback"),
    path("sso/", include("allauth.socialaccount.providers.openid_connect.urls")),
]

urlpatterns += i18n_patterns(
    path("", portal_views.home, name="home"),
    path("my-work/", portal_views.my_work, name="my_work"),
    path("accessibility/", portal_views.accessibility, name="accessibility"),
    path("accounts/", include("sangtao.accounts.urls")),
    path("accounts/", include("allauth.account.urls")),  # sign-up, e-mail confirmation (our login page first)
    path("accounts/2fa/", include("allauth.mfa.urls")),
    path("accounts/sso/", include("allauth.socialaccount.urls")),
    path("privacy/", include("sangtao.privacy.urls")),
    path("notifications/", notification_views.notification_list, name="notifications"),
    path("notifications/read/", notification_views.notification_read, name="notifications_read"),
    path("", include("sangtao.challenges.urls")),
    path("", include("sangtao.orgs.urls")),
    path("", include("sangtao.proposals.urls")),
    path("", include("sangtao.review.urls")),
    path("", include("sangtao.projects.urls")),
    path("", include("sangtao.surveys.urls")),
    path("", include("sangtao.evaluation.urls")),
    path("", include("sangtao.capacity.urls")),
    path("", include("sangtao.initiatives.urls")),
    path("", include("sangtao.annual.urls")),
    path("", include("sangtao.knowledge.urls")),
    path("", include("sangtao.audit.urls")),
    path("", include("sangtao.core.urls")),
    prefix_default_language=False,
)


handler400 = "sangtao.portal.views.bad_request"
handler500 = "sangtao.portal.views.server_error"
