"""What the moderation and takedown tests both stand on: a post published on phường Kinh Bắc
with a citizen's comment, a sibling commune's page opened, and a moderator at each level."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from congdong.accounts.roles import Role
from congdong.engagement.actions import comments as comment_actions
from congdong.pages.actions import do_establish_many
from congdong.pages.models import Page
from congdong.units.models import Level, Unit
from tests.engagement.conftest import citizen, published
from tests.posts.conftest import grant


def commented_commune(pages, comment_text: str) -> dict[str, Any]:
    """post, comment, author, sibling (page) and the moderators commune_mod, province_mod,
    sibling_mod and hanoi_mod, by name (the fields the folders' `World`s share)."""
    kinh_bac = pages.kinh_bac.unit
    sibling_unit = (
        Unit.objects.filter(parent=kinh_bac.parent, level=Level.COMMUNE)
        .exclude(pk=kinh_bac.pk)
        .order_by("path")
        .first()
    )
    do_establish_many([sibling_unit], opened_at=timezone.now())
    post = published(pages.kinh_bac)
    author = citizen("+84900000001", "Lê Văn Viết")
    return {
        "post": post,
        "comment": comment_actions.comment(author, post.pk, comment_text),
        "author": author,
        "sibling": Page.objects.get(unit=sibling_unit),
        "commune_mod": grant("kinhbac.kiemduyet", kinh_bac, Role.MODERATOR),
        "province_mod": grant("bacninh.kiemduyet", pages.bac_ninh.unit, Role.MODERATOR),
        "sibling_mod": grant("xakhac.kiemduyet", sibling_unit, Role.MODERATOR),
        "hanoi_mod": grant("hanoi.kiemduyet", pages.ha_noi.unit, Role.MODERATOR),
    }
