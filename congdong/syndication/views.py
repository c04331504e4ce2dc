"""Staff views of syndication: a post's channels (send, see how it went, send again), a
page's defaults, and completing a reshare task with the external post's address. Thin: every
write goes through actions.py."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from congdong.accounts.views import staff_required
from congdong.core.errors import ActionError
from congdong.core.web import act_and_tell
from congdong.posts.queries import access_post_to_write
from congdong.syndication import actions, queries


@staff_required
def post_channels(request: HttpRequest, post_id: int) -> HttpResponse:
    """GET: the page's channels (ticked by the page's defaults) and this post's deliveries;
    POST: send the post to the ticked channels."""
    post = access_post_to_write(request.user, post_id)
    error = ""
    if request.method == "POST":
        try:
            rows = actions.send(request.user, post.pk, request.POST.getlist("links"))
        except ActionError as exc:
            error = str(exc.message)
        else:
            messages.success(
                request,
                _("%(n)d deliveries queued: the worker sends them shortly.") % {"n": len(rows)},
            )
            return redirect("syndication:post", post_id=post.pk)
    links = list(queries.sending_links(post.page))
    deliveries = queries.of_post(post)
    sent_to = {d.link_id for d in deliveries}
    return render(
        request,
        "syndication/post.html",
        {
            "post": post,
            "links": [link for link in links if link.pk not in sent_to],
            "ticked": queries.defaults(links),
            "deliveries": deliveries,
            "error": error,
        },
        status=400 if error else 200,
    )


@staff_required
@require_POST
def again(request: HttpRequest, delivery_id: int) -> HttpResponse:
    delivery = queries.access_delivery(request.user, delivery_id)
    act_and_tell(
        request,
        lambda: actions.again(request.user, delivery.pk),
        _("The delivery is queued again."),
    )
    return redirect("syndication:post", post_id=delivery.post_id)


@staff_required
def page_defaults(request: HttpRequest, page_id: int) -> HttpResponse:
    """Which of the page's channels its posts go to by default (and campaigns reach)."""
    page = queries.access_page_defaults(request.user, page_id)
    if request.method == "POST":
        actions.set_defaults(request.user, page.pk, request.POST.getlist("links"))
        messages.success(request, _("The page's channel defaults are saved."))
        return redirect("syndication:defaults", page_id=page.pk)
    links = list(queries.sending_links(page))
    return render(
        request,
        "syndication/defaults.html",
        {"page": page, "links": links, "ticked": queries.defaults(links)},
    )


@staff_required
@require_POST
def reshare_by_address(request: HttpRequest, target_id: int) -> HttpResponse:
    """A reshare task done on the platform: the operator gives the external post's address."""
    address = request.POST.get("address", "")
    try:
        delivery = actions.reshare_by_address(request.user, target_id, address)
    except ActionError as exc:
        messages.error(request, str(exc.message))
        return redirect(request.POST.get("next") or reverse("campaigns:list"))
    messages.success(
        request,
        _("Reshared on %(page)s: the external post is recorded.")
        % {"page": delivery.post.page.name},
    )
    return redirect(reverse("campaigns:list"))
