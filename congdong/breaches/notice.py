"""The draft of the 72-hour notice to the personal data protection authority, as an official
letter (the layout of Decree 30/2020/NĐ-CP on administrative documents): issuing body and
national title side by side, number and place-and-date, the document's name, "Kính gửi", the
contents filled from the record, recipients and the signature block.

The letter is always in Vietnamese, whatever language the officer uses: it goes to a Vietnamese
authority. The same `Notice` is shown as a printable page and downloaded as .txt or .md.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone, translation

from congdong.breaches.models import Breach
from congdong.core.numbers import format_int
from congdong.units.models import Kind, Unit

AUTHORITY = "Cục An ninh mạng và phòng, chống tội phạm sử dụng công nghệ cao (A05), Bộ Công an"
NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
TITLE = "THÔNG BÁO"
SUBJECT = "Về việc vi phạm quy định bảo vệ dữ liệu cá nhân"
BASIS = (
    "Căn cứ Luật Bảo vệ dữ liệu cá nhân số 91/2025/QH15 và Nghị định số 356/2025/NĐ-CP của "
    "Chính phủ quy định chi tiết một số điều và biện pháp để tổ chức, hướng dẫn thi hành Luật "
    "Bảo vệ dữ liệu cá nhân,"
)
CENTRAL_PLACE = "Hà Nội"


def vn_date(day: datetime.date) -> str:
    """ "ngày 07 tháng 3 năm 2026": days below 10 and months 1 and 2 take a leading zero
    (Decree 30/2020/NĐ-CP, Appendix I)."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def vn_moment(moment: datetime.datetime | None) -> str:
    if moment is None:
        return "chưa xác định"
    local = timezone.localtime(moment)
    return f"{local:%H} giờ {local:%M} phút, {vn_date(local.date())}"


def issuer_lines(unit: Unit) -> list[str]:
    if unit.kind == Kind.CENTRAL:
        return ["ỦY BAN TRUNG ƯƠNG", "MẶT TRẬN TỔ QUỐC VIỆT NAM"]
    return ["ỦY BAN MẶT TRẬN TỔ QUỐC VIỆT NAM", unit.full_name.upper()]


def place_of(unit: Unit) -> str:
    return CENTRAL_PLACE if unit.kind == Kind.CENTRAL else unit.name


@dataclass(frozen=True)
class Section:
    heading: str
    body: str


@dataclass(frozen=True)
class Notice:
    issuer: list[str]
    number: str
    place_date: str
    title: str
    subject: str
    to: str
    opening: str
    sections: list[Section]
    closing: str
    recipients: list[str]
    signer_role: str
    signer_note: str

    def as_text(self, markdown: bool = False) -> str:
        h = "## " if markdown else ""
        bold = "**" if markdown else ""
        lines = [
            *self.issuer,
            self.number,
            "",
            NATION,
            MOTTO,
            self.place_date,
            "",
            f"{h}{self.title}",
            f"{bold}{self.subject}{bold}" if markdown else self.subject,
            "",
            f"Kính gửi: {self.to}.",
            "",
            self.opening,
            "",
        ]
        for section in self.sections:
            lines += [f"{bold}{section.heading}{bold}", section.body, ""]
        lines += [self.closing, "", "Nơi nhận:", *self.recipients, "", self.signer_role]
        lines += [self.signer_note, ""]
        return "\n".join(lines)


def _count(n: int | None) -> str:
    return "chưa xác định" if n is None else f"khoảng {format_int(n)} người"


def draft(item: Breach, today: datetime.date | None = None) -> Notice:
    """The notice for `item`, dated `today` (default: the day it was sent, or today)."""
    # Unit titles and number grouping follow the active language: the letter is Vietnamese.
    with translation.override("vi"):
        return _draft(item, today)


def _draft(item: Breach, today: datetime.date | None) -> Notice:
    unit = item.unit
    when = today or timezone.localtime(item.notified_at or timezone.now()).date()
    number = f"Số: {item.notice_reference}" if item.notice_reference else "Số:      /TB-MTTQ"
    sections = [
        Section(
            "1. Thời điểm xảy ra và thời điểm phát hiện vi phạm",
            f"Xảy ra: {vn_moment(item.occurred_at)}. Phát hiện: {vn_moment(item.discovered_at)}.",
        ),
        Section("2. Mô tả vi phạm", item.description),
        Section(
            "3. Loại dữ liệu cá nhân và số lượng chủ thể dữ liệu bị ảnh hưởng",
            f"{item.data_categories}\nSố chủ thể dữ liệu bị ảnh hưởng: "
            f"{_count(item.subjects_count)}.",
        ),
        Section("4. Hậu quả, thiệt hại có thể xảy ra", item.consequences),
        Section("5. Biện pháp đã thực hiện và dự kiến thực hiện", item.measures),
        Section("6. Thông tin người liên hệ", item.contact),
    ]
    if item.late_reason:
        sections.append(Section("7. Lý do thông báo chậm", item.late_reason))
    issuer_name = (
        "Ủy ban Trung ương Mặt trận Tổ quốc Việt Nam"
        if unit.kind == Kind.CENTRAL
        else f"Ủy ban Mặt trận Tổ quốc Việt Nam {unit.place_name}"
    )
    return Notice(
        issuer=issuer_lines(unit),
        number=number,
        place_date=f"{place_of(unit)}, {vn_date(when)}",
        title=TITLE,
        subject=SUBJECT,
        to=AUTHORITY,
        opening=(
            f"{BASIS}\n{issuer_name} thông báo vi phạm quy định bảo vệ dữ liệu cá nhân như sau:"
        ),
        sections=sections,
        closing=f"{issuer_name} trân trọng thông báo./.",
        recipients=["- Như trên;", "- Lưu: VT."],
        signer_role="TM. BAN THƯỜNG TRỰC",
        signer_note="(Ký, ghi rõ họ tên, đóng dấu)",
    )
