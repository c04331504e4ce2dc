"""What citizens do on the public site: search, their feed, follow, react, share and refer."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from congdong.core.errors import ActionError
from congdong.core.links import absolute_url
from congdong.core.public_cache import cached_response
from congdong.core.ratelimit import RateLimited
from congdong.core.web import page_or_part
from congdong.engagement import feeds, queries, search
from congdong.engagement.actions import follows, reactions, referrals
from congdong.engagement.models import REFERRAL_DEFINITION, ShareChannel
from congdong.engagement.web import PARAM, remembered_referral
from congdong.posts.models import Post


def sign_in_url(request: HttpRequest, back: str | None = None) -> str:
    """The citizen sign-in, coming back to `back` (the current page by default)."""
    back = back or request.get_full_path()
    return f"{reverse('accounts:phone-start')}?{urlencode({'next': back})}"


def to_sign_in(request: HttpRequest, back: str) -> HttpResponse:
    """Send a signed-out person to the sign-in (the whole page, also from an htmx request)."""
    url = sign_in_url(request, back)
    if request.htmx:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


def _refused(request: HttpRequest, exc: Exception, back: str) -> HttpResponse:
    """An action refused: say why (htmx: the message in place, with the right status)."""
    status = (
        429 if isinstance(exc, RateLimited) else 403 if isinstance(exc, PermissionDenied) else 400
    )
    text = str(exc.message) if isinstance(exc, ActionError) else str(exc)
    if request.htmx:
        response = render(request, "engagement/_refusal.html", {"message": text}, status=status)
        if isinstance(exc, RateLimited):
            response["Retry-After"] = str(exc.retry_after)
        # htmx swaps only 2xx by default; the fragment goes to the message area instead.
        response["HX-Retarget"] = "#action-message"
        response["HX-Reswap"] = "innerHTML"
        return response
    messages.error(request, text)
    return redirect(back)


# ---------------------------------------------------------------- search and feed


def search_view(request: HttpRequest) -> HttpResponse:
    """Visitors asking the same words within a minute share one answer (results may miss a
    post published in that minute)."""
    return cached_response(request, None, lambda: _search(request), timeout=60)


def _search(request: HttpRequest) -> HttpResponse:
    text = request.GET.get("q", "").strip()[:200]
    results = search.search(text) if text else None
    context = {"q": text, "results": results}
    return page_or_part(
        request,
        "engagement/search.html",
        "engagement/_search_results.html",
        context,
        target="search-found",
    )


def feed(request: HttpRequest) -> HttpResponse:
    """A signed-in person's feed: newest posts of the pages they follow."""
    if not request.user.is_authenticated:
        return redirect(sign_in_url(request))
    found = feeds.feed_for(request.user, before=request.GET.get("truoc"))
    context = {
        "posts": queries.with_reaction_totals(found.posts),
        "next_cursor": found.next_cursor,
        "referred": queries.referral_summary(request.user),
    }
    return page_or_part(
        request,
        "engagement/feed.html",
        "engagement/_feed_items.html",  # the next items, below those shown
        context,
        when=bool(request.GET.get("truoc")),
    )


# ---------------------------------------------------------------- follow, react


@require_POST
def follow(request: HttpRequest, page_id: int) -> HttpResponse:
    page = queries.access_public_page(page_id)
    back = reverse("pages:public", args=[page.slug])
    if not request.user.is_authenticated:
        return to_sign_in(request, back)
    wanted = request.POST.get("do") != "bo"  # "bo" = bỏ theo dõi (unfollow)
    try:
        if wanted:
            follows.follow(request.user, page.pk, remembered_referral(request, page.pk))
        else:
            follows.unfollow(request.user, page.pk)
    except (ActionError, PermissionDenied) as exc:
        return _refused(request, exc, back)
    if request.htmx:
        page = queries.public_page_with_counts(page.slug, request.user)
        return render(request, "engagement/_follow.html", {"page": page})
    if wanted:
        messages.success(request, _("You follow %(page)s.") % {"page": page.name})
    else:
        messages.success(request, _("You no longer follow %(page)s.") % {"page": page.name})
    return redirect(back)


@require_POST
def react(request: HttpRequest, post_id: int) -> HttpResponse:
    post = queries.access_public_post(post_id)
    back = reverse("posts:public", args=[post.page.slug, post.pk])
    if not request.user.is_authenticated:
        return to_sign_in(request, back)
    try:
        reactions.react(request.user, post.pk, request.POST.get("kind", ""))
    except (ActionError, PermissionDenied) as exc:
        return _refused(request, exc, back)
    if request.htmx:
        return render(request, "engagement/_reactions.html", _reaction_context(request, post))
    return redirect(back)


def _reaction_context(request: HttpRequest, post: Post) -> dict:
    return {"post": post, "reactions": queries.reaction_counts(post, request.user)}


# ---------------------------------------------------------------- share and refer


def _shared_post(number: str | None) -> Post | None:
    """The public post a share names (`tin`), if it names one; not a number is none."""
    if not number:
        return None
    try:
        return queries.access_public_post(int(number))
    except ValueError:
        return None


def share_panel(request: HttpRequest, page_id: int) -> HttpResponse:
    """The share box of a page or post: the address with the person's referral code."""
    page = queries.access_public_page(page_id)
    post = _shared_post(request.GET.get("tin"))
    if post is not None and post.page_id != page.pk:
        post = None
    target = reverse("posts:public", args=[page.slug, post.pk]) if post else None
    target = target or reverse("pages:public", args=[page.slug])
    link = absolute_url(target)
    code = None
    if request.user.is_authenticated:
        try:
            code = referrals.code_for(request.user)
        except ActionError as exc:
            return _refused(request, exc, target)
        link = f"{link}?{PARAM}={code}"
    context = {
        "page": page,
        "post": post,
        "link": link,
        "code": code,
        "channels": ShareChannel,
        "sign_in": sign_in_url(request, target),
    }
    template = "engagement/_share.html" if request.htmx else "engagement/share.html"
    return render(request, template, context)


@require_POST
def record_share(request: HttpRequest, page_id: int) -> HttpResponse:
    """Note that the person shared the link (copied it, or sent it by a channel)."""
    page = queries.access_public_page(page_id)
    post = _shared_post(request.POST.get("tin"))
    back = reverse("pages:public", args=[page.slug])
    try:
        referrals.share(request.user, page, post, request.POST.get("channel", ""))
    except (ActionError, PermissionDenied) as exc:
        return _refused(request, exc, back)
    if request.htmx:
        return render(request, "engagement/_shared.html", {})
    messages.success(request, _("Thank you for sharing."))
    return redirect(back)


def leaderboard(request: HttpRequest) -> HttpResponse:
    """Referral leaderboard: units (pages) for everyone; operators for staff, in their units."""
    where, tops = queries.staff_scope(request.user)
    context = {
        "pages": queries.top_pages_by_referrals(),
        "operators": queries.top_staff_referrers(where),
        "scoped_to": tops,
        "referred": queries.referral_summary(request.user),
        # The dashboards' definition, word for word: what is ranked here is what is counted there.
        "referral_definition": REFERRAL_DEFINITION,
    }
    return render(request, "engagement/leaderboard.html", context)


urls: list[URLPattern] = [
    path("tim-kiem/", search_view, name="search"),
    path("bang-tin/", feed, name="feed"),
    path("gioi-thieu/", leaderboard, name="leaderboard"),
    path("trang-so/<int:page_id>/theo-doi/", follow, name="follow"),
    path("trang-so/<int:page_id>/chia-se/", share_panel, name="share"),
    path("trang-so/<int:page_id>/da-chia-se/", record_share, name="shared"),
    path("tin-so/<int:post_id>/cam-xuc/", react, name="react"),
]
