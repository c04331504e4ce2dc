"""Private files (issue 15 §9): feedback attachments, report exports and the pictures and
documents of posts that are not public are never under a served folder; no spelling of a media
address reaches them; only the access-checked views serve them, and record who opened them."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from django.core import checks
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db.models.fields.files import FieldFile
from django.test import Client
from django.utils import translation

from congdong.audit.models import AuditEntry
from congdong.core.links import absolute_url
from congdong.feedback.models import AccessKind, FeedbackAccess, FeedbackAttachment
from congdong.insights.exports import jobs
from congdong.pages.actions import check_pictures, do_pictures
from congdong.posts import actions as post_actions
from congdong.posts.models import Post
from tests.conftest import client_for
from tests.feedback.conftest import send
from tests.posts.conftest import write
from tests.uploads import pdf, picture

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def roots(settings, tmp_path) -> tuple[Path, Path]:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_ROOT = tmp_path / "private"
    return Path(settings.MEDIA_ROOT), Path(settings.PRIVATE_ROOT)


# Every way the outside test (and a few more) spelled the same media file.
SPELLINGS: dict[str, Callable[[str], str]] = {
    "plain": lambda name: f"/media/{name}",
    "double-slash": lambda name: f"/media//{name}",
    "dot-segment": lambda name: f"/media/./{name}",
    "up-and-back": lambda name: f"/media/x/../{name}",
    "encoded-dot": lambda name: f"/media/%2e/{name}",
    "encoded-slash": lambda name: "/media/" + name.replace("/", "%2F", 1),
    "upper-case": lambda name: (
        "/media/" + name.split("/", 1)[0].upper() + "/" + name.split("/", 1)[1]
    ),
    "out-of-media": lambda name: f"/media/../private/{name}",
    "encoded-out-of-media": lambda name: f"/media/%2e%2e/private/{name}",
    "backslash": lambda name: "/media/" + name.replace("/", "\\"),
}


def _bytes(file: FieldFile) -> bytes:
    with file.open("rb") as handle:
        return handle.read()


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _feedback_file(people, units, pages) -> FieldFile:
    item = send(people["an"], units.kinh_bac, files=[picture(name="nha-toi.png")])
    return item.attachments.get().file


def _post_picture(people, units, pages) -> FieldFile:
    editor = people["kinhbac.canbo"]
    draft = write(editor, pages.kinh_bac, title="Ngày hội Đại đoàn kết")
    post_actions.add_media(editor, draft.pk, images=[picture()])
    return draft.images.get().file


def _post_document(people, units, pages) -> FieldFile:
    editor = people["kinhbac.canbo"]
    draft = write(editor, pages.kinh_bac, title="Kế hoạch ngày hội")
    post_actions.add_media(editor, draft.pk, documents=[pdf("ke-hoach.pdf")])
    return draft.attachments.get().file


def _export(people, units, pages) -> FieldFile:
    export = jobs.request_export(
        people["bacninh.thongke"], "dashboard", units.bac_ninh.pk, {}, "csv"
    )
    jobs.run_export(export.pk)
    export.refresh_from_db()
    return export.file


PRIVATE_FILES = {
    "feedback-attachment": _feedback_file,
    "post-picture": _post_picture,
    "post-document": _post_document,
    "export": _export,
}


@pytest.mark.parametrize("kind", list(PRIVATE_FILES))
def test_private_files_are_stored_outside_every_served_folder(kind, people, units, pages, roots):
    media_root, private_root = roots
    file = PRIVATE_FILES[kind](people, units, pages)
    assert (private_root / file.name).is_file()
    assert not (media_root / file.name).exists()
    with pytest.raises(ValueError):
        _ = file.url  # no media address exists to be linked by mistake


@pytest.mark.parametrize("spelling", list(SPELLINGS))
@pytest.mark.parametrize("kind", list(PRIVATE_FILES))
def test_no_spelling_of_a_media_address_serves_a_private_file(kind, spelling, people, units, pages):
    file = PRIVATE_FILES[kind](people, units, pages)
    content = _bytes(file)
    address = SPELLINGS[spelling](file.name)
    for client in (Client(), client_for(people["an"]), client_for(people["bacninh.quantri"])):
        response = client.get(address)
        assert response.status_code == 404, address
        assert content not in _body(response)


def test_a_public_page_picture_is_served_at_its_one_address_only(people, pages):
    page = do_pictures(
        *check_pictures(people["bacninh.quantri"], pages.kinh_bac.pk, picture(), None)
    )
    name = page.avatar.name
    assert name.startswith("pages/avatars/")
    assert Client().get(page.avatar.url).status_code == 200
    for spelling in ("double-slash", "dot-segment", "up-and-back", "encoded-dot", "upper-case"):
        assert Client().get(SPELLINGS[spelling](name)).status_code == 404, spelling


def test_a_draft_picture_is_for_the_staff_of_its_page_until_the_post_is_public(people, pages):
    editor, admin = people["kinhbac.canbo"], people["bacninh.quantri"]
    draft = write(editor, pages.kinh_bac, title="Ngày hội Đại đoàn kết")
    post_actions.add_media(editor, draft.pk, images=[picture()], documents=[pdf("ke-hoach.pdf")])
    image, document = draft.images.get(), draft.attachments.get()
    outsiders = [Client(), client_for(people["an"]), client_for(people["hanoi.quantri"])]
    for item in (image, document):
        for outsider in outsiders:
            assert outsider.get(item.url).status_code == 404

    reader = client_for(editor)
    before = AuditEntry.objects.count()
    seen = reader.get(image.url)
    assert seen.status_code == 200 and _body(seen) == _bytes(image.file)
    assert seen["Cache-Control"] == "private, no-store"
    assert seen["Content-Type"] == "image/jpeg"
    opened = AuditEntry.objects.order_by("-pk").first()
    assert AuditEntry.objects.count() == before + 1
    assert (opened.actor, opened.action, opened.object_type) == (editor, "posts:image", "postimage")
    assert opened.unit_id == pages.kinh_bac.unit_id
    downloaded = client_for(admin).get(document.url)  # the approver above reads it too
    assert downloaded.status_code == 200
    assert downloaded["Content-Disposition"].startswith("attachment")

    post_actions.approve(admin, post_actions.submit(editor, draft.pk).pk)
    post_actions.publish_or_schedule(editor, draft.pk)
    public = Client().get(image.url)
    assert public.status_code == 200 and _body(public) == _bytes(image.file)
    assert public["Cache-Control"] == "public, max-age=300"
    assert Client().get(document.url).status_code == 200

    post_actions.hide(editor, draft.pk, "Cần sửa lại ảnh")
    assert Post.objects.get(pk=draft.pk).state == "hidden"
    assert Client().get(image.url).status_code == 404
    assert client_for(editor).get(image.url).status_code == 200


def test_an_export_download_is_checked_and_recorded(people, units, pages):
    file = _export(people, units, pages)
    export = people["bacninh.thongke"].exports.get()
    address = f"/lam-viec/thong-ke/xuat/{export.pk}/tai-ve/"
    assert client_for(people["hanoi.quantri"]).get(address).status_code in (403, 404)
    before = AuditEntry.objects.filter(action="insights:export-download").count()
    response = client_for(people["bacninh.thongke"]).get(address)
    assert response.status_code == 200 and _body(response) == _bytes(file)
    assert response["Cache-Control"] == "private, no-store"
    assert AuditEntry.objects.filter(action="insights:export-download").count() == before + 1


def test_a_feedback_file_opened_by_an_officer_is_logged(people, units):
    item = send(people["an"], units.kinh_bac, files=[picture()])
    attachment = item.attachments.get()
    response = client_for(people["kinhbac.canbo"]).get(f"/phan-anh/tep/{attachment.pk}/")
    assert response.status_code == 200
    assert FeedbackAccess.objects.filter(
        feedback=item, user=people["kinhbac.canbo"], kind=AccessKind.ATTACHMENT
    ).exists()


def test_the_migration_moves_files_left_in_the_public_folder(people, units, roots):
    """Installations from before: the files sat under MEDIA_ROOT; the data migration moves them
    under the same names (the rows stay right) and the view serves them."""
    media_root, private_root = roots
    item = send(people["an"], units.kinh_bac, files=[picture()])
    attachment = item.attachments.get()
    name, content = attachment.file.name, _bytes(attachment.file)
    attachment.file.storage.delete(name)
    assert default_storage.save(name, ContentFile(content)) == name  # where it used to be
    assert (media_root / name).is_file()

    migration = importlib.import_module("congdong.feedback.migrations.0006_private_files")
    migration.move_files(django_apps, None)
    migration.move_files(django_apps, None)  # a second run finds nothing to move

    assert not (media_root / name).exists()
    assert (private_root / name).read_bytes() == content
    assert FeedbackAttachment.objects.get(pk=attachment.pk).file.name == name
    own = client_for(people["an"]).get(f"/phan-anh/tep/{attachment.pk}/")
    assert own.status_code == 200 and _body(own) == content


def test_a_private_folder_inside_the_media_folder_is_refused_by_the_checks(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_ROOT = tmp_path / "media" / "private"
    found = [m.id for m in checks.run_checks(tags=[checks.Tags.security])]
    assert "congdong.E010" in found
    settings.PRIVATE_ROOT = tmp_path / "private"
    found = [m.id for m in checks.run_checks(tags=[checks.Tags.security])]
    assert "congdong.E010" not in found


def test_post_addresses_in_pages_and_the_api_use_the_checked_view(people, pages):
    editor, admin = people["kinhbac.canbo"], people["bacninh.quantri"]
    draft = write(editor, pages.kinh_bac, title="Ngày hội Đại đoàn kết")
    post_actions.add_media(editor, draft.pk, images=[picture()])
    post_actions.approve(admin, post_actions.submit(editor, draft.pk).pk)
    post_actions.publish_or_schedule(editor, draft.pk)
    image = draft.images.get()
    html = Client().get(f"/trang/{pages.kinh_bac.slug}/tin/{draft.pk}/").content.decode()
    assert image.url in html and "/media/" not in html
    answer = Client().get(f"/api/v1/public/posts/{draft.pk}").json()
    assert [i["url"] for i in answer["images"]] == [absolute_url(image.url)]


def test_a_backup_is_never_written_into_a_served_folder(roots):
    """A backup holds every private file and the database: never under a folder with an address."""
    media_root, _private_root = roots
    media_root.mkdir(parents=True, exist_ok=True)
    with translation.override("vi"), pytest.raises(CommandError) as refused:
        call_command("backup", str(media_root / "sao-luu.tar.gz"), verbosity=0)
    assert "dữ liệu cá nhân" in str(refused.value)
    assert not any(media_root.rglob("*.tar.gz*"))
