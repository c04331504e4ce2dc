"""Nothing personal stays in a browser's or a proxy's cache (issue 15 §15): every response to a
signed-in person, and every API answer given with credentials or to a call that changes
something, carries `Cache-Control: private, no-store`. Checked over the whole URL map: every
named route that can be built is asked for by a citizen, a staff member and (for the admin)
the superuser, and every API route with a bearer key. Anonymous public pages keep their shared
cache, and the picture of a public post stays cacheable for everyone."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse

from congdong.accounts.tokens import do_issue_token
from congdong.posts import actions as post_actions
from tests.conftest import DEMO_PASSWORD, client_for
from tests.feedback.conftest import send
from tests.posts.conftest import write
from tests.uploads import picture

pytestmark = pytest.mark.django_db

# Routes whose answer is the same public bytes for everyone, whoever asks (when public).
SHARED_ROUTES = {"posts:image", "posts:document"}
# Admin forms that list all 15,000 units in a select (4 s each); the admin's other pages cover
# the same middleware.
SLOW_ADMIN_FORMS = {"admin:units_unit_change", "admin:campaigns_campaign_add"}


def named_routes() -> Iterator[tuple[str, list[str]]]:
    """(namespaced name, keyword names) of every named route of the URL map."""

    def walk(patterns, namespace: str) -> Iterator[tuple[str, list[str]]]:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                outer = list(entry.pattern.regex.groupindex)
                for name, kwargs in walk(entry.url_patterns, inner):
                    yield name, outer + kwargs
            elif isinstance(entry, URLPattern) and entry.name:
                yield namespace + entry.name, list(entry.pattern.regex.groupindex)

    seen: set[str] = set()
    for name, kwargs in walk(get_resolver().url_patterns, ""):
        if name not in seen:
            seen.add(name)
            yield name, kwargs


@pytest.fixture
def world(people, units, pages):
    """A published post with a picture on Kinh Bắc's page, and a citizen's feedback with a file:
    the routes that name them show real content, not only 404s."""
    editor, admin = people["kinhbac.canbo"], people["bacninh.quantri"]
    post = write(editor, pages.kinh_bac, title="Ngày hội Đại đoàn kết")
    post_actions.add_media(editor, post.pk, images=[picture()])
    post_actions.approve(admin, post_actions.submit(editor, post.pk).pk)
    post_actions.publish_or_schedule(editor, post.pk)
    item = send(people["an"], units.kinh_bac, files=[picture()])
    ids = {
        "post_id": post.pk,
        "page_id": pages.kinh_bac.pk,
        "unit_id": units.kinh_bac.pk,
        "feedback_id": item.pk,
        "attachment_id": item.attachments.get().pk,
        "image_id": post.images.get().pk,
        "user_id": people["an"].pk,
        "object_id": people["an"].pk,
    }
    return {
        "ids": ids,
        "slug": pages.kinh_bac.slug,
        "post": post,
    }


def value_for(keyword: str, world) -> str:
    if keyword in world["ids"]:
        return str(world["ids"][keyword])
    return {
        "slug": world["slug"],
        "code": "vi",
        "kind": "image",
        "app_label": "accounts",
        "path": "pages/avatars/khong-co.jpg",
        "url": "khong-co/",
        "content_type_id": "1",
        "number": "1",
    }.get(keyword, "1")


def addresses(world) -> list[tuple[str, str]]:
    built = []
    for name, kwargs in named_routes():
        try:
            built.append((name, reverse(name, kwargs={k: value_for(k, world) for k in kwargs})))
        except NoReverseMatch:
            continue
    return built


def private(response) -> bool:
    directives = {d.strip() for d in response.get("Cache-Control", "").split(",")}
    return {"private", "no-store"} <= directives


@pytest.mark.slow  # every route of the URL map, signed in
def test_every_route_answers_signed_in_people_with_private_no_store(people, world):
    routes = addresses(world)
    assert len(routes) > 200  # the whole map, not a sample
    citizen, staff, superuser = (
        client_for(people["an"]),
        client_for(people["kinhbac.canbo"]),
        client_for(people["admin"]),
    )
    for client in (citizen, staff, superuser):
        client.raise_request_exception = False  # a failing view is another test's business
    wrong = []
    for name, address in routes:
        if name in {"accounts:logout", "api:logout"}:
            continue  # would sign the persona out of the rest of the sweep
        if name in SLOW_ADMIN_FORMS:
            continue
        askers = (superuser,) if name.startswith("admin:") else (citizen, staff)
        for client in askers:
            response = client.get(address)
            if name in SHARED_ROUTES and response.get("Cache-Control", "").startswith("public"):
                continue  # the picture of a public post: checked below
            if not private(response):
                wrong.append(f"{name} {address} {response.status_code}")
    assert wrong == []


def test_every_api_route_answers_a_bearer_key_with_private_no_store(people, world):
    key = do_issue_token(people["kinhbac.canbo"]).key
    api = Client(HTTP_AUTHORIZATION=f"Bearer {key}", raise_request_exception=False)
    wrong = []
    for name, address in addresses(world):
        if not address.startswith("/api/") or name == "api:logout":
            continue
        response = api.get(address)
        if not private(response):
            wrong.append(f"{name} {address} {response.status_code}")
    assert wrong == []


def test_an_api_sign_in_answer_and_other_writes_are_never_cached(db):
    anonymous = Client()
    for address in ("/api/v1/auth/phone/start", "/api/v1/auth/phone/verify", "/api/v1/feedback"):
        response = anonymous.post(address, {}, content_type="application/json")
        assert private(response), address


def test_signed_in_writes_are_private_too(people, world):
    staff = client_for(people["kinhbac.canbo"])
    response = staff.post(f"/lam-viec/tin-bai/{world['post'].pk}/tep/", {})
    assert private(response)
    signed_in = Client().post(
        reverse("accounts:staff-login"),
        {"username": "kinhbac.canbo", "password": DEMO_PASSWORD},
    )
    assert signed_in.status_code == 302 and private(signed_in)


def test_anonymous_public_pages_keep_their_shared_cache(world):
    visitor = Client()
    slug, post = world["slug"], world["post"]
    for address in ("/", f"/trang/{slug}/", f"/trang/{slug}/tin/{post.pk}/"):
        first, second = visitor.get(address), visitor.get(address)
        assert first.status_code == second.status_code == 200, address
        assert second["X-Cache"] == "hit", address
        assert "no-store" not in second.get("Cache-Control", ""), address
        assert "private" not in second.get("Cache-Control", ""), address
    api = visitor.get(f"/api/v1/public/posts/{post.pk}")
    assert api.status_code == 200 and "no-store" not in api.get("Cache-Control", "")


def test_a_signed_in_citizen_reading_a_public_page_gets_it_uncached(people, world):
    address = f"/trang/{world['slug']}/tin/{world['post'].pk}/"
    response = client_for(people["an"]).get(address)
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Cache"] == "bypass"


def test_the_picture_of_a_public_post_is_shared_whoever_asks(people, world):
    image = world["post"].images.get()
    for client in (Client(), client_for(people["an"])):
        response = client.get(image.url)
        assert response.status_code == 200
        assert response["Cache-Control"] == "public, max-age=300"
