"""A published post with pictures goes to the Facebook Page with its photos (uploaded
unpublished, then attached to one feed post), exactly once: a retry neither posts twice nor
uploads a photo already uploaded. A Zalo article takes the first picture as its cover."""

from __future__ import annotations

import io

import pytest
from django.core.files.base import ContentFile
from PIL import Image

from congdong.posts.actions import publish_or_schedule
from congdong.posts.models import PostImage
from congdong.syndication import actions
from congdong.syndication.models import Delivery, DeliveryState
from tests.syndication.conftest import due, facebook_page, first_try, sent_on_retry, work, zalo_oa

D = DeliveryState
PAGE = "2501"
OA = "2502"


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.PRIVATE_ROOT = tmp_path / "private"


def jpeg(colour: tuple[int, int, int]) -> ContentFile:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(out, "JPEG")
    return ContentFile(out.getvalue(), name="anh.jpg")


def add_picture(post, order: int, alt: str, *, inline: bool = False) -> PostImage:
    image = PostImage(post=post, order=order, alt_text=alt, inline=inline)
    image.file.save("anh.jpg", jpeg((order * 40 % 255, 27, 27)), save=False)
    image.save()
    return image


@pytest.fixture
def published(personas, province_post):
    """Bắc Ninh's own post with two gallery pictures and one in its text, published."""
    add_picture(province_post, 1, "Bà con dự ngày hội")
    add_picture(province_post, 0, "Lễ chào cờ")
    add_picture(province_post, 0, "Trong bài", inline=True)
    return publish_or_schedule(personas["bacninh.quantri"], province_post.pk)


@pytest.fixture
def fb(platforms, fake_graph, tree):
    return facebook_page(fake_graph, tree.bac_ninh, PAGE)


def test_a_post_with_pictures_goes_to_the_page_as_one_post_with_its_photos(
    personas, published, fb, fake_graph
):
    actions.send(personas["bacninh.quantri"], published.pk, [fb.pk])
    assert work() == 1

    delivery = Delivery.objects.get(link=fb)
    assert delivery.state == D.SENT
    [post] = fake_graph.posts(PAGE)
    photos = {p.id: p for p in fake_graph.photos(PAGE)}
    # The gallery in its order, then the picture in the text; uploaded unpublished, all three
    # shown by the one post.
    assert [photos[i].alt_text for i in post.photos] == [
        "Lễ chào cờ",
        "Bà con dự ngày hội",
        "Trong bài",
    ]
    assert all(not p.published and p.post_id == post.id for p in photos.values())
    assert len(photos) == 3 and all(p.image_bytes > 0 for p in photos.values())
    # No link beside the photos: the address back, with the marker, is in the message.
    assert post.link is None
    assert f"kenh={delivery.marker}" in post.message
    assert delivery.external_id == post.id
    assert sorted(delivery.media_ids.values()) == sorted(photos)

    due()
    assert work() == 0
    assert len(fake_graph.posts(PAGE)) == 1 and len(fake_graph.photos(PAGE)) == 3


def test_a_failure_after_the_uploads_attaches_the_same_photos_on_retry(
    personas, published, fb, fake_graph
):
    fake_graph.fail("server_error", path="/feed")
    delivery = first_try(personas["bacninh.quantri"], published, fb)
    assert delivery.state == D.RETRYING
    assert len(delivery.media_ids) == 3 and fake_graph.posts(PAGE) == []

    sent_on_retry(delivery)
    assert len(fake_graph.photos(PAGE)) == 3  # not uploaded again
    [post] = fake_graph.posts(PAGE)
    assert sorted(post.photos) == sorted(delivery.media_ids.values())


def test_a_failure_between_two_uploads_keeps_the_first(personas, published, fb, fake_graph):
    fake_graph.fail("server_error", after=1, path="/photos")  # the second upload fails
    delivery = first_try(personas["bacninh.quantri"], published, fb)
    assert delivery.state == D.RETRYING and len(delivery.media_ids) == 1

    sent_on_retry(delivery)
    assert len(fake_graph.photos(PAGE)) == 3
    [post] = fake_graph.posts(PAGE)
    assert len(post.photos) == 3


def test_a_lost_answer_to_the_post_with_photos_is_found_not_posted_twice(
    personas, published, fb, fake_graph, settings
):
    settings.CHANNEL_TIMEOUT = 0.5
    fake_graph.fail("timeout", seconds=2, after_action=True, path="/feed")
    delivery = first_try(personas["bacninh.quantri"], published, fb)
    assert delivery.outcome_unknown and len(fake_graph.posts(PAGE)) == 1

    sent_on_retry(delivery)
    assert len(fake_graph.posts(PAGE)) == 1 and len(fake_graph.photos(PAGE)) == 3
    assert delivery.external_id == fake_graph.posts(PAGE)[0].id


def test_photos_facebook_no_longer_has_are_uploaded_again(personas, published, fb, fake_graph):
    fake_graph.fail("server_error", path="/feed")
    delivery = first_try(personas["bacninh.quantri"], published, fb)
    lost = next(iter(delivery.media_ids.values()))
    fake_graph.forget_photo(lost)

    due()
    work(limit=1)
    delivery.refresh_from_db()
    assert delivery.state == D.RETRYING and delivery.media_ids == {}
    sent_on_retry(delivery)
    [post] = fake_graph.posts(PAGE)
    assert lost not in post.photos and len(post.photos) == 3


def test_a_post_without_pictures_still_goes_with_its_link(personas, province_post, fb, fake_graph):
    post = publish_or_schedule(personas["bacninh.quantri"], province_post.pk)
    actions.send(personas["bacninh.quantri"], post.pk, [fb.pk])
    work()
    [sent] = fake_graph.posts(PAGE)
    assert sent.photos == [] and "kenh=" in (sent.link or "")
    assert fake_graph.photos(PAGE) == []


def test_a_zalo_article_has_the_first_picture_as_cover_and_the_others_in_its_body(
    personas, published, platforms, fake_zalo, tree
):
    oa = zalo_oa(fake_zalo, tree.bac_ninh, OA)
    actions.send(personas["bacninh.quantri"], published.pk, [oa.pk])
    work()
    assert Delivery.objects.get(link=oa).state == D.SENT
    [article] = fake_zalo.articles(OA)
    images = list(published.images.order_by("inline", "order", "pk"))
    assert article.cover_url.endswith(images[0].url)
    assert article.cover_url.startswith("http")
    shown = [block for block in article.body if block["type"] == "image"]
    assert [block["url"] for block in shown] == [
        article.cover_url.removesuffix(images[0].url) + image.url for image in images[1:]
    ]
    assert [block["caption"] for block in shown] == ["Bà con dự ngày hội", "Trong bài"]
