"""`congdong scenario conference-2022` at a small scale: the 2022 report re-created from raw
events in a database of its own. The page counts are the reported ones whatever the scale."""

from __future__ import annotations

from pathlib import Path

import pytest

from congdong_tools import scenario

# The scenario builds its own SQLite database whatever the suite's (`scenario.run`): the
# PostgreSQL pass would run the very same thing again.
pytestmark = [pytest.mark.slow, pytest.mark.backend_neutral]

SCALE = 0.002  # 96,000 distinct viewers: the whole run takes well under a minute


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> dict:
    data_dir = tmp_path_factory.mktemp("conference-2022")
    return scenario.run(SCALE, str(data_dir), lambda text: None) | {"dir": str(data_dir)}


@pytest.fixture
def result(run) -> dict:
    """What `congdong scenario conference-2022 --format json` prints."""
    return run["summary"]


def test_coverage_on_the_day_is_the_reported_one(result):
    assert result["as_of"] == "2022-08-05"
    assert result["coverage"] == {
        "province": {"units": 63, "with_page": 63, "percent": 100.0},
        "district": {"units": 705, "with_page": 548, "percent": 77.7},
        "commune": {"units": 10_599, "with_page": 5_776, "percent": 54.5},
    }


def test_the_central_pages_figures_are_the_reported_ones_times_the_scale(result):
    page = result["central_page"]
    assert result["scale"] == SCALE
    assert page["followers"] == round(12_414 * SCALE)
    assert page["posts"] == round(1_833 * SCALE)
    assert page["referrals"] == round(108_472 * SCALE)
    assert page["reach_true"] == round(48_000_000 * SCALE)


def test_the_reach_estimate_is_within_two_percent_of_the_true_distinct_viewers(result):
    page = result["central_page"]
    assert abs(page["reach"] - page["reach_true"]) <= 0.02 * page["reach_true"]
    assert page["reach_low"] <= page["reach_true"] <= page["reach_high"]
    assert abs(page["reach_error_percent"]) < 2


def test_every_event_went_through_ingestion_and_the_run_says_what_it_cost(result):
    planned = result["planned"]
    # One view per viewer, one follow per follower, one event per post and referral.
    assert (
        result["events_stored"]
        == result["events_submitted"]
        == (planned["reach"] + planned["followers"] + planned["posts"] + planned["referrals"])
    )
    assert result["wall_seconds"] > 0 and result["peak_rss_mb"] > 0
    assert Path(result["data_dir"], "conference-2022.sqlite3").exists()


def test_the_report_prints_coverage_and_the_central_pages_cards_in_vietnamese(run):
    text = scenario.document_text(run["document"])
    assert "548/705 (77,7 %)" in text
    assert "5.776/10.599 (54,5 %)" in text
    assert "Mặt trận Tổ quốc Việt Nam" in text
    reach = run["summary"]["central_page"]["reach"]
    assert f"{reach:,}".replace(",", ".") in text  # the reach card, grouped the Vietnamese way
