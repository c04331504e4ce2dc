from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from congdong.units import queries


def unit_detail(request: HttpRequest, unit_id: int) -> HttpResponse:
    """A unit in the public directory: where it sits and the units below it."""
    unit = queries.get_unit(unit_id)
    return render(
        request,
        "units/detail.html",
        {
            **queries.place_of(unit),
            "predecessors": unit.predecessors.select_related("predecessor")[:50],
            "successors": unit.successors.select_related("successor")[:10],
        },
    )
