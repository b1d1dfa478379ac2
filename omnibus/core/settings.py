"""Django settings for Omnibus.

Configuration comes from the environment so that the same code runs the embedded
demo (SQLite under ./var) and a production or CI deployment (PostgreSQL via DATABASE_URL).
"""

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
PROJECT_DIR = BASE_DIR.parent
DATA_DIR = Path(os.environ.get("OMNIBUS_DATA_DIR", PROJECT_DIR / "var"))

# The demo key is only for a machine-local demo; a deployment sets its own.
SECRET_KEY = os.environ.get("OMNIBUS_SECRET_KEY", "omnibus-demo-key-not-for-production")
DEBUG = os.environ.get("OMNIBUS_DEBUG", "0") == "1"
ALLOWED_HOSTS = os.environ.get("OMNIBUS_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "omnibus.core",
    "omnibus.site",
    "omnibus.frame",
    "omnibus.fieldwork",
    "omnibus.collect",
    "omnibus.coding",
    "omnibus.context",
    "omnibus.outputs",
    "django_tasks",
    "django_tasks_db",
]

# Background work (sending the outbox) runs as tasks on a queue kept in the database:
# `omnibus worker` works it; no other server is needed.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "omnibus.core.control_characters.StripControlCharacters",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "omnibus.site.urls"

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
            ],
        },
    },
]

WSGI_APPLICATION = "omnibus.site.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{DATA_DIR / 'omnibus.sqlite3'}",
        # Connections are kept for ten minutes and not checked with a query before each request:
        # that check was a round trip per request. A connection found broken fails that one
        # request and is then closed (docs/decisions.md).
        conn_max_age=600,
        conn_health_checks=False,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE transactions take SQLite's write lock at the start, so two colleagues saving at
    # once are put one after the other (as the row lock does on PostgreSQL) instead of failing.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
# The survey's hot path runs its statements prepared on PostgreSQL (`core.prepared`). Behind a
# pooler in transaction mode a prepared statement does not follow the session: set
# OMNIBUS_PREPARED_STATEMENTS=0 there (docs/deployment.md).
PREPARED_STATEMENTS = os.environ.get("OMNIBUS_PREPARED_STATEMENTS", "1") == "1"
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and PREPARED_STATEMENTS:
    # Django turns psycopg's prepared statements off (a threshold of None); a threshold no
    # statement reaches turns them on for the statements that ask (prepare=True), and only those.
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = 2**31 - 1
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
# Only a deployment that runs collectstatic needs a static root; WhiteNoise serves from the finders.
STATIC_ROOT = os.environ.get("OMNIBUS_STATIC_ROOT") or None
# GOV.UK Frontend comes from its npm package; `make` installs it into node_modules.
GOVUK_FRONTEND_DIST = PROJECT_DIR / "node_modules" / "govuk-frontend" / "dist"
STATICFILES_DIRS = [("govuk-frontend", GOVUK_FRONTEND_DIST)] if GOVUK_FRONTEND_DIST.exists() else []
WHITENOISE_USE_FINDERS = True

# Sessions live in the database, so any server behind a load balancer can answer any request.
SESSION_ENGINE = "omnibus.core.sessions"  # Django's database backend, with a leaner read
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# Secure cookies need HTTPS: production sets OMNIBUS_SECURE_COOKIES=1 (`omnibus serve` does by default).
SECURE_COOKIES = os.environ.get("OMNIBUS_SECURE_COOKIES", "0") == "1"
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# No page of a survey needs a large body: refuse big ones early (Django answers 400).
DATA_UPLOAD_MAX_MEMORY_SIZE = 256 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 400

# Behind N trusted proxies (a load balancer), the client's address is the Nth from the right of
# X-Forwarded-For; without them REMOTE_ADDR is the client (wrong-code throttling counts by it).
TRUSTED_PROXY_COUNT = int(os.environ.get("OMNIBUS_TRUSTED_PROXY_COUNT", "0"))

# Django's four rules for every password set through Omnibus (`omnibus user add`, `omnibus django
# changepassword`): at least 10 characters, not like the user's name, not a common one, not all digits.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Page-shown paradata is written in batches of this many events (omnibus/collect/paradata.py).
PARADATA_BATCH = int(os.environ.get("OMNIBUS_PARADATA_BATCH", "50"))

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"  # without it, Django renders a logged-out template Omnibus does not have

# Files the back office builds (tab books, reports, datasets), one folder per wave and build.
OUTPUTS_DIR = Path(os.environ.get("OMNIBUS_OUTPUTS_DIR", DATA_DIR / "outputs"))

# A failed CSRF check (a form without its token, or a stale one) gets the service's own error page.
CSRF_FAILURE_VIEW = "omnibus.core.csrf.csrf_failure"

# Where invitation links point. Unset, messages sent from the back office link to the address it is
# served on (the request's host, checked against ALLOWED_HOSTS), and `omnibus messages send` refuses
# to queue links it cannot know (omnibus.fieldwork.messages.links_base).
BASE_URL = os.environ.get("OMNIBUS_BASE_URL", "")

# Server errors go to the console with their traceback whether or not DEBUG is on: Django's own
# console handler speaks only under DEBUG, and its mail to ADMINS needs a list nobody keeps.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        "omnibus": {"handlers": ["console"], "level": "INFO"},
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "django.security": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}

# Coding suggestions may ask an OpenAI-compatible endpoint to name candidate themes. Off unless
# OMNIBUS_LLM_URL is set; nothing depends on it (the key terms name the themes otherwise).
CODING_LLM = {
    "url": os.environ.get("OMNIBUS_LLM_URL", ""),
    "key": os.environ.get("OMNIBUS_LLM_KEY", ""),
    "model": os.environ.get("OMNIBUS_LLM_MODEL", ""),
}

# The respondent's public pages (start, privacy, accessibility, cookies, contact) are written from
# the questionnaire's `about:` block; a deployment fills in or overrides these parts of it.
RESPONDENT_SERVICE = {
    key: os.environ[f"OMNIBUS_SERVICE_{key.upper()}"]
    for key in ("contact_name", "contact_email", "contact_phone", "data_controller", "privacy", "retention")
    if os.environ.get(f"OMNIBUS_SERVICE_{key.upper()}")
}
