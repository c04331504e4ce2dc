"""Citizens' feedback in the JSON API: categories, sending with files, "my feedback", an item
with its history, reopening and closing, tracking by code and the files, across units."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from congdong.accounts.tokens import do_issue_token
from congdong.feedback.models import AccessKind, Feedback, FeedbackAccess, FeedbackState
from congdong.privacy.models import ConsentPurpose, ConsentRecord
from tests.feedback.conftest import TEXT, answered, category, send
from tests.uploads import pdf, picture

pytestmark = pytest.mark.django_db
API = "/api/v1"


def app(user) -> dict[str, str]:
    """Headers of a mobile app signed in as `user`."""
    return {"HTTP_AUTHORIZATION": f"Bearer {do_issue_token(user).key}"}


def fields(unit, **changes) -> dict:
    return {
        "unit_id": unit.pk,
        "category_id": category().pk,
        "text": TEXT,
        "public": "true",
        "consent": "true",
        "place": "Ngõ 3, khu phố Đông",
        "latitude": "21.186",
        "longitude": "106.076",
    } | changes


def test_anyone_reads_the_categories(db):
    response = Client().get(f"{API}/feedback/categories")
    assert response.status_code == 200
    assert {"id", "slug", "name"} == set(response.json()[0])


def test_a_citizen_sends_feedback_with_files_and_gets_a_tracking_code(people, units):
    response = Client().post(
        f"{API}/feedback", fields(units.kinh_bac, files=[picture(), pdf()]), **app(people["an"])
    )
    assert response.status_code == 201, response.content
    data = response.json()
    item = Feedback.objects.get(citizen=people["an"])
    assert data["code"] == item.code and data["state"] == "received"
    assert data["public"] is True and data["latitude"] == 21.186
    assert [f["kind"] for f in data["files"]] == ["picture", "pdf"]
    assert [step["action"] for step in data["history"]] == ["submit"]
    # The consent register says it was given in the app, from which address, for this item.
    consent = ConsentRecord.objects.get(user=people["an"], purpose=ConsentPurpose.FEEDBACK)
    assert (consent.how, consent.ip, consent.reference) == ("api", "127.0.0.1", item.code)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"consent": "false"}, "consent"),
        ({"consent": "maybe"}, "consent"),
        ({"text": ""}, "text"),
        ({"category_id": ""}, "category"),
        ({"unit_id": "999999"}, "unit"),
        ({"latitude": "abc"}, "location"),
    ],
)
def test_bad_input_is_a_400_with_a_vietnamese_message(people, units, changes, field):
    response = Client().post(
        f"{API}/feedback",
        fields(units.kinh_bac, **changes),
        HTTP_ACCEPT_LANGUAGE="vi",
        **app(people["an"]),
    )
    assert response.status_code == 400, response.content
    assert response.json()["field"] == field
    assert response.json()["detail"].startswith(("Vui lòng", "Để gửi", "Vị trí"))
    assert not Feedback.objects.exists()


def test_six_files_or_a_wrong_file_type_change_nothing(people, units):
    six = [picture(name=f"anh{n}.png") for n in range(6)]
    wrong = [SimpleUploadedFile("virus.exe", b"MZ\x90\x00 not a picture", "image/png")]
    for files in (six, wrong):
        response = Client().post(
            f"{API}/feedback", fields(units.kinh_bac, files=files), **app(people["an"])
        )
        assert response.status_code == 400
    assert not Feedback.objects.exists()


def test_sending_needs_a_sign_in_and_a_citizens_account(people, units):
    assert Client().post(f"{API}/feedback", fields(units.kinh_bac)).status_code == 401
    staff = Client().post(f"{API}/feedback", fields(units.kinh_bac), **app(people["kinhbac.canbo"]))
    assert staff.status_code == 403
    assert not Feedback.objects.exists()


def test_my_feedback_lists_only_mine_and_another_citizens_item_is_404(people, units):
    mine = send(people["an"], units.kinh_bac)
    theirs = send(people["binh"], units.kinh_bac)
    listed = Client().get(f"{API}/me/feedback", **app(people["an"])).json()
    assert [i["code"] for i in listed["items"]] == [mine.code]
    assert Client().get(f"{API}/me/feedback/{theirs.pk}", **app(people["an"])).status_code == 404
    own = Client().get(f"{API}/me/feedback/{mine.pk}", **app(people["an"]))
    assert own.status_code == 200 and own.json()["code"] == mine.code


def test_the_sender_reopens_with_a_reason_and_then_closes(people, units):
    item = answered(send(people["an"], units.kinh_bac), people["kinhbac.canbo"])
    an = app(people["an"])
    url = f"{API}/me/feedback/{item.pk}"
    no_reason = Client().post(f"{url}/reopen", {"reason": ""}, "application/json", **an)
    assert no_reason.status_code == 400 and no_reason.json()["field"] == "reason"
    reopened = Client().post(
        f"{url}/reopen", {"reason": "Mặt đường vẫn còn lún."}, "application/json", **an
    )
    assert reopened.status_code == 200 and reopened.json()["state"] == "reopened"
    assert Client().post(f"{url}/close", **an).status_code == 400  # reopened, not answered


def test_the_sender_closes_an_answered_item(people, units):
    item = answered(send(people["an"], units.kinh_bac), people["kinhbac.canbo"])
    closed = Client().post(f"{API}/me/feedback/{item.pk}/close", **app(people["an"]))
    assert closed.status_code == 200 and closed.json()["state"] == "closed"
    item.refresh_from_db()
    assert item.state == FeedbackState.CLOSED


def test_reopening_after_the_window_is_refused(people, units, settings):
    late = timezone.now() - datetime.timedelta(days=settings.FEEDBACK_REOPEN_DAYS + 1)
    item = answered(send(people["an"], units.kinh_bac), people["kinhbac.canbo"], at=late)
    response = Client().post(
        f"{API}/me/feedback/{item.pk}/reopen",
        {"reason": "Vẫn chưa sửa xong."},
        "application/json",
        **app(people["an"]),
    )
    assert response.status_code == 400
    item.refresh_from_db()
    assert item.state == FeedbackState.ANSWERED


def test_tracking_by_code_for_the_sender_and_handlers_only(people, units):
    item = send(people["an"], units.kinh_bac)
    url = f"{API}/feedback/track"
    own = Client().get(url, {"code": item.code.lower()}, **app(people["an"]))
    assert own.status_code == 200 and own.json()["id"] == item.pk
    assert Client().get(url, {"code": item.code}, **app(people["binh"])).status_code == 404
    sibling = Client().get(url, {"code": item.code}, **app(people["sibling.canbo"]))
    assert sibling.status_code == 404
    officer = Client().get(url, {"code": item.code}, **app(people["kinhbac.canbo"]))
    assert officer.status_code == 200
    logged = FeedbackAccess.objects.get()
    assert (logged.user, logged.kind) == (people["kinhbac.canbo"], AccessKind.API)


def test_a_file_is_streamed_to_the_sender_and_handlers_only(people, units):
    item = send(people["an"], units.kinh_bac, files=[pdf()])
    own = Client().get(f"{API}/me/feedback/{item.pk}", **app(people["an"])).json()
    url = own["files"][0]["url"]
    assert Client().get(url, **app(people["an"])).status_code == 200
    assert Client().get(url, **app(people["binh"])).status_code == 404
    assert Client().get(url, **app(people["sibling.canbo"])).status_code == 404
    assert Client().get(url).status_code == 401
    officer = Client().get(url, **app(people["bacninh.quantri"]))  # the province above
    assert officer.status_code == 200 and officer["Content-Type"] == "application/pdf"
    assert FeedbackAccess.objects.get().kind == AccessKind.ATTACHMENT
