"""publish-down: one campaign from the central page published on every page below it at once.

Goal (issue 3 §5): the whole 2022 tree (11,368 pages) reached in ≤ 60 s on SQLite, and linear in
pages: seconds per page at full size ≤ 1.5 × seconds per page at 1/10 of the tree. The 1/10 run
gives pages to the first provinces' subtrees only (about a tenth of the units) and launches a
campaign there; then every unit gets its page and a second campaign goes to all of them.
Runs in a throwaway SQLite database unless `--database-url` is given.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time

from congdong_tools.bench import steps
from congdong_tools.bench.report import Report

GOAL_SECONDS_FULL = 60.0
GOAL_LINEARITY = 1.5


def run(database_url: str | None, progress) -> Report:
    figures = steps.child_figures("congdong_tools.bench.publish_down", database_url, progress)
    report = Report("publish-down", figures)
    report.goals["whole 2022 tree in ≤ 60 s"] = figures["seconds_full"] <= GOAL_SECONDS_FULL
    report.goals["linear: full-size s/page ≤ 1.5 × the 1/10 figure"] = (
        figures["linearity_full_over_tenth"] <= GOAL_LINEARITY
    )
    return report


def _inner() -> None:
    """Runs in the child process, against the throwaway database."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "congdong.settings")
    django.setup()
    from django.utils import timezone

    from congdong.campaigns import actions as campaigns
    from congdong.campaigns.models import CampaignMode
    from congdong.pages.actions import do_establish_many
    from congdong.pages.models import Page
    from congdong.posts import actions as posts
    from congdong.posts.default_regulation import ensure_default_regulation
    from congdong.units.actions import do_import_structure
    from congdong.units.models import Level, Unit

    def say(text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    say("importing the 2022 structure…")
    do_import_structure("2022")
    ensure_default_regulation()
    units = list(Unit.objects.filter(structure__code="2022").order_by("path"))
    root = units[0]
    editor, approver = steps.bench_staff(root)

    # 1/10 of the tree: the first provinces' whole subtrees, until a tenth of the units.
    provinces = [u for u in units if u.level == Level.PROVINCE]
    tenth: list[Unit] = [root]
    for province in provinces:
        if len(tenth) >= len(units) / 10:
            break
        tenth += [u for u in units if u.path.startswith(province.path)]
    say(f"establishing pages for 1/10 of the tree ({len(tenth):,} units)…")
    do_establish_many(tenth, opened_at=timezone.now())
    central_page = Page.objects.get(unit=root)

    def publish_down(title: str) -> tuple[int, float]:
        draft = posts.create_draft(
            editor,
            central_page.pk,
            {
                "category": "hoat-dong-mat-tran",
                "title": title,
                "body": BODY,
                "tags": "đại đoàn kết",
            },
        )
        posts.submit(editor, draft.pk)
        posts.approve(approver, draft.pk)
        posts.publish_or_schedule(approver, draft.pk)
        campaign = campaigns.create(editor, draft.pk, CampaignMode.PUBLISH)
        start = time.perf_counter()
        _campaign, reached = campaigns.launch(approver, campaign.pk)
        return reached, time.perf_counter() - start

    say("launching a campaign to the pages of 1/10 of the tree…")
    reached_tenth, seconds_tenth = publish_down("Ngày hội Đại đoàn kết toàn dân tộc (1/10)")
    say(f"  {reached_tenth:,} pages in {seconds_tenth:.2f} s")
    say("establishing pages for every unit…")
    do_establish_many(units, opened_at=timezone.now())
    say("launching a campaign to every page below the centre…")
    reached_full, seconds_full = publish_down("Ngày hội Đại đoàn kết toàn dân tộc")
    say(f"  {reached_full:,} pages in {seconds_full:.2f} s")

    per_page_tenth = seconds_tenth / reached_tenth
    per_page_full = seconds_full / reached_full
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "pages_in_tree": Page.objects.filter(unit__structure__code="2022").count(),
                "pages_reached_tenth": reached_tenth,
                "seconds_tenth": round(seconds_tenth, 3),
                "ms_per_page_tenth": round(1000 * per_page_tenth, 4),
                "pages_reached_full": reached_full,
                "seconds_full": round(seconds_full, 3),
                "ms_per_page_full": round(1000 * per_page_full, 4),
                "pages_per_second_full": round(reached_full / seconds_full),
                "linearity_full_over_tenth": round(per_page_full / per_page_tenth, 3),
                "peak_rss_mb": round(peak_kb / 1024, 1),
            }
        )
    )


BODY = (
    "<p>Hưởng ứng Ngày hội Đại đoàn kết toàn dân tộc (18/11), Ủy ban Mặt trận Tổ quốc Việt Nam "
    "các cấp tổ chức ngày hội tại khu dân cư, tôn vinh gương người tốt, việc tốt và trao quà "
    "cho hộ nghèo, gia đình chính sách.</p>"
)


if __name__ == "__main__":
    _inner()
