"""The one write path of the audit log: `record()` appends a row; nothing changes one."""

from __future__ import annotations

import datetime

from django.db import IntegrityError, connection, transaction
from django.http import HttpRequest
from django.utils import timezone

from congdong.accounts.models import User
from congdong.accounts.roles import Role
from congdong.audit import chain
from congdong.audit.models import AuditEntry, Outcome, Via
from congdong.audit.targets import Found, find, unit_title
from congdong.core.web import client_ip


def actor_home(user: User | None) -> Found | None:
    """The unit at the top of the actor's first subtree (any role): where an action with no
    object of a known unit is filed, so the actor's own admins see it. One query."""
    if user is None or user.pk is None:
        return None
    from congdong.accounts.models import Membership

    row = (
        Membership.objects.filter(user=user, role__in=list(Role))
        .order_by("unit__depth", "unit__path")
        .values_list("unit_id", "unit__path", "unit__name", "unit__kind")
        .first()
    )
    if row is None:
        return None
    return Found("", "", unit_id=row[0], unit_path=row[1], unit_name=unit_title(row[2], row[3]))


def record(
    *,
    action: str,
    actor: User | None = None,
    actor_name: str = "",
    ip: str | None = None,
    via: Via = Via.WEB,
    method: str = "",
    path: str = "",
    target: Found | None = None,
    status: int | None = None,
    outcome: Outcome | None = None,
    at: datetime.datetime | None = None,
) -> AuditEntry:
    """Append one row, linked to the last one (see `chain`). Without a target unit, the row is
    filed under the actor's top unit."""
    place = target if target is not None and target.unit_path else actor_home(actor)
    at = at or timezone.now()
    entry = AuditEntry(
        at=at if timezone.is_aware(at) else timezone.make_aware(at),
        actor=actor,
        actor_name=(actor_name or (f"{actor} ({actor.username})" if actor else ""))[:300],
        ip=ip or None,
        via=via,
        method=method[:10],
        path=path[:500],
        action=action[:120],
        object_type=target.object_type if target else "",
        object_id=target.object_id if target else "",
        object_text=target.object_text if target else "",
        unit_id=place.unit_id if place else None,
        unit_path=place.unit_path if place else "",
        unit_name=place.unit_name[:200] if place else "",
        status=status,
        outcome=outcome or Outcome.DONE,
    )
    return _append(entry)


APPEND_TRIES = 20
APPEND_LOCK = 0x61756469745F6C6F  # "audit_lo": the PostgreSQL advisory lock of the appenders


def _append(entry: AuditEntry) -> AuditEntry:
    """Link the row after the last one and insert it, one appender at a time: on SQLite the
    transaction holds the write lock from its start (IMMEDIATE), on PostgreSQL an advisory lock
    held until the commit. Should two ever read the same last row anyway, the unique `prev`
    refuses the second, and it is linked again."""
    values = {name: getattr(entry, name) for name in chain.FIELDS}
    for _try in range(APPEND_TRIES):
        try:
            with transaction.atomic():
                entry.prev = _last_digest() or chain.GENESIS
                entry.digest = chain.digest_of(entry.prev, values)
                entry.save(force_insert=True)
            return entry
        except IntegrityError:
            entry.pk = None
            entry._state.adding = True
    raise IntegrityError(f"audit row not linked after {APPEND_TRIES} tries")


def _last_digest() -> str | None:
    """The digest of the last chained row, read by the appender whose turn it is. A row slipped
    in past the app without a digest must not stop the log (verify names it). Plain SQL: the
    ORM would cost more than the whole insert."""
    table = connection.ops.quote_name(AuditEntry._meta.db_table)
    last = f"SELECT digest FROM {table} WHERE digest <> '' ORDER BY id DESC LIMIT 1"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One round trip, two statements: the turn (an advisory lock held to the commit),
            # then the read, whose snapshot is taken once the turn came (READ COMMITTED).
            cursor.execute(f"SELECT pg_advisory_xact_lock({APPEND_LOCK}); {last}")
            cursor.nextset()
        else:
            cursor.execute(last)
        row = cursor.fetchone()
    return row[0] if row else None


def record_read(request: HttpRequest, actor: User) -> AuditEntry:
    """`actor` opened a private file (a report export, a picture or document of a post that is
    not public): the row says who, which object (from the address) and from where. Reads are
    not recorded by the middleware, which sees only writes; views of private files call this."""
    match = request.resolver_match
    api = request.path.startswith("/api/")
    return record(
        action=match.view_name if match else request.path,
        actor=actor,
        ip=client_ip(request),
        via=Via.API if api else Via.WEB,
        method=request.method or "GET",
        path=request.path,
        target=find(match),
        status=200,
        outcome=Outcome.DONE,
    )
