"""Demo campaigns: a national "publish" campaign reaching every page, and a Bắc Ninh reshare
task in progress with laggards (and one with overdue pages), made through the actions."""

from __future__ import annotations

import datetime
import random

from django.db import transaction
from django.utils import timezone

from congdong.accounts.models import User
from congdong.campaigns import actions
from congdong.campaigns.models import Campaign, CampaignMode, CampaignTarget, CampaignTransition
from congdong.pages.models import Page
from congdong.posts import actions as posts
from congdong.posts.models import Post, PostTransition
from congdong_tools.demo.personas import find_unit

# Share of the Bắc Ninh reshare tasks already done: the rest are the laggards.
RESHARED_SHARE = 0.6

NATIONAL = {
    "category": "dai-doan-ket",
    "title": "Ngày hội Đại đoàn kết toàn dân tộc năm 2026: hướng về khu dân cư",
    "body": "<p>Nhân kỷ niệm 96 năm Ngày thành lập Mặt trận Dân tộc Thống nhất Việt Nam "
    "(18/11/1930 – 18/11/2026), Ủy ban Trung ương MTTQ Việt Nam đề nghị Mặt trận các cấp "
    "tổ chức Ngày hội Đại đoàn kết toàn dân tộc tại 100 % khu dân cư.</p>",
}
PROVINCE = {
    "category": "an-sinh-xa-hoi",
    "title": "Tháng cao điểm “Vì người nghèo”: chung tay xây nhà Đại đoàn kết",
    "body": "<p>Ủy ban MTTQ Việt Nam tỉnh Bắc Ninh kêu gọi các tổ chức, cá nhân ủng hộ Quỹ "
    "“Vì người nghèo” qua tài khoản chính thức của Ủy ban MTTQ các cấp.</p>",
}


def _approved_post(author: str, approver: str, unit_lookup: str, fields: dict) -> int:
    page = Page.objects.get(unit=find_unit(unit_lookup))
    writer, decider = User.objects.get(username=author), User.objects.get(username=approver)
    post = posts.create_draft(writer, page.pk, fields)
    posts.submit(writer, post.pk)
    posts.approve(decider, post.pk)
    posts.publish_or_schedule(decider, post.pk)
    return post.pk


def ensure_campaigns() -> int:
    """Create the demo campaigns once; returns how many target pages they reach."""
    if Campaign.objects.exists():
        return 0
    now = timezone.now()
    with transaction.atomic():
        central = User.objects.get(username="tw.duyettin")
        post_id = _approved_post("tw.bientap", "tw.duyettin", "TW", NATIONAL)
        campaign = actions.create(
            User.objects.get(username="tw.bientap"), post_id, CampaignMode.PUBLISH
        )
        _, national = actions.launch(central, campaign.pk)

        admin = User.objects.get(username="bacninh.quantri")
        post_id = _approved_post("bacninh.bientap", "bacninh.quantri", "24", PROVINCE)
        task = actions.create(
            admin, post_id, CampaignMode.RESHARE_TASK, deadline=now + datetime.timedelta(days=3)
        )
        _, tasks = actions.launch(admin, task.pk)
        targets = list(CampaignTarget.objects.filter(campaign=task).order_by("page__unit__path"))
        for target in targets[: round(len(targets) * RESHARED_SHARE)]:
            actions.reshare(admin, target.pk)

        # An earlier task whose deadline has passed: its unfinished pages are overdue.
        late = actions.create(
            admin, post_id, CampaignMode.RESHARE_TASK, deadline=now + datetime.timedelta(minutes=5)
        )
        _, late_count = actions.launch(admin, late.pk)
        late_targets = list(CampaignTarget.objects.filter(campaign=late).order_by("pk"))
        for target in late_targets[: len(late_targets) // 2]:
            actions.reshare(admin, target.pk)
        # Demo data only: move the deadline into the past, then let the worker's sweep run.
        Campaign.objects.filter(pk=late.pk).update(deadline=now - datetime.timedelta(days=1))
        actions.mark_overdue(now)
        # Demo data only: the reshare tasks were launched days ago and done over hours, as
        # pages really follow a task (the campaign page's median and p90 time to publish).
        rng = random.Random(2026)
        _backdate(task, now - datetime.timedelta(days=1), rng)
        _backdate(late, now - datetime.timedelta(days=4), rng)
    return national + tasks + late_count


def _backdate(campaign: Campaign, launched: datetime.datetime, rng: random.Random) -> None:
    """Move a demo task's launch to `launched` and its pages' reshares to 20 minutes to 20
    hours after it (the copies, their history and the task rows alike)."""
    moved = launched - Campaign.objects.get(pk=campaign.pk).launched_at
    Campaign.objects.filter(pk=campaign.pk).update(launched_at=launched)
    for transition in CampaignTransition.objects.filter(campaign=campaign):
        CampaignTransition.objects.filter(pk=transition.pk).update(at=transition.at + moved)
    done = CampaignTarget.objects.filter(campaign=campaign, published_at__isnull=False)
    for target in done.order_by("pk"):
        at = launched + datetime.timedelta(minutes=rng.randint(20, 20 * 60))
        CampaignTarget.objects.filter(pk=target.pk).update(published_at=at)
        if target.copy_id:
            Post.objects.filter(pk=target.copy_id).update(publish_at=at, published_at=at)
            PostTransition.objects.filter(post_id=target.copy_id).update(at=at)
