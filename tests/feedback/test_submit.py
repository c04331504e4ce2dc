"""Sending feedback: who may, what is checked, the tracking code, deadlines from a fixed time,
the daily limit and attachments."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core.exceptions import PermissionDenied

from congdong.core.errors import ActionError
from congdong.core.models import CalendarDay, DayKind
from congdong.feedback import actions
from congdong.feedback.models import (
    AttachmentKind,
    Category,
    Feedback,
    FeedbackAttachment,
    FeedbackState,
)
from tests.clock import vn
from tests.engagement.conftest import citizen
from tests.feedback.conftest import SENT, TEXT, category, moves, send
from tests.uploads import pdf, picture

pytestmark = pytest.mark.django_db


def test_the_categories_of_the_domain_are_seeded_in_order():
    names = list(Category.objects.filter(active=True).values_list("name", flat=True))
    assert names[0] == "Đất đai" and names[-1] == "Khác" and len(names) == 10


def test_a_verified_citizen_sends_feedback_and_gets_a_tracking_code(people, units):
    item = send(people["an"], units.kinh_bac, location={"place": "Ngõ 5, khu phố Đông"})
    assert re.fullmatch(r"PA-2026-[23456789ABCDEFGHJKMNPQRSTWXYZ]{6}", item.code)
    assert item.state == FeedbackState.RECEIVED
    assert item.unit == units.kinh_bac and item.citizen == people["an"]
    assert item.consent_at == SENT and item.consent_version == "2026-01"
    assert moves(item) == [("submit", "", "received")]
    transition = item.transitions.get()
    assert transition.from_unit == transition.to_unit == units.kinh_bac


def test_deadlines_are_counted_in_working_hours_from_the_sending_time(people, units):
    item = send(people["an"], units.kinh_bac)  # Tuesday 09:00
    # 8 h: 2.5 h to 11:30, 3.5 h in the afternoon, 2 h on Wednesday morning.
    assert item.accept_due == vn(2026, 3, 4, 9, 30)
    # 37.5 h = five full working days: the next Tuesday at the same time.
    assert item.answer_due == vn(2026, 3, 10, 9, 0)


def test_urgent_feedback_must_be_accepted_within_four_working_hours(people, units):
    item = send(people["an"], units.kinh_bac, urgent=True)
    assert item.urgent
    assert item.accept_due == vn(2026, 3, 3, 15, 0)  # 2.5 h before lunch, 1.5 h after


def test_feedback_sent_on_friday_evening_is_due_after_the_weekend(people, units):
    item = send(people["an"], units.kinh_bac, now=vn(2026, 3, 6, 20))
    # Monday gives 4 h + 3.5 h = 7.5 h; the eighth hour ends at 08:00 on Tuesday.
    assert item.accept_due == vn(2026, 3, 10, 8, 0)


def test_days_off_set_by_an_admin_push_the_deadline(people, units):
    CalendarDay.objects.create(date=datetime.date(2026, 3, 4), kind=DayKind.DAY_OFF)
    item = send(people["an"], units.kinh_bac)
    assert item.accept_due == vn(2026, 3, 5, 9, 30)


def test_the_deadline_settings_are_used(people, units, settings):
    settings.FEEDBACK_ACCEPT_HOURS = 2
    settings.FEEDBACK_ANSWER_HOURS = 7.5
    item = send(people["an"], units.kinh_bac)
    assert item.accept_due == vn(2026, 3, 3, 11, 0)
    assert item.answer_due == vn(2026, 3, 4, 9, 0)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"consent": False}, "consent"),
        ({"text": "   ngắn  "}, "text"),
        ({"text": "x" * 5001}, "text"),
        ({"category_id": 0}, "category"),
        ({"location": {"lat": "95", "lng": "105.8"}}, "location"),
        ({"location": {"lat": "21.0", "lng": "không rõ"}}, "location"),
        ({"location": {"lat": "NaN", "lng": "105.8"}}, "location"),
        ({"location": {"lat": "21.0", "lng": "-Infinity"}}, "location"),
        ({"location": {"lat": "21.0"}}, "location"),
        ({"location": {"place": "p" * 201}}, "place"),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_nothing_is_stored(people, units, fields, field):
    with pytest.raises(ActionError) as refused:
        send(people["an"], units.kinh_bac, **fields)
    assert refused.value.field == field
    assert not Feedback.objects.exists()


def test_a_retired_category_cannot_be_chosen(people, units):
    Category.objects.filter(slug="khac").update(active=False)
    with pytest.raises(ActionError) as refused:
        send(people["an"], units.kinh_bac, category_id=category("khac").pk)
    assert refused.value.field == "category"


def test_feedback_goes_only_to_units_of_the_structure_in_force(people, units):
    from congdong.units.models import Unit

    old = Unit.objects.filter(structure__code="2022", level="commune").first()
    with pytest.raises(ActionError) as refused:
        send(people["an"], old)
    assert refused.value.field == "unit"


def test_the_text_is_kept_as_plain_text_without_control_characters(people, units):
    item = send(people["an"], units.kinh_bac, text="  Cống\x00 tắc <b>nghẽn</b>\r\nở ngõ 7  ")
    assert item.text == "Cống tắc <b>nghẽn</b>\nở ngõ 7"


def test_a_location_is_stored_as_decimal_degrees(people, units):
    item = send(people["an"], units.kinh_bac, location={"lat": 21.1861234, "lng": "106.0763"})
    item.refresh_from_db()
    assert str(item.latitude) == "21.186123" and str(item.longitude) == "106.076300"


def test_only_verified_active_citizens_may_send(people, units):
    unverified = citizen("+84912000009", verified=False)
    locked = citizen("+84912000008", active=False)
    for who in (unverified, locked, people["kinhbac.canbo"]):
        with pytest.raises(PermissionDenied):
            send(who, units.kinh_bac)
    assert not Feedback.objects.exists()


def test_a_citizen_may_send_ten_items_a_day_and_more_the_next_day(people, units):
    for minute in range(10):
        send(people["an"], units.kinh_bac, now=SENT + datetime.timedelta(minutes=minute))
    with pytest.raises(ActionError) as refused:
        send(people["an"], units.kinh_bac, now=vn(2026, 3, 3, 23, 59))
    assert refused.value.status == 429
    assert Feedback.objects.count() == 10
    send(people["binh"], units.kinh_bac, now=vn(2026, 3, 3, 23, 59))  # another citizen
    send(people["an"], units.kinh_bac, now=vn(2026, 3, 4, 0, 1))  # the next day in Hà Nội


def test_the_daily_limit_follows_the_setting(people, units, settings):
    settings.FEEDBACK_DAILY_LIMIT = 1
    send(people["an"], units.kinh_bac)
    with pytest.raises(ActionError):
        send(people["an"], units.kinh_bac)


def test_pictures_and_pdfs_are_attached_pictures_reencoded(people, units, media_root):
    item = send(
        people["an"], units.kinh_bac, files=[picture(fmt="WEBP", name="hien-truong.webp"), pdf()]
    )
    kinds = list(item.attachments.values_list("kind", "original_name"))
    assert kinds == [(AttachmentKind.PICTURE, "hien-truong.webp"), (AttachmentKind.PDF, "don.pdf")]
    stored = sorted(p.suffix for p in media_root.rglob("*") if p.is_file())
    assert stored == [".jpg", ".pdf"]


def test_more_than_five_files_are_refused(people, units):
    with pytest.raises(ActionError) as refused:
        send(people["an"], units.kinh_bac, files=[pdf(f"{n}.pdf") for n in range(6)])
    assert refused.value.field == "files"
    assert not Feedback.objects.exists()


@pytest.mark.parametrize(
    "upload",
    [
        pytest.param(lambda: pdf("gia.pdf", b"<html>not a pdf</html>"), id="not-a-picture-or-pdf"),
        pytest.param(lambda: pdf("cut.pdf", b"%PDF-1.4\n1 0 obj"), id="truncated-pdf"),
        pytest.param(
            lambda: pdf("huge.pdf", b"%PDF-1.4\n" + b"0" * 10_000_001), id="pdf-over-10MB"
        ),
    ],
)
def test_a_bad_file_refuses_the_whole_feedback_and_stores_nothing(
    people, units, media_root, upload
):
    with pytest.raises(ActionError):
        send(people["an"], units.kinh_bac, files=[picture(), upload()])
    assert not Feedback.objects.exists()
    assert not FeedbackAttachment.objects.exists()
    assert not [p for p in media_root.rglob("*") if p.is_file()]


def test_a_picture_over_5_mb_is_refused(people, units):
    big = picture()
    big.size = 6_000_000  # as declared by the upload handler
    with pytest.raises(ActionError):
        send(people["an"], units.kinh_bac, files=[big])
    assert not Feedback.objects.exists()


def test_tracking_codes_are_unique_even_when_the_random_part_repeats(people, units, monkeypatch):
    first = send(people["an"], units.kinh_bac)
    codes = iter([first.code, first.code, "PA-2026-2222222"])
    monkeypatch.setattr(actions, "new_code", lambda year: next(codes))
    second = send(people["binh"], units.kinh_bac, text=TEXT + " Lần hai.")
    assert second.code == "PA-2026-2222222"
