"""The pages that start a single sign-on post a form that the platform answers with a redirect to
the identity provider; browsers apply the Content-Security-Policy's form-action to that redirect,
so those pages allow the configured providers' origins (and only those pages)."""

from urllib.parse import urlsplit

SSO_PAGES = ("/accounts/login/", "/accounts/profile/", "/sso/")


def provider_origins() -> list[str]:
    from allauth.socialaccount.models import SocialApp

    origins = set()
    for settings in SocialApp.objects.filter(provider="openid_connect").values_list("settings", flat=True):
        for url in [settings.get("server_url", ""), *settings.get("form_action", [])]:
            parts = urlsplit(url)
            if parts.scheme in ("http", "https") and parts.netloc:
                origins.add(f"{parts.scheme}://{parts.netloc}")
    return sorted(origins)


def sso_form_action(get_response):
    def middleware(request):
        response = get_response(request)
        path = request.path_info
        if any(page in path for page in SSO_PAGES):
            origins = provider_origins()
            if origins:
                response._csp_update = {**(getattr(response, "_csp_update", None) or {}), "form-action": origins}
        return response

    return middleware


# Where a DoST coordinator without a second factor may still go when the setting requires one: setting it up
# (and the password asked again before it), signing out, and the files every page needs.
SECOND_FACTOR_FREE = ("/accounts/2fa/", "/accounts/reauthenticate/", "/accounts/logout/", "/static/", "/i18n/",
                      "/jsi18n/")


def second_factor_required(get_response):
    """With MFA_REQUIRED_FOR_DOST, a signed-in DoST coordinator without a second factor is sent to set one
    up from every page (not only after signing in), until it is on. Nothing is asked when the setting is off."""
    from django.conf import settings
    from django.contrib import messages
    from django.shortcuts import redirect
    from django.utils.translation import gettext as _

    def middleware(request):
        user = getattr(request, "user", None)
        if settings.MFA_REQUIRED_FOR_DOST and user is not None and user.is_authenticated:
            from sangtao.orgs.rules import is_dost_coordinator

            path = request.path_info
            if path.startswith("/en/"):
                path = path[3:]
            if (not path.startswith(SECOND_FACTOR_FREE) and not path.startswith("/api/")
                    and is_dost_coordinator(user) and not user.authenticator_set.filter(type="totp").exists()):
                messages.warning(request, _("Điều phối viên Sở KH&CN cần bật xác thực hai bước trước khi làm việc."))
                return redirect("mfa_activate_totp")
        return get_response(request)

    return middleware
