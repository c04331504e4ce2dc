"""Pictures in the text of a post, from the editor's first screen: uploaded before the post
exists (checked, scoped to a page the uploader runs), attached by the save that names them,
refused without a description, and swept away when no post took them."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from PIL import Image

from congdong.accounts.models import AccountKind, User
from congdong.accounts.roles import Role
from congdong.posts import actions
from congdong.posts.models import PostImage, PostState, RevisionState
from tests import uploads
from tests.conftest import client_for
from tests.posts.conftest import grant, write

pytestmark = pytest.mark.django_db
UPLOAD = "/lam-viec/tin-bai/anh-trong-bai/"
ALT = "Bà con khu phố dự ngày hội"


def picture(size=(2400, 1800), fmt="PNG", name="anh.png") -> SimpleUploadedFile:
    return uploads.picture(size, fmt, name)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_ROOT = tmp_path / "private"
    return tmp_path


def stored_files(root) -> list:
    return [p for p in (root / "private").rglob("*") if p.is_file()]


def upload(client, page, image=None, alt_text=ALT):
    data = {"page": page.pk, "alt_text": alt_text}
    if image is not None:
        data["image"] = image
    return client.post(UPLOAD, data)


def new_post(client, page, body: str, **extra):
    data = {
        "page": page.pk,
        "category": "hoat-dong-mat-tran",
        "title": "Ngày hội Đại đoàn kết",
        "body": body,
        "save": "1",
    }
    return client.post("/lam-viec/tin-bai/", data | extra)


def test_a_picture_uploaded_before_the_post_exists_is_attached_by_the_first_save(
    personas, pages, media_root
):
    editor = client_for(personas["kinhbac.canbo"])
    response = upload(editor, pages.kinh_bac, picture())
    assert response.status_code == 201
    answer = response.json()
    image = PostImage.objects.get()
    assert answer == {"id": image.pk, "src": f"/tep/tin-bai/anh/{image.pk}/", "alt": ALT}
    assert (image.post, image.inline, image.uploaded_by) == (None, True, personas["kinhbac.canbo"])
    with Image.open(image.file.path) as stored:  # re-encoded, fitted, like every post picture
        assert (stored.format, max(stored.size)) == ("JPEG", 1600)
    assert str(media_root / "private") in image.file.path  # a private file, served by a view

    # The uploader sees it while writing; nobody else, not even the page's other staff.
    shown = editor.get(answer["src"])
    assert shown.status_code == 200 and shown["Cache-Control"] == "private, no-store"
    assert client_for(personas["bacninh.quantri"]).get(answer["src"]).status_code == 404
    assert Client().get(answer["src"]).status_code == 404  # anonymous

    body = f'<p>Chào</p><img src="{answer["src"]}" alt="{ALT}">'
    assert new_post(editor, pages.kinh_bac, body).status_code == 302
    post = pages.kinh_bac.posts.get()
    image.refresh_from_db()
    assert image.post == post and image.page == pages.kinh_bac
    assert post.body == body
    assert post.gallery == []  # shown in the text, not again under it
    # Now the post's own rules apply: the province admin above may see the draft's picture.
    assert client_for(personas["bacninh.quantri"]).get(answer["src"]).status_code == 200


def test_big_files_and_files_that_are_not_pictures_are_refused_and_nothing_is_stored(
    personas, pages, media_root
):
    editor = client_for(personas["kinhbac.canbo"])
    svg = SimpleUploadedFile(
        "anh.png", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    )
    pdf = SimpleUploadedFile("anh.jpg", b"%PDF-1.4\n%%EOF\n", content_type="image/jpeg")
    noise = io.BytesIO()
    Image.effect_noise((2600, 2600), 100).convert("RGB").save(noise, "BMP")  # ~20 MB
    big = SimpleUploadedFile("to.bmp", noise.getvalue(), content_type="image/bmp")
    answers = {}
    for bad in (svg, pdf, big):
        response = upload(editor, pages.kinh_bac, bad)
        assert response.status_code == 400, bad.name
        answers[bad.name] = response.json()
        assert answers[bad.name]["field"] == "image"
        assert bad.name in answers[bad.name]["error"]
    assert "5 MB" in answers["to.bmp"]["error"]
    assert PostImage.objects.count() == 0 and stored_files(media_root) == []


def test_a_picture_without_a_description_or_without_a_file_is_refused(personas, pages):
    editor = client_for(personas["kinhbac.canbo"])
    response = upload(editor, pages.kinh_bac, picture(), alt_text="   ")
    assert response.status_code == 400
    assert response.json() == {
        "error": "Mô tả ảnh (ảnh cho thấy gì) cho người không nhìn thấy ảnh.",
        "field": "alt_text",
    }
    assert upload(editor, pages.kinh_bac, None).json()["field"] == "image"
    assert PostImage.objects.count() == 0


def test_pages_of_other_units_are_refused_above_beside_and_elsewhere(personas, pages):
    """A commune editor uploads for the commune's page only: not for the province above it,
    not for another province (outside one's scope a page answers "not found", issue 16.12);
    a citizen not at all."""
    editor = client_for(personas["kinhbac.canbo"])
    assert upload(editor, pages.bac_ninh, picture()).status_code == 404
    assert upload(editor, pages.ha_noi, picture()).status_code == 404
    hanoi_editor = client_for(grant("hanoi.bientap", pages.ha_noi.unit, Role.EDITOR))
    assert upload(hanoi_editor, pages.kinh_bac, picture()).status_code == 404
    assert upload(hanoi_editor, pages.ha_noi, picture()).status_code == 201
    citizen = client_for(User.objects.get(kind=AccountKind.CITIZEN))
    assert upload(citizen, pages.kinh_bac, picture()).status_code == 403
    assert PostImage.objects.count() == 1


def test_nobody_takes_over_anothers_picture_by_naming_it(personas, pages):
    """The save attaches only pictures its writer uploaded and no post holds yet."""
    kinhbac = personas["kinhbac.canbo"]
    hanoi_editor = grant("hanoi.bientap", pages.ha_noi.unit, Role.EDITOR)
    theirs = actions.upload_inline_picture(hanoi_editor, pages.ha_noi.pk, picture(), ALT)
    other_post = write(kinhbac, pages.kinh_bac, title="Một tin khác")
    mine = actions.upload_inline_picture(kinhbac, pages.kinh_bac.pk, picture(), ALT)
    actions.edit_draft(
        kinhbac,
        other_post.pk,
        {
            "category": "hoat-dong-mat-tran",
            "title": "Một tin khác",
            "body": f'<img src="{mine.url}" alt="{ALT}">',
        },
    )
    post = write(
        kinhbac,
        pages.kinh_bac,
        body=f'<img src="{theirs.url}" alt="x"><img src="{mine.url}" alt="y">',
    )
    theirs.refresh_from_db()
    mine.refresh_from_db()
    assert theirs.post is None  # still only its uploader's
    assert mine.post == other_post  # the first post that named it keeps it
    assert post.images.count() == 0


def test_every_picture_in_the_text_needs_a_description(personas, pages):
    editor = client_for(personas["kinhbac.canbo"])
    image = actions.upload_inline_picture(
        personas["kinhbac.canbo"], pages.kinh_bac.pk, picture(), ALT
    )
    response = new_post(editor, pages.kinh_bac, f'<p>Chào</p><img src="{image.url}" alt="">')
    assert response.status_code == 400
    assert "mô tả mọi ảnh" in response.context["form"].errors["body"][0]
    assert not pages.kinh_bac.posts.exists()
    image.refresh_from_db()
    assert image.post is None


def test_a_picture_taken_out_of_a_drafts_text_is_deleted_with_its_file(
    personas, pages, media_root, django_capture_on_commit_callbacks
):
    kinhbac = personas["kinhbac.canbo"]
    image = actions.upload_inline_picture(kinhbac, pages.kinh_bac.pk, picture(), ALT)
    post = write(kinhbac, pages.kinh_bac, body=f'<img src="{image.url}" alt="{ALT}">')
    assert post.images.count() == 1 and len(stored_files(media_root)) == 1
    fields = {"category": "hoat-dong-mat-tran", "title": post.title, "body": "<p>Không ảnh</p>"}
    with django_capture_on_commit_callbacks(execute=True):
        actions.edit_draft(kinhbac, post.pk, fields)
    assert post.images.count() == 0 and stored_files(media_root) == []


def test_a_revision_of_a_published_post_takes_its_new_pictures(personas, pages, commune_approver):
    kinhbac = personas["kinhbac.canbo"]
    post = write(kinhbac, pages.kinh_bac)
    actions.submit(kinhbac, post.pk)
    actions.approve(commune_approver, post.pk)
    post = actions.publish_or_schedule(commune_approver, post.pk, None)
    assert post.state == PostState.PUBLISHED
    post.category.revision_needs_approval = True  # the revision waits for an approver
    post.category.save()
    image = actions.upload_inline_picture(kinhbac, pages.kinh_bac.pk, picture(), ALT)
    body = post.body + f'<img src="{image.url}" alt="{ALT}">'
    fields = {"category": post.category.code, "title": post.title, "body": body}
    revision = actions.revise(kinhbac, post.pk, fields)
    assert revision.body == body
    image.refresh_from_db()
    assert image.post == post
    # Not public before the revision is approved: the published text does not show it yet.
    assert Client().get(image.url).status_code == 404
    assert client_for(kinhbac).get(image.url).status_code == 200
    assert revision.state == RevisionState.PENDING
    actions.approve_revision(commune_approver, revision.pk)
    assert Client().get(image.url).status_code == 200


def test_pictures_no_post_took_are_swept_after_a_day_with_their_files(
    personas, pages, media_root, django_capture_on_commit_callbacks
):
    from congdong.posts.tasks import delete_stale_inline_pictures

    kinhbac = personas["kinhbac.canbo"]
    old = actions.upload_inline_picture(kinhbac, pages.kinh_bac.pk, picture(), ALT)
    fresh = actions.upload_inline_picture(kinhbac, pages.kinh_bac.pk, picture(), ALT)
    kept = actions.upload_inline_picture(kinhbac, pages.kinh_bac.pk, picture(), ALT)
    write(kinhbac, pages.kinh_bac, body=f'<img src="{kept.url}" alt="{ALT}">')
    PostImage.objects.filter(pk__in=[old.pk, kept.pk]).update(
        created_at=timezone.now() - datetime.timedelta(days=1, minutes=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert delete_stale_inline_pictures() == 1
    assert set(PostImage.objects.values_list("pk", flat=True)) == {fresh.pk, kept.pk}
    assert len(stored_files(media_root)) == 2
    with django_capture_on_commit_callbacks(execute=True):
        assert delete_stale_inline_pictures() == 0  # a sweep: running again does nothing


def test_one_person_cannot_fill_the_disk_with_pictures_never_saved(personas, pages):
    kinhbac = personas["kinhbac.canbo"]
    small = (8, 8)
    for _ in range(actions.MAX_PENDING_INLINE_PICTURES):
        actions.upload_inline_picture(kinhbac, pages.kinh_bac.pk, picture(small), ALT)
    response = upload(client_for(kinhbac), pages.kinh_bac, picture(small))
    assert response.status_code == 400
    assert "lưu tin bài trước" in response.json()["error"]


def test_the_published_post_shows_its_pictures_in_the_text_to_anyone(
    personas, pages, commune_approver
):
    kinhbac = personas["kinhbac.canbo"]
    image = actions.upload_inline_picture(kinhbac, pages.kinh_bac.pk, picture(), ALT)
    post = write(kinhbac, pages.kinh_bac, body=f'<p>Chào</p><img src="{image.url}" alt="{ALT}">')
    actions.submit(kinhbac, post.pk)
    actions.approve(commune_approver, post.pk)
    actions.publish_or_schedule(commune_approver, post.pk, None)
    reader = Client()
    html = reader.get(f"/trang/{pages.kinh_bac.slug}/tin/{post.pk}/").content.decode()
    assert f'<img src="{image.url}" alt="{ALT}">' in html
    assert html.count(image.url) >= 1 and "post-images" not in html  # no second copy below
    assert reader.get(image.url).status_code == 200
