"""Journey: the central admin edits a handbook page (a new version appears in its history,
proposed; another central admin publishes it);
a commune officer posts a proposal on the experience board; the province admin answers it and
accepts it; the officer sees it accepted; another province cannot open it."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from congdong.accounts.models import Organisation
from congdong.accounts.roles import Role
from congdong.handbook import actions
from congdong.handbook.models import BoardPost, BoardState, PageKind
from congdong.units.models import Unit
from congdong_tools.demo.personas import DEMO_PASSWORD
from tests.e2e.test_province_admin_roles import staff_login, url_ending
from tests.posts.conftest import grant

pytestmark = pytest.mark.e2e
TITLE = "Tập huấn viết tin cho Ban công tác Mặt trận khu dân cư"
BODY = (
    "Nhiều tin các khu phố gửi lên còn thiếu thời gian, địa điểm. Đề nghị tỉnh tổ chức tập "
    "huấn viết tin, chụp ảnh bằng điện thoại cho các Trưởng ban công tác Mặt trận."
)


def test_handbook_edit_and_a_proposal_accepted_by_the_province(page: Page, e2e_data):
    Organisation.objects.get_or_create(code=Organisation.Code.FRONT)
    # No persona administers the central unit: one is made here, with the demo password.
    admin = grant(
        "tw.quantri", Unit.objects.get(structure__code="2025", code="TW"), Role.UNIT_ADMIN
    )
    admin.set_password(DEMO_PASSWORD)
    admin.save()
    publisher = grant("tw.banhanh", admin.memberships.get().unit, Role.UNIT_ADMIN)
    publisher.set_password(DEMO_PASSWORD)
    publisher.save()
    actions.create_page(
        admin,
        "quy-che-thong-tin",
        "Quy chế thông tin, tuyên truyền",
        "## Điều 1. Phạm vi\n\nQuy chế áp dụng với Trang cộng đồng các cấp.",
        kind=PageKind.REGULATION,
    )
    actions.decide_version(publisher, "quy-che-thong-tin", 1, "published")

    # The central admin edits the regulation from the workspace.
    staff_login(page, "tw.quantri")
    page.locator("#handbook-links a[href='/lam-viec/so-tay/']").click()
    page.get_by_role("link", name="Quy chế thông tin, tuyên truyền").click()
    expect(page).to_have_url(url_ending("/lam-viec/so-tay/quy-che-thong-tin/"))
    page.locator("#edit-link").click()
    form = page.locator("#edit-page")
    form.locator("textarea[name=body]").fill(
        "## Điều 1. Phạm vi\n\nQuy chế áp dụng với Trang cộng đồng các cấp.\n\n"
        "## Điều 2. Kêu gọi ủng hộ\n\nChỉ ghi tài khoản chính thức của Ủy ban MTTQ."
    )
    form.locator("input[name=note]").fill("Bổ sung Điều 2")
    form.locator("button[type=submit]").click()
    expect(page).to_have_url(url_ending("/lam-viec/so-tay/quy-che-thong-tin/"))
    expect(page.locator(".msg.success")).to_be_visible()
    # Proposed: the page still shows version 1 and says a version waits to be published.
    expect(page.locator("#proposed-version")).to_be_visible()
    expect(page.locator(".markdown-body h2")).to_have_count(1)
    page.locator("#history-link").click()
    expect(page.locator("#revisions tbody tr")).to_have_count(2)
    expect(page.locator("#revisions tr[data-number='2']")).to_contain_text("Bổ sung Điều 2")
    page.locator("#compare-form button[type=submit]").click()
    expect(page.locator("#diff tr.insert").first).to_be_visible()
    page.goto("/lam-viec/so-tay/quy-che-thong-tin/lich-su/2/")
    expect(page.locator("#four-eyes-note")).to_be_visible()  # its writer does not publish it

    # Another central admin publishes it: staff read it from then on.
    page.context.clear_cookies()
    staff_login(page, "tw.banhanh")
    page.goto("/lam-viec/so-tay/quy-che-thong-tin/lich-su/2/")
    decide = page.locator("#version-decide-form")
    decide.locator("select[name=decision]").select_option("published")
    decide.locator("button[type=submit]").click()
    expect(page).to_have_url(url_ending("/lam-viec/so-tay/quy-che-thong-tin/"))
    expect(page.locator(".markdown-body h2").nth(1)).to_have_text("Điều 2. Kêu gọi ủng hộ")

    # The Kinh Bắc officer posts a proposal for their ward.
    page.context.clear_cookies()
    staff_login(page, "kinhbac.canbo")
    page.locator("#handbook-links a[href='/lam-viec/trao-doi/']").click()
    form = page.locator("#new-board-post")
    form.locator("select[name=kind]").select_option("proposal")
    form.locator("input[name=title]").fill(TITLE)
    form.locator("textarea[name=body]").fill(BODY)
    form.locator("button[type=submit]").click()
    post = BoardPost.objects.get()
    expect(page).to_have_url(url_ending(f"/lam-viec/trao-doi/{post.pk}/"))
    expect(page.locator("#reply-form")).to_have_count(0)  # their own unit does not answer

    # The Bắc Ninh admin answers it and accepts it.
    page.context.clear_cookies()
    staff_login(page, "bacninh.quantri")
    page.goto("/lam-viec/trao-doi/")
    page.get_by_role("link", name=TITLE).click()
    page.locator("#reply-form textarea[name=body]").fill("Tỉnh sẽ tổ chức tập huấn trong quý tới.")
    page.locator("#reply-form button[type=submit]").click()
    expect(page.locator("#replies li")).to_have_count(1)
    page.locator("#decide-form select[name=decision]").select_option("accepted")
    page.locator("#decide-form textarea[name=note]").fill("Đưa vào kế hoạch tập huấn quý II.")
    page.locator("#decide-form button[type=submit]").click()
    expect(page.locator("#post-state.state-accepted")).to_be_visible()
    expect(page.locator("#decide-form")).to_have_count(0)
    post.refresh_from_db()
    assert post.state == BoardState.ACCEPTED

    # The officer sees it accepted, with the answer.
    page.context.clear_cookies()
    staff_login(page, "kinhbac.canbo")
    page.goto("/lam-viec/trao-doi/")
    expect(page.locator(f"#board-post-{post.pk} .state-accepted")).to_have_text("Đã tiếp thu")
    page.get_by_role("link", name=TITLE).click()
    expect(page.locator("#post-state")).to_have_text("Đã tiếp thu")
    expect(page.locator("#decision")).to_contain_text("Đưa vào kế hoạch tập huấn quý II.")
    expect(page.locator("#replies")).to_contain_text("Tỉnh sẽ tổ chức tập huấn")

    # Hà Nội's admin cannot open it.
    page.context.clear_cookies()
    staff_login(page, "hanoi.quantri")
    response = page.goto(f"/lam-viec/trao-doi/{post.pk}/")
    assert response is not None and response.status == 404
