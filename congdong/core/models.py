"""Shared data that belongs to no one domain: the working calendar's exceptions; the field
the apps' models name the person who acted with (`acting_account`); what an uploaded file
keeps besides the file (`UploadedFile`).

`CalendarDay` lives here, beside `congdong.core.clock` which reads it, so the clock (used by
feedback deadlines today, by other timers later) depends on no domain app.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def acting_account(
    verbose_name: StrOrPromise | None = None,
    *,
    on_delete: Callable[..., Any] = models.SET_NULL,
) -> models.ForeignKey:
    """The account of the person who did something to the row (linked, reported, decided,
    granted, answered): empty until someone does, and no reverse accessor on the account."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=on_delete,
        related_name="+",
        verbose_name=verbose_name,
    )


class UploadedFile(models.Model):
    """A file someone sent (feedback's attachments, posts' documents), kept in private storage
    under a random name: each model declares its `file` with its folder; here the name it came
    with, its size and when it came."""

    original_name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size in bytes"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.original_name


class DayKind(models.TextChoices):
    DAY_OFF = "day_off", _("day off")
    WORKING_DAY = "working_day", _("working day")


class CalendarDay(models.Model):
    """An exception to the working calendar set by an admin: an extra day off, or a make-up
    working day (usually a Saturday worked in exchange for a bridge day off).

    It wins over both the weekday rule and the public-holiday list for its date.
    """

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=DayKind.choices)
    name = models.CharField(_("name"), max_length=150, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.get_kind_display()} {self.name}".strip()
