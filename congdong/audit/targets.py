"""Which object, and so which unit, a request acts on — read from its route and its view.

A keyword of the address (`post_id`, `request_id`, `slug`…) means what the *view's own app*
says it means: `post_id` is a news post in the views of posts, engagement and moderation, and
a board post in the handbook's views (web and API alike). The app is that of the function that
handles the request — for the API the ninja operation of the request's method, for the admin
the model of its ModelAdmin — never a guess from the address or from the number alone, so two
objects sharing an id in two apps are never taken for each other. `TARGETS` says, per keyword,
the model, the apps whose views use it, the lookup from the model to its unit's tree path and
name, and a field with a text for people. One query reads them all. A route whose (app,
keyword) is not listed is filed under the actor's own top unit (`congdong.audit.record`);
`tests/security/test_audit_targets.py` walks the whole URL map so none is left out.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import models
from django.urls import Resolver404, ResolverMatch, resolve


@dataclass(frozen=True)
class Target:
    kwarg: str
    model: str  # "app_label.Model"
    unit: str | None  # lookup from the model to its Unit ("" when it is the Unit; None: none)
    label: str  # lookup of a short text for people ("" for none)
    apps: tuple[str, ...]  # labels of the apps whose views name this object by `kwarg`
    field: str = "pk"  # the model's field the keyword holds

    def applies(self, app: str, match: ResolverMatch) -> bool:
        return app in self.apps and self.kwarg in match.kwargs


# The most specific object first: a route with both `page_id` and `operator_id` acts on the
# operator, one with `slug` and `post_id` on the post.
TARGETS: tuple[Target, ...] = (
    Target("operator_id", "pages.PageOperator", "page__unit", "user__username", ("pages",)),
    Target(
        "comment_id",
        "engagement.Comment",
        "post__page__unit",
        "body",
        ("engagement", "moderation"),
    ),
    Target("revision_id", "posts.PostRevision", "post__page__unit", "title", ("posts",)),
    Target("membership_id", "accounts.Membership", "unit", "user__username", ("accounts",)),
    Target("appeal_id", "moderation.Appeal", "case__unit", "text", ("moderation",)),
    Target("case_id", "moderation.Case", "unit", "", ("moderation",)),
    # Official channels, their fake-page reports, the messages heard on them, deliveries to them.
    Target("link_id", "channels.ChannelLink", "page__unit", "name", ("channels",)),
    Target("report_id", "channels.FakeReport", "page__unit", "url", ("channels",)),
    Target("message_id", "listening.ChannelMessage", "page__unit", "", ("listening",)),
    Target(
        "delivery_id", "syndication.Delivery", "post__page__unit", "post__title", ("syndication",)
    ),
    Target(
        "target_id", "campaigns.CampaignTarget", "unit", "page__name", ("campaigns", "syndication")
    ),
    Target("campaign_id", "campaigns.Campaign", "unit", "source_post__title", ("campaigns",)),
    Target("request_id", "takedown.TakedownRequest", "unit", "reference", ("takedown",)),
    Target("request_id", "privacy.DataRequest", None, "kind", ("privacy",)),
    Target("consent_id", "privacy.ConsentRecord", None, "purpose", ("privacy",)),
    Target("breach_id", "breaches.Breach", "unit", "description", ("breaches",)),
    Target("attachment_id", "feedback.FeedbackAttachment", "feedback__unit", "", ("feedback",)),
    Target("feedback_id", "feedback.Feedback", "unit", "code", ("feedback",)),
    Target("export_id", "insights.Export", "unit", "kind", ("insights",)),
    Target("post_id", "handbook.BoardPost", "unit", "title", ("handbook",)),
    Target(
        "post_id",
        "posts.Post",
        "page__unit",
        "title",
        ("posts", "engagement", "moderation", "syndication", "site"),
    ),
    Target(
        "page_id",
        "pages.Page",
        "unit",
        "name",
        ("pages", "engagement", "channels", "listening", "syndication", "site"),
    ),
    Target("slug", "handbook.HandbookPage", None, "title", ("handbook",), field="slug"),
    Target(
        "slug",
        "pages.Page",
        "unit",
        "name",
        ("pages", "engagement", "feedback", "channels", "site"),
        "slug",
    ),
    Target(
        "unit_id",
        "units.Unit",
        "",
        "name",
        ("units", "accounts", "pages", "insights", "feedback", "channels", "listening"),
    ),
    Target("image_id", "posts.PostImage", "post__page__unit", "post__title", ("posts",)),
    Target("document_id", "posts.PostAttachment", "post__page__unit", "original_name", ("posts",)),
)
# The admin names its object `object_id` (and `id` for a password): the model is its
# ModelAdmin's; its unit and text as the line above for the same model says, if one does.
ADMIN_KWARGS = ("object_id", "id")


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


def _module_app(module: str) -> str:
    config = apps.get_containing_app_config(module)
    return config.label if config is not None else ""


def view_function(match: ResolverMatch, method: str) -> Any:
    """The function that handles `method` on the matched route: for the API, the operation
    itself (ninja routes every method of an address through one view of its path)."""
    func = match.func
    if getattr(func, "__module__", "").startswith("ninja."):
        # ninja's view of a path closes over its PathView, which holds the operations.
        path_view = inspect.getclosurevars(func).nonlocals.get("self")
        for operation in getattr(path_view, "operations", ()):
            if method in operation.methods:
                return operation.view_func
        return None
    return getattr(func, "view_class", func)


def _read(target: Target, model: type[models.Model], value: Any) -> Found:
    """One query: the object's unit (path, name) and text; only kind and key if it is gone."""
    object_type = model._meta.model_name or ""
    key = value if target.field != "pk" else _number(value)
    if key is None or (target.field != "pk" and not str(key)):
        return Found(object_type, str(value)[:40])
    fields = ["pk"]
    if target.unit is not None:
        u = f"{target.unit}__" if target.unit else ""
        fields += [f"{u}pk", f"{u}path", f"{u}name", f"{u}kind"]
    if target.label:
        fields.append(target.label)
    row = model._default_manager.filter(**{target.field: key}).values_list(*fields).first()
    if row is None:
        return Found(object_type, str(key)[:40])
    text = " ".join(str(row[-1] or "").split())[:300] if target.label else ""
    if target.unit is None:
        return Found(object_type, str(row[0]), text)
    return Found(
        object_type,
        str(row[0]),
        text,
        unit_id=row[1],
        unit_path=row[2],
        unit_name=unit_title(row[3], row[4]),
    )


def _model_admin(func: Any) -> Any:
    """The ModelAdmin behind an admin view: its URLs carry it (`model_admin`), or the view is
    one of its methods wrapped by `admin_view` (the password form of accounts)."""
    from django.contrib.admin import ModelAdmin

    found = getattr(func, "model_admin", None)
    while found is None and func is not None:
        owner = getattr(func, "__self__", None)
        found = owner if isinstance(owner, ModelAdmin) else None
        func = getattr(func, "__wrapped__", None)
    return found


def _admin_model(match: ResolverMatch, func: Any) -> type[models.Model] | None:
    model_admin = _model_admin(match.func)
    if model_admin is not None:
        return model_admin.model
    if func.__module__ == "django.contrib.contenttypes.views":  # "view on site" links
        from django.contrib.contenttypes.models import ContentType

        number = _number(match.kwargs["content_type_id"])
        content_type = ContentType.objects.filter(pk=number).first() if number else None
        return content_type.model_class() if content_type is not None else None
    return None


def _admin(model: type[models.Model], match: ResolverMatch) -> Found | None:
    kwarg = next((k for k in ADMIN_KWARGS if k in match.kwargs), None)
    if kwarg is None:
        return None
    name = model._meta.label
    known = next((t for t in TARGETS if t.model == name and t.field == "pk"), None)
    unit, label = (known.unit, known.label) if known else (None, "")
    return _read(Target(kwarg, name, unit, label, ()), model, match.kwargs[kwarg])


def find(match: ResolverMatch | None, method: str = "GET") -> Found | None:
    """The object the request (`method` on the matched route) acts on, with its unit; None
    when its view names none we know. One query when it does (the row may be gone: then only
    its kind and key)."""
    if match is None:
        return None
    func = view_function(match, method)
    if func is None:
        return None
    model = _admin_model(match, func)
    if model is not None:
        return _admin(model, match)
    app = _module_app(func.__module__)
    target = next((t for t in TARGETS if t.applies(app, match)), None)
    if target is None:
        return None
    return _read(target, apps.get_model(target.model), match.kwargs[target.kwarg])


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
