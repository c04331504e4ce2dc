"""Demo takedown requests on the Hà Nội city page, from the bodies that send them — the city
police's cyber-security division and the city's Department of Culture and Sports, which manages
online information since the 2025 merger — each citing Decree 147/2024/NĐ-CP: one received
three hours ago (time left), one past its 24 hours (overdue: the worker alarms the unit above),
one acted on (the comment hidden) and one refused with its legal reason.

Recorded and decided by the persona `hanoi.kiemduyet` through `congdong.takedown.actions`, with
a `now` in the past; a request already recorded (same reference) is skipped, so running the
demo twice adds nothing.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from congdong.accounts.models import User
from congdong.takedown import actions
from congdong.takedown.models import TakedownRequest
from congdong_tools.demo.moderation import (
    MODERATOR,
    OPERATOR,
    city_page,
    demo_citizens,
    post_before,
    recent_posts,
    write_comment,
)

D = datetime.timedelta
POLICE = (
    "Công an thành phố Hà Nội (Phòng An ninh mạng và phòng, chống tội phạm sử dụng công nghệ cao)"
)
POLICE_CONTACT = "Đội 3, Phòng PA05 — 069 219 4xxx"
CULTURE = "Sở Văn hóa và Thể thao thành phố Hà Nội"
CULTURE_CONTACT = "Phòng Quản lý báo chí, xuất bản và thông tin điện tử — 024 3825 xxxx"


@dataclass(frozen=True)
class Request:
    authority: str
    contact: str
    reference: str
    legal_basis: str
    received: D  # how long ago
    body: str = ""  # a citizen's comment the request is about…
    author: int = 0  # …and who wrote it (an index into the demo citizens)
    post: int = -1  # …or one of the page's own posts
    act: str = ""  # what was done, if acted on
    refuse: str = ""  # the legal reason, if refused
    decided_hours: int = 0  # decided after how many hours


REQUESTS = [
    Request(
        POLICE,
        POLICE_CONTACT,
        "1245/CAHN-PA05",
        "Nghị định 147/2024/NĐ-CP, Điều 23 (gỡ bỏ thông tin vi phạm trong 24 giờ kể từ khi có "
        "yêu cầu); Luật An ninh mạng 2018, Điều 8 khoản 1 điểm d (đưa thông tin sai sự thật gây "
        "hoang mang trong nhân dân).",
        D(hours=3),
        body="Nghe tin một ngân hàng lớn ở Hà Nội sắp vỡ nợ, ai có tiền gửi thì rút hết ngay "
        "hôm nay kẻo mất trắng! Chia sẻ cho người nhà biết gấp.",
        author=7,
    ),
    Request(
        CULTURE,
        CULTURE_CONTACT,
        "318/SVHTT-QLBC",
        "Nghị định 147/2024/NĐ-CP, Điều 23; Luật Sở hữu trí tuệ, Điều 28 (xâm phạm quyền tác "
        "giả: chia sẻ đường dẫn phim chiếu rạp không được phép).",
        D(hours=30),
        body="Xem phim chiếu rạp mới nhất bản đẹp miễn phí, không quảng cáo, link ở trang cá "
        "nhân của mình nhé mọi người.",
        author=10,
    ),
    Request(
        POLICE,
        POLICE_CONTACT,
        "1187/CAHN-PA05",
        "Nghị định 147/2024/NĐ-CP, Điều 23; Bộ luật Hình sự, Điều 174 (dấu hiệu lừa đảo chiếm "
        "đoạt tài sản: mạo danh Ủy ban MTTQ kêu gọi chuyển tiền vào tài khoản cá nhân).",
        D(days=3),
        body="Ban vận động cứu trợ của Mặt trận thành phố thông báo: bà con ủng hộ đồng bào "
        "vùng lũ xin chuyển khoản vào số tài khoản 0451 xxxx 999 (Trần Thị H.) để kịp chuyển "
        "hàng đi ngay trong tuần.",
        author=12,
        act="Đã ẩn bình luận, lưu ảnh chụp màn hình và thông tin tài khoản làm chứng cứ, gửi "
        "Công an thành phố kèm văn bản số 64/MTTQ-BTT.",
        decided_hours=6,
    ),
    Request(
        CULTURE,
        CULTURE_CONTACT,
        "295/SVHTT-QLBC",
        "Nghị định 147/2024/NĐ-CP, Điều 23 (yêu cầu gỡ bài viết có thông tin chưa được kiểm "
        "chứng về số liệu hỗ trợ).",
        D(days=6),
        post=1,
        refuse="Bài viết là tin chính thức của Ủy ban MTTQ Việt Nam thành phố Hà Nội; số liệu "
        "hỗ trợ đã được Ban Thường trực thông qua và công khai tại trụ sở. Nội dung không thuộc "
        "các hành vi bị cấm tại Điều 8 Luật An ninh mạng nên không gỡ; đã có văn bản trả lời số "
        "57/MTTQ-BTT gửi Sở.",
        decided_hours=20,
    ),
]


def ensure_takedowns(now: datetime.datetime | None = None) -> int:
    """Record (and decide) the demo's requests once; returns how many this call recorded."""
    now = now or timezone.now()
    page = city_page()
    people = demo_citizens()
    staff = {u.username: u for u in User.objects.filter(username__in=[MODERATOR, OPERATOR])}
    posts = recent_posts(page) if page is not None else []
    if not posts or len(staff) < 2 or len(people) <= max(r.author for r in REQUESTS):
        return 0  # a partial database (a test that loaded only some of the demo)
    moderator = staff[MODERATOR]
    made = 0
    for request in REQUESTS:
        if TakedownRequest.objects.filter(reference=request.reference).exists():
            continue
        received = now - request.received
        if request.post >= 0:
            kind, target = "post", post_before(posts, received, request.post)
        else:
            written = received - D(hours=9)
            kind, post = "comment", post_before(posts, written, 0)
            if post is None:
                continue
            target, _created = write_comment(
                people[request.author], post, request.body, written, staff[OPERATOR]
            )
        if target is None:
            continue
        fields = {
            "authority": request.authority,
            "reference": request.reference,
            "contact": request.contact,
            "legal_basis": request.legal_basis,
            "target_kind": kind,
            "target_id": target.pk,
            "received_at": received,
        }
        item = actions.intake(moderator, fields, now=received + D(minutes=20))
        made += 1
        decided = received + D(hours=request.decided_hours)
        if request.act:
            actions.act(moderator, item.pk, request.act, now=decided)
        elif request.refuse:
            actions.refuse(moderator, item.pk, request.refuse, now=decided)
    return made
