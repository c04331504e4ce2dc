"""Syndication runs against the fake platforms for real (tests/channels/conftest.py) and the
campaign tree of tests/campaigns/conftest.py; these helpers link pages to fake channels."""

from __future__ import annotations

import pytest
from django.utils import timezone

from congdong.channels.models import ChannelKind, ChannelLink
from congdong.pages.models import Page
from congdong.syndication import actions
from congdong.syndication.models import Delivery, DeliveryState
from congdong_tools.fakes.graph import FakeGraph
from congdong_tools.fakes.zalo import FakeZalo
from tests.campaigns.conftest import (  # noqa: F401 - fixtures
    central_approver,
    central_post,
    province_editor,
    province_post,
    regulation,
    tree,
)
from tests.channels.conftest import (  # noqa: F401 - fixtures
    fake_graph,
    fake_zalo,
    linked,
    platforms,
    token_key,
)


@pytest.fixture(autouse=True)
def quick(settings):
    """No jitter and short timeouts: the tests decide when a delivery is due."""
    settings.CHANNEL_JITTER = 0
    settings.CHANNEL_RATE_BACKOFF = 30


def facebook_page(fake: FakeGraph, page: Page, page_id: str) -> ChannelLink:
    """`page` linked to a new Page on the fake, with a page token the fake issued."""
    admin = f"admin-{page_id}"
    fake.add_user(admin)
    fake.add_page(page_id, page.name, admins=[admin])
    return linked(
        page,
        ChannelKind.FACEBOOK,
        page_id,
        access_token=fake.token_for(admin, page_id=page_id),
        tasks=["CREATE_CONTENT", "ANALYZE", "MODERATE"],
    )


def zalo_oa(fake: FakeZalo, page: Page, oa_id: str) -> ChannelLink:
    fake.add_oa(oa_id, page.name, followers=3)
    access, refresh = fake.tokens_for(oa_id)
    return linked(
        page,
        ChannelKind.ZALO,
        oa_id,
        url=f"https://zalo.me/{oa_id}",
        access_token=access,
        refresh_token=refresh,
    )


def due() -> None:
    """Every waiting delivery due now (instead of sleeping out a back-off)."""
    Delivery.objects.filter(state__in=[DeliveryState.RETRYING, DeliveryState.QUEUED]).update(
        not_before=timezone.now()
    )


def work(limit: int | None = None, budget: float = 15.0) -> int:
    """One run of the worker's send job, for real."""
    return actions.run(budget=budget, limit=limit)


def first_try(sender, post, link: ChannelLink) -> Delivery:
    """`post` sent by `sender` to `link`, and the worker's first try at it."""
    actions.send(sender, post.pk, [link.pk])
    work(limit=1)
    return Delivery.objects.get(link=link)


def sent_on_retry(delivery: Delivery) -> None:
    """The waiting delivery made due and worked again: it is sent."""
    due()
    work()
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.SENT
