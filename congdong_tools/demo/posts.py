"""Demo posts: a few hundred Vietnamese posts on the Bắc Ninh, Kinh Bắc, Hà Nội and central
pages, in every state of the graph.

Every move goes through `congdong.posts.actions`, so each post has its transitions as a person
would have made them; only the times are moved back afterwards (published over the last
months), with queryset updates that are fine for demo data and nowhere else.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from congdong.accounts.actions import Grant, do_grant
from congdong.accounts.models import AccountKind, Membership, Organisation, User
from congdong.accounts.roles import Role
from congdong.pages.models import Page, PageStatus
from congdong.posts import actions
from congdong.posts.default_regulation import ensure_default_regulation
from congdong.posts.models import Post, PostState, PostTransition
from congdong.posts.queries import may_approve
from congdong.units.models import Kind, Level, Unit
from congdong_tools.demo.personas import find_unit

S = PostState
SEED = 2026
OTHER_COMMUNES = 4  # Bắc Ninh communes besides Kinh Bắc that get posts

# How many posts each page gets.
PER_PAGE = {"TW": 40, "01": 40, "24": 60, "24/Kinh Bắc": 70, "commune": 25}

# The share of each final state; published posts dominate a real page.
STATE_WEIGHTS = {
    S.PUBLISHED: 58,
    S.ARCHIVED: 7,
    S.HIDDEN: 3,
    S.SCHEDULED: 5,
    S.APPROVED: 3,
    S.SUBMITTED: 9,
    S.REJECTED: 6,
    S.DRAFT: 9,
}

# Extra staff the demo needs as authors and approvers besides the personas:
# (username, full name, unit lookup, role). Authors never approve their own posts.
EXTRA_STAFF = [
    ("tw.duyettin", "Phạm Ngọc Anh", "TW", Role.APPROVER),
    ("hanoi.bientap", "Ngô Thị Hạnh", "01", Role.EDITOR),
    ("bacninh.bientap", "Đặng Văn Tuấn", "24", Role.EDITOR),
]
AUTHORS = {"TW": "tw.bientap", "01": "hanoi.bientap", "24": "bacninh.bientap"}
# Tried in order: the first who may approve a post decides on it.
APPROVERS = {
    "TW": ["tw.duyettin"],
    "01": ["hanoi.quantri", "tw.bientap"],
    "24": ["bacninh.quantri", "tw.bientap"],
}

# Residential areas the posts mention, by where the page is.
KHU = {
    "24": [
        "khu phố Đông Xuyên", "khu phố Thanh Sơn", "thôn Đa Cấu", "thôn Vân Khám",
        "khu phố Hòa Đình", "thôn Ném Thượng", "khu phố Niềm Xá", "thôn Khúc Toại",
        "khu phố Thị Chung", "thôn Xuân Ổ",
    ],
    "01": [
        "tổ dân phố số 5 phường Hoàn Kiếm", "khu dân cư Hàng Bạc", "thôn Cổ Loa",
        "tổ dân phố Văn Chương", "thôn Bát Tràng", "khu dân cư Linh Đàm",
    ],
    "TW": [
        "khu dân cư Mường Thanh (Điện Biên)", "thôn Hà Trung (Quảng Trị)",
        "bản Hua Tát (Sơn La)", "ấp Tân Hòa (Cần Thơ)", "thôn Phú Mỹ (Đắk Lắk)",
    ],
}  # fmt: skip
PEOPLE = [
    "Nguyễn Văn Thành", "Trần Thị Hoa", "Lê Đức Minh", "Phạm Thị Nga", "Hoàng Văn Bảy",
    "Đỗ Thị Hường", "Vũ Quang Huy", "Bùi Thị Thu", "Ngô Văn Khải", "Dương Thị Lý",
]  # fmt: skip
SOURCES = [
    "https://mattran.org.vn/",
    "https://baochinhphu.vn/",
    "https://thuvienphapluat.vn/",
    "https://vbpl.vn/",
]
REJECT_REASONS = [
    "Cần ghi rõ số tài khoản chính thức của Ủy ban MTTQ, không ghi tài khoản cá nhân.",
    "Bổ sung nguồn văn bản pháp luật được dẫn và sửa lại tiêu đề cho ngắn gọn.",
    "Số liệu chưa khớp với báo cáo của Ban Thường trực, đề nghị kiểm tra lại.",
    "Ảnh và nội dung chưa phù hợp, đề nghị bổ sung tên người trong ảnh và thời gian.",
    "Tiêu đề dài, cần nêu rõ thời gian, địa điểm tổ chức.",
]
HIDE_REASONS = [
    "Tạm ẩn để đính chính số liệu theo báo cáo mới của Ban Thường trực.",
    "Tạm ẩn theo đề nghị của gia đình người được nêu trong bài.",
    "Ẩn để rà soát lại nội dung trước khi đăng lại.",
]


@dataclass(frozen=True)
class Theme:
    """A kind of post: its category, title and body templates, and how far back it may date."""

    category: str
    titles: tuple[str, ...]
    paragraphs: tuple[str, ...]
    days_back: int = 150


THEMES = [
    Theme(
        "dai-doan-ket",
        (
            "Ngày hội Đại đoàn kết toàn dân tộc ở {khu}",
            "{place_cap}: sôi nổi Ngày hội Đại đoàn kết toàn dân tộc năm {year}",
            "Bí thư, Chủ tịch về dự Ngày hội Đại đoàn kết với bà con {khu}",
            "Kỷ niệm {years} năm Ngày truyền thống Mặt trận Tổ quốc Việt Nam (18/11)",
        ),
        (
            "Sáng {day}, Ban công tác Mặt trận {khu} tổ chức Ngày hội Đại đoàn kết toàn dân tộc "
            "với sự tham gia của hơn {n} hộ gia đình.",
            "Tại ngày hội, Ban công tác Mặt trận đã biểu dương <strong>{k} hộ gia đình văn hóa "
            "tiêu biểu</strong> và trao {k2} suất quà cho hộ nghèo, hộ cận nghèo.",
            "Nhân dịp này, bà con đã đóng góp {money} cho Quỹ “Vì người nghèo” và làm đường "
            "giao thông nội đồng.",
            "Phần văn nghệ, thi nấu cơm, kéo co do các chi hội đoàn thể đảm nhận đã tạo không "
            "khí vui tươi, gắn kết tình làng nghĩa xóm.",
        ),
        days_back=45,
    ),
    Theme(
        "an-sinh-xa-hoi",
        (
            "Phát động Tháng cao điểm “Vì người nghèo” năm {year}",
            "{front} trao {k2} nhà Đại đoàn kết cho hộ nghèo",
            "Tháng cao điểm “Vì người nghèo”: tiếp nhận {money} ủng hộ",
            "Trao quà cho hộ cận nghèo, người có hoàn cảnh khó khăn ở {khu}",
        ),
        (
            "Hưởng ứng Tháng cao điểm “Vì người nghèo” (17/10 – 18/11), {front} đã phát động "
            "cán bộ, đảng viên và Nhân dân {place} ủng hộ Quỹ “Vì người nghèo”.",
            "Đến nay, Quỹ đã tiếp nhận {money}, hỗ trợ xây mới và sửa chữa {k} nhà Đại đoàn "
            "kết, trao {k2} suất học bổng cho học sinh vượt khó.",
            "Mọi khoản ủng hộ đều được công khai tại trụ sở và trên trang này; Ban vận động "
            "chỉ tiếp nhận qua tài khoản chính thức của Ủy ban MTTQ.",
            "Danh sách hộ được hỗ trợ do Ban công tác Mặt trận các khu dân cư bình xét công "
            "khai, dân chủ.",
        ),
        days_back=60,
    ),
    Theme(
        "hoat-dong-mat-tran",
        (
            "Toàn dân đoàn kết xây dựng nông thôn mới, đô thị văn minh ở {khu}",
            "Hội nghị Ủy ban MTTQ Việt Nam {place} lần thứ {k}",
            "Người Việt Nam ưu tiên dùng hàng Việt Nam: phiên chợ hàng Việt tại {khu}",
            "Ra quân làm sạch môi trường, trồng {n} cây xanh ở {khu}",
            "Sơ kết cuộc vận động “Người Việt Nam ưu tiên dùng hàng Việt Nam” {months} tháng",
        ),
        (
            "Thực hiện cuộc vận động “Toàn dân đoàn kết xây dựng nông thôn mới, đô thị văn "
            "minh”, {front} đã phối hợp tổ chức nhiều hoạt động thiết thực.",
            "Bà con {khu} đã hiến {n} m² đất, đóng góp {money} và hàng trăm ngày công để mở "
            "rộng đường liên thôn.",
            "Phiên chợ hàng Việt thu hút đông đảo người dân với {k2} gian hàng nông sản, "
            "sản phẩm OCOP của địa phương.",
            "Ban Thường trực đề nghị các tổ chức thành viên tiếp tục vận động hội viên "
            "<em>ưu tiên dùng hàng Việt Nam</em>, giữ gìn vệ sinh môi trường khu dân cư.",
        ),
    ),
    Theme(
        "cuu-tro",
        (
            "Thư kêu gọi ủng hộ đồng bào bị thiệt hại do bão số {k}",
            "{front} tiếp nhận ủng hộ đồng bào vùng lũ",
            "Công khai danh sách ủng hộ khắc phục hậu quả mưa lũ (đợt {k})",
        ),
        (
            "Cơn bão số {k} và hoàn lưu sau bão đã gây mưa lớn, ngập lụt, làm nhiều ngôi nhà "
            "bị hư hại, hoa màu bị mất trắng.",
            "{front} kêu gọi cán bộ, hội viên và Nhân dân chung tay ủng hộ đồng bào vùng bị "
            "thiệt hại.",
            "<strong>Tài khoản tiếp nhận duy nhất</strong>: tài khoản chính thức của Ban Vận "
            "động cứu trợ {front} tại Kho bạc Nhà nước (số tài khoản ghi trên văn bản kêu gọi "
            "có đóng dấu). Ủy ban MTTQ không tiếp nhận ủng hộ thông qua bất kỳ cá nhân nào.",
            "Đến nay đã tiếp nhận {money}; danh sách ủng hộ được cập nhật hằng ngày trên trang.",
        ),
        days_back=90,
    ),
    Theme(
        "chinh-sach-phap-luat",
        (
            "Những điểm mới của Luật Mặt trận Tổ quốc Việt Nam (sửa đổi)",
            "Hỏi – đáp về chính sách hỗ trợ nhà ở cho hộ nghèo",
            "Tuyên truyền Luật Thực hiện dân chủ ở cơ sở tại {khu}",
            "Quy định mới về bảo hiểm y tế cho người cao tuổi từ {year}",
        ),
        (
            "Để Nhân dân hiểu và thực hiện đúng, {front} giới thiệu một số nội dung chính của "
            "văn bản (xem nguồn bên dưới).",
            "<ul><li>Đối tượng áp dụng và điều kiện được hưởng;</li><li>Thủ tục, hồ sơ cần "
            "chuẩn bị;</li><li>Nơi tiếp nhận và thời gian giải quyết.</li></ul>",
            "Mọi thắc mắc, bà con liên hệ Ban công tác Mặt trận khu dân cư hoặc bộ phận một "
            "cửa của {place}.",
        ),
    ),
    Theme(
        "giam-sat-phan-bien",
        (
            "Giám sát việc thực hiện chính sách bảo hiểm y tế tại {khu}",
            "Hội nghị phản biện xã hội dự thảo quy hoạch khu dân cư {khu}",
            "Kết quả giám sát việc chi trả trợ cấp cho người có công",
        ),
        (
            "Đoàn giám sát của {front} đã làm việc với các đơn vị liên quan, kiểm tra hồ sơ "
            "của {n} trường hợp.",
            "Qua giám sát, Đoàn ghi nhận {k} kiến nghị của Nhân dân và đề nghị cơ quan chức "
            "năng trả lời trong thời hạn quy định.",
            "Kết quả giám sát sẽ được công khai tại hội nghị tiếp xúc cử tri gần nhất.",
        ),
    ),
    Theme(
        "phan-bac-tin-gia",
        (
            "Cảnh giác với trang giả mạo Mặt trận kêu gọi quyên góp",
            "Thông tin “{place} cắt điện, cắt nước” là sai sự thật",
            "Phản bác luận điệu xuyên tạc về công tác cứu trợ",
        ),
        (
            "Thời gian gần đây, trên mạng xã hội xuất hiện một số trang lấy tên, hình ảnh của "
            "Mặt trận để kêu gọi quyên góp vào tài khoản không chính thức.",
            "{front} khẳng định đây là thông tin sai sự thật; trang chính thức của Mặt trận "
            "có dấu xác minh và tên theo quy định “Mặt trận Tổ quốc Việt Nam …”.",
            "Đề nghị bà con không chia sẻ, không chuyển tiền và báo ngay cho cơ quan công an "
            "hoặc Ban công tác Mặt trận khi phát hiện.",
        ),
    ),
    Theme(
        "guong-nguoi-tot",
        (
            "Gương người tốt, việc tốt: ông {person} hiến đất làm đường",
            "Bà {person} – người “giữ lửa” Quỹ khuyến học ở {khu}",
            "Nhặt được {money}, em học sinh trả lại người đánh rơi",
            "Cựu chiến binh {person} giúp {k} hộ thoát nghèo",
        ),
        (
            "Ở {khu}, ai cũng biết đến {person} với nhiều việc làm thầm lặng vì cộng đồng.",
            "Năm nay, gia đình đã tự nguyện hiến {n} m² đất để mở rộng ngõ xóm, không nhận "
            "bồi thường.",
            "{front} đã biểu dương và đề nghị khen thưởng, lan tỏa tinh thần “tương thân "
            "tương ái” trong Nhân dân.",
        ),
    ),
    Theme(
        "bau-cu",
        (
            "Hội nghị hiệp thương giới thiệu người ứng cử đại biểu Hội đồng nhân dân",
            "Tuyên truyền Luật Bầu cử đại biểu Quốc hội và đại biểu Hội đồng nhân dân",
            "Lấy ý kiến cử tri nơi cư trú về người ứng cử tại {khu}",
        ),
        (
            "Thực hiện kế hoạch của Ủy ban bầu cử, {front} đã tổ chức hội nghị với sự tham "
            "gia của {n} cử tri.",
            "Cử tri đã phát biểu ý kiến về tiêu chuẩn, phẩm chất của người ứng cử; biên bản "
            "hội nghị được gửi Ban Thường trực đúng thời hạn.",
            "Mỗi cử tri hãy tìm hiểu kỹ danh sách và thực hiện quyền, nghĩa vụ công dân của mình.",
        ),
    ),
]


def _place(unit: Unit) -> str:
    return "cả nước" if unit.kind == Kind.CENTRAL else f"{unit.title_prefix} {unit.name}"


def _front(unit: Unit) -> str:
    if unit.kind == Kind.CENTRAL:
        return "Ủy ban Trung ương MTTQ Việt Nam"
    return f"Ủy ban MTTQ Việt Nam {_place(unit)}"


def _fields(
    rng: random.Random, theme: Theme, unit: Unit, now: datetime.datetime, khu: list[str]
) -> dict:
    place = _place(unit)
    values = {
        "place": place,
        "place_cap": place[:1].upper() + place[1:],
        "front": _front(unit),
        "khu": rng.choice(khu),
        "person": rng.choice(PEOPLE),
        "year": now.year,
        "years": now.year - 1930,
        "day": f"{rng.randint(1, 28)}/{rng.randint(1, 12)}",
        "n": rng.choice([45, 60, 120, 150, 230, 300, 450, 800]),
        "k": rng.randint(2, 9),
        "k2": rng.choice([10, 15, 20, 35, 50, 100]),
        "months": rng.choice([6, 9]),
        "money": f"{rng.choice([35, 48, 120, 250, 415, 730])} triệu đồng",
    }
    title = rng.choice(theme.titles).format(**values)
    count = min(len(theme.paragraphs), rng.randint(2, 4))
    chosen = [theme.paragraphs[i] for i in sorted(rng.sample(range(len(theme.paragraphs)), count))]
    body = "".join(
        p.format(**values) if p.startswith("<ul>") else f"<p>{p.format(**values)}</p>"
        for p in chosen
    )
    body += f"<p><em>Ban Thường trực {_front(unit)}</em></p>"
    return {
        "category": theme.category,
        "title": title,
        "body": body,
        "source_url": rng.choice(SOURCES) if theme.category in _NEEDS_SOURCE else "",
        "tags": ", ".join(rng.sample(["Mặt trận", place, theme.category.replace("-", " ")], 2)),
    }


_NEEDS_SOURCE = {"chinh-sach-phap-luat", "phan-bac-tin-gia"}


def _staff(username: str, full_name: str, unit: Unit, role: Role, org: Organisation) -> User:
    user, created = User.objects.get_or_create(
        username=username, defaults={"full_name": full_name, "kind": AccountKind.STAFF}
    )
    if created:
        user.set_unusable_password()  # authors in the demo's history, not logins
        user.save(update_fields=["password"])
    if not Membership.objects.filter(user=user, unit=unit, role=role).exists():
        do_grant(None, Grant(unit=unit, user=user, organisation=org, role=role))
    return user


@dataclass
class Desk:
    """Who writes on a page and who may decide on its posts."""

    page: Page
    author: User
    approvers: list[User]
    count: int
    khu: list[str]


def _desks() -> list[Desk]:
    org = Organisation.objects.get(code=Organisation.Code.FRONT)
    users = {u.username: u for u in User.objects.filter(kind=AccountKind.STAFF)}
    for username, full_name, lookup, role in EXTRA_STAFF:
        users[username] = _staff(username, full_name, find_unit(lookup), role, org)
    active = Page.objects.select_related("unit").filter(status=PageStatus.ACTIVE)
    desks = []
    for lookup in ("TW", "01", "24", "24/Kinh Bắc"):
        page = active.filter(unit=find_unit(lookup)).first()
        if page is None:
            continue
        author = users["kinhbac.canbo"] if "/" in lookup else users[AUTHORS[lookup]]
        approvers = [users[name] for name in APPROVERS[lookup.split("/")[0]]]
        desks.append(Desk(page, author, approvers, PER_PAGE[lookup], KHU[lookup[:2]]))
    province = find_unit("24")
    communes = (
        active.filter(unit__in=Unit.objects.in_subtree(province).filter(level=Level.COMMUNE))
        .exclude(unit=find_unit("24/Kinh Bắc"))
        .order_by("unit__path")[:OTHER_COMMUNES]
    )
    for n, page in enumerate(communes):
        # Each commune has its own operator, as in life.
        name = PEOPLE[(n + 3) % len(PEOPLE)]
        author = _staff(f"bn{page.unit.code}.canbo", name, page.unit, Role.EDITOR, org)
        desks.append(Desk(page, author, [users["bacninh.quantri"]], PER_PAGE["commune"], KHU["24"]))
    return desks


def _decider(post: Post, approvers: list[User]) -> User | None:
    return next((user for user in approvers if may_approve(user, post)), None)


def _write(rng: random.Random, desk: Desk, state: S, now: datetime.datetime) -> Post | None:
    """One post on the desk's page, moved by the actions to `state`."""
    theme = rng.choice(THEMES)
    author = desk.author
    post = actions.create_draft(
        author, desk.page.pk, _fields(rng, theme, desk.page.unit, now, desk.khu)
    )
    if state == S.DRAFT:
        return post
    post = actions.submit(author, post.pk)
    if state == S.SUBMITTED:
        return post
    approver = _decider(post, desk.approvers)
    if approver is None:
        return post  # nobody in the demo may decide: it waits
    if state == S.REJECTED or rng.random() < 0.12:
        post = actions.reject(approver, post.pk, rng.choice(REJECT_REASONS))
        if state == S.REJECTED:
            return post
        # Revised after the rejection, then sent again: the history shows the round trip.
        fields = _fields(rng, theme, desk.page.unit, now, desk.khu) | {"category": theme.category}
        actions.edit_draft(author, post.pk, fields)
        post = actions.submit(author, post.pk)
    post = actions.approve(approver, post.pk)
    if state == S.APPROVED:
        return post
    if state == S.SCHEDULED:
        day = timezone.localdate(now) + datetime.timedelta(days=rng.randint(1, 6))
        at = datetime.datetime.combine(day, datetime.time(rng.choice([7, 9, 14, 16]), 30))
        return actions.publish_or_schedule(author, post.pk, timezone.make_aware(at))
    post = actions.publish_or_schedule(author, post.pk)
    if state == S.HIDDEN:
        post = actions.hide(author, post.pk, rng.choice(HIDE_REASONS))
    elif state == S.ARCHIVED:
        post = actions.archive(author, post.pk)
    return post


def _backdate(rng: random.Random, posts: list[tuple[Post, int]], now: datetime.datetime) -> None:
    """Spread the posts' histories over past days: published ones over the last months,
    the ones still in the workflow over the last days. Demo data only."""
    post_ids = [post.pk for post, _days in posts]
    moves: dict[int, list[PostTransition]] = {}
    for move in PostTransition.objects.filter(post_id__in=post_ids).order_by("at", "pk"):
        moves.setdefault(move.post_id, []).append(move)
    changed_posts, changed_moves = [], []
    for post, days_back in posts:
        history = moves.get(post.pk, [])
        in_workflow = post.state not in (S.PUBLISHED, S.HIDDEN, S.ARCHIVED)
        start = now - datetime.timedelta(
            days=rng.randint(1, 10) if in_workflow else rng.randint(2, days_back),
            hours=rng.randint(0, 8),
            minutes=rng.randint(0, 59),
        )
        at = start
        for move in history:
            if move.to_state in (S.HIDDEN, S.ARCHIVED):
                # Some time on the page first, but never in the future.
                at = min(at + datetime.timedelta(days=rng.randint(2, 20)), now)
            elif move.from_state:
                at = at + datetime.timedelta(minutes=rng.randint(20, 600))
            move.at = min(at, now)
            changed_moves.append(move)
            if move.to_state == S.PUBLISHED and move.from_state != S.HIDDEN:
                post.published_at = post.publish_at = move.at
        post.created_at = start
        post.updated_at = history[-1].at if history else start
        changed_posts.append(post)
    PostTransition.objects.bulk_update(changed_moves, ["at"], batch_size=500)
    Post.objects.bulk_update(
        changed_posts,
        ["created_at", "updated_at", "published_at", "publish_at"],
        batch_size=500,
    )


def ensure_posts(progress: Callable[[str], None] | None = None) -> int:
    """Create the demo posts once; returns how many were created (0 if they exist)."""
    ensure_default_regulation()
    desks = _desks()
    if not desks or Post.objects.filter(author__in=[d.author for d in desks]).exists():
        return 0
    rng = random.Random(SEED)
    now = timezone.now()
    states, weights = zip(*STATE_WEIGHTS.items(), strict=True)
    made: list[tuple[Post, int]] = []
    with transaction.atomic():
        for desk in desks:
            # Every state on every page; then the usual shares.
            plan = list(states) + rng.choices(states, weights, k=max(0, desk.count - len(states)))
            for state in plan:
                post = _write(rng, desk, S(state), now)
                days_back = next(t.days_back for t in THEMES if t.category == post.category.code)
                made.append((post, days_back))
            if progress:
                progress(f"  {len(plan)} posts on {desk.page.name}")
        _backdate(rng, made, now)
    return len(made)
