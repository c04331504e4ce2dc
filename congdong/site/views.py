"""The public pages that put several apps' parts together: the home page (national and
featured posts, the directory of a structure's provinces), a unit's page with its post cards
(and its preview for the page's admins), and one published post with its reactions and
comments. The addresses stay in the `pages` and `posts` namespaces (congdong/urls.py)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from congdong import events
from congdong.accounts.roles import Permission
from congdong.accounts.views import staff_required
from congdong.core.public_cache import cached_response
from congdong.engagement import queries as engagement_queries
from congdong.engagement.feeds import parse_cursor
from congdong.engagement.views.comments import section_context as comments_section
from congdong.engagement.web import PARAM as REFERRAL_PARAM
from congdong.engagement.web import remember, take_referral
from congdong.events import EventKind
from congdong.pages import queries as page_queries
from congdong.pages.models import Page, PageStatus
from congdong.posts import queries as post_queries
from congdong.site.cards import with_cards
from congdong.units import queries
from congdong.units.models import Structure

PAGE_POSTS = 10  # posts on a page at a time; older ones come by the "older posts" link


def home(request: HttpRequest) -> HttpResponse:
    """Home: national and featured posts, and the directory of a structure's provinces
    (today's by default). Visitors get a copy at most 30 s old (featured posts move with
    reactions anywhere, which bump nothing)."""
    return cached_response(request, None, lambda: _home(request), timeout=30)


def _home(request: HttpRequest) -> HttpResponse:
    structure = queries.structure_or_current(request.GET.get("structure"))
    text = request.GET.get("q", "").strip()
    provinces = queries.provinces(structure) if structure else []
    results = (
        list(queries.units_filtered(structure, text=text)[:50]) if structure and text else None
    )
    context = {
        "structure": structure,
        "structures": Structure.objects.all(),
        "provinces": provinces,
        "q": text,
        "results": results,
    }
    if request.htmx and request.htmx.target == "search-results":
        return render(request, "units/_search_results.html", context)
    context["national"] = engagement_queries.national_posts(structure.pk if structure else None)
    context["featured"] = engagement_queries.featured_posts(structure.pk if structure else None)
    return render(request, "core/home.html", context)


# --- a unit's page (`pages:public`, `pages:preview`) ------------------------------------------


def public_page(request: HttpRequest, slug: str) -> HttpResponse:
    # One cheap lookup before the cache: a cached visit costs this query and nothing else.
    page_id, status = page_queries.public_page_ref(slug)
    opened = None
    if status == PageStatus.ACTIVE and request.GET.get(REFERRAL_PARAM):
        opened = take_referral(request, Page(pk=page_id))
    events.record(request, EventKind.PAGE_VIEW, page_id=page_id)

    def build() -> HttpResponse:
        page = engagement_queries.public_page_with_counts(slug, request.user, page_id)
        return _public_page(request, page, preview=False)

    response = cached_response(request, ("page", page_id), build)
    remember(request, response, opened)
    return response


@staff_required
def preview(request: HttpRequest, page_id: int) -> HttpResponse:
    """The public page as citizens will see it, for its admins, before it is opened too."""
    page = page_queries.access_page(request.user, page_id, Permission.MANAGE_PAGE)
    return _public_page(request, page, preview=True)


def _public_page(request: HttpRequest, page: Page, preview: bool) -> HttpResponse:
    older = parse_cursor(request.GET.get("truoc"))
    posts = post_queries.published_posts(
        page, PAGE_POSTS + 1, before=older, pictures=False, reaction_totals=True
    )
    more = len(posts) > PAGE_POSTS
    posts = with_cards(posts[:PAGE_POSTS], page)
    last = posts[-1] if posts else None
    context = {
        "page": page,
        "posts": posts,
        "next_cursor": f"{last.published_at.isoformat()}_{last.pk}" if more and last else None,
    }
    if request.htmx and older is not None:
        return render(request, "posts/_public_cards.html", context)
    ancestors = getattr(page, "ancestors", None)  # the cached header carries them
    if ancestors is None:
        ancestors = queries.ancestors(page.unit)
    context |= {"unit": page.unit, "ancestors": ancestors}
    context["preview"] = preview
    return render(request, "pages/public.html", context)


# --- one published post (`posts:public`) ------------------------------------------------------


def public_post(request: HttpRequest, slug: str, post_id: int) -> HttpResponse:
    post = post_queries.public_post(slug, post_id)
    opened = take_referral(request, post.page, post)
    events.record(request, EventKind.POST_VIEW, page_id=post.page_id, post_id=post.pk)

    def build() -> HttpResponse:
        context = {
            "post": post,
            "page": post.page,
            "reactions": engagement_queries.reaction_counts(post, request.user),
            **comments_section(request, post),
        }
        return render(request, "posts/public_post.html", context)

    response = cached_response(request, ("page", post.page_id), build)
    remember(request, response, opened)
    return response
