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
