from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from congdong.units import queries
from congdong.units.models import Structure


def home(request: HttpRequest) -> HttpResponse:
    """The public directory: the provinces of a structure (today's by default)."""
    structure = queries.structure_or_current(request.GET.get("structure"))
    text = request.GET.get("q", "").strip()
    provinces = queries.provinces(structure) if structure else []
    results = (
        list(queries.units_filtered(structure, text=text)[:50]) if structure and text else None
    )
    context = {
        "structure": structure,
        "structures": Structure.objects.all(),
        "provinces": provinces,
        "q": text,
        "results": results,
    }
    if request.htmx and request.htmx.target == "search-results":
        return render(request, "units/_search_results.html", context)
    return render(request, "core/home.html", context)
