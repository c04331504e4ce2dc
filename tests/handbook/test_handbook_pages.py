"""The handbook through HTTP: every staff member reads, only central admins edit, every save
is a new revision, old revisions and diffs are shown, Markdown is rendered safely."""

from __future__ import annotations

import pytest

from congdong.handbook import actions
from congdong.handbook.models import HandbookPage, HandbookRevision
from congdong.handbook.text import render_markdown
from tests.conftest import client_for
from tests.handbook.conftest import AT, REGULATION

URL = "/lam-viec/so-tay/quy-che-thong-tin/"


def edit(client, title="Quy chế thông tin, tuyên truyền", body=REGULATION, note="", base=1):
    return client.post(URL + "sua/", {"title": title, "body": body, "note": note, "base": base})


def test_every_staff_member_reads_the_rendered_page(people, regulation):
    # tiendu.canbo holds no role at all: the handbook is still theirs to read.
    for name in ("tiendu.canbo", "kinhbac.canbo", "bacninh.quantri"):
        response = client_for(people[name]).get(URL)
        assert response.status_code == 200
        html = response.content.decode()
        assert "<h2>Điều 1. Phạm vi</h2>" in html
        assert "<strong>Trang cộng đồng</strong>" in html
        assert 'id="edit-link"' not in html
    index = client_for(people["kinhbac.canbo"]).get("/lam-viec/so-tay/")
    assert "Quy chế thông tin, tuyên truyền" in index.content.decode()


def test_citizens_and_visitors_do_not_read_the_handbook(people, regulation):
    from tests.engagement.conftest import citizen

    assert client_for(citizen("+84912000009", "Nguyễn Văn An")).get(URL).status_code == 403
    from django.test import Client

    assert Client().get(URL).status_code == 302  # to the sign-in page


def test_the_central_admin_saves_a_new_revision_and_the_old_one_is_kept(people, regulation):
    client = client_for(people["tw.quantri"])
    assert 'id="edit-link"' in client.get(URL).content.decode()
    body = REGULATION + "\n## Điều 3. Trách nhiệm\n\nBan Thường trực chịu trách nhiệm.\n"
    response = edit(client, body=body, note="Bổ sung Điều 3")
    assert response.status_code == 302
    assert [r.number for r in regulation.revisions.all()] == [2, 1]
    first, second = regulation.revisions.get(number=1), regulation.revisions.get(number=2)
    assert first.body == REGULATION.strip()  # never overwritten
    assert second.body == body.strip() and second.note == "Bổ sung Điều 3"
    assert second.author == people["tw.quantri"]
    # Proposed: staff keep reading version 1 until another central admin publishes it.
    reader = client_for(people["kinhbac.canbo"])
    assert "Điều 3. Trách nhiệm" not in reader.get(URL).content.decode()
    assert 'id="proposed-version"' in client.get(URL).content.decode()
    publisher = client_for(people["tw.banhanh"])
    decided = publisher.post(URL + "lich-su/2/quyet-dinh/", {"decision": "published"})
    assert decided.status_code == 302
    html = reader.get(URL).content.decode()
    assert "Điều 3. Trách nhiệm" in html
    history = client.get(URL + "lich-su/").content.decode()
    assert "Bổ sung Điều 3" in history and 'data-number="1"' in history
    assert str(people["tw.banhanh"]) in history


@pytest.mark.parametrize("name", ["bacninh.quantri", "kinhbac.canbo", "tw.bientap"])
def test_only_central_admins_edit(people, regulation, name):
    # A province admin (all permissions, but on Bắc Ninh) and a central editor are refused.
    client = client_for(people[name])
    assert client.get(URL + "sua/").status_code == 403
    assert edit(client, body="Nội dung khác").status_code == 403
    assert HandbookRevision.objects.filter(page=regulation).count() == 1
    new = client.post(
        "/lam-viec/so-tay/", {"slug": "moi", "title": "Trang mới", "kind": "guide", "body": "x"}
    )
    assert new.status_code == 403
    assert not HandbookPage.objects.filter(slug="moi").exists()


def test_the_admin_of_the_old_structure_centre_does_not_edit(people, regulation):
    from congdong.accounts.roles import Role
    from congdong.units.models import Unit
    from tests.posts.conftest import grant

    old_centre = Unit.objects.get(structure__code="2022", code="TW")
    user = grant("tw2022.quantri", old_centre, Role.UNIT_ADMIN)
    assert client_for(user).get(URL + "sua/").status_code == 403


def test_an_old_revision_and_the_diff_are_shown(people, regulation):
    client = client_for(people["tw.quantri"])
    body = REGULATION.replace("Thông tin chính xác, có nguồn.", "Thông tin chính xác, kịp thời.")
    assert edit(client, body=body, note="Sửa nguyên tắc").status_code == 302
    old = client.get(URL + "lich-su/1/").content.decode()
    assert "Thông tin chính xác, có nguồn." in old
    assert 'id="old-revision-note"' in old
    diff = client.get(URL + "lich-su/so-sanh/?a=1&b=2").content.decode()
    assert '<del><span class="sr-only">' in diff
    assert "- Thông tin chính xác, có nguồn.</del>" in diff
    assert "- Thông tin chính xác, kịp thời.</ins>" in diff
    assert client.get(URL + "lich-su/so-sanh/?a=1&b=9").status_code == 404
    assert client.get(URL + "lich-su/so-sanh/?a=x&b=2").status_code == 404
    assert client.get(URL + "lich-su/7/").status_code == 404


def test_script_tags_and_javascript_links_are_not_kept(people, regulation):
    client = client_for(people["tw.quantri"])
    body = (
        "Nội dung <script>alert('x')</script> an toàn.\n\n"
        "[Bấm vào](javascript:alert(1)) và <img src=x onerror=alert(1)>\n\n"
        '<b onclick="x()">đậm</b>'
    )
    assert edit(client, body=body).status_code == 302
    actions.decide_version(people["tw.banhanh"], regulation.slug, 2, "published")
    html = client.get(URL).content.decode()
    # Raw HTML is shown as text, never as markup; the javascript: link is not a link.
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    assert 'href="javascript' not in html
    assert "<img" not in html and "<b onclick" not in html
    rendered = render_markdown(body)
    assert "<script" not in rendered and "<img" not in rendered


def test_markdown_renders_lists_tables_and_links():
    html = render_markdown(
        "# Tiêu đề\n\n1. Một\n2. Hai\n\n| A | B |\n|---|---|\n| 1 | 2 |\n\n"
        "[Cổng](https://mattran.org.vn/)"
    )
    assert "<h1>Tiêu đề</h1>" in html
    assert "<ol>" in html and "<table>" in html
    assert 'href="https://mattran.org.vn/"' in html and 'rel="noopener noreferrer nofollow"' in html


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"title": "Q"}, "title"),
        ({"body": "   "}, "body"),
        ({"body": "x" * 100_001}, "body"),
        ({"note": "n" * 301}, "note"),
        ({"body": REGULATION}, "body"),  # nothing changed
    ],
)
def test_bad_edits_change_nothing_and_say_why(people, regulation, fields, field):
    client = client_for(people["tw.quantri"])
    response = edit(client, **fields)
    assert response.status_code == 400
    assert response.context["form"].errors.get(field)
    assert regulation.revisions.count() == 1


def test_an_edit_from_a_stale_revision_is_refused(people, regulation):
    admin = people["tw.quantri"]
    actions.edit_page(admin, regulation.slug, regulation.title, REGULATION + "\nThêm.", now=AT)
    response = edit(client_for(admin), body=REGULATION + "\nKhác.", base=1)
    assert response.status_code == 400
    assert response.context["form"].non_field_errors()
    assert regulation.revisions.count() == 2


def test_the_central_admin_creates_a_page(people, regulation):
    client = client_for(people["tw.quantri"])
    data = {"slug": "huong-dan-moi", "title": "Hướng dẫn mới", "kind": "guide", "order": 5}
    response = client.post("/lam-viec/so-tay/", data | {"body": "Nội dung"})
    assert response.status_code == 302
    page = HandbookPage.objects.get(slug="huong-dan-moi")
    assert page.revisions.get().number == 1
    bad = client.post("/lam-viec/so-tay/", data | {"slug": "Hướng dẫn", "body": "Nội dung"})
    assert bad.status_code == 400 and bad.context["form"].errors.get("slug")
    again = client.post("/lam-viec/so-tay/", data | {"body": "Nội dung"})
    assert again.status_code == 400 and again.context["form"].errors.get("slug")
