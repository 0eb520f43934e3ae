"""Settings of the standards portal.

Everything that differs between machines comes from the environment, read here
and nowhere else. With no environment at all the portal runs embedded: SQLite,
Celery tasks executed eagerly, e-mail printed to the console.
"""

import os
import sys
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONCE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from kombu import Queue

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default=None):
    """The variable's value; unset and empty both mean the default, so an
    empty line in an env file never turns a path into the current folder."""
    value = os.environ.get(name)
    return default if value is None or value.strip() == "" else value


def env_bool(name: str, default: bool = False) -> bool:
    value = env(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item]


TESTING = "pytest" in sys.modules or env_bool("DJANGO_TESTING")
DEBUG = env_bool("DJANGO_DEBUG", default=False)

SECRET_KEY = env("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if DEBUG or TESTING:
        SECRET_KEY = "insecure-embedded-default-key-for-development-only"  # noqa: S105
    else:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set it to a long random string, or set "
            "DJANGO_DEBUG=1 for a local development run."
        )

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django_fsm",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "axes",
    "portal",
    "committees",
    "workplan",
    "qms",
    "standards",
    "catalogue",
    "notifications",
    "accounts",
    "webhooks",
]

MIDDLEWARE = [
    # First: every log line of the request carries its id (portal.request_id).
    "portal.request_id.RequestIdMiddleware",
    # Counts and times every request, by view (portal.metrics, /metrics).
    "portal.metrics.MetricsMiddleware",
    # X-Public-Cache: whether the public cache answered (portal.public_cache).
    "portal.public_cache.PublicCacheHeaderMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # The API's problem bodies, Location and rate-limit headers: outside the
    # upload limit, whose refusals it turns into problems too.
    "portal.api_http.ApiConventionsMiddleware",
    # Before the CSRF check, which reads the body: refuses a body too large
    # for its type unread (portal.uploads).
    "portal.uploads.UploadLimitMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Once the user is known: a visitor's GET reads the read replica, when
    # one is configured (portal.db_router).
    "portal.db_router.ReplicaReadsMiddleware",
    # After the user is known: their saved language and time zone count
    # (in place of Django's LocaleMiddleware; portal.i18n).
    "portal.i18n.LanguageMiddleware",
    # Once the session's user and the language are known: a retried POST of
    # the API answered with its first answer (portal.api_idempotency).
    "portal.api_idempotency.IdempotencyMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "portal.middleware.ApplicationErrorMiddleware",
    # Last, as django-axes asks: it turns a sign-in refused for too many
    # failures into the lockout page (accounts.lockout).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"
ASGI_APPLICATION = "portal.asgi.application"

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
                "django.template.context_processors.i18n",
                "portal.context_processors.portal",
                "portal.i18n.context",
            ],
        },
    },
]

DATA_DIR = Path(env("PORTAL_DATA_DIR", BASE_DIR / "var"))
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'portal.sqlite3'}",
        conn_max_age=int(env("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several requests (and a test's threads) share one file: wait for locks.
    # IMMEDIATE: a transaction takes the write lock when it begins, so two
    # writers queue instead of one failing at its first write; one that waits
    # past the timeout is answered 409 (portal.errors.is_database_busy).
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
elif "postgresql" in DATABASES["default"]["ENGINE"]:
    # No JIT compilation: the portal's queries are short and bounded, and
    # PostgreSQL compiles whatever its planner costs above jit_above_cost
    # (a subquery's estimate at 100,000 standards): 17 ms of compiling for a
    # query that runs in 0.1 ms (issue 19). Keep any options the URL gave.
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options["options"] = (options.get("options", "") + " -c jit=off").strip()
if env_bool("DATABASE_POOL") and "postgresql" in DATABASES["default"]["ENGINE"]:
    # psycopg 3. DATABASE_POOL=1: each process keeps a pool of connections
    # (Django's own, psycopg_pool) instead of one persistent connection per
    # thread; the pool replaces CONN_MAX_AGE, which must then be 0.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": int(env("DATABASE_POOL_MIN_SIZE", "2")),
        "max_size": int(env("DATABASE_POOL_MAX_SIZE", "10")),
        # Seconds a request waits for a free connection before failing.
        "timeout": float(env("DATABASE_POOL_TIMEOUT", "10")),
    }
# An optional read replica (streaming replication of the primary): the
# public, anonymous reads go to it (portal.db_router); everything else, and
# every write, to the primary. The tests on PostgreSQL declare it as a mirror
# of the test database and turn the routing on where they test it.
PORTAL_REPLICA_READS = bool(env("DATABASE_REPLICA_URL"))
if PORTAL_REPLICA_READS or (
    TESTING and DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
):
    DATABASES["replica"] = {
        **DATABASES["default"],
        **(
            dj_database_url.parse(
                env("DATABASE_REPLICA_URL"),
                conn_max_age=DATABASES["default"]["CONN_MAX_AGE"],
                conn_health_checks=True,
            )
            if PORTAL_REPLICA_READS
            else {}
        ),
        "OPTIONS": dict(DATABASES["default"].get("OPTIONS", {})),
        "TEST": {"MIRROR": "default"},
    }
DATABASE_ROUTERS = ["portal.db_router.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "portal.cache.PortalRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "portal",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
if TESTING and REDIS_URL and env("PYTEST_XDIST_WORKER"):
    # Tests run in parallel processes (pytest-xdist) that share one Redis: each
    # keeps its cache in a database of its own (gw0: the next after
    # REDIS_URL's, and so on), as each has its own test database, so that one
    # test emptying the cache leaves the other process's alone.
    from urllib.parse import urlsplit, urlunsplit

    _url = urlsplit(REDIS_URL)
    _db = int(_url.path.strip("/") or 0) + 1 + int(env("PYTEST_XDIST_WORKER")[2:])
    CACHES["default"]["LOCATION"] = urlunsplit(_url._replace(path=f"/{_db % 16}"))
# Seconds a public page's data or an anonymous API answer may be kept in the
# cache (portal.public_cache; any change to the public data renews it at
# once); 0 turns that cache off.
PUBLIC_CACHE_TIMEOUT = int(env("PORTAL_PUBLIC_CACHE_TIMEOUT", "600"))

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"  # noqa: E501
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # Not a rule on passwords: Django tells validators when a password has
    # changed (web form, reset link, admin, changepassword), and this one then
    # revokes the person's API tokens.
    {"NAME": "accounts.password_validation.RevokeApiTokensOnPasswordChange"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "standards:dashboard"
LOGOUT_REDIRECT_URL = "home"

# Proxies in front of the portal that each append the address they saw to
# X-Forwarded-For (behind the compose nginx: 1). 0 trusts no header: the client
# is REMOTE_ADDR. The API's throttles and the sign-in lockout both count by
# this address (portal.throttling.client_address).
PORTAL_TRUSTED_PROXIES = int(env("PORTAL_TRUSTED_PROXIES", "0"))
# Days an API token lives unless its creator asks for fewer; 0: tokens never
# expire unless their creator sets an expiry.
PORTAL_API_TOKEN_DAYS = int(env("PORTAL_API_TOKEN_DAYS", "90"))
# Password-reset mails one address may receive in an hour (one client
# address may ask for five times as many): the form cannot flood an inbox.
PORTAL_PASSWORD_RESET_MAILS = int(env("PORTAL_PASSWORD_RESET_MAILS", "3"))

# Sign-in lockout (django-axes): every password check goes through
# django.contrib.auth.authenticate (login form, admin, API token creation).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked pair
    "django.contrib.auth.backends.ModelBackend",
]
# Failures lock the pair (username, client address), never the username
# alone: an attacker elsewhere cannot lock a person out of their account, and
# one address may try at most AXES_FAILURE_LIMIT passwords of an account per
# cool-off. The lock ends by itself after the cool-off (failures during it do
# not prolong it, so a colleague behind the same address waits at most that
# long), and a successful sign-in clears the count.
AXES_FAILURE_LIMIT = int(env("PORTAL_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(env("PORTAL_LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# The same address as the throttles (django-ipware, which axes would
# otherwise ask, is not installed); usernames as the login form normalises them.
AXES_CLIENT_IP_CALLABLE = "portal.throttling.client_address"
AXES_USERNAME_CALLABLE = "accounts.usernames.axes_username"
AXES_LOCKOUT_CALLABLE = "accounts.lockout.locked_out"
# Failures are kept (for the cool-off); successful sign-ins are not logged.
AXES_DISABLE_ACCESS_LOG = True
# No banner on every start of manage.py.
AXES_VERBOSE = False

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# The portal's time zone; each person may choose their own (their profile).
TIME_ZONE = env("DJANGO_TIME_ZONE", "UTC")
# Dates and times as each language writes them, with the time zone shown
# next to every time (portal/formats/).
FORMAT_MODULE_PATH = ["portal.formats"]
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env("STATIC_ROOT", BASE_DIR / "var" / "static"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", DATA_DIR / "media"))
# Media (uploads, PDFs): the file system under MEDIA_ROOT, or with S3_BUCKET
# any S3-compatible object store (AWS, MinIO, Ceph...) through django-storages,
# which every web and worker host then shares. Private files are sent after
# the permission check (portal.files): from S3 as a redirect to a presigned
# URL valid S3_URL_SECONDS; from the file system through Django, or with
# PORTAL_FILES_ACCEL=1 by the proxy (X-Accel-Redirect, deploy/nginx.conf).
S3_BUCKET = env("S3_BUCKET", "")
S3_URL_SECONDS = int(env("S3_URL_SECONDS", "60"))
PORTAL_FILES_ACCEL = env_bool("PORTAL_FILES_ACCEL")
PORTAL_FILES_ACCEL_PREFIX = env("PORTAL_FILES_ACCEL_PREFIX", "/_protected/media/")
if S3_BUCKET:
    _media_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": env("S3_ENDPOINT_URL"),
            "access_key": env("S3_ACCESS_KEY_ID"),
            "secret_key": env("S3_SECRET_ACCESS_KEY"),
            "region_name": env("S3_REGION", "us-east-1"),
            # A prefix inside the bucket, so that one bucket can serve several.
            "location": env("S3_PREFIX", ""),
            "addressing_style": env("S3_ADDRESSING_STYLE", "path"),
            "signature_version": "s3v4",
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": S3_URL_SECONDS,
            # Never overwrite: a new upload of the same name gets a new name.
            "file_overwrite": False,
        },
    }
else:
    _media_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": _media_storage,
    "staticfiles": {
        # The manifest storage needs collectstatic first; runserver and the
        # tests serve the files as they are.
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not (DEBUG or TESTING)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# Form fields and non-file bodies (JSON) are held in memory: at most this
# much, which fits the longest Markdown text a version may have.
DATA_UPLOAD_MAX_MEMORY_SIZE = int(env("PORTAL_MAX_FORM_BYTES", str(10 * 2**20)))
DATA_UPLOAD_MAX_NUMBER_FILES = 20
# Sizes are enforced while the body streams (portal.uploads): the handler
# comes before Django's own.
FILE_UPLOAD_HANDLERS = [
    "portal.uploads.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# E-mail: console unless a host is configured.
EMAIL_HOST = env("EMAIL_HOST", "")
EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_PORT = int(env("EMAIL_PORT", "587"))
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=bool(EMAIL_HOST))
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "portal@llmswg.example.org")

# Celery: eager without a broker, so the embedded run needs nothing else.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 120
CELERY_TASK_TIME_LIMIT = 180
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 5}
CELERY_TIMEZONE = TIME_ZONE
# Queues: `pdf` for the renders (slow, memory-hungry WeasyPrint), and
# `notifications` for mail and webhook deliveries, so that a long render never
# delays a notification; `default` for the rest (sweeps, heartbeats). A worker
# started without -Q consumes all three (make worker, the tests).
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_QUEUES = [
    Queue(name, routing_key=name) for name in ("default", "notifications", "pdf")
]
CELERY_TASK_ROUTES = {
    "standards.tasks.edition_render_task": {"queue": "pdf"},
    "standards.tasks.certificate_render_task": {"queue": "pdf"},
    "qms.tasks.certificate_render_task": {"queue": "pdf"},
    "notifications.tasks.notifications_send_task": {"queue": "notifications"},
    "notifications.tasks.digests_send_task": {"queue": "notifications"},
    "webhooks.tasks.deliveries_send_task": {"queue": "notifications"},
    "portal.tasks.worker_heartbeat_task": {"queue": "default"},
}
# Per worker process, from the environment of each worker service.
if env("CELERY_WORKER_CONCURRENCY"):
    CELERY_WORKER_CONCURRENCY = int(env("CELERY_WORKER_CONCURRENCY"))
# KiB a pool process may grow to before it is replaced after its task
# (WeasyPrint's memory is not always given back).
if env("CELERY_WORKER_MAX_MEMORY_PER_CHILD"):
    CELERY_WORKER_MAX_MEMORY_PER_CHILD = int(env("CELERY_WORKER_MAX_MEMORY_PER_CHILD"))
# One beat sends the periodic tasks: a second one (a mistake, or a standby)
# waits for the Redis lock the first holds and renews (portal.beat).
CELERY_BEAT_SCHEDULER = "portal.beat:LockedScheduler"
CELERY_BEAT_MAX_LOOP_INTERVAL = 5
PORTAL_BEAT_LOCK_SECONDS = int(env("PORTAL_BEAT_LOCK_SECONDS", "30"))
# Worker and beat heartbeats (/readyz): beat sends this task, the worker that
# runs it records the time; older than this much is reported as stale.
PORTAL_HEARTBEAT_SECONDS = float(env("PORTAL_HEARTBEAT_SECONDS", "30"))
PORTAL_HEARTBEAT_MAX_AGE = int(env("PORTAL_HEARTBEAT_MAX_AGE", "120"))
# Periodic work (`make beat`): the sweep sends notifications and renders that
# did not reach the broker (it was down) or failed; reminders run daily.
CELERY_BEAT_SCHEDULE = {
    "notifications-sweep": {
        "task": "notifications.tasks.notifications_sweep_task",
        "schedule": float(env("PORTAL_SWEEP_SECONDS", "30")),
    },
    "pdf-sweep": {
        "task": "standards.tasks.pdf_sweep_task",
        "schedule": float(env("PORTAL_SWEEP_SECONDS", "30")),
    },
    "webhooks-sweep": {
        "task": "webhooks.tasks.deliveries_sweep_task",
        "schedule": float(env("PORTAL_SWEEP_SECONDS", "30")),
    },
    # One per queue, so /readyz tells whether each kind of worker runs.
    **{
        f"heartbeat-{queue}": {
            "task": "portal.tasks.worker_heartbeat_task",
            "schedule": PORTAL_HEARTBEAT_SECONDS,
            "args": (queue,),
            "options": {"queue": queue, "expires": PORTAL_HEARTBEAT_SECONDS},
        }
        for queue in ("default", "notifications", "pdf")
    },
    "review-reminders": {
        "task": "notifications.tasks.review_reminders_task",
        "schedule": crontab(hour=6, minute=0),
    },
    "notification-digests": {
        "task": "notifications.tasks.digests_send_task",
        "schedule": crontab(hour=7, minute=0),
    },
    "qms-daily": {
        "task": "qms.tasks.qms_daily_task",
        "schedule": crontab(hour=6, minute=15),
    },
    "meeting-action-reminders": {
        "task": "committees.tasks.action_reminders_task",
        "schedule": crontab(hour=6, minute=30),
    },
}

# Notifications: the sweep sends rows still unsent this many seconds after
# they were written; a failing mail is tried this many times in all.
NOTIFICATIONS_SWEEP_DELAY = int(env("PORTAL_NOTIFICATIONS_DELAY", "20"))
NOTIFICATIONS_MAX_ATTEMPTS = 5
# Webhooks (webhooks.transport, webhooks.services). Loopback, private,
# link-local, multicast and reserved addresses are refused as webhook URLs
# unless this allows them (development only: it lets any registered user
# make the server call the internal network).
PORTAL_WEBHOOKS_ALLOW_PRIVATE = env_bool("PORTAL_WEBHOOKS_ALLOW_PRIVATE")
# Seconds a delivery waits for the endpoint (connect, and each read).
PORTAL_WEBHOOKS_TIMEOUT = float(env("PORTAL_WEBHOOKS_TIMEOUT", "10"))
# Seconds before each retry of a failed delivery (1 min, 5 min, 30 min, 2 h,
# 6 h, 15 h: about a day); after the last one it is given up.
PORTAL_WEBHOOKS_RETRY_SCHEDULE = [
    int(seconds)
    for seconds in env_list(
        "PORTAL_WEBHOOKS_RETRY_SCHEDULE", "60,300,1800,7200,21600,54000"
    )
]
# Seconds before an event is listed in /api/v1/events/: ids are taken when
# an action writes its event, not when it commits, so the newest ones wait
# until their order is final.
PORTAL_EVENTS_FEED_DELAY = int(env("PORTAL_EVENTS_FEED_DELAY", "0" if TESTING else "5"))
# Links in e-mails are made absolute with this.
PORTAL_BASE_URL = env("PORTAL_BASE_URL", "http://localhost:8000")
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", str(DATA_DIR / "mail"))

# PDFs of editions and certificates (rendered by the worker, WeasyPrint).
PDF_SOFT_TIME_LIMIT = int(env("PORTAL_PDF_SOFT_TIME_LIMIT", "60"))
# The hard limit: the soft limit's exception may not interrupt a long call in
# WeasyPrint's C libraries, so the worker process is killed this much later.
PDF_HARD_LIMIT_MARGIN = int(env("PORTAL_PDF_HARD_LIMIT_MARGIN", "30"))
PDF_TIME_LIMIT = PDF_SOFT_TIME_LIMIT + PDF_HARD_LIMIT_MARGIN
# A worker claims a render for this long (standards.pdf): past the hard limit
# its task has certainly stopped, and another may take the render over. The
# few seconds more cover the time between the task's start and its claim, and
# the clocks of different workers.
PDF_CLAIM_LEASE = PDF_TIME_LIMIT + 5
PDF_MAX_PAGES = int(env("PORTAL_PDF_MAX_PAGES", "500"))
PDF_MAX_BYTES = int(env("PORTAL_PDF_MAX_BYTES", str(50 * 1024 * 1024)))
# Only the fault tests set this: seconds a render waits before starting, so
# that a worker can be killed in the middle of one.
PDF_TEST_DELAY = float(env("PORTAL_PDF_TEST_DELAY", "0"))
CELERY_TASK_ANNOTATIONS = {
    name: {"soft_time_limit": PDF_SOFT_TIME_LIMIT, "time_limit": PDF_TIME_LIMIT}
    for name in (
        "standards.tasks.edition_render_task",
        "standards.tasks.certificate_render_task",
    )
}

# Rules of procedure.
MIN_EXPERT_REVIEWS = int(env("PORTAL_MIN_EXPERT_REVIEWS", "2"))
STANDARD_NUMBER_PREFIX = env("PORTAL_STANDARD_NUMBER_PREFIX", "LLMSWG")
REVIEW_PERIOD_DAYS = int(env("PORTAL_REVIEW_PERIOD_DAYS", str(3 * 365)))
MAX_ATTACHMENT_BYTES = int(env("PORTAL_MAX_ATTACHMENT_BYTES", "20971520"))
# Longest text of a version, in characters (portal.markdown).
MAX_BODY_CHARS = int(env("PORTAL_MAX_BODY_CHARS", "1000000"))
# A whole multipart body: the files and the text of one upload. The proxy in
# front (deploy/nginx.conf, client_max_body_size) allows slightly more.
MAX_REQUEST_BYTES = int(
    env(
        "PORTAL_MAX_REQUEST_BYTES",
        str(MAX_ATTACHMENT_BYTES + DATA_UPLOAD_MAX_MEMORY_SIZE),
    )
)
PORTAL_NAME = env("PORTAL_NAME", "LLM Standards Working Group")
# Only `make bench` sets this: it adds the bare view the benchmark measures
# as its ceiling (/bench/ceiling.json).
PORTAL_BENCH = env_bool("PORTAL_BENCH")

# Security: strict once debug is off (manage.py check --deploy is clean).
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=not TESTING)
    SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", default=not TESTING)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_HSTS_SECONDS = int(env("DJANGO_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    # The scheme the client used, as the proxy in front says, trusted only
    # when there is one (PORTAL_TRUSTED_PROXIES; the compose nginx sets it
    # on every request, so a client cannot).
    if PORTAL_TRUSTED_PROXIES:
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The host the client asked for, from the proxy's X-Forwarded-Host (checked
# against ALLOWED_HOSTS all the same); without a proxy, the Host header.
USE_X_FORWARDED_HOST = PORTAL_TRUSTED_PROXIES > 0
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp) on every answer: scripts and styles
# from our own static files only (an inline script needs the request's
# nonce, `{{ request.csp_nonce }}`); the API docs relax it for their pages
# (portal.api_docs).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", NONCE],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# REST API (/api/v1/). Throttle rates come from the environment; the tests
# raise them so that no test is throttled by accident (tests of throttling
# lower them on purpose).
API_THROTTLE_ANON = env("PORTAL_API_THROTTLE_ANON", "120/minute")
API_THROTTLE_USER = env("PORTAL_API_THROTTLE_USER", "600/minute")
# Creating a token checks a password: slower, against guessing.
API_THROTTLE_AUTH = env("PORTAL_API_THROTTLE_AUTH", "10/minute")
if TESTING:
    API_THROTTLE_ANON = API_THROTTLE_USER = API_THROTTLE_AUTH = "100000/minute"
# An Idempotency-Key and the first answer to it are kept this long
# (portal.api_idempotency).
API_IDEMPOTENCY_HOURS = int(env("PORTAL_API_IDEMPOTENCY_HOURS", "24"))
# With 1, editing a standard and taking a transition over the API need
# If-Match (428 without it); sent or not, a stale one is 412.
API_REQUIRE_IF_MATCH = env_bool("PORTAL_API_REQUIRE_IF_MATCH")
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "portal.api_schema.AutoSchema",
    # The token class comes first so that an unauthenticated call gets 401
    # with a WWW-Authenticate header rather than 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticatedOrReadOnly",
    ],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    # JSON bodies only: the one view that receives files (a version upload)
    # adds multipart itself. The schema then declares one body type per
    # operation, which client generators need (openapi-python-client fails
    # on a body declared as JSON, form and multipart alike).
    "DEFAULT_PARSER_CLASSES": [
        "portal.parsers.JSONParser",  # with a nesting limit
    ],
    "DEFAULT_PAGINATION_CLASS": "portal.api.Pagination",
    "PAGE_SIZE": 25,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "portal.api.OrderingFilter",
    ],
    "DEFAULT_THROTTLE_CLASSES": [
        "portal.throttling.AnonRateThrottle",
        "portal.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": API_THROTTLE_ANON,
        "user": API_THROTTLE_USER,
        "auth": API_THROTTLE_AUTH,
    },
    "EXCEPTION_HANDLER": "portal.api.exception_handler",
    # DRF's client address (throttles); None would trust X-Forwarded-For whole.
    "NUM_PROXIES": PORTAL_TRUSTED_PROXIES,
    "NON_FIELD_ERRORS_KEY": "non_field_errors",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    # 3.1: a nullable reference is oneOf [$ref, {"type": "null"}], which
    # generators read right (3.0 has no way to say it without a type).
    "OAS_VERSION": "3.1.0",
    "TITLE": _("LLM Standards Working Group portal API"),
    "DESCRIPTION": _(
        "Read the working group's fields, members, work plan, meetings and "
        "standards, and drive a draft through its lifecycle. Authenticate with "
        "`Authorization: Bearer <token>` (create a token at /accounts/profile/ "
        "or with POST /api/v1/auth/tokens/). Errors are RFC 9457 problems "
        "(`application/problem+json`): `type`, `title`, `status`, `detail`, "
        '`instance`, and `{"code": ..., "message": ..., "errors": {field: [...]}}`.'
        "\n\n"
        "Send `Idempotency-Key` with a POST to retry it safely, and `If-Match` "
        "with a standard's ETag when editing it or taking a transition (412 when "
        "it changed meanwhile). Lists are paginated, with `Link` headers; every "
        "answer tells the rate limits in `RateLimit-Limit`, `RateLimit-Remaining` "
        "and `RateLimit-Reset`."
        "\n\n"
        "Deprecation policy: within v1 (`/api/v1/`) nothing is removed or "
        "renamed and no meaning changes; new fields, operations, error codes and "
        "enum values may appear at any time, so ignore what you do not know. "
        "What is to go is marked deprecated in this schema and announced in the "
        "release notes at least six months before it is removed, and a "
        "deprecated operation answers with `Deprecation` and `Sunset` headers; "
        "a breaking change comes as /api/v2/, served beside v1 for at least "
        "twelve months."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "portal.api_schema.postprocess_required_responses",
        "portal.api_schema.postprocess_nullable_for_openapi_31",
    ],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "StatusEnum": "standards.models.Status",
        "RoleKindEnum": "committees.models.Role.Kind",
        "EventKindEnum": "webhooks.events.EventKind",
        "LifecycleConditionEnum": "standards.api.serializers.CONDITION_CODES",
        "QmsProgrammeStatusEnum": "qms.models.Status",
        "QmsCertificateStatusEnum": "qms.models.CertificateStatus",
        "QmsDocumentKindEnum": "qms.models.Document.Kind",
        "QmsAuditKindEnum": "qms.models.Audit.Kind",
        "QmsAuditOutcomeEnum": "qms.models.Audit.Outcome",
        "QmsFindingGradeEnum": "qms.models.Finding.Grade",
        "QmsVoteDecisionEnum": "qms.models.Vote.Decision",
        # Named before the QMS votes had a "decision" of their own.
        "DecisionEnum": "standards.models.Recommendation.Decision",
        "WorkItemStatusEnum": "workplan.models.WorkItem.Status",
        "WorkItemHistoryActionEnum": "workplan.models.HistoryAction",
    },
}

# Every line with the request id (portal.request_id); LOG_FORMAT=json writes
# one JSON object per line, for a log collector.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "portal.request_id.RequestIdFilter"}},
    "formatters": {
        "text": {
            "format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"
        },
        "json": {"()": "portal.request_id.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "json" if env("LOG_FORMAT") == "json" else "text",
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # WeasyPrint logs every step of a render at INFO.
        "weasyprint": {"level": "WARNING"},
        # django-axes logs every sign-in at INFO; lockouts are WARNING.
        "axes": {"level": "WARNING"},
    },
}

# /metrics (Prometheus) answers to this bearer token, or to these client
# addresses or networks (comma-separated); with neither, to nobody.
PORTAL_METRICS_TOKEN = env("PORTAL_METRICS_TOKEN", "")
PORTAL_METRICS_ALLOW = env_list("PORTAL_METRICS_ALLOW")

# Errors (and, with a sample rate, traces) to Sentry when SENTRY_DSN is set:
# web requests and Celery tasks, without personal data.
SENTRY_DSN = env("SENTRY_DSN", "")
if SENTRY_DSN:
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        environment=env("SENTRY_ENVIRONMENT", "production"),
        release=env("SENTRY_RELEASE"),
        traces_sample_rate=float(env("SENTRY_TRACES_SAMPLE_RATE", "0")),
        send_default_pii=False,
    )

if TESTING:
    # Fast hashing keeps the suite quick; production keeps Django's default.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
