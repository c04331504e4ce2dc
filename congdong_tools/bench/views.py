"""Views only routed when CONGDONG_BENCH_VIEWS is on (`congdong bench public-pages`)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse


def hello(request: HttpRequest) -> HttpResponse:
    """The baseline: the smallest Django view, through the same middleware as every page."""
    return HttpResponse("Hello, world", content_type="text/plain")
