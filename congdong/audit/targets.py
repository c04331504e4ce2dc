"""Which object, and so which unit, a request acts on — read from its address.

Every staff route names its object by a keyword of the address (`post_id`, `feedback_id`, …).
`TARGETS` maps each keyword (for the routes it applies to) to the model, the lookup from that
model to its unit's tree path and name, and a field with a text for people. One query reads them
all. A feature adding a route with a new keyword adds one line here; a route with no known
keyword is logged against the actor's own top unit (see `congdong.audit.record`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.urls import Resolver404, ResolverMatch, resolve


@dataclass(frozen=True)
class Target:
    kwarg: str
    model: str  # "app_label.Model"
    unit: str  # lookup from the model to its Unit ("" when the model is the Unit)
    label: str  # lookup of a short text for people ("" for none)
    # Route prefixes (as in ResolverMatch.route) the line applies to; empty: every route.
    routes: tuple[str, ...] = ()

    def applies(self, match: ResolverMatch) -> bool:
        return self.kwarg in match.kwargs and (
            not self.routes or match.route.startswith(self.routes)
        )


def _u(prefix: str) -> str:
    return f"{prefix}__" if prefix else ""


# The most specific object first: a route with both `page_id` and `operator_id` acts on the
# operator. Same keyword in two apps (`post_id` of a board post, `request_id` of a takedown
# request): the line with routes comes first.
TARGETS: tuple[Target, ...] = (
    Target("comment_id", "engagement.Comment", "post__page__unit", "body"),
    Target("operator_id", "pages.PageOperator", "page__unit", "user__username"),
    Target("revision_id", "posts.PostRevision", "post__page__unit", "title"),
    Target("membership_id", "accounts.Membership", "unit", "user__username"),
    Target("appeal_id", "moderation.Appeal", "case__unit", "text"),
    Target("case_id", "moderation.Case", "unit", ""),
    Target("target_id", "campaigns.CampaignTarget", "unit", "page__name"),
    Target("campaign_id", "campaigns.Campaign", "unit", "source_post__title"),
    Target(
        "request_id",
        "takedown.TakedownRequest",
        "unit",
        "reference",
        routes=("lam-viec/yeu-cau-go-bo/", "api/v1/takedown/"),
    ),
    Target("breach_id", "breaches.Breach", "unit", "description"),
    Target("feedback_id", "feedback.Feedback", "unit", "code"),
    Target("attachment_id", "feedback.FeedbackAttachment", "feedback__unit", ""),
    Target("export_id", "insights.Export", "unit", "kind"),
    Target("image_id", "posts.PostImage", "post__page__unit", "post__title"),
    Target("document_id", "posts.PostAttachment", "post__page__unit", "original_name"),
    Target("post_id", "handbook.BoardPost", "unit", "title", routes=("lam-viec/trao-doi/",)),
    Target("post_id", "posts.Post", "page__unit", "title"),
    Target("page_id", "pages.Page", "unit", "name"),
    Target("unit_id", "units.Unit", "", "name"),
)


@dataclass(frozen=True)
class Found:
    object_type: str
    object_id: str
    object_text: str = ""
    unit_id: int | None = None
    unit_path: str = ""
    unit_name: str = ""


def _number(value: Any) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None


def find(match: ResolverMatch | None) -> Found | None:
    """The object the matched route acts on, with its unit; None when the route names none
    we know. One query when it does (the row may be gone: then only its kind and number)."""
    if match is None:
        return None
    target = next((t for t in TARGETS if t.applies(match)), None)
    if target is None:
        return None
    model = apps.get_model(target.model)
    object_type = model._meta.model_name
    number = _number(match.kwargs[target.kwarg])
    if number is None:
        return Found(object_type, str(match.kwargs[target.kwarg])[:40])
    u = _u(target.unit)
    fields = [f"{u}pk", f"{u}path", f"{u}name", f"{u}kind"]
    if target.label:
        fields.append(target.label)
    row = model._default_manager.filter(pk=number).values_list(*fields).first()
    if row is None:
        return Found(object_type, str(number))
    text = str(row[4] or "") if target.label else ""
    return Found(
        object_type,
        str(number),
        " ".join(text.split())[:300],
        unit_id=row[0],
        unit_path=row[1],
        unit_name=unit_title(row[2], row[3]),
    )


def unit_title(name: str, kind: str) -> str:
    """The unit's official title, in the site's language whatever the actor's (a snapshot)."""
    from django.conf import settings
    from django.utils import translation

    from congdong.units.models import Unit

    with translation.override(settings.LANGUAGE_CODE):
        return str(Unit(name=name, kind=kind).full_name)


def find_at(address: str) -> Found | None:
    """The object of one of our own addresses (where a form redirected after creating it)."""
    if not address.startswith("/"):
        return None
    try:
        match = resolve(address.split("?", 1)[0].split("#", 1)[0])
    except Resolver404:
        return None
    return find(match)
