"""Settings for the Schuldigital-Monitor.

Every knob comes from the environment (see README). Without any environment the
portal refuses to start unless DJANGO_DEBUG is on, so that a production server
never runs with a development secret.
"""

import datetime
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool = False) -> bool:
    """Read a boolean; refuse anything that is not clearly true or false."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {raw!r}.")


def env_list(name: str, default: list[str]) -> list[str]:
    """Read a comma-separated list."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}.") from None


def checked_log_file(name: str, path: str) -> str:
    """A log file the process can create: else a message naming `name`, not logging's
    "Unable to configure handler" (the standard handler opens the file at start)."""
    file = Path(path)
    if file.is_dir():
        raise ImproperlyConfigured(f"{name}: {file} is a folder; name a file in it.")
    folder = file.parent
    if not folder.is_dir():
        raise ImproperlyConfigured(
            f"{name}: the folder {folder} does not exist (create it, in a container on a volume)."
        )
    if not os.access(folder, os.W_OK | os.X_OK) or (file.exists() and not os.access(file, os.W_OK)):
        raise ImproperlyConfigured(f"{name}: this process may not write {file}.")
    return path


DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set unless DJANGO_DEBUG is on.")
    SECRET_KEY = "insecure-development-key-only-for-debug"  # noqa: S105 - DEBUG only

# In debug also every *.localhost, which browsers take for this machine: a second
# authority's address (generate_demo --host demo.localhost).
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", ".localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    # Django's admin on a site that requires a second factor (accounts.sites).
    "accounts.apps.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",
    "django_htmx",
    "simple_history",
    "axes",
    "django_ratelimit",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "measures",
    "authorities",
    "schools",
    "editions",
    "staff",
    "legal",
    "accounts",
    "audit",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Early, so that its Cache-Control is the last word on staff pages.
    "bielefeld_digital.middleware.StaffNoStoreMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "bielefeld_digital.middleware.LanguageCookieMiddleware",
    # An authority's pages under /traeger/<prefix>/, before any view reads the path
    # (after the headers and the language, which its 404 needs too).
    "authorities.middleware.PathPrefixMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(); then the code page before anything else (accounts).
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.SecondFactorMiddleware",
    # Security log entries get the request's user and address, and reach the admin.
    "audit.handlers.SecurityEventMiddleware",
    # Gives history records the user also where no code sets it (cascading deletes).
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "bielefeld_digital.middleware.HtmxLoginRedirectMiddleware",
    # Last, so that it sees the login attempts the views make.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # Refuses logins for a locked username+address pair before checking the password.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# A staff session ends when the browser closes (the cookie has no expiry) and at
# the latest a working day after the login: the session's expiry in the database
# is set whenever the session changes, which here is the login.
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_HOURS = env_int("SESSION_HOURS", 10)
if not 1 <= SESSION_HOURS <= 24:
    raise ImproperlyConfigured(f"SESSION_HOURS must be between 1 and 24, not {SESSION_HOURS}.")
SESSION_COOKIE_AGE = 3600 * SESSION_HOURS

LOGIN_URL = "staff:login"
# The second factor (accounts/): the name authenticator apps show for the portal;
# the admin never shows a device's secret.
OTP_TOTP_ISSUER = "Schuldigital-Monitor"
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
LOGIN_REDIRECT_URL = "staff:dashboard"
LOGOUT_REDIRECT_URL = "measures:report"

# Failed logins lock the pair of username and address, not the address alone:
# a whole school office behind one address must not be locked out by one person.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_RESET_ON_SUCCESS = True
# Password spraying (one try for each of many usernames) locks the address
# itself, at a higher threshold (bielefeld_digital.lockouts); 0 switches it off.
AXES_HANDLER = "bielefeld_digital.lockouts.PortalAxesHandler"
AXES_ADDRESS_FAILURE_LIMIT = env_int("AXES_ADDRESS_FAILURE_LIMIT", 30)
if AXES_ADDRESS_FAILURE_LIMIT < 0:
    raise ImproperlyConfigured("AXES_ADDRESS_FAILURE_LIMIT must be 0 (off) or more.")
AXES_LOCKOUT_TEMPLATE = "staff/locked_out.html"
# The client address behind the reverse proxies in front (bielefeld_digital.proxies),
# the same for axes, the rate limits and the security log. Unset means none (the
# connection's address counts; X-Forwarded-For is the client's to forge), and
# `check --deploy` warns until the operator says how many there are.
if "AXES_PROXY_COUNT" in os.environ:
    raise ImproperlyConfigured(
        "AXES_PROXY_COUNT is now TRUSTED_PROXY_COUNT (for the rate limits and the security "
        "log too) and counts the proxies that append to X-Forwarded-For: usually 1 behind "
        "one proxy. Set TRUSTED_PROXY_COUNT and remove AXES_PROXY_COUNT."
    )
TRUSTED_PROXY_COUNT = (
    env_int("TRUSTED_PROXY_COUNT", 0) if "TRUSTED_PROXY_COUNT" in os.environ else None
)
if TRUSTED_PROXY_COUNT is not None and not 0 <= TRUSTED_PROXY_COUNT <= 10:
    raise ImproperlyConfigured(
        f"TRUSTED_PROXY_COUNT must be between 0 and 10, not {TRUSTED_PROXY_COUNT}."
    )
AXES_CLIENT_IP_CALLABLE = "bielefeld_digital.proxies.client_ip"

# django-ratelimit (anonymous forms) counts in the default cache. That cache is
# per process until a shared one (Redis) is configured, so each gunicorn worker
# counts on its own: the limits hold, multiplied by the number of workers. Its
# checks refuse such a cache outright; we accept the multiplication instead of
# requiring a cache server for `make run`.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    # Rendered report files (editions/renders.py), shared by all workers and kept
    # across restarts: a table in the portal's database (created by migration
    # measures 0014). At most 200 files; past that, a third of them is dropped
    # and rendered again when asked for.
    "renders": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "render_cache",
        "TIMEOUT": None,
        "OPTIONS": {"MAX_ENTRIES": 200},
    },
}
RATELIMIT_USE_CACHE = "default"
# The client address as axes resolves it (TRUSTED_PROXY_COUNT above): behind a
# proxy the proxy's own address would otherwise put every client in one bucket.
RATELIMIT_IP_META_KEY = "bielefeld_digital.signals.ratelimit_address"
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.E003", "django_ratelimit.W001"]

ROOT_URLCONF = "bielefeld_digital.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "authorities.context_processors.authority",
            ],
        },
    },
]

WSGI_APPLICATION = "bielefeld_digital.wsgi.application"

FORM_RENDERER = "bielefeld_digital.forms.PortalFormRenderer"
FORMAT_MODULE_PATH = ["bielefeld_digital.formats"]

# DATABASE_URL selects PostgreSQL (production, CI); unset means SQLite in the
# project folder so that a newcomer needs nothing but `make run`.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# A password reset link works once and for this long: long enough for a slow
# municipal mail server, short enough that an old mail in an inbox is useless.
PASSWORD_RESET_TIMEOUT = 60 * env_int("PASSWORD_RESET_TIMEOUT_MINUTES", 60)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "de"
LANGUAGES = [("de", "Deutsch"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Uploads (the sign-language video). Served by legal.views.video, not by whitenoise
# (which serves STATIC_ROOT only) and not under MEDIA_URL by anything else.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "medien/"

# Tests and `make run` serve static files straight from the finders.
WHITENOISE_USE_FINDERS = env_bool("WHITENOISE_USE_FINDERS", DEBUG)
WHITENOISE_AUTOREFRESH = DEBUG

# Mail (password reset links) through SMTP, configured from the environment.
# Django 6.1's MAILERS replaces the EMAIL_* settings, so the EMAIL_* names are
# environment variables here, not settings. In debug, mail goes to the console
# unless EMAIL_HOST is set. Production without EMAIL_HOST starts and passes its
# checks (the portal works without mail), but every mail fails when it is sent
# and is logged as an error ("Failed to send password reset email").
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "webmaster@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
_EMAIL_HOST = os.environ.get("EMAIL_HOST", "").strip()
if DEBUG and not _EMAIL_HOST:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
else:
    _email_use_tls = env_bool("EMAIL_USE_TLS", False)
    _email_use_ssl = env_bool("EMAIL_USE_SSL", False)
    if _email_use_tls and _email_use_ssl:
        raise ImproperlyConfigured("Set at most one of EMAIL_USE_TLS and EMAIL_USE_SSL.")
    _email_options = {
        "host": _EMAIL_HOST or None,
        "username": os.environ.get("EMAIL_HOST_USER", ""),
        "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
        "use_tls": _email_use_tls,
        "use_ssl": _email_use_ssl,
        # A hanging mail server must not hold a worker (and the person waiting).
        "timeout": env_int("EMAIL_TIMEOUT", 10),
    }
    if os.environ.get("EMAIL_PORT"):  # unset: 25, 587 with TLS, 465 with SSL
        _email_options["port"] = env_int("EMAIL_PORT", 25)
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": _email_options,
        }
    }

# Security. Production runs behind a TLS-terminating proxy.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
# The language choice (/i18n/setlang/): over HTTPS only, not sent along with
# requests from other sites' forms, and no script reads it.
LANGUAGE_COOKIE_SECURE = env_bool("LANGUAGE_COOKIE_SECURE", not DEBUG)
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Strict CSP: no inline scripts or styles; the only script (htmx) carries a nonce.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "media-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}

# django.request: a database outage is one line per few seconds with a count, a
# 403 one line without traceback (bielefeld_digital/errors.py). portal.security
# (logins, refusals) also goes to the admin ("Sicherheitsprotokoll", audit/) and,
# with SECURITY_LOG_FILE, to a file rotated daily and kept SECURITY_LOG_DAYS days.
_LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "database_outage": {"()": "bielefeld_digital.errors.DatabaseOutageFilter"},
        "forbidden": {"()": "bielefeld_digital.errors.ForbiddenWithoutTracebackFilter"},
    },
    "formatters": {
        "file": {
            "format": "%(asctime)s %(levelname)s %(message)s",
            "datefmt": "%Y-%m-%d %H:%M:%S %z",
        }
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "level": _LOG_LEVEL},
        "security_events": {"class": "audit.handlers.SecurityEventHandler"},
    },
    "loggers": {
        "django.request": {"filters": ["database_outage", "forbidden"]},
        "portal.security": {"handlers": ["security_events"], "level": "INFO"},
    },
    "root": {"handlers": ["console"], "level": _LOG_LEVEL},
}
SECURITY_LOG_FILE = os.environ.get("SECURITY_LOG_FILE", "").strip()
SECURITY_LOG_DAYS = env_int("SECURITY_LOG_DAYS", 180)
if SECURITY_LOG_DAYS < 1:  # 0 would keep every file for ever
    raise ImproperlyConfigured(f"SECURITY_LOG_DAYS must be at least 1, not {SECURITY_LOG_DAYS}.")
if SECURITY_LOG_FILE:
    LOGGING["handlers"]["security_file"] = {
        "class": "audit.handlers.SecurityLogFileHandler",
        "filename": checked_log_file("SECURITY_LOG_FILE", SECURITY_LOG_FILE),
        "backupCount": SECURITY_LOG_DAYS,
        "formatter": "file",
    }
    LOGGING["loggers"]["portal.security"]["handlers"].append("security_file")
