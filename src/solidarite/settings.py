"""Django settings, read from the environment with safe local defaults.

Production (DEBUG off, the default) refuses to start without SECRET_KEY and SOLIDARITE_FIELD_KEYS,
and sets ALLOWED_HOSTS, DATABASE_URL, SOLIDARITE_HTTPS=true and SOLIDARITE_TRUSTED_PROXIES (see
docs/deploy.md). Locally (`make run`, `make test` set DEBUG=true) nothing is required: SQLite under
var/ and keys generated once into var/, so no secret is ever committed.
"""

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
import django_stubs_ext
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from solidarite.paths import PACKAGE_DIR, VAR_DIR

# Lets admin and queryset classes be subscripted at run time, as the type checker wants them.
django_stubs_ext.monkeypatch()


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _local_secret_key() -> str:
    """Generate a key once per checkout so a local install never shares a secret with another."""
    path = Path(VAR_DIR) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


def _local_field_key() -> str:
    """The key that encrypts bank details at rest, generated once per checkout like the secret key;
    production sets SOLIDARITE_FIELD_KEYS (comma-separated Fernet keys, newest first)."""
    from cryptography.fernet import Fernet

    path = Path(VAR_DIR) / "field_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(Fernet.generate_key())
        path.chmod(0o600)
    return path.read_text().strip()


DEBUG = _env_bool("DEBUG", False)


def _required_in_production(name: str, purpose: str) -> None:
    """With DEBUG off, a missing secret stops start-up: a generated one would change at every
    deployment (sessions lost, bank details unreadable)."""
    if not DEBUG and not os.environ.get(name, "").strip():
        raise ImproperlyConfigured(
            f"{name} is not set. Production (DEBUG off) needs it: {purpose}. "
            "See docs/deploy.md; for a local demo use `make run` (DEBUG=true)."
        )


_required_in_production("SECRET_KEY", "it signs sessions and CSRF tokens")
_required_in_production(
    "SOLIDARITE_FIELD_KEYS", "it encrypts bank details at rest (Fernet keys, newest first)"
)
SECRET_KEY = os.environ.get("SECRET_KEY") or _local_secret_key()
FIELD_ENCRYPTION_KEYS = _env_list("SOLIDARITE_FIELD_KEYS", "") or [_local_field_key()]
# The account the transfers leave from (the CCAS's account at the Trésor public). The defaults
# are a fictitious demo account with valid check digits; production sets all three.
SOLIDARITE_SEPA_DEBTOR = {
    "name": os.environ.get("SOLIDARITE_SEPA_DEBTOR_NAME", "CCAS DEMONSTRATION"),
    "iban": os.environ.get("SOLIDARITE_SEPA_DEBTOR_IBAN", "FR7610071250000000100000173"),
    "bic": os.environ.get("SOLIDARITE_SEPA_DEBTOR_BIC", "TRPUFRP1"),
}
ALLOWED_HOSTS = _env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
# The address emails sent outside a request (appointment reminders) link to.
SITE_URL = os.environ.get("SOLIDARITE_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
CSRF_TRUSTED_ORIGINS = _env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "axes",
    "auditlog",
    "csp",
    "ninja",
    "solidarite.core",
    "solidarite.accounts",
    "solidarite.audit",
    "solidarite.schemes",
    "solidarite.simulator",
    "solidarite.api",
    "solidarite.plans",
    "solidarite.cases",
    "solidarite.payments",
    "solidarite.contracts",
    "solidarite.privacy",
    "solidarite.territory",
    "django_tasks",
    "django_tasks_db",
    "solidarite.costing",
]

# Long costing runs go through Django's tasks framework (the django-tasks backport) with the
# database back-end: no broker to install; `manage.py db_worker` runs them (`make run` starts
# it beside the web server). SOLIDARITE_TASKS_IMMEDIATE=true runs them in the request instead.
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend"
            if os.environ.get("SOLIDARITE_TASKS_IMMEDIATE", "").lower() == "true"
            else "django_tasks_db.DatabaseBackend"
        ),
    }
}
# Saved costing populations (Parquet files): aggregates are computed from them, never shown.
COSTING_DIR = Path(VAR_DIR) / "costing"

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "solidarite.core.middleware.ApiBodyGuardMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    "axes.middleware.AxesMiddleware",
    "solidarite.accounts.acting.ActingOrganisationMiddleware",
    "solidarite.core.middleware.NoStoreForSignedInMiddleware",
]

# A household is a few kilobytes: anything near this is a mistake or an attack.
SOLIDARITE_API_MAX_BODY_BYTES = 256 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

ROOT_URLCONF = "solidarite.urls"
WSGI_APPLICATION = "solidarite.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "solidarite.core.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{Path(VAR_DIR) / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "start"
LOGOUT_REDIRECT_URL = "home"

# Throttling of repeated failed logins (django-axes): 5 failures per username and address lock
# that pair for 15 minutes. Usernames are not written to the logs.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# The client address behind the reverse proxy (docs/deploy.md): X-Forwarded-For is believed only
# from these proxies (comma-separated addresses or networks, e.g. 127.0.0.1,10.0.0.0/8).
SOLIDARITE_TRUSTED_PROXIES = _env_list("SOLIDARITE_TRUSTED_PROXIES", "")
AXES_CLIENT_IP_CALLABLE = "solidarite.accounts.client_ip.client_ip"
# One address failing this often (any usernames) within the cool-off is refused (HTTP 429).
SOLIDARITE_LOGIN_FAILURES_PER_ADDRESS = int(
    os.environ.get("SOLIDARITE_LOGIN_FAILURES_PER_ADDRESS", "30")
)
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STATIC_ROOT = Path(VAR_DIR) / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise serves collected files from here
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Solidarité <ne-pas-repondre@localhost>")

# Security headers. HTTPS-only settings are switched on together behind a TLS reverse proxy.
_HTTPS = _env_bool("SOLIDARITE_HTTPS", False)
SECURE_SSL_REDIRECT = _HTTPS
SESSION_COOKIE_SECURE = _HTTPS
CSRF_COOKIE_SECURE = _HTTPS
SECURE_HSTS_SECONDS = 31_536_000 if _HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = _HTTPS
SECURE_HSTS_PRELOAD = _HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if _HTTPS else None
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 3600
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Logs carry no personal data: no request bodies, no usernames; errors go to stderr.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
