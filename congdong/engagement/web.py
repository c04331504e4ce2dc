"""Referral links on the web: `?gt=CODE` on a page or post address counts a referral, and the
browser remembers it (a signed cookie, no server session) so that a follow within 7 days,
even after signing up, is attributed to the person who shared the link."""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse

from congdong.core.web import client_network
from congdong.engagement.actions.referrals import open_referral
from congdong.engagement.models import ReferralOpen
from congdong.events.visitors import tracking_allowed, visitor_key
from congdong.pages.models import Page
from congdong.posts.models import Post

PARAM = "gt"  # "giới thiệu"
COOKIE = "cd_gt"
KEEP = 20  # pages remembered at most


def take_referral(
    request: HttpRequest, page: Page, post: Post | None = None
) -> ReferralOpen | None:
    """Count the referral in the address, if any, for this visitor (not when they opted out)."""
    code = request.GET.get(PARAM)
    if not code or not tracking_allowed(request):
        return None
    recipient = visitor_key(request)
    # An anonymous recipient is one network address a day; the address's opens of any page
    # are limited too (an account is one person, and costs a verified phone to make).
    address = None if recipient.startswith("u") else (client_network(request) or "-")
    return open_referral(code, page, post, recipient, address=address)


def _remembered(request: HttpRequest) -> dict[str, int]:
    try:
        value = request.get_signed_cookie(
            COOKIE, default=None, max_age=settings.REFERRAL_FOLLOW_DAYS * 86400
        )
        found = signing.loads(value) if value else {}
    except (signing.BadSignature, ValueError, TypeError):
        return {}
    return found if isinstance(found, dict) else {}


def remember(request: HttpRequest, response: HttpResponse, opened: ReferralOpen | None) -> None:
    if opened is None:
        return
    kept = _remembered(request)
    kept[str(opened.page_id)] = opened.pk
    kept = dict(list(kept.items())[-KEEP:])
    response.set_signed_cookie(
        COOKIE,
        signing.dumps(kept),
        max_age=settings.REFERRAL_FOLLOW_DAYS * 86400,
        httponly=True,
        samesite="Lax",
        secure=request.is_secure(),
    )


def remembered_referral(request: HttpRequest, page_id: int) -> int | None:
    value = _remembered(request).get(str(page_id))
    return value if isinstance(value, int) else None
