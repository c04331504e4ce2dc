"""The kinds of object the matrix asks about, and every request that reads or writes one.

A kind says where its objects are placed (units of the bench's tree, see world.py), how one is
made (through the apps' own actions, as the tests make them), and its requests: the staff web
screens and the /api/v1/ operations, each with the rule of the oracle that says who may. A new
app adds its kind in a few lines at the end of `KINDS`:

    Kind("breach", at=("A", "A1"), make=_breach, model="breaches.Breach", acts=(
        Act("web detail", "GET", "/lam-viec/su-co-du-lieu/{pk}/", perm(PROTECT_DATA)),
        Act("api notified", "POST", "/api/v1/breaches/{pk}/notified", perm(PROTECT_DATA),
            data={"reference": "…"}, api=True),
    ))

A read succeeds when it answers 2xx with the object's marker in the page (or just 2xx when
the object has no secret text: a unit's figures); a list when the marker is in it; a write
when it changed the database (see matrix.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from congdong_tools.bench.authz.oracle import (
    APPROVE_POSTS,
    EDIT_POSTS,
    HANDLE_FEEDBACK,
    MANAGE_MEMBERS,
    MANAGE_PAGE,
    MODERATE,
    PROTECT_DATA,
    VIEW_AUDIT,
    VIEW_INSIGHTS,
    VIEW_UNIT,
    Rule,
    Thing,
    both,
    either,
    has_units_below,
    not_owner,
    operates,
    owner,
    perm,
    perm_above,
    perm_central,
    reaches,
    role_on_or_above,
    role_strictly_above,
    staff,
    tasked,
)
from congdong_tools.bench.authz.world import World

REASON = "Lý do kiểm thử phân quyền của hệ thống"


@dataclass(frozen=True)
class Act:
    """One request about an object: `path` is formatted with the object's `pk` and `ids`."""

    name: str
    method: str
    path: str
    rule: Rule
    data: dict[str, Any] | Callable[[Thing], dict[str, Any]] | None = None
    api: bool = False  # a JSON body (and a JSON answer)
    lists: bool = False  # a list: the object counts as shown when its marker is in it
    marked: bool = True  # the answer shows the object's marker (some answers show only figures)
    # What shows the object in this answer when its marker does not (a list of codes and links).
    seen: Callable[[Thing], str] | None = None

    @property
    def writes(self) -> bool:
        return self.method != "GET"

    def url(self, thing: Thing) -> str:
        return self.path.format(pk=thing.pk, **thing.ids)

    def shows(self, thing: Thing) -> str | None:
        """The text whose presence in the answer means the object was shown."""
        if self.seen is not None:
            return self.seen(thing)
        return thing.marker if self.marked else None

    def body(self, thing: Thing) -> dict[str, Any]:
        if callable(self.data):
            return self.data(thing)
        return dict(self.data or {})


@dataclass(frozen=True)
class Kind:
    name: str
    at: tuple[str, ...]  # unit names of world.py where one object is made
    make: Callable[[World, str], Thing]
    model: str  # "app_label.Model" of the object's row (its columns are compared on writes)
    acts: tuple[Act, ...]


ABOVE = {"C": "C", "A": "C", "B": "C", "A1": "A", "A2": "A", "B1": "B", "B2": "B"}


def _thing(world: World, kind: str, name: str, pk: int, **extra: Any) -> Thing:
    places = world.places
    return Thing(
        kind=kind,
        place=places[name],
        pk=pk,
        above=places[ABOVE[name]],
        central=places["C"],
        **extra,
    )


# --- units, their members, their pages ------------------------------------------------------


def _unit(world: World, name: str) -> Thing:
    return _thing(world, "unit", name, world.units[name].pk, ids={"page": world.pages[name].pk})


def _membership(world: World, name: str) -> Thing:
    from congdong.accounts.actions.roles import Grant, do_grant
    from congdong.accounts.models import AccountKind, Organisation, User

    user = User.objects.create(username=f"az.member.{name}", kind=AccountKind.STAFF)
    front = Organisation.objects.get(code=Organisation.Code.FRONT)
    membership = do_grant(
        None, Grant(unit=world.units[name], user=user, organisation=front, role="editor")
    )
    return _thing(world, "membership", name, membership.pk)


def _page(world: World, name: str) -> Thing:
    page = world.pages[name]
    return _thing(world, "page", name, page.pk, ids={"page": page.pk, "name": page.name})


def _new_staff(thing: Thing) -> dict[str, Any]:
    return {
        "unit_id": thing.pk,
        "username": f"az.new.{thing.place.name.lower()}",
        "full_name": "Nguyễn Văn Mới",
        "password": "Mat-khau-moi-2025-rat-dai",
        "role": "editor",
        "organisation": "mttq",
    }


UNIT_ACTS = (
    Act("web workspace", "GET", "/lam-viec/don-vi/{pk}/", perm(VIEW_UNIT)),
    Act("web search", "GET", "/lam-viec/don-vi/{pk}/tim/?q=a", perm(VIEW_UNIT)),
    Act(
        "web grant",
        "POST",
        "/lam-viec/don-vi/{pk}/cap-quyen/",
        perm(MANAGE_MEMBERS),
        data={"username": "az.grantee", "role": "editor", "organisation": "mttq"},
    ),
    Act(
        "api grant",
        "POST",
        "/api/v1/memberships",
        perm(MANAGE_MEMBERS),
        data=lambda t: {"unit_id": t.pk, "username": "az.grantee", "role": "analyst"},
        api=True,
    ),
    Act("api new staff", "POST", "/api/v1/staff", perm(MANAGE_MEMBERS), data=_new_staff, api=True),
    Act("web dashboard", "GET", "/lam-viec/thong-ke/{pk}/", perm(VIEW_INSIGHTS)),
    Act("web coverage", "GET", "/lam-viec/thong-ke/{pk}/do-phu/", perm(VIEW_INSIGHTS)),
    Act("web situation", "GET", "/lam-viec/tinh-hinh-nhan-dan/{pk}/", perm(VIEW_INSIGHTS)),
    Act("api figures", "GET", "/api/v1/insights/units/{pk}/figures", perm(VIEW_INSIGHTS)),
    Act("api coverage", "GET", "/api/v1/insights/units/{pk}/coverage", perm(VIEW_INSIGHTS)),
    Act("api pages", "GET", "/api/v1/insights/units/{pk}/pages", perm(VIEW_INSIGHTS)),
    Act("api situation", "GET", "/api/v1/feedback/situation/{pk}", perm(VIEW_INSIGHTS)),
    Act(
        "api situation keywords",
        "GET",
        "/api/v1/feedback/situation/{pk}/keywords",
        perm(VIEW_INSIGHTS),
    ),
    Act(
        "api record breach",
        "POST",
        "/api/v1/breaches",
        perm(PROTECT_DATA),
        data=lambda t: {
            "unit_id": t.pk,
            "description": "Lộ danh sách người gửi phản ánh",
            "data_categories": "Họ tên, số điện thoại",
            "consequences": "Người gửi có thể bị làm phiền.",
            "measures": "Thu hồi đường dẫn.",
            "contact": "Cán bộ bảo vệ dữ liệu, 0222 3822 000",
        },
        api=True,
    ),
    Act(
        "web export start",
        "POST",
        "/lam-viec/thong-ke/xuat/",
        perm(VIEW_INSIGHTS),
        data=lambda t: {"kind": "dashboard", "unit": t.pk, "format": "csv"},
    ),
)

MEMBERSHIP_ACTS = (
    Act("web revoke", "POST", "/lam-viec/vai-tro/{pk}/thu-hoi/", perm(MANAGE_MEMBERS)),
    Act("api revoke", "DELETE", "/api/v1/memberships/{pk}", perm(MANAGE_MEMBERS), api=True),
)


def _profile(thing: Thing) -> dict[str, Any]:
    return {
        "name": thing.ids["name"],  # the official name, as the regulation wants it
        "description": "Trang thông tin của Ủy ban Mặt trận Tổ quốc (đã sửa).",
        "contact_email": "",
        "contact_phone": "",
        "address": "",
    }


PAGE_ACTS = (
    Act("web settings", "GET", "/lam-viec/trang/{pk}/", perm(MANAGE_PAGE)),
    Act("web preview", "GET", "/lam-viec/trang/{pk}/xem-truoc/", perm(MANAGE_PAGE)),
    Act(
        "web settings save",
        "POST",
        "/lam-viec/trang/{pk}/",
        perm(MANAGE_PAGE),
        data=lambda t: _profile(t) | {"comment_policy": "open"},
    ),
    Act("api profile", "PUT", "/api/v1/pages/{pk}/profile", perm(MANAGE_PAGE), _profile, True),
    Act(
        "api suspend",
        "POST",
        "/api/v1/pages/{pk}/status",
        perm(MANAGE_PAGE),
        data={"status": "suspended", "reason": REASON},
        api=True,
    ),
    Act(
        "web add co-admin",
        "POST",
        "/lam-viec/trang/{pk}/dong-quan-tri/",
        perm(MANAGE_PAGE),
        data={"op-username": "az.youth2", "op-organisation": "doan"},
    ),
    Act(
        "api add co-admin",
        "POST",
        "/api/v1/pages/{pk}/operators",
        perm(MANAGE_PAGE),
        data={"username": "az.youth2", "organisation": "doan"},
        api=True,
    ),
    Act(
        "api new draft",
        "POST",
        "/api/v1/posts",
        operates,
        data=lambda t: {
            "page_id": t.pk,
            "category": "hoat-dong-mat-tran",
            "title": "Tin mới của bench phân quyền",
            "body": "<p>Nội dung tin bài mới.</p>",
        },
        api=True,
    ),
)


# --- posts ------------------------------------------------------------------------------------

POST_FIELDS = {
    "category": "hoat-dong-mat-tran",
    "body": "<p>Sáng Chủ nhật, Ban công tác Mặt trận các khu dân cư đã ra quân.</p>",
    "source_url": "",
    "tags": "khu dân cư",
}


def _draft(world: World, name: str, category: str = "hoat-dong-mat-tran", title: str = ""):
    from congdong.posts import actions

    page = world.pages[name]
    fields = POST_FIELDS | {"category": category, "title": title or "Ra quân làm sạch môi trường"}
    return actions.create_draft(world.author(name), page.pk, fields)


def _post_thing(world: World, kind: str, name: str, post, marker: str | None) -> Thing:
    page = world.pages[name]
    return _thing(
        world,
        kind,
        name,
        post.pk,
        marker=marker,
        owner=post.author_id,
        ids={"page": page.pk, "slug": page.slug},
    )


def _draft_post(world: World, name: str) -> Thing:
    marker = world.marker("draft")
    return _post_thing(
        world, "draft", name, _draft(world, name, title=f"Bản nháp {marker}"), marker
    )


def _submitted(category: str) -> Callable[[World, str], Thing]:
    def make(world: World, name: str) -> Thing:
        from congdong.posts import actions

        marker = world.marker("submitted")
        post = _draft(world, name, category, title=f"Tin chờ duyệt {marker}")
        actions.submit(world.author(name), post.pk)
        return _post_thing(world, f"submitted-{category}", name, post, marker)

    return make


def _approved_post(world: World, name: str) -> Thing:
    from congdong.posts import actions

    marker = world.marker("approved")
    post = _draft(world, name, title=f"Tin đã duyệt {marker}")
    actions.submit(world.author(name), post.pk)
    actions.approve(world.setup, post.pk)
    return _post_thing(world, "approved", name, post, marker)


def _publish(world: World, name: str, category: str = "hoat-dong-mat-tran", title: str = ""):
    from congdong.posts import actions

    post = _draft(world, name, category, title=title)
    actions.submit(world.author(name), post.pk)
    actions.approve(world.setup, post.pk)
    return actions.publish_or_schedule(world.setup, post.pk)


def _published_post(world: World, name: str) -> Thing:
    # Published text is public: no marker, a read succeeds on 2xx.
    return _post_thing(world, "published", name, _publish(world, name), None)


def _revision(world: World, name: str) -> Thing:
    from congdong.posts import actions

    marker = world.marker("revision")
    post = _publish(world, name, "dai-doan-ket", "Ngày hội Đại đoàn kết toàn dân tộc")
    fields = POST_FIELDS | {"category": "dai-doan-ket", "title": f"Sửa đổi {marker}"}
    revision = actions.revise(world.author(name), post.pk, fields)
    thing = _post_thing(world, "revision", name, post, marker)
    thing.pk = revision.pk
    thing.ids["post"] = post.pk
    return thing


def read_post(thing_approver: Rule) -> Rule:
    return either(operates, thing_approver)


EDIT = POST_FIELDS | {"title": "Tiêu đề đã sửa bởi bench"}
DRAFT_ACTS = (
    Act("web detail", "GET", "/lam-viec/tin-bai/{pk}/", read_post(perm(APPROVE_POSTS))),
    Act("web edit", "POST", "/lam-viec/tin-bai/{pk}/", operates, data=EDIT),
    Act("api edit", "PUT", "/api/v1/posts/{pk}", operates, data=EDIT, api=True),
    Act("api history", "GET", "/api/v1/posts/{pk}/history", operates, marked=False),
    Act(
        "api submit",
        "POST",
        "/api/v1/posts/{pk}/transitions",
        operates,
        data={"to": "submitted"},
        api=True,
    ),
)


def _approve_acts(approves: Rule) -> tuple[Act, ...]:
    return (
        Act("web queue", "GET", "/lam-viec/duyet-tin/", not_owner(approves), lists=True),
        # The desk shows what waits for approval to everyone who runs the page.
        Act("web desk", "GET", "/lam-viec/tin-bai/", operates, lists=True),
        Act("web detail", "GET", "/lam-viec/tin-bai/{pk}/", read_post(approves)),
        Act("web approve", "POST", "/lam-viec/duyet-tin/{pk}/duyet/", not_owner(approves)),
        Act(
            "web reject",
            "POST",
            "/lam-viec/duyet-tin/{pk}/tra-lai/",
            not_owner(approves),
            data={"reason": REASON},
        ),
        Act(
            "api approve",
            "POST",
            "/api/v1/posts/{pk}/transitions",
            not_owner(approves),
            data={"to": "approved"},
            api=True,
        ),
    )


APPROVED_ACTS = (
    Act("web publish", "POST", "/lam-viec/tin-bai/{pk}/dang/", operates, data={"publish_at": ""}),
    Act(
        "api publish",
        "POST",
        "/api/v1/posts/{pk}/transitions",
        operates,
        data={"to": "published"},
        api=True,
    ),
)
PUBLISHED_ACTS = (
    Act("web detail", "GET", "/lam-viec/tin-bai/{pk}/", read_post(perm(APPROVE_POSTS))),
    # Publishing down: by editors of the post's unit, which must have units below it.
    Act(
        "api new campaign",
        "POST",
        "/api/v1/campaigns",
        both(perm(EDIT_POSTS), has_units_below),
        data=lambda t: {"post_id": t.pk, "mode": "publish"},
        api=True,
    ),
    Act(
        "web hide",
        "POST",
        "/lam-viec/tin-bai/{pk}/chuyen/",
        operates,
        data={"to": "hidden", "reason": REASON},
    ),
    Act(
        "web revise",
        "POST",
        "/lam-viec/tin-bai/{pk}/sua-doi/",
        operates,
        data={
            f"revise-{k}": v for k, v in (POST_FIELDS | {"title": "Tin sửa sau khi đăng"}).items()
        },
    ),
    Act(
        "api hide",
        "POST",
        "/api/v1/posts/{pk}/transitions",
        operates,
        data={"to": "hidden", "reason": REASON},
        api=True,
    ),
)
REVISION_ACTS = (
    Act(
        "web approve revision",
        "POST",
        "/lam-viec/duyet-tin/sua-doi/{pk}/duyet/",
        not_owner(perm(APPROVE_POSTS)),
    ),
    Act(
        "web reject revision",
        "POST",
        "/lam-viec/duyet-tin/sua-doi/{pk}/tra-lai/",
        not_owner(perm(APPROVE_POSTS)),
        data={"reason": REASON},
    ),
)


# --- citizens' comments and feedback ----------------------------------------------------------


def _comment(world: World, name: str) -> Thing:
    from congdong.engagement.actions import comments

    post = _publish(world, name, title="Tin có bình luận")
    author = world.users["az.citizen.owner"]
    comment = comments.comment(author, post.pk, "Bình luận của công dân về tin này")
    page = world.pages[name]
    return _thing(world, "comment", name, comment.pk, owner=author.pk, ids={"page": page.pk})


COMMENT_ACTS = (
    Act("web hide", "POST", "/binh-luan/{pk}/an/", operates, data={"reason": REASON}),
    Act("web edit", "POST", "/binh-luan/{pk}/sua/", owner, data={"body": "Bình luận đã sửa lại"}),
    Act("api edit", "PATCH", "/api/v1/comments/{pk}", owner, {"body": "Bình luận sửa"}, True),
    Act("api delete", "DELETE", "/api/v1/comments/{pk}", owner, api=True),
    # An authority's request about this comment is recorded by those who handle its unit's.
    Act(
        "api takedown intake",
        "POST",
        "/api/v1/takedown/requests",
        either(perm(MODERATE), perm(MANAGE_PAGE)),
        data=lambda t: {
            "authority": "Sở Văn hóa, Thể thao và Du lịch",
            "reference": "45/SVHTTDL",
            "legal_basis": "Nghị định 147/2024/NĐ-CP, Điều 23",
            "target_kind": "comment",
            "target_id": t.pk,
        },
        api=True,
    ),
)


def _feedback(world: World, name: str) -> Thing:
    from congdong.feedback import actions
    from congdong.feedback.models import Category

    marker = world.marker("feedback")
    sender = world.users["az.citizen.owner"]
    item = actions.submit(
        sender,
        world.units[name].pk,
        Category.objects.filter(active=True).order_by("pk").first().pk,
        f"Đường liên thôn bị sụt lún sau mưa lớn, rất nguy hiểm {marker}.",
        public=False,
        consent=True,
        files=[_picture()],
    )
    attachment = item.attachments.get()
    return _thing(
        world,
        "feedback",
        name,
        item.pk,
        marker=marker,
        owner=sender.pk,
        ids={"attachment": attachment.pk},
    )


def _picture():
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (64, 48), (166, 27, 27)).save(out, "PNG")
    return SimpleUploadedFile("anh.png", out.getvalue(), content_type="image/png")


HANDLES = perm(HANDLE_FEEDBACK)
FEEDBACK_ACTS = (
    Act(
        "web queue",
        "GET",
        "/lam-viec/phan-anh/",
        HANDLES,
        lists=True,
        seen=lambda t: f'href="/lam-viec/phan-anh/{t.pk}/"',
    ),
    Act("web handle", "GET", "/lam-viec/phan-anh/{pk}/", HANDLES),
    Act("web citizen view", "GET", "/phan-anh/{pk}/", either(owner, HANDLES)),
    Act("web accept", "POST", "/lam-viec/phan-anh/{pk}/tiep-nhan/", HANDLES),
    Act("api queue", "GET", "/api/v1/feedback/to-handle", HANDLES, lists=True),
    Act("api handle", "GET", "/api/v1/feedback/to-handle/{pk}", HANDLES),
    Act("api accept", "POST", "/api/v1/feedback/to-handle/{pk}/accept", HANDLES, api=True),
    Act(
        "api reject",
        "POST",
        "/api/v1/feedback/to-handle/{pk}/reject",
        HANDLES,
        data={"reason_kind": "duplicate", "reason": REASON},
        api=True,
    ),
    # The citizen's photo: personal data, served only through the access check.
    Act(
        "web attachment", "GET", "/phan-anh/tep/{attachment}/", either(owner, HANDLES), marked=False
    ),
    Act(
        "api attachment",
        "GET",
        "/api/v1/feedback/attachments/{attachment}",
        either(owner, HANDLES),
        marked=False,
    ),
    Act("api mine", "GET", "/api/v1/me/feedback/{pk}", owner),
    Act("api my list", "GET", "/api/v1/me/feedback", owner, lists=True),
)


# --- campaigns --------------------------------------------------------------------------------


def _campaign(world: World, name: str, launched: bool, kind: str) -> Thing:
    import datetime

    from django.utils import timezone

    from congdong.campaigns import actions

    marker = world.marker(kind)
    post = _publish(world, name, title=f"Chiến dịch {marker}")
    deadline = timezone.now() + datetime.timedelta(days=7)
    campaign = actions.create(world.setup, post.pk, "reshare_task", deadline=deadline)
    if launched:
        actions.launch(world.setup, campaign.pk)
    return _thing(world, kind, name, campaign.pk, marker=marker)


def _campaign_draft(world: World, name: str) -> Thing:
    return _campaign(world, name, False, "campaign-draft")


def _campaign_launched(world: World, name: str) -> Thing:
    return _campaign(world, name, True, "campaign")


def _task(world: World, name: str) -> Thing:
    """The reshare task a central campaign gave the page of `name`."""
    from congdong.campaigns.models import CampaignTarget

    campaign = _campaign(world, "C", True, "task")
    target = CampaignTarget.objects.get(campaign_id=campaign.pk, page=world.pages[name])
    return _thing(world, "task", name, target.pk, ids={"page": world.pages[name].pk})


CAMPAIGN_DRAFT_ACTS = (
    # A draft is the source unit's own work: invisible below it until launched (no upward read).
    Act("web detail", "GET", "/lam-viec/chien-dich/{pk}/", role_on_or_above),
    Act("api detail", "GET", "/api/v1/campaigns/{pk}", role_on_or_above, marked=False),
    Act("web launch", "POST", "/lam-viec/chien-dich/{pk}/phat-dong/", perm(APPROVE_POSTS)),
    Act("api launch", "POST", "/api/v1/campaigns/{pk}/launch", perm(APPROVE_POSTS), api=True),
)
CAMPAIGN_ACTS = (
    # The list also holds the reshare tasks of the pages one runs, co-admins' included.
    Act("web list", "GET", "/lam-viec/chien-dich/", either(reaches, tasked), lists=True),
    Act("web detail", "GET", "/lam-viec/chien-dich/{pk}/", reaches),
    # The compliance figures, without the post's text.
    Act("api detail", "GET", "/api/v1/campaigns/{pk}", reaches, marked=False),
    Act("web close", "POST", "/lam-viec/chien-dich/{pk}/ket-thuc/", perm(EDIT_POSTS)),
)
TASK_ACTS = (
    Act("web reshare", "POST", "/lam-viec/chien-dich/nhiem-vu/{pk}/chia-se/", operates),
    Act("api reshare", "POST", "/api/v1/campaign-tasks/{pk}/reshare", operates, api=True),
)


# --- moderation and takedown ------------------------------------------------------------------


def _reported_comment(world: World, name: str, marker: str):
    from congdong.engagement.actions import comments
    from congdong.moderation import actions

    post = _publish(world, name, title="Tin bị báo cáo bình luận")
    author = world.users["az.citizen.owner"]
    comment = comments.comment(author, post.pk, "Bình luận có lời lẽ xúc phạm người khác")
    report = actions.report(world.users["az.citizen.other"], "comment", comment.pk, "other", marker)
    return comment, report.case


def _case(world: World, name: str) -> Thing:
    marker = world.marker("case")
    _, case = _reported_comment(world, name, f"Báo cáo {marker}")
    return _thing(world, "case", name, case.pk, marker=marker)


def _appeal(world: World, name: str) -> Thing:
    from congdong.moderation import actions

    marker = world.marker("appeal")
    _, case = _reported_comment(world, name, "Báo cáo bình luận xúc phạm")
    actions.decide(world.setup, case.pk, "remove", "Lời lẽ xúc phạm người khác")
    appeal = actions.appeal(world.users["az.citizen.owner"], case.pk, f"Tôi khiếu nại {marker}")
    return _thing(world, "appeal", name, appeal.pk, marker=marker, ids={"case": case.pk})


MODERATES = perm(MODERATE)
CASE_ACTS = (
    Act("web queue", "GET", "/lam-viec/kiem-duyet/", MODERATES, lists=True),
    Act("api queue", "GET", "/api/v1/moderation/queue", MODERATES, lists=True),
    Act(
        "web decide",
        "POST",
        "/lam-viec/kiem-duyet/",
        MODERATES,
        data=lambda t: {"case": [t.pk], "decision": "keep", "reason": ""},
    ),
    Act(
        "api decide",
        "POST",
        "/api/v1/moderation/decisions",
        MODERATES,
        data=lambda t: {"case_ids": [t.pk], "decision": "keep", "reason": ""},
        api=True,
    ),
)
DECIDES_APPEAL = perm_above(MODERATE)
APPEAL_ACTS = (
    Act("web appeals", "GET", "/lam-viec/kiem-duyet/khang-nghi/", DECIDES_APPEAL, lists=True),
    Act("api appeals", "GET", "/api/v1/moderation/appeals", DECIDES_APPEAL, lists=True),
    Act(
        "web decide appeal",
        "POST",
        "/lam-viec/kiem-duyet/khang-nghi/{pk}/",
        DECIDES_APPEAL,
        data={"decision": "upheld", "reason": REASON},
    ),
    Act(
        "api decide appeal",
        "POST",
        "/api/v1/moderation/appeals/{pk}/decision",
        DECIDES_APPEAL,
        data={"decision": "upheld", "reason": REASON},
        api=True,
    ),
    Act("web my cases", "GET", "/cong-dan/vi-pham/", owner, lists=True),
)


def _takedown(world: World, name: str) -> Thing:
    from congdong.engagement.actions import comments
    from congdong.takedown import actions

    marker = world.marker("takedown")
    post = _publish(world, name, title="Tin có bình luận bị yêu cầu gỡ")
    comment = comments.comment(
        world.users["az.citizen.other"], post.pk, "Bình luận xuyên tạc về chính quyền"
    )
    item = actions.intake(
        world.setup,
        {
            "authority": f"Sở Văn hóa {marker}",
            "reference": "123/STTTT-TTĐT",
            "contact": "Phòng Thông tin điện tử, 0222 3822 000",
            "legal_basis": "Nghị định 147/2024/NĐ-CP, Điều 23",
            "target_kind": "comment",
            "target_id": comment.pk,
        },
    )
    return _thing(world, "takedown", name, item.pk, marker=marker)


TAKES_DOWN = either(perm(MODERATE), perm(MANAGE_PAGE))
TAKEDOWN_ACTS = (
    Act("web list", "GET", "/lam-viec/yeu-cau-go-bo/", TAKES_DOWN, lists=True),
    Act("web detail", "GET", "/lam-viec/yeu-cau-go-bo/{pk}/", TAKES_DOWN),
    Act("web act", "POST", "/lam-viec/yeu-cau-go-bo/{pk}/go-bo/", TAKES_DOWN, {"note": REASON}),
    Act(
        "web refuse",
        "POST",
        "/lam-viec/yeu-cau-go-bo/{pk}/tu-choi/",
        TAKES_DOWN,
        {"reason": REASON},
    ),
    Act("api list", "GET", "/api/v1/takedown/requests", TAKES_DOWN, lists=True),
    Act("api detail", "GET", "/api/v1/takedown/requests/{pk}", TAKES_DOWN),
    Act(
        "api act", "POST", "/api/v1/takedown/requests/{pk}/act", TAKES_DOWN, {"note": REASON}, True
    ),
    Act(
        "api refuse",
        "POST",
        "/api/v1/takedown/requests/{pk}/refuse",
        TAKES_DOWN,
        data={"reason": REASON},
        api=True,
    ),
)


# --- insights exports -------------------------------------------------------------------------


def _export(world: World, name: str) -> Thing:
    from congdong.insights.exports import jobs

    analyst = world.users[f"az.analyst.{name}"]
    export = jobs.request_export(analyst, "dashboard", world.units[name].pk, {}, "csv")
    jobs.run_export(export.pk)
    return _thing(world, "export", name, export.pk, owner=analyst.pk)


# Only its owner reads an export (the analyst who asked for it, who reads the unit's figures).
OWNS_EXPORT = owner
EXPORT_ACTS = (
    Act("web status", "GET", "/lam-viec/thong-ke/xuat/{pk}/", OWNS_EXPORT),
    Act("web download", "GET", "/lam-viec/thong-ke/xuat/{pk}/tai-ve/", OWNS_EXPORT),
)


# --- handbook and the experience board ---------------------------------------------------------


def _board_post(world: World, name: str) -> Thing:
    from congdong.handbook import actions

    marker = world.marker("board")
    post = actions.create_post(
        world.author(name),
        world.units[name].pk,
        "proposal",
        f"Đề xuất {marker}",
        "Đề nghị cấp trên hướng dẫn cách tổ chức ngày hội ở khu dân cư.",
    )
    return _thing(world, "board", name, post.pk, marker=marker)


ANSWERS = role_strictly_above
BOARD_ACTS = (
    Act("web board", "GET", "/lam-viec/trao-doi/", role_on_or_above, lists=True),
    Act("web post", "GET", "/lam-viec/trao-doi/{pk}/", role_on_or_above),
    Act("api post", "GET", "/api/v1/board/posts/{pk}", role_on_or_above),
    Act("api board", "GET", "/api/v1/board/posts", role_on_or_above, lists=True),
    Act(
        "web reply",
        "POST",
        "/lam-viec/trao-doi/{pk}/tra-loi/",
        ANSWERS,
        data={"body": "Cấp trên trả lời đề xuất."},
    ),
    Act(
        "api reply",
        "POST",
        "/api/v1/board/posts/{pk}/replies",
        ANSWERS,
        data={"body": "Cấp trên trả lời đề xuất."},
        api=True,
    ),
    Act(
        "api decide",
        "POST",
        "/api/v1/board/posts/{pk}/decision",
        ANSWERS,
        data={"decision": "accepted", "note": REASON},
        api=True,
    ),
)


def _publisher():
    """A second superuser, never an actor of the matrix: publishes what `world.setup` wrote."""
    from congdong.accounts.models import AccountKind, User

    user, _created = User.objects.get_or_create(
        username="az.publisher",
        defaults={"kind": AccountKind.STAFF, "is_superuser": True, "is_staff": True},
    )
    return user


def _handbook(world: World, name: str) -> Thing:
    from congdong.handbook import actions

    marker = world.marker("handbook")
    page = actions.create_page(
        world.setup, "bench-phan-quyen", "Sổ tay phân quyền", f"Nội dung sổ tay {marker}."
    )
    # A version is read once published, by someone other than its writer (four eyes).
    publisher = _publisher()
    actions.decide_version(publisher, page.slug, 1, "published")
    return _thing(world, "handbook", name, page.pk, marker=marker, ids={"slug": page.slug})


EDITS_HANDBOOK = perm_central(MANAGE_PAGE)
HANDBOOK_EDIT = {"title": "Sổ tay phân quyền", "body": "Nội dung đã sửa.", "note": "Sửa"}
HANDBOOK_ACTS = (
    Act("web page", "GET", "/lam-viec/so-tay/{slug}/", staff),
    Act("api page", "GET", "/api/v1/handbook/pages/{slug}", staff),
    Act("web edit", "POST", "/lam-viec/so-tay/{slug}/sua/", EDITS_HANDBOOK, data=HANDBOOK_EDIT),
    Act(
        "api edit",
        "POST",
        "/api/v1/handbook/pages/{slug}/revisions",
        EDITS_HANDBOOK,
        data=HANDBOOK_EDIT,
        api=True,
    ),
)


# --- the audit log, the breach register, citizens' data requests ---------------------------------


def _audit_entry(world: World, name: str) -> Thing:
    from congdong.audit.record import record
    from congdong.audit.targets import Found

    marker = world.marker("audit")
    unit = world.units[name]
    entry = record(
        action="bench-authz:approve",
        actor=world.author(name),
        target=Found("post", "1", f"Tin {marker}", unit.pk, unit.path, unit.name),
    )
    return _thing(world, "audit", name, entry.pk, marker=marker)


AUDIT_ACTS = (
    Act("web log", "GET", "/lam-viec/nhat-ky/?action=bench-authz", perm(VIEW_AUDIT), lists=True),
    Act("api log", "GET", "/api/v1/audit/entries?action=bench-authz", perm(VIEW_AUDIT), lists=True),
)


def _breach(world: World, name: str) -> Thing:
    from congdong.breaches import actions

    marker = world.marker("breach")
    item = actions.record(
        world.setup,
        {
            "unit_id": world.units[name].pk,
            "description": f"Lộ danh sách người gửi phản ánh {marker}",
            "data_categories": "Họ tên, số điện thoại",
            "subjects_count": 12,
            "consequences": "Người gửi phản ánh có thể bị làm phiền.",
            "measures": "Thu hồi đường dẫn, đổi mật khẩu.",
            "contact": "Cán bộ bảo vệ dữ liệu, 0222 3822 000",
        },
    )
    return _thing(world, "breach", name, item.pk, marker=marker)


PROTECTS = perm(PROTECT_DATA)
BREACH_ACTS = (
    Act("web list", "GET", "/lam-viec/su-co-du-lieu/", PROTECTS, lists=True),
    Act("web detail", "GET", "/lam-viec/su-co-du-lieu/{pk}/", PROTECTS),
    Act("web notice", "GET", "/lam-viec/su-co-du-lieu/{pk}/thong-bao/", PROTECTS),
    Act(
        "web notified",
        "POST",
        "/lam-viec/su-co-du-lieu/{pk}/da-thong-bao/",
        PROTECTS,
        data={"reference": "15/BC-MTTQ"},
    ),
    Act("api list", "GET", "/api/v1/breaches", PROTECTS, lists=True),
    Act("api detail", "GET", "/api/v1/breaches/{pk}", PROTECTS),
    Act("api close", "POST", "/api/v1/breaches/{pk}/close", PROTECTS, {"note": REASON}, True),
)


def _data_request(world: World, name: str) -> Thing:
    from congdong.privacy import actions

    marker = world.marker("datareq")
    citizen = world.users["az.citizen.owner"]
    item = actions.submit(citizen, "access", f"Cho tôi xem dữ liệu của tôi {marker}")
    return _thing(world, "datareq", name, item.pk, marker=marker, owner=citizen.pk)


HANDLES_REQUESTS = perm_central(PROTECT_DATA)
DATA_REQUEST_ACTS = (
    Act(
        "web list",
        "GET",
        "/lam-viec/du-lieu-ca-nhan/",
        HANDLES_REQUESTS,
        lists=True,
        seen=lambda t: f'href="/lam-viec/du-lieu-ca-nhan/{t.pk}/"',
    ),
    Act("web detail", "GET", "/lam-viec/du-lieu-ca-nhan/{pk}/", HANDLES_REQUESTS),
    Act("web take", "POST", "/lam-viec/du-lieu-ca-nhan/{pk}/tiep-nhan/", HANDLES_REQUESTS),
    Act("api list", "GET", "/api/v1/privacy/staff/requests", HANDLES_REQUESTS, lists=True),
    Act("api detail", "GET", "/api/v1/privacy/staff/requests/{pk}", HANDLES_REQUESTS),
    Act(
        "api refuse",
        "POST",
        "/api/v1/privacy/staff/requests/{pk}/refuse",
        HANDLES_REQUESTS,
        data={"reason": REASON},
        api=True,
    ),
    Act("api my requests", "GET", "/api/v1/privacy/requests", owner, lists=True),
)


KINDS: tuple[Kind, ...] = (
    Kind("unit", ("C", "A", "A1"), _unit, "units.Unit", UNIT_ACTS),
    Kind("membership", ("A", "A1"), _membership, "accounts.Membership", MEMBERSHIP_ACTS),
    Kind("page", ("C", "A", "A1"), _page, "pages.Page", PAGE_ACTS),
    Kind("draft", ("A", "A1"), _draft_post, "posts.Post", DRAFT_ACTS),
    Kind(
        "submitted",
        ("A", "A1"),
        _submitted("hoat-dong-mat-tran"),
        "posts.Post",
        _approve_acts(perm(APPROVE_POSTS)),
    ),
    # A call for money is approved by the unit above (the regulation's "cứu trợ" category).
    Kind(
        "submitted-above",
        ("A", "A1"),
        _submitted("cuu-tro"),
        "posts.Post",
        _approve_acts(perm_above(APPROVE_POSTS)),
    ),
    Kind("approved", ("A", "A1"), _approved_post, "posts.Post", APPROVED_ACTS),
    Kind("published", ("A", "A1"), _published_post, "posts.Post", PUBLISHED_ACTS),
    Kind("revision", ("A", "A1"), _revision, "posts.PostRevision", REVISION_ACTS),
    Kind("comment", ("A", "A1"), _comment, "engagement.Comment", COMMENT_ACTS),
    Kind("feedback", ("A", "A1"), _feedback, "feedback.Feedback", FEEDBACK_ACTS),
    Kind("campaign-draft", ("C", "A"), _campaign_draft, "campaigns.Campaign", CAMPAIGN_DRAFT_ACTS),
    Kind("campaign", ("C", "A"), _campaign_launched, "campaigns.Campaign", CAMPAIGN_ACTS),
    Kind("task", ("A", "A1"), _task, "campaigns.CampaignTarget", TASK_ACTS),
    Kind("case", ("A", "A1"), _case, "moderation.Case", CASE_ACTS),
    Kind("appeal", ("A", "A1"), _appeal, "moderation.Appeal", APPEAL_ACTS),
    Kind("takedown", ("A", "A1"), _takedown, "takedown.TakedownRequest", TAKEDOWN_ACTS),
    Kind("export", ("A", "A1"), _export, "insights.Export", EXPORT_ACTS),
    Kind("board", ("A", "A1"), _board_post, "handbook.BoardPost", BOARD_ACTS),
    Kind("handbook", ("C",), _handbook, "handbook.HandbookPage", HANDBOOK_ACTS),
    Kind("audit", ("A", "A1"), _audit_entry, "audit.AuditEntry", AUDIT_ACTS),
    Kind("breach", ("A", "A1"), _breach, "breaches.Breach", BREACH_ACTS),
    Kind("datareq", ("C",), _data_request, "privacy.DataRequest", DATA_REQUEST_ACTS),
)
