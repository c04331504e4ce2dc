"""Settings for congdong, from the environment variables read by `congdong.config`.

Only `DATABASE_URL`, `REDIS_URL` and `CONGDONG_*` variables are read, all of them through the
typed object `congdong.config.Config` (a bad value stops the start with a message naming the
variable); every one has a default that works on a laptop (SQLite in the data folder, no
Redis). docs/configuration.md is the table, generated from that object.
"""

from __future__ import annotations

import importlib.util
import secrets
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url

from congdong.config import load

BASE_DIR = Path(__file__).resolve().parent
# Read afresh each time this module runs (tests run it again with other variables). Lowercase:
# not a Django setting, so never shown (secrets and all) on a debug page or by diffsettings.
_config = load()

DATA_DIR = _config.data_dir.resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    """The configured key, or one generated once and kept in the data folder."""
    configured = _config.secret_key
    if configured:
        return configured
    path = DATA_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


SECRET_KEY = _secret_key()
DEBUG = _config.debug
# Benchmark-only views and switches (`congdong bench public-pages`); never on in production.
BENCH_VIEWS = _config.bench_views


# The site's one public address, scheme and host (and port), without a trailing slash (checked
# in congdong.config). Every absolute link the site gives out — in pages (canonical, OpenGraph),
# mails, SMS, API answers and share links — is built from it (`congdong.core.links.absolute_url`),
# never from the request's Host header, which any client may set and the public page cache
# would then hand to everyone.
SITE_URL = _config.site_url
ALLOWED_HOSTS = list(_config.allowed_hosts)
# The site answers under its own address whatever else is allowed (the host without its port:
# Django compares hosts without ports).
if urlsplit(SITE_URL).hostname not in ALLOWED_HOSTS and "*" not in ALLOWED_HOSTS:
    ALLOWED_HOSTS.append(urlsplit(SITE_URL).hostname)
CSRF_TRUSTED_ORIGINS = list(_config.csrf_trusted_origins)
if SITE_URL not in CSRF_TRUSTED_ORIGINS:  # forms posted from the site's own address
    CSRF_TRUSTED_ORIGINS.append(SITE_URL)

# Behind a TLS-terminating proxy in production; off on a laptop so plain http works.
HTTPS = _config.https
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = 31_536_000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# --- Security (congdong/core/security.py; docs/operations.md "Security") ---------------------
# Wrong staff passwords and codes (core/security.py): per account from one address, and per
# address on any accounts, in a sliding window (then that address gets 429, Retry-After).
# Failures on an account from everywhere never refuse an address that has not failed; past
# the limit, addresses that fail wait 1 s, 2 s, 4 s … up to the maximum between tries.
LOGIN_FAILURES_LIMIT = _config.login_failures
LOGIN_FAILURES_MINUTES = _config.login_failures_minutes
LOGIN_FAILURES_PER_ADDRESS = _config.login_failures_per_address
LOGIN_DELAY_MAX_SECONDS = _config.login_delay_max_seconds
# The site's own reverse proxies (addresses or networks, "10.0.0.5,10.1.0.0/24"): only from
# them is X-Forwarded-For read, to find the client's address for per-address limits and logs
# (core/web.py client_ip). Empty: REMOTE_ADDR is the client. In production (CONGDONG_HTTPS)
# the app refuses requests that arrive with X-Forwarded-For while this is empty.
# Each is checked to be an address or a network (congdong.config).
TRUSTED_PROXIES = list(_config.trusted_proxies)
# Request bodies (core/gate.py): at most MAX_BODY_MB for anything but a file upload (JSON,
# forms, beacons), MAX_UPLOAD_MB for a multipart upload (five 10 MB files and the form);
# past them 413 in the visitor's language, before anything reads the body.
MAX_BODY_BYTES = int(_config.max_body_mb * 1_000_000)
MAX_UPLOAD_BYTES = int(_config.max_upload_mb * 1_000_000)
# Requests a minute to /api/v1/: per signed-in account, and per address for anonymous callers.
API_LIMIT_USER = _config.api_limit_user
API_LIMIT_ANON = _config.api_limit_anon
# Staff are signed out after this many minutes without a request (citizens are not).
STAFF_IDLE_MINUTES = _config.staff_idle_minutes
# Two-step sign-in (congdong/twofactor): when true, staff without an authenticator app are sent
# to set one up before the workspace, the admin or the API. The issuer names the site in apps.
STAFF_TOTP_REQUIRED = _config.staff_totp_required
TOTP_ISSUER = _config.totp_issuer
# Sent on every response. Location stays allowed for our own pages (a citizen may attach
# where a problem is); nothing else the pages do not use.
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(self), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=()"
)
# No inline script or style anywhere: templates use static files and classes only.
CONTENT_SECURITY_POLICY = _config.csp
# --- end of security --------------------------------------------------------------------------

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "treebeard",
    "ninja",
    # Only for its static files (the rich-text editor's module, CSS and icon font, served by us);
    # congdong/core/widgets.py RichTextarea and congdong/static/congdong/rich-text.js use them.
    "django_prose_editor",
    "congdong.core",
    "congdong.events",
    "congdong.units",
    "congdong.accounts",
    "congdong.pages",
    "congdong.posts",
    "congdong.campaigns",
    "congdong.channels",
    "congdong.listening",
    "congdong.syndication",
    "congdong.engagement",
    "congdong.insights",
    "congdong.feedback",
    "congdong.handbook",
    "congdong.moderation",
    "congdong.takedown",
    "congdong.privacy",
    "congdong.audit",
    "congdong.breaches",
    "congdong.twofactor",
    "congdong.worker",
    "congdong.site",
]
# The tools beside the product (congdong_tools: `congdong demo`, `congdong bench`, `congdong
# scenario`, the platforms' fakes), where they are installed: a checkout has them.
if importlib.util.find_spec("congdong_tools") is not None:
    INSTALLED_APPS.append("congdong_tools")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "congdong.core.static.StaticFilesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "congdong.core.middleware.LanguageMiddleware",
    # Before anything reads the body or the client's address (answers in the chosen language).
    "congdong.core.gate.RequestGateMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Right after authentication, so that it sees every answer given to a signed-in person,
    # those of the middleware below included: `private, no-store` (core/middleware.py).
    "congdong.core.middleware.PrivateCacheMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "congdong.core.security.SecurityHeadersMiddleware",
    "congdong.core.security.NulRefusalMiddleware",
    "congdong.core.security.StaffIdleMiddleware",
    "congdong.twofactor.middleware.RequireTwoFactorMiddleware",
    "congdong.core.security.ApiRateLimitMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # After authentication and the security middleware: records staff writes (congdong/audit).
    "congdong.audit.middleware.AuditMiddleware",
]

# With the benchmarks' switch on, the site's map plus their hello-world baseline (a tools
# module, named here and never imported by the product).
ROOT_URLCONF = "congdong_tools.bench.urls" if BENCH_VIEWS else "congdong.urls"
WSGI_APPLICATION = "congdong.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "congdong.engagement.context.bell",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        _config.database_url or f"sqlite:///{DATA_DIR / 'congdong.sqlite3'}",
        conn_max_age=_config.db_conn_max_age,
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # WAL lets the web process read while the demo's background work writes.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        # Seconds a writer waits for another (the embedded worker and event flusher write
        # beside the web requests) before "database is locked"; Python's default is 5.
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = _config.redis_url
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            # Two sites (or a benchmark beside a site) sharing one Redis keep apart by prefix.
            "KEY_PREFIX": _config.cache_prefix,
        }
    }
else:
    # Room for the public pages, post cards, versions and limits (Django's default is 300
    # entries, past which it drops a third of them at once).
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": _config.cache_entries},
        }
    }

AUTH_USER_MODEL = "accounts.User"
# Argon2id first (congdong/accounts/hashers.py; docs/operations.md "Passwords"); PBKDF2 after it
# so that older hashes still verify, and are rehashed with Argon2id at their next sign-in.
PASSWORD_HASHERS = [
    "congdong.accounts.hashers.Argon2idHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:staff-login"
LOGIN_REDIRECT_URL = "accounts:workspace"
LOGOUT_REDIRECT_URL = "site:home"

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
# Off: with it on, every id printed into an attribute or address becomes "11.380". Counts are
# grouped where they are shown, by `core.numbers.grouped` (the `so` filter).
USE_THOUSAND_SEPARATOR = False

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise warns when it is missing
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
    # Feedback attachments, exports, post pictures and documents (congdong/core/private_files.py):
    # under PRIVATE_ROOT, which no address serves; views check access and serve them.
    "private": {"BACKEND": "congdong.core.private_files.PrivateStorage"},
}
# Public files only (page avatars and covers): the reverse proxy may serve this folder.
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "/media/"
# Never inside MEDIA_ROOT or STATIC_ROOT (`congdong check` refuses it), never aliased by the proxy.
PRIVATE_ROOT = (_config.private_root or DATA_DIR / "private").resolve()
SERVE_MEDIA = _config.serve_media
# Django's own cap on what is not a file (JSON, form fields); core/gate.py refuses bigger
# bodies with 413 before Django would answer 400.
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_BODY_BYTES
FILE_UPLOAD_MAX_MEMORY_SIZE = 12_000_000

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"refusals_in_one_line": {"()": "congdong.core.logs.RefusalsInOneLine"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "requests": {"class": "logging.StreamHandler", "filters": ["refusals_in_one_line"]},
    },
    "loggers": {
        "congdong": {"handlers": ["console"], "level": "INFO"},
        # Always on the console (Django's default shows them only with DEBUG, so a server
        # error in production left no trace): 4xx as one line, 5xx with the traceback.
        "django.request": {"handlers": ["requests"], "level": "WARNING", "propagate": False},
    },
}

# Citizens' one-time codes (accounts.sms). The file backend appends JSON lines to the path.
SMS_BACKEND = _config.sms_backend
SMS_FILE_PATH = _config.sms_file or DATA_DIR / "sms.jsonl"
OTP_TTL_SECONDS = 300
OTP_MAX_PER_PHONE_PER_HOUR = _config.otp_max_per_phone
OTP_MAX_PER_IP_PER_HOUR = _config.otp_max_per_ip

# Per-account limits on what citizens do, per minute (429 with a message past them).
ENGAGEMENT_LIMITS = {
    "comment": _config.limit_comments,
    "reaction": _config.limit_reactions,
    "follow": _config.limit_follows,
    "share": _config.limit_shares,
}
# A follow within this many days of opening someone's referral link is attributed to them.
REFERRAL_FOLLOW_DAYS = _config.referral_follow_days
# New referrals counted per network address per hour for visitors not signed in (0: no limit);
# past it the page is shown but the open not counted. Each address counts at most once per
# page per day anyway (engagement/actions/referrals.py).
REFERRAL_OPEN_LIMIT = _config.limit_referral_opens

# Recorded events (congdong/events, stored by insights): events a process holds before writing
# them (and read from the Redis stream per round), seconds between writes by the web process's own
# flusher thread (0: none, the worker job alone), beacon posts per minute per account, or per
# network address for visitors not signed in (never per browser: a script changes that free).
EVENTS_BUFFER = _config.events_buffer
EVENTS_FLUSH_SECONDS = _config.events_flush_seconds
EVENTS_BEACON_LIMIT = _config.limit_beacons
# Cap of the Redis stream `congdong:events` if the workers stop draining it (~200 bytes each).
EVENTS_STREAM_MAXLEN = _config.events_stream_maxlen
# A flush takes over stream entries that another worker read and left unacknowledged for this
# long (it died, or hangs). Tests of a killed worker set it low.
EVENTS_CLAIM_IDLE_MS = _config.events_claim_idle_ms
# Raw events older than this many days are deleted by the `prune-events` job; the per-day
# figures and reach sketches built from them are kept.
EVENTS_RETENTION_DAYS = _config.events_retention_days
OTP_MAX_ATTEMPTS = 5

# --- Publish-down campaigns (congdong/campaigns) ------------------------------------------------
# A page that has not published yet is "at risk" once less than this share of the campaign's
# time (launch → deadline) is left, and "late" once the deadline has passed.
CAMPAIGN_AT_RISK_SHARE = _config.campaign_at_risk_share

# --- Working calendar (congdong/core/clock.py) and citizen feedback (congdong/feedback) ------
# Working weekdays (ISO: Monday 1 … Sunday 7) and hours, wall time in CALENDAR_TIME_ZONE; public
# holidays from the `holidays` package for this country ("" for none). Admins add extra days
# off and make-up working days as core.CalendarDay rows.
CALENDAR_TIME_ZONE = _config.calendar_time_zone
WORKING_WEEKDAYS = list(_config.working_weekdays)
WORKING_HOURS = list(_config.working_hours)
PUBLIC_HOLIDAYS_COUNTRY = _config.public_holidays
# Feedback items one citizen may send per calendar day; deadlines in working hours from the
# moment of sending (accept; accept when marked urgent; answer: 37.5 = five working days of
# the default calendar); days after an answer in which the citizen may reopen it, and after
# which the worker closes it; the version of the consent text citizens agree to (Law 91/2025).
FEEDBACK_DAILY_LIMIT = _config.feedback_daily_limit
FEEDBACK_ACCEPT_HOURS = _config.feedback_accept_hours
FEEDBACK_URGENT_ACCEPT_HOURS = _config.feedback_urgent_accept_hours
FEEDBACK_ANSWER_HOURS = _config.feedback_answer_hours
FEEDBACK_REOPEN_DAYS = _config.feedback_reopen_days
FEEDBACK_CLOSE_AFTER_DAYS = _config.feedback_close_after_days
FEEDBACK_CONSENT_VERSION = _config.feedback_consent_version
# Aggregate-only opinion data (Decree 356/2025): every figure about what citizens said (the
# people's situation, keywords) stands for at least this many distinct senders; smaller cells
# read "< k" and are merged into an "other" row. Response times and on-time shares need this
# many items. Below 2 would show one person's complaint: refused.
OPINION_MIN_SENDERS = max(2, _config.opinion_min_senders)
# Wall-clock hours an authority's takedown request must be acted on (Decree 147/2024: 24).
TAKEDOWN_HOURS = _config.takedown_hours
# Wall-clock hours to notify the personal data protection authority (A05, Ministry of Public
# Security) of a personal data breach after discovering it (Law 91/2025/QH15: 72).
BREACH_NOTICE_HOURS = _config.breach_notice_hours
# Personal data (congdong/privacy, Law 91/2025/QH15, Decree 356/2025/NĐ-CP): the version of the
# privacy policy citizens agree to (a template congdong/templates/privacy/policy/<version>.html),
# working days to answer a citizen's request, and how to reach the data protection officer.
PRIVACY_POLICY_VERSION = _config.privacy_policy_version
PRIVACY_REQUEST_WORKING_DAYS = _config.privacy_request_working_days
PRIVACY_DPO_CONTACT = _config.privacy_dpo_contact
# Moderation (congdong/moderation, Decree 147/2024): distinct reporters that hide an item until
# reviewed; reports per citizen per minute; temporary lock after N violations in D days
# ("5:30,10:90"), its length in days (7-30), and temporary locks before a permanent one.
MODERATION_HIDE_AFTER = _config.moderation_hide_after
MODERATION_REPORT_LIMIT = _config.moderation_report_limit
MODERATION_LOCK_WINDOWS = list(_config.moderation_lock_windows)
MODERATION_LOCK_DAYS = _config.moderation_lock_days
MODERATION_PERMANENT_AFTER = _config.moderation_permanent_after
# --- end of calendar and feedback -------------------------------------------------------------

# Serve static files straight from the app folders: the laptop demo needs no collectstatic.
WHITENOISE_USE_FINDERS = True

# --- Background work (congdong.worker, congdong.celery; docs/operations.md) -----------------
# Each periodic job (congdong/worker/jobs.py) runs this often unless its line says otherwise,
# in the embedded worker and in Celery beat alike.
WORKER_INTERVAL = _config.worker_interval
# With REDIS_URL, Redis is the broker and result store for `celery -A congdong worker`.
# Without it there is no broker: a task sent with .delay() runs at once in the sender, and the
# embedded worker runs the periodic jobs.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_RESULT_EXPIRES = 3600
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
# Tasks are sweeps that are safe to repeat: acknowledge after running, so a worker killed
# mid-task leaves its message to another worker.
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
# Beat's record of last runs: in the data folder, not wherever beat was started.
CELERY_BEAT_SCHEDULE_FILENAME = str(DATA_DIR / "celerybeat-schedule")
# --- end of background work ------------------------------------------------------------------

# --- External channels: Facebook Pages and Zalo OAs (congdong.channels; issue 18) --------------
# The platforms' addresses are settings so tests and the demo point them at the local fakes
# (congdong_tools/fakes). App ids and secrets come from the platforms' developer consoles.
FACEBOOK_GRAPH_URL = _config.facebook_graph_url
FACEBOOK_DIALOG_URL = _config.facebook_dialog_url
FACEBOOK_GRAPH_VERSION = _config.facebook_graph_version
FACEBOOK_APP_ID = _config.facebook_app_id
FACEBOOK_APP_SECRET = _config.facebook_app_secret
ZALO_OAUTH_URL = _config.zalo_oauth_url
ZALO_API_URL = _config.zalo_api_url
ZALO_APP_ID = _config.zalo_app_id
ZALO_SECRET_KEY = _config.zalo_secret_key
# Seconds any call to a platform may take before it counts as failed (and is retried later).
CHANNEL_TIMEOUT = _config.channel_timeout
# Webhooks in (congdong.listening): the token Facebook's subscription check must echo (set the
# same in the app's Webhooks settings), and the OA secret Zalo signs its events with.
FACEBOOK_VERIFY_TOKEN = _config.facebook_verify_token
ZALO_OA_SECRET = _config.zalo_oa_secret
# What people write to the linked Pages and OAs is personal data: a message's text and its
# author (name, platform id) are erased this many days after it was sent, and every webhook
# body older than that deleted (`prune-channel-messages`, daily; docs/privacy.md).
CHANNEL_MESSAGES_RETENTION_DAYS = _config.channel_messages_retention_days
# Publishing to channels (congdong/syndication): each delivery of a campaign waits a random
# 0..JITTER seconds, so pages never post the same second in lockstep; a delivery is given up
# after MAX_ATTEMPTS failed tries (rate limits do not count); a rate-limit answer that does not
# say when to come back (Zalo's never do) pauses the platform RATE_BACKOFF seconds, doubled at
# each such answer in a row up to 16 times that.
CHANNEL_JITTER = _config.channel_jitter
CHANNEL_MAX_ATTEMPTS = _config.channel_max_attempts
CHANNEL_RATE_BACKOFF = _config.channel_rate_backoff
# Days of figures a newly linked channel's first import reads back (Facebook keeps two years;
# each Graph call gives at most 90 days).
CHANNEL_BACKFILL_DAYS = _config.channel_backfill_days


def _channel_token_key() -> str:
    """The Fernet key the platforms' tokens are encrypted with at rest.

    Set it in production: a key derived from SECRET_KEY would make rotating the secret key
    lose every connection, so that shortcut is for DEBUG (the laptop demo) only. Empty means
    "not configured": connecting a channel is then refused with a clear message."""
    configured = _config.channel_token_key
    if configured or not DEBUG:
        return configured
    import base64
    import hashlib

    digest = hashlib.sha256(f"congdong channel tokens {SECRET_KEY}".encode()).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii")


CHANNEL_TOKEN_KEY = _channel_token_key()
