"""Every check that takes several fields tells every bad one in one answer (issue 16.9, the
class): board posts, citizens' reports, erasure confirmation, page co-operators, the ranking
API and export requests. Nothing is changed."""

from __future__ import annotations

import pytest
from django.utils import timezone

from congdong.core.errors import ActionError, each
from congdong.handbook import actions as handbook
from congdong.handbook.models import BoardPost
from congdong.insights.exports.jobs import check_request_export
from congdong.moderation import actions as moderation
from congdong.pages import actions as page_actions
from congdong.privacy import actions as privacy
from tests.conftest import client_for, unit_2025
from tests.engagement.conftest import citizen, published
from tests.handbook.conftest import people, units  # noqa: F401 (fixtures)
from tests.posts.conftest import pages, regulation  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


def fields(call) -> set[str]:
    with pytest.raises(ActionError) as refused:
        call()
    return {error.field for error in each(refused.value)}


def test_a_board_post_tells_kind_title_and_text_together(people):  # noqa: F811
    writer = people["kinhbac.canbo"]
    unit_id = writer.memberships.first().unit_id
    assert fields(lambda: handbook.create_post(writer, unit_id, "rant", "", "")) == {
        "kind", "title", "body",
    }  # fmt: skip
    assert not BoardPost.objects.exists()


def test_a_report_tells_reason_and_text_together(pages):  # noqa: F811
    post = published(pages.kinh_bac)
    reporter = citizen("+84911000001")
    too_long = "x" * 5000
    assert fields(lambda: moderation.check_report(reporter, "post", post.pk, "?", too_long)) == {
        "reason", "text",
    }  # fmt: skip


def test_erasure_tells_both_confirmations_together():
    person = citizen("+84911000002")
    assert fields(lambda: privacy.check_delete(person, False, "không")) == {"understood", "word"}


def test_a_co_operator_tells_account_and_organisation_together(personas):
    from congdong.pages.actions import do_establish_many
    from congdong.pages.models import Page

    bac_ninh = unit_2025("24")
    do_establish_many([bac_ninh], opened_at=timezone.now())
    page = Page.objects.standard().get(unit=bac_ninh)
    admin = personas["bacninh.quantri"]
    assert fields(lambda: page_actions.check_add_operator(admin, page.pk, "khong.co.ai", "zz")) == {
        "username", "organisation",
    }  # fmt: skip


def test_an_export_request_tells_report_format_and_dates_together(personas):
    analyst = personas["bacninh.thongke"]
    params = {"tu": "2026-05-01", "den": "2026-04-01"}
    assert fields(lambda: check_request_export(analyst, "nope", "x", params, "doc")) == {
        "kind", "format", "unit", "tu",
    }  # fmt: skip


def test_the_ranking_api_tells_metric_and_limit_together(personas):
    analyst = client_for(personas["bacninh.thongke"])
    bac_ninh = unit_2025("24")
    answer = analyst.get(f"/api/v1/insights/units/{bac_ninh.pk}/pages?metric=reach&limit=0")
    assert answer.status_code == 400
    assert {"metric", "limit"} <= {e.get("field") for e in answer.json().get("errors", [])}
