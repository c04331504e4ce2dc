"""Every screen, API, export and report that picks a period or a date by itself picks one
inside the unit's structure's life: the 2022 tree's figures end on 30 June 2025, so its
dashboards open on the last days of that structure, not on today's (empty) ones."""

from __future__ import annotations

import datetime
import io
import json

import pytest
from django.core.management import call_command

from congdong.insights import coverage, dashboard, situation
from congdong.units.models import Structure, Unit
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

ENDED = datetime.date(2025, 6, 30)


@pytest.fixture
def old_root() -> Unit:
    structure = Structure.objects.get(code="2022")
    assert structure.valid_to == ENDED
    return Unit.objects.select_related("structure").get(structure=structure, depth=1)


@pytest.fixture
def analyst(personas):
    return client_for(personas["tw.thongke"])  # national analyst, both structures


def _end(data: dict) -> str:
    period = data.get("period") or data
    return str(period.get("end") or period.get("to"))


def test_the_screens_open_on_the_last_days_of_the_2022_structure(analyst, old_root):
    board = analyst.get(f"/lam-viec/thong-ke/{old_root.pk}/")
    assert board.context["period"].end == ENDED
    assert board.context["period"].start == ENDED - datetime.timedelta(days=29)
    assert analyst.get(f"/lam-viec/thong-ke/{old_root.pk}/do-phu/").context["as_of"] == ENDED
    report = analyst.get(f"/lam-viec/tinh-hinh-nhan-dan/{old_root.pk}/")
    assert report.status_code == 200
    assert report.context["period"].end == ENDED


def test_the_api_answers_for_the_last_days_of_the_2022_structure(analyst, old_root):
    figures = analyst.get(f"/api/v1/insights/units/{old_root.pk}/figures").json()
    assert figures["end"] == ENDED.isoformat()
    found = analyst.get(f"/api/v1/feedback/situation/{old_root.pk}").json()
    assert _end(found) == ENDED.isoformat(), found.keys()
    keywords = analyst.get(f"/api/v1/feedback/situation/{old_root.pk}/keywords")
    assert keywords.status_code == 200


def test_the_exports_and_reports_default_to_the_structures_last_day(old_root):
    assert dashboard.default_period(old_root).end == ENDED
    assert coverage.as_of_param({}, old_root) == ENDED
    assert any("30/06/2025" in line for line in situation.document(old_root, {}).subtitle)

    out = io.StringIO()
    call_command("report", "coverage", "--structure", "2022", "--format", "json", stdout=out)
    assert json.loads(out.getvalue())["as_of"] == ENDED.isoformat()
    out = io.StringIO()
    call_command("report", "situation", "--structure", "2022", "--format", "json", stdout=out)
    assert _end(json.loads(out.getvalue())) == ENDED.isoformat()
