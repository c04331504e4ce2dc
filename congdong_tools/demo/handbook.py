"""Demo handbook and experience board: the information regulation and two guides as handbook
pages (the regulation with a second revision, so the history has something to compare), and
posts from Bắc Ninh's communes and province with answers and an accepted proposal.

The pages say only what the source says: the press report of the national conference of
5 August 2022 launching the Front's community pages (figures quoted as reported), and the
rules congdong itself enforces (the default regulation's categories, approval levels and
phrases; the feedback deadlines from the settings), so they never drift from the software.
Everything is made through `congdong.handbook.actions`.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from congdong.accounts.actions import Grant, do_grant
from congdong.accounts.models import AccountKind, Membership, Organisation, User
from congdong.accounts.roles import Role
from congdong.handbook import actions
from congdong.handbook.models import (
    BoardKind,
    BoardPost,
    BoardState,
    HandbookPage,
    PageKind,
    RevisionState,
)
from congdong.posts.default_regulation import DEFAULT_CATEGORIES, DEFAULT_PHRASES
from congdong.posts.models import ApprovalLevel, PhraseAction
from congdong.units.models import Level, Unit
from congdong_tools.demo.personas import DEMO_PASSWORD, find_unit

# The central unit admin who keeps the handbook (no persona holds that role), and operators
# of Bắc Ninh communes besides kinhbac.canbo: (username, full name, unit lookup, role).
HANDBOOK_ADMIN = ("tw.quantri", "Lương Thị Thu", "TW", Role.UNIT_ADMIN)
# A second central admin publishes the versions the first one writes (four eyes: nobody
# publishes a handbook version they wrote).
HANDBOOK_PUBLISHER = ("tw.banhanh", "Đặng Quốc Bảo", "TW", Role.UNIT_ADMIN)
OPERATORS = [
    ("quevo.canbo", "Nguyễn Đình Khôi", "24/Quế Võ", Role.EDITOR),
    ("giabinh.canbo", "Trần Thị Huyền", "24/Gia Bình", Role.EDITOR),
    ("tuson.canbo", "Ngô Quang Thắng", "24/Từ Sơn", Role.EDITOR),
]

APPROVAL = {
    ApprovalLevel.SAME_UNIT: "Cấp đăng tin",
    ApprovalLevel.UNIT_ABOVE: "Cấp trên trực tiếp",
    ApprovalLevel.PROVINCE: "Cấp tỉnh",
    ApprovalLevel.CENTRAL: "Trung ương",
}
HOUR = datetime.timedelta(hours=1)
LEVEL_NAME = {Level.COMMUNE: "cấp xã", Level.PROVINCE: "cấp tỉnh", Level.DISTRICT: "cấp huyện"}


def _yes(flag: bool) -> str:
    return "Có" if flag else "Không"


def regulation_text(second: bool = False) -> str:
    """The regulation page, from the default regulation (version 1) the posts app enforces.
    `second` adds the paragraph the demo's second revision brings."""
    rows = []
    notes = []
    for _code, name, level, source, revision, overrides in DEFAULT_CATEGORIES:
        rows.append(f"| {name} | {APPROVAL[level]} | {_yes(source)} | {_yes(revision)} |")
        for posting, approval in overrides.items():
            notes.append(
                f"- Chuyên mục *{name}*: tin của {LEVEL_NAME[Level(posting)]} do "
                f"{APPROVAL[approval].lower()} duyệt."
            )
    blocked = [f"- “{p}”" for p, action in DEFAULT_PHRASES if action == PhraseAction.BLOCK]
    warned = [f"- “{p}”" for p, action in DEFAULT_PHRASES if action == PhraseAction.WARN]
    donations = (
        "\n\n**Kêu gọi ủng hộ.** Mọi tin bài kêu gọi ủng hộ, cứu trợ chỉ ghi số tài khoản "
        "chính thức của Ủy ban Mặt trận Tổ quốc Việt Nam các cấp; cấp trên trực tiếp kiểm tra "
        "số tài khoản trước khi duyệt. Đã có trang giả mạo trang chính thức của Mặt trận kêu "
        "gọi chuyển tiền vào tài khoản cá nhân: khi phát hiện, báo ngay cho cấp trên."
        if second
        else ""
    )
    return "\n".join(
        [
            "Quy chế thông tin, tuyên truyền trong hệ thống Trang cộng đồng (Fanpage) của "
            "Mặt trận Tổ quốc Việt Nam các cấp được phổ biến, quán triệt tại Hội nghị trực "
            "tuyến toàn quốc ngày 05/8/2022. Trang này nêu các quy định đang được áp dụng "
            "trên hệ thống (phiên bản 1, hiệu lực từ 01/7/2025): hệ thống tự kiểm tra các quy "
            "định này khi cán bộ gửi và duyệt tin bài.",
            "",
            "## 1. Phạm vi áp dụng",
            "",
            "Trang cộng đồng của Mặt trận Tổ quốc Việt Nam ở Trung ương, tỉnh, thành phố và "
            "xã, phường, đặc khu; cán bộ Mặt trận và đoàn viên Đoàn Thanh niên phối hợp thành "
            "lập, quản lý, vận hành trang.",
            "",
            "## 2. Tên trang",
            "",
            "Tên trang gồm “Mặt trận Tổ quốc Việt Nam”, loại đơn vị và tên địa phương, ví dụ "
            "“Mặt trận Tổ quốc Việt Nam tỉnh Bắc Ninh”, “Mặt trận Tổ quốc Việt Nam phường Kinh "
            "Bắc”. Trang của Trung ương là “Mặt trận Tổ quốc Việt Nam”. Trang chính thức có dấu "
            "xác nhận; không lập trang khác mang tên đơn vị.",
            "",
            "## 3. Chuyên mục và cấp duyệt tin",
            "",
            "Mỗi tin bài thuộc một chuyên mục và chỉ được đăng sau khi được duyệt ở cấp ghi "
            "trong bảng. Người viết tin không tự duyệt tin của mình.",
            "",
            "| Chuyên mục | Cấp duyệt | Bắt buộc dẫn nguồn | Sửa tin đã đăng phải duyệt lại |",
            "|---|---|---|---|",
            *rows,
            "",
            *notes,
            "",
            "## 4. Cụm từ bị chặn, cụm từ cần xem lại",
            "",
            "Tin bài có các cụm từ sau không được gửi duyệt:",
            "",
            *blocked,
            "",
            "Tin bài có các cụm từ sau được cảnh báo để người viết, người duyệt kiểm tra lại "
            "nguồn tin:",
            "",
            *warned,
            donations,
            "",
            "## 5. Đăng tin đồng loạt, chia sẻ lại",
            "",
            "Cấp trên có thể đăng đồng loạt một tin đã duyệt xuống các trang cấp dưới, hoặc "
            "giao nhiệm vụ chia sẻ lại có thời hạn. Trang cấp dưới hoàn thành nhiệm vụ đúng hạn; "
            "cấp trên theo dõi tỷ lệ hoàn thành theo từng cấp.",
        ]
    )


OPERATING_GUIDE = """\
## 1. Bối cảnh

Ngày 05/8/2022, Ủy ban Trung ương Mặt trận Tổ quốc Việt Nam tổ chức Hội nghị trực tuyến toàn \
quốc về triển khai “Trang cộng đồng” (Fanpage) của hệ thống Mặt trận Tổ quốc Việt Nam các cấp.

Từ tháng 11/2021, thực hiện chỉ đạo của Ban Thường trực Ủy ban Trung ương MTTQ Việt Nam về việc \
triển khai xây dựng hệ thống Fanpage của Mặt trận các cấp và đẩy mạnh tuyên truyền trên mạng xã \
hội, Mặt trận các cấp đã tích cực phối hợp với Đoàn Thanh niên thành lập, quản lý, vận hành trang \
Fanpage và tổ chức tuyên truyền về các hoạt động của Mặt trận các cấp. Theo số liệu thống kê, rà \
soát nêu tại Hội nghị:

- 63/63 tỉnh, thành phố đã xây dựng, vận hành Fanpage Mặt trận cấp tỉnh;
- 77,8% đơn vị thành lập Fanpage Mặt trận cấp huyện; 54,5% đơn vị thành lập Fanpage Mặt trận \
cấp xã;
- tại tỉnh Bắc Ninh, Fanpage MTTQ đã được thành lập từ tỉnh xuống cơ sở;
- Fanpage Ủy ban Trung ương MTTQ Việt Nam có 108.472 lượt giới thiệu, 12.414 tài khoản đăng ký \
theo dõi, 1.833 tin bài được đăng tải, thu hút hơn 48 triệu lượt tiếp cận thông tin.

Việc xây dựng và vận hành Fanpage góp phần phục vụ hiệu quả công tác tuyên truyền, tập hợp thông \
tin báo cáo, tình hình nhân dân của hệ thống Mặt trận các cấp.

## 2. Vai trò trên hệ thống

Vai trò được giao trên một đơn vị có hiệu lực với đơn vị đó và mọi đơn vị cấp dưới; không có \
hiệu lực với đơn vị ngang cấp hay cấp trên.

| Vai trò | Công việc |
|---|---|
| Quản trị đơn vị | Thiết lập trang, giao và thu hồi vai trò; làm được mọi việc của đơn vị |
| Biên tập viên | Soạn tin bài, gửi duyệt |
| Người duyệt tin | Duyệt hoặc từ chối tin bài (ghi rõ lý do), đăng hoặc hẹn giờ đăng |
| Cán bộ tiếp nhận phản ánh | Tiếp nhận, xử lý, trả lời phản ánh, kiến nghị của người dân |
| Kiểm duyệt viên | Kiểm duyệt bình luận của người dân |
| Cán bộ thống kê | Xem số liệu: lượt giới thiệu, người theo dõi, lượt tiếp cận, lượt tương tác |

Đoàn viên Đoàn Thanh niên được giao cùng vận hành trang của đơn vị.

## 3. Đăng một tin bài

1. Biên tập viên chọn chuyên mục, soạn tiêu đề, nội dung, dẫn nguồn khi chuyên mục yêu cầu.
2. Gửi duyệt: hệ thống kiểm tra quy chế (cụm từ bị chặn, nguồn) và báo ngay chỗ cần sửa.
3. Người duyệt ở cấp theo quy chế duyệt hoặc từ chối kèm lý do; tin bị từ chối được sửa và \
gửi lại.
4. Tin đã duyệt được đăng ngay hoặc hẹn giờ đăng.

## 4. Nhiệm vụ từ cấp trên

Tin đăng đồng loạt xuất hiện trên trang của đơn vị, có ghi nguồn cấp trên. Nhiệm vụ chia sẻ lại \
nằm trong mục “Đăng tin xuống cấp dưới” của trang làm việc: hoàn thành trước hạn chót.

## 5. Chia sẻ kinh nghiệm

Kinh nghiệm, cách làm hay, khó khăn, bất cập và đề xuất giải pháp gửi lên mục “Trao đổi kinh \
nghiệm”: cấp trên trả lời và cho ý kiến về từng đề xuất.
"""


def feedback_guide() -> str:
    """Handling citizen feedback, with the deadlines the settings give."""
    accept = f"{settings.FEEDBACK_ACCEPT_HOURS:g}".replace(".", ",")
    urgent = f"{settings.FEEDBACK_URGENT_ACCEPT_HOURS:g}".replace(".", ",")
    answer = f"{settings.FEEDBACK_ANSWER_HOURS:g}".replace(".", ",")
    return f"""\
## 1. Tiếp nhận

Người dân đã xác thực số điện thoại gửi phản ánh, kiến nghị tới đơn vị và nhận **mã theo dõi**. \
Đơn vị tiếp nhận hoặc từ chối trong **{accept} giờ làm việc** (phản ánh khẩn: **{urgent} giờ \
làm việc**). Giờ làm việc: thứ Hai đến thứ Sáu, 7 giờ 30 – 11 giờ 30 và 13 giờ 30 – 17 giờ, trừ \
ngày nghỉ lễ, Tết.

Từ chối khi phản ánh ngoài phạm vi, trùng lặp hoặc là tin rác, quấy rối; lý do được ghi lại và \
người gửi đọc được.

## 2. Xử lý, trả lời

1. Phân công một cán bộ tiếp nhận phản ánh của đơn vị.
2. Trả lời trong **{answer} giờ làm việc** kể từ khi nhận.
3. Phản ánh không thuộc thẩm quyền: **chuyển lên cấp trên** (ghi lý do) hoặc **chuyển đơn vị \
khác** khi gửi nhầm xã, phường.

Phản ánh quá hạn được đánh dấu và báo cho cấp trên.

## 3. Sau khi trả lời

Người gửi có thể mở lại trong {settings.FEEDBACK_REOPEN_DAYS} ngày nếu chưa hài lòng; nếu không, \
phản ánh tự đóng sau {settings.FEEDBACK_CLOSE_AFTER_DAYS} ngày. Phản ánh người gửi cho phép công \
khai được đăng ở mục “Trả lời phản ánh, kiến nghị” của trang, **không kèm danh tính người gửi**.

## 4. Bảo vệ dữ liệu cá nhân

- Người gửi đồng ý xử lý dữ liệu cá nhân khi gửi (Luật Bảo vệ dữ liệu cá nhân số 91/2025/QH15).
- Ý kiến chính trị là dữ liệu nhạy cảm (Nghị định 356/2025/NĐ-CP): chỉ cán bộ xử lý xem từng \
phản ánh; cán bộ thống kê xem số liệu tổng hợp. Mọi lần mở phản ánh đều được ghi nhật ký.
"""


# (slug, title, kind, order, text)
PAGES = [
    (
        "quy-che-thong-tin-tuyen-truyen",
        "Quy chế thông tin, tuyên truyền trên Trang cộng đồng",
        PageKind.REGULATION,
        10,
        regulation_text,
    ),
    (
        "huong-dan-quan-ly-van-hanh",
        "Hướng dẫn quản lý, vận hành Trang cộng đồng",
        PageKind.GUIDE,
        20,
        lambda: OPERATING_GUIDE,
    ),
    (
        "huong-dan-tiep-nhan-phan-anh",
        "Hướng dẫn tiếp nhận, xử lý phản ánh, kiến nghị",
        PageKind.GUIDE,
        30,
        feedback_guide,
    ),
]


# (author, unit lookup, kind, title, body, days ago, answers [(who, text)], decision)
POSTS = [
    (
        "kinhbac.canbo",
        "24/Kinh Bắc",
        BoardKind.PROPOSAL,
        "Đề xuất tập huấn viết tin, chụp ảnh cho Ban công tác Mặt trận khu dân cư",
        "Nhiều tin do các khu phố gửi lên còn thiếu thời gian, địa điểm, ảnh mờ hoặc chưa ghi "
        "tên người trong ảnh, phường phải biên tập lại mất nhiều thời gian. Đề nghị Ủy ban "
        "MTTQ tỉnh tổ chức lớp tập huấn ngắn (nửa ngày) về viết tin, chụp ảnh bằng điện thoại "
        "cho Trưởng ban công tác Mặt trận các khu dân cư.",
        20,
        [
            (
                "bacninh.quantri",
                "Ban Thường trực tỉnh ghi nhận. Tỉnh sẽ tổ chức tập huấn theo cụm phường, xã "
                "trong quý tới; phường Kinh Bắc chuẩn bị danh sách học viên.",
            )
        ],
        (
            "bacninh.quantri",
            BoardState.ACCEPTED,
            "Đưa vào kế hoạch tập huấn của tỉnh; mỗi phường, xã cử 3–5 học viên.",
        ),
    ),
    (
        "quevo.canbo",
        "24/Quế Võ",
        BoardKind.EXPERIENCE,
        "Phát trực tiếp Ngày hội Đại đoàn kết ở khu phố: kinh nghiệm từ Quế Võ",
        "Phường giao mỗi khu phố một đoàn viên thanh niên quay, phát trực tiếp phần lễ; cán bộ "
        "phường duyệt nội dung giới thiệu trước một ngày. Lượt tiếp cận tăng gấp ba so với đăng "
        "ảnh sau sự kiện. Lưu ý: kiểm tra sóng điện thoại tại địa điểm từ hôm trước và chuẩn "
        "bị sạc dự phòng.",
        12,
        [
            (
                "bacninh.quantri",
                "Cách làm hay. Đề nghị phường gửi bản hướng dẫn ngắn để tỉnh chia sẻ cho các xã, "
                "phường khác trước Ngày hội năm sau.",
            )
        ],
        None,
    ),
    (
        "giabinh.canbo",
        "24/Gia Bình",
        BoardKind.DIFFICULTY,
        "Sau sắp xếp, một cán bộ quản lý nội dung cho địa bàn ba xã cũ",
        "Xã Gia Bình mới gồm địa bàn của ba xã cũ, nhưng chỉ có một cán bộ phụ trách trang cộng "
        "đồng kiêm nhiệm nhiều việc. Tin từ các thôn xa gửi về chậm, nhiều ngày trang không có "
        "tin mới.",
        8,
        [
            (
                "bacninh.quantri",
                "Đề nghị xã giao thêm đoàn viên Đoàn Thanh niên cùng vận hành trang và lập nhóm "
                "cộng tác viên ở các thôn; tỉnh sẽ hướng dẫn cách phân quyền trên hệ thống.",
            )
        ],
        None,
    ),
    (
        "tuson.canbo",
        "24/Từ Sơn",
        BoardKind.PROPOSAL,
        "Đề xuất có mẫu tin bài cho Tháng cao điểm “Vì người nghèo”",
        "Đề nghị tỉnh soạn sẵn một số mẫu tin (phát động, tiếp nhận ủng hộ, trao nhà Đại đoàn "
        "kết) có ghi đúng số tài khoản chính thức của Ủy ban MTTQ, để các phường, xã sử dụng "
        "thống nhất, tránh sai sót về tài khoản nhận ủng hộ.",
        4,
        [],
        None,
    ),
    (
        "bacninh.quantri",
        "24",
        BoardKind.PROPOSAL,
        "Đề xuất cảnh báo khi phát hiện trang giả mạo trang chính thức của Mặt trận",
        "Tỉnh đã phát hiện trang mạo danh Mặt trận một xã kêu gọi chuyển tiền vào tài khoản cá "
        "nhân. Đề nghị Trung ương có chức năng để các cấp báo cáo trang giả mạo và thông báo "
        "đồng loạt cho người theo dõi các trang chính thức trong tỉnh.",
        2,
        [
            (
                "tw.bientap",
                "Trung ương ghi nhận, sẽ nghiên cứu đưa vào kế hoạch nâng cấp hệ thống; trước "
                "mắt đề nghị tỉnh đăng tin cảnh báo trên trang của tỉnh.",
            )
        ],
        None,
    ),
]


def _staff(username: str, full_name: str, lookup: str, role: Role, login: bool) -> User:
    user, created = User.objects.get_or_create(
        username=username, defaults={"full_name": full_name, "kind": AccountKind.STAFF}
    )
    if created:
        if login:
            user.set_password(DEMO_PASSWORD)
        else:
            user.set_unusable_password()  # authors in the demo's history, not logins
        user.save(update_fields=["password"])
    unit: Unit = find_unit(lookup)
    if not Membership.objects.filter(user=user, unit=unit, role=role).exists():
        org = Organisation.objects.get(code=Organisation.Code.FRONT)
        do_grant(None, Grant(unit=unit, user=user, organisation=org, role=role))
    return user


def ensure_handbook() -> dict[str, int]:
    """Create the demo handbook pages and board posts once (after `ensure_personas`);
    returns how many of each were created now."""
    now = timezone.now()
    made = {"pages": 0, "posts": 0}
    with transaction.atomic():
        admin = _staff(*HANDBOOK_ADMIN, login=True)
        publisher = _staff(*HANDBOOK_PUBLISHER, login=True)
        for slug, title, kind, order, text in PAGES:
            if HandbookPage.objects.filter(slug=slug).exists():
                continue
            created_at = now - datetime.timedelta(days=60 - order)
            actions.create_page(
                admin, slug, title, text(), kind=kind, order=order, note="Ban hành", now=created_at
            )
            actions.decide_version(
                publisher, slug, 1, RevisionState.PUBLISHED, now=created_at + HOUR
            )
            made["pages"] += 1
            if kind == PageKind.REGULATION:
                later = created_at + datetime.timedelta(days=15)
                revision = actions.edit_page(
                    admin,
                    slug,
                    title,
                    regulation_text(second=True),
                    note="Bổ sung quy định về tài khoản nhận ủng hộ",
                    now=later,
                )
                actions.decide_version(
                    publisher, slug, revision.number, RevisionState.PUBLISHED, now=later + HOUR
                )
        if BoardPost.objects.exists():
            return made
        for username, full_name, lookup, role in OPERATORS:
            _staff(username, full_name, lookup, role, login=False)
        users = {u.username: u for u in User.objects.filter(kind=AccountKind.STAFF)}
        for author, lookup, kind, title, body, days, answers, decision in POSTS:
            at = now - datetime.timedelta(days=days, hours=3)
            post = actions.create_post(users[author], find_unit(lookup).pk, kind, title, body, at)
            for hours, (who, text) in enumerate(answers, start=1):
                actions.reply(users[who], post.pk, text, now=at + datetime.timedelta(hours=hours))
            if decision is not None:
                who, state, note = decision
                actions.decide(
                    users[who], post.pk, state, note, now=at + datetime.timedelta(days=1)
                )
            made["posts"] += 1
    return made
