from datetime import date

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404
from ninja import Field as SchemaField
from ninja import Query, Router, Schema

from sangtao.core.api_errors import LIST, READ
from sangtao.core.api_input import Id, Input, Page
from sangtao.orgs.models import OrgUnit, UnitKind

router = Router(tags=["units"])


class UnitOut(Schema):
    id: int
    kind: str
    name: str
    name_en: str
    code: str
    parent_id: int | None
    valid_from: date | None
    valid_to: date | None
    successor_ids: list[int]
    predecessor_ids: list[int]


class UnitPage(Schema):
    count: int
    page: int
    num_pages: int
    results: list[UnitOut]


class UnitParams(Input):
    q: str = SchemaField("", max_length=200)
    kind: UnitKind | None = None
    include_dissolved: bool = False
    page: Page = 1


def _unit_out(unit: OrgUnit) -> dict:
    return {
        "id": unit.pk, "kind": unit.kind, "name": unit.name, "name_en": unit.name_en, "code": unit.code,
        "parent_id": unit.parent_id, "valid_from": unit.valid_from, "valid_to": unit.valid_to,
        "successor_ids": [s.pk for s in unit.successors.all()],
        "predecessor_ids": [p.pk for p in unit.predecessors.all()],
    }


@router.get("/units", response={200: UnitPage, **LIST})
def list_units(request, params: Query[UnitParams]):
    """Organisation units in Vietnamese collation; `q` is diacritic-insensitive."""
    units = OrgUnit.objects.prefetch_related("successors", "predecessors")
    if params.kind:
        units = units.filter(kind=params.kind)
    if not params.include_dissolved:
        units = units.current()
    paginator = Paginator(units.matching(params.q), 100)
    page = paginator.get_page(params.page)
    return {"count": paginator.count, "page": page.number, "num_pages": page.paginator.num_pages,
            "results": [_unit_out(unit) for unit in page.object_list]}


@router.get("/units/{unit_id}", response={200: UnitOut, **READ})
def get_unit(request, unit_id: Id):
    return _unit_out(get_object_or_404(OrgUnit.objects.prefetch_related("successors", "predecessors"), pk=unit_id))
