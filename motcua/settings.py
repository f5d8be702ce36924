"""Settings, read from the environment with safe development defaults.

Environment variables:
  DATABASE_URL      default sqlite:///<data dir>/motcua.sqlite3 (PostgreSQL: postgres://…)
  SECRET_KEY        required when DEBUG is off
  DEBUG             "1"/"0"; default on for development
  ALLOWED_HOSTS     comma-separated; default localhost names
  MOTCUA_DATA_DIR   where the SQLite database and uploaded files live (default ./var)
  MOTCUA_PROVINCE_CODE  administrative code of the province this installation serves
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
import django_stubs_ext
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("MOTCUA_DATA_DIR", BASE_DIR.parent / "var")).resolve()


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = _flag("DEBUG", True)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"

ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver").split(",")
    if h.strip()
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "motcua.core.admin_site.MotcuaAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "motcua.core",
    "motcua.org",
    "motcua.worktime",
    "motcua.catalog",
    "motcua.workflow",
    "motcua.dossiers",
    "motcua.documents",
    "motcua.desk",
    "motcua.portal",
    "motcua.citizens",
    "motcua.payments",
    "motcua.notifications",
    "motcua.quality",
    "motcua.api",
    "ninja",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks",
    "django_tasks_db",
]

# Local stand-ins for the peers we cannot reach in development and tests: an OpenID
# provider with demo citizens, a VNPAY-style payment gateway and an SMS gateway. They speak
# the real protocols over HTTP, so the real client code runs against them. Never in
# production: they are on only with DEBUG unless MOTCUA_DEV_PEERS says otherwise.
MOTCUA_DEV_PEERS = _flag("MOTCUA_DEV_PEERS", DEBUG)
if MOTCUA_DEV_PEERS:
    INSTALLED_APPS += [
        "oauth2_provider",
        "motcua.devpeers.idp",
        "motcua.devpeers.gateway",
        "motcua.devpeers.sms",
    ]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Pages reach cheap phones on weak networks compressed (Django's gzip pads responses
    # against BREACH-style length attacks on the CSRF token).
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "motcua.urls"
WSGI_APPLICATION = "motcua.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "motcua.desk.context.workspace",
                "motcua.citizens.context.citizen",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{DATA_DIR / 'motcua.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Short OLTP queries: JIT compilation cost seconds on big lists and saved nothing
    # (bench/README.md).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    if "DATABASE_URL" not in os.environ:
        DATA_DIR.mkdir(parents=True, exist_ok=True)
    # WAL lets readers work while one writer commits; IMMEDIATE takes the write lock at
    # BEGIN so concurrent writers queue on busy_timeout instead of failing mid-transaction.
    # Django turns foreign-key enforcement on for every SQLite connection itself.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "org.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

LOGIN_URL = "desk:login"
LOGIN_REDIRECT_URL = "desk:inbox"

# The public address of the installation: QR codes on slips open its tracking page.
MOTCUA_PUBLIC_URL = os.environ.get("MOTCUA_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
MEDIA_URL = "media/"
MEDIA_ROOT = DATA_DIR / "media"

# Dossier files (hồ sơ điện tử) are stored content-addressed on local disk by default; an
# S3-compatible backend can replace "dossier_files" without code changes.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "dossier_files": {
        "BACKEND": "motcua.dossiers.storage.ContentAddressedStorage",
        "OPTIONS": {"location": str(DATA_DIR / "files")},
    },
}

# Background work (notifications, sync) runs after commit in the database queue; the
# worker is `motcua db_worker`.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

# Dossier code (mã số hồ sơ, TT 01/2018; TT 03/2025 may change it): a format string over
# the receiving agency's identifier, the local receipt date and the daily sequence.
MOTCUA_DOSSIER_CODE_FORMAT = os.environ.get(
    "MOTCUA_DOSSIER_CODE_FORMAT", "{agency}-{date:%y%m%d}-{seq:04d}"
)
MOTCUA_DOSSIER_CODE_REGEX = os.environ.get(
    "MOTCUA_DOSSIER_CODE_REGEX", r"^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}-\d{6}-\d{4}$"
)
# National channel codes (KenhThucHien). The VNeID code is not published yet: configuration.
MOTCUA_CHANNEL_CODES = {"in_person": "1", "online": "2", "postal": "3", "vneid": "2"}
# Largest JSON request body the API accepts (uploads go through multipart with their own limit).
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("DATA_UPLOAD_MAX_MEMORY_SIZE", str(2_621_440)))

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = _flag("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))

# The province this installation serves (administrative code from vietnam-provinces).
# Nothing in the code is tied to one province: the demo loads whichever this names.
MOTCUA_PROVINCE_CODE = int(os.environ.get("MOTCUA_PROVINCE_CODE", "8"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # WeasyPrint and fontTools narrate every rendering step at INFO.
    "loggers": {
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# --- Citizen sign-in: OpenID Connect (issue 6) -------------------------------------------
# Citizens sign in at an OpenID provider (the national identity provider in production; the
# development provider in motcua/devpeers/idp otherwise) with the authorization-code flow
# and PKCE. Environment variables:
#   MOTCUA_OIDC_ISSUER         the provider's issuer; discovery is read from
#                              {issuer}/.well-known/openid-configuration. Empty: with the dev
#                              peers on, "{MOTCUA_PUBLIC_URL}/dev/idp/o"; otherwise sign-in is off.
#   MOTCUA_OIDC_CLIENT_ID, MOTCUA_OIDC_CLIENT_SECRET   MotCua's registration at the provider
#   MOTCUA_OIDC_SCOPE          scopes asked for
#   MOTCUA_OIDC_PERSONAL_ID_CLAIM  the ID-token claim holding the 12-digit personal ID
#   MOTCUA_OIDC_TOKEN_AUTH_METHOD  client_secret_basic (default) or client_secret_post
MOTCUA_OIDC_ISSUER = os.environ.get("MOTCUA_OIDC_ISSUER", "").rstrip("/")
MOTCUA_OIDC_CLIENT_ID = os.environ.get("MOTCUA_OIDC_CLIENT_ID", "motcua-portal")
MOTCUA_OIDC_CLIENT_SECRET = os.environ.get(
    "MOTCUA_OIDC_CLIENT_SECRET",
    # Dev-only: the development provider registers MotCua with this secret.
    "motcua-dev-oidc-secret" if MOTCUA_DEV_PEERS else "",
)
MOTCUA_OIDC_SCOPE = os.environ.get(
    "MOTCUA_OIDC_SCOPE", "openid profile phone email address personal_id"
)
MOTCUA_OIDC_PERSONAL_ID_CLAIM = os.environ.get("MOTCUA_OIDC_PERSONAL_ID_CLAIM", "personal_id")
MOTCUA_OIDC_TOKEN_AUTH_METHOD = os.environ.get(
    "MOTCUA_OIDC_TOKEN_AUTH_METHOD", "client_secret_basic"
)

if MOTCUA_DEV_PEERS:
    from motcua.devpeers.idp.keys import dev_idp_private_key

    # The development OpenID provider (django-oauth-toolkit). Its issuer is derived from the
    # request: "<base>/dev/idp/o".
    OAUTH2_PROVIDER = {
        "OIDC_ENABLED": True,
        "PKCE_REQUIRED": True,
        "OIDC_RSA_PRIVATE_KEY": dev_idp_private_key(DATA_DIR),
        "SCOPES": {
            "openid": "OpenID Connect",
            "profile": "Name and date of birth",
            "phone": "Phone number",
            "email": "E-mail address",
            "address": "Address",
            "personal_id": "Personal ID number",
        },
        "DEFAULT_SCOPES": ["openid"],
        "OAUTH2_VALIDATOR_CLASS": "motcua.devpeers.idp.validators.DemoOAuth2Validator",
        "ACCESS_TOKEN_EXPIRE_SECONDS": 600,
        "AUTHORIZATION_CODE_EXPIRE_SECONDS": 120,
    }
# --- end of citizen sign-in ----------------------------------------------------------------

# --- Notifications (e-mail, SMS) -------------------------------------------------------
# Citizens are told by the channels listed here (plugins in motcua/notifications/channels).
#   MOTCUA_NOTIFICATION_CHANNELS  comma-separated channel keys (default "email,sms")
#   MOTCUA_SMS_URL                the SMS brandname API (empty: the dev SMS gateway at
#                                 MOTCUA_PUBLIC_URL/dev/sms/api/send when dev peers are on)
#   MOTCUA_SMS_API_KEY            its bearer key (a dev value only with the dev peers)
#   MOTCUA_SMS_SENDER             the brandname shown to the citizen
#   EMAIL_BACKEND, EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD,
#   EMAIL_USE_TLS, EMAIL_TIMEOUT, DEFAULT_FROM_EMAIL
MOTCUA_NOTIFICATION_CHANNELS = [
    c.strip()
    for c in os.environ.get("MOTCUA_NOTIFICATION_CHANNELS", "email,sms").split(",")
    if c.strip()
]
MOTCUA_SMS_URL = os.environ.get("MOTCUA_SMS_URL", "")
MOTCUA_SMS_API_KEY = os.environ.get(
    "MOTCUA_SMS_API_KEY", "dev-sms-key-not-a-secret" if MOTCUA_DEV_PEERS else ""
)
MOTCUA_SMS_SENDER = os.environ.get("MOTCUA_SMS_SENDER", "MOTCUA")
# The key the dev SMS gateway expects (the peer's side of MOTCUA_SMS_API_KEY).
MOTCUA_DEV_SMS_API_KEY = os.environ.get("MOTCUA_DEV_SMS_API_KEY", "dev-sms-key-not-a-secret")
# The dev SMS gateway answers every send with this HTTP status when set (e.g. 503), so
# retries can be tried for real.
MOTCUA_DEV_SMS_FAIL = int(os.environ.get("MOTCUA_DEV_SMS_FAIL", "0"))
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _flag("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "15"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "MotCua <no-reply@motcua.localhost>")
# --- end notifications ------------------------------------------------------------------
