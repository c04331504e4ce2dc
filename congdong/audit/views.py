"""The audit log screen: the rows of the reader's subtrees, newest first, filtered, paginated.
Who reads what is decided by `access_audit` only."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from congdong.accounts.views import staff_required
from congdong.audit import queries
from congdong.audit.forms import FilterForm
from congdong.core.web import paged

PER_PAGE = 50


@staff_required
def entry_list(request: HttpRequest) -> HttpResponse:
    scope = queries.access_audit(request.user)
    form = FilterForm(request.GET or None)
    filters = queries.Filters()
    if form.is_bound and form.is_valid():
        filters = queries.Filters(**form.cleaned_data)
    items = queries.filtered(scope, filters)
    page, query = paged(request, items, PER_PAGE)
    return render(
        request,
        "audit/list.html",
        {
            "form": form,
            "page": page,
            "items": page.object_list,
            "query": query,
            "invalid": form.is_bound and not form.is_valid(),
        },
        status=400 if form.is_bound and not form.is_valid() else 200,
    )
