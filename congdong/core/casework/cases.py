"""A register of deadline cases as its staff screens read it (`Cases`), the countdown to a
case's deadline (`Timer`), and what waits on a handler (`work`)."""

from __future__ import annotations

import datetime
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import Case, When
from django.utils import timezone
from django.utils.translation import gettext as _

from congdong.core.durations import duration


@dataclass(frozen=True)
class Timer:
    """Time left before the deadline, or how late, in wall-clock minutes."""

    minutes: int  # > 0: left; <= 0: late by -minutes
    decided: bool = False

    @property
    def late(self) -> bool:
        return not self.decided and self.minutes <= 0

    def __str__(self) -> str:
        if self.decided:
            return ""
        # The one duration formatter (core.durations): "còn 2 giờ 15 phút", "quá hạn 1 ngày 3 giờ".
        length = duration(abs(self.minutes) * 60)
        if self.minutes > 0:
            return _("%(duration)s left") % {"duration": length}
        if self.minutes == 0:
            return _("overdue by less than a minute")
        return _("overdue by %(duration)s") % {"duration": length}


@dataclass(frozen=True)
class Cases:
    """One register: `name` (its URL namespace and template folder), who handles some of it
    (`may_handle(user)`), the cases a user sees (`to_handle(user)`) or one of them
    (`access(user, pk)`, Http404 otherwise), the overdue ones at an instant (`overdue(now)`),
    the states still waiting on a decision, the field holding the deadline, the order of
    cases with the same deadline, and the URL name of a case's screen in the namespace `name`."""

    name: str
    may_handle: Callable[[Any], bool]
    to_handle: Callable[[Any], models.QuerySet]
    access: Callable[[Any, int], models.Model]
    overdue: Callable[[datetime.datetime | None], models.QuerySet]
    open_states: Iterable[str]
    due_field: str = "due_at"
    tie: str = "pk"
    detail_route: str = "detail"

    @property
    def detail_url(self) -> str:
        """The URL name of a case's screen."""
        return f"{self.name}:{self.detail_route}"

    def due(self, item: models.Model) -> datetime.datetime:
        return getattr(item, self.due_field)

    def is_open(self, item: models.Model) -> bool:
        return item.state in self.open_states  # type: ignore[attr-defined]

    def timer(self, item: models.Model, now: datetime.datetime | None = None) -> Timer:
        if not self.is_open(item):
            return Timer(0, decided=True)
        now = now or timezone.now()
        return Timer(math.floor((self.due(item) - now).total_seconds() / 60))

    def is_late(self, item: models.Model, now: datetime.datetime | None = None) -> bool:
        """Open and past its deadline (the API's `overdue`)."""
        return self.is_open(item) and self.due(item) < (now or timezone.now())

    def minutes_left(self, item: models.Model) -> int | None:
        """Whole minutes to the deadline, negative when late; None once decided (the API's)."""
        if not self.is_open(item):
            return None
        return int((self.due(item) - timezone.now()).total_seconds() // 60)

    def queue(self, user: Any) -> models.QuerySet:
        """The cases `user` handles: undecided first, nearest deadline first; then the others."""
        return (
            self.to_handle(user)
            .annotate(case_closed=Case(When(state__in=list(self.open_states), then=0), default=1))
            .order_by("case_closed", self.due_field, self.tie)
        )

    def overdue_count(self, user: Any, now: datetime.datetime | None = None) -> int:
        return (self.to_handle(user) & self.overdue(now)).count()


def history(item: models.Model) -> list:
    """Every move of a case (its transition rows, `transitions`), oldest first."""
    return list(item.transitions.select_related("actor").order_by("at", "pk"))  # type: ignore[attr-defined]


REGISTRY: dict[str, Cases] = {}


def register(cases: Cases) -> Cases:
    REGISTRY[cases.name] = cases
    return cases


@dataclass(frozen=True)
class Work:
    open: int
    overdue: int


def work(name: str, user: Any, now: datetime.datetime | None = None) -> Work | None:
    """Undecided and overdue cases of the register `name` that `user` handles; None if they
    handle none."""
    cases = REGISTRY[name]
    if not cases.may_handle(user):
        return None
    items = cases.to_handle(user)
    return Work(
        open=items.filter(state__in=list(cases.open_states)).count(),
        overdue=(items & cases.overdue(now or timezone.now())).count(),
    )
