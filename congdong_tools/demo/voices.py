"""What the demo's citizens are called and what they write: Vietnamese full names (family names
by their real frequency), mobile numbers on real network prefixes, birthdays, and the short
comments, replies and page answers of a commune page."""

from __future__ import annotations

import datetime
import random

# Family names by their share of the population (Nguyễn about 38 %).
FAMILY = {
    "Nguyễn": 38, "Trần": 11, "Lê": 9.5, "Phạm": 7, "Hoàng": 4, "Huỳnh": 1.5, "Phan": 4.5,
    "Vũ": 3.5, "Võ": 2.5, "Đặng": 2.1, "Bùi": 2, "Đỗ": 1.4, "Hồ": 1.3, "Ngô": 1.3,
    "Dương": 1, "Lý": 0.5, "Đinh": 0.9, "Trịnh": 0.8, "Đào": 0.8, "Mai": 0.5, "Lương": 0.4,
}  # fmt: skip
MIDDLE = {
    "m": ["Văn", "Minh", "Đức", "Quang", "Hữu", "Thành", "Công", "Xuân", "Tuấn", "Hoàng",
          "Gia", "Mạnh", "Ngọc", "Trung", "Anh"],
    "f": ["Thị", "Ngọc", "Thu", "Thanh", "Minh", "Phương", "Hồng", "Bích", "Thùy", "Kim",
          "Mai", "Khánh", "Diệu", "Hải"],
}  # fmt: skip
GIVEN = {
    "m": ["Hùng", "Dũng", "Tuấn", "Minh", "Nam", "Hải", "Long", "Quân", "Hiếu", "Thắng", "Sơn",
          "Tùng", "Phong", "Khoa", "Bình", "Cường", "Đạt", "Huy", "Khánh", "Trung", "Việt",
          "Thành", "Lâm", "Hưng", "Kiên", "Tiến", "Toàn", "Duy", "An", "Bảo", "Phúc", "Hoàng",
          "Quang", "Thịnh", "Vinh", "Đức", "Trọng", "Nghĩa", "Lộc", "Tú"],
    "f": ["Lan", "Hương", "Hoa", "Mai", "Linh", "Trang", "Hà", "Thảo", "Ngọc", "Huyền",
          "Nhung", "Yến", "Hạnh", "Phương", "Thủy", "Vân", "Loan", "Oanh", "Nga", "Hằng", "Anh",
          "Châu", "Giang", "Quỳnh", "Tâm", "Dung", "Hiền", "Chi", "Nhi", "Vy", "Huệ", "Liên",
          "My", "Trâm", "Xuân", "Thơ", "Lụa", "Duyên"],
}  # fmt: skip
# Mobile prefixes (after 0 / +84) by network, networks by market share.
PREFIXES = [
    (52, ["86", "96", "97", "98", "32", "33", "34", "35", "36", "37", "38", "39"]),  # Viettel
    (26, ["88", "91", "94", "81", "82", "83", "84", "85"]),  # VinaPhone
    (22, ["90", "93", "70", "76", "77", "78", "79"]),  # MobiFone
]


def full_name(rng: random.Random, born: int) -> str:
    sex = rng.choice("mf")
    # Văn and Thị were the middle names of most people born before the 1980s.
    plain = 0.75 if born < 1975 else 0.35 if born < 1990 else 0.15
    if rng.random() < plain:
        middle = "Văn" if sex == "m" else "Thị"
        if sex == "f" and rng.random() < 0.15:
            middle += " " + rng.choice(MIDDLE["f"][1:])  # Nguyễn Thị Thu Hà
    else:
        middle = rng.choice(MIDDLE[sex][1:])
    family = rng.choices(list(FAMILY), list(FAMILY.values()))[0]
    return f"{family} {middle} {rng.choice(GIVEN[sex])}"


def phones(rng: random.Random, count: int) -> list[str]:
    """Distinct mobile numbers in E.164 ("+84" and 9 digits: 10 digits with the leading 0)."""
    weights = [w for w, _prefixes in PREFIXES]
    seen: set[str] = set()
    out = []
    while len(out) < count:
        prefix = rng.choice(rng.choices([p for _w, p in PREFIXES], weights)[0])
        phone = f"+84{prefix}{rng.randrange(10**7):07d}"
        if phone not in seen:
            seen.add(phone)
            out.append(phone)
    return out


def birthday(rng: random.Random) -> datetime.date:
    year = round(rng.triangular(1950, 2007, 1984))
    return datetime.date(year, 1, 1) + datetime.timedelta(days=rng.randrange(365))


# --- comments --------------------------------------------------------------------------------

# (kind, text). Kinds pair comments with the page's answers.
SAYINGS = {
    "default": [
        ("thanks", "Cảm ơn Ban công tác Mặt trận đã thông tin kịp thời ạ."),
        ("thanks", "Hoạt động rất ý nghĩa, mong được tiếp tục phát huy."),
        ("thanks", "Cảm ơn các cô chú, anh chị cán bộ Mặt trận đã vất vả vì bà con."),
        ("thanks", "Rất thiết thực, gia đình tôi xin cảm ơn."),
        ("thanks", "Tuyệt vời quá, {khu} nhà mình cũng nên làm như vậy."),
        ("question:where", "Cho em hỏi buổi này tổ chức ở nhà văn hóa nào ạ?"),
        ("question:where", "Mấy giờ bắt đầu vậy ạ? Người ngoài {khu} có được tham gia không?"),
        ("question", "Người cao tuổi không đi lại được thì có ai đến tận nhà hỗ trợ không ạ?"),
        ("question:list", "Bao giờ có danh sách công khai vậy ạ?"),
        ("suggestion", "Đề nghị tổ chức vào sáng Chủ nhật để người đi làm cũng tham gia được."),
        ("suggestion", "Đề nghị dán thông báo ở nhà văn hóa {khu} cho các cụ không dùng mạng."),
        ("suggestion", "Đề nghị phường bố trí thêm thùng rác ở đầu ngõ, tối hay có người đổ trộm."),
        ("suggestion", "Đề nghị lắp thêm đèn đường đoạn từ {khu} ra cánh đồng, tối rất tối."),
        ("report", "Đoạn đường từ {khu} ra chợ bị ngập mỗi khi mưa to, mong các cấp quan tâm."),
        ("report", "Cống thoát nước cuối ngõ ở {khu} bị tắc lâu rồi, mùi rất khó chịu."),
        ("report", "Ở {khu} có mấy hộ đốt rơm rạ gây khói, ảnh hưởng người già và trẻ nhỏ."),
        ("report", "Hôm qua có người lạ gõ cửa từng nhà xin quyên góp, xưng là của Mặt trận, "
                   "mọi người cẩn thận."),
    ],
    "cuu-tro": [
        ("thanks", "Thương bà con vùng lũ quá, mong mọi người sớm ổn định cuộc sống."),
        ("thanks", "Gia đình tôi đã ủng hộ qua tài khoản chính thức của Ủy ban MTTQ rồi ạ."),
        ("question", "Cho hỏi ủng hộ hiện vật (gạo, nước, quần áo) thì mang đến đâu ạ?"),
        ("question:money", "Số tài khoản chính thức để ủng hộ là số nào ạ? Tôi muốn chuyển khoản."),
        ("suggestion", "Đề nghị công khai danh sách ủng hộ theo từng đợt để bà con theo dõi."),
    ],
    "an-sinh-xa-hoi": [
        ("question:papers", "Xin hỏi hộ cận nghèo có được xét hỗ trợ sửa nhà không ạ?"),
        ("question:papers", "Hồ sơ xin hỗ trợ nộp ở đâu, có cần bản sao công chứng không ạ?"),
        ("suggestion", "Đề nghị ưu tiên các cụ già neo đơn ở {khu}."),
        ("thanks", "Nhà Đại đoàn kết xây đẹp quá, chúc mừng gia đình!"),
    ],
    "phan-bac-tin-gia": [
        ("thanks", "Nhà tôi cũng nhận được tin nhắn lạ như vậy, may mà đọc được bài này."),
        ("thanks", "Cảm ơn đã cảnh báo, tôi sẽ chia sẻ cho người thân trong gia đình."),
        ("question:fake", "Làm sao phân biệt trang thật với trang giả mạo ạ?"),
        ("report", "Trên nhóm Zalo của {khu} có người chia sẻ tin này, tôi đã nhắc mọi người."),
    ],
    "bau-cu": [
        ("question:list", "Cho hỏi danh sách cử tri niêm yết ở đâu ạ?"),
        ("question", "Người đi làm ăn xa thì bỏ phiếu thế nào ạ?"),
        ("thanks", "Hội nghị tổ chức chu đáo, cử tri được phát biểu thoải mái."),
    ],
    "chinh-sach-phap-luat": [
        ("question:papers", "Bố tôi 82 tuổi thì có được cấp thẻ bảo hiểm y tế miễn phí không ạ?"),
        ("question:law", "Quy định này áp dụng từ ngày nào ạ?"),
        ("thanks", "Bài viết dễ hiểu, cảm ơn Mặt trận đã giải thích."),
    ],
    "guong-nguoi-tot": [
        ("thanks", "Thật đáng trân trọng! Chúc bác luôn mạnh khỏe."),
        ("thanks", "Những tấm gương như thế này cần được lan tỏa nhiều hơn."),
        ("thanks", "Em biết bác ấy, bác sống rất tình cảm với hàng xóm."),
    ],
    "dai-doan-ket": [
        ("thanks", "Năm nay ngày hội ở {khu} vui lắm, có cả thi nấu cơm và kéo co."),
        ("question:when", "Năm sau có tổ chức thi văn nghệ giữa các khu không ạ?"),
    ],
    "giam-sat-phan-bien": [
        ("suggestion", "Mong kết quả giám sát được công khai sớm cho bà con biết."),
        ("report", "Nhà tôi nộp hồ sơ từ tháng trước mà chưa có kết quả."),
    ],
    "hoat-dong-mat-tran": [
        ("question:when", "Phiên chợ hàng Việt lần sau tổ chức khi nào ạ?"),
        ("thanks", "Khu phố sạch đẹp hẳn, cảm ơn các đoàn viên thanh niên."),
    ],
}  # fmt: skip
OPENINGS = ["", "", "", "Dạ, ", "Em chào anh chị, ", "Chào Ban công tác Mặt trận, "]
ENDINGS = ["", "", "", " 👍", " 🙏", " ❤️"]
# Citizens answering each other, by what the comment answered was.
REPLIES = {
    "question:where": ["Ở nhà văn hóa {khu} đó bạn, sáng 7 giờ 30 bắt đầu."],
    "question": [
        "Mình cũng thắc mắc giống bạn.",
        "Bạn gọi đường dây nóng của {place} là được hướng dẫn.",
        "Hôm trước mình hỏi rồi, cán bộ trả lời rất nhiệt tình.",
    ],
    "suggestion": ["Đồng ý với ý kiến của bác.", "Ý kiến hay, mong được xem xét sớm."],
    "report": ["Chuẩn luôn, {khu} cũng vậy.", "Đúng thế, tôi cũng phản ánh mấy lần rồi."],
    "thanks": ["Đúng vậy, cảm ơn các cô chú cán bộ.", "Nhà mình cũng được hỗ trợ, rất chu đáo."],
}
# The page's answers, by what was asked or said ("question:where" falls back to "question").
ANSWERS = {
    "question:where": [
        "Cảm ơn anh/chị đã quan tâm. Hoạt động tổ chức tại nhà văn hóa {khu}, "
        "bắt đầu lúc 7 giờ 30 sáng; mọi người dân đều được tham gia ạ.",
    ],
    "question:when": [
        "Dạ, lần tới dự kiến tổ chức vào sáng Chủ nhật cuối tháng; thông báo cụ thể sẽ đăng trên "
        "trang này ạ.",
    ],
    "question:papers": [
        "Chào bạn, hồ sơ nộp tại bộ phận một cửa của {place}, mang theo căn cước bản gốc; "
        "cán bộ sẽ hướng dẫn điều kiện cụ thể ạ.",
    ],
    "question:money": [
        "Số tài khoản chính thức ghi trên văn bản kêu gọi có đóng dấu đăng kèm bài viết; đề nghị "
        "bà con không chuyển tiền qua cá nhân nào.",
    ],
    "question:fake": [
        "Trang chính thức có dấu xác minh và tên bắt đầu bằng “Mặt trận Tổ quốc Việt Nam”; "
        "bà con chỉ theo dõi và ủng hộ qua các trang này ạ.",
    ],
    "question:law": [
        "Văn bản có hiệu lực từ ngày ghi trong văn bản ở phần nguồn cuối bài; bà con xem toàn "
        "văn tại đường dẫn đó ạ.",
    ],
    "question:list": [
        "Danh sách sẽ được niêm yết tại nhà văn hóa các khu dân cư và cập nhật trên trang này.",
    ],
    "question": [
        "Cảm ơn bạn đã hỏi. Bạn vui lòng liên hệ Ban công tác Mặt trận khu dân cư hoặc đường dây "
        "nóng của {place} để được hướng dẫn cụ thể ạ.",
    ],
    "suggestion": [
        "Ban công tác Mặt trận đã ghi nhận ý kiến và sẽ chuyển đến cơ quan có thẩm quyền xem xét.",
        "Cảm ơn góp ý của bạn, lần tới chúng tôi sẽ bố trí thời gian phù hợp hơn.",
    ],
    "report": [
        "Cảm ơn bác đã phản ánh. Cán bộ sẽ xuống kiểm tra thực tế và trả lời bà con trên trang.",
        "Ý kiến đã được chuyển đến Ủy ban nhân dân {place}; kết quả xử lý sẽ thông báo trên trang.",
    ],
    "thanks": ["Cảm ơn bạn đã luôn đồng hành cùng Mặt trận!"],
}


def answer_to(kind: str) -> list[str]:
    """The page's possible answers to a comment of `kind`."""
    return ANSWERS.get(kind) or ANSWERS[kind.split(":")[0]]


def replies_to(kind: str) -> list[str]:
    """Other citizens' possible replies to a comment of `kind`."""
    return REPLIES.get(kind) or REPLIES[kind.split(":")[0]]


SPAM = [
    "Vay tiền nhanh không cần thế chấp, giải ngân trong ngày, liên hệ Zalo 0987 xxx xxx.",
    "Ai cần mua sim số đẹp inbox mình nhé, giá rẻ nhất thị trường.",
    "Toàn lũ ăn hại, nói mãi không làm!!!",
    "Nghe nói tiền ủng hộ bị ăn chặn hết rồi, đừng có ai ủng hộ nữa.",
]
HIDE_REASONS = [
    "Bình luận quảng cáo, không liên quan đến bài viết.",
    "Bình luận có lời lẽ xúc phạm, vi phạm quy tắc ứng xử của trang.",
    "Thông tin chưa được kiểm chứng, có thể gây hiểu nhầm cho bà con.",
]


def dress(rng: random.Random, text: str, greet: bool = True) -> str:
    """The same saying written by different people: a greeting before it, an emoji after."""
    opening = rng.choice(OPENINGS) if greet else ""
    if opening:
        text = text[:1].lower() + text[1:]  # "Dạ, cho em hỏi…"
    return opening + text + rng.choice(ENDINGS)
