"""Every route that carries an object id files its audit row under that object and its unit.

The whole URL map is walked — web routes, the API's write operations (from its OpenAPI schema)
and the admin's — with ids of a world in which every kind of object has the same number, each
in a unit of its own: a row that named the wrong kind (a news post for a board post, a takedown
request for a personal data request) or the wrong unit would show. A staff persona who may act
sends each write; the row must name the object's kind, number and unit. Objects of no unit
(personal data requests, consents, handbook pages) are filed under the actor's own top unit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern
from django.utils import timezone

from congdong.accounts.models import Membership, Organisation, User
from congdong.accounts.roles import Role
from congdong.accounts.tokens import do_issue_token
from congdong.api import api
from congdong.audit.models import Action, AuditEntry
from congdong.breaches.models import Breach
from congdong.campaigns.models import Campaign, CampaignTarget
from congdong.channels.models import ChannelLink, FakeReport
from congdong.engagement.models import Comment
from congdong.feedback.models import Category as FeedbackCategory
from congdong.feedback.models import Feedback, FeedbackAttachment
from congdong.handbook.models import BoardPost, HandbookPage
from congdong.insights.models import Export
from congdong.listening.models import ChannelMessage
from congdong.moderation.models import Appeal, Case
from congdong.pages.models import Page, PageOperator
from congdong.posts.models import Category, Post, PostAttachment, PostImage, PostRevision
from congdong.privacy.models import ConsentRecord, DataRequest
from congdong.syndication.models import Delivery
from congdong.takedown.models import TakedownRequest
from congdong.units.models import Level, Unit
from tests.conftest import client_for, unit_2025
from tests.engagement.conftest import citizen

pytestmark = pytest.mark.django_db
SAME = 900_001  # every object's number: a row naming the wrong kind names another unit too
HANDBOOK_SLUG = "so-tay-kiem-thu"
PAGE_SLUG = "trang-kiem-thu"
WRITES = ("post", "put", "patch", "delete")


# ---------------------------------------------------------------- the URL map


@dataclass(frozen=True)
class Route:
    route: str  # as in the URL map, e.g. "lam-viec/trao-doi/<int:post_id>/tra-loi/"
    method: str
    kwargs: tuple[str, ...]

    @property
    def group(self) -> str:
        parts = self.route.split("/")
        return "/".join(parts[: {"api": 3, "admin": 2, "lam-viec": 2}.get(parts[0], 1)])

    def __str__(self) -> str:
        return f"{self.method} {self.route}"


# Words, part of another, or a signed token (the digest address's confirmation: no object).
NOT_OBJECTS = {"code", "version", "kind", "number", "media_id", "token"}


def _web_routes() -> list[Route]:
    found: list[Route] = []

    def walk(resolver: URLResolver, prefix: str) -> None:
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                if str(entry.pattern) != "api/v1/":  # the API is read from its schema
                    walk(entry, prefix + str(entry.pattern))
            elif isinstance(entry, URLPattern) and isinstance(entry.pattern, RoutePattern):
                route = prefix + str(entry.pattern)
                names = tuple(re.findall(r"<(?:\w+:)?(\w+)>", route))
                if set(names) - NOT_OBJECTS and entry.name != "language":
                    found.append(Route(route, "POST", names))

    walk(get_resolver(), "")
    return found


def _api_routes() -> list[Route]:
    found = []
    for path, operations in api.get_openapi_schema()["paths"].items():
        names = tuple(re.findall(r"{(\w+)}", path))
        for method in operations:
            if method in WRITES and set(names) - NOT_OBJECTS:
                route = path.lstrip("/").replace("{", "<").replace("}", ">")
                found.append(Route(route, method.upper(), names))
    return found


ROUTES = _web_routes() + _api_routes()
GROUPS = sorted({r.group for r in ROUTES})


def test_the_walk_covers_the_whole_map():
    """Sanity of the walk itself: the routes of the report are in it."""
    listed = {str(r) for r in ROUTES}
    assert "POST api/v1/board/posts/<post_id>/decision" in listed
    assert "POST lam-viec/trao-doi/<int:post_id>/quyet-dinh/" in listed
    assert "POST admin/posts/post/<path:object_id>/change/" in listed
    assert len(ROUTES) > 150


# ---------------------------------------------------------------- the world


@dataclass
class World:
    objects: dict[str, Any]  # kind → object (all numbered SAME, but the unit)
    units: dict[str, Unit | None]  # kind → the unit its rows belong to (None: the actor's)
    staff: User


def _choice(model: type, field: str) -> str:
    return model._meta.get_field(field).choices[0][0]


@pytest.fixture
def world(personas, regulation) -> World:
    now = timezone.now()
    communes = list(
        Unit.objects.filter(structure__code="2025", level=Level.COMMUNE)
        .exclude(page__isnull=False)
        .order_by("path")[:13]
    )
    u = {n: unit for n, unit in enumerate(communes)}
    front = Organisation.objects.get(code=Organisation.Code.FRONT)
    an = citizen("+84912000051", "Nguyễn Văn An")
    staff = personas["tw.quantri"]
    helper = User.objects.create(username="kiemthu.canbo", full_name="Cán bộ kiểm thử")

    def page(n: int, pk: int, slug: str) -> Page:
        return Page.objects.create(pk=pk, unit=u[n], name=f"Trang {u[n].name}", slug=slug)

    main = page(0, SAME, PAGE_SLUG)
    other = page(1, SAME + 1, "trang-kiem-thu-2")
    category = Category.objects.order_by("pk").first()
    post = Post.objects.create(
        pk=SAME, page=main, author=staff, category=category, title="Tin kiểm thử"
    )
    commented = Post.objects.create(
        pk=SAME + 1, page=other, author=staff, category=category, title="Tin có bình luận"
    )
    case = Case.objects.create(
        pk=SAME, item_key=f"post:{SAME}", unit=u[4], author=an, opened_at=now
    )
    feedback = Feedback.objects.create(
        pk=SAME,
        code="PA-KIEMTHU",
        citizen=an,
        unit=u[5],
        category=FeedbackCategory.objects.order_by("pk").first(),
        text="Đường liên thôn bị sụt lún.",
        consent_at=now,
        consent_version="2026-01",
        accept_due=now,
        answer_due=now,
        created_at=now,
        updated_at=now,
    )
    campaign = Campaign.objects.create(
        pk=SAME, source_post=post, unit=u[6], mode=_choice(Campaign, "mode"), created_by=staff
    )
    objects: dict[str, Any] = {
        "page": main,
        "post": post,
        "revision": PostRevision.objects.create(
            pk=SAME, post=post, title="Sửa tin", category=category, author=staff
        ),
        "comment": Comment.objects.create(
            pk=SAME, post=commented, author=an, body="Cảm ơn", created_at=now
        ),
        "board": BoardPost.objects.create(
            pk=SAME,
            unit=u[2],
            author=staff,
            kind=_choice(BoardPost, "kind"),
            title="Kinh nghiệm vận động",
            body="Nội dung",
            created_at=now,
            updated_at=now,
        ),
        "takedown": TakedownRequest.objects.create(
            pk=SAME,
            authority="Sở Thông tin",
            reference="123/STT",
            legal_basis="Nghị định 147/2024",
            target_kind=_choice(TakedownRequest, "target_kind"),
            target_id=SAME,
            target_snapshot="…",
            unit=u[3],
            received_at=now,
            due_at=now,
            alarm_central_at=now,
            recorded_by=staff,
            created_at=now,
        ),
        "data_request": DataRequest.objects.create(
            pk=SAME,
            citizen=an,
            kind=_choice(DataRequest, "kind"),
            how=_choice(DataRequest, "how"),
            received_at=now,
            due_at=now,
        ),
        "consent": ConsentRecord.objects.create(
            pk=SAME,
            user=an,
            purpose=_choice(ConsentRecord, "purpose"),
            policy_version="2026-11",
            given_at=now,
            how=_choice(ConsentRecord, "how"),
        ),
        "case": case,
        "appeal": Appeal.objects.create(
            pk=SAME, case=case, author=an, text="Xin xem lại", created_at=now
        ),
        "feedback": feedback,
        "attachment": FeedbackAttachment.objects.create(
            pk=SAME,
            feedback=feedback,
            kind=_choice(FeedbackAttachment, "kind"),
            file="feedback/kiemthu.pdf",
            original_name="don.pdf",
            size=10,
        ),
        "campaign": campaign,
        "campaign_target": CampaignTarget.objects.create(
            pk=SAME,
            campaign=campaign,
            page=page(7, SAME + 2, "trang-kiem-thu-3"),
            unit=u[7],
            level=_choice(CampaignTarget, "level"),
        ),
        "breach": Breach.objects.create(
            pk=SAME,
            unit=u[8],
            discovered_at=now,
            description="Lộ danh sách",
            data_categories="Họ tên",
            consequences="Ít",
            measures="Khóa",
            contact="Cán bộ",
            notice_due_at=now,
            recorded_by=staff,
            created_at=now,
        ),
        "export": Export.objects.create(
            pk=SAME,
            user=staff,
            kind="figures",
            unit=u[9],
            format=_choice(Export, "format"),
            file="",
        ),
        "membership": Membership.objects.create(
            pk=SAME, user=helper, organisation=front, unit=u[10], role=Role.EDITOR
        ),
        "operator": PageOperator.objects.create(
            pk=SAME, page=page(11, SAME + 3, "trang-kiem-thu-4"), user=helper, organisation=front
        ),
        "handbook_page": HandbookPage.objects.create(
            pk=SAME, slug=HANDBOOK_SLUG, title="Sổ tay kiểm thử", created_at=now, updated_at=now
        ),
        "unit": u[12],
        # The main page's Facebook Page, a fake-page report, a comment heard there, a delivery.
        "channel_link": ChannelLink.objects.create(
            pk=SAME,
            page=main,
            kind=_choice(ChannelLink, "kind"),
            external_id="100900001",
            url="https://www.facebook.com/kiemthu",
            name="Trang Facebook kiểm thử",
            linked_at=now,
        ),
        "fake_report": FakeReport.objects.create(
            pk=SAME, page=main, url="https://www.facebook.com/gia-mao", created_at=now
        ),
        # A picture and a document of the news post (served by the posts app's file views).
        "image": PostImage.objects.create(pk=SAME, post=post, file="posts/images/a.jpg"),
        "document": PostAttachment.objects.create(
            pk=SAME, post=post, file="posts/files/a.pdf", original_name="a.pdf", size=1
        ),
    }
    objects["channel_message"] = ChannelMessage.objects.create(
        pk=SAME,
        page=main,
        link=objects["channel_link"],
        platform=_choice(ChannelMessage, "platform"),
        kind=_choice(ChannelMessage, "kind"),
        external_id="c1",
        author_id="u1",
        text="Xin hỏi",
        sent_at=now,
        received_at=now,
    )
    objects["delivery"] = Delivery.objects.create(
        pk=SAME,
        post=post,
        link=objects["channel_link"],
        kind=objects["channel_link"].kind,
        not_before=now,
        created_at=now,
    )
    units = {
        "channel_link": u[0],
        "fake_report": u[0],
        "channel_message": u[0],
        "delivery": u[0],
        "page": u[0],
        "post": u[0],
        "revision": u[0],
        "comment": u[1],
        "board": u[2],
        "takedown": u[3],
        "case": u[4],
        "appeal": u[4],
        "feedback": u[5],
        "attachment": u[5],
        "campaign": u[6],
        "campaign_target": u[7],
        "breach": u[8],
        "export": u[9],
        "membership": u[10],
        "operator": u[11],
        "unit": u[12],
        "image": u[0],
        "document": u[0],
        "data_request": None,
        "consent": None,
        "handbook_page": None,
    }
    return World(objects, units, staff)


# ---------------------------------------------------------------- what each route acts on

HANDBOOK = re.compile(r"^(lam-viec/trao-doi/|lam-viec/so-tay/|api/v1/board/|api/v1/handbook/)")
PRIVACY = re.compile(r"^(lam-viec/du-lieu-ca-nhan/|cong-dan/du-lieu-ca-nhan/|api/v1/privacy/)")
# Keywords in the order a route with two of them is read: the most specific object.
BY_KEYWORD = (
    ("link_id", "channel_link"),
    ("report_id", "fake_report"),
    ("message_id", "channel_message"),
    ("delivery_id", "delivery"),
    ("operator_id", "operator"),
    ("comment_id", "comment"),
    ("revision_id", "revision"),
    ("membership_id", "membership"),
    ("appeal_id", "appeal"),
    ("case_id", "case"),
    ("target_id", "campaign_target"),
    ("campaign_id", "campaign"),
    ("request_id", "takedown"),
    ("consent_id", "consent"),
    ("breach_id", "breach"),
    ("attachment_id", "attachment"),
    ("image_id", "image"),
    ("document_id", "document"),
    ("feedback_id", "feedback"),
    ("export_id", "export"),
    ("post_id", "post"),
    ("page_id", "page"),
    ("slug", "page"),
    ("unit_id", "unit"),
)


def expected_kind(route: Route) -> str | None:
    """The world's object a route acts on, from the route alone (written independently of
    congdong.audit.targets, which must agree)."""
    if route.route.startswith("admin/"):
        return None  # by model, below
    handbook, privacy = HANDBOOK.match(route.route), PRIVACY.match(route.route)
    for keyword, kind in BY_KEYWORD:
        if keyword not in route.kwargs:
            continue
        if handbook and keyword == "post_id":
            return "board"
        if handbook and keyword == "slug":
            return "handbook_page"
        if privacy and keyword == "request_id":
            return "data_request"
        return kind
    raise AssertionError(f"{route}: which object does it act on? Add it to this test.")


ADMIN_MODELS = {
    "posts.post": "post",
    "pages.page": "page",
    "campaigns.campaign": "campaign",
    "campaigns.campaigntarget": "campaign_target",
    "handbook.boardpost": "board",
    "handbook.handbookpage": "handbook_page",
    "moderation.case": "case",
    "moderation.appeal": "appeal",
    "takedown.takedownrequest": "takedown",
    "accounts.membership": "membership",
    "channels.channellink": "channel_link",
    "channels.fakereport": "fake_report",
    "listening.channelmessage": "channel_message",
    "syndication.delivery": "delivery",
}


def address(route: Route, world: World) -> str:
    values = {
        "content_type_id": ContentType.objects.get_for_model(Post).pk,
        "unit_id": world.objects["unit"].pk,
        "slug": HANDBOOK_SLUG if HANDBOOK.match(route.route) else PAGE_SLUG,
        "kind": "image",
        "code": "vi",
        "version": "2026-11",
    }
    path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values.get(m.group(1), SAME)), route.route)
    return "/" + path


def audited(world: World, route: Route) -> AuditEntry | None:
    """The row the request leaves; everything it did is undone after (a savepoint)."""
    # The same persona in the admin: it answers before building its forms (which list every
    # unit of both trees), and the row is read before any view runs, whatever it answers.
    actor = world.staff
    client = client_for(actor)
    client.raise_request_exception = False  # a refusal or an error is still a row
    headers = {}
    if route.route.startswith("api/"):
        # Routes of the API take the session, a bearer key or either: both are sent.
        headers["HTTP_AUTHORIZATION"] = f"Bearer {do_issue_token(actor).key}"
    savepoint = transaction.savepoint()
    try:
        client.generic(route.method, address(route, world), b"{}", "application/json", **headers)
        return AuditEntry.objects.exclude(action=Action.LOGIN).order_by("-pk").first()
    finally:
        transaction.savepoint_rollback(savepoint)


@pytest.mark.parametrize("group", GROUPS)
def test_every_route_files_its_row_under_its_own_object_and_unit(world, group):
    home = unit_2025("TW")  # the staff persona's top unit: where rows of no unit go
    wrong = []
    for route in (r for r in ROUTES if r.group == group):
        row = audited(world, route)
        if route.route.startswith("admin/r/"):  # "view on site" of a news post
            kind, expected_type = "post", "post"
        elif route.route.startswith("admin/"):
            label = ".".join(route.route.split("/")[1:3])
            kind = ADMIN_MODELS.get(label)
            expected_type = label.split(".")[1]
        else:
            kind = expected_kind(route)
            expected_type = world.objects[kind]._meta.model_name
        obj = world.objects.get(kind) if kind else None
        unit = world.units.get(kind) if kind else None
        expected_id = str(obj.pk) if obj is not None else str(SAME)
        expected_path = unit.path if unit is not None else home.path
        got = (row.object_type, row.object_id, row.unit_path) if row is not None else "no row"
        if got != (expected_type, expected_id, expected_path):
            wrong.append(f"{route}: {got} != {(expected_type, expected_id, expected_path)}")
    assert wrong == []


def test_a_board_decision_through_the_api_is_filed_in_the_board_posts_unit_not_the_news_posts(
    world,
):
    """The case the outside test found, end to end: the actor's name and address go to the
    log of the board post's unit, not to that of a news post with the same number."""
    row = audited(world, Route("api/v1/board/posts/<post_id>/decision", "POST", ("post_id",)))
    assert row is not None and row.actor == world.staff
    assert (row.object_type, row.unit_path) == ("boardpost", world.units["board"].path)
    assert row.unit_path != world.units["post"].path
