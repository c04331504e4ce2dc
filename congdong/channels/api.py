import datetime

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from congdong.accounts import tokens
from congdong.channels import queries
from congdong.channels.models import ChannelKind
from congdong.core.api import Pages

router = Router(tags=["channels"])


class ChannelOut(Schema):
    """A linked channel as staff see it: never a token, sealed or not."""

    id: int
    page_id: int
    page_name: str = Field(..., alias="page.name")
    unit_id: int = Field(..., alias="page.unit_id")
    kind: ChannelKind
    external_id: str
    url: str
    name: str
    verified: bool
    backlink_ok: bool
    admin_verified_at: datetime.datetime | None
    linked_at: datetime.datetime
    tasks: list[str]
    token_state: str | None
    token_expires_at: datetime.datetime | None
    last_success_at: datetime.datetime | None

    @staticmethod
    def resolve_token_state(obj) -> str | None:
        token = getattr(obj, "token", None)
        return token.state if token else None

    @staticmethod
    def resolve_token_expires_at(obj) -> datetime.datetime | None:
        token = getattr(obj, "token", None)
        return token.expires_at if token else None

    @staticmethod
    def resolve_last_success_at(obj) -> datetime.datetime | None:
        token = getattr(obj, "token", None)
        return token.last_success_at if token else None


@router.get("/channels", response=list[ChannelOut], auth=tokens.TOKEN_OR_SESSION)
@paginate(Pages, page_size=100)
def list_channels(request: HttpRequest, kind: ChannelKind | None = None):
    """Current channel links of the pages in the caller's scope (their subtrees)."""
    qs = queries.links_in_scope(request.user)
    if kind:
        qs = qs.filter(kind=kind)
    return qs
