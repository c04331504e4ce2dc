"""Every staff page of the URL map, with the persona who uses it and where its parameters come
from in the demo data set.

A page is a GET that shows something to staff: every route under /lam-viec/ that is not a
POST-only action, and the few staff screens outside it. `unmapped()` lists routes under
/lam-viec/ that are neither here nor in ACTIONS, so a new staff page cannot be left out of the
bench unnoticed (tests/bench/test_staff_pages_bench.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

Params = Callable[[], dict[str, Any]]


@dataclass(frozen=True)
class StaffPage:
    name: str  # the route's "namespace:name"
    persona: str  # username in congdong_tools/demo/personas.py
    params: Params = field(default=lambda: {})
    query: str = ""

    @property
    def label(self) -> str:
        return f"{self.name} [{self.persona}]"


# --- the demo objects a page is about (looked up in the bench's database) --------------------


def _unit(lookup: str) -> Params:
    def params() -> dict[str, Any]:
        from congdong_tools.demo.personas import find_unit

        return {"unit_id": find_unit(lookup).pk}

    return params


def _unit_page(lookup: str) -> Params:
    def params() -> dict[str, Any]:
        from congdong.pages.models import Page
        from congdong_tools.demo.personas import find_unit

        page = Page.objects.filter(unit=find_unit(lookup)).order_by("pk").first()
        return {"page_id": page.pk}

    return params


def _post() -> dict[str, Any]:
    from congdong.posts.models import Post
    from congdong_tools.demo.personas import find_unit

    return {"post_id": Post.objects.filter(page__unit=find_unit("24/Kinh Bắc")).latest("pk").pk}


def _campaign() -> dict[str, Any]:
    from congdong.campaigns.models import Campaign

    return {"campaign_id": Campaign.objects.filter(created_by__username="tw.bientap").get().pk}


def _feedback() -> dict[str, Any]:
    from congdong.feedback.models import Feedback
    from congdong_tools.demo.personas import find_unit

    return {"feedback_id": Feedback.objects.filter(unit=find_unit("24/Kinh Bắc")).latest("pk").pk}


def _handbook_page() -> dict[str, Any]:
    from congdong.handbook.models import HandbookPage

    return {"slug": HandbookPage.objects.order_by("pk").first().slug}


def _handbook_revision() -> dict[str, Any]:
    return _handbook_page() | {"number": 1}


def _board_post() -> dict[str, Any]:
    from congdong.handbook.models import BoardPost

    return {"post_id": BoardPost.objects.order_by("pk").first().pk}


def _takedown() -> dict[str, Any]:
    from congdong.takedown.models import TakedownRequest

    return {"request_id": TakedownRequest.objects.order_by("pk").first().pk}


def _breach() -> dict[str, Any]:
    from congdong.breaches.models import Breach

    return {"breach_id": Breach.objects.order_by("pk").first().pk}


def _data_request() -> dict[str, Any]:
    from congdong.privacy.models import DataRequest

    return {"request_id": DataRequest.objects.order_by("pk").first().pk}


def _export() -> dict[str, Any]:
    from congdong.insights.models import Export

    return {"export_id": Export.objects.filter(user__username="tw.thongke").latest("pk").pk}


EDITOR, PROVINCE, COMMUNE = "tw.bientap", "bacninh.quantri", "kinhbac.canbo"
ANALYST, PROVINCE_ANALYST = "tw.thongke", "bacninh.thongke"
CENTRAL_ADMIN, MODERATOR, DPO = "tw.quantri", "hanoi.kiemduyet", "tw.baovedulieu"

PAGES: tuple[StaffPage, ...] = (
    StaffPage("accounts:workspace", COMMUNE),
    StaffPage("accounts:workspace", PROVINCE),
    StaffPage("accounts:workspace-unit", PROVINCE, _unit("24")),
    StaffPage("accounts:workspace-search", PROVINCE, _unit("24"), "?q=Kinh"),
    StaffPage("accounts:password-change", COMMUNE),
    StaffPage("twofactor:settings", COMMUNE),
    StaffPage("pages:settings", PROVINCE, _unit_page("24")),
    StaffPage("channels:page", PROVINCE, _unit_page("24")),
    StaffPage("channels:health", PROVINCE, _unit("24")),
    StaffPage("listening:page", PROVINCE, _unit_page("24")),
    StaffPage("listening:unit", PROVINCE, _unit("24")),
    StaffPage("syndication:defaults", PROVINCE, _unit_page("24")),
    StaffPage("syndication:post", COMMUNE, _post),
    StaffPage("pages:preview", PROVINCE, _unit_page("24")),
    StaffPage("posts:desk", COMMUNE),
    StaffPage("posts:desk", EDITOR),
    StaffPage("posts:detail", COMMUNE, _post),
    StaffPage("posts:queue", EDITOR),
    StaffPage("posts:queue", PROVINCE),
    StaffPage("campaigns:list", EDITOR),
    StaffPage("campaigns:detail", EDITOR, _campaign),
    # The target picker's search, as the editor types a province's name (an htmx fragment).
    StaffPage("campaigns:picker", EDITOR, query="?tim=bac+ninh"),
    StaffPage("engagement:comment-queue", COMMUNE),
    StaffPage("insights:dashboard", ANALYST),
    StaffPage("insights:dashboard-unit", ANALYST, _unit("TW")),
    StaffPage("insights:dashboard-unit", PROVINCE_ANALYST, _unit("24")),
    StaffPage("insights:dashboard-coverage", ANALYST, _unit("TW")),
    StaffPage("insights:dashboard-coverage", PROVINCE_ANALYST, _unit("24")),
    StaffPage("insights:export-list", ANALYST),
    StaffPage("insights:export-status", ANALYST, _export),
    StaffPage("insights:export-download", ANALYST, _export),
    StaffPage("feedback:staff-queue", COMMUNE),
    StaffPage("feedback:staff-queue", PROVINCE),
    StaffPage("feedback:staff-item", COMMUNE, _feedback),
    StaffPage("feedback:situation", ANALYST),
    StaffPage("feedback:situation-unit", ANALYST, _unit("TW")),
    StaffPage("feedback:situation-unit", PROVINCE_ANALYST, _unit("24")),
    StaffPage("handbook:index", COMMUNE),
    StaffPage("handbook:page", COMMUNE, _handbook_page),
    StaffPage("handbook:edit", CENTRAL_ADMIN, _handbook_page),
    StaffPage("handbook:history", CENTRAL_ADMIN, _handbook_page),
    StaffPage("handbook:compare", CENTRAL_ADMIN, _handbook_page, "?a=1&b=1"),
    StaffPage("handbook:revision", CENTRAL_ADMIN, _handbook_revision),
    StaffPage("handbook:board", COMMUNE),
    StaffPage("handbook:board-post", COMMUNE, _board_post),
    StaffPage("takedown:list", MODERATOR),
    StaffPage("takedown:intake", MODERATOR),
    StaffPage("takedown:detail", MODERATOR, _takedown),
    StaffPage("moderation:queue", MODERATOR),
    StaffPage("moderation:appeals", MODERATOR),
    StaffPage("audit:list", DPO),
    StaffPage("breaches:list", DPO),
    StaffPage("breaches:new", DPO),
    StaffPage("breaches:detail", DPO, _breach),
    StaffPage("breaches:notice", DPO, _breach),
    StaffPage("privacy:staff-list", DPO),
    StaffPage("privacy:staff-detail", DPO, _data_request),
)

# Routes under /lam-viec/ that only take a POST (they act, then redirect): not pages.
ACTIONS = frozenset(
    {
        "accounts:grant",
        "accounts:new-staff",
        "accounts:revoke",
        "pages:create",
        "pages:move",
        "pages:pictures",
        "pages:add-operator",
        "pages:remove-operator",
        "posts:move",
        "posts:publish",
        "posts:revise",
        "posts:add-media",
        "posts:remove-media",
        "posts:inline-picture",  # a picture into the text before the draft exists (POST)
        # Connecting a channel goes through the platform's consent (redirects and a pick
        # held in the session); the rest are POSTs.
        "channels:facebook-start",
        "channels:facebook-callback",
        "channels:facebook-pick",
        "channels:zalo-start",
        "channels:zalo-callback",
        "channels:add-website",
        "channels:check",
        "channels:disconnect",
        "channels:decide-report",
        "listening:answer",
        "listening:hide",
        "syndication:again",
        "syndication:reshare-address",
        "posts:approve",
        "posts:reject",
        "posts:approve-revision",
        "posts:reject-revision",
        "campaigns:launch",
        "campaigns:count",  # the picker's live count: a POST of the form as it stands
        "campaigns:close",
        "campaigns:reshare",
        "insights:export-start",
        "feedback:staff-move",
        "handbook:board-reply",
        "handbook:board-decide",
        "handbook:revision-decide",  # publish or send back a version (four eyes)
        "takedown:act",
        "takedown:refuse",
        "moderation:decide-appeal",
        "breaches:notify",
        "breaches:close",
        "privacy:staff-take",
        "privacy:staff-answer",
        "privacy:staff-refuse",
        "twofactor:start",
        "twofactor:confirm",
        "twofactor:recovery-codes",
        "twofactor:disable",
    }
)


def staff_routes() -> dict[str, str]:
    """Every named route under /lam-viec/ in the URL map: {"namespace:name": route}."""
    from django.urls import URLPattern, URLResolver, get_resolver

    found: dict[str, str] = {}

    def walk(resolver: URLResolver, prefix: str, namespace: str | None) -> None:
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern, prefix + str(pattern.pattern), pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern) and pattern.name:
                route = prefix + str(pattern.pattern)
                if route.startswith("lam-viec/"):
                    found[f"{namespace}:{pattern.name}" if namespace else pattern.name] = route

    walk(get_resolver(), "", None)
    return found


def unmapped() -> list[str]:
    """Routes under /lam-viec/ that are neither a measured page nor a known action."""
    measured = {page.name for page in PAGES}
    return sorted(name for name in staff_routes() if name not in measured | ACTIONS)
