"""A real OpenID provider for the single sign-on tests: django-oauth-toolkit with OpenID Connect,
run as its own Django process on 127.0.0.1 (see serve.py). Test-only; never part of the platform."""

import json
import os

SECRET_KEY = "test-op-only"  # noqa: S105
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = ["django.contrib.auth", "django.contrib.contenttypes", "django.contrib.sessions", "oauth2_provider"]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]
ROOT_URLCONF = "sangtao.accounts.tests.oidc_op.urls"
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": os.environ["OP_DB"]}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True
LOGIN_URL = "/login/"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TEMPLATES = [{"BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": True}]
_KEYS = json.loads(os.environ["OP_KEYS"])  # the signing key, then keys retired but still published
OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    "OIDC_RSA_PRIVATE_KEY": _KEYS[0],
    "OIDC_RSA_PRIVATE_KEYS_INACTIVE": _KEYS[1:],
    "PKCE_REQUIRED": True,
    "OIDC_RP_INITIATED_LOGOUT_ENABLED": True,
    "OIDC_RP_INITIATED_LOGOUT_ALWAYS_PROMPT": False,
    "OAUTH2_VALIDATOR_CLASS": "sangtao.accounts.tests.oidc_op.urls.ClaimsValidator",
    "SCOPES": {"openid": "OpenID", "profile": "Profile", "email": "E-mail", "phone": "Phone"},
}
