"""The worker's job `send-deliveries` (`actions.send_due`): one sender per platform side by
side, each with its own database connection. Two such jobs at once (two workers) still send
every delivery exactly once. Transactional: the senders are threads with their own
connections, which see only committed rows. On PostgreSQL only: the SQLite test database is
in memory with a shared cache, whose table locks refuse a second connection at once instead of
waiting (a SQLite file, as in production and in `congdong bench channels`, waits); the bench's
test runs the same job in two processes on SQLite."""

from __future__ import annotations

import os
import threading

import pytest

from congdong.posts.actions import publish_or_schedule
from congdong.syndication import actions
from congdong.syndication.models import Delivery, DeliveryState
from tests.syndication.conftest import facebook_page, zalo_oa

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="threads with their own connections: runs in the PostgreSQL pass",
    ),
]


def test_two_workers_send_each_facebook_and_zalo_delivery_once(
    personas, province_post, tree, platforms, fake_graph, fake_zalo
):
    post = publish_or_schedule(personas["bacninh.quantri"], province_post.pk)
    pages = [facebook_page(fake_graph, tree.bac_ninh, f"25{n:02d}") for n in range(4)]
    oas = [zalo_oa(fake_zalo, tree.bac_ninh, f"26{n:02d}") for n in range(4)]
    actions.send(personas["bacninh.quantri"], post.pk, [link.pk for link in pages + oas])

    sent: list[int] = []
    workers = [
        threading.Thread(target=lambda: sent.append(actions.send_due(budget=20.0)))
        for _ in range(2)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()

    assert sum(sent) == 8
    assert set(Delivery.objects.values_list("state", flat=True)) == {DeliveryState.SENT}
    for link in pages:
        assert len(fake_graph.posts(link.external_id)) == 1
    for link in oas:
        assert len(fake_zalo.broadcasts(link.external_id)) == 1
