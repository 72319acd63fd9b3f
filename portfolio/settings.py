"""One settings module, driven by environment variables (.env.example lists every one).

The defaults run on a fresh checkout: an SQLite file under var/, a Celery broker in folders under
var/ (kombu's filesystem transport: start `celery -A portfolio worker`), a
credentials key created on first use in a file outside the repository. Production sets
DATABASE_URL (PostgreSQL), CELERY_BROKER_URL (Redis), SECRET_KEY and CREDENTIALS_KEY.
"""

import os
import tomllib
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "insecure-development-key-set-SECRET_KEY-in-production"
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "accounts",
    "portfolio",
    "portfolio.books",
    "reports",
    "jobs",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "knox",
    "portfolio.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.ProfileTimezoneMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "portfolio.urls"
WSGI_APPLICATION = "portfolio.wsgi.application"

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
                "accounts.context_processors.connection_warnings",
            ],
        },
    },
]

SQLITE_PATH = VAR_DIR / "db.sqlite3"
DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL", default=f"sqlite:///{SQLITE_PATH}", conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Our SQLite backend stores decimals exactly (Django's keeps 15 significant digits).
    DATABASES["default"]["ENGINE"] = "portfolio.dbbackends.sqlite3"
    # Private: the folder 0700, the file 0600 (created so by our backend, see dbbackends).
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    # A file, not memory, for the test database too: tests read the file to prove that no
    # secret is stored in plain text. WAL lets the web process read while a sync writes.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-db.sqlite3")}
    DATABASES["default"]["OPTIONS"] = {"init_command": "PRAGMA journal_mode=WAL;", "timeout": 30}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
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

# Kraken API credentials are encrypted at rest with Fernet. CREDENTIALS_KEY holds one key or
# several separated by commas (the first encrypts; all decrypt, for rotation). Without it, a key
# is created on first use in CREDENTIALS_KEY_FILE, outside the repository, mode 0600.
CREDENTIALS_KEY = os.environ.get("CREDENTIALS_KEY", "")
CREDENTIALS_KEY_FILE = Path(
    os.environ.get(
        "CREDENTIALS_KEY_FILE",
        Path(os.environ.get("XDG_CONFIG_HOME", Path.home() / ".config"))
        / "kraken-portfolio"
        / "credentials.key",
    )
)

# Celery: Redis in production. Without CELERY_BROKER_URL the broker is kombu's filesystem
# transport in private folders under var/ (no server needed), so a worker runs the long work even
# on the embedded default and no request waits for it (`make demo` starts the worker and beat).
# CELERY_TASK_ALWAYS_EAGER runs tasks inside the caller instead: for tests and one-off scripts.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "") or "filesystem://"
CELERY_BROKER_DIR = Path(os.environ.get("CELERY_BROKER_DIR", VAR_DIR / "celery"))
if CELERY_BROKER_URL.startswith("filesystem://"):
    _folders = {
        "data_folder_in": CELERY_BROKER_DIR / "queue",
        "data_folder_out": CELERY_BROKER_DIR / "queue",
        "control_folder": CELERY_BROKER_DIR / "control",
        "processed_folder": CELERY_BROKER_DIR / "processed",
    }
    for _folder in (CELERY_BROKER_DIR, *_folders.values()):
        _folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        _folder.chmod(0o700)  # task arguments are ids, but the folder is private all the same
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        **{name: str(folder) for name, folder in _folders.items()},
        "store_processed": False,
    }
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", "") or None
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "UTC"

# Shared state for Kraken nonces and rate-limit counters, across every process using a key:
# Redis when REDIS_URL (or a redis:// broker) is set, otherwise files under var/.
REDIS_URL = os.environ.get("REDIS_URL", "") or (
    CELERY_BROKER_URL if CELERY_BROKER_URL.startswith(("redis://", "rediss://")) else ""
)
KRAKEN_STATE_DIR = Path(os.environ.get("KRAKEN_STATE_DIR", VAR_DIR / "kraken-state"))
# Hosts (names or IP addresses, any port) a connection's URLs may point at although they are not
# public https addresses: the simulator's loopback address in the demo and the tests.
KRAKEN_ALLOWED_HOSTS = env_list("KRAKEN_ALLOWED_HOSTS", [])
# Requests to Kraken never take a proxy from HTTP_PROXY / HTTPS_PROXY / ALL_PROXY (a proxy
# resolves the target itself, out of the address guard's sight). KRAKEN_PROXY_URL opts in to one
# explicitly; each request through it is checked against the guard first. KRAKEN_CA_BUNDLE: a
# CA file for TLS to Kraken (REQUESTS_CA_BUNDLE is not read either).
KRAKEN_PROXY_URL = os.environ.get("KRAKEN_PROXY_URL", "")
KRAKEN_CA_BUNDLE = os.environ.get("KRAKEN_CA_BUNDLE", "")
# A key last used through another shared state (Redis vs files) this recently is refused.
KRAKEN_STATE_GUARD_SECONDS = float(os.environ.get("KRAKEN_STATE_GUARD_SECONDS", "86400"))
# While Kraken reports maintenance or cancel_only a sync waits this long, polling SystemStatus.
KRAKEN_MAINTENANCE_WAIT_SECONDS = float(os.environ.get("KRAKEN_MAINTENANCE_WAIT_SECONDS", "600"))
KRAKEN_MAINTENANCE_POLL_SECONDS = float(os.environ.get("KRAKEN_MAINTENANCE_POLL_SECONDS", "30"))
# Saving a connection asks Kraken whether its keys work (one Balance call; accounts/key_check.py).
KRAKEN_CHECK_KEYS_ON_SAVE = env_bool("KRAKEN_CHECK_KEYS_ON_SAVE", True)
KRAKEN_SPOT_URL = os.environ.get("KRAKEN_SPOT_URL", "https://api.kraken.com")
KRAKEN_FUTURES_URL = os.environ.get("KRAKEN_FUTURES_URL", "https://futures.kraken.com")

# Sync (portfolio/sync): Celery beat asks every minute which connections are due.
CELERY_BEAT_SCHEDULE = {
    "dispatch-due-syncs": {"task": "portfolio.tasks.dispatch_due_syncs", "schedule": 60.0},
    "expire-stale-jobs": {"task": "jobs.tasks.expire_stale_jobs", "schedule": 60.0},
}

# Long work (jobs): a running job beats every JOB_HEARTBEAT_SECONDS (at most a quarter of its
# stale limit); one silent for JOB_STALE_SECONDS is failed as dead and the next request starts a
# fresh one. A queued job no worker took within JOB_QUEUE_TIMEOUT_SECONDS is failed too. A task
# is stopped after JOB_TIME_LIMIT_SECONDS (soft limit: a minute earlier, failing the job cleanly).
JOB_HEARTBEAT_SECONDS = float(os.environ.get("JOB_HEARTBEAT_SECONDS", "15"))
JOB_STALE_SECONDS = float(os.environ.get("JOB_STALE_SECONDS", "120"))
JOB_QUEUE_TIMEOUT_SECONDS = float(os.environ.get("JOB_QUEUE_TIMEOUT_SECONDS", "3600"))
JOB_TIME_LIMIT_SECONDS = int(os.environ.get("JOB_TIME_LIMIT_SECONDS", "14400"))
# `jobs cancel` revokes the job's task; with this on (the default) a running task is terminated
# (SIGTERM to its prefork child) instead of being left to stop at its next step.
JOB_CANCEL_TERMINATE = env_bool("JOB_CANCEL_TERMINATE", True)
# A first history longer than this many entries (Ledgers/TradesHistory `count`) uses the export.
KRAKEN_SYNC_EXPORT_THRESHOLD = int(os.environ.get("KRAKEN_SYNC_EXPORT_THRESHOLD", "5000"))
KRAKEN_SYNC_EXPORT_POLL_SECONDS = float(os.environ.get("KRAKEN_SYNC_EXPORT_POLL_SECONDS", "5"))
KRAKEN_SYNC_EXPORT_TIMEOUT_SECONDS = float(
    os.environ.get("KRAKEN_SYNC_EXPORT_TIMEOUT_SECONDS", "1800")
)
# How many history windows may be fetched ahead of the database (0: none, one commit per window).
KRAKEN_SYNC_PREFETCH_WINDOWS = int(os.environ.get("KRAKEN_SYNC_PREFETCH_WINDOWS", "8"))
# A running sync silent this long is taken to have died (default: JOB_STALE_SECONDS).
KRAKEN_SYNC_STALE_SECONDS = float(os.environ.get("KRAKEN_SYNC_STALE_SECONDS") or JOB_STALE_SECONDS)
# CSV import: the largest file (or unpacked ZIP) accepted, and where uploads wait for the worker.
KRAKEN_IMPORT_MAX_BYTES = int(os.environ.get("KRAKEN_IMPORT_MAX_BYTES", str(256 * 1024 * 1024)))
KRAKEN_IMPORT_DIR = Path(os.environ.get("KRAKEN_IMPORT_DIR", VAR_DIR / "imports"))
# Report files users built (reports.ReportFile), one folder per user; served to their owner only.
REPORTS_DIR = Path(os.environ.get("REPORTS_DIR") or VAR_DIR / "reports")
# Public endpoints (Assets, AssetPairs): calls per second per IP.
# Recompute a user's accounts after each successful sync (a Celery task).
ACCOUNTING_REBUILD_AFTER_SYNC = env_bool("ACCOUNTING_REBUILD_AFTER_SYNC", True)
KRAKEN_PUBLIC_RATE = os.environ.get("KRAKEN_PUBLIC_RATE", "1")
# The client's backoff between retries of a transient failure (seconds, doubling).
KRAKEN_RETRY_BASE_DELAY = float(os.environ.get("KRAKEN_RETRY_BASE_DELAY", "0.5"))
KRAKEN_SYNC_TASK_MAX_RETRIES = int(os.environ.get("KRAKEN_SYNC_TASK_MAX_RETRIES", "5"))

if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
# HTTPS (README, "Deployment"). All off by default: a laptop serves plain http.
# HSTS: browsers use https only for this many seconds (31536000 = a year once https works).
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
# Trust X-Forwarded-Proto only behind a proxy that sets it (and strips it from clients).
if env_bool("USE_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO").upper()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
}

# REST API (portfolio/api): session (with CSRF) or personal token auth, one error shape, throttled
# per token and per user. Rates are "N/second|minute|hour|day". Throttle counters live in the
# "api_throttle" cache: per process by default, shared through Redis when API_THROTTLE_REDIS_URL
# is set (then the limits hold across gunicorn workers).
API_THROTTLE_USER = os.environ.get("API_THROTTLE_USER", "1200/minute")
API_THROTTLE_TOKEN = os.environ.get("API_THROTTLE_TOKEN", "600/minute")
API_THROTTLE_ANON = os.environ.get("API_THROTTLE_ANON", "120/minute")
API_THROTTLE_REDIS_URL = os.environ.get("API_THROTTLE_REDIS_URL", "")
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "api_throttle": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": API_THROTTLE_REDIS_URL,
        }
        if API_THROTTLE_REDIS_URL
        else {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "api-throttle",
        }
    ),
}
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "portfolio.api.auth.ApiTokenAuthentication",  # first: a 401 names the Token scheme
        "rest_framework.authentication.SessionAuthentication",  # enforces CSRF
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "portfolio.api.auth.TokenScope",
    ],
    "DEFAULT_THROTTLE_CLASSES": [
        "portfolio.api.auth.TokenRateThrottle",
        "portfolio.api.auth.UserRateThrottle",
        "portfolio.api.auth.AnonRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "token": API_THROTTLE_TOKEN,
        "user": API_THROTTLE_USER,
        "anon": API_THROTTLE_ANON,
    },
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "portfolio.api.pagination.Cursor",
    "DEFAULT_SCHEMA_CLASS": "portfolio.api.schema.ApiAutoSchema",
    "EXCEPTION_HANDLER": "portfolio.api.errors.api_exception_handler",
    "COERCE_DECIMAL_TO_STRING": True,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
with open(BASE_DIR / "pyproject.toml", "rb") as _pyproject:
    APP_VERSION = tomllib.load(_pyproject)["project"]["version"]
SPECTACULAR_SETTINGS = {
    # the version in the path is the API's (v1); the document's version is the app's release
    "TITLE": "Kraken Portfolio API v1",
    "DESCRIPTION": (
        "Your synced Kraken data and the tax books computed from it. Amounts are decimal "
        "strings, times ISO 8601 with their zone. Every failure answers "
        '{"error": {"code", "message", "fields"}}.'
    ),
    "VERSION": APP_VERSION,
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # no validator badge: Swagger UI would fetch it from swagger.io
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    # ReDoc has no option (REDOC_UI_SETTINGS) for the Redocly logo its side menu draws from
    # cdn.redoc.ly (not hideLogo, which is the spec's x-logo): templates/api/redoc.html keeps
    # the browser from asking for it
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {"JobStateEnum": "jobs.models.JobState"},
}
# Personal API tokens: django-rest-knox with our model (name, read-only, last used); no expiry,
# revoked by their owner. Stored as a SHA-512 digest; the "kp_" prefix makes a leaked one
# recognisable.
KNOX_TOKEN_MODEL = "api.ApiToken"
# knox's own migrations create its stock token table even though our model replaces it; that
# table's key to auth_user then stops PostgreSQL from emptying auth_user (TRUNCATE, as the test
# database's flush does). Its swapped-out model needs no table: skip its migrations.
MIGRATION_MODULES = {"knox": None}
REST_KNOX = {
    "TOKEN_MODEL": "api.ApiToken",
    "TOKEN_TTL": None,
    "TOKEN_PREFIX": "kp_",
    "AUTH_HEADER_PREFIX": "Token",
}
# A token's last-used time is written at most once per this many seconds (not on every call).
API_TOKEN_LAST_USED_EVERY_SECONDS = int(os.environ.get("API_TOKEN_LAST_USED_EVERY_SECONDS", "60"))
API_MAX_PAGE_SIZE = 500
