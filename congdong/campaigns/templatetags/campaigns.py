"""`{% campaign_origin post as origin %}`: where a campaign copy came from.

In a list the first call looks up every post of the list (the context's `posts`) in one query
and remembers the answers on the posts, so the list costs one query, not one per post.
"""

from __future__ import annotations

from django import template

from congdong.campaigns.queries import Origin, origins_of

register = template.Library()
_ATTR = "_campaign_origin"
_MISSING = object()


@register.simple_tag(takes_context=True)
def campaign_origin(context: template.Context, post) -> Origin | None:
    found = getattr(post, _ATTR, _MISSING)
    if found is not _MISSING:
        return found
    posts = list(context.get("posts") or [])
    if not any(p is post for p in posts):
        posts = [post]
    origins = origins_of(posts)
    for p in posts:
        setattr(p, _ATTR, origins.get(p.pk))
    return origins.get(post.pk)
