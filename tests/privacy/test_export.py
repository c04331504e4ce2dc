"""Download my data: a ZIP of JSON files and a Vietnamese README with the citizen's own data,
and nothing of anyone else's."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.test import Client

from congdong.privacy.models import DataRequest, RequestKind
from tests.conftest import client_for
from tests.privacy.conftest import AN_COMMENT, AN_FEEDBACK, BINH_COMMENT, BINH_FEEDBACK

DOWNLOAD = "/cong-dan/du-lieu-ca-nhan/tai-ve/"


def download(client: Client) -> zipfile.ZipFile:
    response = client.post(DOWNLOAD)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith('attachment; filename="du-lieu-ca-nhan-')
    return zipfile.ZipFile(io.BytesIO(response.content))


@pytest.mark.django_db
def test_the_zip_holds_the_citizens_data_in_json_files_with_a_readme(world):
    archive = download(client_for(world.an))
    names = set(archive.namelist())
    assert {
        "README.txt",
        "profile.json",
        "consents.json",
        "follows.json",
        "reactions.json",
        "comments.json",
        "shares.json",
        "referrals.json",
        "feedback.json",
        "moderation.json",
        "notifications.json",
        "data_requests.json",
    } <= names
    data = {n: json.loads(archive.read(n)) for n in names if n.endswith(".json")}
    assert data["profile.json"]["full_name"] == "Nguyễn Văn An"
    assert data["profile.json"]["phone"] == "+84912000101"
    assert data["profile.json"]["date_of_birth"] == "1990-05-19"
    assert [c["body"] for c in data["comments.json"]] == [AN_COMMENT]
    assert [f["text"] for f in data["feedback.json"]] == [AN_FEEDBACK]
    assert data["feedback.json"][0]["tracking_code"] == world.an_feedback.code
    assert [f["page_name"] for f in data["follows.json"]] == [world.pages.kinh_bac.name]
    assert [r["kind"] for r in data["reactions.json"]] == ["like"]
    assert [s["channel"] for s in data["shares.json"]] == ["zalo"]
    assert data["referrals.json"]["referral_code"]
    assert {c["purpose"] for c in data["consents.json"]} == {"account", "feedback"}
    # The download itself is in the register, and in the copy.
    assert [r["kind"] for r in data["data_requests.json"]] == ["access"]
    readme = archive.read("README.txt").decode("utf-8")
    assert "dữ liệu cá nhân" in readme.lower()


@pytest.mark.django_db
def test_the_zip_holds_nothing_of_another_citizen(world):
    archive = download(client_for(world.an))
    everything = "\n".join(archive.read(n).decode("utf-8") for n in archive.namelist())
    for theirs in (
        BINH_COMMENT,
        BINH_FEEDBACK,
        world.binh.full_name,
        world.binh.phone,
        world.binh_feedback.code,
    ):
        assert theirs not in everything


@pytest.mark.django_db
def test_each_download_is_recorded_as_an_answered_access_request(world):
    download(client_for(world.an))
    item = DataRequest.objects.get(citizen=world.an)
    assert (item.kind, item.state, item.self_service) == (RequestKind.ACCESS, "answered", True)
    assert list(item.transitions.values_list("from_state", "to_state")) == [
        ("", "received"),
        ("received", "answered"),
    ]


@pytest.mark.django_db
def test_download_needs_a_signed_in_citizen_and_a_post(world):
    assert Client().post(DOWNLOAD).status_code == 302
    assert client_for(world.an).get(DOWNLOAD).status_code == 405
    assert client_for(world.central_dpo).post(DOWNLOAD).status_code == 403
    assert not DataRequest.objects.exists()
