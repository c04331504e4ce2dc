"""The sanitiser is the one judge of a post's text: what the editor makes is kept whole; what
Word, Facebook or a hand-made request adds is cut down to it (samples in tests/posts/paste/)."""

from __future__ import annotations

from pathlib import Path

import pytest

from congdong.posts.rich_text import clean_html, inline_pictures
from tests.conftest import client_for

PASTE = Path(__file__).parent / "paste"

# What the editor in the browser sends (Tiptap's HTML for every button of the toolbar).
EDITOR_HTML = (
    "<h2>Ngày hội Đại đoàn kết</h2>"
    "<p><strong>Sáng Chủ nhật</strong>, bà con <em>khu phố</em> <u>dự</u> <s>hội</s>.</p>"
    "<ul><li><p>Văn nghệ</p></li><li><p>Thể thao</p></li></ul>"
    "<ol><li><p>Khai mạc</p></li></ol>"
    "<blockquote><p>Đoàn kết là sức mạnh.</p></blockquote><hr>"
    '<p>Xem <a href="https://kinhbac.bacninh.gov.vn/">cổng thông tin</a>.</p>'
    '<img src="/tep/tin-bai/anh/7/" alt="Bà con dự ngày hội">'
)


def test_the_editors_html_is_kept_whole():
    cleaned = clean_html(EDITOR_HTML)
    assert cleaned == EDITOR_HTML.replace(
        '<a href="https://kinhbac.bacninh.gov.vn/">',
        '<a href="https://kinhbac.bacninh.gov.vn/" rel="noopener noreferrer nofollow">',
    )
    assert clean_html(cleaned) == cleaned  # cleaning again changes nothing
    assert [(p.image_id, p.alt) for p in inline_pictures(cleaned)] == [(7, "Bà con dự ngày hội")]


@pytest.mark.parametrize(
    "dirty",
    [
        '<img src="https://evil.example/x.png" alt="Ảnh">',  # a picture from elsewhere
        '<img src="/media/x.png" alt="Ảnh">',
        '<img src="/tep/tin-bai/anh/7/../../../lam-viec/" alt="Ảnh">',
        '<img src="//evil.example/tep/tin-bai/anh/7/" alt="Ảnh">',
        '<img src="data:image/png;base64,iVBORw0KGgo=" alt="Ảnh">',
        '<img src="javascript:alert(1)" alt="Ảnh">',
        "<img src=x onerror=alert(1)>",
    ],
)
def test_pictures_not_of_our_own_are_dropped(dirty):
    assert clean_html(f"<p>Trước{dirty}sau</p>") == "<p>Trướcsau</p>"


def test_our_picture_keeps_only_its_address_and_description():
    cleaned = clean_html(
        '<img src="/tep/tin-bai/anh/7/" alt=" Bà  con " width="9000" style="x" onload="alert(1)"'
        ' class="big" data-file="7">'
    )
    assert cleaned == '<img src="/tep/tin-bai/anh/7/" alt="Bà con">'


def test_scripts_styles_and_handlers_go_with_their_content():
    cleaned = clean_html(
        "<p onclick='alert(1)' style='color:red'>Chào</p><script>alert(1)</script>"
        "<style>p{color:red}</style><iframe src='https://evil.example'></iframe>"
        "<a href='javascript:alert(1)'>bấm</a><svg><use href='#x'/></svg>"
    )
    assert cleaned == '<p>Chào</p><a rel="noopener noreferrer nofollow">bấm</a>'


def test_word_html_keeps_its_text_headings_bold_lists_and_links_without_words_junk():
    cleaned = clean_html((PASTE / "word.html").read_text())
    assert "<h2>Kế hoạch ra quân\nlàm sạch môi trường</h2>" in cleaned
    assert "<b>Sáng Chủ nhật</b>" in cleaned and "<i>ra quân</i>" in cleaned
    assert "<li>Phát quang bụi rậm</li>" in cleaned and "<li>Khơi thông cống rãnh</li>" in cleaned
    assert "<p>Thu gom rác thải</p>" in cleaned  # Word's own list bullet "·" is gone
    assert (
        '<a href="https://kinhbac.bacninh.gov.vn/tin-tuc" rel="noopener noreferrer nofollow">'
        "cổng thông tin phường</a>"
    ) in cleaned
    for junk in (
        "mso-", "MsoNormal", "o:p", "<style", "font-family", "Font Definitions", "WordDocument",
        "file:///", "<img", "v:shape", "javascript:", "style=", "class=", "<![", "·", "<p></p>",
    ):  # fmt: skip
        assert junk not in cleaned, junk
    assert "<td><p>Khu phố</p></td>" in cleaned  # tables are kept, without Word's widths


def test_facebook_html_keeps_its_lines_as_paragraphs_its_emoji_and_plain_links():
    cleaned = clean_html((PASTE / "facebook.html").read_text())
    assert cleaned == (
        "<p>📢 <strong>THÔNG BÁO</strong> LỊCH TIẾP CÔNG DÂN THÁNG 12</p>"
        "<p>Ủy ban MTTQ phường Kinh Bắc thông báo lịch tiếp công dân 👇</p>"
        "<p>- Thứ Hai: 7h30 – 11h00</p>"
        '<p>Xem thêm: <a href="https://kinhbac.bacninh.gov.vn/" rel="noopener noreferrer'
        ' nofollow">https://kinhbac.bacninh.gov.vn/</a></p>'
        '<p><a href="https://www.facebook.com/hashtag/mttqkinhbac" rel="noopener noreferrer'
        ' nofollow">#mttqkinhbac</a></p>'
    )


@pytest.mark.django_db
def test_a_post_saved_with_the_editors_html_keeps_it_and_loses_what_was_pasted_around_it(
    personas, pages
):
    editor = client_for(personas["kinhbac.canbo"])
    dirty = (
        EDITOR_HTML.replace('<img src="/tep/tin-bai/anh/7/" alt="Bà con dự ngày hội">', "")
        + "<script>alert(1)</script><style>h2{}</style>"
        + (PASTE / "word.html").read_text()
    )
    response = editor.post(
        "/lam-viec/tin-bai/",
        {
            "page": pages.kinh_bac.pk,
            "category": "hoat-dong-mat-tran",
            "title": "Ngày hội Đại đoàn kết",
            "body": dirty,
            "save": "1",
        },
    )
    assert response.status_code == 302
    post = pages.kinh_bac.posts.get()
    for kept in ("<h2>Ngày hội", "<strong>Sáng", "<ul><li><p>Văn nghệ", "<blockquote>", "<hr>"):
        assert kept in post.body
    for lost in ("<script", "alert(", "<style", "mso-", "MsoNormal", "<o:p"):
        assert lost not in post.body
    page = editor.get(f"/lam-viec/tin-bai/{post.pk}/").content.decode()
    assert "alert(" not in page and "mso-" not in page


def test_an_existing_post_is_cleaned_the_same_again():
    """Stored bodies are re-cleaned at every edit: nothing may drift."""
    for sample in (EDITOR_HTML, *(path.read_text() for path in PASTE.glob("*.html"))):
        once = clean_html(sample)
        assert clean_html(once) == once
