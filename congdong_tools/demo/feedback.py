"""Demo feedback (phản ánh, kiến nghị): a few hundred items sent by the demo citizens over the
last three weeks, mostly to the communes of Bắc Ninh, some to Hà Nội, in every state of the
handling graph — some still waiting and overdue, some escalated, transferred or reopened.

Everything goes through `congdong.feedback.actions` with a `now` in the past, so deadlines,
history and the access rules are exactly what the screens and the situation report read.
A move that would fall after the real now is not made: recent items are still in progress.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable

from django.utils import timezone

from congdong.accounts.models import AccountKind, User
from congdong.core.clock import WorkingCalendar
from congdong.feedback import actions
from congdong.feedback.models import Category, Feedback, RejectReason
from congdong.units.models import Level, Unit
from congdong_tools.demo.personas import CITIZEN, find_unit

SEED = 6_2026
ITEMS = 240
DAYS = 21

# Per category slug: what citizens write, then what the unit answers.
TEXTS: dict[str, tuple[list[str], list[str]]] = {
    "ha-tang-giao-thong": (
        [
            "Đường liên thôn {place} bị sụt lún, ổ gà nhiều sau mưa lớn, xe máy đi lại rất "
            "nguy hiểm, nhất là buổi tối. Đề nghị sớm sửa chữa.",
            "Đèn chiếu sáng công cộng trên tuyến đường {place} hỏng đã hơn hai tuần, trẻ em "
            "đi học thêm buổi tối rất bất tiện.",
            "Cống thoát nước tại {place} bị tắc, mỗi khi mưa nước tràn vào nhà dân. Đề nghị "
            "nạo vét trước mùa mưa bão.",
        ],
        [
            "UBND đã giao bộ phận địa chính – xây dựng kiểm tra hiện trường; dự kiến vá mặt "
            "đường trong tuần tới. Cảm ơn ông/bà đã phản ánh.",
            "Đơn vị quản lý chiếu sáng đã thay bóng và sửa tủ điện; đề nghị người dân tiếp tục "
            "theo dõi, phản ánh nếu còn hỏng.",
        ],
    ),
    "moi-truong": (
        [
            "Rác thải tồn đọng ở điểm tập kết {place} mấy ngày không được thu gom, bốc mùi hôi "
            "ảnh hưởng đến sinh hoạt của các hộ xung quanh.",
            "Một cơ sở sản xuất gần {place} xả khói và nước thải ra mương chung, đề nghị kiểm "
            "tra, xử lý ô nhiễm môi trường.",
        ],
        [
            "Đã làm việc với đơn vị thu gom, bổ sung một chuyến thu gom rác mỗi ngày tại điểm "
            "tập kết. Đề nghị các hộ để rác đúng giờ quy định.",
            "Đoàn kiểm tra liên ngành đã lập biên bản, yêu cầu cơ sở dừng xả thải và khắc phục "
            "trong 15 ngày; kết quả sẽ được thông báo công khai.",
        ],
    ),
    "dat-dai": (
        [
            "Gia đình tôi nộp hồ sơ cấp giấy chứng nhận quyền sử dụng đất tại {place} đã quá "
            "hạn nhưng chưa được trả kết quả, đề nghị cho biết lý do.",
            "Có hộ dân lấn chiếm hành lang đường tại {place} để xây dựng công trình tạm, đề "
            "nghị chính quyền kiểm tra.",
        ],
        [
            "Hồ sơ của gia đình còn thiếu trích đo địa chính; bộ phận một cửa đã liên hệ hướng "
            "dẫn bổ sung, dự kiến trả kết quả trong 10 ngày làm việc.",
            "Tổ kiểm tra trật tự xây dựng đã lập biên bản và yêu cầu tháo dỡ công trình lấn "
            "chiếm hành lang đường.",
        ],
    ),
    "an-ninh-trat-tu": (
        [
            "Thanh thiếu niên tụ tập, đua xe gây mất trật tự vào ban đêm tại {place}, đề nghị "
            "công an tăng cường tuần tra.",
            "Xuất hiện tình trạng cho vay nặng lãi, dán quảng cáo tín dụng đen ở {place}.",
        ],
        [
            "Công an đã bố trí tổ tuần tra vào khung giờ 22h–1h tại khu vực được phản ánh và "
            "sẽ xử lý nghiêm các trường hợp vi phạm.",
        ],
    ),
    "an-sinh-xa-hoi": (
        [
            "Hộ gia đình bà cụ neo đơn ở {place} thuộc diện khó khăn nhưng chưa được xét trợ "
            "cấp xã hội hằng tháng, đề nghị xem xét.",
            "Đề nghị hỗ trợ sửa nhà cho hộ nghèo tại {place}, mái nhà bị dột nặng.",
        ],
        [
            "Ban Công tác Mặt trận đã rà soát; hồ sơ trợ cấp của bà đã được hoàn thiện và trình "
            "UBND xét duyệt trong kỳ họp tháng này.",
            "Quỹ Vì người nghèo sẽ hỗ trợ 30 triệu đồng sửa nhà; đoàn viên thanh niên hỗ trợ "
            "ngày công.",
        ],
    ),
    "y-te": (
        [
            "Trạm y tế {place} thường xuyên thiếu thuốc bảo hiểm y tế cho người cao tuổi mắc "
            "bệnh mạn tính.",
        ],
        [
            "Trung tâm y tế đã bổ sung cơ số thuốc; từ tháng sau thuốc điều trị ngoại trú được "
            "cấp đủ 30 ngày mỗi lần khám.",
        ],
    ),
    "giao-duc": (
        [
            "Trường tiểu học {place} thu thêm nhiều khoản ngoài quy định đầu năm học, đề nghị "
            "làm rõ.",
        ],
        [
            "Phòng Giáo dục đã yêu cầu nhà trường công khai các khoản thu và hoàn trả khoản thu "
            "không đúng quy định.",
        ],
    ),
    "thu-tuc-hanh-chinh": (
        [
            "Làm thủ tục chứng thực tại bộ phận một cửa {place} phải chờ rất lâu, đề nghị bố trí "
            "thêm người tiếp nhận vào sáng thứ Hai.",
            "Dịch vụ công trực tuyến đăng ký khai sinh báo lỗi khi nộp hồ sơ, không thanh toán "
            "được lệ phí.",
        ],
        [
            "Bộ phận một cửa đã bố trí thêm một cán bộ tiếp nhận vào sáng thứ Hai và thứ Ba "
            "hằng tuần.",
        ],
    ),
    "thai-do-can-bo": (
        [
            "Cán bộ tiếp dân tại {place} có thái độ chưa đúng mực khi hướng dẫn thủ tục, đề "
            "nghị chấn chỉnh.",
        ],
        [
            "Lãnh đạo UBND đã làm việc với cán bộ liên quan, yêu cầu rút kinh nghiệm và xin "
            "lỗi công dân.",
        ],
    ),
    "khac": (
        [
            "Đề nghị tổ chức thêm các buổi tuyên truyền về phòng chống lừa đảo qua mạng cho "
            "người cao tuổi ở {place}.",
        ],
        [
            "Mặt trận phối hợp Đoàn Thanh niên sẽ tổ chức buổi tuyên truyền tại nhà văn hoá "
            "vào tối thứ Bảy tuần này.",
        ],
    ),
}
PLACES = ["thôn Đông", "thôn Đoài", "tổ dân phố số 3", "khu phố Hòa Đình", "xóm Chùa", "ngõ 12"]
WEIGHTS = {
    "ha-tang-giao-thong": 24,
    "moi-truong": 18,
    "dat-dai": 12,
    "an-ninh-trat-tu": 9,
    "an-sinh-xa-hoi": 10,
    "y-te": 6,
    "giao-duc": 5,
    "thu-tuc-hanh-chinh": 9,
    "thai-do-can-bo": 3,
    "khac": 4,
}
# Where each item ends up, if the real now allows: the handling graph's states.
FATES = {
    "waiting": 10,
    "reject": 7,
    "accepted": 8,
    "assigned": 14,
    "answered": 33,
    "closed": 14,
    "escalated": 6,
    "transferred": 4,
    "reopened": 4,
}


def ensure_feedback(progress: Callable[[str], None] = print, items: int = ITEMS) -> int:
    """Send and handle `items` demo items (once); returns how many items there are."""
    if Feedback.objects.exists():
        return Feedback.objects.count()
    rng = random.Random(SEED)
    now = timezone.now()
    calendar = WorkingCalendar()
    bac_ninh = find_unit("24")
    kinh_bac = find_unit("24/Kinh Bắc")
    hanoi = find_unit("01")
    communes = list(
        Unit.objects.in_subtree(bac_ninh).filter(level=Level.COMMUNE).order_by("code")[:12]
    )
    hanoi_communes = list(
        Unit.objects.in_subtree(hanoi).filter(level=Level.COMMUNE).order_by("code")[:4]
    )
    staff = {name: User.objects.get(username=name) for name in _HANDLERS.values()}
    citizens = list(
        User.objects.filter(kind=AccountKind.CITIZEN, phone_verified_at__isnull=False)
        .exclude(phone=CITIZEN["phone"])
        .order_by("pk")[:400]
    )
    categories = {c.slug: c for c in Category.objects.filter(slug__in=WEIGHTS)}
    you = User.objects.filter(phone=CITIZEN["phone"]).first()
    for n in range(items):
        # Where: Kinh Bắc most, the other Bắc Ninh communes, the province itself, Hà Nội.
        where = rng.random()
        if where < 0.3:
            unit = kinh_bac
        elif where < 0.8:
            unit = rng.choice(communes)
        elif where < 0.88:
            unit = bac_ninh
        else:
            unit = rng.choice(hanoi_communes)
        slug = rng.choices(list(WEIGHTS), weights=list(WEIGHTS.values()))[0]
        asks, answers = TEXTS[slug]
        text = rng.choice(asks).format(place=rng.choice(PLACES))
        sent = _working_moment(rng, now - datetime.timedelta(days=rng.uniform(0.05, DAYS)), now)
        who = you if (you is not None and n % 40 == 0) else rng.choice(citizens)
        item = actions.submit(
            who,
            unit.pk,
            categories[slug].pk,
            text,
            public=rng.random() < 0.7,
            consent=True,
            urgent=rng.random() < 0.08,
            location={"place": rng.choice(PLACES)},
            now=sent,
        )
        fate = rng.choices(list(FATES), weights=list(FATES.values()))[0]
        _handle(rng, item, fate, who, staff, calendar, now, answers, [*communes, kinh_bac])
        if (n + 1) % 60 == 0:
            progress(f"  feedback: {n + 1} of {items} items sent and handled")
    return Feedback.objects.count()


_HANDLERS = {"24/Kinh Bắc": "kinhbac.canbo", "24": "bacninh.quantri", "01": "hanoi.quantri"}


def _handler(item: Feedback, staff: dict[str, User]) -> User:
    """Who handles the item where it is now: Kinh Bắc's officer, else the province's admin."""
    if item.unit.name == "Kinh Bắc" and item.unit.level == Level.COMMUNE:
        return staff["kinhbac.canbo"]
    if item.unit.path.startswith(find_unit("01").path):
        return staff["hanoi.quantri"]
    return staff["bacninh.quantri"]


def _working_moment(
    rng: random.Random, moment: datetime.datetime, now: datetime.datetime
) -> datetime.datetime:
    """`moment` moved to a working day between 7:00 and 17:00 (Vietnam time), before `now`."""
    local = timezone.localtime(moment)
    local = local.replace(hour=rng.choice([7, 8, 9, 10, 13, 14, 15, 16]), minute=rng.randrange(60))
    # Early in the morning the hour drawn for today can still be to come: take an earlier day.
    while local.weekday() >= 5 or local >= now:
        local -= datetime.timedelta(days=1)
    return local


def _handle(
    rng: random.Random,
    item: Feedback,
    fate: str,
    citizen: User,
    staff: dict[str, User],
    calendar: WorkingCalendar,
    now: datetime.datetime,
    answers: list[str],
    communes: list[Unit],
) -> None:
    at = item.created_at

    def later(low_hours: float, high_hours: float) -> datetime.datetime | None:
        """A moment some working hours on; None once it would be after the real now."""
        nonlocal at
        at = calendar.add_working_hours(at, rng.uniform(low_hours, high_hours))
        return at if at < now else None

    if fate == "waiting":
        return
    if (when := later(0.5, 9 if rng.random() < 0.3 else 6)) is None:
        return  # still waiting: past its accept deadline if the officers were slow
    officer = _handler(item, staff)
    if fate == "reject":
        kind = rng.choice(list(RejectReason))
        reasons = {
            RejectReason.DUPLICATE: "Nội dung trùng với phản ánh đã tiếp nhận trước đó.",
            RejectReason.SPAM: "Nội dung không liên quan, mang tính quảng cáo.",
            RejectReason.OUT_OF_SCOPE: "Vụ việc đang được Toà án giải quyết, không thuộc "
            "thẩm quyền tiếp nhận.",
        }
        actions.reject(officer, item.pk, kind, reasons[kind], now=when)
        return
    if fate == "transferred":
        other = rng.choice([u for u in communes if u.pk != item.unit_id] or communes)
        actions.transfer(
            officer,
            item.pk,
            other.pk,
            f"Địa điểm phản ánh thuộc địa bàn {other.name}, chuyển đơn vị có thẩm quyền.",
            now=when,
        )
        return
    actions.accept(officer, item.pk, now=when)
    if fate == "accepted" or (when := later(1, 8)) is None:
        return
    if fate == "escalated" and item.unit.level == Level.COMMUNE:
        actions.escalate(
            officer,
            item.pk,
            "Vượt thẩm quyền giải quyết của cấp xã, đề nghị cấp tỉnh chỉ đạo.",
            now=when,
        )
        item.refresh_from_db()
        officer = _handler(item, staff)
        if (when := later(2, 10)) is None:
            return
    actions.assign(officer, item.pk, officer.pk, now=when)
    # Assigned items left waiting overdue: answer deadlines are 37.5 working hours.
    if fate == "assigned" or (when := later(4, 45 if rng.random() < 0.2 else 30)) is None:
        return
    actions.answer(officer, item.pk, rng.choice(answers), now=when)
    if fate in ("answered", "escalated"):
        return
    if (when := later(2, 20)) is None:
        return
    if fate == "reopened":
        actions.reopen(citizen, item.pk, "Đến nay sự việc vẫn chưa được khắc phục.", now=when)
        return
    actions.close(citizen, item.pk, now=when)
