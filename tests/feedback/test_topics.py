"""Keywords of the people's situation: Vietnamese words segmented offline, stopwords and names
dropped, each keyword counted once per item, from feedback and citizens' comments."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from congdong.engagement.actions import comments as comment_actions
from congdong.insights import topics
from congdong.insights.figures import Period
from tests.engagement.conftest import published
from tests.feedback.conftest import category, send
from tests.posts.conftest import pages, regulation  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


def test_segmentation_keeps_words_of_several_syllables_and_drops_stopwords_and_numbers():
    found = topics.words(
        "Đề nghị chính quyền xử lý tình trạng rác thải gây ô nhiễm, giao thông tắc nghẽn "
        "từ năm 2025! Chúng tôi rất mong."
    )
    assert {"rác thải", "ô nhiễm", "giao thông", "tắc nghẽn"} <= found
    # Stopwords of the list ("đề nghị", "chính quyền", "xử lý", "chúng tôi"), single
    # syllables, numbers and punctuation are not keywords.
    assert not found & {"đề nghị", "chính quyền", "xử lý", "chúng tôi", "tình trạng"}
    assert all(len(word.split()) >= 2 for word in found)
    assert not any(ch.isdigit() or ch in "!,." for word in found for ch in word)


def test_names_are_not_keywords_but_a_capitalised_first_word_is():
    found = topics.words("Ông Nguyễn Văn An báo cáo. Rác thải ở Bắc Ninh chưa được thu gom.")
    assert "nguyễn văn an" not in found and "bắc ninh" not in found
    assert "rác thải" in found and "thu gom" in found


def test_the_stopword_list_is_read_from_its_data_file():
    words = topics.stopwords()
    assert {"phản ánh", "kiến nghị", "chúng tôi", "và"} <= words
    assert not any(word.startswith("#") for word in words)


@pytest.fixture
def period() -> Period:
    return Period.last(7, timezone.localdate())


def test_a_keyword_counts_once_per_item_and_only_from_two_items(people, units, period):
    now = timezone.now() - datetime.timedelta(minutes=5)
    send(
        people["an"],
        units.kinh_bac,
        now=now,
        text="Giao thông ùn tắc, giao thông nguy hiểm, giao thông hỗn loạn giờ tan học.",
    )
    send(people["binh"], units.sibling, now=now, text="Đèn tín hiệu giao thông bị hỏng đã lâu.")
    send(
        people["binh"],
        units.kinh_bac,
        now=now,
        category_id=category("moi-truong").pk,
        text="Bãi rác thải tự phát bốc mùi, ô nhiễm nguồn nước sinh hoạt.",
    )
    send(people["an"], units.hanoi_commune, now=now, text="Giao thông ở Hà Nội ùn tắc kéo dài.")
    found = topics.keywords(units.bac_ninh, period)
    by_word = {k.word: k.items for k in found.keywords}
    assert by_word["giao thông"] == 2  # three times in one item, once in another; not Hà Nội's
    assert "rác thải" not in by_word  # in one item only: a rare word could point at a person
    traffic = next(g for g in found.by_category if g.name == category().name)
    assert traffic.items == 2
    assert traffic.keywords[0].word == "giao thông"
    assert (found.feedback_read, found.feedback_total, found.capped) == (3, 3, False)
    assert "3" in found.note


def test_citizens_comments_count_too(people, units, period, pages):  # noqa: F811
    post = published(pages.kinh_bac, title="Ra quân làm sạch môi trường khu dân cư")
    comment_actions.comment(people["an"], post.pk, "Cần thêm thùng rác thải ở đầu ngõ.")
    send(
        people["binh"],
        units.kinh_bac,
        now=timezone.now() - datetime.timedelta(minutes=5),
        category_id=category("moi-truong").pk,
        text="Rác thải để tràn ra đường, đề nghị thu gom đúng giờ.",
    )
    found = topics.keywords(units.bac_ninh, period)
    assert {k.word: k.items for k in found.keywords}["rác thải"] == 2
    assert (found.comments_read, found.comments_total) == (1, 1)
    # Hà Nội reads neither.
    assert topics.keywords(units.hanoi, period).keywords == []


def test_the_work_is_capped_and_the_output_says_so(people, units, period, monkeypatch):
    monkeypatch.setattr(topics, "MAX_TEXTS", 2)
    now = timezone.now() - datetime.timedelta(minutes=5)
    for n in range(3):
        send(people["an"], units.kinh_bac, now=now - datetime.timedelta(minutes=n))
    found = topics.keywords(units.bac_ninh, period)
    assert (found.feedback_read, found.feedback_total, found.capped) == (2, 3, True)
    assert "2" in found.note and len(found.notes) == 2
