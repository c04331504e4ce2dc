"""The audit log (nhật ký thao tác, issue 7 §4): one row per staff action — who, what, which
object, from which address — kept append-only.

Nothing in the app can change or remove a row: `save()` of an existing row, `delete()` and the
queryset's `update()`/`delete()` refuse, the admin is read-only, and a database trigger refuses
UPDATE (and DELETE on PostgreSQL; see migrations/0002_append_only.py for why not on SQLite).
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from congdong.units.models import Unit


class AppendOnlyError(Exception):
    """An attempt to change or remove an audit row."""


def _refuse(what: str) -> NoReturn:
    raise AppendOnlyError(f"The audit log is append-only: {what} refused.")


class Outcome(models.TextChoices):
    DONE = "done", pgettext_lazy("audit outcome", "done")
    REFUSED = "refused", pgettext_lazy("audit outcome", "refused")
    FAILED = "failed", pgettext_lazy("audit outcome", "server error")


class Via(models.TextChoices):
    WEB = "web", _("web")
    API = "api", _("API")


class Action(models.TextChoices):
    """Actions not named after a route: sign-ins and -outs (from Django's auth signals)."""

    LOGIN = "login", _("signed in")
    LOGIN_FAILED = "login_failed", _("sign-in failed")
    LOGOUT = "logout", _("signed out")


def outcome_of(status: int) -> Outcome:
    if status >= 500:
        return Outcome.FAILED
    if status >= 400:
        return Outcome.REFUSED
    return Outcome.DONE


class AuditQuerySet(models.QuerySet):
    def standard(self) -> AuditQuerySet:
        # No join: the actor's name and the unit's name are snapshots on the row.
        return self.order_by("-at", "-pk")

    def update(self, **kwargs: Any) -> NoReturn:
        _refuse("update")

    def delete(self) -> NoReturn:
        _refuse("delete")

    # Django's own bulk paths that would change rows.
    def bulk_update(self, *args: Any, **kwargs: Any) -> NoReturn:
        _refuse("update")

    def update_or_create(self, *args: Any, **kwargs: Any) -> NoReturn:
        _refuse("update")


class AuditEntry(models.Model):
    at = models.DateTimeField(_("time"), db_index=True)
    # Not a database constraint and never cascaded or nulled: removing an account or a unit
    # must not need to change the log (the trigger would refuse), and the name snapshot keeps
    # the row readable when the account is gone.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        verbose_name=_("account"),
    )
    actor_name = models.CharField(_("who"), max_length=300, blank=True)
    ip = models.GenericIPAddressField(_("address"), null=True, blank=True)
    via = models.CharField(_("through"), max_length=3, choices=Via.choices, default=Via.WEB)
    method = models.CharField(_("method"), max_length=10, blank=True)
    path = models.CharField(_("address called"), max_length=500, blank=True)
    # The route's name ("posts:approve", "api:…"), or one of `Action` for sign-ins.
    action = models.CharField(_("action"), max_length=120, db_index=True)
    object_type = models.CharField(_("object kind"), max_length=60, blank=True)
    object_id = models.CharField(_("object number"), max_length=40, blank=True)
    object_text = models.CharField(_("object"), max_length=300, blank=True)
    # The unit the action concerns: the log is read per subtree by `unit_path__startswith`.
    unit = models.ForeignKey(
        Unit,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        verbose_name=_("unit"),
    )
    unit_path = models.CharField(max_length=255, blank=True, db_index=True)
    unit_name = models.CharField(_("unit"), max_length=200, blank=True)
    status = models.PositiveSmallIntegerField(_("answer code"), null=True, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.DONE
    )
    # The hash chain (congdong.audit.chain): the digest of the row before, and of this one.
    prev = models.CharField(max_length=64, blank=True, default="", editable=False)
    digest = models.CharField(max_length=64, blank=True, default="", editable=False)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        indexes = [models.Index(fields=["unit_path", "at"]), models.Index(fields=["actor", "at"])]
        constraints = [
            # Two rows can never follow the same row: the chain has no forks.
            models.UniqueConstraint(
                fields=["prev"], condition=~models.Q(prev=""), name="audit_chain_one_next"
            )
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            _refuse("update")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        _refuse("delete")

    @property
    def action_label(self) -> str:
        """The action in words ("duyệt bài viết"), never the route's name."""
        if self.action in Action.values:
            return str(Action(self.action).label)
        from congdong.audit.labels import action

        return action(self.action, self.method)

    @property
    def object_label(self) -> str:
        """The object in words ("bài viết «Hội nghị…»"), never "post #2473"."""
        from congdong.audit.labels import obj

        return obj(self.object_type, self.object_id, self.object_text)
