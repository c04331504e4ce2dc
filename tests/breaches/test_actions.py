"""Recording a breach, its 72-hour deadline, notifying the authority (late: with the reason),
closing; bad input explained in Vietnamese and nothing changed."""

from __future__ import annotations

import datetime

import pytest
from django.utils import translation

from congdong.breaches import actions
from congdong.breaches.models import Breach, BreachState
from congdong.core.errors import ActionError
from tests.breaches.conftest import DISCOVERED, NOW, fields, recorded
from tests.clock import vn

pytestmark = pytest.mark.django_db
S = BreachState


@pytest.fixture(autouse=True)
def vietnamese():
    with translation.override("vi"):
        yield


def test_the_deadline_is_72_wall_clock_hours_after_discovery(world):
    item = recorded(world.commune_dpo, world.kinh_bac)
    assert item.notice_due_at == vn(2026, 3, 10, 22, 0)
    assert (item.state, item.recorded_by) == (S.RECORDED, world.commune_dpo)
    assert [(t.from_state, t.to_state) for t in item.transitions.all()] == [("", S.RECORDED)]


def test_the_hours_are_a_setting(world, settings):
    settings.BREACH_NOTICE_HOURS = 24
    assert recorded(world.commune_dpo, world.kinh_bac).notice_due_at == vn(2026, 3, 8, 22, 0)


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"description": "lộ"}, "description", "Mô tả sự việc"),
        ({"data_categories": " "}, "data_categories", "loại dữ liệu cá nhân"),
        ({"subjects_count": "nhiều"}, "subjects_count", "bằng chữ số"),
        ({"contact": ""}, "contact", "người liên hệ"),
        ({"discovered_at": NOW + datetime.timedelta(hours=1)}, "discovered_at", "tương lai"),
        ({"occurred_at": NOW}, "occurred_at", "sau khi được phát hiện"),
        ({"unit_id": "x"}, "unit_id", "Chọn đơn vị"),
    ],
)
def test_bad_input_is_explained_and_nothing_is_recorded(world, change, field, message):
    with pytest.raises(ActionError) as refused:
        actions.record(world.commune_dpo, fields(world.kinh_bac, **change), now=NOW)
    assert refused.value.field == field and message in str(refused.value.message)
    assert not Breach.objects.exists()


def test_a_unit_outside_ones_subtree_is_refused_naming_it(world):
    for actor, unit in [
        (world.commune_dpo, world.sibling),
        (world.commune_dpo, world.bac_ninh),
        (world.province_admin, world.ha_noi),
        (world.editor, world.kinh_bac),
    ]:
        with pytest.raises(ActionError) as refused:
            recorded(actor, unit)
        assert refused.value.status == 403 and unit.full_name in str(refused.value.message)
    assert not Breach.objects.exists()


def test_notified_in_time_needs_only_the_notice_number(world):
    item = recorded(world.commune_dpo, world.kinh_bac)
    at = vn(2026, 3, 9, 9, 0)
    actions.notify(world.commune_dpo, item.pk, "15/TB-MTTQ", notified_at=at, now=at)
    item.refresh_from_db()
    assert (item.state, item.notified_at, item.notice_reference) == (S.NOTIFIED, at, "15/TB-MTTQ")
    assert item.late_reason == ""


def test_notified_late_needs_the_reason_for_the_delay(world):
    item = recorded(world.commune_dpo, world.kinh_bac)
    late = vn(2026, 3, 11, 8, 0)
    with pytest.raises(ActionError) as refused:
        actions.notify(world.commune_dpo, item.pk, "15/TB-MTTQ", notified_at=late, now=late)
    assert refused.value.field == "late_reason" and "72 giờ" in str(refused.value.message)
    assert Breach.objects.get().state == S.RECORDED
    actions.notify(
        world.commune_dpo,
        item.pk,
        "15/TB-MTTQ",
        notified_at=late,
        late_reason="Chờ xác minh phạm vi dữ liệu bị lộ với đơn vị cung cấp dịch vụ.",
        now=late,
    )
    assert Breach.objects.get().late_reason.startswith("Chờ xác minh")


def test_a_notice_cannot_be_dated_before_the_discovery_or_in_the_future(world):
    item = recorded(world.commune_dpo, world.kinh_bac)
    for at in (DISCOVERED - datetime.timedelta(minutes=1), NOW + datetime.timedelta(hours=1)):
        with pytest.raises(ActionError) as refused:
            actions.notify(world.commune_dpo, item.pk, "15/TB", notified_at=at, now=NOW)
        assert refused.value.field == "notified_at"


def test_closing_needs_a_note_and_ends_the_graph(world):
    item = recorded(world.commune_dpo, world.kinh_bac)
    actions.notify(world.commune_dpo, item.pk, "15/TB-MTTQ", now=NOW)
    with pytest.raises(ActionError) as refused:
        actions.close(world.commune_dpo, item.pk, "")
    assert refused.value.field == "note"
    actions.close(world.province_admin, item.pk, "Đã thu hồi tệp, thông báo cho người dân.")
    item.refresh_from_db()
    assert item.state == S.CLOSED and item.closed_at is not None
    with pytest.raises(ActionError, match="đã"):
        actions.notify(world.commune_dpo, item.pk, "16/TB", now=NOW)
    assert [t.to_state for t in item.transitions.all()] == [S.RECORDED, S.NOTIFIED, S.CLOSED]


def test_a_stale_move_changes_nothing(world):
    item = recorded(world.commune_dpo, world.kinh_bac)
    move = actions.check_notify(world.commune_dpo, item.pk, "15/TB", now=NOW)
    actions.close(world.province_admin, item.pk, "Không phải dữ liệu cá nhân.")
    with pytest.raises(ActionError, match="thay đổi"):
        actions.do_move(world.commune_dpo, move)
    assert Breach.objects.get().state == S.CLOSED
