"""Citizens' feedback screens, through HTTP: sending from a page or by choosing the place,
"my feedback", an item, reopening and closing, tracking by code, and the files sent."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from congdong.feedback.models import (
    AccessKind,
    Feedback,
    FeedbackAccess,
    FeedbackAttachment,
    FeedbackState,
)
from tests.conftest import client_for
from tests.engagement.conftest import citizen
from tests.feedback.conftest import TEXT, answered, category, send
from tests.uploads import pdf, picture

pytestmark = pytest.mark.django_db
SEND = "/phan-anh/gui/"


def form(unit, **fields) -> dict:
    """What the send form posts; `fields` override."""
    return {
        "unit": unit.pk,
        "category": category().pk,
        "text": TEXT,
        "place": "Ngõ 3, khu phố Đông",
        "latitude": "21.186",
        "longitude": "106.076",
        "visibility": "public",
        "consent": "on",
    } | fields


# ---------------------------------------------------------------- getting to the form


def test_an_anonymous_visitor_is_sent_to_the_phone_sign_in_and_back(units):
    address = f"{SEND}?don-vi={units.kinh_bac.pk}"
    response = Client().get(address)
    assert response.status_code == 302
    assert response["Location"].startswith("/cong-dan/?next=")
    assert f"don-vi%3D{units.kinh_bac.pk}" in response["Location"]


def test_an_account_without_a_verified_phone_is_sent_to_the_phone_sign_in(units):
    unverified = citizen("+84912000009", "Lê Văn Chưa", verified=False)
    response = client_for(unverified).get(f"{SEND}?don-vi={units.kinh_bac.pk}")
    assert response.status_code == 302 and response["Location"].startswith("/cong-dan/")


def test_a_staff_account_is_told_feedback_comes_from_citizens(people, units):
    response = client_for(people["kinhbac.canbo"]).get(f"{SEND}?don-vi={units.kinh_bac.pk}")
    assert response.status_code == 403


def test_a_citizen_chooses_the_province_then_the_commune(people, units):
    an = client_for(people["an"])
    first = an.get(SEND)
    assert first.status_code == 200
    assert 'name="tinh"' in first.content.decode() and "Tỉnh Bắc Ninh" in first.content.decode()
    communes = an.get(SEND, {"tinh": units.bac_ninh.pk, "chon": "tinh"}).content.decode()
    assert f'value="{units.kinh_bac.pk}">Phường Kinh Bắc<' in communes
    assert units.hanoi_commune.name not in communes
    # htmx asks for the commune list only when the province changes
    fragment = an.get(
        SEND, {"tinh": units.bac_ninh.pk}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="commune-choice"
    )
    assert "<html" not in fragment.content.decode()
    assert "Phường Kinh Bắc" in fragment.content.decode()
    chosen = an.get(SEND, {"tinh": units.bac_ninh.pk, "don-vi": units.kinh_bac.pk})
    assert chosen.status_code == 200
    assert "phường Kinh Bắc" in chosen.content.decode()
    assert 'id="send-feedback"' in chosen.content.decode()


def test_the_form_states_the_consent_text_and_its_version(people, units, settings):
    page = client_for(people["an"]).get(f"{SEND}?don-vi={units.kinh_bac.pk}").content.decode()
    assert 'id="consent-text"' in page
    assert settings.FEEDBACK_CONSENT_VERSION in page
    assert "91/2025" in page


def test_a_unit_of_the_old_structure_cannot_be_chosen(people, units):
    old = units.kinh_bac.__class__.objects.filter(structure__code="2022").first()
    response = client_for(people["an"]).get(f"{SEND}?don-vi={old.pk}")
    assert response.status_code == 200
    assert 'id="choose-place"' in response.content.decode()  # back to choosing the place


# ---------------------------------------------------------------- sending


def test_a_citizen_sends_feedback_with_a_photo_and_sees_the_tracking_code(people, units):
    an = client_for(people["an"])
    response = an.post(SEND, form(units.kinh_bac, urgent="on", files=[picture()]))
    assert response.status_code == 302
    item = Feedback.objects.get(citizen=people["an"])
    assert response["Location"] == f"/phan-anh/{item.pk}/?moi=1"
    assert (item.unit, item.state, item.public, item.urgent) == (
        units.kinh_bac,
        FeedbackState.RECEIVED,
        True,
        True,
    )
    assert item.place == "Ngõ 3, khu phố Đông" and str(item.latitude) == "21.186000"
    assert item.attachments.get().kind == "picture"
    page = an.get(response["Location"]).content.decode()
    assert f'id="tracking-code">{item.code}<' in page
    assert 'id="feedback-history"' in page


def test_private_is_the_default_choice(people, units):
    client_for(people["an"]).post(SEND, form(units.kinh_bac, visibility="private"))
    assert Feedback.objects.get(citizen=people["an"]).public is False


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"consent": ""}, "91/2025"),
        ({"text": "   "}, "tối thiểu 10 ký tự"),
        ({"files": "six"}, "tối đa 5 ảnh"),
        ({"files": "text"}, "anh.txt"),
        ({"category": ""}, "chọn chuyên mục"),
        ({"latitude": "north", "longitude": "106"}, "vĩ độ và kinh độ"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_changes_nothing(people, units, change, message):
    fields = form(units.kinh_bac, **change)
    if change.get("files") == "six":
        fields["files"] = [picture(name=f"anh{n}.png") for n in range(6)]
    elif change.get("files") == "text":
        fields["files"] = [SimpleUploadedFile("anh.txt", b"not a picture", "text/plain")]
    response = client_for(people["an"]).post(SEND, fields)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert 'role="alert"' in response.content.decode()
    assert not Feedback.objects.exists() and not FeedbackAttachment.objects.exists()


def test_feedback_past_the_daily_limit_is_refused(people, units, settings):
    settings.FEEDBACK_DAILY_LIMIT = 2
    an = client_for(people["an"])
    assert an.post(SEND, form(units.kinh_bac)).status_code == 302
    assert an.post(SEND, form(units.kinh_bac)).status_code == 302
    third = an.post(SEND, form(units.kinh_bac))
    assert third.status_code == 429
    assert "tối đa 2 phản ánh" in third.content.decode()
    assert Feedback.objects.count() == 2


# ---------------------------------------------------------------- my feedback, an item


def test_my_feedback_lists_only_my_items(people, units):
    mine = send(people["an"], units.kinh_bac)
    theirs = send(people["binh"], units.kinh_bac)
    page = client_for(people["an"]).get("/phan-anh/cua-toi/").content.decode()
    assert mine.code in page and theirs.code not in page


def test_another_citizen_cannot_see_my_item_its_code_or_its_files(people, units):
    item = send(people["an"], units.kinh_bac, files=[pdf()])
    binh = client_for(people["binh"])
    assert binh.get(f"/phan-anh/{item.pk}/").status_code == 404
    tracked = binh.get("/phan-anh/tra-cuu/", {"ma": item.code, "code": item.code})
    assert tracked.status_code == 404
    assert 'id="track-not-found"' in tracked.content.decode()
    attachment = item.attachments.get()
    assert binh.get(f"/phan-anh/tep/{attachment.pk}/").status_code == 404
    assert Client().get(f"/phan-anh/tep/{attachment.pk}/").status_code == 404


def test_a_sibling_commune_officer_cannot_open_the_file_but_the_handling_officer_can(people, units):
    item = send(people["an"], units.kinh_bac, files=[picture()])
    attachment = item.attachments.get()
    address = f"/phan-anh/tep/{attachment.pk}/"
    assert client_for(people["sibling.canbo"]).get(address).status_code == 404
    assert client_for(people["hanoi.quantri"]).get(address).status_code == 404
    officer = client_for(people["kinhbac.canbo"]).get(address)
    assert officer.status_code == 200
    assert officer["Content-Type"] == "image/jpeg"
    assert officer["Cache-Control"] == "private, no-store"
    assert b"".join(officer.streaming_content)[:2] == b"\xff\xd8"
    logged = FeedbackAccess.objects.get()
    assert (logged.user, logged.kind, logged.feedback) == (
        people["kinhbac.canbo"],
        AccessKind.ATTACHMENT,
        item,
    )


def test_the_sender_opens_their_file_without_an_access_record(people, units):
    item = send(people["an"], units.kinh_bac, files=[pdf()])
    response = client_for(people["an"]).get(f"/phan-anh/tep/{item.attachments.get().pk}/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert not FeedbackAccess.objects.exists()


def test_the_item_shows_the_answer_and_its_history(people, units):
    item = answered(send(people["an"], units.kinh_bac), people["kinhbac.canbo"])
    page = client_for(people["an"]).get(f"/phan-anh/{item.pk}/").content.decode()
    assert 'id="feedback-answer"' in page and "trải nhựa lại" in page
    assert page.count("<tr data-action=") == 4  # sent, accepted, assigned, answered
    assert 'id="close-button"' in page and 'id="reopen-button"' in page


# ---------------------------------------------------------------- reopen, close


def test_the_sender_closes_an_answered_item(people, units):
    item = answered(send(people["an"], units.kinh_bac), people["kinhbac.canbo"])
    response = client_for(people["an"]).post(f"/phan-anh/{item.pk}/dong/")
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.state == FeedbackState.CLOSED


def test_reopening_needs_a_reason(people, units):
    item = answered(send(people["an"], units.kinh_bac), people["kinhbac.canbo"])
    response = client_for(people["an"]).post(f"/phan-anh/{item.pk}/mo-lai/", {"reason": ""})
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
    item.refresh_from_db()
    assert item.state == FeedbackState.ANSWERED


def test_the_sender_reopens_within_the_window_with_a_reason(people, units):
    item = answered(send(people["an"], units.kinh_bac), people["kinhbac.canbo"])
    response = client_for(people["an"]).post(
        f"/phan-anh/{item.pk}/mo-lai/", {"reason": "Mặt đường lại bị lún sau trận mưa tuần này."}
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.state == FeedbackState.REOPENED


def test_reopening_after_the_window_is_refused(people, units, settings):
    late = timezone.now() - datetime.timedelta(days=settings.FEEDBACK_REOPEN_DAYS + 1)
    item = answered(send(people["an"], units.kinh_bac), people["kinhbac.canbo"], at=late)
    an = client_for(people["an"])
    assert 'id="reopen-button"' not in an.get(f"/phan-anh/{item.pk}/").content.decode()
    response = an.post(f"/phan-anh/{item.pk}/mo-lai/", {"reason": "Vẫn chưa được sửa chữa."})
    assert response.status_code == 400
    item.refresh_from_db()
    assert item.state == FeedbackState.ANSWERED


def test_another_citizen_cannot_close_or_reopen_my_item(people, units):
    item = answered(send(people["an"], units.kinh_bac), people["kinhbac.canbo"])
    binh = client_for(people["binh"])
    assert binh.post(f"/phan-anh/{item.pk}/dong/").status_code == 404
    reopened = binh.post(f"/phan-anh/{item.pk}/mo-lai/", {"reason": "Chưa thỏa đáng chút nào."})
    assert reopened.status_code == 404
    item.refresh_from_db()
    assert item.state == FeedbackState.ANSWERED


# ---------------------------------------------------------------- tracking by code


def test_the_sender_finds_the_item_by_its_code_in_any_case(people, units):
    item = send(people["an"], units.kinh_bac)
    typed = " " + item.code.lower() + " "
    response = client_for(people["an"]).get("/phan-anh/tra-cuu/", {"code": typed})
    assert response.status_code == 302 and response["Location"] == f"/phan-anh/{item.pk}/"


def test_a_handling_officer_finds_it_and_the_reading_is_logged(people, units):
    item = send(people["an"], units.kinh_bac)
    officer = client_for(people["kinhbac.canbo"])
    found = officer.get("/phan-anh/tra-cuu/", {"code": item.code}, follow=True)
    assert found.status_code == 200 and item.code in found.content.decode()
    assert FeedbackAccess.objects.get().kind == AccessKind.VIEW
    assert client_for(people["sibling.canbo"]).get(f"/phan-anh/{item.pk}/").status_code == 404


def test_an_unknown_code_is_not_found(people, units):
    response = client_for(people["an"]).get("/phan-anh/tra-cuu/", {"code": "PA-2026-ZZZZZZ"})
    assert response.status_code == 404
    assert 'id="track-not-found"' in response.content.decode()


def test_my_feedback_and_an_item_read_a_bounded_number_of_rows(
    people, units, settings, django_assert_max_num_queries
):
    settings.FEEDBACK_DAILY_LIMIT = 50
    items = [send(people["an"], units.kinh_bac, files=[pdf()]) for _n in range(6)]
    answered(items[0], people["kinhbac.canbo"])
    an = client_for(people["an"])
    with django_assert_max_num_queries(8):
        assert an.get("/phan-anh/cua-toi/").status_code == 200
    with django_assert_max_num_queries(10):
        assert an.get(f"/phan-anh/{items[0].pk}/").status_code == 200
