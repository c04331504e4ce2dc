"""Who reads which rows: a unit's admins and data protection officers read their unit and the
units below it, never a sibling's or a parent's; through the web screen and the API alike."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from congdong.audit import queries
from congdong.audit.models import AuditEntry
from tests.audit.conftest import entry_at
from tests.conftest import client_for

pytestmark = pytest.mark.django_db
SCREEN = "/lam-viec/nhat-ky/"
API = "/api/v1/audit/entries"


@pytest.fixture
def rows(readers) -> dict[str, AuditEntry]:
    return {
        "kinh_bac": entry_at(readers.kinh_bac, "kinh-bac"),
        "sibling": entry_at(readers.sibling, "sibling"),
        "bac_ninh": entry_at(readers.bac_ninh, "bac-ninh"),
        "ha_noi": entry_at(readers.ha_noi, "ha-noi"),
        "central": entry_at(readers.central, "central"),
        "nowhere": entry_at(None, "nowhere"),
    }


def seen(user) -> set[str]:
    return set(queries.entries(queries.access_audit(user)).values_list("action", flat=True))


def test_a_province_admin_reads_the_province_and_below_only(readers, rows):
    assert seen(readers.province_admin) == {"kinh-bac", "sibling", "bac-ninh"}


def test_a_commune_officer_never_reads_a_sibling_or_the_province(readers, rows):
    assert seen(readers.commune_dpo) == {"kinh-bac"}


def test_another_province_never_reads_bac_ninh(readers, rows):
    assert seen(readers.hanoi_admin) == {"ha-noi"}


def test_the_central_admin_reads_everything_including_rows_of_no_unit(readers, rows):
    assert seen(readers.central_admin) == set(r.action for r in rows.values())


def test_roles_without_the_right_and_citizens_are_refused(readers, rows, personas):
    for user in (readers.editor, personas["bacninh.thongke"], personas["tiendu.canbo"]):
        with pytest.raises(PermissionDenied):
            queries.access_audit(user)
        assert client_for(user).get(SCREEN).status_code == 403
        assert client_for(user).get(API).status_code == 403


def test_the_screen_lists_the_readers_rows(readers, rows):
    page = client_for(readers.province_admin).get(SCREEN).content.decode()
    assert 'data-action="kinh-bac"' in page and 'data-action="bac-ninh"' in page
    assert 'data-action="ha-noi"' not in page and 'data-action="central"' not in page


def test_the_api_gives_the_same_rows(readers, rows):
    body = client_for(readers.hanoi_admin).get(API).json()
    # The reader's own sign-in (force_login) is a row of Hà Nội too.
    assert {item["action"] for item in body["items"]} == {"ha-noi", "login"}
    assert body["count"] == 2


def test_filters_by_actor_action_and_days(readers, rows):
    old = entry_at(readers.kinh_bac, "posts:reject", actor=readers.commune_dpo)
    client = client_for(readers.province_admin)
    page = client.get(SCREEN, {"action": "reject"}).content.decode()
    assert f'data-id="{old.pk}"' in page and 'data-action="kinh-bac"' not in page
    page = client.get(SCREEN, {"actor": "kinhbac.baove"}).content.decode()
    assert f'data-id="{old.pk}"' in page and 'data-action="kinh-bac"' not in page
    today = timezone.localdate()
    tomorrow = (today + datetime.timedelta(days=1)).strftime("%d/%m/%Y")
    page = client.get(SCREEN, {"since": tomorrow}).content.decode()
    assert "data-action=" not in page
    body = client.get(API, {"since": today.isoformat(), "action": "bac"}).json()
    assert {item["action"] for item in body["items"]} == {"kinh-bac", "bac-ninh"}


def test_a_bad_day_is_explained_in_vietnamese(readers, rows):
    client = client_for(readers.province_admin)
    response = client.get(SCREEN, {"since": "31/02/2026"})
    assert response.status_code == 400
    assert "ngày/tháng/năm" in response.content.decode()
    response = client.get(SCREEN, {"since": "10/03/2026", "until": "01/03/2026"})
    assert response.status_code == 400
    assert "trước ngày bắt đầu" in response.content.decode()
