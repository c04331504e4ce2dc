"""Requests about personal data: a 2-working-day deadline on the office calendar, handled only
by data protection officers and admins of the central unit, every move recorded, and an alarm
once overdue, raised by the worker's job."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from congdong.core.errors import ActionError
from congdong.core.models import CalendarDay, DayKind
from congdong.privacy import actions, queries
from congdong.privacy.models import DataRequest, RequestState
from congdong.worker.jobs import JOBS
from congdong.worker.loop import run_job
from tests.clock import vn
from tests.conftest import client_for

STAFF = "/lam-viec/du-lieu-ca-nhan/"
MINE = "/cong-dan/du-lieu-ca-nhan/"
TEXT = "Đề nghị cho biết cơ quan nào đã được cung cấp số điện thoại của tôi."
OVERDUE_JOB = next(job for job in JOBS if job.name == "sweep-overdue")


def test_the_deadline_is_two_working_days_across_a_weekend(db):
    # Friday 6 March 2026, 14:00 → Tuesday 10 March, 14:00 (Saturday and Sunday skipped).
    assert actions.deadline(vn(2026, 3, 6, 14)) == vn(2026, 3, 10, 14)


def test_the_deadline_skips_public_holidays(db):
    # Wednesday 29 April 2026, 14:00: 30/4 and 1/5 are holidays, then the weekend;
    # 3 working hours on Wednesday, 7.5 on Monday 4 May, 4.5 on Tuesday 5 May → 14:00.
    assert actions.deadline(vn(2026, 4, 29, 14)) == vn(2026, 5, 5, 14)


def test_the_deadline_skips_an_admins_extra_day_off(db):
    CalendarDay.objects.create(date=vn(2026, 3, 9).date(), kind=DayKind.DAY_OFF)
    assert actions.deadline(vn(2026, 3, 6, 14)) == vn(2026, 3, 11, 14)


def test_a_request_received_out_of_hours_counts_from_the_next_working_morning(db):
    # Saturday evening → Monday 07:30 + 15 working hours → Tuesday 17:00.
    assert actions.deadline(vn(2026, 3, 7, 20)) == vn(2026, 3, 10, 17)


@pytest.mark.django_db
def test_a_citizen_sends_a_request_and_sees_it_with_its_deadline(world):
    client = client_for(world.an)
    response = client.post(f"{MINE}yeu-cau/", {"kind": "access", "text": TEXT})
    assert response.status_code == 302
    item = DataRequest.objects.get(citizen=world.an)
    assert (item.state, item.self_service, item.how) == (RequestState.RECEIVED, False, "web")
    assert item.due_at == actions.deadline(item.received_at)
    assert item.code in client.get(MINE).content.decode()


@pytest.mark.parametrize(
    ("fields", "field"),
    [({"kind": "", "text": TEXT}, "kind"), ({"kind": "object", "text": "ngắn"}, "text")],
)
@pytest.mark.django_db
def test_a_bad_request_is_refused_on_its_field(world, fields, field):
    response = client_for(world.an).post(f"{MINE}yeu-cau/", fields)
    assert response.status_code == 400
    assert f'id="id_{field}_error"' in response.content.decode()
    assert not DataRequest.objects.exists()


@pytest.mark.django_db
def test_a_citizen_may_have_only_a_few_requests_waiting(world):
    for _n in range(actions.MAX_OPEN_REQUESTS):
        actions.submit(world.an, "other", TEXT)
    with pytest.raises(ActionError) as refused:
        actions.submit(world.an, "other", TEXT)
    assert refused.value.status == 429


@pytest.mark.django_db
def test_only_protect_data_holders_of_the_central_unit_see_and_handle_requests(world):
    item = actions.submit(world.an, "access", TEXT)
    for officer in (world.central_dpo, world.central_admin):
        client = client_for(officer)
        assert item.code in client.get(STAFF).content.decode()
        assert client.get(f"{STAFF}{item.pk}/").status_code == 200
    for outsider in (
        world.province_admin,
        world.province_dpo,
        world.commune_dpo,
        world.central_analyst,
    ):
        client = client_for(outsider)
        assert client.get(STAFF).status_code == 404
        assert client.get(f"{STAFF}{item.pk}/").status_code == 404
        assert (
            client.post(f"{STAFF}{item.pk}/tra-loi/", {"answer": "Đã trả lời."}).status_code == 404
        )
        assert not queries.to_handle(outsider).exists()
    item.refresh_from_db()
    assert item.state == RequestState.RECEIVED
    # A citizen cannot reach the queue either.
    assert client_for(world.binh).get(STAFF).status_code == 403


@pytest.mark.django_db
def test_an_officer_takes_and_answers_a_request_and_every_move_is_recorded(world):
    item = actions.submit(world.an, "access", TEXT)
    client = client_for(world.central_dpo)
    assert client.post(f"{STAFF}{item.pk}/tiep-nhan/").status_code == 302
    # An answer needs a text.
    assert client.post(f"{STAFF}{item.pk}/tra-loi/", {"answer": ""}).status_code == 400
    answer = "Số điện thoại của ông chỉ dùng để gửi mã xác thực, không cung cấp cho ai."
    assert client.post(f"{STAFF}{item.pk}/tra-loi/", {"answer": answer}).status_code == 302
    item.refresh_from_db()
    assert (item.state, item.answer, item.handled_by) == (
        RequestState.ANSWERED,
        answer,
        world.central_dpo,
    )
    assert [(t.from_state, t.to_state, t.actor) for t in queries.history(item)] == [
        ("", "received", world.an),
        ("received", "in_progress", world.central_dpo),
        ("in_progress", "answered", world.central_dpo),
    ]
    # The citizen reads the answer; an answered request cannot be refused afterwards.
    assert answer in client_for(world.an).get(MINE).content.decode()
    with pytest.raises(ActionError):
        actions.refuse(world.central_dpo, item.pk, "Không thuộc phạm vi.")


@pytest.mark.django_db
def test_an_officer_refuses_with_the_legal_reason(world):
    item = actions.submit(world.an, "delete", "Đề nghị xóa toàn bộ phản ánh tôi đã gửi năm ngoái.")
    response = client_for(world.central_admin).post(
        f"{STAFF}{item.pk}/tu-choi/",
        {"reason": "Phản ánh là hồ sơ giải quyết phải lưu 5 năm theo quy định."},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.state == RequestState.REFUSED and item.answered_at is not None


@pytest.mark.django_db
def test_the_worker_marks_overdue_requests_once_and_alarms_the_central_officers(world, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    world.central_dpo.email = "baovedulieu@example.vn"
    world.central_dpo.save()
    late = actions.do_submit(actions.check_submit(world.an, "access", TEXT, now=vn(2026, 3, 2, 9)))
    fresh = actions.submit(world.binh, "access", TEXT)
    answered = actions.do_submit(
        actions.check_submit(world.binh, "other", TEXT, now=vn(2026, 3, 2, 9))
    )
    actions.answer(world.central_dpo, answered.pk, "Đã trả lời qua điện thoại.")

    outcome = run_job(OVERDUE_JOB)

    assert outcome.error == "" and outcome.result == 1
    late.refresh_from_db()
    fresh.refresh_from_db()
    assert late.overdue_at is not None and fresh.overdue_at is None
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["baovedulieu@example.vn"]
    assert late.code in mail.outbox[0].body
    # Run again: nothing new.
    assert run_job(OVERDUE_JOB).result == 0
    assert len(mail.outbox) == 1
    # The queue shows it overdue.
    page = client_for(world.central_dpo).get(STAFF).content.decode()
    assert 'id="overdue-count"' in page


@pytest.mark.django_db
def test_the_workspace_shows_central_officers_the_open_requests_and_no_one_else(world):
    actions.submit(world.an, "access", TEXT)
    actions.submit(world.binh, "object", TEXT)
    workspace = reverse("accounts:workspace")
    page = client_for(world.central_dpo).get(workspace).content.decode()
    assert 'id="privacy-work"' in page and reverse("privacy:staff-list") in page
    assert "2" in page.split('id="privacy-work"')[1].split("</p>")[0]
    for outsider in (world.province_dpo, world.province_admin, world.central_analyst):
        assert 'id="privacy-work"' not in client_for(outsider).get(workspace).content.decode()
