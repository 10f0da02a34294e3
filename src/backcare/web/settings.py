"""Django settings for the backcare web app. Values come from backcare.config."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url

from backcare import config, data_at_rest

BASE_DIR = Path(__file__).resolve().parent
SECRET_KEY = config.secret_key()
DEBUG = config.debug()
ALLOWED_HOSTS = config.allowed_hosts()
CSRF_TRUSTED_ORIGINS = config.csrf_trusted_origins()

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "csp",
    "django_htmx",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "ninja",  # the API docs page's scripts and styles, served as static files (docs/api.md)
    "backcare.records",
    "backcare.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "backcare.web.caching.NoStoreMiddleware",
    "backcare.web.request_size.RequestSizeMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "backcare.web.idle.IdleTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
    "backcare.web.second_factor.SecondFactorMiddleware",
    "backcare.web.busy.BusyDatabaseMiddleware",
]

ROOT_URLCONF = "backcare.web.urls"
WSGI_APPLICATION = "backcare.web.wsgi.application"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                # the CSRF token masked once for the whole page (web/csrf_token.py)
                "backcare.web.csrf_token.context",
            ],
        },
    }
]


def _database(url: str) -> dict[str, Any]:
    """Django's settings for the database at ``url``; SQLite set up for several writers at once.

    SQLite: write-ahead logging, so readers never wait for a writer nor a writer for readers;
    every transaction begins IMMEDIATE, taking the single write lock at its start, so a save
    waits its turn (up to the busy timeout) instead of failing with "database is locked" when it
    would turn from reading to writing; synchronous=FULL, so a save is on disk before it is
    acknowledged, even across a power cut (NORMAL, with WAL, may lose the last saves then; the
    cost of FULL is one flush of the log per save: bench/bench_saves.py measures it).
    """
    database: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=60))
    if database["ENGINE"] == "django.db.backends.sqlite3":
        path = Path(database["NAME"])
        if database["NAME"] != ":memory:" and path.parent.is_dir():
            data_at_rest.private_file(path)
        database["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": config.sqlite_busy_timeout(),
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL",
            **database.get("OPTIONS", {}),
        }
    return database


DATABASES = {"default": _database(config.database_url())}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "records.User"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# Every form that sets a password and `backcare user passwd` apply these, with their messages.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "backcare.records.password_rules.NotBuiltFromNameValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

# Login throttling: five failed passwords or second-factor codes within 15 minutes lock the user
# name (from every address) and, separately, the address (for every user name) for 15 minutes.
# Failures are not wiped by a correct password, so a guesser who knows the password still gets
# only five tries at the code.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username"], ["ip_address"]]
AXES_RESET_ON_SUCCESS = False
AXES_LOCKOUT_TEMPLATE = "web/locked_out.html"

# A one-time link to set a password (an invitation or a reset) works for 72 hours and only once.
PASSWORD_RESET_TIMEOUT = 72 * 60 * 60
# Second factor: the issuer name an authenticator app shows beside the account.
OTP_TOTP_ISSUER = "backcare"

# Sessions end after 8 hours, when the browser closes, or after BACKCARE_IDLE_MINUTES without a
# request (web/idle.py).
SESSION_COOKIE_AGE = 8 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
BACKCARE_IDLE_MINUTES = config.idle_minutes()
SESSION_COOKIE_SECURE = config.secure_cookies() and not DEBUG
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# HTTPS is known from the request itself, or from the proxy named by BACKCARE_TRUSTED_PROXY
# (``backcare serve`` lets only that address set X-Forwarded-Proto and X-Forwarded-For).
SECURE_HSTS_SECONDS = config.hsts_seconds()
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy: scripts, styles, images and requests from this site only; no inline
# script or style, no plugins, no framing, forms post only here.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'none'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = config.data_dir() / "static"
FILE_UPLOAD_PERMISSIONS = data_at_rest.PRIVATE_FILE
FILE_UPLOAD_DIRECTORY_PERMISSIONS = data_at_rest.PRIVATE_DIR
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(config.data_dir() / "documents")},
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Source maps (megabytes, for debugging the API docs page's scripts) are served as they are:
# compressing them took most of a start (collectstatic runs at every `backcare serve`).
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = (
    *("jpg", "jpeg", "png", "gif", "webp", "zip", "gz", "tgz", "bz2", "tbz", "xz", "br"),
    *("woff", "woff2", "map"),
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
