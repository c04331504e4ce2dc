from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from congdong.core.api import Pages
from congdong.core.errors import ActionError
from congdong.units import queries
from congdong.units.models import Level, Structure, Unit

router = Router(tags=["units"])


class StructureOut(Schema):
    code: str
    name: str
    valid_from: str | None = Field(None)
    valid_to: str | None = Field(None)

    @staticmethod
    def resolve_valid_from(obj: Structure) -> str | None:
        return obj.valid_from.isoformat() if obj.valid_from else None

    @staticmethod
    def resolve_valid_to(obj: Structure) -> str | None:
        return obj.valid_to.isoformat() if obj.valid_to else None


class UnitOut(Schema):
    id: int
    structure: str = Field(..., alias="structure.code")
    code: str
    name: str
    full_name: str
    kind: str
    level: str
    parent_id: int | None
    children: int = Field(..., alias="numchild")


class UnitDetail(UnitOut):
    ancestors: list[UnitOut]


@router.get("/structures", response=list[StructureOut])
def list_structures(request: HttpRequest) -> list[Structure]:
    return list(Structure.objects.all())


@router.get("/units", response=list[UnitOut])
@paginate(Pages, page_size=50)
def list_units(
    request: HttpRequest,
    structure: str | None = None,
    level: Level | None = None,
    parent: int | None = None,
    q: str | None = None,
):
    """Units of a structure (the current one by default), filtered by level, parent and
    an accent-insensitive search on the name (`q=dak lak` finds Đắk Lắk)."""
    parent_unit = queries.get_unit(parent) if parent else None
    found = queries.structure_or_current(structure)
    if found is None:
        if structure:
            raise ActionError(
                _("Unknown structure “%(code)s”.") % {"code": structure}, field="structure"
            )
        return Unit.objects.none()
    return queries.units_filtered(found, level, parent_unit, q)


@router.get("/units/{unit_id}", response=UnitDetail)
def get_unit(request: HttpRequest, unit_id: int) -> Unit:
    unit = queries.get_unit(unit_id)
    unit.ancestors = queries.ancestors(unit)
    return unit
