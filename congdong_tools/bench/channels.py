"""channels: one publish-down campaign to every page's Facebook Page and Zalo OA (fakes).

Goals (issue 18 §7): every external post delivered exactly once (0 duplicates, 0 lost), also
with one `kill -9` of the worker mid-delivery and a burst of rate-limit answers; the whole
run in ≤ 1.2 × the minimum the fake's rate limit allows; webhook intake ≥ 2,000 signed
events/s with p99 < 100 ms to answer (measured by congdong_tools/bench/channels_intake.py when it is
there; null otherwise). The work runs in a child process (congdong_tools/channels_bench.py,
which starts the fakes: the product never imports them) against a throwaway database.
"""

from __future__ import annotations

import importlib

from congdong_tools.bench import steps
from congdong_tools.bench.report import Report

GOAL_RATIO = 1.2
INTAKE_EVENTS = 20_000


def _intake(events: int) -> dict | None:
    try:
        module = importlib.import_module("congdong_tools.bench.channels_intake")
    except ImportError:
        return None
    return module.measure(events)


def run(database_url: str | None, progress, pages: int | None = None) -> Report:
    args = ["--pages", str(pages)] if pages else []
    figures = steps.child_figures("congdong_tools.channels_bench", database_url, progress, *args)
    progress("measuring webhook intake…")
    intake = _intake(min(INTAKE_EVENTS, 20 * (pages or 1000)))
    figures["webhook_intake"] = intake
    report = Report("channels", figures)
    for platform in ("facebook", "zalo"):
        report.goals[f"{platform}: 0 duplicates, 0 lost"] = (
            figures[f"{platform}_duplicates"] == 0 and figures[f"{platform}_lost"] == 0
        )
    ratio = figures.get("ratio")
    report.goals["time ≤ 1.2 × the rate limit's minimum"] = ratio is not None and (
        ratio <= GOAL_RATIO
    )
    # Exactly once is only shown if the run went through the kill and the burst.
    report.goals["a worker killed (-9) and a burst of rate-limit answers on the way"] = bool(
        figures.get("worker_killed") and figures.get("rate_limit_burst")
    )
    # Every goal of `congdong bench channels-intake`: the rate, p99, and every event stored
    # exactly once, every refusal counted, no unexpected answer.
    report.goals["webhook intake ≥ 2,000 events/s, p99 < 100 ms, stored once"] = bool(
        intake and all(_intake_goals(intake).values())
    )
    return report


def _intake_goals(figures: dict) -> dict[str, bool]:
    from congdong_tools.bench.channels_intake import goals

    return goals(figures)
