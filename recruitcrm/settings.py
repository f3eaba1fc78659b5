"""RecruitCRM settings: everything comes from environment variables with safe local defaults.

Production behaviour is switched by variables (see README.md), never by a file that only exists
in production. With nothing set, the app runs on SQLite under var/, an embedded Celery broker, a
file cache and mail written to var/mail/, so a newcomer needs nothing installed to try it. The
one thing with no default is SECRET_KEY: ./bin/run makes one and keeps it in var/secret_key.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from django.utils.csp import CSP
from kombu import Exchange, Queue

from recruitcrm.csp import email_style_hashes
from recruitcrm.env import (
    POSTGRESQL,
    env_bool,
    env_database,
    env_int,
    env_list,
    env_secret_key,
    env_str,
    env_time_zone,
    env_url,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)
# Never a published default: the variable, else the random key ./bin/run made for this machine
# (VAR_DIR/secret_key, mode 0600), else the app refuses to start and says how to fix it.
SECRET_KEY = env_secret_key("SECRET_KEY", VAR_DIR / "secret_key")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# Behind TLS in production; plain http on a laptop.
HTTPS = env_bool("HTTPS", False)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
# Sessions and signed-in users are read from the cache on every request, not the database
# (recruitcrm/auth.py says why and how a change to a login still takes effect at once).
SESSION_ENGINE = "recruitcrm.sessions"
AUTHENTICATION_BACKENDS = ["recruitcrm.auth.CachedUserBackend"]
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy on every page: scripts and styles only from our own static files (a
# script that must be inline carries the request's {{ csp_nonce }}), no eval, no plugins, no
# framing. htmx is configured in base.html to need neither inline styles nor eval.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    # The template editor previews an HTML email in a sandboxed srcdoc iframe, which inherits
    # this policy; email clients need inline style attributes, so exactly those of
    # templates/emails are allowed, by hash, and no other.
    "style-src-attr": [CSP.UNSAFE_HASHES, *email_style_hashes()],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

INSTALLED_APPS = [
    "recruitcrm.apps.RecruitCRMConfig",
    "recruitcrm.apps.RecruitCRMAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.humanize",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_ratelimit",
    "hiring_leaders",
    "candidates",
    "followups",
    # Tools that build data from every app (seed_demo, generate_dataset) and benchmark it.
    "sample_data",
    "benchmarks",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]
# `make bench` only: time every request from inside the process (a Server-Timing header) and
# mount a trivial view at /bench/trivial/ as the yardstick. Never on otherwise.
BENCH_TIMING = env_bool("BENCH_TIMING", False)
if BENCH_TIMING:
    MIDDLEWARE.insert(0, "benchmarks.timing.ServerTimingMiddleware")

ROOT_URLCONF = "recruitcrm.urls"
WSGI_APPLICATION = "recruitcrm.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "recruitcrm.context_processors.navigation",
            ],
        },
    },
    # The pages recruiters keep open all day render many rows; Jinja2 renders them several
    # times faster (recruitcrm/jinja2.py). A template lives in one engine only.
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "NAME": "jinja2",
        "DIRS": [BASE_DIR / "templates" / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {
            "environment": "recruitcrm.jinja2.environment",
            "autoescape": True,
            "context_processors": [
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "recruitcrm.context_processors.navigation",
                "recruitcrm.context_processors.csrf_once",
                "recruitcrm.context_processors.moments",
            ],
        },
    },
]

DATABASES = {"default": env_database("DATABASE_URL", f"sqlite:///{VAR_DIR / 'recruitcrm.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    # Web, worker and beat share one SQLite file locally: wait for the lock instead of failing,
    # and take it up front so a read-then-write never deadlocks.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
elif DATABASES["default"]["ENGINE"] == POSTGRESQL:
    # A database that does not answer must fail a request, not hang a worker.
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = 5
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "recruitcrm.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Sign-in throttling (recruitcrm/throttle.py): at most this many POSTs to the sign-in pages per
# account and per client address in each window, and as many to the password reset page; then
# HTTP 429 until the window ends by itself. Every attempt counts, successful ones too.
SIGN_IN_ATTEMPTS_PER_ACCOUNT = env_int("SIGN_IN_ATTEMPTS_PER_ACCOUNT", 10, minimum=1)
# Generous: a whole office signs in from one address at nine in the morning.
SIGN_IN_ATTEMPTS_PER_IP = env_int("SIGN_IN_ATTEMPTS_PER_IP", 50, minimum=1)
SIGN_IN_WINDOW_MINUTES = env_int("SIGN_IN_WINDOW_MINUTES", 15, minimum=1)
# Reverse proxies in front of gunicorn that append the client to X-Forwarded-For; with 0 the
# client is REMOTE_ADDR. Behind a proxy left at 0, everyone would share the proxy's count.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0, minimum=0)
RATELIMIT_IP_META_KEY = "recruitcrm.throttle.client_ip"
# A counter that vanished between add() and incr() lets that one attempt through rather than
# refusing it with a meaningless wait.
RATELIMIT_FAIL_OPEN = True

LANGUAGE_CODE = "en-us"
TIME_ZONE = env_time_zone("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
# Production runs collectstatic and serves hashed, compressed files (STATIC_MANIFEST=true);
# local runs and tests serve straight from static/ with no build step.
STATIC_MANIFEST = env_bool("STATIC_MANIFEST", False)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if STATIC_MANIFEST
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not STATIC_MANIFEST
if not STATIC_MANIFEST:
    # WhiteNoise warns about a missing STATIC_ROOT even when it serves from static/ directly.
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)

# The cache holds the sign-in throttling counts, so every web process must share it: Redis when
# CACHE_URL is set (production, several machines); otherwise files under VAR_DIR/cache, shared by
# every process on this machine with no server to run (recruitcrm/cache.py says why not the
# database cache or per-process memory).
_cache_url = env_str("CACHE_URL")
if _cache_url:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": env_url("CACHE_URL", _cache_url, ("redis", "rediss")),
            # A cache that does not answer must cost a request a bounded wait, not hang it.
            "OPTIONS": {"socket_connect_timeout": 5, "socket_timeout": 5},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "recruitcrm.cache.LockedFileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
            # Culling drops entries at random: keep it far away so counts are not forgotten.
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        }
    }
# django-ratelimit warns about any cache it has not listed: its list predates Django's own
# RedisCache (atomic INCR, like the django-redis it lists) and cannot know recruitcrm.cache's
# locked file cache. The checks that matter (a real, shared, atomic cache) still run: E003 still
# refuses locmem, dummy and the unlocked file and database caches.
#
# models.W040: a few indexes carry extra columns (INCLUDE) so PostgreSQL answers the busiest pages
# from the index alone; SQLite, which runs only the app tried on one machine, builds the same
# indexes without those columns, which is all that warning says.
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001", "models.W040"]

# Email: SMTP when EMAIL_HOST is set, otherwise every message is written to var/mail/ where the
# person running the app can read it. Never silently dropped.
_smtp_host = env_str("EMAIL_HOST")
if _smtp_host:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": _smtp_host,
                "port": env_int("EMAIL_PORT", 587),
                "username": env_str("EMAIL_HOST_USER"),
                "password": env_str("EMAIL_HOST_PASSWORD"),
                "use_tls": env_bool("EMAIL_USE_TLS", True),
                "use_ssl": env_bool("EMAIL_USE_SSL", False),
                # A server that accepts and never answers must cost one bounded attempt.
                "timeout": env_int("EMAIL_TIMEOUT", 15),
            },
        }
    }
else:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": str(VAR_DIR / "mail")},
        }
    }
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "RecruitCRM <recruiting@localhost>")
SERVER_EMAIL = env_str("SERVER_EMAIL", DEFAULT_FROM_EMAIL)

# Celery. Redis in production and CI; locally an embedded filesystem broker that needs no server,
# so one command starts web, worker and beat together.
CELERY_BROKER_URL = env_url(
    "CELERY_BROKER_URL", "filesystem://", ("redis", "rediss", "filesystem", "memory")
)
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_folder = VAR_DIR / "broker"
    # kombu creates none of these folders (a worker crashes on a missing one) and would otherwise
    # keep its exchange table in a "control" folder under whatever the working directory is.
    (_broker_folder / "control").mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_folder),
        "data_folder_out": str(_broker_folder),
        "processed_folder": str(_broker_folder / "processed"),
        "store_processed": False,
        "control_folder": str(_broker_folder / "control"),
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "socket_timeout": 5,
        "socket_connect_timeout": 5,
        "visibility_timeout": 3600,
    }
CELERY_BROKER_CONNECTION_TIMEOUT = 5
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_IGNORE_RESULT = True
# One queue name per deployment (or per test run sharing a Redis): workers take only their own.
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_QUEUE", "celery")
# The dispatcher's tick has a queue of its own, which every worker also takes from (a worker
# without -Q takes every queue listed here, in turn): a tick never waits behind the hundred send
# tasks the previous one queued.
FOLLOWUP_DISPATCH_QUEUE = f"{CELERY_TASK_DEFAULT_QUEUE}.dispatch"
CELERY_TASK_QUEUES = tuple(
    Queue(name, Exchange(name), routing_key=name)
    for name in (CELERY_TASK_DEFAULT_QUEUE, FOLLOWUP_DISPATCH_QUEUE)
)
CELERY_TASK_ROUTES = {
    "followups.tasks.deliver_due_followups": {
        "queue": FOLLOWUP_DISPATCH_QUEUE,
        "routing_key": FOLLOWUP_DISPATCH_QUEUE,
    }
}
# Celery closes the database connection around every task unless told to reuse it; a send task
# takes a few milliseconds, a new PostgreSQL connection about as long. CONN_MAX_AGE and the
# health check still apply.
CELERY_DB_REUSE_MAX = env_int("CELERY_DB_REUSE_MAX", 1000)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# The one place every periodic job is declared.
CELERY_BEAT_SCHEDULE = {
    "record-worker-heartbeat": {
        "task": "recruitcrm.tasks.record_worker_heartbeat",
        "schedule": timedelta(minutes=1),
        "options": {"expires": 55},
    },
}
# The follow-up dispatcher. The database is the schedule; beat only says "look now".
FOLLOWUP_DISPATCH_EVERY_SECONDS = env_int("FOLLOWUP_DISPATCH_EVERY_SECONDS", 60)
CELERY_BEAT_SCHEDULE |= {
    "deliver-due-followups": {
        "task": "followups.tasks.deliver_due_followups",
        "schedule": timedelta(seconds=FOLLOWUP_DISPATCH_EVERY_SECONDS),
        "options": {"expires": 55},
    },
    "schedule-recurring-followups": {
        "task": "followups.tasks.schedule_recurring_followups",
        "schedule": timedelta(minutes=15),
        "options": {"expires": 600},
    },
    "count-book-health": {
        "task": "followups.tasks.count_book_health",
        "schedule": timedelta(minutes=10),
        "options": {"expires": 540},
    },
    # A scorecard still missing a day after its interview: one reminder, one task in Today.
    "remind-missing-scorecards": {
        "task": "followups.tasks.remind_missing_scorecards",
        "schedule": timedelta(minutes=15),
        "options": {"expires": 600},
    },
    # The analytics pages' default views, counted ahead (candidates.analytics_snapshots).
    "refresh-analytics": {
        "task": "candidates.tasks.refresh_analytics",
        "schedule": timedelta(minutes=10),
        "options": {"expires": 540},
    },
    # Calibration's agency figures, counted ahead (hiring_leaders.calibration_snapshots).
    "refresh-calibration": {
        "task": "hiring_leaders.tasks.refresh_calibration",
        "schedule": timedelta(minutes=10),
        "options": {"expires": 540},
    },
}
# Absolute links in emails (check-ins, unsubscribe) start with this.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")
MESSAGE_ID_DOMAIN = env_str("MESSAGE_ID_DOMAIN", "recruitcrm.invalid")
# A claimed row belongs to one worker this long; a worker killed mid-send loses it after that.
FOLLOWUP_LEASE_SECONDS = env_int("FOLLOWUP_LEASE_SECONDS", 300)
FOLLOWUP_MAX_ATTEMPTS = env_int("FOLLOWUP_MAX_ATTEMPTS", 8)
# 10, 20, 40 … minutes, capped at 12 hours: 8 attempts span about a day before giving up.
FOLLOWUP_RETRY_BASE_SECONDS = env_int("FOLLOWUP_RETRY_BASE_SECONDS", 600)
FOLLOWUP_RETRY_MAX_SECONDS = env_int("FOLLOWUP_RETRY_MAX_SECONDS", 12 * 3600)
FOLLOWUP_BATCH_SIZE = env_int("FOLLOWUP_BATCH_SIZE", 200)
FOLLOWUP_SEND_BATCH_SIZE = env_int("FOLLOWUP_SEND_BATCH_SIZE", 50)
# Accepted messages are recorded this many to a commit: a worker that dies before the commit
# causes at most this many duplicates per sending thread (same Message-ID each).
FOLLOWUP_RECORD_EVERY = env_int("FOLLOWUP_RECORD_EVERY", 10)
# Backpressure: never more rows out for sending than workers clear well within a lease.
FOLLOWUP_MAX_IN_FLIGHT = env_int("FOLLOWUP_MAX_IN_FLIGHT", 2000)
# Of those, at most this many rows whose last attempt timed out (each in a task of its own): a
# server that never answers can hold this many sending threads for EMAIL_TIMEOUT, no more.
FOLLOWUP_RETRIES_IN_FLIGHT = env_int("FOLLOWUP_RETRIES_IN_FLIGHT", 2)
# A candidate submitted to a hiring leader this many days ago without a word back is "waiting on
# the leader": said on the leader's page, in their digest and in the recruiter's queue.
LEADER_FEEDBACK_OVERDUE_DAYS = env_int("LEADER_FEEDBACK_OVERDUE_DAYS", 3, minimum=1)

# How long without a heartbeat before the System status page shows a process as down.
HEARTBEAT_STALE_AFTER = timedelta(minutes=5)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}
