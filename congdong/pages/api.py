from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate
from ninja.security import django_auth

from congdong.accounts.roles import Permission
from congdong.core.api import Pages
from congdong.pages import actions, queries
from congdong.pages.models import Page, PageOperator, PageStatus

router = Router(tags=["pages"])


class PageOut(Schema):
    id: int
    unit_id: int
    unit_name: str = Field(..., alias="unit.full_name")
    structure: str = Field(..., alias="unit.structure.code")
    level: str = Field(..., alias="unit.level")
    name: str
    slug: str
    status: PageStatus
    verified: bool
    description: str
    contact_email: str
    contact_phone: str
    address: str


class PageIn(Schema):
    unit_id: int


class OperatorIn(Schema):
    username: str
    organisation: str = "doan"


class OperatorOut(Schema):
    id: int
    page_id: int
    username: str = Field(..., alias="user.username")
    organisation: str = Field(..., alias="organisation.code")


class PageMoveIn(Schema):
    status: str
    reason: str = ""


class ProfileIn(Schema):
    name: str
    description: str = ""
    contact_email: str = ""
    contact_phone: str = ""
    address: str = ""


@router.get("/pages", response=list[PageOut])
@paginate(Pages, page_size=50)
def list_pages(
    request: HttpRequest, structure: str | None = None, status: PageStatus | None = None
):
    """Established pages (active and suspended), filtered by structure and status."""
    return queries.pages_filtered(structure, status).exclude(status=PageStatus.NOT_ESTABLISHED)


@router.get("/pages/{slug}", response=PageOut)
def get_page(request: HttpRequest, slug: str) -> Page:
    return queries.public_page(slug)


@router.post("/pages", response={201: PageOut}, auth=django_auth)
def create_page(request: HttpRequest, body: PageIn) -> Status[Page]:
    """Set up a unit's page; the caller must be a unit admin there or above."""
    return Status(201, actions.create_page(request.user, body.unit_id))


@router.post("/pages/{page_id}/status", response=PageOut, auth=django_auth)
def move_page(request: HttpRequest, page_id: int, body: PageMoveIn) -> Page:
    """Open (`active`) or suspend (`suspended`, with a reason) a page."""
    return actions.move_page(request.user, page_id, body.status, body.reason)


@router.put("/pages/{page_id}/profile", response=PageOut, auth=django_auth)
def update_profile(request: HttpRequest, page_id: int, body: ProfileIn) -> Page:
    queries.access_page(request.user, page_id, Permission.MANAGE_PAGE)
    return actions.do_profile(actions.check_profile(request.user, page_id, **body.dict()))


@router.post("/pages/{page_id}/operators", response={201: OperatorOut}, auth=django_auth)
def add_operator(request: HttpRequest, page_id: int, body: OperatorIn) -> Status[PageOperator]:
    """Grant someone (e.g. a Youth Union member) the running of this page only."""
    return Status(
        201, actions.add_operator(request.user, page_id, body.username, body.organisation)
    )


@router.delete("/pages/{page_id}/operators/{operator_id}", response={204: None}, auth=django_auth)
def remove_operator(request: HttpRequest, page_id: int, operator_id: int) -> Status[None]:
    actions.remove_operator(request.user, page_id, operator_id)
    return Status(204, None)
