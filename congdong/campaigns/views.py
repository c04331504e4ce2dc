"""Staff screens for campaigns: the list and creation form, the compliance view, launching,
closing and resharing. Every write goes through `congdong.campaigns.actions`."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from congdong.accounts.queries import Scope, can, within
from congdong.accounts.roles import Permission
from congdong.accounts.views import staff_required
from congdong.campaigns import actions, breakdown, queries
from congdong.campaigns.forms import CampaignForm
from congdong.campaigns.models import CAMPAIGN_STATES, CampaignStatus
from congdong.core.errors import ActionError
from congdong.core.numbers import format_int
from congdong.core.web import act_and_tell, form_error
from congdong.posts.models import Post
from congdong.units.models import Unit, UnitQuerySet


def _unit_ids(post_id: int, codes: list[str]) -> list[int]:
    """Codes typed in the form, as ids of units in the source post's structure."""
    structure = Post.objects.filter(pk=post_id).values("page__unit__structure_id")[:1]
    found = dict(
        Unit.objects.filter(structure_id__in=structure, code__in=codes).values_list("code", "pk")
    )
    missing = [code for code in codes if code not in found]
    if missing:
        raise ActionError(
            _("No unit has the code %(codes)s.") % {"codes": ", ".join(missing)}, field="units"
        )
    return list(found.values())


def _int_or_none(value: str | None) -> int | None:
    """A query-string id; None when absent; Http404 when not a number (a mangled link)."""
    if value is None or value == "":
        return None
    if not value.isdigit():
        raise Http404
    return int(value)


PICKER_FOUND = 30  # search results shown in the target picker


def _roots(posts: list[Post]) -> list[Unit]:
    """The units whose pages the campaign can start from: the picker's tree starts below them."""
    found = {p.page.unit.pk: p.page.unit for p in posts}
    return sorted(found.values(), key=lambda u: u.path)


def _below(roots: list[Unit]) -> UnitQuerySet:
    """The units strictly below the roots (a root below another one included)."""
    tops = Scope.of(root.path for root in roots)
    return within(Unit.objects.standard(), tops, field="", strictly=True)


def _found(roots: list[Unit], text: str) -> list[Unit]:
    """Units below the roots whose name matches `text`, accents and case aside ("bac ninh")."""
    if not roots or not text.strip():
        return []
    units = _below(roots).search(text)
    return list(units.order_by("depth", "path")[:PICKER_FOUND])


def _all_ids(data: dict) -> list[int]:
    """Ticked units and typed codes, as unit ids."""
    typed = _unit_ids(data["post"], data["units"]) if data.get("units") else []
    return sorted(set(data.get("unit_ids") or []) | set(typed))


def _count(request: HttpRequest, form: CampaignForm) -> tuple[int | None, str]:
    """How many pages the form's targets reach now (the launch's query), or why not."""
    if not form.is_valid():
        return None, _("Correct the form to see how many pages it reaches.")
    data = form.cleaned_data
    try:
        _post, targets = actions.check_targets(
            request.user, data["post"], data["targeting"], data["levels"], _all_ids(data)
        )
    except ActionError as exc:
        return None, str(exc.message)
    except PermissionDenied as exc:
        return None, str(exc) or _("You may not send this post down the tree.")
    return targets.pages().count(), ""


@staff_required
def campaign_list(request: HttpRequest) -> HttpResponse:
    """Campaigns the user sees, reshare tasks waiting on their pages, and a new campaign.

    The form's picker works without JavaScript: its "search" and "count" buttons post the form
    back (action=tim / dem), which shows the results or the count and creates nothing.
    """
    posts = queries.source_posts(request.user)
    form = CampaignForm(request.POST if request.method == "POST" else None, posts=posts)
    roots = _roots(posts)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    count, count_error = (None, "")
    if action in ("tim", "dem"):
        count, count_error = _count(request, form) if action == "dem" else (None, "")
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            campaign = actions.create(
                request.user,
                data["post"],
                data["mode"],
                targeting=data["targeting"],
                levels=data["levels"],
                unit_ids=_all_ids(data),
                deadline=data["deadline"],
            )
        except ActionError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("Campaign prepared; launch it when ready."))
            return redirect("campaigns:detail", campaign_id=campaign.pk)
    ticked: set[int] = set()
    if form.is_bound:
        form.is_valid()  # run once and kept: the boxes ticked before stay ticked
        ticked = set(form.cleaned_data.get("unit_ids") or [])
    text = request.POST.get("tim", "") if request.method == "POST" else ""
    tree = _tree(roots)
    return render(
        request,
        "campaigns/list.html",
        {
            "form": form,
            "posts": posts,
            "campaigns": list(queries.visible_campaigns(request.user)[:100]),
            "tasks": queries.open_tasks(request.user),
            "tree": tree,
            # Ticked units the tree does not show (found by a search): kept ticked on a repost.
            "chosen": list(
                _below(roots)
                .filter(pk__in=ticked)
                .exclude(pk__in=[u.pk for _root, children in tree for u in children])
                .order_by("path")
            ),
            "found": _found(roots, text),
            "search_text": text,
            "ticked": ticked,
            "count": count,
            "count_error": count_error,
        },
        status=400 if request.method == "POST" and not action else 200,
    )


def _tree(roots: list[Unit]) -> list[tuple[Unit, list[Unit]]]:
    """Each root with its children, in one query (a central editor has a root per province)."""
    children: dict[int, list[Unit]] = {root.pk: [] for root in roots}
    for unit in Unit.objects.filter(parent__in=[root.pk for root in roots]).order_by("path"):
        children[unit.parent_id].append(unit)
    return [(root, children[root.pk]) for root in roots]


@staff_required
@require_POST
def count(request: HttpRequest) -> HttpResponse:
    """htmx: "sẽ gửi tới N trang" for the form as it stands, by the launch's own query."""
    form = CampaignForm(request.POST, posts=queries.source_posts(request.user))
    found, error = _count(request, form)
    return render(request, "campaigns/_count.html", {"count": found, "count_error": error})


@staff_required
def picker(request: HttpRequest) -> HttpResponse:
    """htmx: units to tick — those matching ?tim=<name>, or the children of ?mo=<unit id> —
    below the units the user can start a campaign from; checkboxes named unit_ids."""
    roots = _roots(queries.source_posts(request.user))
    opened = _int_or_none(request.GET.get("mo"))
    if opened is not None:
        tops = Scope.of(root.path for root in roots)
        unit = within(Unit.objects.all(), tops, field="").filter(pk=opened).first()
        if unit is None:
            raise Http404
        units = list(Unit.objects.filter(parent=unit).order_by("path"))
    else:
        units = _found(roots, request.GET.get("tim", ""))
    return render(
        request,
        "campaigns/_picker_units.html",
        {"units": units, "ticked": set(), "searched": opened is None},
    )


@staff_required
def detail(request: HttpRequest, campaign_id: int) -> HttpResponse:
    """The compliance view: a row per unit below (?don-vi=<id> drills down, ?sap-xep=<key>
    sorts), targets by level and status, the laggards; a province admin sees their
    province's part, staff of the source unit see everything."""
    campaign, scope = queries.access_campaign(request.user, campaign_id)
    report = queries.compliance(campaign, scope)
    focus = breakdown.focus_of(campaign, scope, _int_or_none(request.GET.get("don-vi")))
    units = breakdown.breakdown(campaign, scope, focus, request.GET.get("sap-xep", "unit"))
    full = scope.everywhere
    launchable = full and CAMPAIGN_STATES.allowed(campaign.status, CampaignStatus.LAUNCHED)
    wrote_source = launchable and not queries.may_launch_text(request.user, campaign)
    return render(
        request,
        "campaigns/detail.html",
        {
            "campaign": campaign,
            "report": report,
            "units": units,
            "definitions": breakdown.definitions(units.clock),
            "columns": breakdown.columns(units.sort),
            "full": full,
            "scope": scope,
            "can_launch": launchable
            and not wrote_source
            and can(request.user, campaign.unit, Permission.APPROVE_POSTS),
            "wrote_source": wrote_source,
            "can_close": full
            and CAMPAIGN_STATES.allowed(campaign.status, CampaignStatus.CLOSED)
            and can(request.user, campaign.unit, Permission.EDIT_POSTS),
        },
    )


@staff_required
@require_POST
def launch(request: HttpRequest, campaign_id: int) -> HttpResponse:
    act_and_tell(
        request,
        lambda: actions.launch(request.user, campaign_id),
        lambda launched: (
            _("Launched: %(count)s pages reached.") % {"count": format_int(launched[1])}
        ),
    )
    return redirect("campaigns:detail", campaign_id=campaign_id)


@staff_required
@require_POST
def close(request: HttpRequest, campaign_id: int) -> HttpResponse:
    act_and_tell(
        request, lambda: actions.close(request.user, campaign_id), _("The campaign is closed.")
    )
    return redirect("campaigns:detail", campaign_id=campaign_id)


@staff_required
@require_POST
def reshare(request: HttpRequest, target_id: int) -> HttpResponse:
    """A page's operator completes a reshare task: the page gets its own copy of the post."""
    try:
        target = actions.reshare(request.user, target_id)
    except ActionError as exc:
        if request.htmx:
            return render(request, "campaigns/_task.html", {"error": str(exc.message)})
        messages.error(request, str(exc.message))
    else:
        if request.htmx:
            return render(request, "campaigns/_task.html", {"task": target, "done": True})
        messages.success(request, _("Reshared on %(page)s.") % {"page": target.page.name})
    return redirect("campaigns:list")
