"""Screens of moderation: the citizen's report page (linked from cached public pages, so it
is a page of its own), the moderators' queue with bulk decisions, the citizen's own cases with
the appeal form, and the appeals to decide. Every write goes through `moderation.actions`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from congdong.accounts.views import staff_required
from congdong.core.errors import ActionError
from congdong.core.web import act_and_tell, client_ip, form_error
from congdong.engagement.actions.eligibility import require_citizen_account
from congdong.engagement.queries import access_public_post
from congdong.engagement.views.citizens import to_sign_in
from congdong.moderation import actions, queries
from congdong.moderation.forms import AppealDecisionForm, AppealForm, DecideForm, ReportForm
from congdong.moderation.models import ModerationAccessKind
from congdong.posts.models import Post


def _item_url(item) -> str:
    post: Post = item if isinstance(item, Post) else item.post
    url = reverse("posts:public", args=[post.page.slug, post.pk])
    return url if isinstance(item, Post) else f"{url}#c{item.pk}"


def _report(request: HttpRequest, kind: str, item_id: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return to_sign_in(request, request.get_full_path())
    require_citizen_account(request.user)  # a staff account: the way to a citizen's one
    item = queries.reportable_comment(item_id) if kind == "comment" else access_public_post(item_id)
    form = ReportForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.report(
                request.user, kind, item.pk, form.cleaned_data["reason"], form.cleaned_data["text"]
            )
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        except ActionError as exc:
            form_error(form, exc)
            status = exc.status
            return render(
                request,
                "moderation/report.html",
                {"form": form, "item": item, "kind": kind, "back": _item_url(item)},
                status=status if status in (400, 429) else 400,
            )
        else:
            messages.success(request, _("Thank you: moderators will review your report."))
            return redirect(_item_url(item).split("#")[0])
    return render(
        request,
        "moderation/report.html",
        {"form": form, "item": item, "kind": kind, "back": _item_url(item)},
        status=400 if form.errors else 200,
    )


def report_comment(request: HttpRequest, comment_id: int) -> HttpResponse:
    return _report(request, "comment", comment_id)


def report_post(request: HttpRequest, post_id: int) -> HttpResponse:
    return _report(request, "post", post_id)


@staff_required
def queue(request: HttpRequest) -> HttpResponse:
    """Reported items in the moderator's subtree, grouped per item, with bulk decisions."""
    form = DecideForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        ids = [int(i) for i in request.POST.getlist("case") if i.isdigit()]
        if not ids:
            form.add_error(None, _("Tick at least one item."))
        else:
            done, refused = actions.decide_many(
                request.user, ids, form.cleaned_data["decision"], form.cleaned_data["reason"]
            )
            if done:
                messages.success(request, _("%(n)d item(s) decided.") % {"n": len(done)})
            for _id, message in refused:
                messages.error(request, message)
            return redirect("moderation:queue")
    cases = queries.queue(request.user)
    actions.log_queue_shown(request.user, cases, client_ip(request))
    return render(
        request,
        "moderation/queue.html",
        {"cases": cases, "form": form},
        status=400 if form.errors else 200,
    )


def _act_and_tell(
    request: HttpRequest,
    form: forms.Form,
    do: Callable[[dict[str, Any]], object],
    done: str,
    invalid: str,
) -> None:
    """A small form's button (an appeal, its decision): `act_and_tell` with `do(cleaned_data)`
    when the form is valid, else the error message `invalid` (the view redirects: the form's
    own errors would not be seen)."""
    if form.is_valid():
        act_and_tell(request, lambda: do(form.cleaned_data), done)
    else:
        messages.error(request, invalid)


@staff_required
def appeals(request: HttpRequest) -> HttpResponse:
    rows = queries.appeals_to_decide(request.user)
    # Each appeal's text is shown: one access row per appeal (its case).
    actions.log_accesses(
        request.user, [a.case for a in rows], ModerationAccessKind.APPEAL, client_ip(request)
    )
    return render(
        request, "moderation/appeals.html", {"appeals": rows, "form": AppealDecisionForm()}
    )


@staff_required
@require_POST
def decide_appeal(request: HttpRequest, appeal_id: int) -> HttpResponse:
    _act_and_tell(
        request,
        AppealDecisionForm(request.POST),
        lambda data: actions.decide_appeal(
            request.user, appeal_id, data["decision"] == "overturned", data["reason"]
        ),
        _("Appeal decided."),
        _("Choose a decision and give the reason."),
    )
    return redirect("moderation:appeals")


@login_required
def my_cases(request: HttpRequest) -> HttpResponse:
    """Decisions on the citizen's own content, with the lock in force and the appeal form."""
    return render(
        request,
        "moderation/my_cases.html",
        {
            "cases": queries.cases_about(request.user),
            "lock": queries.active_lock(request.user),
            "form": AppealForm(),
        },
    )


@login_required
@require_POST
def appeal(request: HttpRequest, case_id: int) -> HttpResponse:
    _act_and_tell(
        request,
        AppealForm(request.POST),
        lambda data: actions.appeal(request.user, case_id, data["text"]),
        _("Your appeal was sent to the unit above."),
        _("Explain your appeal (at least 10 characters)."),
    )
    return redirect("moderation:mine")
