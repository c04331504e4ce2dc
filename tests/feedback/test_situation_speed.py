"""The people's situation stays quick without showing old figures (issue 16 §13): the report is
cached until an item moves, the keywords of a large subtree come after the page, and a text
segmented once is not segmented again."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from congdong.feedback import actions
from congdong.insights import situation, topics
from congdong.insights.figures import Period
from tests.conftest import client_for
from tests.feedback.conftest import send

pytestmark = pytest.mark.django_db


def page_of(unit) -> str:
    return reverse("feedback:situation-unit", args=[unit.pk])


@pytest.fixture
def sent(people, units):
    now = timezone.now() - datetime.timedelta(hours=1)
    first = send(people["an"], units.kinh_bac, now=now, text="Giao thông nội đồng xuống cấp.")
    send(people["binh"], units.kinh_bac, now=now, text="Giao thông nội đồng ngập nước.")
    return first


def test_the_cached_report_is_the_report_and_a_move_or_a_new_item_shows_at_once(
    people, units, sent
):
    period = Period.last(7, timezone.localdate())
    cached = situation.cached_data(units.bac_ninh, period)
    fresh = situation.data(units.bac_ninh, period, now=cached.now)
    assert cached == fresh
    assert (cached.totals.sent, cached.totals.open) == (2, 2)

    actions.accept(people["kinhbac.canbo"], sent.pk)
    assert situation.cached_data(units.bac_ninh, period).states != cached.states
    send(people["an"], units.kinh_bac, now=timezone.now(), text="Đèn đường hỏng.")
    assert situation.cached_data(units.bac_ninh, period).totals.sent == 3

    client = client_for(people["bacninh.thongke"])
    assert client.get(page_of(units.bac_ninh)).context["report"].totals.sent == 3


def test_keywords_of_many_texts_come_after_the_page_by_htmx_or_a_link(
    people, units, sent, monkeypatch
):
    monkeypatch.setattr(topics, "WAIT_TEXTS", 1)  # two texts are "many" here
    client = client_for(people["bacninh.thongke"])
    page = client.get(page_of(units.bac_ninh))
    html = page.content.decode()
    assert page.status_code == 200 and page.context["report"].totals.sent == 2
    assert 'id="keywords-later"' in html and "nội đồng" not in html
    assert 'hx-get="' + page_of(units.bac_ninh) + "?phan=tu-khoa" in html

    part = client.get(page_of(units.bac_ninh) + "?phan=tu-khoa", headers={"HX-Request": "true"})
    assert part.status_code == 200
    assert 'id="keywords-found"' in part.content.decode() and "nội đồng" in part.content.decode()
    assert "<html" not in part.content.decode()

    # Without JavaScript: the whole page, with its keywords.
    whole = client.get(page_of(units.bac_ninh) + "?phan=tu-khoa").content.decode()
    assert "<html" in whole and "nội đồng" in whole and 'id="keywords-later"' not in whole
    # Counted once, the keywords are on the page itself.
    assert "nội đồng" in client.get(page_of(units.bac_ninh)).content.decode()


def test_the_keywords_are_refused_outside_the_analysts_subtree(people, units, sent):
    client = client_for(people["bacninh.thongke"])
    other = client.get(page_of(units.hanoi) + "?phan=tu-khoa", headers={"HX-Request": "true"})
    assert other.status_code in (403, 404)


def test_a_text_is_segmented_once_and_a_new_item_costs_its_own_text_only(
    people, units, sent, monkeypatch
):
    period = Period.last(7, timezone.localdate())
    segmented: list[str] = []
    real = topics.words

    def counting(text: str) -> set[str]:
        segmented.append(text)
        return real(text)

    monkeypatch.setattr(topics, "words", counting)
    topics._segmented.clear()
    first = topics.keywords(units.bac_ninh, period)
    assert len(segmented) == 2
    send(people["an"], units.kinh_bac, now=timezone.now(), text="Giao thông nội đồng cần sửa gấp.")
    again = topics.keywords(units.bac_ninh, period)
    assert segmented[2:] == ["Giao thông nội đồng cần sửa gấp."]
    assert {k.word for k in again.keywords} >= {k.word for k in first.keywords}
