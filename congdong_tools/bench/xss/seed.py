"""The child step of `congdong bench xss`: every payload written into every user text field
through the apps' own write paths (check_* / do_* and their wrappers), as citizens and staff
would, then the list of page views that show each of them and a session for each persona.

Run as `python -m congdong_tools.bench.xss.seed PAYLOAD_COUNT` against the throwaway database that
the environment names; prints one JSON object (the plan) on its last stdout line.
"""

from __future__ import annotations

import datetime
import json
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeVar

from congdong_tools.bench import steps
from congdong_tools.bench.xss.payloads import Payload, sample

if TYPE_CHECKING:
    from congdong.accounts.models import User
    from congdong.feedback.models import Category as FeedbackCategory
    from congdong.pages.models import Page
    from congdong.posts.models import Category as PostCategory
    from congdong.units.models import Unit

Made = TypeVar("Made")

ANON = "anon"
# What an editor writes around the payload, so that the regulation's checks (a body of some
# length) let the post through to the public page.
PLAIN_BODY = (
    "<p>Sáng Chủ nhật, Ban công tác Mặt trận các khu dân cư đã ra quân làm sạch môi trường, "
    "khơi thông cống rãnh và trồng cây xanh.</p>"
)
EDITOR, ADMIN, CENTRAL = "xss.bientap", "xss.quantri", "tw.quantri"


@dataclass(frozen=True)
class Field:
    number: int
    name: str
    letters: bool = False  # the field takes no digits: the marker is spelled in letters


FIELDS = [
    Field(1, "post.title"),
    Field(2, "post.body"),
    Field(3, "post.tags"),
    Field(4, "comment.body"),
    Field(5, "citizen.full_name", letters=True),
    Field(6, "comment.page_answer"),
    Field(7, "page.name"),
    Field(8, "page.description"),
    Field(9, "page.address"),
    Field(10, "feedback.text"),
    Field(11, "feedback.place"),
    Field(12, "feedback.answer"),
    Field(13, "handbook.title"),
    Field(14, "handbook.body"),
    Field(15, "board.title"),
    Field(16, "board.body"),
    Field(17, "board.reply"),
    Field(18, "report.text"),
    Field(19, "case.reason"),
    Field(20, "appeal.text"),
    Field(21, "takedown.authority"),
    Field(22, "takedown.reference"),
    Field(23, "takedown.contact"),
    Field(24, "takedown.legal_basis"),
    Field(25, "takedown.refuse_reason"),
    Field(26, "post.reject_reason"),
    Field(27, "search.query"),
    Field(28, "regulation.category_name"),
]
BY_NAME = {f.name: f for f in FIELDS}


def marker(field_name: str, payload: Payload) -> int:
    """The id of `payload` in `field_name`: field number × 1000 + payload number."""
    return BY_NAME[field_name].number * 1000 + payload.number


def text(field_name: str, payload: Payload) -> str:
    f = BY_NAME[field_name]
    return payload.render(marker(field_name, payload), letters=f.letters)


@dataclass
class Plan:
    views: list[dict] = field(default_factory=list)
    inserted: Counter = field(default_factory=Counter)
    refused: Counter = field(default_factory=Counter)
    errors: Counter = field(default_factory=Counter)
    error_examples: dict[str, str] = field(default_factory=dict)
    personas: set[str] = field(default_factory=set)
    written: set[int] = field(default_factory=set)  # markers stored

    def view(self, persona: str, url: str, shows: list[int] | None = None) -> None:
        """A page view: `persona` opens `url`, where the markers `shows` are written (None for
        a list view: whatever markers turn up there count)."""
        self.personas.add(persona)
        if shows is not None:
            shows = [m for m in shows if m in self.written]
        self.views.append({"as": persona, "url": url, "shows": shows})

    def write(
        self, payload: Payload, field_names: list[str], do: Callable[[], Made]
    ) -> Made | None:
        """Run one write path; a refusal (ActionError, PermissionDenied, ValidationError) is
        the app saying no and changes nothing; anything else is an error of the app."""
        from django.core.exceptions import PermissionDenied, ValidationError
        from django.db import transaction

        from congdong.core.errors import ActionError

        try:
            with transaction.atomic():
                made = do()
        except (ActionError, PermissionDenied, ValidationError):
            for name in field_names:
                self.refused[name] += 1
            return None
        except Exception as exc:
            for name in field_names:
                self.errors[name] += 1
                self.error_examples.setdefault(name, f"{type(exc).__name__}: {exc}"[:300])
            return None
        for name in field_names:
            self.inserted[name] += 1
            self.written.add(marker(name, payload))
        return made


def _staff():
    from congdong.accounts.actions import Grant, do_grant
    from congdong.accounts.models import AccountKind, Organisation, User
    from congdong.accounts.roles import Role
    from congdong_tools.demo.personas import ensure_personas, find_unit

    ensure_personas()
    province = find_unit("24")
    org = Organisation.objects.get(code=Organisation.Code.FRONT)
    made = {}
    for username, name, role in (
        (EDITOR, "Biên tập viên thử nghiệm", Role.EDITOR),
        (ADMIN, "Quản trị thử nghiệm", Role.UNIT_ADMIN),
    ):
        user = User.objects.create(username=username, full_name=name, kind=AccountKind.STAFF)
        do_grant(None, Grant(unit=province, user=user, organisation=org, role=role))
        made[username] = user
    made[CENTRAL] = User.objects.get(username=CENTRAL)
    return made, province


def _citizen(n: int, payload: Payload, plan: Plan):
    """A phone-verified citizen whose full name is the payload (as signed up), else a plain
    Vietnamese name when the sign-up refuses it."""
    from django.utils import timezone

    from congdong.accounts.actions.citizens import check_citizen_signup, do_citizen_signup
    from congdong.accounts.models import User

    phone = f"+8491{n:07d}"
    dob = datetime.date(1990, 1, 1)
    user = plan.write(
        payload,
        ["citizen.full_name"],
        lambda: do_citizen_signup(
            check_citizen_signup(phone, text("citizen.full_name", payload), dob)
        ),
    )
    if user is None:
        user = do_citizen_signup(check_citizen_signup(phone, "Nguyễn Văn Bình", dob))
    User.objects.filter(pk=user.pk).update(phone_verified_at=timezone.now())
    user.refresh_from_db()
    return user


def seed(count: int | None) -> dict:
    steps.setup_django()
    from django.test import Client
    from django.utils import timezone

    from congdong.accounts.models import User
    from congdong.engagement.actions.follows import follow
    from congdong.feedback.models import Category as FeedbackCategory
    from congdong.pages.actions import do_establish_many
    from congdong.pages.models import Page
    from congdong.posts.default_regulation import ensure_default_regulation
    from congdong.posts.models import Category as PostCategory
    from congdong.units.actions import do_import_structure
    from congdong.units.models import Level, Unit

    payloads = sample(count)
    steps.say(f"writing {len(payloads)} payloads into {len(FIELDS)} fields…")
    do_import_structure("2025", provinces={"24", "01", "79"})
    regulation = ensure_default_regulation()
    do_establish_many(Unit.objects.filter(structure__code="2025"), opened_at=timezone.now())
    staff, province = _staff()
    editor, admin, central = staff[EDITOR], staff[ADMIN], staff[CENTRAL]
    page = Page.objects.get(unit=province)
    communes = list(
        Page.objects.filter(unit__level=Level.COMMUNE).select_related("unit").order_by("pk")
    )
    commune_in_24 = next(p for p in communes if p.unit.path.startswith(province.path))
    category = FeedbackCategory.objects.order_by("order").first()
    if category is None:
        raise SystemExit("the feedback categories are missing: run the migrations first")
    plan = Plan()
    reader = User.objects.create(username="cd84900000001", kind="citizen", full_name="Người đọc")
    reader.phone_verified_at = timezone.now()
    reader.phone = "+84900000001"
    reader.save()
    follow(reader, page.pk)
    citizens: list = []
    ctx = Context(
        editor,
        admin,
        central,
        province,
        page,
        communes,
        commune_in_24,
        category,
        reader,
        citizens,
        PostCategory.objects.get(regulation=regulation, code="hoat-dong-mat-tran"),
    )
    for i, p in enumerate(payloads):
        if i % 25 == 0:
            steps.say(f"  payload {i + 1} of {len(payloads)}")
        _write_payload(ctx, plan, i, p)

    # Lists: one view shows many payloads (whatever markers turn up count).
    for url, persona in (
        (f"/trang/{page.slug}/", ANON),
        (f"/trang/{page.slug}/tra-loi-phan-anh/", ANON),
        ("/bang-tin/", f"citizen:{reader.pk}"),
        ("/phan-anh/cua-toi/", f"citizen:{citizens[0].pk}"),
        ("/lam-viec/", f"staff:{ADMIN}"),
        ("/lam-viec/tin-bai/", f"staff:{EDITOR}"),
        ("/lam-viec/duyet-tin/", f"staff:{ADMIN}"),
        ("/lam-viec/binh-luan/", f"staff:{ADMIN}"),
        ("/lam-viec/phan-anh/", f"staff:{ADMIN}"),
        ("/lam-viec/tinh-hinh-nhan-dan/", f"staff:{ADMIN}"),
        ("/lam-viec/so-tay/", f"staff:{CENTRAL}"),
        ("/lam-viec/trao-doi/", f"staff:{CENTRAL}"),
        ("/lam-viec/kiem-duyet/", f"staff:{ADMIN}"),
        ("/lam-viec/kiem-duyet/khang-nghi/", f"staff:{CENTRAL}"),
        ("/lam-viec/yeu-cau-go-bo/", f"staff:{ADMIN}"),
        ("/lam-viec/chien-dich/", f"staff:{ADMIN}"),
        (f"/lam-viec/don-vi/{province.pk}/", f"staff:{ADMIN}"),
        (f"/lam-viec/thong-ke/{province.pk}/", f"staff:{ADMIN}"),
        ("/lam-viec/nhat-ky/", f"staff:{ADMIN}"),
    ):
        plan.view(persona, url, None)

    steps.say(f"sessions for {len(plan.personas)} people…")
    sessions = {}
    for persona in sorted(plan.personas - {ANON}):
        kind, key = persona.split(":", 1)
        user = (
            User.objects.get(pk=int(key)) if kind == "citizen" else User.objects.get(username=key)
        )
        client = Client()
        client.force_login(user)
        sessions[persona] = client.cookies["sessionid"].value
    return {
        "payloads": len(payloads),
        "fields": [f.name for f in FIELDS],
        "views": plan.views,
        "sessions": sessions,
        "inserted": dict(plan.inserted),
        "refused": dict(plan.refused),
        "errors": dict(plan.errors),
        "error_examples": plan.error_examples,
    }


@dataclass
class Context:
    editor: User
    admin: User
    central: User
    province: Unit
    page: Page
    communes: list[Page]
    commune_in_24: Page
    category: FeedbackCategory
    reader: User
    citizens: list[User]
    post_category: PostCategory  # the regulation's category the payload categories copy


def _write_payload(ctx: Context, plan: Plan, i: int, p: Payload) -> None:
    """Payload `p` in every field, through the write paths; the views that show it."""
    from urllib.parse import urlencode

    from django.utils import timezone

    from congdong.campaigns import actions as campaigns
    from congdong.campaigns.models import CampaignMode, Targeting
    from congdong.engagement.actions import comments
    from congdong.feedback import actions as feedback
    from congdong.handbook import actions as handbook
    from congdong.handbook.models import BoardKind
    from congdong.moderation import actions as moderation
    from congdong.moderation.models import Case
    from congdong.moderation.queries import comment_key
    from congdong.pages.actions import check_profile, do_profile
    from congdong.pages.naming import official_name
    from congdong.posts import actions as posts

    editor, admin, central, province, page = (
        ctx.editor,
        ctx.admin,
        ctx.central,
        ctx.province,
        ctx.page,
    )
    communes, commune_in_24, category, reader, citizens = (
        ctx.communes,
        ctx.commune_in_24,
        ctx.category,
        ctx.reader,
        ctx.citizens,
    )
    from congdong.takedown import actions as takedown

    citizen = _citizen(i, p, plan)
    citizens.append(citizen)
    who = f"citizen:{citizen.pk}"
    slug = page.slug
    # Posts: written, submitted, approved and published; the text fields with the payload.
    # The regulation's texts are data admins edit (Django admin): a category named by the
    # payload, which the post is filed under.
    own_category = plan.write(
        p, ["regulation.category_name"], lambda: _category(ctx.post_category, p)
    )
    fields = {
        "category": own_category.code if own_category else "hoat-dong-mat-tran",
        "title": text("post.title", p),
        "body": PLAIN_BODY + text("post.body", p),
        "source_url": "",
        "tags": text("post.tags", p),
    }
    post = plan.write(
        p,
        ["post.title", "post.body", "post.tags"],
        lambda: posts.create_draft(editor, page.pk, fields),
    )
    if post is None:  # refused: a plain post, for the comments and requests about it
        plain = {"title": f"Bản tin số {i}", "body": PLAIN_BODY, "tags": ""}
        post = posts.create_draft(editor, page.pk, {**fields, **plain})
    published = plan.write(p, [], lambda: _publish(posts, editor, admin, post.pk))
    shown_post = [
        marker(n, p) for n in ("post.title", "post.body", "post.tags", "regulation.category_name")
    ]
    plan.view(f"staff:{EDITOR}", f"/lam-viec/tin-bai/{post.pk}/", shown_post)
    # A second post, sent back with the reason as the payload.
    plain = {"title": f"Bài trả lại số {i}", "body": PLAIN_BODY, "tags": ""}
    second = posts.create_draft(editor, page.pk, {**fields, **plain})
    posts.submit(editor, second.pk)
    plan.write(
        p,
        ["post.reject_reason"],
        lambda: posts.reject(admin, second.pk, text("post.reject_reason", p)),
    )
    plan.view(
        f"staff:{EDITOR}",
        f"/lam-viec/tin-bai/{second.pk}/",
        [marker("post.reject_reason", p)],
    )
    if published is not None:
        shown = [*shown_post, marker("citizen.full_name", p)]
        # Comments: the citizen's own words, an answer in the page's name, a second
        # comment that is reported, removed and appealed.
        first = plan.write(
            p,
            ["comment.body"],
            lambda: comments.comment(citizen, post.pk, text("comment.body", p)),
        )
        if first is not None:
            shown.append(marker("comment.body", p))
            if plan.write(
                p,
                ["comment.page_answer"],
                lambda: comments.answer(admin, first.pk, text("comment.page_answer", p)),
            ):
                shown.append(marker("comment.page_answer", p))
                plan.view(who, "/thong-bao/", [marker("comment.page_answer", p)])
        # The first comment is reported in the payload's words and waits in the queue; the
        # second is reported, removed with the payload as the reason, and appealed.
        reporter = citizens[i - 1] if i else reader
        if first is not None:
            plan.write(
                p,
                ["report.text"],
                lambda: moderation.report(
                    reporter, "comment", first.pk, "other", text("report.text", p)
                ),
            )
        second_comment = comments.comment(citizen, post.pk, f"Ý kiến thứ hai số {i}")
        moderation.report(
            reporter, "comment", second_comment.pk, "other", "Bình luận xúc phạm người khác"
        )
        case = Case.objects.filter(item_key=comment_key(second_comment.pk)).first()
        decided = None
        if case is not None:
            case_pk = case.pk
            decided = plan.write(
                p,
                ["case.reason"],
                lambda: moderation.decide(admin, case_pk, "remove", text("case.reason", p)),
            )
        if decided:
            plan.write(
                p,
                ["appeal.text"],
                lambda: moderation.appeal(
                    citizen, case_pk, "Tôi kháng nghị: " + text("appeal.text", p)
                ),
            )
            plan.view(who, "/cong-dan/vi-pham/", [marker(n, p) for n in ("case.reason",)])
        plan.view(ANON, f"/trang/{slug}/tin/{post.pk}/", shown)
        # A takedown request about the post, refused with a reason.
        request = plan.write(
            p,
            [f"takedown.{n}" for n in ("authority", "reference", "contact", "legal_basis")],
            lambda: takedown.intake(
                admin,
                {
                    "authority": "Sở Văn hóa " + text("takedown.authority", p),
                    "reference": text("takedown.reference", p)[:100],
                    "contact": text("takedown.contact", p),
                    "legal_basis": "Nghị định 147/2024 " + text("takedown.legal_basis", p),
                    "target_kind": "post",
                    "target_id": post.pk,
                },
            ),
        )
        if request is not None:
            plan.write(
                p,
                ["takedown.refuse_reason"],
                lambda: takedown.refuse(
                    admin, request.pk, "Không có căn cứ: " + text("takedown.refuse_reason", p)
                ),
            )
            plan.view(
                f"staff:{ADMIN}",
                f"/lam-viec/yeu-cau-go-bo/{request.pk}/",
                [
                    marker(f"takedown.{n}", p)
                    for n in ("authority", "contact", "legal_basis", "refuse_reason")
                ],
            )
        # A campaign sending the post down to one commune page: its title on the
        # campaign pages.
        campaign = plan.write(
            p,
            [],
            lambda: campaigns.create(
                admin,
                post.pk,
                CampaignMode.RESHARE_TASK,
                targeting=Targeting.UNITS,
                unit_ids=[commune_in_24.unit_id],
                deadline=timezone.now() + datetime.timedelta(days=3),
            ),
        )
        if campaign is not None:
            plan.view(
                f"staff:{ADMIN}",
                f"/lam-viec/chien-dich/{campaign.pk}/",
                [marker("post.title", p)],
            )
    # The page of one commune: its profile.
    own = communes[i % len(communes)]
    if plan.write(
        p,
        ["page.name", "page.description", "page.address"],
        lambda: do_profile(
            check_profile(
                admin if own.unit.path.startswith(province.path) else central,  # who runs it
                own.pk,
                name=f"{official_name(own.unit)} {text('page.name', p)}",
                description=text("page.description", p),
                address=text("page.address", p),
                comment_policy="open",
            )
        ),
    ):
        shows = [marker(n, p) for n in ("page.name", "page.description", "page.address")]
        plan.view(ANON, f"/trang/{own.slug}/", shows)
        runs = ADMIN if own.unit.path.startswith(province.path) else CENTRAL
        plan.view(f"staff:{runs}", f"/lam-viec/trang/{own.pk}/", shows)
    # Feedback to the province: text and place from the citizen, the answer from staff.
    item = plan.write(
        p,
        ["feedback.text", "feedback.place"],
        lambda: feedback.submit(
            citizen,
            province.pk,
            category.pk,
            "Phản ánh: " + text("feedback.text", p),
            public=True,
            consent=True,
            location={"place": text("feedback.place", p)},
        ),
    )
    if item is not None:
        feedback.accept(admin, item.pk)
        feedback.assign(admin, item.pk, admin.pk)
        plan.write(
            p,
            ["feedback.answer"],
            lambda: feedback.answer(admin, item.pk, "Trả lời: " + text("feedback.answer", p)),
        )
        shows = [marker(n, p) for n in ("feedback.text", "feedback.place", "feedback.answer")]
        plan.view(who, f"/phan-anh/{item.pk}/", shows)
        plan.view(f"staff:{ADMIN}", f"/lam-viec/phan-anh/{item.pk}/", shows)
    # Handbook: a page (Markdown) by a central admin; a board post answered from above.
    slug_h = f"xss-{p.number}"
    if plan.write(
        p,
        ["handbook.title", "handbook.body"],
        lambda: handbook.create_page(
            central,
            slug_h,
            "Hướng dẫn " + text("handbook.title", p),
            "Nội dung hướng dẫn:\n\n" + text("handbook.body", p),
        ),
    ):
        shows = [marker("handbook.title", p), marker("handbook.body", p)]
        # Proposed until another central admin publishes it: its writer reads it here.
        plan.view(f"staff:{CENTRAL}", f"/lam-viec/so-tay/{slug_h}/lich-su/1/", shows)
    board = plan.write(
        p,
        ["board.title", "board.body"],
        lambda: handbook.create_post(
            editor,
            province.pk,
            BoardKind.values[0],
            "Khó khăn " + text("board.title", p),
            "Chúng tôi gặp khó khăn: " + text("board.body", p),
        ),
    )
    if board is not None:
        plan.write(
            p,
            ["board.reply"],
            lambda: handbook.reply(central, board.pk, "Trả lời: " + text("board.reply", p)),
        )
        shows = [marker(n, p) for n in ("board.title", "board.body", "board.reply")]
        plan.view(f"staff:{CENTRAL}", f"/lam-viec/trao-doi/{board.pk}/", shows)
    # The search query, reflected on the results page.

    query = urlencode({"q": text("search.query", p)})
    plan.inserted["search.query"] += 1
    plan.written.add(marker("search.query", p))
    plan.view(ANON, f"/tim-kiem/?{query}", [marker("search.query", p)])


def _category(base, p: Payload):
    """A copy of `base` (approval levels and rules too) named by the payload, as an admin
    would add it to the regulation in the Django admin (which validates with full_clean)."""
    from django.core.validators import ProhibitNullCharactersValidator

    from congdong.posts.models import ApprovalRule, Category

    made = Category(
        regulation=base.regulation,
        code=f"xss-{p.number}",
        name=text("regulation.category_name", p),
        order=base.order,
        approval_level=base.approval_level,
        requires_source=base.requires_source,
        revision_needs_approval=base.revision_needs_approval,
    )
    # The admin's form refuses a NUL in a text field (Django's ProhibitNullCharactersValidator)
    # before the model is cleaned; so does this copy.
    ProhibitNullCharactersValidator()(made.name)
    made.full_clean()
    made.save()
    ApprovalRule.objects.bulk_create(
        ApprovalRule(category=made, level=r.level, approval_level=r.approval_level)
        for r in base.rules.all()
    )
    return made


def _publish(posts, editor, approver, post_id: int):
    posts.submit(editor, post_id)
    posts.approve(approver, post_id)
    return posts.publish_or_schedule(approver, post_id)


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1] != "all" else None
    print(json.dumps(seed(count), ensure_ascii=False))
