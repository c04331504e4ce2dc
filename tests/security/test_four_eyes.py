"""Four eyes, always: nobody approves text they wrote or edited — drafts, revisions, campaign
sources, handbook versions, board proposals, moderation — on the web and the API alike; every
edit of a draft by someone other than its author is a history row naming the editor, shown to
staff."""

from __future__ import annotations

import json

import pytest

from congdong.accounts.models import User
from congdong.accounts.roles import Role
from congdong.campaigns import actions as campaign_actions
from congdong.campaigns.models import Campaign, CampaignMode, CampaignStatus
from congdong.handbook.models import BoardKind, BoardState
from congdong.moderation.models import Case, CaseState
from congdong.posts import actions
from congdong.posts.models import Post, PostRevision, PostState, RevisionState
from tests.conftest import client_for, commune_named, unit_2025
from tests.engagement.conftest import citizen
from tests.posts.conftest import content as fields
from tests.posts.conftest import grant, submitted, write

pytestmark = pytest.mark.django_db
API = "/api/v1"
VI = {"HTTP_ACCEPT_LANGUAGE": "vi"}
REFUSED_POST = "Bạn đã viết hoặc sửa tin bài này nên không thể duyệt hay trả lại"


def api(client, method: str, url: str, data: dict | None = None):
    call = getattr(client, method)
    return call(url, json.dumps(data or {}), content_type="application/json", **VI)


def said(response) -> str:
    """What the answer tells the person: the page's text, or the API's `detail`."""
    if response["Content-Type"].startswith("application/json"):
        return response.json()["detail"]
    return response.content.decode()


def rewrite_on_the_web(editor: User, post: Post, title: str, submit: bool = True):
    data = fields(post, title=title) | ({"submit": "1"} if submit else {"save": "1"})
    return client_for(editor).post(f"/lam-viec/tin-bai/{post.pk}/", data)


def rewrite_by_api(editor: User, post: Post, title: str):
    edited = api(client_for(editor), "put", f"{API}/posts/{post.pk}", fields(post, title=title))
    assert edited.status_code == 200
    return api(
        client_for(editor), "post", f"{API}/posts/{post.pk}/transitions", {"to": "submitted"}
    )


def approve_on_the_web(approver: User, post: Post):
    return client_for(approver).post(f"/lam-viec/duyet-tin/{post.pk}/duyet/", {}, **VI)


def approve_by_api(approver: User, post: Post):
    return api(
        client_for(approver), "post", f"{API}/posts/{post.pk}/transitions", {"to": "approved"}
    )


# --- drafts -----------------------------------------------------------------------------------


@pytest.mark.parametrize("via", ["web", "api"])
def test_an_approver_who_rewrote_a_colleagues_draft_cannot_approve_it(personas, pages, via):
    """The finding: bacninh.quantri rewrites kinhbac.canbo's draft, submits it and approves it."""
    author, approver = personas["kinhbac.canbo"], personas["bacninh.quantri"]
    post = write(author, pages.kinh_bac)
    title = "Bản viết lại của người duyệt"
    if via == "web":
        assert rewrite_on_the_web(approver, post, title).status_code == 302
        refused = approve_on_the_web(approver, post)
    else:
        assert rewrite_by_api(approver, post, title).status_code == 200
        refused = approve_by_api(approver, post)
    assert refused.status_code == 403
    assert REFUSED_POST in said(refused)
    post.refresh_from_db()
    assert (post.state, post.title, post.author) == (PostState.SUBMITTED, title, author)
    # The rewrite is in the history, naming its editor.
    edits = post.transitions.filter(from_state=PostState.DRAFT, to_state=PostState.DRAFT)
    assert list(edits.values_list("actor", flat=True)) == [approver.pk]
    # A second pair of eyes decides.
    other = grant("kinhbac.duyettin", pages.kinh_bac.unit, Role.APPROVER)
    assert approve_by_api(other, post).status_code == 200


def test_nor_can_they_reject_it_and_it_is_not_in_their_queue(personas, pages):
    author, approver = personas["kinhbac.canbo"], personas["bacninh.quantri"]
    post = write(author, pages.kinh_bac)
    rewrite_on_the_web(approver, post, "Bản viết lại của người duyệt")
    client = client_for(approver)
    assert post.title not in client.get("/lam-viec/duyet-tin/").content.decode()
    assert "Bản viết lại của người duyệt" not in client.get("/lam-viec/duyet-tin/").content.decode()
    refused = client.post(
        f"/lam-viec/duyet-tin/{post.pk}/tra-lai/", {"reason": "Không đạt yêu cầu"}
    )
    assert refused.status_code == 403
    assert Post.objects.get(pk=post.pk).state == PostState.SUBMITTED


def test_editing_a_rejected_post_makes_its_editor_a_writer(personas, pages, commune_approver):
    author, admin = personas["kinhbac.canbo"], personas["bacninh.quantri"]
    post = submitted(author, pages.kinh_bac)
    actions.reject(commune_approver, post.pk, "Thiếu thời gian, địa điểm")
    rewrite_on_the_web(admin, post, "Bổ sung thời gian, địa điểm")
    assert approve_by_api(admin, post).status_code == 403
    assert approve_by_api(commune_approver, post).status_code == 200


def test_the_authors_own_edits_leave_no_extra_row_and_do_not_bar_other_approvers(personas, pages):
    author, approver = personas["kinhbac.canbo"], personas["bacninh.quantri"]
    post = write(author, pages.kinh_bac)
    assert rewrite_on_the_web(author, post, "Tác giả tự sửa").status_code == 302
    assert list(post.transitions.values_list("from_state", "to_state")) == [
        ("", "draft"),
        ("draft", "submitted"),
    ]
    assert approve_by_api(approver, post).status_code == 200


def test_the_post_page_and_the_history_say_who_wrote_which_version(personas, pages):
    author, approver = personas["kinhbac.canbo"], personas["bacninh.quantri"]
    post = write(author, pages.kinh_bac)
    rewrite_on_the_web(approver, post, "Bản viết lại của người duyệt", submit=False)
    page = client_for(author).get(f"/lam-viec/tin-bai/{post.pk}/", **VI).content.decode()
    assert f"cùng viết: {approver}" in page
    assert f"<td>{approver}</td>" in page and "sửa nội dung" in page
    history = client_for(author).get(f"{API}/posts/{post.pk}/history").json()
    assert [(h["from_state"], h["to_state"], h["actor"]) for h in history] == [
        ("", "draft", author.username),
        ("draft", "draft", approver.username),
    ]


def test_the_history_stays_readable_for_an_editor_who_may_no_longer_approve(personas, pages):
    author, approver = personas["kinhbac.canbo"], personas["bacninh.quantri"]
    post = write(author, pages.kinh_bac)
    rewrite_by_api(approver, post, "Bản viết lại của người duyệt")
    assert client_for(approver).get(f"{API}/posts/{post.pk}/history").status_code == 200


def test_changing_a_drafts_pictures_is_an_edit_too(personas, pages, settings, tmp_path):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    settings.MEDIA_ROOT = tmp_path
    author, approver = personas["kinhbac.canbo"], personas["bacninh.quantri"]
    post = write(author, pages.kinh_bac)
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (166, 27, 27)).save(out, "PNG")
    picture = SimpleUploadedFile("anh.png", out.getvalue(), content_type="image/png")
    added = client_for(approver).post(
        f"/lam-viec/tin-bai/{post.pk}/tep/",
        {"media-images": [picture], "media-attachments": [], "media-alt_text": "Ảnh thay"},
    )
    assert added.status_code == 302 and post.images.count() == 1
    actions.submit(author, post.pk)
    assert approve_by_api(approver, post).status_code == 403


# --- revisions of published posts -----------------------------------------------------------


@pytest.fixture
def published(personas, pages, commune_approver) -> Post:
    author = personas["kinhbac.canbo"]
    post = submitted(author, pages.kinh_bac, "dai-doan-ket")  # revisions approved again
    actions.approve(commune_approver, post.pk)
    return actions.publish_or_schedule(author, post.pk)


def test_an_earlier_writer_of_a_pending_revision_cannot_approve_it(
    personas, pages, published, commune_approver
):
    """Before: a second edit made its editor the revision's only author, so the first writer
    (here an approver of the page) could approve a text they had written."""
    author = personas["kinhbac.canbo"]
    first = actions.revise(commune_approver, published.pk, fields(published, title="Sửa lần 1"))
    actions.revise(author, published.pk, fields(published, title="Sửa lần 2"))
    revision = PostRevision.objects.get(pk=first.pk)
    assert revision.author == author
    client = client_for(commune_approver)
    refused = client.post(f"/lam-viec/duyet-tin/sua-doi/{revision.pk}/duyet/", **VI)
    assert refused.status_code == 403
    assert "Bạn đã viết hoặc sửa bản sửa đổi này" in refused.content.decode()
    assert "Sửa lần 2" not in client.get("/lam-viec/duyet-tin/").content.decode()
    assert PostRevision.objects.get(pk=revision.pk).state == RevisionState.PENDING
    # The post page names both writers of the revision.
    page = client_for(author).get(f"/lam-viec/tin-bai/{published.pk}/").content.decode()
    assert f"{author}, {commune_approver}" in page
    other = personas["bacninh.quantri"]
    assert (
        client_for(other).post(f"/lam-viec/duyet-tin/sua-doi/{revision.pk}/duyet/").status_code
        == 302
    )
    assert PostRevision.objects.get(pk=revision.pk).state == RevisionState.APPROVED


# --- campaigns: launching approves the text for every page below ---------------------------


@pytest.fixture
def central_source(personas, tree, central_approver) -> Post:
    """tw.bientap writes; tw.sua (an approver of the centre) edits the draft; tw.duyettin
    approves it."""
    editor = grant("tw.sua", tree.centre.unit, Role.APPROVER)
    post = write(personas["tw.bientap"], tree.centre)
    actions.edit_draft(editor, post.pk, fields(post, title="Tiêu đề do tw.sua viết lại"))
    actions.submit(personas["tw.bientap"], post.pk)
    return actions.approve(central_approver, post.pk)


def _campaign(personas, post: Post) -> Campaign:
    return campaign_actions.create(personas["tw.bientap"], post.pk, CampaignMode.PUBLISH)


@pytest.mark.parametrize("writer", ["tw.bientap", "tw.sua"])
@pytest.mark.parametrize("via", ["web", "api"])
def test_a_campaign_is_not_launched_by_a_writer_of_its_source(
    personas, central_source, central_approver, writer, via
):
    campaign = _campaign(personas, central_source)
    user = personas.get(writer) or User.objects.get(username=writer)
    client = client_for(user)
    if via == "web":
        detail = client.get(f"/lam-viec/chien-dich/{campaign.pk}/", **VI).content.decode()
        assert "phat-dong" not in detail and "một người duyệt khác sẽ phát động" in detail
        refused = client.post(f"/lam-viec/chien-dich/{campaign.pk}/phat-dong/", **VI)
    else:
        refused = api(client, "post", f"{API}/campaigns/{campaign.pk}/launch")
    assert refused.status_code == 403
    assert "Bạn đã viết hoặc sửa nội dung tin bài của chiến dịch này" in said(refused)
    assert Campaign.objects.get(pk=campaign.pk).status == CampaignStatus.DRAFT
    assert Post.objects.filter(author=user).count() == (1 if writer == "tw.bientap" else 0)
    launched = api(client_for(central_approver), "post", f"{API}/campaigns/{campaign.pk}/launch")
    assert launched.status_code == 200


def test_the_writer_of_an_applied_revision_cannot_launch_the_post(personas, tree, central_approver):
    """A category whose revisions apply at once: the reviser wrote the text that would go down."""
    author = personas["tw.bientap"]
    reviser = grant("tw.sua", tree.centre.unit, Role.APPROVER)
    post = actions.approve(central_approver, submitted(author, tree.centre).pk)
    post = actions.publish_or_schedule(author, post.pk)
    actions.revise(reviser, post.pk, fields(post, body="<p>Nội dung do người khác sửa.</p>"))
    campaign = _campaign(personas, post)
    refused = api(client_for(reviser), "post", f"{API}/campaigns/{campaign.pk}/launch")
    assert refused.status_code == 403


# --- the experience board and moderation ----------------------------------------------------


@pytest.mark.parametrize("via", ["web", "api"])
def test_a_proposal_is_not_decided_by_its_author(personas, pages, via):
    from congdong.handbook import actions as board_actions

    kinh_bac = commune_named("24", "Kinh Bắc")
    # Holds a role on the commune (so may post for it) and on the province (so answers it).
    author = grant("kiemnhiem.canbo", kinh_bac, Role.EDITOR)
    grant("kiemnhiem.canbo", unit_2025("24"), Role.EDITOR)
    proposal = board_actions.create_post(
        author,
        kinh_bac.pk,
        BoardKind.PROPOSAL,
        "Tập huấn viết tin cho khu dân cư",
        "Đề nghị tỉnh tổ chức tập huấn kỹ năng viết tin cho cán bộ khu dân cư.",
    )
    client = client_for(author)
    if via == "web":
        page = client.get(f"/lam-viec/trao-doi/{proposal.pk}/").content.decode()
        assert "decide-form" not in page
        refused = client.post(
            f"/lam-viec/trao-doi/{proposal.pk}/quyet-dinh/", {"decision": "accepted"}, **VI
        )
    else:
        refused = api(
            client, "post", f"{API}/board/posts/{proposal.pk}/decision", {"decision": "accepted"}
        )
    assert refused.status_code == 403
    assert "Bạn là người viết đề xuất này" in said(refused)
    proposal.refresh_from_db()
    assert proposal.state == BoardState.OPEN
    decided = api(
        client_for(personas["bacninh.quantri"]),
        "post",
        f"{API}/board/posts/{proposal.pk}/decision",
        {"decision": "accepted"},
    )
    assert decided.status_code == 200


def test_a_moderator_does_not_decide_on_a_reported_post_they_wrote(personas, pages):
    """A post is the operator's text; reported by citizens, another moderator decides on it."""
    from congdong.moderation import actions as moderation_actions

    writer = grant("kinhbac.kiemduyet", pages.kinh_bac.unit, Role.MODERATOR)
    grant("kinhbac.kiemduyet", pages.kinh_bac.unit, Role.EDITOR)
    post = submitted(writer, pages.kinh_bac)
    actions.approve(personas["bacninh.quantri"], post.pk)
    actions.publish_or_schedule(writer, post.pk)
    moderation_actions.report(citizen("+84900000002", "Trần Văn Báo"), "post", post.pk, "abuse")
    case = Case.objects.get(post=post)
    refused = api(
        client_for(writer),
        "post",
        f"{API}/moderation/decisions",
        {"case_ids": [case.pk], "decision": "keep"},
    ).json()
    assert refused["decided"] == []
    assert "Bạn là người viết nội dung này" in refused["refused"][0]["detail"]
    assert Case.objects.get(pk=case.pk).state == CaseState.OPEN
    other = grant("bacninh.kiemduyet", pages.bac_ninh.unit, Role.MODERATOR)
    moderation_actions.decide(other, case.pk, "keep")
    assert Case.objects.get(pk=case.pk).state == CaseState.KEPT


# --- handbook versions ----------------------------------------------------------------------

HANDBOOK = "/lam-viec/so-tay/huong-dan-dang-tin/"
REFUSED_VERSION = "Bạn đã viết hoặc sửa phiên bản này nên không thể ban hành hay trả lại"


@pytest.fixture
def central_admins(personas) -> dict[str, User]:
    """tw.quantri (a persona) and two more admins of the central unit."""
    centre = personas["tw.quantri"].memberships.get().unit
    return {
        "tw.quantri": personas["tw.quantri"],
        "tw.banhanh": grant("tw.banhanh", centre, Role.UNIT_ADMIN),
        "tw.thuky": grant("tw.thuky", centre, Role.UNIT_ADMIN),
    }


def _guide(writer: User):
    from congdong.handbook import actions as handbook_actions

    return handbook_actions.create_page(
        writer, "huong-dan-dang-tin", "Hướng dẫn đăng tin", "Bước 1. Chọn chuyên mục."
    )


def decide_version(who: User, number: int, via: str, decision: str = "published", note=""):
    data = {"decision": decision, "note": note}
    if via == "web":
        return client_for(who).post(f"{HANDBOOK}lich-su/{number}/quyet-dinh/", data, **VI)
    url = f"{API}/handbook/pages/huong-dan-dang-tin/revisions/{number}/decision"
    return api(client_for(who), "post", url, data)


@pytest.mark.parametrize("via", ["web", "api"])
def test_a_handbook_version_is_not_published_by_its_writer(personas, central_admins, via):
    from congdong.handbook.models import HandbookRevision
    from congdong.handbook.models import RevisionState as VersionState

    writer, publisher = central_admins["tw.quantri"], central_admins["tw.banhanh"]
    _guide(writer)
    reader = client_for(personas["kinhbac.canbo"])
    assert reader.get(HANDBOOK).status_code == 404  # nothing published yet
    mine = client_for(writer).get(f"{HANDBOOK}lich-su/1/").content.decode()
    assert "version-decide-form" not in mine and "four-eyes-note" in mine
    for decision in ("published", "returned"):
        refused = decide_version(writer, 1, via, decision, note="Chưa đủ nội dung.")
        assert refused.status_code == 403
        assert REFUSED_VERSION in said(refused)
    assert HandbookRevision.objects.get(number=1).state == VersionState.PROPOSED
    assert (
        "version-decide-form" in client_for(publisher).get(f"{HANDBOOK}lich-su/1/").content.decode()
    )
    assert decide_version(publisher, 1, via).status_code in (200, 302)
    assert "Bước 1. Chọn chuyên mục." in reader.get(HANDBOOK).content.decode()
    # The history names who wrote and who published each version (web and API).
    history = reader.get(f"{HANDBOOK}lich-su/").content.decode()
    assert "tw.quantri" in history or writer.full_name in history
    assert str(publisher) in history
    listed = reader.get(f"{API}/handbook/pages/huong-dan-dang-tin/revisions").json()
    assert [(r["author"], r["decided_by"], r["state"]) for r in listed] == [
        (str(writer), str(publisher), "published")
    ]


@pytest.mark.parametrize("via", ["web", "api"])
def test_a_writer_of_an_unpublished_version_does_not_publish_the_one_built_on_it(
    personas, central_admins, via
):
    """Each edit starts from the newest version: tw.quantri's text of version 2 is carried into
    tw.banhanh's version 3, so neither of them publishes version 3; tw.thuky does."""
    from congdong.handbook import actions as handbook_actions

    writer, second, third = (central_admins[n] for n in ("tw.quantri", "tw.banhanh", "tw.thuky"))
    _guide(writer)
    handbook_actions.decide_version(second, "huong-dan-dang-tin", 1, "published")
    handbook_actions.edit_page(writer, "huong-dan-dang-tin", "Hướng dẫn đăng tin", "Bước 1, 2.")
    handbook_actions.edit_page(second, "huong-dan-dang-tin", "Hướng dẫn đăng tin", "Bước 1-3.")
    reader = client_for(personas["kinhbac.canbo"])
    for who in (writer, second):
        refused = decide_version(who, 3, via)
        assert refused.status_code == 403 and REFUSED_VERSION in said(refused)
    assert "Bước 1. Chọn chuyên mục." in reader.get(HANDBOOK).content.decode()
    assert decide_version(third, 3, via).status_code in (200, 302)
    assert "Bước 1-3." in reader.get(HANDBOOK).content.decode()


def test_a_version_sent_back_says_why_and_the_published_one_stays(personas, central_admins):
    from congdong.handbook import actions as handbook_actions

    writer, publisher = central_admins["tw.quantri"], central_admins["tw.banhanh"]
    _guide(writer)
    handbook_actions.decide_version(publisher, "huong-dan-dang-tin", 1, "published")
    handbook_actions.edit_page(writer, "huong-dan-dang-tin", "Hướng dẫn đăng tin", "Sai nội dung.")
    no_reason = decide_version(publisher, 2, "web", "returned")
    assert no_reason.status_code == 400
    assert "Hãy nói vì sao phiên bản bị trả lại" in no_reason.content.decode()
    returned = decide_version(publisher, 2, "api", "returned", note="Sai quy trình, xem lại.")
    assert returned.status_code == 200 and returned.json()["state"] == "returned"
    reader = client_for(personas["kinhbac.canbo"])
    assert "Bước 1. Chọn chuyên mục." in reader.get(HANDBOOK).content.decode()
    assert reader.get(f"{HANDBOOK}lich-su/2/").status_code == 404  # never read by staff
    seen = client_for(writer).get(f"{HANDBOOK}lich-su/2/").content.decode()
    assert "Sai quy trình, xem lại." in seen
