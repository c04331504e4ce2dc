"""What the audit log shows a person: each action and object in words of the reader's language
("duyệt bài viết", "bài viết «Hội nghị…»"), never a route name ("posts:approve"), an API
address, an HTTP method or a bare number ("post #2473").

A row keeps what happened as it was recorded (the route's name, the model's name, the id):
those stay the facts that filters and the hash chain read; only the screen turns them into
words. `tests/audit/test_labels.py` checks that every write route of the URL map has words.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.apps import apps
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import pgettext_lazy as p


def _a(text: str) -> Promise:
    return p("audit action", text)


# Web routes that change something, by their name in the URL map.
WEB: dict[str, Promise] = {
    "accounts:password-change": _a("change own password"),
    "accounts:grant": _a("grant a role"),
    "accounts:new-staff": _a("create a staff account"),
    "accounts:revoke": _a("revoke a role"),
    "accounts:citizen-profile": _a("update own profile"),
    "pages:create": _a("create a community page"),
    "pages:settings": _a("change a page's settings"),
    "pages:move": _a("change a page's status"),
    "pages:pictures": _a("change a page's pictures"),
    "pages:add-operator": _a("add a page co-admin"),
    "pages:remove-operator": _a("remove a page co-admin"),
    "posts:desk": _a("write a post"),
    "posts:detail": _a("edit a post"),
    "posts:move": _a("change a post's state"),
    "posts:publish": _a("publish a post"),
    "posts:revise": _a("revise a published post"),
    "posts:add-media": _a("attach a picture or document to a post"),
    "posts:remove-media": _a("remove a picture or document from a post"),
    "posts:approve": _a("approve a post"),
    "posts:reject": _a("send a post back"),
    "posts:approve-revision": _a("approve a post's revision"),
    "posts:reject-revision": _a("send a post's revision back"),
    "campaigns:list": _a("create a campaign"),
    "campaigns:detail": _a("edit a campaign"),
    "campaigns:launch": _a("launch a campaign"),
    "campaigns:count": _a("count a campaign's targets"),
    "campaigns:close": _a("close a campaign"),
    "campaigns:reshare": _a("reshare a campaign post"),
    "engagement:follow": _a("follow a page"),
    "engagement:share": _a("share a page"),
    "engagement:react": _a("react to a post"),
    "engagement:comment": _a("comment on a post"),
    "engagement:comment-reply": _a("reply to a comment"),
    "engagement:comment-edit": _a("edit a comment"),
    "engagement:comment-delete": _a("delete a comment"),
    "engagement:comment-show": _a("show a comment"),
    "engagement:comment-hide": _a("hide a comment"),
    "engagement:comment-queue": _a("decide on comments"),
    "engagement:notifications-read": _a("mark notifications read"),
    "engagement:notification-settings": _a("change notification settings"),
    "insights:export-start": _a("start an export"),
    "feedback:staff-item": _a("handle a feedback item"),
    "feedback:staff-move": _a("handle a feedback item"),
    "handbook:edit": _a("edit a handbook page"),
    "handbook:revision-decide": _a("decide on a handbook version"),
    "handbook:board": _a("ask on the board"),
    "handbook:board-reply": _a("answer on the board"),
    "handbook:board-decide": _a("decide on a board question"),
    "takedown:intake": _a("record a takedown request"),
    "takedown:act": _a("take content down"),
    "takedown:refuse": _a("refuse a takedown request"),
    "moderation:report-comment": _a("report a comment"),
    "moderation:report-post": _a("report a post"),
    "moderation:queue": _a("decide on a report"),
    "moderation:appeals": _a("decide on an appeal"),
    "moderation:decide-appeal": _a("decide on an appeal"),
    "breaches:new": _a("record a personal data breach"),
    "breaches:notify": _a("record a breach's notification"),
    "breaches:close": _a("close a breach"),
    "privacy:staff-take": _a("take a personal data request"),
    "privacy:staff-answer": _a("answer a personal data request"),
    "privacy:staff-refuse": _a("refuse a personal data request"),
    "privacy:withdraw": _a("withdraw a consent"),
    "twofactor:code": _a("enter a sign-in code"),
    "twofactor:settings": _a("change two-step sign-in"),
    "twofactor:start": _a("start two-step sign-in"),
    "twofactor:confirm": _a("turn on two-step sign-in"),
    "twofactor:recovery-codes": _a("make new recovery codes"),
    "twofactor:disable": _a("turn off two-step sign-in"),
    "posts:inline-picture": _a("put a picture into a post's text"),
    "channels:facebook-start": _a("start connecting a Facebook Page"),
    "channels:facebook-callback": _a("come back from Facebook's consent"),
    "channels:facebook-pick": _a("link a Facebook Page to a page"),
    "channels:zalo-start": _a("start connecting a Zalo OA"),
    "channels:zalo-callback": _a("link a Zalo OA to a page"),
    "channels:add-website": _a("link a website to a page"),
    "channels:check": _a("check a linked channel"),
    "channels:disconnect": _a("disconnect a linked channel"),
    "channels:decide-report": _a("decide on a fake-page report"),
    "channels:report-fake": _a("report a fake page"),
    "listening:answer": _a("answer a comment or message on a channel"),
    "listening:hide": _a("hide or show a comment on a channel"),
    "syndication:post": _a("send a post to the page's channels"),
    "syndication:again": _a("send a delivery to a channel again"),
    "syndication:defaults": _a("change a page's channel defaults"),
    "syndication:reshare-address": _a("give the address of a reshare on a channel"),
}

# API operations that change something: (method, address under /api/v1/).
API: dict[tuple[str, str], Promise] = {
    ("POST", "memberships"): WEB["accounts:grant"],
    ("DELETE", "memberships/<membership_id>"): WEB["accounts:revoke"],
    ("POST", "staff"): WEB["accounts:new-staff"],
    ("POST", "pages"): WEB["pages:create"],
    ("POST", "pages/<page_id>/status"): WEB["pages:move"],
    ("PUT", "pages/<page_id>/profile"): WEB["pages:settings"],
    ("POST", "pages/<page_id>/operators"): WEB["pages:add-operator"],
    ("DELETE", "pages/<page_id>/operators/<operator_id>"): WEB["pages:remove-operator"],
    ("POST", "posts"): WEB["posts:desk"],
    ("PUT", "posts/<post_id>"): WEB["posts:detail"],
    ("POST", "posts/<post_id>/transitions"): WEB["posts:move"],
    ("POST", "campaigns"): WEB["campaigns:list"],
    ("POST", "campaigns/<campaign_id>/launch"): WEB["campaigns:launch"],
    ("POST", "campaign-tasks/<target_id>/reshare"): WEB["campaigns:reshare"],
    ("POST", "pages/<page_id>/follow"): WEB["engagement:follow"],
    ("DELETE", "pages/<page_id>/follow"): _a("unfollow a page"),
    ("POST", "posts/<post_id>/reactions"): WEB["engagement:react"],
    ("POST", "shares"): WEB["engagement:share"],
    ("POST", "posts/<post_id>/comments"): WEB["engagement:comment"],
    ("PATCH", "comments/<comment_id>"): WEB["engagement:comment-edit"],
    ("DELETE", "comments/<comment_id>"): WEB["engagement:comment-delete"],
    ("POST", "me/notifications/read"): WEB["engagement:notifications-read"],
    ("POST", "feedback"): _a("send feedback"),
    ("POST", "me/feedback/<feedback_id>/reopen"): _a("reopen own feedback"),
    ("POST", "me/feedback/<feedback_id>/close"): _a("close own feedback"),
    ("POST", "feedback/to-handle/<feedback_id>/accept"): _a("accept a feedback item"),
    ("POST", "feedback/to-handle/<feedback_id>/reject"): _a("reject a feedback item"),
    ("POST", "feedback/to-handle/<feedback_id>/assign"): _a("assign a feedback item"),
    ("POST", "feedback/to-handle/<feedback_id>/answer"): _a("answer a feedback item"),
    ("POST", "feedback/to-handle/<feedback_id>/escalate"): _a("escalate a feedback item"),
    ("POST", "feedback/to-handle/<feedback_id>/transfer"): _a("transfer a feedback item"),
    ("POST", "handbook/pages/<slug>/revisions"): WEB["handbook:edit"],
    ("POST", "handbook/pages/<slug>/revisions/<number>/decision"): WEB["handbook:revision-decide"],
    ("POST", "board/posts"): WEB["handbook:board"],
    ("POST", "board/posts/<post_id>/replies"): WEB["handbook:board-reply"],
    ("POST", "board/posts/<post_id>/decision"): WEB["handbook:board-decide"],
    ("POST", "takedown/requests"): WEB["takedown:intake"],
    ("POST", "takedown/requests/<request_id>/act"): WEB["takedown:act"],
    ("POST", "takedown/requests/<request_id>/refuse"): WEB["takedown:refuse"],
    ("POST", "moderation/reports"): _a("report content"),
    ("POST", "moderation/decisions"): WEB["moderation:queue"],
    ("POST", "moderation/cases/<case_id>/appeal"): _a("appeal a decision"),
    ("POST", "moderation/appeals/<appeal_id>/decision"): WEB["moderation:decide-appeal"],
    ("POST", "breaches"): WEB["breaches:new"],
    ("POST", "breaches/<breach_id>/notified"): WEB["breaches:notify"],
    ("POST", "breaches/<breach_id>/close"): WEB["breaches:close"],
    ("POST", "privacy/consents/<consent_id>/withdraw"): WEB["privacy:withdraw"],
    ("POST", "privacy/export"): _a("download own personal data"),
    ("POST", "privacy/profile"): _a("correct own personal data"),
    ("POST", "privacy/account/delete"): _a("delete own account"),
    ("POST", "privacy/requests"): _a("make a personal data request"),
    ("POST", "privacy/staff/requests/<request_id>/take"): WEB["privacy:staff-take"],
    ("POST", "privacy/staff/requests/<request_id>/answer"): WEB["privacy:staff-answer"],
    ("POST", "privacy/staff/requests/<request_id>/refuse"): WEB["privacy:staff-refuse"],
    ("POST", "posts/<post_id>/deliveries"): WEB["syndication:post"],
    ("POST", "deliveries/<delivery_id>/again"): WEB["syndication:again"],
}

# The Django admin: "admin:<app>_<model>_<view>", the model named by its verbose name.
ADMIN_VIEWS: dict[str, Promise] = {
    "add": _a("add %(kind)s in the administration"),
    "change": _a("change %(kind)s in the administration"),
    "delete": _a("delete %(kind)s in the administration"),
    "changelist": _a("change several %(kind)s in the administration"),
    "history": _a("read the history of %(kind)s in the administration"),
}
ADMIN_ROUTE = re.compile(r"^admin:(?P<app>[a-z]+)_(?P<model>[a-z]+)_(?P<view>[a-z]+)$")
OTHER = _a("another action")
OTHER_ADMIN = _a("an action in the administration")
OTHER_API = _a("an action through the API")


def action(name: str, method: str = "") -> str:
    """The words for the recorded action `name` (a route name, "api:<address>", or one of
    `models.Action`), in the active language."""
    if name.startswith("api:"):
        return str(API.get((method, name.removeprefix("api:")), OTHER_API))
    if name in WEB:
        return str(WEB[name])
    found = ADMIN_ROUTE.match(name)
    if found:
        model = _model(found["model"], found["app"])
        view = ADMIN_VIEWS.get(found["view"])
        if model is not None and view is not None:
            return str(view) % {"kind": model._meta.verbose_name}
    if name.startswith("admin:"):
        return str(OTHER_ADMIN)
    return str(OTHER)


def _model(model_name: str, app_label: str = "") -> type[models.Model] | None:
    """Our model called `model_name` (in `app_label` if given; else the first app that has
    one: two apps' `category` both read "category")."""
    for model in apps.get_models():
        meta = model._meta
        if meta.model_name == model_name and (not app_label or meta.app_label == app_label):
            return model
    return None


def kind(object_type: str) -> str:
    """The object's kind in words ("bài viết"); "" when the model is gone."""
    model = _model(object_type)
    return str(model._meta.verbose_name) if model is not None else ""


# Apps above this one whose object text is a code of theirs say how to read it (the export's
# kind: insights.exports.jobs.kind_label), from their AppConfig.ready().
READERS: dict[str, Callable[[str], str]] = {}


def register_reader(object_type: str, reader: Callable[[str], str]) -> None:
    READERS[object_type] = reader


def object_text(object_type: str, text: str) -> str:
    """The row's text for the object as a person reads it: a choice's label, not its stored
    value ("xem hoặc nhận bản sao dữ liệu của tôi", not "access")."""
    from congdong.audit.targets import TARGETS

    if object_type in READERS:
        return READERS[object_type](text)
    target = next((t for t in TARGETS if t.model.split(".")[1].lower() == object_type), None)
    model = _model(object_type)
    if target is None or model is None or not target.label or "__" in target.label:
        return text
    choices = dict(model._meta.get_field(target.label).flatchoices)
    return str(choices.get(text, text))


def obj(object_type: str, object_id: str, text: str) -> str:
    """ "bài viết «Hội nghị…»", "phản ánh PA-2026-0012"; "bài viết số 2473" when the row
    kept no text; "" for no object."""
    if not object_type:
        return ""
    name = kind(object_type) or gettext("object")
    text = object_text(object_type, text)
    if not text:
        return gettext("%(kind)s number %(number)s") % {"kind": name, "number": object_id}
    if re.fullmatch(r"[A-Z]{2,}-[\w-]+", text):  # a code people quote as it is (PA-…, GB-…)
        return f"{name} {text}"
    return f"{name} «{text}»"


def matching(words: str) -> list[str]:
    """Recorded action names whose words (in the active language) contain `words`: the
    screen's filter reads what the screen shows."""
    from congdong.audit.models import Action

    wanted = words.casefold().strip()
    if not wanted:
        return []
    found = [name for name, label in WEB.items() if wanted in str(label).casefold()]
    found += [
        f"api:{route}" for (_m, route), label in API.items() if wanted in str(label).casefold()
    ]
    found += [value for value, label in Action.choices if wanted in str(label).casefold()]
    return sorted(set(found))
