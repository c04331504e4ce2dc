"""Every environment variable congdong reads, in one typed object (pydantic-settings).

`load()` reads the environment into `Config`; a bad value stops the start with a message that
names the variable ("CONGDONG_LOGIN_FAILURES must be a whole number, got 'abc'"). Nothing else
in congdong or congdong_tools reads `os.environ`: `congdong/settings.py` turns this object into
Django's settings, and the few readers outside Django's settings (the benchmarks, the demo, the
test suite's switches) call `load()` too.

docs/configuration.md is generated from the fields below (`congdong settings-doc --output
docs/configuration.md`); tests/core/test_configuration_doc.py fails when it is out of date.
Each field's variable is CONGDONG_ and its name in capitals, unless it names its own
(`validation_alias`: DATABASE_URL, REDIS_URL, AUTHZ_SHOWN).
"""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Annotated, Any, Literal, get_args, get_origin
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured
from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

PREFIX = "CONGDONG_"
TRUE = {"1", "true", "yes", "on"}
FALSE = {"0", "false", "no", "off"}

# A comma-separated list in the environment ("a,b,c"), not JSON.
CommaList = Annotated[list[str], NoDecode]


class ConfigError(ImproperlyConfigured):
    """One or more environment variables have values congdong cannot use."""


def setting(default: Any, doc: str, section: str, shown: str | None = None, **kw: Any) -> Any:
    """A field with its line in docs/configuration.md (`shown`: the default as written there,
    when it is not the plain value, e.g. a path in the data folder)."""
    extra: dict[str, Any] = {"section": section}
    if shown is not None:
        extra["shown"] = shown
    return Field(default, description=doc, json_schema_extra=extra, **kw)


SITE = "Site and security"
LIMITS = "Limits"
DATA = "Database, cache and files"
EVENTS = "Events, engagement and campaigns"
CALENDAR = "Working calendar, feedback and casework"
WORKER = "Background work"
CHANNELS = "External channels (Facebook, Zalo)"
TOOLS = "Benchmarks and the test suite"


class Config(BaseSettings):
    """congdong's configuration, one field per environment variable."""

    model_config = SettingsConfigDict(
        env_prefix=PREFIX, case_sensitive=False, extra="ignore", validate_default=True
    )

    # --- Site and security -------------------------------------------------------------------
    data_dir: Path = setting(
        Path("var"),
        "Folder of the data: the SQLite database, the secret key, media, private files, static "
        "files. Relative paths are from the current folder.",
        SITE,
    )
    secret_key: str = setting(
        "",
        "Django's secret key. Empty: one is generated once and kept in the data folder "
        "(`secret_key`).",
        SITE,
    )
    debug: bool = setting(False, "Django's debug mode; never on in production.", SITE)
    site_url: str = setting(
        "http://127.0.0.1:8000",
        "The site's one public address (scheme, host and port, no path): every absolute link "
        "(pages, mails, SMS, API, share links) is built from it, never from the Host header. "
        "`congdong demo` uses the address it serves unless this is set.",
        SITE,
    )
    allowed_hosts: CommaList = setting(
        ["127.0.0.1", "localhost"],
        "Host names the site answers to (comma-separated); the host of CONGDONG_SITE_URL is "
        "always added.",
        SITE,
    )
    csrf_trusted_origins: CommaList = setting(
        [],
        "Extra origins allowed to post forms (comma-separated); CONGDONG_SITE_URL always is.",
        SITE,
    )
    https: bool = setting(
        False,
        "Behind a TLS-terminating proxy: secure cookies, HTTPS redirect, HSTS, and the "
        "proxy's X-Forwarded-Proto trusted.",
        SITE,
    )
    trusted_proxies: CommaList = setting(
        [],
        "The site's own reverse proxies, addresses or networks (`10.0.0.5,10.1.0.0/24`): only "
        "from them is X-Forwarded-For read. Empty: REMOTE_ADDR is the client; with "
        "CONGDONG_HTTPS, requests carrying X-Forwarded-For are then refused.",
        SITE,
    )
    csp: str = setting(
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
        "frame-ancestors 'none'; form-action 'self'",
        "The Content-Security-Policy header sent on every response (empty: none).",
        SITE,
    )
    staff_idle_minutes: int = setting(
        30, "Staff are signed out after this many minutes without a request.", SITE
    )
    staff_totp_required: bool = setting(
        False,
        "Staff without an authenticator app must set one up before the workspace, the admin "
        "or the API.",
        SITE,
    )
    totp_issuer: str = setting("Cộng đồng", "The site's name shown in authenticator apps.", SITE)
    bench_views: bool = setting(
        False,
        "Benchmark-only views and switches (`congdong bench public-pages`); never on in "
        "production.",
        SITE,
    )

    # --- Limits -------------------------------------------------------------------------------
    login_failures: int = setting(
        5,
        "Wrong staff passwords or codes per account from one address in the window before "
        "that address is refused (429).",
        LIMITS,
    )
    login_failures_minutes: float = setting(
        30, "The sliding window of the sign-in failure limits, in minutes.", LIMITS
    )
    login_failures_per_address: int = setting(
        20, "Wrong sign-ins from one address on any accounts in the window.", LIMITS
    )
    login_delay_max_seconds: int = setting(
        120,
        "Past the limit, an address that fails waits 1 s, 2 s, 4 s … up to this many seconds.",
        LIMITS,
    )
    max_body_mb: float = setting(
        2, "Largest request body that is not a file upload (JSON, forms, beacons), MB.", LIMITS
    )
    max_upload_mb: float = setting(60, "Largest multipart upload (files and the form), MB.", LIMITS)
    api_limit_user: int = setting(
        200, "Requests a minute to /api/v1/ per signed-in account.", LIMITS
    )
    api_limit_anon: int = setting(
        100, "Requests a minute to /api/v1/ per address for anonymous callers.", LIMITS
    )
    otp_max_per_phone: int = setting(
        5, "One-time sign-in codes sent to one phone number per hour.", LIMITS
    )
    otp_max_per_ip: int = setting(
        5, "One-time sign-in codes requested from one address per hour.", LIMITS
    )
    limit_comments: int = setting(10, "Comments per citizen per minute.", LIMITS)
    limit_reactions: int = setting(60, "Reactions per citizen per minute.", LIMITS)
    limit_follows: int = setting(30, "Follows per citizen per minute.", LIMITS)
    limit_shares: int = setting(30, "Shares per citizen per minute.", LIMITS)
    limit_referral_opens: int = setting(
        20,
        "New referral opens counted per address per hour for visitors not signed in (0: no limit).",
        LIMITS,
    )
    limit_beacons: int = setting(
        30,
        "Event beacon posts per minute per account, or per address for visitors not signed in.",
        LIMITS,
    )

    # --- Database, cache and files ----------------------------------------------------------
    database_url: str = setting(
        "",
        "The database, any URL dj-database-url reads, e.g. `postgres://user@host:5432/congdong`.",
        DATA,
        shown="`sqlite:///<data folder>/congdong.sqlite3`",
        validation_alias="DATABASE_URL",
    )
    db_conn_max_age: int = setting(
        60, "Seconds a database connection is kept open between requests.", DATA
    )
    redis_url: str = setting(
        "",
        "Redis for the cache, the Celery task broker, the event stream and today's live "
        "counters (`redis://127.0.0.1:6379/0`). Empty: a per-process cache and the embedded "
        "worker.",
        DATA,
        validation_alias="REDIS_URL",
    )
    cache_prefix: str = setting(
        "", "Prefix of the cache keys in Redis (two sites sharing one Redis).", DATA
    )
    cache_entries: int = setting(
        20000, "Entries of the per-process cache when there is no Redis.", DATA
    )
    private_root: Path | None = setting(
        None,
        "Folder of private files (feedback attachments, exports, documents), served only "
        "through views that check access; never inside the media or static folders.",
        DATA,
        shown="`<data folder>/private`",
    )
    serve_media: bool = setting(
        True, "The app serves the public media files itself (off behind a proxy that does).", DATA
    )
    sms_backend: str = setting(
        "congdong.accounts.sms.ConsoleBackend",
        "Where citizens' one-time codes go: `congdong.accounts.sms.ConsoleBackend` prints them, "
        "`congdong.accounts.sms.FileBackend` appends JSON lines to CONGDONG_SMS_FILE.",
        DATA,
    )
    sms_file: Path | None = setting(
        None, "The file of the file SMS backend.", DATA, shown="`<data folder>/sms.jsonl`"
    )

    # --- Events, engagement and campaigns ---------------------------------------------------
    events_buffer: int = setting(
        500, "Events a process holds before writing them (and read per round from Redis).", EVENTS
    )
    events_flush_seconds: float = setting(
        5,
        "Seconds between writes by the web process's own event flusher (0: none, the worker "
        "job alone).",
        EVENTS,
    )
    events_stream_maxlen: int = setting(
        2000000,
        "Cap of the Redis stream `congdong:events` if the workers stop draining it.",
        EVENTS,
    )
    events_claim_idle_ms: int = setting(
        60000,
        "A flush takes over stream entries another worker left unacknowledged this long (ms).",
        EVENTS,
    )
    events_retention_days: int = setting(
        90,
        "Raw events older than this are deleted by `prune-events`; per-day figures are kept.",
        EVENTS,
    )
    referral_follow_days: int = setting(
        7,
        "A follow within this many days of opening someone's referral link is theirs.",
        EVENTS,
    )
    campaign_at_risk_share: float = setting(
        0.25,
        "A page that has not published is 'at risk' once less than this share of the "
        "campaign's time is left.",
        EVENTS,
    )

    # --- Working calendar, feedback and casework --------------------------------------------
    calendar_time_zone: str = setting(
        "Asia/Ho_Chi_Minh", "Time zone of the working hours.", CALENDAR
    )
    working_weekdays: Annotated[list[int], NoDecode] = setting(
        [1, 2, 3, 4, 5], "Working weekdays, ISO numbers (Monday 1 … Sunday 7).", CALENDAR
    )
    working_hours: CommaList = setting(
        ["07:30-11:30", "13:30-17:00"], "Working hours of a working day.", CALENDAR
    )
    public_holidays: str = setting(
        "VN",
        "Country of the public holidays (the `holidays` package); empty for none.",
        CALENDAR,
    )
    feedback_daily_limit: int = setting(
        10, "Feedback items one citizen may send per calendar day.", CALENDAR
    )
    feedback_accept_hours: float = setting(8, "Working hours to accept a feedback item.", CALENDAR)
    feedback_urgent_accept_hours: float = setting(
        4, "Working hours to accept an item marked urgent.", CALENDAR
    )
    feedback_answer_hours: float = setting(
        37.5, "Working hours to answer (37.5: five working days).", CALENDAR
    )
    feedback_reopen_days: int = setting(
        7, "Days after an answer in which the citizen may reopen the item.", CALENDAR
    )
    feedback_close_after_days: int = setting(
        7, "Days after an answer after which the worker closes the item.", CALENDAR
    )
    feedback_consent_version: str = setting(
        "2026-01", "Version of the consent text citizens agree to (Law 91/2025).", CALENDAR
    )
    opinion_min_senders: int = setting(
        5,
        "Every figure about what citizens said stands for at least this many distinct senders "
        "(Decree 356/2025); below 2 is raised to 2.",
        CALENDAR,
    )
    takedown_hours: float = setting(
        24,
        "Wall-clock hours to act on an authority's takedown request (Decree 147/2024).",
        CALENDAR,
    )
    breach_notice_hours: float = setting(
        72,
        "Wall-clock hours to notify the authority of a personal data breach (Law 91/2025).",
        CALENDAR,
    )
    privacy_policy_version: str = setting(
        "2026-12",
        "Version of the privacy policy (template `privacy/policy/<version>.html`).",
        CALENDAR,
    )
    privacy_request_working_days: float = setting(
        2, "Working days to answer a citizen's personal data request.", CALENDAR
    )
    privacy_dpo_contact: str = setting(
        "Bộ phận bảo vệ dữ liệu cá nhân, Cơ quan Ủy ban Trung ương MTTQ Việt Nam, "
        "46 Tràng Thi, Hoàn Kiếm, Hà Nội",
        "How to reach the data protection officer.",
        CALENDAR,
    )
    moderation_hide_after: int = setting(
        3, "Distinct reporters that hide an item until it is reviewed.", CALENDAR
    )
    moderation_report_limit: int = setting(10, "Reports per citizen per minute.", CALENDAR)
    moderation_lock_windows: Annotated[list[tuple[int, int]], NoDecode] = setting(
        [(5, 30), (10, 90)],
        "Temporary lock after N violations in D days, as `N:D` pairs.",
        CALENDAR,
        shown="`5:30,10:90`",
    )
    moderation_lock_days: int = setting(7, "Length of a temporary lock, days.", CALENDAR)
    moderation_permanent_after: int = setting(
        3, "Temporary locks before a permanent one.", CALENDAR
    )

    # --- Background work --------------------------------------------------------------------
    worker_interval: float = setting(
        30, "Seconds between runs of each periodic job unless the job says otherwise.", WORKER
    )

    # --- External channels ------------------------------------------------------------------
    facebook_graph_url: str = setting(
        "https://graph.facebook.com", "Facebook Graph API address (tests: the fake).", CHANNELS
    )
    facebook_dialog_url: str = setting(
        "https://www.facebook.com", "Facebook's sign-in dialog address.", CHANNELS
    )
    facebook_graph_version: str = setting("v24.0", "Graph API version.", CHANNELS)
    facebook_app_id: str = setting("", "The Facebook app's id.", CHANNELS)
    facebook_app_secret: str = setting("", "The Facebook app's secret.", CHANNELS)
    facebook_verify_token: str = setting(
        "", "The token Facebook's webhook subscription check must echo.", CHANNELS
    )
    zalo_oauth_url: str = setting("https://oauth.zaloapp.com", "Zalo's OAuth address.", CHANNELS)
    zalo_api_url: str = setting("https://openapi.zalo.me", "Zalo OA API address.", CHANNELS)
    zalo_app_id: str = setting("", "The Zalo app's id.", CHANNELS)
    zalo_secret_key: str = setting("", "The Zalo app's secret key.", CHANNELS)
    zalo_oa_secret: str = setting("", "The OA secret Zalo signs its webhook events with.", CHANNELS)
    channel_backfill_days: int = setting(
        90,
        "Days of figures a newly linked channel's first import reads back (each Graph call "
        "gives at most 90 days).",
        CHANNELS,
    )
    channel_messages_retention_days: int = setting(
        365,
        "Days after which a comment or message from a linked Page or OA loses its text and "
        "author, and webhook bodies are deleted (prune-channel-messages).",
        CHANNELS,
    )
    channel_timeout: float = setting(
        10, "Seconds a call to a platform may take before it counts as failed.", CHANNELS
    )
    channel_jitter: float = setting(
        2, "Each delivery of a campaign waits a random 0..this many seconds.", CHANNELS
    )
    channel_max_attempts: int = setting(
        8, "Failed tries before a delivery is given up (rate limits do not count).", CHANNELS
    )
    channel_rate_backoff: float = setting(
        60,
        "Seconds a platform is paused after a rate-limit answer that says not when to come "
        "back, doubled each time in a row up to 16 times.",
        CHANNELS,
    )
    channel_token_key: str = setting(
        "",
        "Fernet key the platforms' tokens are encrypted with at rest (`python -c \"from "
        'cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"`). Empty: '
        "connecting a channel is refused (with CONGDONG_DEBUG, a key derived from the secret "
        "key).",
        CHANNELS,
    )

    # --- Benchmarks and the test suite ------------------------------------------------------
    authz_shown: int = setting(
        10,
        "`congdong bench authz`: findings of each kind kept in its JSON.",
        TOOLS,
        validation_alias="AUTHZ_SHOWN",
    )
    require_browser: bool = setting(
        False, "Test suite: fail, not skip, the browser tests when Chromium is missing.", TOOLS
    )
    ci_pass: Literal["", "sqlite", "postgres"] = setting(
        "",
        "Test suite: which of CI's two passes this is (`sqlite` or `postgres`); a test marked "
        "backend_neutral runs in one of them only (in `sqlite`, or in the pass its `run_in` "
        "names). Empty: every test runs.",
        TOOLS,
    )
    test_db_template: bool = setting(
        True,
        "Test suite: copy the in-memory SQLite test database (migrated, with both unit trees and "
        "the demo personas) from the one an earlier run kept in the temporary folder, instead of "
        "building it in every process (off in CI's passes, which always build it); and create "
        "a PostgreSQL test database from the server's migrated template database (made again "
        "when a migration changes).",
        TOOLS,
    )

    # --- Parsing and checks -----------------------------------------------------------------
    @field_validator("*", mode="before")
    @classmethod
    def _strip_numbers(cls, value: Any, info: Any) -> Any:
        """Booleans as the project always read them: empty is the default; numbers trimmed."""
        if not isinstance(value, str) or info.field_name is None:
            return value
        annotation = cls.model_fields[info.field_name].annotation
        if annotation is bool:
            word = value.strip().lower()
            if word == "":
                return cls.model_fields[info.field_name].default
            if word in TRUE:
                return True
            if word in FALSE:
                return False
            raise ValueError("must be one of 1, true, yes, on (or 0, false, no, off)")
        if annotation in (int, float):
            return value.strip()
        return value

    @field_validator(
        "allowed_hosts", "csrf_trusted_origins", "trusted_proxies", "working_hours", mode="before"
    )
    @classmethod
    def _comma_list(cls, value: Any) -> Any:
        return _split(value) if isinstance(value, str) else value

    @field_validator("working_weekdays", mode="before")
    @classmethod
    def _weekdays(cls, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        try:
            return [int(day) for day in _split(value)]
        except ValueError:
            raise ValueError("must be whole numbers separated by commas, like 1,2,3,4,5") from None

    @field_validator("moderation_lock_windows", mode="before")
    @classmethod
    def _lock_windows(cls, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        try:
            windows = [tuple(int(n) for n in w.split(":")) for w in _split(value)]
        except ValueError:
            windows = []
        if not windows or any(len(w) != 2 for w in windows):
            raise ValueError("must be violations:days pairs separated by commas, like 5:30,10:90")
        return windows

    @field_validator("site_url", mode="after")
    @classmethod
    def _site_url(cls, value: str) -> str:
        value = value.strip().rstrip("/")
        parts = urlsplit(value)
        if (
            parts.scheme not in ("http", "https")
            or not parts.hostname
            or value != f"{parts.scheme}://{parts.netloc}"
        ):
            raise ValueError("must be like https://congdong.example.vn")
        return value

    @field_validator("trusted_proxies", mode="after")
    @classmethod
    def _proxies(cls, value: list[str]) -> list[str]:
        for proxy in value:
            try:
                ipaddress.ip_network(proxy, strict=False)
            except ValueError:
                raise ValueError(f"must be addresses or networks ({proxy!r} is neither)") from None
        return value

    @field_validator("channel_token_key", mode="after")
    @classmethod
    def _strip(cls, value: str) -> str:
        return value.strip()


def _split(value: str) -> list[str]:
    return [item.strip() for item in value.split(",") if item.strip()]


def env_name(field: str) -> str:
    """The environment variable of a field (`login_failures` → CONGDONG_LOGIN_FAILURES)."""
    info = Config.model_fields[field]
    alias = info.validation_alias
    return alias if isinstance(alias, str) else PREFIX + field.upper()


KINDS = {
    "int_parsing": "must be a whole number",
    "int_from_float": "must be a whole number",
    "int_type": "must be a whole number",
    "float_parsing": "must be a number",
    "float_type": "must be a number",
    "finite_number": "must be a finite number",
}


def _explain(error: dict[str, Any]) -> str:
    where = str(error["loc"][0]) if error["loc"] else ""
    name = env_name(where) if where in Config.model_fields else where
    if error["type"] == "value_error":
        what = str(error["ctx"]["error"])
    else:
        what = KINDS.get(error["type"], error["msg"][:1].lower() + error["msg"][1:])
    return f"{name} {what}, got {error['input']!r}"


def load() -> Config:
    """The configuration in this process's environment now; ConfigError names every variable
    whose value cannot be used."""
    try:
        return Config()
    except ValidationError as exc:
        lines = [_explain(dict(e)) for e in exc.errors()]
        raise ConfigError("\n".join(lines)) from None


def markdown() -> str:
    """docs/configuration.md: one table per section, every variable with type and default."""
    out = [
        "# Configuration",
        "",
        "<!-- Generated from congdong/config.py by `congdong settings-doc --output "
        "docs/configuration.md`; do not edit by hand (tests/core/test_configuration_doc.py). -->",
        "",
        "congdong reads these environment variables once, at start-up "
        "(`congdong/config.py`, then `congdong/settings.py`). Each has a default that works on "
        "a laptop. A value that cannot be used stops the start with a message naming the "
        "variable. Booleans are `1`/`true`/`yes`/`on` or `0`/`false`/`no`/`off` (empty: the "
        "default); lists are comma-separated.",
        "",
    ]
    sections: dict[str, list[str]] = {}
    for field, info in Config.model_fields.items():
        extra = info.json_schema_extra
        assert isinstance(extra, dict), field
        shown = extra.get("shown")
        row = (
            f"| `{env_name(field)}` | {_type_name(info.annotation)} | "
            f"{shown if shown is not None else _default(info.default)} | {info.description} |"
        )
        sections.setdefault(str(extra["section"]), []).append(row)
    for section, rows in sections.items():
        out += [
            f"## {section}",
            "",
            "| Variable | Type | Default | Meaning |",
            "| --- | --- | --- | --- |",
        ]
        out += [*rows, ""]
    return "\n".join(out)


def _type_name(annotation: Any) -> str:
    text = {bool: "boolean", int: "whole number", float: "number", str: "text", Path: "path"}
    if annotation in text:
        return text[annotation]
    if get_origin(annotation) is Literal:
        return "one of " + ", ".join(
            f"`{value}`" if value else "empty" for value in get_args(annotation)
        )
    name = str(annotation)
    if "tuple" in name:
        return "list of N:D"
    if "int" in name and "list" in name:
        return "list of whole numbers"
    if "list" in name:
        return "list"
    if "Path" in name:
        return "path"
    return name


def _default(value: Any) -> str:
    if value == "" or value == []:
        return "(empty)"
    if isinstance(value, list):
        return "`" + ",".join(str(v) for v in value) + "`"
    if isinstance(value, bool):
        return "`1`" if value else "`0`"
    text = str(value).replace("|", "\\|")
    return f"`{text}`"
