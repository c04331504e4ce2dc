"""The experience board through HTTP: a post is seen by its unit and the units above it,
never by another branch; only the levels above answer and decide; bad input changes nothing."""

from __future__ import annotations

import pytest

from congdong.handbook import actions
from congdong.handbook.models import BoardKind, BoardPost, BoardReply, BoardState
from tests.conftest import client_for
from tests.handbook.conftest import AT, PROPOSAL, proposal

BOARD = "/lam-viec/trao-doi/"


def decide(client, post, form: dict):
    """`client` decides on the board `post` with `form` (decision, note)."""
    return client.post(f"{BOARD}{post.pk}/quyet-dinh/", form)


def test_a_commune_post_is_seen_by_its_unit_its_province_and_the_centre(people, units):
    post = proposal(people, units)
    for name in ("kinhbac.canbo", "kinhbac.dongnghiep", "bacninh.quantri", "bacninh.thongke",
                 "tw.bientap", "tw.quantri"):  # fmt: skip
        client = client_for(people[name])
        assert client.get(f"{BOARD}{post.pk}/").status_code == 200, name
        assert f'id="board-post-{post.pk}"' in client.get(BOARD).content.decode(), name


@pytest.mark.parametrize("name", ["sibling.canbo", "hanoi.quantri", "hanoi.canbo", "tiendu.canbo"])
def test_a_commune_post_is_hidden_from_other_branches(people, units, name):
    # A sibling commune, another province (its admin and a commune of it), staff with no role.
    post = proposal(people, units)
    client = client_for(people[name])
    assert client.get(f"{BOARD}{post.pk}/").status_code == 404
    assert f'id="board-post-{post.pk}"' not in client.get(BOARD).content.decode()
    assert client.post(f"{BOARD}{post.pk}/tra-loi/", {"body": "Trả lời"}).status_code == 404


def test_a_province_post_is_not_seen_by_its_communes(people, units):
    post = actions.create_post(
        people["bacninh.quantri"],
        units.bac_ninh.pk,
        BoardKind.DIFFICULTY,
        "Thiếu cán bộ có kỹ năng truyền thông",
        "Nhiều xã, phường sau sắp xếp chưa bố trí được cán bộ chuyên trách trang cộng đồng.",
        now=AT,
    )
    assert client_for(people["kinhbac.canbo"]).get(f"{BOARD}{post.pk}/").status_code == 404
    assert client_for(people["tw.thongke"]).get(f"{BOARD}{post.pk}/").status_code == 200


def test_a_commune_officer_posts_a_proposal_for_their_unit(people, units):
    client = client_for(people["kinhbac.canbo"])
    page = client.get(BOARD).content.decode()
    assert f'<option value="{units.kinh_bac.pk}">' in page
    assert f'<option value="{units.bac_ninh.pk}">' not in page  # only where they hold a role
    response = client.post(
        BOARD,
        {"unit": units.kinh_bac.pk, "kind": "proposal", "title": "Tập huấn viết tin",
         "body": PROPOSAL},
    )  # fmt: skip
    post = BoardPost.objects.get()
    assert response.status_code == 302 and response["Location"] == f"{BOARD}{post.pk}/"
    assert (post.unit, post.author, post.kind, post.state) == (
        units.kinh_bac,
        people["kinhbac.canbo"],
        BoardKind.PROPOSAL,
        BoardState.OPEN,
    )


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"title": "Ý"}, "title"),
        ({"body": "Ngắn quá"}, "body"),
        ({"body": "x" * 5001}, "body"),
        ({"kind": "complaint"}, "kind"),
        ({"unit": "sibling"}, "unit"),  # a unit where they hold no role
        ({"unit": "bac_ninh"}, "unit"),  # above them: not theirs to post for
    ],
)
def test_bad_posts_change_nothing_and_say_why(people, units, fields, field):
    data = {"unit": units.kinh_bac.pk, "kind": "proposal", "title": "Tập huấn", "body": PROPOSAL}
    if fields.get("unit") in ("sibling", "bac_ninh"):
        fields = {"unit": getattr(units, fields["unit"]).pk}
    response = client_for(people["kinhbac.canbo"]).post(BOARD, data | fields)
    assert response.status_code == 400
    assert response.context["form"].errors.get(field)
    assert not BoardPost.objects.exists()


def test_the_action_refuses_a_unit_that_is_not_the_authors(people, units):
    from congdong.core.errors import ActionError

    with pytest.raises(ActionError) as refused:
        actions.create_post(
            people["kinhbac.canbo"], units.sibling.pk, "proposal", "Tập huấn", PROPOSAL
        )
    assert refused.value.field == "unit"
    assert not BoardPost.objects.exists()


def test_the_province_answers_for_bac_ninh_and_the_centre_for_the_centre(people, units):
    post = proposal(people, units)
    url = f"{BOARD}{post.pk}/tra-loi/"
    form = client_for(people["bacninh.quantri"]).get(f"{BOARD}{post.pk}/").content.decode()
    assert 'id="reply-form"' in form and 'id="decide-form"' in form
    assert (
        client_for(people["bacninh.quantri"]).post(url, {"body": "Tỉnh sẽ tổ chức."}).status_code
        == 302
    )
    assert client_for(people["tw.bientap"]).post(url, {"body": "Ghi nhận."}).status_code == 302
    replies = list(BoardReply.objects.order_by("pk"))
    assert [(r.author.username, r.unit) for r in replies] == [
        ("bacninh.quantri", units.bac_ninh),
        ("tw.bientap", units.centre),
    ]
    page = client_for(people["kinhbac.canbo"]).get(f"{BOARD}{post.pk}/").content.decode()
    assert "Tỉnh sẽ tổ chức." in page and "Ghi nhận." in page


@pytest.mark.parametrize("name", ["kinhbac.canbo", "kinhbac.dongnghiep"])
def test_the_posts_own_unit_neither_answers_nor_decides(people, units, name):
    post = proposal(people, units)
    client = client_for(people[name])
    page = client.get(f"{BOARD}{post.pk}/").content.decode()
    assert 'id="reply-form"' not in page and 'id="decide-form"' not in page
    assert client.post(f"{BOARD}{post.pk}/tra-loi/", {"body": "Tự trả lời"}).status_code == 403
    decided = decide(client, post, {"decision": "accepted"})
    assert decided.status_code == 403
    post.refresh_from_db()
    assert post.state == BoardState.OPEN and not post.replies.exists()


def test_the_province_accepts_the_proposal_and_the_move_is_recorded(people, units):
    post = proposal(people, units)
    client = client_for(people["bacninh.quantri"])
    response = decide(
        client, post, {"decision": "accepted", "note": "Đưa vào kế hoạch tập huấn quý II."}
    )
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.state == BoardState.ACCEPTED
    assert post.decided_by == people["bacninh.quantri"]
    assert post.decision_note == "Đưa vào kế hoạch tập huấn quý II."
    (move,) = post.transitions.all()
    assert (move.from_state, move.to_state, move.actor, move.unit) == (
        BoardState.OPEN,
        BoardState.ACCEPTED,
        people["bacninh.quantri"],
        units.bac_ninh,
    )
    # Decided once: a second decision (here from the centre) is refused and changes nothing.
    again = decide(
        client_for(people["tw.quantri"]), post, {"decision": "declined", "note": "Không phù hợp."}
    )
    assert again.status_code == 400
    post.refresh_from_db()
    assert post.state == BoardState.ACCEPTED and post.transitions.count() == 1
    author_sees = client_for(people["kinhbac.canbo"]).get(f"{BOARD}{post.pk}/").content.decode()
    assert 'id="decision"' in author_sees and "state-accepted" in author_sees


def test_declining_needs_a_reason(people, units):
    post = proposal(people, units)
    client = client_for(people["bacninh.quantri"])
    response = decide(client, post, {"decision": "declined", "note": ""})
    assert response.status_code == 400
    assert response.context["decide_form"].errors.get("note")
    post.refresh_from_db()
    assert post.state == BoardState.OPEN and not post.transitions.exists()
    response = decide(
        client, post, {"decision": "declined", "note": "Tỉnh đã tổ chức tập huấn tháng trước."}
    )
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.state == BoardState.DECLINED


def test_only_proposals_are_decided(people, units):
    post = proposal(people, units, kind=BoardKind.EXPERIENCE)
    client = client_for(people["bacninh.quantri"])
    assert 'id="decide-form"' not in client.get(f"{BOARD}{post.pk}/").content.decode()
    response = decide(client, post, {"decision": "accepted"})
    assert response.status_code == 400
    post.refresh_from_db()
    assert post.state == BoardState.OPEN


@pytest.mark.parametrize("body", ["", "x", "y" * 3001])
def test_bad_answers_change_nothing(people, units, body):
    post = proposal(people, units)
    response = client_for(people["bacninh.quantri"]).post(
        f"{BOARD}{post.pk}/tra-loi/", {"body": body}
    )
    assert response.status_code == 400
    assert response.context["reply_form"].errors.get("body")
    assert not post.replies.exists()


def test_filters_by_kind_unit_and_state(people, units):
    accepted = proposal(people, units)
    actions.decide(people["bacninh.quantri"], accepted.pk, "accepted", now=AT)
    experience = proposal(people, units, kind=BoardKind.EXPERIENCE, title="Kinh nghiệm livestream")
    elsewhere = actions.create_post(
        people["sibling.canbo"], units.sibling.pk, "difficulty", "Mạng yếu ở thôn xa",
        "Thôn xa trung tâm sóng yếu, không đăng được video hội nghị trực tuyến.", now=AT,
    )  # fmt: skip
    client = client_for(people["bacninh.quantri"])

    def shown(query: str) -> set[int]:
        posts = client.get(BOARD + query).context["posts"]
        return {p.pk for p in posts}

    assert shown("") == {accepted.pk, experience.pk, elsewhere.pk}
    assert shown("?kind=experience") == {experience.pk}
    assert shown("?state=accepted") == {accepted.pk}
    assert shown(f"?unit={units.sibling.pk}") == {elsewhere.pk}
    assert shown(f"?unit={units.bac_ninh.pk}") == {accepted.pk, experience.pk, elsewhere.pk}
    # A filter on a unit outside one's scope shows nothing of it.
    hanoi = client_for(people["hanoi.quantri"]).get(f"{BOARD}?unit={units.kinh_bac.pk}")
    assert hanoi.status_code == 200 and not list(hanoi.context["posts"])


def test_the_board_list_costs_a_fixed_number_of_queries(
    people, units, django_assert_max_num_queries
):
    for i in range(5):
        proposal(people, units, title=f"Đề xuất số {i + 1}")
    client = client_for(people["tw.quantri"])
    client.get(BOARD)  # warm the session
    with django_assert_max_num_queries(12):
        assert client.get(BOARD).status_code == 200
