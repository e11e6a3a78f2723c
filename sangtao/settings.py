"""Django settings for Sáng Tạo. Every environment variable is documented in README."""

from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

from sangtao.core import taskbackend
from sangtao.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", False)
DEMO_MODE = env_bool("DEMO_MODE", False)
# The default is flagged by `manage.py check --deploy`; production sets a real key.
SECRET_KEY = env_str("SECRET_KEY", "django-insecure-dev-only-key-change-me")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
SECURE_COOKIES = env_bool("SECURE_COOKIES", False)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES

# HTTPS in production: redirect plain HTTP, ask browsers to remember HTTPS (HSTS), and, behind
# a reverse proxy that ends TLS, believe its X-Forwarded-Proto header (only when it sets it).
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
if env_bool("SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Reverse proxies (addresses or networks) whose X-Forwarded-For names the client (core/ratelimit.py).
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", "")

# Content-Security-Policy: scripts, styles, images and fonts come from this site only; no
# inline script or style (templates keep them in static files) and no framing.
_CSP = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],  # the API docs' stylesheet draws its icons as data: URLs
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        **({"report-uri": [env_str("CSP_REPORT_URI", "")]} if env_str("CSP_REPORT_URI", "") else {}),
    },
}
if env_bool("CSP_REPORT_ONLY", False):  # try a policy out: browsers report, nothing is blocked
    CONTENT_SECURITY_POLICY_REPORT_ONLY = _CSP
else:
    CONTENT_SECURITY_POLICY = _CSP

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "rules.apps.AutodiscoverRulesConfig",
    *taskbackend.APPS,  # the task API's backport and its database backend (labels kept: migrations name them)
    "ninja",  # serves the API docs' Swagger UI from the package's own static files (no CDN)
    "sangtao.core",
    "sangtao.accounts",
    "sangtao.orgs",
    "sangtao.notifications",
    "sangtao.challenges",
    "sangtao.proposals",
    "sangtao.review",
    "sangtao.projects",
    "sangtao.surveys",
    "sangtao.evaluation",
    "sangtao.capacity",
    "sangtao.initiatives",
    "sangtao.annual",
    "sangtao.knowledge",
    "sangtao.portal",
    "sangtao.audit",
]

MIDDLEWARE = [
    "sangtao.core.middleware.arrival_time",  # first: the time is read before anything else runs
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "sangtao.core.middleware.api_language",  # after it: /api/ follows Accept-Language
    "sangtao.core.middleware.api_errors_in_json",  # inside it: its messages in the client's language
    "sangtao.core.middleware.api_head_as_get",
    "django.middleware.common.CommonMiddleware",
    "sangtao.core.middleware.IdsThatFit",
    "sangtao.core.middleware.error_in_title",  # inside CommonMiddleware, which then counts the changed page
    "django.middleware.csrf.CsrfViewMiddleware",
    "sangtao.core.middleware.forms_in_utf8",
    "sangtao.core.middleware.form_line_breaks",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
]

ROOT_URLCONF = "sangtao.urls"
CSRF_FAILURE_VIEW = "sangtao.portal.views.csrf_failure"
WSGI_APPLICATION = "sangtao.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "sangtao" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "sangtao.portal.context_processors.site",
            ],
        },
    }
]

# Widgets render through TEMPLATES so the project's own widget templates are found.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"), conn_max_age=60
    )
}
# Take the write lock at the start of each transaction so concurrent moves queue instead of failing
# half-way; wait up to 20 s for it. Write-ahead logging, so that the web process and the task workers
# read while one of them writes: with the default rollback journal a reader waits on a writer that
# waits on other readers, and a worker's step once waited the whole 20 s (an in-memory database, as
# the tests use, keeps its journal in memory: the pragma changes nothing there).
SQLITE_OPTIONS = {"transaction_mode": "IMMEDIATE", "timeout": 20, "init_command": "PRAGMA journal_mode=WAL;"}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"]["OPTIONS"] = SQLITE_OPTIONS
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# A cache every web process shares (allauth's rate limits and used codes are kept in it; login
# protection and the survey rate limit count in it when it is Redis: core/ratelimit.py): Redis when
# REDIS_URL is set, else a table in the database, created by `manage.py migrate`.
CACHES: dict[str, dict[str, object]] = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": env_str("REDIS_URL", "")}
    if env_str("REDIS_URL", "") else
    {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "sangtao_cache",
     # Django's default (300 rows, then a third culled) would reset allauth's rate-limit counts in normal use.
     "OPTIONS": {"MAX_ENTRIES": 1_000_000, "CULL_FREQUENCY": 10}}
}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "sangtao.accounts.backends.EmailOrUsernameBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "my_work"  # "Việc của tôi": what awaits the person
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Asia/Ho_Chi_Minh"
FORMAT_MODULE_PATH = ["sangtao.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True  # serve straight from the apps in development and tests
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
# What the platform derives from its installed files once and keeps between runs (the documents' font cut).
CACHE_DIR = Path(env_str("CACHE_DIR", str(BASE_DIR / ".cache")))

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)  # seconds: a mail server that does not answer ends the job, for its retry
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Sáng Tạo <no-reply@sangtao.local>")

# Uploads: refused above this size with a message saying why.
ATTACHMENT_MAX_BYTES = env_int("ATTACHMENT_MAX_BYTES", 20 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = ATTACHMENT_MAX_BYTES + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# Survey imports (CSV or .xlsx) are larger than attachments; a spreadsheet is also refused when its
# zip would unpack to more than IMPORT_MAX_UNPACKED_BYTES.
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 200 * 1024 * 1024)
IMPORT_MAX_UNPACKED_BYTES = env_int("IMPORT_MAX_UNPACKED_BYTES", 1024 * 1024 * 1024)

# Background jobs (django.tasks API; every name of its backport is in core/taskbackend.py): "database" queues rows in this database (no broker);
# "rq" queues them in Redis for RQ workers (scale-out); "immediate" runs each job when its
# transaction commits (one-off scripts). Workers start with `manage.py runtasks` for every backend.
TASKS_BACKEND = env_str("TASKS_BACKEND", "database")
TASKS = {
    "default": {
        "BACKEND": taskbackend.BACKENDS[TASKS_BACKEND],
        "QUEUES": ["default"],
    }
}
RQ_QUEUES = {"default": {"URL": env_str("REDIS_URL", "") or "redis://127.0.0.1:6379/0", "DEFAULT_TIMEOUT": 3600}}
if TASKS_BACKEND == "rq":
    INSTALLED_APPS.append("django_rq")

PAGE_SIZE = env_int("PAGE_SIZE", 20)
OPEN_DATA_LICENCE = env_str(
    "OPEN_DATA_LICENCE", "Creative Commons Attribution 4.0 International (CC BY 4.0)"
)
OPEN_DATA_LICENCE_URL = env_str(
    "OPEN_DATA_LICENCE_URL", "https://creativecommons.org/licenses/by/4.0/"
)

# The city's name and DoST's heading on administrative documents, and the document number of the
# consolidated annual innovation report ({year}, {seq}: the how-many-th report built that year).
CITY_NAME = env_str("CITY_NAME", "Thành phố Hồ Chí Minh")
CITY_DOST_NAME = env_str("CITY_DOST_NAME", "Sở Khoa học và Công nghệ")
# The city's council recognising initiatives' scope, as its documents are numbered (HCMC: guidance 29/HD-HĐXCNSKCTP).
CITY_INITIATIVE_COUNCIL_CODE = env_str("CITY_INITIATIVE_COUNCIL_CODE", "HĐXCNSKCTP")
# A number below 10 takes a leading zero (Decree 30/2020, annex I: 01/BC-SKHCN), as the initiatives' papers.
ANNUAL_REPORT_NUMBER = env_str("ANNUAL_REPORT_NUMBER", "{seq:02d}/BC-SKHCN")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}

# Accounts, sign-up, single sign-on and second factor: django-allauth (issue 11). The project's own
# login page (username or e-mail) stays at /accounts/login/ and hands a checked password to allauth's
# login flow, so e-mail confirmation and the second factor apply to every way in.
INSTALLED_APPS += [
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.mfa",
    "sangtao.privacy",
]
MIDDLEWARE.append("allauth.account.middleware.AccountMiddleware")
MIDDLEWARE.append("sangtao.accounts.middleware.sso_form_action")  # after CSP's: its answer is read by CSP
MIDDLEWARE.append("sangtao.accounts.middleware.second_factor_required")  # after allauth's, which it lets finish
ACCOUNT_ADAPTER = "sangtao.accounts.adapter.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "sangtao.accounts.adapter.SocialAccountAdapter"
SOCIALACCOUNT_FORMS = {"disconnect": "sangtao.accounts.forms.DisconnectForm"}
ACCOUNT_FORMS = {"signup": "sangtao.accounts.forms.SignupForm",
                 "change_password": "sangtao.accounts.forms.ChangePasswordForm",
                 "set_password": "sangtao.accounts.forms.SetPasswordForm"}
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CHANGE_EMAIL = True  # one address per account; a new one replaces it once confirmed by its link
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False  # the link opens a page with a button: mail scanners do not confirm
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_PREVENT_ENUMERATION = True  # sign-up with a taken address says the same and mails its owner
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Sáng Tạo] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if SECURE_COOKIES else "http"
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_RATE_LIMITS = {"signup": "20/m/ip", "confirm_email": "1/3m/key", "reset_password": "20/m/ip,5/m/key"}
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False  # a matching e-mail never logs into an existing account by itself
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_PROVIDERS = {
    # Providers are data (admin: Social applications, provider "openid_connect"); this class adds the
    # nonce, always checks the ID token's RS256 signature against the provider's JWKS, and maps claims.
    "openid_connect": {"provider_class": "sangtao.accounts.oidc.SangTaoOIDCProvider", "OAUTH_PKCE_ENABLED": True},
}
SOCIALACCOUNT_OPENID_CONNECT_URL_PREFIX = "oidc"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Sáng Tạo"

# Login protection: failed logins per account and per client address in a window (then refused with
# the time to try again); the same counts for password-reset requests and API token guesses.
LOGIN_FAILURES_PER_ACCOUNT = env_int("LOGIN_FAILURES_PER_ACCOUNT", 5)
LOGIN_FAILURES_PER_ADDRESS = env_int("LOGIN_FAILURES_PER_ADDRESS", 20)
LOGIN_LOCKOUT_SECONDS = env_int("LOGIN_LOCKOUT_SECONDS", 900)
PASSWORD_RESETS_PER_ADDRESS = env_int("PASSWORD_RESETS_PER_ADDRESS", 5)
TOKEN_FAILURES_PER_ADDRESS = env_int("TOKEN_FAILURES_PER_ADDRESS", 20)
# Accounts holding a unit role must sign in through single sign-on / must have a second factor.
SSO_REQUIRED_FOR_UNIT_ROLES = env_bool("SSO_REQUIRED_FOR_UNIT_ROLES", False)
MFA_REQUIRED_FOR_DOST = env_bool("MFA_REQUIRED_FOR_DOST", False)
