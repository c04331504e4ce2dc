"""The home page: national and featured posts, and the directory of a structure's provinces."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from congdong.core.public_cache import cached_response
from congdong.engagement import queries as engagement_queries
from congdong.units import queries
from congdong.units.models import Structure


def home(request: HttpRequest) -> HttpResponse:
    """Home: national and featured posts, and the directory of a structure's provinces
    (today's by default). Visitors get a copy at most 30 s old (featured posts move with
    reactions anywhere, which bump nothing)."""
    return cached_response(request, None, lambda: _home(request), timeout=30)


def _home(request: HttpRequest) -> HttpResponse:
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
    context["national"] = engagement_queries.national_posts(structure.pk if structure else None)
    context["featured"] = engagement_queries.featured_posts(structure.pk if structure else None)
    return render(request, "core/home.html", context)
