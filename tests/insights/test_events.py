"""The one ingestion entry point: record, buffer or stream, flush into raw events."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.test import RequestFactory
from django.utils import timezone

from congdong import events
from congdong.events import EventKind
from congdong.events.visitors import OPT_OUT_COOKIE, visitor_key
from congdong.insights import ingest
from congdong.insights.models import Event
from congdong.insights.tasks import flush_events
from congdong.worker.jobs import JOBS
from congdong.worker.loop import run_job
from tests.worker.conftest import eventually

pytestmark = pytest.mark.django_db

BROWSER = "Mozilla/5.0 (Linux; Android 14) Chrome/130 Mobile"


def visit(user=None, ip: str = "203.0.113.7", **headers: str) -> HttpRequest:
    request = RequestFactory().get("/trang/x/", REMOTE_ADDR=ip, HTTP_USER_AGENT=BROWSER, **headers)
    request.user = user or AnonymousUser()
    return request


def test_each_recorded_event_becomes_one_row_after_a_flush(post):
    events.record(visit(), EventKind.PAGE_VIEW, page_id=post.page_id)
    events.record(visit(), EventKind.POST_VIEW, page_id=post.page_id, post_id=post.pk)
    events.record(None, EventKind.FOLLOW, page_id=post.page_id, user_id=42)
    assert Event.objects.count() == 0  # nothing written on the request path

    assert flush_events() == 3

    rows = list(Event.objects.order_by("at", "id").values("kind", "page_id", "post_id", "user_id"))
    assert sorted(rows, key=lambda row: row["kind"]) == [
        {"kind": "follow", "page_id": post.page_id, "post_id": None, "user_id": 42},
        {"kind": "page_view", "page_id": post.page_id, "post_id": None, "user_id": None},
        {"kind": "post_view", "page_id": post.page_id, "post_id": post.pk, "user_id": None},
    ]
    stored = Event.objects.get(kind=EventKind.POST_VIEW)
    assert stored.visitor.startswith("v") and len(stored.visitor) == 32
    assert stored.day == timezone.localdate(stored.at)
    assert flush_events() == 0  # nothing left over


def test_the_day_is_the_vietnam_date_of_the_event():
    # 18:30 UTC on 31 Dec is already 1 Jan in Hà Nội (UTC+7).
    at = datetime.datetime(2025, 12, 31, 18, 30, tzinfo=datetime.UTC)
    event = events.RawEvent(events.uuid7(), EventKind.PAGE_VIEW, 1, None, None, "v1", at)
    events.store([event])
    assert Event.objects.get().day == datetime.date(2026, 1, 1)


def test_replaying_a_batch_writes_nothing_twice(post):
    for _ in range(3):
        events.record(visit(), EventKind.PAGE_VIEW, page_id=post.page_id)
    events.record(None, EventKind.REACTION, page_id=post.page_id, post_id=post.pk, user_id=7)
    batch = [
        events.RawEvent.unpacked(event.packed())  # as it comes back from the stream
        for event in _take_everything()
    ]
    assert events.store(batch) == 4
    assert events.store(batch) == 4  # the same ids again: a replay
    assert events.store(batch[:2]) == 2
    assert Event.objects.count() == 4
    assert set(Event.objects.values_list("id", flat=True)) == {event.id for event in batch}


def _take_everything() -> list[events.RawEvent]:
    """What is waiting, taken without writing or acknowledging (as a worker crashing would)."""
    if settings.REDIS_URL:
        return [event for _entry, event in ingest.read_stream()]
    taken, events._state.pending[:] = list(events._state.pending), []
    return taken


@pytest.mark.skipif(not settings.REDIS_URL, reason="the stream exists with REDIS_URL only")
def test_a_batch_read_by_a_worker_that_died_before_acknowledging_is_stored_once(post):
    for _ in range(5):
        events.record(visit(), EventKind.PAGE_VIEW, page_id=post.page_id)
    # A worker reads the batch and writes it, then dies before acknowledging.
    taken = ingest.read_stream()
    events.store(event for _entry, event in taken)
    assert Event.objects.count() == 5
    # A normal flush leaves the entries pending while their reader might still be working …
    assert ingest.drain_stream() == 0
    # … and once they have been idle long enough, takes them over: written again, stored once.
    assert ingest.drain_stream(claim_idle_ms=0) == 5
    assert Event.objects.count() == 5
    assert events._redis().xlen(events.STREAM) == 0  # acknowledged and deleted
    assert flush_events() == 0


@pytest.mark.parametrize(
    "headers",
    [{"HTTP_DNT": "1"}, {"HTTP_SEC_GPC": "1"}, {"HTTP_SEC_PURPOSE": "prefetch"}],
    ids=["do-not-track", "global-privacy-control", "prefetch"],
)
def test_nothing_is_recorded_for_a_browser_that_asks_not_to_be_tracked(post, headers):
    events.record(visit(**headers), EventKind.PAGE_VIEW, page_id=post.page_id)
    events.record(visit(**headers), EventKind.POST_VIEW, page_id=post.page_id, post_id=post.pk)
    assert flush_events() == 0
    assert not Event.objects.exists()


def test_nothing_is_recorded_for_a_visitor_who_opted_out(post, personas):
    anonymous, citizen = visit(), visit(user=personas["kinhbac.canbo"])
    for request in (anonymous, citizen):
        request.COOKIES[OPT_OUT_COOKIE] = "1"
        events.record(request, EventKind.PAGE_VIEW, page_id=post.page_id)
    assert flush_events() == 0
    assert not Event.objects.exists()


def test_an_anonymous_visitor_id_is_stable_within_a_day_and_changes_the_next():
    today, tomorrow = datetime.date(2026, 3, 1), datetime.date(2026, 3, 2)
    same = visitor_key(visit(), day=today)
    assert visitor_key(visit(), day=today) == same
    assert visitor_key(visit(), day=tomorrow) != same
    assert visitor_key(visit(ip="198.51.100.9"), day=today) != same
    assert same.startswith("v") and len(same) == 32


def test_the_anonymous_visitor_id_of_today_is_the_one_recorded(post):
    events.record(visit(), EventKind.PAGE_VIEW, page_id=post.page_id)
    flush_events()
    assert Event.objects.get().visitor == visitor_key(visit())


def test_a_signed_in_persons_events_carry_their_account(post, personas):
    editor = personas["kinhbac.canbo"]
    events.record(visit(user=editor), EventKind.POST_VIEW, page_id=post.page_id, post_id=post.pk)
    flush_events()
    row = Event.objects.get()
    assert (row.user_id, row.visitor) == (editor.pk, f"u{editor.pk}")


def test_recording_makes_no_database_query(post, personas, django_assert_num_queries):
    editor = personas["kinhbac.canbo"]
    anonymous, signed_in = visit(), visit(user=editor)
    with django_assert_num_queries(0):
        for _ in range(3):
            events.record(anonymous, EventKind.PAGE_VIEW, page_id=post.page_id)
            events.record(signed_in, EventKind.POST_VIEW, page_id=post.page_id, post_id=post.pk)
            events.record(None, EventKind.SHARE, page_id=post.page_id, user_id=editor.pk)
    assert flush_events() == 9


def test_a_full_buffer_waits_for_a_flush_and_never_writes_on_the_request_path(
    post, settings, django_assert_num_queries
):
    settings.EVENTS_BUFFER = 2
    with django_assert_num_queries(0):
        for _ in range(5):
            events.record(visit(), EventKind.PAGE_VIEW, page_id=post.page_id)
    assert flush_events() == 5
    assert Event.objects.count() == 5


def test_record_never_raises_on_nonsense():
    events.record(visit(), EventKind.PAGE_VIEW, page_id="not a number")  # type: ignore[arg-type]
    assert flush_events() == 0


def test_the_worker_job_flushes_the_events(post):
    events.record(visit(), EventKind.PAGE_VIEW, page_id=post.page_id)
    job = next(job for job in JOBS if job.name == "flush-events")
    outcome = run_job(job)
    assert (outcome.error, outcome.result) == ("", 1)
    assert Event.objects.filter(kind=EventKind.PAGE_VIEW, page_id=post.page_id).count() == 1


def test_event_ids_made_one_after_another_sort_in_order():
    ids = [events.uuid7() for _ in range(200)]
    assert all(i.version == 7 for i in ids)
    assert len(set(ids)) == 200
    assert [i.int >> 80 for i in ids] == sorted(i.int >> 80 for i in ids)


@pytest.mark.parametrize("zone", ["Asia/Ho_Chi_Minh", "Asia/Kathmandu", "America/St_Johns"])
def test_the_rollup_files_each_event_under_its_local_day_in_any_time_zone(zone):
    """The rollup converts one instant per quarter hour (`rollup.local_days`): every instant
    of two days, minute by minute around each midnight, lands on the day `localdate` gives."""
    from congdong.insights.rollup import local_days

    with timezone.override(zoneinfo.ZoneInfo(zone)):
        local_day = local_days()
        start = datetime.datetime(2026, 3, 7, tzinfo=datetime.UTC)
        for minute in range(0, 2 * 24 * 60, 7):
            at = start + datetime.timedelta(minutes=minute, seconds=minute % 60)
            assert local_day(at) == timezone.localdate(at), at


@pytest.mark.django_db(transaction=True)
def test_the_web_process_flusher_writes_in_the_background_until_its_period_is_set_to_zero(
    post, settings
):
    # Transactional: the flusher thread writes through its own connection, which a test's
    # open transaction would keep from the table. The test reads no table while the thread may
    # write (SQLite's shared in-memory database refuses a read beside a write at once).
    settings.REDIS_URL = ""  # the embedded path: the process's buffer and its flusher thread
    settings.EVENTS_FLUSH_SECONDS = 0.05
    events._state.pending.clear()  # what making `post` recorded
    events.record(visit(), EventKind.PAGE_VIEW, page_id=post.page_id)
    flusher = events._state.flusher
    assert flusher is not None and flusher.is_alive()
    try:
        eventually(lambda: events.pending() == 0)  # until the thread takes the batch
    finally:
        settings.EVENTS_FLUSH_SECONDS = 0  # the thread off: it ends at its next wake-up
        flusher.join(5)
    assert not flusher.is_alive() and events._state.flusher is None
    assert Event.objects.count() == 1 and events.pending() == 0  # written by the thread

    events.record(visit(), EventKind.PAGE_VIEW, page_id=post.page_id)
    assert events._state.flusher is None  # not started again without a period
    assert events.pending() == 1 and Event.objects.count() == 1
    assert flush_events() == 1
