"""The staff screens of a register of deadline cases, written once: the list (`case_list`),
the form recording a new case (`record`), and a case's screen with its posted moves
(`Screens`). The app's views wrap them with its access decorators (`staff_required`) and give
its wording: templates extending `casework/list.html`, `casework/detail.html` and
`casework/record.html`, its forms, its actions and messages. Reads go through the register's
`access` (others get 404). The case's screen and its moves that pass one field to the action
are views made by `Screens` (`detail_view`, `move_view`), guarded by the app's decorator."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.functional import Promise
from django.views.decorators.http import require_POST

from congdong.core.casework.cases import Cases, history
from congdong.core.errors import ActionError
from congdong.core.web import form_error, posted_move, rule_errors

PER_PAGE = 25

View = Callable[..., HttpResponse]


def need_handler(request: HttpRequest, cases: Cases) -> None:
    """Http404 for who handles none of the register (not even its existence is told)."""
    if not cases.may_handle(request.user):
        raise Http404


def case_list(
    request: HttpRequest,
    cases: Cases,
    template: str,
    narrow: Callable[[models.QuerySet], models.QuerySet] | None = None,
    **extra: Any,
) -> HttpResponse:
    """The cases the user handles, undecided first by deadline, each with its countdown
    (`item.timer`), paged by `?trang=`; `narrow` filters the queue (the list's tabs)."""
    need_handler(request, cases)
    now = timezone.now()
    items = cases.queue(request.user)
    if narrow is not None:
        items = narrow(items)
    page = Paginator(items, PER_PAGE).get_page(request.GET.get("trang"))
    for item in page.object_list:
        item.timer = cases.timer(item, now)
    context = {
        "page": page,
        "items": page.object_list,
        "overdue_count": cases.overdue_count(request.user, now),
        **extra,
    }
    return render(request, template, context)


def record(
    request: HttpRequest,
    cases: Cases,
    template: str,
    form_class: type[forms.Form],
    create: Callable[[dict[str, Any]], models.Model],
    check: Callable[[dict[str, Any]], object],
    done: Callable[[models.Model], str],
    initial: Mapping[str, Any] | None = None,
    form_kwargs: Callable[[], Mapping[str, Any]] | None = None,
    **extra: Any,
) -> HttpResponse:
    """The form recording a new case: `create(data)` on a valid one (its refusal on the form),
    then `done(case)` as a message and the case's screen; on a refused form the action's
    `check(data)` tells the other fields' refusals too; `form_kwargs()`, read once the user
    is known to handle cases, are given to the form (its choices)."""
    need_handler(request, cases)
    kwargs = form_kwargs() if form_kwargs else {}
    if request.method == "POST":
        form = form_class(request.POST, **kwargs)
        if form.is_valid():
            try:
                item = create(form.cleaned_data)
            except ActionError as exc:
                form_error(form, exc)
            else:
                messages.success(request, done(item))
                return redirect(cases.detail_url, item.pk)
        else:
            rule_errors(form, check)
    else:
        form = form_class(initial=initial, **kwargs)
    return render(request, template, {"form": form, **extra}, status=400 if form.is_bound else 200)


@dataclass(frozen=True)
class Screens:
    """A register's case screen: its template, its move forms by name (in the context as
    `<name>_form`, their fields' ids prefixed `<name>-`) and what else it shows
    (`extra(item)`)."""

    cases: Cases
    template: str
    moves: Mapping[str, type[forms.Form]]
    extra: Callable[[models.Model], Mapping[str, Any]] | None = None
    # The app's access decorator around the views made here (this layer cannot name it).
    guard: Callable[[View], View] | None = None

    def render(
        self,
        request: HttpRequest,
        item: models.Model,
        bound: Mapping[str, forms.Form] | None = None,
        status: int = 200,
    ) -> HttpResponse:
        """The case, its countdown (`timer`), its history and the move forms; `bound`, the
        refused ones, shown instead of empty ones."""
        now = timezone.now()
        context: dict[str, Any] = {
            "item": item,
            "now": now,
            "timer": self.cases.timer(item, now),
            "due": self.cases.due(item),
            "history": history(item),
        }
        for name, form_class in self.moves.items():
            context[f"{name}_form"] = (bound or {}).get(name) or form_class(auto_id=f"{name}-%s")
        if self.extra is not None:
            context.update(self.extra(item))
        return render(request, self.template, context, status=status)

    def detail(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self.render(request, self.cases.access(request.user, pk))

    def move(
        self,
        request: HttpRequest,
        pk: int,
        name: str,
        do: Callable[[models.Model, dict[str, Any]], object],
        done: str,
    ) -> HttpResponse:
        """A move posted from the screen with its form `name`: `do(case, data)`; done, `done`
        as a message and back to the screen; refused, the screen again with the form and its
        refusals (400)."""
        item = self.cases.access(request.user, pk)
        form = self.moves[name](request.POST, auto_id=f"{name}-%s")
        return posted_move(
            request,
            form,
            lambda data: do(item, data),
            done,
            (self.cases.detail_url, item.pk),
            lambda: self.render(request, item, {name: form}, status=400),
        )

    # The views below wear the name and module of the function they serve (the register's
    # `access`, the move's action), as a decorator's wrapper does: the audit log reads the
    # app a view belongs to from its module.

    def detail_view(self) -> View:
        """The case's screen as a view; the URL captures the case's id (under any name)."""

        @wraps(self.cases.access)
        def view(request: HttpRequest, **captured: int) -> HttpResponse:
            return self.detail(request, _case_id(captured))

        return self._guarded(view)

    def move_view(
        self, name: str, act: Callable[[Any, int, Any], object], field: str, done: str | Promise
    ) -> View:
        """A move that passes one field of its form to its action, as a view (POST only):
        `act(user, case id, data[field])`, then `done` (lazy: translated when shown); see
        `move`."""

        @wraps(act)
        def view(request: HttpRequest, **captured: int) -> HttpResponse:
            return self.move(
                request,
                _case_id(captured),
                name,
                lambda item, data: act(request.user, item.pk, data[field]),
                str(done),
            )

        return require_POST(self._guarded(view))

    def _guarded(self, view: View) -> View:
        return self.guard(view) if self.guard is not None else view


def _case_id(captured: Mapping[str, int]) -> int:
    (pk,) = captured.values()
    return pk
