"""Every case of the matrix through the real HTTP stack (django.test.Client: middleware, views,
the API, templates, the database), each inside a transaction rolled back afterwards so that a
write that succeeds leaves the next case the same world.

What counts as success (the request did what it asks):
- a write (POST, PUT, PATCH, DELETE): the database changed — a row added or removed in any
  table of the apps, or a column of the object's own row (web forms answer a refusal with a
  redirect and a message as often as with 403, so the answer's status cannot tell);
- a read of one object: 2xx, with the object's marker in the answer when it has one;
- a list: 2xx with the object's marker in it.
A leak is a success, or the marker in any answer, where the oracle says no. An over-refusal is
an answer 401/403/404 or a redirect to sign in where the oracle says yes.
"""

from __future__ import annotations

import json
import random
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from congdong_tools.bench.authz.kinds import KINDS, Act
from congdong_tools.bench.authz.oracle import Actor, Thing, relation
from congdong_tools.bench.authz.world import World

# Tables whose rows are written beside any request, allowed or refused: the audit trail of
# staff requests, the insights events, sessions and the one-time-code and rate-limit records.
NOISE_PREFIXES = ("audit_", "insights_event", "django_session", "django_admin_log")
SHOWN_LEAKS = 10


@dataclass(frozen=True)
class Case:
    actor: Actor
    thing: Thing
    act: Act
    model: str

    @property
    def relation(self) -> str:
        return relation(self.actor, self.thing.place)

    @property
    def allowed(self) -> bool:
        return bool(self.act.rule(self.actor, self.thing))

    def describe(self) -> str:
        role = f"{self.actor.role}@{self.actor.place.name}" if self.actor.role else self.actor.name
        return (
            f"{role} ({self.relation}) {self.act.method} {self.act.url(self.thing)} "
            f"[{self.thing.kind} at {self.thing.place.name}: {self.act.name}]"
        )


@dataclass
class Tally:
    cases: int = 0
    allowed: int = 0
    leaks: list[str] = field(default_factory=list)
    over_refusals: list[str] = field(default_factory=list)
    no_effect: list[str] = field(default_factory=list)  # allowed, answered, changed nothing
    server_errors: list[str] = field(default_factory=list)
    relations: Counter = field(default_factory=Counter)
    roles: Counter = field(default_factory=Counter)
    kinds: Counter = field(default_factory=Counter)
    endpoints: set[str] = field(default_factory=set)


def all_cases(world: World, things: list[tuple[Thing, str, tuple[Act, ...]]]) -> list[Case]:
    return [
        Case(actor, thing, act, model)
        for thing, model, acts in things
        for act in acts
        for actor in world.actors
    ]


def sample(cases: list[Case], n: int | None) -> list[Case]:
    """All cases, or `n` of them spread evenly over (relation, role, kind): round-robin over
    the groups, each shuffled with a fixed seed, so a small sample still has every relation
    and every role."""
    if n is None or n >= len(cases):
        return cases
    chance = random.Random(2025)
    groups: dict[tuple[str, str, str], list[Case]] = {}
    for case in cases:
        key = (case.relation, case.actor.role or case.actor.kind, case.thing.kind)
        groups.setdefault(key, []).append(case)
    for group in groups.values():
        chance.shuffle(group)
    order = list(groups.values())
    chance.shuffle(order)
    chosen: list[Case] = []
    depth = 0
    while len(chosen) < n:
        for group in order:
            if depth < len(group):
                chosen.append(group[depth])
                if len(chosen) == n:
                    break
        depth += 1
    return chosen


class Fingerprint:
    """Row counts of the apps' tables (one query) and the object's own row."""

    def __init__(self) -> None:
        from django.apps import apps
        from django.db import connection

        self.connection = connection
        tables = sorted(
            m._meta.db_table
            for m in apps.get_models()
            if not m._meta.db_table.startswith(NOISE_PREFIXES) and m._meta.managed
        )
        quote = connection.ops.quote_name
        self.sql = "SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {quote(t)})" for t in tables)
        self.apps = apps

    def __call__(self, model: str, pk: int) -> tuple:
        with self.connection.cursor() as cursor:
            cursor.execute(self.sql)
            counts = cursor.fetchone()
        row = self.apps.get_model(model).objects.filter(pk=pk).values().first()
        return counts, repr(sorted((row or {}).items()))


def send(client, act: Act, thing: Thing):
    url = act.url(thing)
    body = act.body(thing)
    method = act.method.lower()
    if act.method == "GET":
        return client.get(url)
    if act.api:
        return getattr(client, method)(url, data=json.dumps(body), content_type="application/json")
    if act.method == "POST":
        return client.post(url, data=body)
    return getattr(client, method)(url, data=body)


def content_of(response) -> str:
    if getattr(response, "streaming", False):
        # Read to the end: the test client then closes the file itself, without the
        # request_finished signal that would close the database connection mid-transaction.
        data = b"".join(response.streaming_content)
    else:
        data = response.content
    return data.decode("utf-8", errors="replace")


def refused(response) -> bool:
    from django.conf import settings

    if response.status_code in (401, 403, 404, 405):
        return True
    location = response.get("Location", "") if 300 <= response.status_code < 400 else ""
    return location.startswith(str(settings.LOGIN_URL))


def run_case(world: World, case: Case, fingerprint: Fingerprint, tally: Tally) -> None:
    from django.db import transaction

    act, thing = case.act, case.thing
    client = world.clients[case.actor.name]
    with transaction.atomic():
        before = fingerprint(case.model, thing.pk) if act.writes else None
        response = send(client, act, thing)
        text = content_of(response)
        changed = act.writes and fingerprint(case.model, thing.pk) != before
        transaction.set_rollback(True)
    status = response.status_code
    marker = act.shows(thing)
    shown = bool(marker) and marker in text
    if act.writes:
        succeeded = changed
    elif act.lists:
        succeeded = 200 <= status < 300 and shown
    else:
        succeeded = 200 <= status < 300 and (shown or not marker)
    allowed = case.allowed
    tally.cases += 1
    tally.relations[case.relation] += 1
    tally.roles[case.actor.role or case.actor.kind] += 1
    tally.kinds[thing.kind] += 1
    tally.endpoints.add(f"{act.method} {act.path}")
    line = f"{case.describe()} → {status}"
    if status >= 500:
        tally.server_errors.append(line)
    if allowed:
        tally.allowed += 1
        if not succeeded:
            (tally.over_refusals if refused(response) else tally.no_effect).append(line)
    elif succeeded or shown:
        why = "changed the database" if changed else "showed the object" if shown else "answered"
        tally.leaks.append(f"{line}, {why}")


def run(
    world: World,
    things: list[tuple[Thing, str, tuple[Act, ...]]],
    n: int | None,
    say: Callable[[str], None],
    every: int = 250,
) -> tuple[Tally, float]:
    cases = sample(all_cases(world, things), n)
    tally = Tally()
    fingerprint = Fingerprint()
    started = time.perf_counter()
    for i, case in enumerate(cases, 1):
        run_case(world, case, fingerprint, tally)
        if i % every == 0 or i == len(cases):
            say(
                f"  {i:,} / {len(cases):,} cases, {len(tally.leaks)} leaks, "
                f"{len(tally.over_refusals)} over-refusals"
            )
    return tally, time.perf_counter() - started


def build_things(
    world: World, only: Iterable[str] | None = None
) -> Iterator[tuple[Thing, str, tuple[Act, ...]]]:
    """One object of each kind (or of the kinds named in `only`) at each of its units."""
    wanted = set(only) if only is not None else None
    for kind in KINDS:
        if wanted is None or kind.name in wanted:
            for name in kind.at:
                yield kind.make(world, name), kind.model, kind.acts
