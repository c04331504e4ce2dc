"""Consent: required and explicit at sign-up, recorded with the policy version; the digest's
is optional and its withdrawal stops the digest; feedback writes its own consent."""

from __future__ import annotations

import pytest
from django.test import Client

from congdong.accounts.models import User
from congdong.core.errors import ActionError
from congdong.engagement.models import DigestChoice, NotificationSettings
from congdong.privacy import actions
from congdong.privacy.models import ConsentPurpose, ConsentRecord, DataRequest, RequestKind
from tests.conftest import client_for, last_code

PROFILE = "/cong-dan/ho-so/"
MINE = "/cong-dan/du-lieu-ca-nhan/"


def verified_client(sms_outbox, phone: str = "0987 654 321") -> Client:
    client = Client()
    client.post("/cong-dan/", {"phone": phone})
    client.post("/cong-dan/xac-minh/", {"code": last_code(sms_outbox)})
    return client


@pytest.mark.django_db
def test_signup_shows_the_policy_with_an_unticked_consent_box(sms_outbox, settings):
    client = verified_client(sms_outbox)
    page = client.get(PROFILE).content.decode()
    assert "/chinh-sach-bao-ve-du-lieu/" in page
    assert settings.PRIVACY_POLICY_VERSION in page
    box = page[page.index('name="consent"') - 200 : page.index('name="consent"') + 100]
    assert 'type="checkbox"' in box and "checked" not in box


@pytest.mark.django_db
def test_signup_without_consent_is_refused_and_makes_no_account(sms_outbox):
    client = verified_client(sms_outbox)
    response = client.post(PROFILE, {"full_name": "Trần Thị Bình", "date_of_birth": "1995-03-08"})
    assert response.status_code == 200
    assert 'id="id_consent_error"' in response.content.decode()
    assert not User.objects.filter(phone="+84987654321").exists()
    assert not ConsentRecord.objects.exists()


@pytest.mark.django_db
def test_signup_records_the_account_consent_with_policy_version_and_address(sms_outbox, settings):
    client = verified_client(sms_outbox)
    response = client.post(
        PROFILE,
        {"full_name": "Trần Thị Bình", "date_of_birth": "1995-03-08", "consent": "on"},
        REMOTE_ADDR="203.0.113.7",
    )
    assert response.status_code == 302
    user = User.objects.get(phone="+84987654321")
    consent = ConsentRecord.objects.get(user=user)
    assert consent.purpose == ConsentPurpose.ACCOUNT
    assert consent.policy_version == settings.PRIVACY_POLICY_VERSION
    assert consent.how == "web" and consent.ip == "203.0.113.7"
    assert consent.withdrawn_at is None
    # The optional digest was not ticked: it is off and no consent is recorded for it.
    assert not NotificationSettings.objects.filter(user=user, digest=DigestChoice.SMS).exists()


@pytest.mark.django_db
def test_the_optional_digest_at_signup_is_recorded_and_turned_on(sms_outbox):
    client = verified_client(sms_outbox)
    client.post(
        PROFILE,
        {
            "full_name": "Trần Thị Bình",
            "date_of_birth": "1995-03-08",
            "consent": "on",
            "digest": "on",
        },
    )
    user = User.objects.get(phone="+84987654321")
    assert set(ConsentRecord.objects.filter(user=user).values_list("purpose", flat=True)) == {
        ConsentPurpose.ACCOUNT,
        ConsentPurpose.DIGEST,
    }
    assert NotificationSettings.objects.get(user=user).digest == DigestChoice.SMS


@pytest.mark.django_db
def test_withdrawing_the_digest_consent_turns_the_digest_off_and_erases_the_email(world):
    an = world.an
    actions.give_digest(an, DigestChoice.EMAIL, "an.nguyen@example.vn")
    assert NotificationSettings.objects.get(user=an).digest == DigestChoice.EMAIL
    consent = ConsentRecord.objects.get(user=an, purpose=ConsentPurpose.DIGEST)

    response = client_for(an).post(f"{MINE}dong-y/{consent.pk}/rut-lai/")
    assert response.status_code == 302

    consent.refresh_from_db()
    assert consent.withdrawn_at is not None and consent.withdrawn_how == "web"
    settings_row = NotificationSettings.objects.get(user=an)
    assert (settings_row.digest, settings_row.email) == (DigestChoice.NONE, "")
    # The register holds the withdrawal as a request fulfilled by the citizen.
    done = DataRequest.objects.get(citizen=an, kind=RequestKind.WITHDRAW)
    assert done.self_service and done.state == "answered"
    # Given again later: a new row, the old one stays withdrawn.
    actions.give_digest(an, DigestChoice.SMS)
    assert ConsentRecord.objects.filter(user=an, purpose=ConsentPurpose.DIGEST).count() == 2


@pytest.mark.django_db
def test_the_account_consent_is_withdrawn_only_by_deleting_the_account(world):
    consent = ConsentRecord.objects.get(user=world.an, purpose=ConsentPurpose.ACCOUNT)
    with pytest.raises(ActionError):
        actions.withdraw(world.an, consent.pk)
    consent.refresh_from_db()
    assert consent.withdrawn_at is None


@pytest.mark.django_db
def test_a_citizen_cannot_withdraw_another_citizens_consent(world):
    actions.give_digest(world.binh, DigestChoice.SMS)
    theirs = ConsentRecord.objects.get(user=world.binh, purpose=ConsentPurpose.DIGEST)
    response = client_for(world.an).post(f"{MINE}dong-y/{theirs.pk}/rut-lai/")
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.withdrawn_at is None


@pytest.mark.django_db
def test_sending_feedback_records_its_consent_with_the_feedback_text_version(world, settings):
    consent = ConsentRecord.objects.get(user=world.an, purpose=ConsentPurpose.FEEDBACK)
    assert consent.reference == world.an_feedback.code
    assert consent.policy_version == settings.FEEDBACK_CONSENT_VERSION
    assert not consent.withdrawable


@pytest.mark.django_db
def test_the_data_page_lists_the_citizens_consents_and_not_others(world):
    actions.give_digest(world.binh, DigestChoice.SMS)
    page = client_for(world.an).get(MINE).content.decode()
    assert world.an_feedback.code in page
    assert world.binh_feedback.code not in page
    assert 'data-purpose="digest"' not in page  # Bình's, not An's


@pytest.mark.django_db
def test_the_data_page_sends_visitors_to_sign_in_and_refuses_staff(world):
    assert Client().get(MINE).status_code == 302
    assert client_for(world.central_dpo).get(MINE).status_code == 403
