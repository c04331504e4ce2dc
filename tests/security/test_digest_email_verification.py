"""Issue 15 §16: the daily digest went to whatever email address was typed.

Anyone could have digests (names of pages followed, replies, staff work waiting) sent to
someone else's inbox. Now a new address is saved unconfirmed, a signed link is sent to it, and
digests go to confirmed addresses only. Opening the link shows a button; only pressing it
(a POST) confirms, so a mail scanner that opens links confirms nothing.
"""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from congdong.accounts.models import User
from congdong.engagement import tasks
from congdong.engagement.models import (
    DigestChoice,
    Notification,
    NotificationKind,
    NotificationSettings,
)
from congdong_tools.demo.personas import CITIZEN
from tests.conftest import client_for

SETTINGS = "/thong-bao/cai-dat/"
ADDRESS = "an.nguyen@example.vn"

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["citizen", "staff"])
def person(request, personas) -> User:
    if request.param == "citizen":
        return User.objects.get(phone=CITIZEN["phone"])
    return personas["kinhbac.canbo"]


def choose_email(client, address: str, capture) -> None:
    with capture(execute=True):  # the link is sent once the settings are committed
        response = client.post(SETTINGS, {"digest": DigestChoice.EMAIL, "email": address})
    assert response.status_code == 302, response.content.decode()


def link_in(message) -> str:
    found = re.search(r"https?://[^/\s]+(/thong-bao/xac-nhan-email/[^\s]+/)", message.body)
    assert found, message.body
    return found.group(1)


def something_unread(user: User) -> None:
    Notification.objects.create(
        recipient=user, kind=NotificationKind.NEW_POST, created_at=timezone.now()
    )


def test_a_new_address_is_unconfirmed_and_gets_no_digest_until_its_link_is_used(
    person, django_capture_on_commit_callbacks
):
    client = client_for(person)
    choose_email(client, ADDRESS, django_capture_on_commit_callbacks)
    (sent,) = mail.outbox
    assert sent.to == [ADDRESS]
    assert "xác nhận" in sent.subject
    assert NotificationSettings.objects.get(user=person).email_verified_at is None
    assert "hãy mở liên kết" in client.get(SETTINGS).content.decode()

    something_unread(person)
    assert tasks.send_digests() == 0
    assert len(mail.outbox) == 1  # the link only

    link = link_in(sent)
    scanner = Client()  # not signed in, as a mail scanner
    page = scanner.get(link)
    assert page.status_code == 200
    assert NotificationSettings.objects.get(user=person).email_verified_at is None
    confirmed = scanner.post(link)
    assert confirmed.status_code == 200
    assert "đã được xác nhận" in confirmed.content.decode()
    assert NotificationSettings.objects.get(user=person).email_verified_at is not None

    assert tasks.send_digests() == 1
    assert mail.outbox[-1].to == [ADDRESS]


def test_changing_the_address_needs_a_new_confirmation(person, django_capture_on_commit_callbacks):
    client = client_for(person)
    choose_email(client, ADDRESS, django_capture_on_commit_callbacks)
    first_link = link_in(mail.outbox[0])
    assert client.post(first_link).status_code == 200
    choose_email(client, "nguoi.khac@example.vn", django_capture_on_commit_callbacks)
    assert NotificationSettings.objects.get(user=person).email_verified_at is None
    assert mail.outbox[-1].to == ["nguoi.khac@example.vn"]
    # The old link is for an address no longer saved: it confirms nothing.
    response = client.post(first_link)
    assert response.status_code == 400
    assert "không còn được lưu" in response.content.decode()
    assert NotificationSettings.objects.get(user=person).email_verified_at is None
    something_unread(person)
    assert tasks.send_digests() == 0


def test_saving_the_confirmed_address_again_keeps_it_confirmed(
    person, django_capture_on_commit_callbacks
):
    client = client_for(person)
    choose_email(client, ADDRESS, django_capture_on_commit_callbacks)
    client.post(link_in(mail.outbox[0]))
    choose_email(client, ADDRESS, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1  # no new link
    assert NotificationSettings.objects.get(user=person).email_verified_at is not None


def test_a_forged_link_confirms_nothing(person, django_capture_on_commit_callbacks):
    client = client_for(person)
    choose_email(client, ADDRESS, django_capture_on_commit_callbacks)
    link = link_in(mail.outbox[0])
    forged = link.replace("/xac-nhan-email/", "/xac-nhan-email/x")
    response = client.post(forged)
    assert response.status_code == 400
    assert "không hợp lệ" in response.content.decode()
    assert NotificationSettings.objects.get(user=person).email_verified_at is None
