"""fuzz: schemathesis against /api/v1/openapi.json, ≥ 10,000 requests; server errors (5xx).

Goal (issue 7 §6): at least `--cases` requests (default 10,000) generated from the OpenAPI
schema, and 0 answered with a server error. Every operation is fuzzed as three callers — an
anonymous visitor, a citizen with a bearer token, and the central unit's admin with a bearer
token and a signed-in session (the staff endpoints take the session) — with data that fits the
schema and data that does not (schemathesis' positive and negative modes). Half of the fitting
cases name real objects (units, pages, posts, feedback, cases, …) instead of random ids, so
requests get past "not found" into the code that acts. Answers that do not match the schema
are counted and shown too; the goal is on server errors.

The app is called in-process through its WSGI handler (no sockets), on the demo's data
(`congdong demo --no-serve`), in a throwaway SQLite database unless `--database-url` is given;
the API's rate limits and the citizens' per-minute limits are lifted for the run.
"""

from __future__ import annotations

import json
import math
import random
import sys
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field

from congdong_tools.bench import steps
from congdong_tools.bench.report import Report

CASES = 10_000
SCHEMA = "/api/v1/openapi.json"
# Lifted for the run: fuzzing sends thousands of requests a minute as the same few callers.
NO_LIMITS = {
    "CONGDONG_API_LIMIT_USER": "0",
    "CONGDONG_API_LIMIT_ANON": "0",
    "CONGDONG_LOGIN_FAILURES": "1000000",
    "CONGDONG_OTP_MAX_PER_PHONE": "1000000",
    "CONGDONG_OTP_MAX_PER_IP": "1000000",
    "CONGDONG_LIMIT_COMMENTS": "1000000",
    "CONGDONG_LIMIT_REACTIONS": "1000000",
    "CONGDONG_LIMIT_FOLLOWS": "1000000",
    "CONGDONG_LIMIT_SHARES": "1000000",
    "CONGDONG_LIMIT_BEACONS": "1000000",
    "CONGDONG_FEEDBACK_DAILY_LIMIT": "1000000",
    "CONGDONG_MODERATION_REPORT_LIMIT": "1000000",
}
SERVED = NO_LIMITS | {
    # Codes sent by SMS go to <data folder>/sms.jsonl.
    "CONGDONG_SMS_BACKEND": "congdong.accounts.sms.FileBackend",
    # No background thread writing events beside the requests (SQLite has one writer).
    "CONGDONG_EVENTS_FLUSH_SECONDS": "0",
}
SHOWN = 10  # failures printed of each kind
MAX_PASSES = 12  # over all operations, until enough requests were sent


def run(database_url: str | None, progress, cases: int = CASES, sample: bool = False) -> Report:
    try:
        import schemathesis  # noqa: F401  (a dev dependency: pip install -e '.[dev]')
    except ImportError as missing:
        raise SystemExit(
            "bench fuzz needs schemathesis: pip install -e '.[dev]' (or 'schemathesis>=4.32,<5')"
        ) from missing
    # Self-contained: background tasks run inline, in the request that enqueued them (so
    # their errors are the request's).
    with steps.served_alone(database_url, progress, SERVED, "localhost,127.0.0.1") as env:
        progress(
            f"the {'sample ' if sample else ''}demo's data: units, personas, pages, posts, "
            "citizens, feedback…"
        )
        figures: dict[str, float | int | str] = steps.child(
            "congdong_tools.bench.fuzz", env, "seed", *(["sample"] if sample else [])
        )
        progress(f"fuzzing {SCHEMA} with at least {cases:,} requests…")
        found = steps.child("congdong_tools.bench.fuzz", env, "fuzz", str(cases))
    failures = found.pop("failures")
    violations = found.pop("violations")
    clashes = found.pop("clashes")
    failing = found.pop("failing_operations")
    found.pop("not_generated_by")
    figures |= found
    figures["database"] = "sqlite" if not database_url else database_url.split(":", 1)[0]
    if failures:
        figures["first_server_error"] = failures[0]
    for kind, shown in (
        ("operation with server errors", [f"{op}: {n}" for op, n in failing.items()]),
        ("server error", failures),
        ("schema violation", violations),
        ("one name for two schemas in the OpenAPI document", clashes),
    ):
        for line in shown:
            progress(f"  {kind}: {line}")
    # The sample demo (fewer citizens and feedback items, as CI runs it) never claims the goals.
    figures["demo"] = "sample" if sample else "full"
    report = Report("fuzz", figures)
    report.goals["0 server errors (5xx)"] = figures["server_errors"] == 0
    report.goals[f"≥ {cases:,} requests"] = figures["cases"] >= cases
    report.goals["on the full demo data set"] = not sample
    return report


# --- the child steps, against the throwaway database ----------------------------------------


def _seed(sample: bool) -> None:
    steps.setup_django()
    import io

    from django.core.management import call_command

    from congdong.accounts.models import User
    from congdong.feedback.models import Feedback
    from congdong.pages.models import Page
    from congdong.posts.models import Post
    from congdong.units.models import Unit

    started = time.perf_counter()
    if sample:
        from congdong_tools.demo.build import build

        build(lambda _text: None, sample=True)
    else:
        call_command("demo", no_serve=True, stdout=io.StringIO())
    print(
        json.dumps(
            {
                "units": Unit.objects.count(),
                "pages": Page.objects.count(),
                "posts": Post.objects.count(),
                "accounts": User.objects.count(),
                "feedback": Feedback.objects.count(),
                "seed_seconds": round(time.perf_counter() - started, 1),
            }
        )
    )


@dataclass
class Caller:
    """Who sends a request: headers and cookies, kept valid while the fuzzing changes things
    (a logout revokes the token; a revoked membership takes the admin's role away)."""

    name: str
    username: str = ""
    key: str = ""
    token_id: int = 0
    session: str = ""
    csrf: str = ""
    renewed: int = 0

    def headers(self) -> dict[str, str]:
        out = {}
        if self.key:
            out["Authorization"] = f"Bearer {self.key}"
        if self.csrf:
            out["X-CSRFToken"] = self.csrf
        return out

    def cookies(self) -> dict[str, str]:
        from django.conf import settings

        if not self.session:
            return {}
        return {settings.SESSION_COOKIE_NAME: self.session, settings.CSRF_COOKIE_NAME: self.csrf}


def _citizen() -> Caller:
    from congdong.accounts.models import User
    from congdong_tools.demo.personas import CITIZEN

    user = User.objects.filter(phone=CITIZEN["phone"], is_active=True).first()
    if user is None:
        # The fuzzing deleted or locked the demo citizen: another one signs up.
        from congdong.accounts.models import AccountKind

        n = User.objects.filter(username__startswith="fuzz-citizen-").count() + 1
        while User.objects.filter(phone=f"+84399{n:06d}").exists():
            n += 1
        user = User.objects.create(
            username=f"fuzz-citizen-{n}",
            full_name="Nguyễn Thị Bình",
            kind=AccountKind.CITIZEN,
            phone=f"+84399{n:06d}",
        )
    return _with_token(Caller("citizen", user.username), user)


def _staff() -> Caller:
    from django.conf import settings
    from django.middleware.csrf import _get_new_csrf_string
    from django.test import Client

    from congdong.accounts.actions import Grant, do_grant
    from congdong.accounts.models import Membership, Organisation, User
    from congdong.accounts.roles import Role
    from congdong_tools.demo.personas import find_unit

    user = User.objects.get(username="tw.quantri")
    if not user.is_active:
        User.objects.filter(pk=user.pk).update(is_active=True)
        user.refresh_from_db()
    central = find_unit("TW")
    if not Membership.objects.filter(user=user, unit=central, role=Role.UNIT_ADMIN).exists():
        org = Organisation.objects.get(code="mttq")
        do_grant(None, Grant(unit=central, user=user, organisation=org, role=Role.UNIT_ADMIN))
    client = Client()
    client.force_login(user)
    caller = Caller("staff", user.username)
    caller.session = client.cookies[settings.SESSION_COOKIE_NAME].value
    caller.csrf = _get_new_csrf_string()
    return _with_token(caller, user)


def _with_token(caller: Caller, user) -> Caller:
    from congdong.accounts.tokens import do_issue_token

    issued = do_issue_token(user, "bench fuzz")
    caller.key, caller.token_id = issued.key, issued.token.pk
    return caller


def _still_valid(caller: Caller) -> bool:
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    from congdong.accounts.models import ApiToken, Membership
    from congdong.accounts.roles import Role

    if caller.name == "anonymous":
        return True
    if not ApiToken.objects.filter(
        pk=caller.token_id, revoked_at=None, user__is_active=True
    ).exists():
        return False
    if caller.name == "staff":
        alive = Session.objects.filter(
            session_key=caller.session, expire_date__gt=timezone.now()
        ).exists()
        admin = Membership.objects.filter(
            user__username=caller.username, unit__depth=1, role=Role.UNIT_ADMIN
        ).exists()
        return alive and admin
    return True


def _renew(caller: Caller) -> Caller:
    fresh = _citizen() if caller.name == "citizen" else _staff()
    fresh.renewed = caller.renewed + 1
    return fresh


# Path parameters and body fields named after a model get real ids of that model (or of the
# models whose name ends with it: `attachment_id` → FeedbackAttachment, `request_id` → both
# kinds of requests); `slug` gets the addresses of pages and handbook pages.
STEMS = ["unit", "page", "post", "comment", "feedback", "case", "appeal", "campaign", "target"]
STEMS += ["membership", "operator", "attachment", "consent", "request", "breach"]
POOL = 300


def _pools(chance: random.Random) -> dict[str, list]:
    from django.apps import apps

    from congdong.accounts.models import User

    ours = [m for m in apps.get_models() if m.__module__.startswith("congdong.")]

    def sample(rows) -> list:
        values = list(rows.order_by("pk"))  # the same sample for the same seed
        return chance.sample(values, min(POOL, len(values)))

    pools: dict[str, list] = {}
    for stem in STEMS:
        models = [m for m in ours if m._meta.model_name == stem]
        models = models or [m for m in ours if m._meta.model_name.endswith(stem)]
        pools[f"{stem}_id"] = [
            pk for m in models for pk in sample(m.objects.values_list("pk", flat=True))
        ]
    pools["slug"] = [
        slug
        for m in ours
        if m._meta.model_name in ("page", "handbookpage")
        for slug in sample(m.objects.values_list("slug", flat=True))
    ]
    pools["username"] = sample(User.objects.values_list("username", flat=True))
    pools["number"] = [1, 2, 3]  # handbook revisions
    return {name: found for name, found in pools.items() if found}


def _aim(case, pools: dict[str, list], chance: random.Random) -> None:
    """Point half of the fitting cases at real objects: path ids, body `*_id`, `*_ids`."""
    for name in list(case.path_parameters or {}):
        if name in pools and chance.random() < 0.5:
            case.path_parameters[name] = chance.choice(pools[name])
    body = case.body
    if isinstance(body, dict):
        for name, value in list(body.items()):
            if chance.random() >= 0.5:
                continue
            if name in pools and isinstance(value, int | str) and not isinstance(value, bool):
                body[name] = chance.choice(pools[name])
            elif name.endswith("_ids") and f"{name[:-1]}" in pools and isinstance(value, list):
                pool = pools[name[:-1]]
                body[name] = [chance.choice(pool) for _ in range(min(len(value) or 1, 5))]


def schema_clashes() -> list[str]:
    """Names that two different schemas share in the API's OpenAPI document. django-ninja
    keeps one schema per name (the last one seen), so a clash silently documents one
    operation's body or answer with another's: clients and this fuzzer then read it wrong."""
    from ninja.openapi.schema import OpenAPISchema

    from congdong.api import api

    clashes: set[str] = set()

    class Checking(OpenAPISchema):
        def add_schema_definitions(self, definitions: dict) -> None:
            for name, definition in definitions.items():
                if name in self.schemas and self.schemas[name] != definition:
                    clashes.add(name)
            super().add_schema_definitions(definitions)

    Checking(api, "")
    return sorted(clashes)


@dataclass
class Tally:
    sent: int = 0
    statuses: Counter = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    failing: Counter = field(default_factory=Counter)  # (method path) → server errors
    violations: list[str] = field(default_factory=list)
    violating: Counter = field(default_factory=Counter)
    errors: Counter = field(default_factory=Counter)  # schemathesis could not make a case


def _fuzz(wanted: int) -> None:
    steps.setup_django()
    import warnings

    from django.core.cache.backends.base import CacheKeyWarning

    # Addresses the fuzzer makes up (spaces, any character) end up in cache keys: fine for the
    # locmem and Redis caches, a warning about memcached that says nothing about the API.
    warnings.simplefilter("ignore", CacheKeyWarning)
    import hypothesis
    import schemathesis
    from django.core.signals import got_request_exception
    from django.core.wsgi import get_wsgi_application
    from hypothesis import HealthCheck, Phase, Verbosity
    from schemathesis.core.failures import FailureGroup
    from schemathesis.specs.openapi.checks import response_schema_conformance

    started = time.perf_counter()
    clashes = schema_clashes()
    app = get_wsgi_application()
    schema = schemathesis.openapi.from_wsgi(SCHEMA, app)
    operations = [result.ok() for result in schema.get_all_operations()]
    callers = {"anonymous": Caller("anonymous"), "citizen": _citizen(), "staff": _staff()}
    positive, negative = schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE
    tally = Tally()
    raised: list[str] = []
    chance = random.Random(7)
    pools: dict[str, list] = {}

    def on_exception(sender, request=None, **kwargs) -> None:
        # The last line of the traceback: the exception and where it came from.
        frames = traceback.extract_tb(sys.exc_info()[2])
        ours = [f for f in frames if "/congdong/" in f.filename] or frames
        at = f"{ours[-1].filename.rsplit('/congdong/', 1)[-1]}:{ours[-1].lineno}" if ours else ""
        error = sys.exc_info()[1]
        raised.append(f"{type(error).__name__}: {str(error)[:120]} (congdong/{at})")

    got_request_exception.connect(on_exception, weak=False)

    def send(case, who: str, mode, label: str) -> None:
        caller = callers[who]
        if not _still_valid(caller):
            caller = callers[who] = _renew(caller)
        if mode == positive:
            _aim(case, pools, chance)
        raised.clear()
        try:
            response = case.call(headers=caller.headers(), cookies=caller.cookies())
        except Exception as error:  # could not even be sent (a header werkzeug refuses…)
            tally.errors[f"{label}: {type(error).__name__}"] += 1
            return
        tally.sent += 1
        status = response.status_code
        tally.statuses[status // 100 * 100] += 1
        where = f"{case.method} {case.formatted_path}"
        if status >= 500:
            tally.failing[label] += 1
            if tally.failing[label] == 1 and len(tally.failures) < SHOWN:  # one per operation
                cause = raised[-1] if raised else ""
                tally.failures.append(f"{where} as {who} → {status} {cause}")
            return
        try:
            case.validate_response(response, checks=[response_schema_conformance])
        except FailureGroup as group:
            tally.violating[label] += 1
            if tally.violating[label] == 1 and len(tally.violations) < SHOWN:
                title = group.exceptions[0].title if group.exceptions else ""
                tally.violations.append(f"{where} as {who} → {status} {title}")

    def bound(who: str, mode, label: str):
        def one(case) -> None:
            send(case, who, mode, label)

        return one

    strategies: dict = {}
    runs = len(operations) * len(callers) * 2
    passes = 0
    while tally.sent < wanted and passes < MAX_PASSES:
        passes += 1
        pools.clear()
        pools.update(_pools(chance))  # objects the last pass made are aimed at too
        per_run = max(1, math.ceil((wanted - tally.sent) / runs))
        steps.say(
            f"  pass {passes}: {len(operations)} operations × {len(callers)} callers × "
            f"2 modes, up to {per_run} cases each…"
        )
        for o, operation in enumerate(operations):
            label = f"{operation.method.upper()} {operation.path}"
            for m, mode in enumerate((positive, negative)):
                if (o, m) not in strategies:
                    try:
                        strategies[o, m] = operation.as_strategy(generation_mode=mode)
                    except Exception as error:  # e.g. nothing to make invalid
                        strategies[o, m] = None
                        tally.errors[f"{label} {mode.value}: {type(error).__name__}"] += 1
                if strategies[o, m] is None:
                    continue
                for who in callers:
                    test = hypothesis.given(case=strategies[o, m])(bound(who, mode, label))
                    test = hypothesis.seed(passes * 100_000 + o * 10 + m)(test)
                    test = hypothesis.settings(
                        max_examples=per_run,
                        deadline=None,
                        database=None,
                        phases=[Phase.generate],
                        suppress_health_check=list(HealthCheck),
                        verbosity=Verbosity.quiet,
                    )(test)
                    try:
                        test()
                    except Exception as error:  # hypothesis gave up on this strategy
                        tally.errors[f"{label} {mode.value}: {type(error).__name__}"] += 1
        steps.say(f"  {tally.sent:,} requests so far, {sum(tally.failing.values())} server errors")
    seconds = time.perf_counter() - started
    print(
        json.dumps(
            {
                "cases": tally.sent,
                "operations": len(operations),
                "callers": len(callers),
                "passes": passes,
                "server_errors": sum(tally.failing.values()),
                "operations_with_server_errors": len(tally.failing),
                "schema_violations": sum(tally.violating.values()),
                "schema_name_clashes": len(clashes),
                "operations_with_schema_violations": len(tally.violating),
                "answers_2xx": tally.statuses[200],
                "answers_3xx": tally.statuses[300],
                "answers_4xx": tally.statuses[400],
                "answers_5xx": tally.statuses[500],
                "not_generated": sum(tally.errors.values()),
                "renewed_callers": sum(c.renewed for c in callers.values()),
                "seconds": round(seconds, 1),
                "cases_per_second": round(tally.sent / seconds, 1),
                "failures": tally.failures,
                "failing_operations": dict(tally.failing.most_common()),
                "violations": tally.violations,
                "clashes": clashes,
                "not_generated_by": dict(tally.errors.most_common(SHOWN)),
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    step = sys.argv[1] if len(sys.argv) > 1 else ""
    if step == "seed" and sys.argv[2:] in ([], ["sample"]):
        _seed(sample=sys.argv[2:] == ["sample"])
    elif step == "fuzz" and len(sys.argv) == 3:
        _fuzz(int(sys.argv[2]))
    else:
        sys.exit("usage: python -m congdong_tools.bench.fuzz seed [sample] | fuzz CASES")
