from django.contrib.auth import authenticate, login
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import include, path
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from oauth2_provider.oauth2_validators import OAuth2Validator

# The people this provider knows: claims beyond the username (the OP's user's first_name holds the key).
PEOPLE = {
    "hung": {"name": "Phạm Văn Hùng", "email": "hung@congty.vn", "email_verified": True,
             "phone_number": "+84901234567", "loa": "muc-2"},
    "officer": {"name": "Nguyễn Văn Cán Bộ", "email": "officer@example.vn", "email_verified": True,
                "phone_number": "+84281234567", "loa": "muc-2"},
    "chua-xac-minh": {"name": "Người Chưa Xác Minh", "email": "lan@example.vn", "email_verified": False, "loa": "muc-1"},
}


class ClaimsValidator(OAuth2Validator):
    oidc_claim_scope = {**OAuth2Validator.oidc_claim_scope, "loa": "profile"}  # a provider's own claim

    def get_additional_claims(self, request):
        person = PEOPLE.get(request.user.username, {})
        return dict(person)


@csrf_exempt
def login_view(request):
    target = request.GET.get("next") or request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    if request.method == "POST":
        user = authenticate(request, username=request.POST.get("username"), password=request.POST.get("password"))
        if user is not None:
            login(request, user)
            return HttpResponseRedirect(target)
    return HttpResponse(
        '<!DOCTYPE html><html lang="en"><head><title>Test OP</title></head><body><main><h1>Test OP</h1>'
        f'<form method="post"><input type="hidden" name="next" value="{escape(target)}">'
        '<label for="op-username">Username</label><input id="op-username" name="username">'
        '<label for="op-password">Password</label><input id="op-password" name="password" type="password">'
        '<button id="op-submit">Sign in</button></form></main></body></html>')


urlpatterns = [
    path("login/", login_view),
    path("o/", include("oauth2_provider.urls", namespace="oauth2_provider")),
]
