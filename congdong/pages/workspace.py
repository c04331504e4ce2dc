"""The staff workspace's home: the units and roles of the person signed in, and the pages they
co-run through a page-only grant. It lives here, above accounts, because the pages are this
app's (the URL name stays `accounts:workspace`: the root URLconf composes it into that
namespace)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from congdong.accounts import queries as account_queries
from congdong.accounts.views import staff_required
from congdong.pages.queries import operated_pages


@staff_required
def workspace(request: HttpRequest) -> HttpResponse:
    """Staff home: my units and my roles on them."""
    return render(
        request,
        "accounts/workspace.html",
        {
            "memberships": account_queries.memberships_of(request.user),
            "operated_pages": operated_pages(request.user),
        },
    )
