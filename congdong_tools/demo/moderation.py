"""Demo moderation on the Hà Nội city page: citizens' reports on a few comments, some hidden by
reports and waiting for the moderator (the persona `hanoi.kiemduyet`), some kept, some removed;
one citizen with five violations in three weeks and the temporary lock they bring
(Decree 147/2024); one removal under appeal, waiting for the central unit; and one of the
city's own posts reported by three accounts, which stays shown and waits first in the queue as
urgent (content of a verified page is never hidden by reports alone).

The comments are written as rows with their history, like the rest of the demo's comments
(congdong_tools.demo.engagement), so they can be dated in the past; every report, decision, strike,
lock and appeal goes through `congdong.moderation.actions` with that past `now`, so the queue,
the citizens' case pages and their notifications are what the app itself writes. Each step is
skipped when already done: running the demo twice adds nothing.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from congdong.accounts.models import AccountKind, User
from congdong.engagement.models import Comment, CommentState, CommentTransition
from congdong.moderation import actions
from congdong.moderation.models import Appeal, Case, CaseState, Report
from congdong.moderation.queries import comment_key, post_key
from congdong.pages.models import CommentPolicy, Page, PageStatus
from congdong.posts.models import Post, PostState
from congdong_tools.demo.personas import CITIZEN, find_unit

MODERATOR = "hanoi.kiemduyet"
OPERATOR = "hanoi.quantri"  # shows comments on the city page, which reviews them first
D = datetime.timedelta
DECIDED_AFTER = D(hours=5)  # the moderator decides a few hours after the comment


@dataclass(frozen=True)
class Scene:
    """One comment and what happens to it. `author` and `reporters` index the demo citizens
    (the persona citizen is "an"); `ago` is when it was written."""

    author: int
    body: str
    reason: str
    reporters: tuple[int | str, ...]
    ago: D
    decision: str = ""  # "", "keep" or "remove"
    why: str = ""
    appeal: str = ""
    report_text: str = ""
    post: int = 0  # which of the page's recent published posts


OFFENDER = 0  # five removals in three weeks: the temporary lock
SCENES = [
    Scene(
        OFFENDER,
        "Vay tiền nhanh chỉ cần CCCD, không thẩm định, giải ngân trong 30 phút, lãi 0% tháng "
        "đầu. Liên hệ Zalo 0868 xxx 215 để được hỗ trợ ngay!",
        "spam",
        (1, 2, 3),
        D(days=18),
        "remove",
        why="Quảng cáo cho vay, tín dụng đen trên trang của Mặt trận",
    ),
    Scene(
        OFFENDER,
        "Mấy ông cán bộ phường toàn lũ ăn hại, ngồi chơi xơi nước, dân kêu thì bịt tai. "
        "Loại người như các ông thì làm được cái gì!",
        "abuse",
        (4, 5, "an"),
        D(days=14),
        "remove",
        why="Lời lẽ lăng mạ, xúc phạm danh dự cán bộ",
        post=1,
    ),
    Scene(
        OFFENDER,
        "Ủng hộ đồng bào vùng lũ xin chuyển khoản trực tiếp vào tài khoản cá nhân "
        "1903 xxxx 6688 (Nguyễn Văn T.), Mặt trận thành phố sẽ xác nhận sau, nhanh hơn "
        "qua tài khoản của Ủy ban.",
        "false_info",
        (1, 6, 7),
        D(days=9),
        "remove",
        why="Kêu gọi chuyển tiền vào tài khoản cá nhân, mạo danh Mặt trận",
        post=2,
    ),
    Scene(
        OFFENDER,
        "Nhận làm bằng lái xe, bằng đại học không cần thi, bao đậu 100%, có hồ sơ gốc. "
        "Inbox để biết giá.",
        "spam",
        (2, 3, 8),
        D(days=5),
        "remove",
        why="Quảng cáo làm giấy tờ giả",
        post=3,
    ),
    Scene(
        OFFENDER,
        "Đúng là một lũ vô dụng, đọc bài này chỉ muốn chửi. Ai bênh thì cũng cùng một giuộc!",
        "abuse",
        (4, 6, 8),
        D(days=2),
        "remove",
        why="Lời lẽ thô tục, xúc phạm người khác",
        post=4,
    ),
    # Removed, then appealed: the central unit decides (the moderator of the city removed it).
    Scene(
        9,
        "Đường Láng cứ mưa là ngập sâu nửa bánh xe, năm nào cũng hứa chống ngập mà không làm. "
        "Cán bộ phụ trách chỉ hứa suông, dân mất hết niềm tin rồi.",
        "abuse",
        (5, 7, 10),
        D(days=3),
        "remove",
        why="Lời lẽ quy chụp, xúc phạm cán bộ",
        appeal="Tôi chỉ phản ánh đúng tình trạng ngập úng kéo dài ở đường Láng, không nhắm vào "
        "cá nhân nào. Đề nghị xem xét lại và khôi phục bình luận.",
        post=1,
    ),
    # Reported as false, kept: a fair question.
    Scene(
        11,
        "Đề nghị Mặt trận công khai danh sách các hộ được hỗ trợ sau bão, vì nhiều gia đình "
        "trong tổ dân phố thắc mắc sao nhà mình thiệt hại mà không có tên.",
        "false_info",
        ("an",),
        D(days=6),
        "keep",
        why="Góp ý chính đáng, không vi phạm",
        post=2,
    ),
    # Hidden by three reports, waiting for the moderator.
    Scene(
        12,
        "TIN KHẨN: Hà Nội sẽ phong tỏa toàn thành phố từ 0 giờ đêm nay, mọi người đi mua "
        "tích trữ lương thực ngay kẻo không kịp!",
        "false_info",
        (1, 3, 10),
        D(hours=7),
        post=0,
    ),
    Scene(
        13,
        "Khóa học đầu tư tiền ảo cam kết lợi nhuận 30%/tháng, chuyên gia hướng dẫn 1 kèm 1. "
        "Đăng ký qua link trong trang cá nhân.",
        "spam",
        (2, 6, "an"),
        D(hours=4),
        post=3,
    ),
    # One report, still shown.
    Scene(
        14,
        "Phường làm việc thế này thì chán thật, gọi đường dây nóng mãi không ai nghe.",
        "abuse",
        (8,),
        D(hours=2),
        post=4,
    ),
]
CITIZENS_NEEDED = 15
# Three accounts reporting one of the city's own posts together, a few hours ago.
OFFICIAL_REPORTS = (
    (3, "false_info", "Tin này sai sự thật, đề nghị gỡ ngay."),
    (7, "false_info", "Thông tin không chính xác."),
    (10, "other", "Bài đăng gây hoang mang dư luận."),
)


@dataclass
class Summary:
    reports: int = 0
    decisions: int = 0
    appeals: int = 0
    comments: int = 0

    def __str__(self) -> str:
        return (
            f"{self.comments} comments reported {self.reports} times, {self.decisions} "
            f"decisions, {self.appeals} appeals"
        )


def demo_citizens() -> list[User]:
    """The first demo citizens (a stable choice: the oldest accounts), persona excluded."""
    return list(
        User.objects.filter(
            kind=AccountKind.CITIZEN, is_active=True, phone_verified_at__isnull=False
        )
        .exclude(phone=CITIZEN["phone"])
        .order_by("pk")[:CITIZENS_NEEDED]
    )


def city_page() -> Page | None:
    return Page.objects.filter(unit=find_unit("01"), status=PageStatus.ACTIVE).first()


def recent_posts(page: Page, count: int = 12) -> list[Post]:
    """The page's latest published posts, newest first."""
    return list(
        Post.objects.filter(page=page, state=PostState.PUBLISHED).order_by("-published_at", "-pk")[
            :count
        ]
    )


def post_before(posts: list[Post], at: datetime.datetime, index: int) -> Post | None:
    """One of `posts` published at least an hour before `at` (`index` picks which)."""
    earlier = [p for p in posts if p.published_at and p.published_at <= at - D(hours=1)]
    return earlier[index % len(earlier)] if earlier else None


def write_comment(
    author: User, post: Post, body: str, at: datetime.datetime, operator: User
) -> tuple[Comment, bool]:
    """The comment (found again on a second run, on whatever post), with the history an action
    writes: held for review on a page that reviews comments, then shown by the page's admin."""
    found = Comment.objects.filter(author=author, body=body).first()
    if found is not None:
        return found, False
    review = post.page.comment_policy == CommentPolicy.REVIEW
    with transaction.atomic():
        comment = Comment.objects.create(
            post=post, author=author, body=body, state=CommentState.VISIBLE, created_at=at
        )
        moves = [("", CommentState.HELD if review else CommentState.VISIBLE, author, at)]
        if review:
            moves.append((CommentState.HELD, CommentState.VISIBLE, operator, at + D(minutes=40)))
        CommentTransition.objects.bulk_create(
            CommentTransition(comment=comment, from_state=a, to_state=b, actor=who, at=when)
            for a, b, who, when in moves
        )
    return comment, True


def _play(
    scene: Scene,
    comment: Comment,
    people: list[User],
    an: User | None,
    staff: dict[str, User],
    at: datetime.datetime,
    now: datetime.datetime,
    made: Summary,
) -> None:
    key = comment_key(comment.pk)
    for n, who in enumerate(scene.reporters):
        reporter = an if who == "an" else people[who]
        if reporter is None or Report.objects.filter(reporter=reporter, item_key=key).exists():
            continue
        when = at + D(minutes=35 + 50 * n)
        actions.report(reporter, "comment", comment.pk, scene.reason, scene.report_text, now=when)
        made.reports += 1
    case = Case.objects.filter(item_key=key).order_by("-pk").first()
    if case is None:
        return
    decided_at = min(at + DECIDED_AFTER, now - D(minutes=30))
    if scene.decision and case.state == CaseState.OPEN:
        actions.decide(staff[MODERATOR], case.pk, scene.decision, scene.why, now=decided_at)
        made.decisions += 1
        case.refresh_from_db()
    if scene.appeal and case.state == CaseState.REMOVED and not Appeal.objects.filter(case=case):
        actions.appeal(comment.author, case.pk, scene.appeal, now=decided_at + D(hours=3))
        made.appeals += 1


def _report_official_post(
    post: Post, people: list[User], now: datetime.datetime, made: Summary
) -> None:
    """Reports on an official post: it stays published, its case is urgent (the actions)."""
    key = post_key(post.pk)
    for n, (who, reason, text) in enumerate(OFFICIAL_REPORTS):
        reporter = people[who]
        if Report.objects.filter(reporter=reporter, item_key=key).exists():
            continue
        when = now - D(hours=3) + D(minutes=12 * n)
        actions.report(reporter, "post", post.pk, reason, text, now=when)
        made.reports += 1


def ensure_moderation(now: datetime.datetime | None = None) -> Summary:
    """Play the scenes on the Hà Nội page (once); returns what this call added."""
    now = now or timezone.now()
    made = Summary()
    page = city_page()
    people = demo_citizens()
    staff = {u.username: u for u in User.objects.filter(username__in=[MODERATOR, OPERATOR])}
    if page is None or len(people) < CITIZENS_NEEDED or len(staff) < 2:
        return made  # a partial database (a test that loaded only some of the demo)
    posts = recent_posts(page)
    an = User.objects.filter(phone=CITIZEN["phone"], phone_verified_at__isnull=False).first()
    # In time order: the offender's last violations must come before the lock they bring.
    for scene in sorted(SCENES, key=lambda s: -s.ago):
        at = now - scene.ago
        post = post_before(posts, at, scene.post)
        if post is None:
            continue
        comment, created = write_comment(
            people[scene.author], post, scene.body, at, staff[OPERATOR]
        )
        made.comments += created
        _play(scene, comment, people, an, staff, at, now, made)
    official = post_before(posts, now - D(hours=3), 1)
    if official is not None:
        _report_official_post(official, people, now, made)
    return made
