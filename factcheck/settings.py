"""Factcheck Desk settings, read from the environment (see .env.example)."""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from factcheck.env import env_bool, env_choice, env_fraction, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

# "production" unless told otherwise: secure by default.
FACTCHECK_ENV = env_choice("FACTCHECK_ENV", ("production", "development", "test"), "production")
PRODUCTION = FACTCHECK_ENV == "production"
DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set in production (or set FACTCHECK_ENV=development for local use)."
        )
    SECRET_KEY = "insecure-local-key-" + FACTCHECK_ENV + "-never-use-in-production-0123456789abcdef"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = (env_str("SITE_URL", "http://127.0.0.1:8000") or "").rstrip("/")
PUBLISHER_NAME = env_str("PUBLISHER_NAME", "Factcheck Desk")
REVIEW_APPROVALS_REQUIRED = env_int("REVIEW_APPROVALS_REQUIRED", 1, minimum=1)
# How alike (0..1, claims.matching.similarity: words and meaning) a new quote and a logged claim must be
# for "Save claim" to stop and ask "Add as an appearance" or "Log as a new claim". On the fixtures in
# tests/test_duplicates.py the same words score 0.99-1.0 (whatever the case, punctuation or quotes),
# "small-boat" for "small boat" 0.94, a sentence against itself with its second half 0.87; the nearest
# different claims score 0.50 (other figures), 0.50 (a negation), 0.48 ("rose" for "fell"), another
# claim on the same topic 0.43.
DUPLICATE_MATCH_THRESHOLD = env_fraction("DUPLICATE_MATCH_THRESHOLD", 0.75)
# How alike a past ruling must be for "Submit for review" and "Approve" to ask how this verdict
# relates to it when the ratings differ: looser than duplicates, so the same claim inside a longer
# sentence (0.87) counts, while claims with other figures (0.50 for 350 homes against 450, 0.39 for
# "fell by a third" against "by a quarter") do not.
CONSISTENCY_MATCH_THRESHOLD = env_fraction("CONSISTENCY_MATCH_THRESHOLD", 0.55)
# "Already checked?" scores a claim by its words (BM25 over its score against itself, 0..1) and its
# meaning (cosine similarity of wordllama embeddings): this share of the score is the meaning's
# (claims.matching.hybrid). 0.4 was best on the first 600 tweets of the CLEF-2020 training split
# (MAP@5 0.833; 0.3 gave 0.832, 0.6 0.819, words alone 0.79): bench/bench_matching.py prints the grid.
MATCH_SEMANTIC_SHARE = env_fraction("MATCH_SEMANTIC_SHARE", 0.4)
# A claim that shares no word with the text is suggested only when its meaning is at least this close.
MATCH_MIN_SEMANTIC = env_fraction("MATCH_MIN_SEMANTIC", 0.7)
PUBLISHER_URL = env_str("PUBLISHER_URL", SITE_URL)
PUBLISHER_LOGO_URL = env_str("PUBLISHER_LOGO_URL", "")
# Seconds browsers and proxies may reuse a public page before asking again (ETag makes that cheap).
PUBLIC_CACHE_MAX_AGE = env_int("PUBLIC_CACHE_MAX_AGE", 0, minimum=0)
# Seconds a CDN or proxy may go on serving a page past its max-age while it fetches the new one.
PUBLIC_CACHE_STALE_SECONDS = env_int("PUBLIC_CACHE_STALE_SECONDS", 0, minimum=0)
# A CDN or Varnish in front of the site, purged by surrogate key after every change readers see (claims.cdn).
CDN_PURGER = env_choice("CDN_PURGER", ("none", "varnish", "fastly", "cloudflare"), "none")
CDN_PURGE_URL = env_str("CDN_PURGE_URL", "")
CDN_API_TOKEN = env_str("CDN_API_TOKEN", "")
if CDN_PURGER != "none" and not CDN_PURGE_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured(f"CDN_PURGER={CDN_PURGER} needs CDN_PURGE_URL, an http:// or https:// address")
if CDN_PURGER in ("fastly", "cloudflare") and not CDN_API_TOKEN:
    raise ImproperlyConfigured(f"CDN_PURGER={CDN_PURGER} needs CDN_API_TOKEN")
# Seconds a rendered public page stays in the server's cache (a publish makes it stale at once).
PUBLIC_CACHE_SECONDS = env_int("PUBLIC_CACHE_SECONDS", 3600, minimum=1)
# Seconds a check's rendered page is kept across other checks' changes, until something it shows
# changes (claims.public_cache.keep_content); 0 renders it again after every publish.
PUBLIC_CONTENT_CACHE_SECONDS = env_int("PUBLIC_CONTENT_CACHE_SECONDS", 3600, minimum=0)
SUGGESTIONS_PER_HOUR = env_int("SUGGESTIONS_PER_HOUR", 5, minimum=1)
# Requests a minute one client address may make to the JSON API (/api/v1/) before it answers 429.
API_REQUESTS_PER_MINUTE = env_int("API_REQUESTS_PER_MINUTE", 60, minimum=1)
# Requests a minute one API token may make.
API_TOKEN_REQUESTS_PER_MINUTE = env_int("API_TOKEN_REQUESTS_PER_MINUTE", 600, minimum=1)
# Networks (comma-separated CIDRs) the fetcher and webhooks may reach although they are private or
# local, e.g. 127.0.0.0/8 for testing; plain http is allowed to them too. Empty: none.
FETCH_ALLOW_NETWORKS = env_list("FETCH_ALLOW_NETWORKS", [])
for _network in FETCH_ALLOW_NETWORKS:
    try:
        ipaddress.ip_network(_network, strict=False)
    except ValueError:
        raise ImproperlyConfigured(
            f"FETCH_ALLOW_NETWORKS: {_network!r} is not a network (write CIDRs such as 127.0.0.0/8)"
        ) from None

# Background jobs (procrastinate): task modules beyond claims/tasks.py.
PROCRASTINATE_IMPORT_PATHS = ["claims.webhooks.tasks"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django_htmx",
    "template_partials",
    "csp",
    "axes",
    "procrastinate.contrib.django",  # background jobs on PostgreSQL (mail, webhooks)
    "ninja",  # the JSON API's docs page, with Swagger UI from ninja's own static files
    "claims",
]

MIDDLEWARE = [
    "claims.middleware.HealthCheckMiddleware",  # /healthz, for load balancers (before the host check)
    "django.middleware.security.SecurityMiddleware",
    "claims.middleware.ResponseHeadersMiddleware",
    "claims.middleware.SiteCSPMiddleware",  # django-csp's, with the site's policy built once for cached pages
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Anonymous readers' cached pages, answered here, before sessions, auth, messages and CSRF run,
    # with the headers of the middleware above (claims.public_cache).
    "claims.middleware.PublicCacheMiddleware",
    "factcheck.replicas.ReplicaMiddleware",  # where this request reads from: a replica or the primary
    "claims.middleware.CleanQueryParametersMiddleware",
    "claims.middleware.RequestSizeMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "claims.middleware.HtmxLoginRedirectMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "factcheck.urls"
WSGI_APPLICATION = "factcheck.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "builtins": ["template_partials.templatetags.partials", "claims.templatetags.factcheck"],
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "claims.context_processors.site",
            ],
        },
    },
]

# --- Database: DATABASE_URL, or the embedded server started on first connection.
DATABASE_URL = env_str("DATABASE_URL")
# Tests close connections at once, so the test database can be dropped at the end.
CONN_MAX_AGE = env_int("CONN_MAX_AGE", 0 if FACTCHECK_ENV == "test" else 60, minimum=0)
if DATABASE_URL:
    if not DATABASE_URL.startswith(("postgres://", "postgresql://", "pgsql://")):
        raise ImproperlyConfigured("DATABASE_URL must be a PostgreSQL URL (postgres://…)")
    _db = dj_database_url.parse(DATABASE_URL, conn_max_age=CONN_MAX_AGE, conn_health_checks=True)
    _db["ENGINE"] = "django.db.backends.postgresql"
    # dj-database-url puts a socket folder in OPTIONS["host"]; psql (dbshell) wants it in HOST.
    socket_host = _db.get("OPTIONS", {}).pop("host", None)
    if socket_host and not _db.get("HOST"):
        _db["HOST"] = socket_host
else:
    _db = {
        "ENGINE": "factcheck.dbbackend",
        "NAME": env_str("FACTCHECK_DB_NAME", "factcheck"),
        "USER": "postgres",
        "HOST": "",  # filled in by the backend when the embedded server is up
        "PORT": "",
        "CONN_MAX_AGE": CONN_MAX_AGE,
        "CONN_HEALTH_CHECKS": True,
        "OPTIONS": {},
    }
# pgvector's search settings for every session (matching asks for the nearest claims of a filtered
# set: the graph is walked on until enough are found). Given at connection start, so they hold for
# every connection, replicas' too; a server without pgvector keeps them as unused placeholders.
HNSW_OPTIONS = "-c hnsw.ef_search=80 -c hnsw.iterative_scan=relaxed_order"


def _with_hnsw(database: dict) -> dict:
    options = database.setdefault("OPTIONS", {})
    options["options"] = f"{options.get('options', '')} {HNSW_OPTIONS}".strip()
    return database


_with_hnsw(_db)
# One test database per test process, so several test runs can share a server at once.
_db["TEST"] = {"NAME": env_str("TEST_DATABASE_NAME", f"test_{_db.get('NAME') or 'factcheck'}_{os.getpid()}")}
DATABASES = {"default": _db}

# Read replicas for anonymous public reads (factcheck.replicas): comma-separated PostgreSQL URLs.
DATABASE_REPLICA_URLS = env_list("DATABASE_REPLICA_URLS", [])
for _n, _url in enumerate(DATABASE_REPLICA_URLS):
    if not _url.startswith(("postgres://", "postgresql://", "pgsql://")):
        raise ImproperlyConfigured(f"DATABASE_REPLICA_URLS: {_url!r} is not a PostgreSQL URL (postgres://…)")
    _replica = dj_database_url.parse(_url, conn_max_age=CONN_MAX_AGE, conn_health_checks=True)
    _replica["ENGINE"] = "django.db.backends.postgresql"
    _replica["OPTIONS"] = {**_replica.get("OPTIONS", {}), "connect_timeout": 2}
    _replica["TEST"] = {"MIRROR": "default"}
    _with_hnsw(_replica)
    DATABASES[f"replica_{_n}"] = _replica
DATABASE_ROUTERS = ["factcheck.replicas.ReplicaRouter"] if DATABASE_REPLICA_URLS else []
# Seconds a browser that wrote something reads from the primary (so it sees its own change).
REPLICA_STICKY_SECONDS = env_int("REPLICA_STICKY_SECONDS", 5, minimum=0)
# A replica further behind the primary than this is skipped until it catches up.
REPLICA_MAX_LAG_SECONDS = env_int("REPLICA_MAX_LAG_SECONDS", 10, minimum=0)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache: the shared database cache, or Redis with CACHE_URL.
CACHE_URL = env_str("CACHE_URL")
if CACHE_URL:
    if not CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured("CACHE_URL must be a redis:// URL")
    CACHES = {"default": {"BACKEND": "factcheck.cache.SharedRedisCache", "LOCATION": CACHE_URL}}
else:
    CACHES = {
        "default": {"BACKEND": "factcheck.cache.UpsertDatabaseCache", "LOCATION": "factcheck_cache"}
    }

# --- Authentication
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "desk:dashboard"
LOGOUT_REDIRECT_URL = "public:home"

AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15, minimum=1) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# The reader's address: the connection's, or the last hop a trusted reverse proxy appended to
# X-Forwarded-For (set CLIENT_IP_FROM_PROXY=true only behind such a proxy, or anyone can spoof it).
CLIENT_IP_FROM_PROXY = env_bool("CLIENT_IP_FROM_PROXY", False)
AXES_CLIENT_IP_CALLABLE = "claims.net.client_address"

# --- Internationalisation
LANGUAGE_CODE = "en-gb"
TIME_ZONE = env_str("TIME_ZONE", "Europe/London")
USE_I18N = True
USE_TZ = True

# --- Static files
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Without DEBUG, local runs still serve static files straight from static/ (no collectstatic).
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = not PRODUCTION
# Archived copies of sources: in MEDIA_ROOT (var/media by default, beside the embedded database's
# folder), or in an S3-compatible bucket with ARCHIVE_STORAGE=s3 (django-storages: pip install ".[s3]").
_DATA_DIR = Path(env_str("FACTCHECK_DATA_DIR", "") or VAR_DIR / "pgdata").expanduser()
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", "") or _DATA_DIR.parent / "media")
MEDIA_URL = "/media/"  # never served as files: readers see an archived copy's text on its own page
ARCHIVE_STORAGE = env_choice("ARCHIVE_STORAGE", ("filesystem", "s3"), "filesystem")
if ARCHIVE_STORAGE == "s3":
    _archive_storage = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {
        "bucket_name": env_str("ARCHIVE_S3_BUCKET", ""), "endpoint_url": env_str("ARCHIVE_S3_ENDPOINT_URL") or None,
        "region_name": env_str("ARCHIVE_S3_REGION") or None, "location": env_str("ARCHIVE_S3_PREFIX", "archive"),
        "default_acl": "private", "querystring_auth": True, "file_overwrite": False,
    }}
    if not _archive_storage["OPTIONS"]["bucket_name"]:
        raise ImproperlyConfigured("ARCHIVE_STORAGE=s3 needs ARCHIVE_S3_BUCKET")
else:
    _archive_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
# The largest source body archived (bytes, as sent and once decompressed).
ARCHIVE_MAX_BYTES = env_int("ARCHIVE_MAX_BYTES", 10_000_000, minimum=100_000)
# Seconds one archive fetch may take in all (connect, redirects, body).
ARCHIVE_FETCH_SECONDS = env_int("ARCHIVE_FETCH_SECONDS", 30, minimum=1)
# How alike (0..100, rapidfuzz's partial ratio) a quoted passage and the archived text must be.
PASSAGE_MATCH_THRESHOLD = env_int("PASSAGE_MATCH_THRESHOLD", 90, minimum=50)
# Readers see archived copies of the evidence under each fact-check; false shows only the date.
ARCHIVE_PUBLIC = env_bool("ARCHIVE_PUBLIC", True)
# When the link-health pass re-fetches the evidence of public checks (cron syntax, UTC).
LINK_CHECK_CRON = env_str("LINK_CHECK_CRON", "41 4 * * *")
if len((LINK_CHECK_CRON or "").split()) != 5:
    raise ImproperlyConfigured(f"LINK_CHECK_CRON must be a cron line of five fields, such as 41 4 * * *, "
                               f"not {LINK_CHECK_CRON!r}")

STORAGES = {
    "default": _archive_storage,
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# --- Email: console in development, SMTP when EMAIL_HOST is set.
EMAIL_HOST = env_str("EMAIL_HOST", "")
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "desk@factcheck.invalid")

# --- Security
CSP_SELF = "'self'"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [CSP_SELF],
        "script-src": [CSP_SELF],
        "style-src": [CSP_SELF],
        "img-src": [CSP_SELF, "data:"],
        "font-src": [CSP_SELF],
        "connect-src": [CSP_SELF],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": [CSP_SELF],
        "frame-ancestors": ["'none'"],
    }
}
X_FRAME_OPTIONS = "DENY"
# Sent on every response (claims.middleware.ResponseHeadersMiddleware): no page needs these.
PERMISSIONS_POLICY = ("accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), "
                      "payment=(), usb=()")
# Request bodies: 1 MB for the desk (an article pasted into the intake is the largest); the reader
# suggestion form takes far less (claims.views.public.suggest).
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
SUGGEST_MAX_BYTES = 64 * 1024
# The desk's "Import ClaimReview" page alone takes a file up to this size (claims.middleware).
CLAIMREVIEW_UPLOAD_MAX_BYTES = env_int("CLAIMREVIEW_UPLOAD_MAX_BYTES", 10 * 1000 * 1000, minimum=1)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # Only behind a reverse proxy that sets X-Forwarded-Proto itself: otherwise a client's own header
    # would pass for HTTPS and skip the redirect.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_PROXY", False) else None
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}
