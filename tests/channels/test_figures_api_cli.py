"""Imported figures read through the API (scoped like every figure: a sibling province's
people see nothing of Bắc Ninh's) and imported from the command line."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from congdong.channels.models import ChannelKind, FigureImport
from congdong.insights.channel_import import import_link, yesterday
from tests.channels.conftest import linked
from tests.conftest import client_for

pytestmark = pytest.mark.django_db(transaction=True)
DAY = datetime.timedelta(days=1)


@pytest.fixture
def imported(platforms, pages):
    fake_graph, _zalo = platforms
    fake_graph.add_user("100", "Chị Lan")
    fake_graph.add_page("2001", "MTTQ tỉnh Bắc Ninh", followers=1200, admins=["100"])
    fake_graph.set_insight("2001", "page_media_view", yesterday(), 500)
    token = fake_graph.token_for("100", page_id="2001")
    link = linked(pages[0], ChannelKind.FACEBOOK, "2001", access_token=token)
    assert import_link(link.pk, since=yesterday() - 2 * DAY).ok
    return link


def _figures(user, unit, **query):
    params = {"from": yesterday().isoformat(), "to": yesterday().isoformat(), **query}
    return client_for(user).get(f"/api/v1/channels/units/{unit.pk}/figures", params)


def test_the_analyst_reads_facebook_figures_beside_congdongs(personas, pages, imported):
    response = _figures(personas["bacninh.thongke"], pages[0].unit)
    assert response.status_code == 200
    body = response.json()
    by_source = {row["source"]: row for row in body["sources"]}
    assert by_source["facebook"]["views"] == 500
    assert by_source["facebook"]["followers"] == 1200
    assert by_source["site"]["views"] == 0 and by_source["site"]["viewers"] is None
    assert by_source["zalo"]["viewers"] is None  # Zalo does not report distinct viewers
    assert body["total"]["views"] == 500
    assert body["viewers_note"]


def test_a_sibling_provinces_people_see_nothing_of_it(personas, pages, imported):
    bac_ninh, ha_noi = pages
    refused = _figures(personas["hanoi.quantri"], bac_ninh.unit)
    assert refused.status_code == 404  # out of scope, as every figure of the API
    assert "facebook" not in refused.content.decode()
    assert _figures(personas["tw.thongke"], bac_ninh.unit).status_code == 200  # the centre's
    own = _figures(personas["hanoi.quantri"], ha_noi.unit)
    assert own.status_code == 200
    assert all(row["views"] in (0, None) for row in own.json()["sources"])


def test_the_command_imports_with_progress_and_skips_what_is_done(platforms, pages, imported):
    out = StringIO()
    call_command(
        "channels", "import", since=(yesterday() - 4 * DAY).isoformat(), unit="24", stdout=out
    )
    text = out.getvalue()
    assert "2001" in text or "Channel" in text
    assert FigureImport.objects.get(link=imported).first_day == yesterday() - 4 * DAY


@pytest.mark.parametrize("since", ["01/03/2026", "2026-13-01", ""])
def test_a_bad_date_is_told_in_vietnamese_and_nothing_is_imported(pages, since):
    with pytest.raises(CommandError) as error:
        call_command("channels", "import", since=since, stdout=StringIO())
    assert "YYYY-MM-DD" in str(error.value) and "ngày" in str(error.value).lower()
    assert not FigureImport.objects.exists()
