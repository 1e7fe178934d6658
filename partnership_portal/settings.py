"""Settings for the partnership strategy portal, read from the environment.

Development defaults apply only when DEBUG is on; in production a missing
SECRET_KEY stops the process at start-up.
"""
import os
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name, default=False):
    """A yes/no setting. Anything but the usual spellings stops start-up: a typo such as DEBUG=ture must not
    quietly read as "off" (or a security setting as its default)."""
    value = os.environ.get(name)
    if value is None:
        return default
    word = value.strip().lower()
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name}={value!r} is not a yes/no value: use one of 1, true, yes, on or 0, false, no, off."
    )


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if DEBUG:
        SECRET_KEY = "development-only-not-secret-" + "x" * 40
    elif os.environ.get("PORTAL_THROWAWAY_SECRET_KEY") == "1":  # set by manage.py for keyless commands only
        import secrets

        SECRET_KEY = secrets.token_urlsafe(50)
    else:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off. "
            "Copy .env.example to .env for development, or set DEBUG=1."
        )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_forms_gds",
    "django_filters",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    # The domain, lowest first: each app imports only from the apps above it in this list
    # (the contract in pyproject.toml, checked by `make test`).
    "partnerships",
    "strategy",
    "actionplan",
    "audits",
    "workforce",
    "reviews",
    "impact",
    "exports",
    "demo",
]

MIDDLEWARE = [
    "partnerships.middleware.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "partnerships.middleware.SessionLifetimeMiddleware",
    "partnerships.middleware.TwoFactorMiddleware",
    "partnerships.middleware.NoStoreForAuthenticatedMiddleware",
    "partnerships.middleware.DeniedRequestAuditMiddleware",
    # Last, as django-axes requires: it answers locked-out sign-in attempts.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses sign-in attempts for a locked-out email address.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "partnership_portal.urls"

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
                "csp.context_processors.nonce",
                "partnerships.context_processors.portal",
            ],
        },
    },
]

WSGI_APPLICATION = "partnership_portal.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "partnerships.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Files browsers ask for at the site root (favicon.ico), served by whitenoise as they are.
WHITENOISE_ROOT = BASE_DIR / "static" / "root"

# Exported PDFs and uploads are kept outside the web root and served only
# through permission-checked views.
PRIVATE_STORAGE_ROOT = Path(os.environ.get("PRIVATE_STORAGE_ROOT", BASE_DIR / "var" / "private"))
MEDIA_ROOT = PRIVATE_STORAGE_ROOT
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(PRIVATE_STORAGE_ROOT), "base_url": "/private-files-are-not-served/"},
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or env_bool("PLAIN_STATIC_STORAGE")
            else "partnership_portal.storage.PortalStaticFilesStorage"
        ),
    },
}

# Email: console backend in development, SMTP settings from the environment otherwise.
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "portal@localhost")
PORTAL_BASE_URL = os.environ.get("PORTAL_BASE_URL", "http://127.0.0.1:8000")

# Celery. With REDIS_URL, Redis is the broker. Without it (`make run`), the broker is a folder under var/: a
# web process drops each task there as a file and the worker that `make run` starts beside the server picks
# it up, so even the zero-set-up portal never renders a PDF inside a web request. CELERY_TASK_ALWAYS_EAGER=1
# runs tasks in the process that sends them instead (the test suite does).
REDIS_URL = os.environ.get("REDIS_URL", "")
CELERY_QUEUE_FOLDER = Path(os.environ.get("CELERY_QUEUE_FOLDER", BASE_DIR / "var" / "celery"))
CELERY_BROKER_URL = REDIS_URL or "filesystem://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A web request never waits long on an unreachable broker: it falls back to running the task in-process, except
# a document's render, which waits queued and is sent again (partnerships/documents.py).
# A task's message is acknowledged only once the task has ended (ACKS_LATE above), so a worker lost in the
# middle leaves it unacknowledged: a pool process killed (out of memory, say) has it put back on the queue at
# once (REJECT_ON_WORKER_LOST); a whole worker killed has it handed to another worker once it has gone
# unacknowledged for CELERY_VISIBILITY_TIMEOUT seconds. That must be longer than any task runs, or a task still
# running would be handed out a second time: five minutes is over ten times the longest export measured (1,000
# actions, 25 s), and brings a lost export back before it is shown as stalled (EXPORT_STALLED_AFTER_SECONDS).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": 1, "socket_timeout": 2, "max_retries": 0,
    "visibility_timeout": int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", "300")),
}
if not REDIS_URL:
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        **CELERY_BROKER_TRANSPORT_OPTIONS,
        "data_folder_in": str(CELERY_QUEUE_FOLDER / "queue"), "data_folder_out": str(CELERY_QUEUE_FOLDER / "queue"),
        "control_folder": str(CELERY_QUEUE_FOLDER / "control"),
        "processed_folder": str(CELERY_QUEUE_FOLDER / "processed"), "store_processed": False,
    }
    CELERY_BEAT_SCHEDULE_FILENAME = str(CELERY_QUEUE_FOLDER / "beat-schedule")
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 1
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"retry_policy": {"max_retries": 0, "timeout": 2}}
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    # Nightly figures for the action plan's trend chart.
    "actionplan-progress-snapshots": {
        "task": "actionplan.tasks.take_progress_snapshots",
        "schedule": crontab(hour=1, minute=15),
    },
    # Monday morning reminders to leads and the business manager's summary.
    "actionplan-weekly-reminders": {
        "task": "actionplan.tasks.send_weekly_reminders",
        "schedule": crontab(day_of_week="mon", hour=7, minute=0),
    },
}

CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL and env_bool("USE_REDIS_CACHE", False)
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"

# Behind reverse proxies (a load balancer, nginx) every request arrives from a proxy's address. Set
# TRUSTED_PROXY_COUNT to the number of proxies in front of the portal, each appending the address it was
# reached from to X-Forwarded-For, and the client's address is read from that header instead: for sign-in
# lockouts, the staff survey's per-address limit and API throttling (partnerships.network.client_ip).
# Leave it at 0 while clients can reach gunicorn directly: anyone can write the header.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT is how many reverse proxies are in front of the portal: 0 or more.")

REST_FRAMEWORK = {
    # The same client address as client_ip(): without this, throttles would take X-Forwarded-For as sent.
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "partnerships.api_tokens.HashedTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "partnerships.api_support.CappedPageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.UserRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "user": os.environ.get("API_THROTTLE_RATE", "1200/minute"),
        # Writes through the API (action updates) per user, on top of the overall rate.
        "api-write": os.environ.get("API_WRITE_THROTTLE_RATE", "120/minute"),
    },
    "EXCEPTION_HANDLER": "partnerships.api_support.exception_handler",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Partnership strategy portal API",
    "DESCRIPTION": "Read the action plan and its progress; steering group members may record updates to their agency's actions.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # PATCH /actions/{id}/ needs status and progress, so its request schema is not a partial one.
    "COMPONENT_SPLIT_PATCH": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # Distinct names for the status choice sets, so the schema (and `check --deploy`) has no collisions.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "partnerships.api_support.document_api_contract",
    ],
    "ENUM_NAME_OVERRIDES": {
        "ActionStatusEnum": "actionplan.models.ActionStatus",
        "StrategyStatusEnum": "strategy.models.StrategyStatus",
        "ExportStatusEnum": "exports.models.ExportStatus",
        "AuditStatusEnum": "audits.models.AuditStatus",
        "AssessmentStatusEnum": "workforce.models.AssessmentStatus",
    },
}

# Security headers. django-csp 4 policy: no inline script, no framing. NONCE (not the string
# "'nonce'", which browsers reject as an invalid source) adds a per-response nonce when a template uses one.
from csp.constants import NONCE  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        # NONCE: a fresh value per response, added when a template uses request.csp_nonce.
        "script-src": ["'self'", NONCE],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# Sessions end after SESSION_IDLE_TIMEOUT seconds without a request (30 minutes by default) and,
# whatever the activity, SESSION_ABSOLUTE_LIFETIME seconds after sign-in (12 hours).
SESSION_IDLE_TIMEOUT = int(os.environ.get("SESSION_IDLE_TIMEOUT", str(30 * 60)))
SESSION_ABSOLUTE_LIFETIME = int(os.environ.get("SESSION_ABSOLUTE_LIFETIME", str(12 * 3600)))
# Text posted to a drafting form after the session ended is given back after sign-in for this long
# (partnerships/kept_text.py).
KEPT_TEXT_LIFETIME = int(os.environ.get("KEPT_TEXT_LIFETIME", str(60 * 60)))
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_LIFETIME
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "partnerships.views.csrf_failure"
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# Sign-in throttling (django-axes): after AXES_FAILURE_LIMIT failed attempts for one email address
# from one network address, that pair is locked for AXES_COOLOFF_MINUTES; a successful sign-in resets the count.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
# Locking the pair (not the address alone) stops guessing without letting anyone lock a colleague out from elsewhere.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
AXES_SENSITIVE_PARAMETERS = ["password"]
# Both the sign-in form and the API token exchange pass the email address as `username`.
AXES_USERNAME_FORM_FIELD = "username"
# The network address of the pair, as TRUSTED_PROXY_COUNT says to find it.
AXES_CLIENT_IP_CALLABLE = "partnerships.network.client_ip"

# Two-step verification (django-otp): codes from an authenticator app (TOTP, 30-second steps), and
# single-use recovery codes. After each wrong code the next attempt must wait twice as long (1 s, 2 s, 4 s ...).
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "Partnership strategy portal")
OTP_TOTP_THROTTLE_FACTOR = int(os.environ.get("OTP_TOTP_THROTTLE_FACTOR", "1"))
TWO_FACTOR_RECOVERY_CODES = 10

# An invitation to join a partnership can be accepted for this many days after it was (last) sent.
INVITATION_EXPIRY_DAYS = int(os.environ.get("INVITATION_EXPIRY_DAYS", "14"))

# Password reset links stay valid for one hour.
PASSWORD_RESET_TIMEOUT = int(os.environ.get("PASSWORD_RESET_TIMEOUT", "3600"))

# Uploads: the largest file accepted, in bytes (the upload helper checks type by content).
UPLOAD_MAX_BYTES = int(os.environ.get("UPLOAD_MAX_BYTES", str(10 * 1024 * 1024)))
UPLOAD_MAX_IMAGE_PIXELS = int(os.environ.get("UPLOAD_MAX_IMAGE_PIXELS", str(40_000_000)))
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("DATA_UPLOAD_MAX_MEMORY_SIZE", str(5 * 1024 * 1024)))

# The action-plan import: the largest file, what a workbook may unpack to, and the most rows (actions), cells
# and columns read. The request reads the whole file once under these limits, so a file past any of them is
# refused at once with a message naming the limit. A file of up to IMPORT_BACKGROUND_ROWS rows is then checked
# in the request and shown as a preview before it is applied; a longer one is stored privately and checked and
# applied, every row or none, by a worker while its page shows progress (actionplan.models.PlanImport). No
# request checks more than IMPORT_BACKGROUND_ROWS rows against the plan, so one row cap serves both ways in:
# 5,000 actions is five times the largest plan seen, and 100,000 cells is 5,000 rows of 20 columns.
IMPORT_MAX_BYTES = int(os.environ.get("IMPORT_MAX_BYTES", str(5 * 1024 * 1024)))
IMPORT_MAX_UNPACKED_BYTES = int(os.environ.get("IMPORT_MAX_UNPACKED_BYTES", str(20 * 1024 * 1024)))
IMPORT_MAX_ROWS = int(os.environ.get("IMPORT_MAX_ROWS", "5000"))
IMPORT_MAX_CELLS = int(os.environ.get("IMPORT_MAX_CELLS", "100000"))
IMPORT_MAX_COLUMNS = int(os.environ.get("IMPORT_MAX_COLUMNS", "40"))
IMPORT_BACKGROUND_ROWS = int(os.environ.get("IMPORT_BACKGROUND_ROWS", "100"))
# A background import writes how far it has got after every IMPORT_PROGRESS_EVERY rows it checks. One still
# waiting to start after IMPORT_REQUEUE_AFTER_SECONDS (the broker was down, or the message was lost) is sent
# again, and so is one whose progress has not moved for IMPORT_STALLED_AFTER_SECONDS (its worker died); a run
# starts from the first row again, which is safe because nothing is kept until every row has passed.
IMPORT_PROGRESS_EVERY = int(os.environ.get("IMPORT_PROGRESS_EVERY", "250"))
IMPORT_REQUEUE_AFTER_SECONDS = int(os.environ.get("IMPORT_REQUEUE_AFTER_SECONDS", "60"))
IMPORT_STALLED_AFTER_SECONDS = int(os.environ.get("IMPORT_STALLED_AFTER_SECONDS", "600"))

# Retention, in days, per record type; the nightly task deletes or anonymises older records.
RETENTION_DAYS = {
    "audit_event": int(os.environ.get("RETENTION_AUDIT_EVENT_DAYS", str(6 * 365))),
    "access_attempt": int(os.environ.get("RETENTION_ACCESS_ATTEMPT_DAYS", "90")),
    "audit_case": int(os.environ.get("RETENTION_AUDIT_CASE_DAYS", str(2 * 365))),
    "notification": int(os.environ.get("RETENTION_NOTIFICATION_DAYS", "365")),
    "invitation": int(os.environ.get("RETENTION_INVITATION_DAYS", "90")),  # counted from its expiry
    "update_link": int(os.environ.get("RETENTION_UPDATE_LINK_DAYS", "90")),  # counted from its expiry
    "rendered_document": int(os.environ.get("RETENTION_RENDERED_DOCUMENT_DAYS", "180")),
    "board_pack": int(os.environ.get("RETENTION_BOARD_PACK_DAYS", str(2 * 365))),
    "plan_import": int(os.environ.get("RETENTION_PLAN_IMPORT_DAYS", "90")),
}
# Monday morning digest of the week's notifications, for people who chose it over straight away.
CELERY_BEAT_SCHEDULE["notification-digests"] = {
    "task": "partnerships.tasks.send_notification_digests",
    "schedule": crontab(day_of_week="mon", hour=7, minute=30),
}
# Documents still queued after the broker was down (or their message lost) are sent again.
CELERY_BEAT_SCHEDULE["documents-requeue-waiting"] = {"task": "documents.requeue_waiting", "schedule": 60.0}
# Action-plan imports still waiting after the broker was down, or left by a worker that died, are sent again.
CELERY_BEAT_SCHEDULE["plan-imports-requeue-waiting"] = {"task": "actionplan.requeue_plan_imports", "schedule": 60.0}
DOCUMENT_REQUEUE_AFTER_SECONDS = int(os.environ.get("DOCUMENT_REQUEUE_AFTER_SECONDS", "60"))
CELERY_BEAT_SCHEDULE["apply-retention"] = {
    "task": "partnerships.tasks.apply_retention",
    "schedule": crontab(hour=2, minute=30),
}

# Action plan: an action with no update for this many days is stale.
ACTION_STALE_AFTER_DAYS = int(os.environ.get("ACTION_STALE_AFTER_DAYS", "90"))
# How long the personal link in a weekly reminder opens its holder's update pages.
UPDATE_LINK_DAYS = int(os.environ.get("UPDATE_LINK_DAYS", "14"))

# Exports: one queued or rendering for longer than this is taken to be stalled (worker lost) and can be retried.
EXPORT_STALLED_AFTER_SECONDS = int(os.environ.get("EXPORT_STALLED_AFTER_SECONDS", "600"))
# A render still running after this many seconds is stopped and recorded as failed (and can be tried again),
# so a hung render is not handed to a second worker when the visibility timeout passes. Keep it below
# CELERY_VISIBILITY_TIMEOUT; the 1,000-action document takes under 30 s.
EXPORT_RENDER_TIME_LIMIT = int(os.environ.get("EXPORT_RENDER_TIME_LIMIT", "240"))
# Local data: the national prevalence estimate applied to the child population, and where it comes from.
PREVALENCE_RATE = Decimal(os.environ.get("PREVALENCE_RATE", "0.10"))
if not Decimal("0") < PREVALENCE_RATE <= Decimal("1"):
    raise ImproperlyConfigured("PREVALENCE_RATE must be a share between 0 and 1, for example 0.10.")
PREVALENCE_SOURCE = os.environ.get(
    "PREVALENCE_SOURCE",
    "At least one in ten children in England and Wales is sexually abused before the age of 16: the "
    "national estimate of the Centre of Expertise on Child Sexual Abuse, cited in the national guide for "
    "partnership strategies.",
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    # Personal data and case detail are stripped from every log line before it is written.
    "filters": {"redact": {"()": "partnerships.logfilters.RedactPersonalDataFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["redact"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO"), "propagate": False},
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        # Refused requests (403, and 404 on partnership and API URLs), with probes across partnerships marked:
        # the installation's security log, for the operator. Lines start "denied user=".
        "portal.security": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        # WeasyPrint and fontTools report every layout step at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# Where to report a vulnerability (/.well-known/security.txt, RFC 9116): a mailto: or https: address.
SECURITY_CONTACT = os.environ.get("SECURITY_CONTACT", "mailto:security@partnership-portal.example")
SECURITY_POLICY_URL = os.environ.get(
    "SECURITY_POLICY_URL", "https://github.com/partnership-portal/portal/blob/main/docs/SECURITY.md")

# API tokens stop working this many days after they are issued (a new one is asked for with the password).
API_TOKEN_LIFETIME_DAYS = int(os.environ.get("API_TOKEN_LIFETIME_DAYS", "30"))
if API_TOKEN_LIFETIME_DAYS < 1:
    raise ImproperlyConfigured("API_TOKEN_LIFETIME_DAYS is a number of days, 1 or more.")

# Staff survey: posts accepted from one address per hour on one survey link (counted in the cache,
# so use the Redis cache, USE_REDIS_CACHE=1, when running several web processes).
SURVEY_POSTS_PER_ADDRESS_PER_HOUR = int(os.environ.get("SURVEY_POSTS_PER_ADDRESS_PER_HOUR", "60"))
# Breakdown cells of survey results with fewer responses than this are shown as "fewer than N".
SURVEY_SUPPRESSION_THRESHOLD = 5
