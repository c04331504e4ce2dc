"""The demo's handbook and board load through the actions, once."""

from __future__ import annotations

from congdong.handbook.models import (
    BoardPost,
    BoardReply,
    BoardState,
    HandbookPage,
    HandbookRevision,
    RevisionState,
)
from congdong.handbook.text import render_markdown
from congdong_tools.demo.handbook import ensure_handbook
from tests.conftest import client_for


def test_the_demo_handbook_loads_once(personas):
    assert ensure_handbook() == {"pages": 3, "posts": 5}
    assert ensure_handbook() == {"pages": 0, "posts": 0}
    regulation = HandbookPage.objects.get(slug="quy-che-thong-tin-tuyen-truyen")
    assert regulation.revisions.count() == 2
    # Four eyes in the demo too: every version was published by someone who did not write it.
    for revision in HandbookRevision.objects.all():
        assert revision.state == RevisionState.PUBLISHED
        assert revision.decided_by is not None and revision.decided_by != revision.author
    html = render_markdown(regulation.revisions.get(number=2).body)
    assert "<table>" in html and "Cứu trợ thiên tai, bão lũ" in html
    assert BoardPost.objects.filter(state=BoardState.ACCEPTED).count() == 1
    assert BoardReply.objects.count() == 4
    # Kinh Bắc's officer sees their own post, not Gia Bình's; the province sees all but its own
    # proposal's answer comes from the centre.
    seen = client_for(personas["kinhbac.canbo"]).get("/lam-viec/trao-doi/").context["posts"]
    assert [p.unit.name for p in seen] == ["Kinh Bắc"]
    seen = client_for(personas["bacninh.quantri"]).get("/lam-viec/trao-doi/").context["posts"]
    assert len(seen) == 5
