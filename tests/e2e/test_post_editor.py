"""Journey: a commune operator writes a new post in the rich-text editor — types, makes text
bold and a list from the toolbar, puts a picture into the text before the post exists — and
saves it; the saved post shows them, and the browser asked nothing of any other server."""

from __future__ import annotations

import io
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.utils import timezone
from PIL import Image
from playwright.sync_api import Page, expect

from congdong.pages.actions import do_establish_many
from congdong.pages.models import Page as CommunityPage
from congdong.posts.default_regulation import ensure_default_regulation
from congdong.posts.models import Post, PostImage
from tests.conftest import commune_named
from tests.e2e.journeys import new_post_form
from tests.e2e.test_province_admin_roles import staff_login, url_ending

pytestmark = pytest.mark.e2e
TITLE = "Ngày hội Đại đoàn kết toàn dân tộc"
ALT = "Bà con khu phố dự ngày hội"


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_ROOT = tmp_path / "private"


def press(page: Page, key: str) -> None:
    """A key as a person presses it: the browser moves the caret, and ProseMirror reads the
    new selection on the next task; a key pressed within the same millisecond (only a robot
    does) would act on the old one."""
    page.keyboard.press(key)
    page.wait_for_timeout(50)


def png_file(tmp_path) -> str:
    out = io.BytesIO()
    Image.new("RGB", (640, 480), (166, 27, 27)).save(out, "PNG")
    path = tmp_path / "ngay-hoi.png"
    path.write_bytes(out.getvalue())
    return str(path)


def test_the_operator_writes_a_post_with_bold_a_list_and_a_picture_before_saving(
    page: Page, live_server, e2e_data, tmp_path
):
    ensure_default_regulation()
    unit = commune_named("24", "Kinh Bắc")
    do_establish_many([unit], opened_at=timezone.now())
    kinh_bac = CommunityPage.objects.get(unit=unit)
    ours = urlsplit(live_server.url).netloc
    elsewhere: list[str] = []
    page.on(
        "request",
        lambda request: (
            None
            if urlsplit(request.url).netloc == ours or request.url.startswith(("data:", "blob:"))
            else elsewhere.append(request.url)
        ),
    )
    refused: list[str] = []  # the Content-Security-Policy's refusals, as Chromium reports them
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )

    staff_login(page, "kinhbac.canbo")
    page.goto("/lam-viec/tin-bai/")
    form = new_post_form(page, kinh_bac, TITLE)

    # The editor replaced the textarea, named by the field's label.
    body = page.get_by_role("textbox", name="Nội dung")
    expect(body).to_be_visible()
    expect(form.locator("textarea[name=body]")).to_be_hidden()
    toolbar = page.get_by_role("toolbar", name="Định dạng văn bản")

    # By keyboard: one Tab stop for the toolbar (arrows move in it), the next Tab the text.
    form.locator("input[name=title]").focus()
    press(page, "Tab")
    expect(toolbar.get_by_role("button", name="Tiêu đề mục")).to_be_focused()
    press(page, "ArrowRight")
    expect(toolbar.get_by_role("button", name="Tiêu đề phụ")).to_be_focused()
    press(page, "End")
    expect(toolbar.get_by_role("button", name="Chèn ảnh")).to_be_focused()
    press(page, "Tab")
    expect(body).to_be_focused()
    page.keyboard.type("Sáng Chủ nhật, bà con khu phố dự ngày hội.")
    press(page, "Shift+Home")
    bold = toolbar.get_by_role("button", name="Chữ đậm")
    expect(bold).to_have_attribute("aria-pressed", "false")
    bold.click()
    expect(bold).to_have_attribute("aria-pressed", "true")
    press(page, "End")
    press(page, "Enter")
    toolbar.get_by_role("button", name="Danh sách gạch đầu dòng").click()
    page.keyboard.type("Văn nghệ")
    press(page, "Enter")
    page.keyboard.type("Thể thao")
    press(page, "Enter")
    press(page, "Enter")  # out of the list
    page.keyboard.type("Xem cổng thông tin")
    for _ in "cổng thông tin":
        press(page, "Shift+ArrowLeft")
    toolbar.get_by_role("button", name="Đường dẫn").click()
    link = page.get_by_role("dialog")
    link.get_by_label("Địa chỉ web").fill("https://kinhbac.bacninh.gov.vn/")
    link.get_by_role("button", name="Lưu đường dẫn").click()
    expect(link).to_be_hidden()
    expect(body.get_by_role("link", name="cổng thông tin")).to_be_visible()
    # The caret is back in the text, after the link: what is typed next does not replace it.
    expect(body).to_be_focused()
    page.keyboard.type(".")
    expect(body.get_by_role("link", name="cổng thông tin")).to_be_visible()
    press(page, "Enter")

    # A picture, before the post exists: uploaded, described, put into the text.
    toolbar.get_by_role("button", name="Chèn ảnh").click()
    dialog = page.get_by_role("dialog", name="Chèn ảnh")
    dialog.get_by_label("Ảnh (JPEG").set_input_files(png_file(tmp_path))
    dialog.get_by_role("button", name="Tải lên và chèn").click()
    expect(dialog.get_by_role("alert")).to_contain_text("Mô tả ảnh")  # a description is required
    dialog.get_by_label("Ảnh cho thấy gì").fill(ALT)
    dialog.get_by_role("button", name="Tải lên và chèn").click()
    expect(dialog).to_be_hidden()
    picture = body.locator(f'img[alt="{ALT}"]')
    expect(picture).to_be_visible()
    uploaded = PostImage.objects.get()
    assert uploaded.post_id is None and uploaded.inline

    form.locator("button[name=save]").click()
    post = Post.objects.get()
    expect(page).to_have_url(url_ending(f"/lam-viec/tin-bai/{post.pk}/"))
    assert "<strong>Sáng Chủ nhật, bà con khu phố dự ngày hội.</strong>" in post.body
    assert "<ul><li><p>Văn nghệ</p></li><li><p>Thể thao</p></li></ul>" in post.body
    assert (
        '<p>Xem <a href="https://kinhbac.bacninh.gov.vn/" rel="noopener noreferrer nofollow">'
        "cổng thông tin</a>.</p>"
    ) in post.body
    assert f'<img src="/tep/tin-bai/anh/{uploaded.pk}/" alt="{ALT}">' in post.body
    uploaded.refresh_from_db()
    assert uploaded.post_id == post.pk  # attached by the save

    # The saved post opens in the editor with the same formatting and the picture shown.
    edit = page.locator("#edit-post")
    saved = edit.get_by_role("textbox", name="Nội dung")
    expect(saved.locator("strong")).to_have_text("Sáng Chủ nhật, bà con khu phố dự ngày hội.")
    expect(saved.locator("ul li")).to_have_count(2)
    shown = saved.locator(f'img[alt="{ALT}"]')
    expect(shown).to_be_visible()
    assert shown.evaluate("img => img.complete && img.naturalWidth > 0")
    # Not also in the gallery under the text.
    expect(page.locator(".post-images img")).to_have_count(0)

    assert elsewhere == []
    assert refused == []


def test_without_javascript_the_body_is_a_labelled_textarea_of_html(
    browser, live_server, e2e_data, settings
):
    ensure_default_regulation()
    unit = commune_named("24", "Kinh Bắc")
    do_establish_many([unit], opened_at=timezone.now())
    kinh_bac = CommunityPage.objects.get(unit=unit)
    context = browser.new_context(
        locale="vi-VN", base_url=live_server.url, java_script_enabled=False
    )
    page = context.new_page()
    staff_login(page, "kinhbac.canbo")
    page.goto("/lam-viec/tin-bai/")
    form = new_post_form(page, kinh_bac, TITLE)
    form.get_by_label("Nội dung").fill("<p><b>Chào</b> bà con</p><script>alert(1)</script>")
    form.locator("button[name=save]").click()
    post = Post.objects.get()
    expect(page).to_have_url(url_ending(f"/lam-viec/tin-bai/{post.pk}/"))
    assert post.body == "<p><b>Chào</b> bà con</p>"
    context.close()


PASTE = Path(__file__).parent.parent / "posts" / "paste"


def paste_html(page: Page, html: str) -> None:
    """What the browser does when the clipboard holds HTML copied from Word or Facebook."""
    page.evaluate(
        """html => {
            const data = new DataTransfer()
            data.setData("text/html", html)
            data.setData("text/plain", html.replace(/<[^>]*>/g, ""))
            const target = document.querySelector(".ProseMirror")
            const options = {clipboardData: data, bubbles: true, cancelable: true}
            target.dispatchEvent(new ClipboardEvent("paste", options))
        }""",
        html,
    )


@pytest.mark.parametrize("sample", ["word.html", "facebook.html"])
def test_pasting_from_word_or_facebook_keeps_the_text_and_shows_what_will_be_published(
    page: Page, live_server, e2e_data, sample
):
    ensure_default_regulation()
    unit = commune_named("24", "Kinh Bắc")
    do_establish_many([unit], opened_at=timezone.now())
    staff_login(page, "kinhbac.canbo")
    page.goto("/lam-viec/tin-bai/")
    refused: list[str] = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if message.type in ("error", "warning") else None
        ),
    )
    body = page.get_by_role("textbox", name="Nội dung")
    body.click()
    paste_html(page, (PASTE / sample).read_text())
    shown = body.inner_html()
    if sample == "word.html":
        expect(body.locator("h2")).to_contain_text("Kế hoạch ra quân")
        expect(body.locator("strong")).to_have_text("Sáng Chủ nhật")
        expect(body.locator("ul li")).to_have_count(2)
        expect(body.locator("a[href='https://kinhbac.bacninh.gov.vn/tin-tuc']")).to_be_visible()
        assert "·" not in shown  # Word's own bullet, not a list
    else:
        expect(body.locator("p")).to_have_count(5)  # each line of the post, a paragraph
        expect(body).to_contain_text("📢 THÔNG BÁO")
        expect(body).to_contain_text("tiếp công dân 👇")
    for junk in ("<img", "mso-", "style=", 'class="x', "fbcdn", "alert", "<script"):
        assert junk not in shown, junk
    assert refused == []  # no picture from elsewhere tried, nothing refused by the CSP
