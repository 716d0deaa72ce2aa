"""The one settings module, driven by environment variables.

DATABASE_URL   sqlite:///var/gongkai.sqlite3 (default) or postgres://user@host:5432/name
SECRET_KEY     required when DEBUG is off outside tests; generated into var/ for local runs
DEBUG          "1" for development
ALLOWED_HOSTS  comma separated
GONGKAI_*      platform rules (login lock-out, password age, idle timeout, upload limits,
               audit head export)
GONGKAI_HTTPS  "1" behind a TLS-terminating proxy: redirect to HTTPS, HSTS, Secure cookies
GONGKAI_TRUSTED_PROXIES  proxies whose X-Forwarded-For gives the client address (README)
"""

import ipaddress
import os
import secrets
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("GONGKAI_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def _secret_key() -> str:
    if key := os.environ.get("SECRET_KEY"):
        return key
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = os.environ.get("DEBUG", "") == "1"
ALLOWED_HOSTS = os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver").split(",")
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "gongkai.apps.GongkaiAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    "gongkai.audit",
    "gongkai.organizations",
    "gongkai.accounts",
    "gongkai.documents",
    "gongkai.review",
    "gongkai.enforcement",
    "gongkai.imports",
    "gongkai.applications",
    "gongkai.search",
    "gongkai.opendata",
    "gongkai.lists",
    "gongkai.participation",
    "gongkai.execution",
    "gongkai.gazette",
    "gongkai.catalog",
    "gongkai.portal",
    "gongkai.monitoring",
    "gongkai.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "gongkai.accounts.middleware.RetryAfterMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "gongkai.caching.PublicCompressionMiddleware",
    "gongkai.api.ApiErrorShapeMiddleware",
    "gongkai.caching.PublicCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "gongkai.accounts.middleware.PasswordExpiryMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "gongkai.urls"
WSGI_APPLICATION = "gongkai.wsgi.application"

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
                "gongkai.portal.context_processors.chrome",
            ]
        },
    }
]

# --- Database: SQLite embedded by default, PostgreSQL in production -------------------------
DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'gongkai.sqlite3'}")
_db = dj_database_url.parse(DATABASE_URL, conn_max_age=60)
if _db["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE takes the write lock at BEGIN, so concurrent writers queue instead of failing.
    _db["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # a file, not :memory:, so that tests with several threads share one database
    _db["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth and 等级保护 2.0 login rules ------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["gongkai.accounts.backends.LockoutModelBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": env_int("GONGKAI_PASSWORD_MIN_LENGTH", 10)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {
        "NAME": "gongkai.accounts.passwords.ComplexityValidator",
        "OPTIONS": {"min_classes": env_int("GONGKAI_PASSWORD_MIN_CLASSES", 3)},
    },
]
GONGKAI_PASSWORD_MAX_AGE_DAYS = env_int("GONGKAI_PASSWORD_MAX_AGE_DAYS", 90)
GONGKAI_LOCKOUT_FAILURES = env_int("GONGKAI_LOCKOUT_FAILURES", 5)
GONGKAI_LOCKOUT_WINDOW_MINUTES = env_int("GONGKAI_LOCKOUT_WINDOW_MINUTES", 15)
# per client address (audit F4): this many failed logins (any account, any login form) or bad
# API tokens within the sliding window, then 429 until the oldest leaves the window
GONGKAI_LOGIN_ADDRESS_FAILURES = env_int("GONGKAI_LOGIN_ADDRESS_FAILURES", 10)
GONGKAI_TOKEN_ADDRESS_FAILURES = env_int("GONGKAI_TOKEN_ADDRESS_FAILURES", 10)
GONGKAI_LOGIN_ADDRESS_WINDOW_MINUTES = env_int("GONGKAI_LOGIN_ADDRESS_WINDOW_MINUTES", 10)
# public questions to an online interview (/interviews/<id>/ask/) per client address and hour
GONGKAI_INTERVIEW_QUESTIONS_PER_HOUR = env_int("GONGKAI_INTERVIEW_QUESTIONS_PER_HOUR", 5)
# reverse proxies (IPs/CIDRs, comma separated) whose X-Forwarded-For is believed; empty: none
GONGKAI_TRUSTED_PROXIES = [
    str(ipaddress.ip_network(p.strip(), strict=False))  # a typo fails at start, not per request
    for p in os.environ.get("GONGKAI_TRUSTED_PROXIES", "").split(",")
    if p.strip()
]
# idle timeout: the session expires this long after the last request
SESSION_COOKIE_AGE = env_int("GONGKAI_IDLE_TIMEOUT_MINUTES", 30) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True

# --- HTTPS behind a TLS-terminating reverse proxy (audit F5): one switch, see README Deployment
GONGKAI_HTTPS = os.environ.get("GONGKAI_HTTPS", "") == "1"
# the proxy must set (not pass on) X-Forwarded-Proto; only it may reach gunicorn
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if GONGKAI_HTTPS else None
SECURE_SSL_REDIRECT = GONGKAI_HTTPS
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # local health checks over plain HTTP
SECURE_HSTS_SECONDS = env_int("GONGKAI_HSTS_SECONDS", 31536000) if GONGKAI_HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = os.environ.get("GONGKAI_HSTS_INCLUDE_SUBDOMAINS", "") == "1"
SECURE_HSTS_PRELOAD = os.environ.get("GONGKAI_HSTS_PRELOAD", "") == "1"
# GONGKAI_SECURE_COOKIES=1 alone: Secure cookies without the redirect/HSTS (kept from before)
SESSION_COOKIE_SECURE = GONGKAI_HTTPS or os.environ.get("GONGKAI_SECURE_COOKIES", "") == "1"
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

# Content-Security-Policy (django-csp) on every response: no inline script or <style>, nothing
# from other origins; style attributes only, for the few the admin's list columns still set
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:"],  # the API docs' icons are data: URIs
        "object-src": ["'none'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
    }
}
LOGIN_URL = "/admin/login/"

# --- Uploads -----------------------------------------------------------------------------------
GONGKAI_ATTACHMENT_MAX_BYTES = env_int("GONGKAI_ATTACHMENT_MAX_MB", 50) * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media/"

# datastore_search_sql runs in worker processes: address space of each, workers per web process,
# and the most JSON one answer may carry (audit F1)
GONGKAI_SQL_MEMORY_MB = env_int("GONGKAI_SQL_MEMORY_MB", 1024)
GONGKAI_SQL_WORKERS = env_int("GONGKAI_SQL_WORKERS", 3)
GONGKAI_SQL_RESULT_BYTES = env_int("GONGKAI_SQL_RESULT_MB", 16) * 1024 * 1024

# local memory per process: the public page cache is keyed by content version, never stale
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "OPTIONS": {"MAX_ENTRIES": env_int("GONGKAI_CACHE_ENTRIES", 5000)},
    }
}

# --- Mail (reminders): printed to the console unless a real backend is configured
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "gongkai@localhost")

# --- Background tasks (django-tasks, database backend) -----------------------------------------
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# --- Audit trail outside the database (F10): head export and its HMAC-SM3 key ------------------
# append-only file receiving one line per export (time seq hash [mac]); empty = no file
GONGKAI_AUDIT_HEAD_FILE = os.environ.get("GONGKAI_AUDIT_HEAD_FILE", "")
# "1" = the local syslog (/dev/log, else UDP localhost:514), "host:port" (UDP) or a socket path
GONGKAI_AUDIT_SYSLOG = os.environ.get("GONGKAI_AUDIT_SYSLOG", "")
GONGKAI_AUDIT_SYSLOG_FACILITY = os.environ.get("GONGKAI_AUDIT_SYSLOG_FACILITY", "local0")
GONGKAI_AUDIT_EXPORT_MINUTES = env_int("GONGKAI_AUDIT_EXPORT_MINUTES", 60)
# the HMAC key is never stored in the database: given directly, or a file only the app user reads
GONGKAI_AUDIT_KEY = os.environ.get("GONGKAI_AUDIT_KEY", "")
GONGKAI_AUDIT_KEY_FILE = os.environ.get("GONGKAI_AUDIT_KEY_FILE", "")

# --- Locale ------------------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
WHITENOISE_USE_FINDERS = True  # serve app static files even before collectstatic (tests, first run)
# whitenoise serves static files compressed, with far-future caching of hashed names
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "gongkai.storage.StaticStorage"},
}

GONGKAI_SITE_NAME = os.environ.get("GONGKAI_SITE_NAME", "政务公开平台")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
