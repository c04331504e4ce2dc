"""Small pieces shared by views."""

from __future__ import annotations

import functools
import ipaddress
from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from congdong.core.errors import ActionError, each

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
T = TypeVar("T")


def form_error(form: forms.Form, exc: ActionError) -> None:
    """Show an action's refusal on the form field it concerns (or the whole form); every one
    of them when it refused several fields at once (`ActionErrors`)."""
    focused = any("autofocus" in f.widget.attrs for f in form.fields.values())
    for one in each(exc):
        field = one.field if one.field in form.fields else None
        if field and field in form.errors:
            continue  # the form refused this field's value already: one message is enough
        form.add_error(field, str(one.message))
        if field and not focused:
            # The browser scrolls to and focuses the first field to correct, wherever it is.
            form.fields[field].widget.attrs["autofocus"] = True
            focused = True


def rule_errors(form: forms.Form, check: Callable[[dict[str, Any]], object]) -> None:
    """On a form the form layer refused, also run the action's `check_*` (which writes nothing)
    on what it has, so that one submit tells the rules' refusals of the other fields too
    (issue 16.9); a field the form refused keeps only the form's message (`form_error`)."""
    try:
        check(form.cleaned_data)
    except ActionError as exc:
        form_error(form, exc)


def client_ip(request: HttpRequest) -> str | None:
    """The address of the person's machine, for every per-address limit and log.

    REMOTE_ADDR is the machine that connected. When it is one of CONGDONG_TRUSTED_PROXIES (the
    site's own reverse proxies), `X-Forwarded-For` is read from the right — each proxy appends
    the address it saw — past the trusted proxies, to the first address that is not one: what
    is left of it was written by the client and proves nothing. Without trusted proxies the
    header is never read (anyone can send it).
    """
    remote = request.META.get("REMOTE_ADDR") or None
    proxies = trusted_proxies()
    if remote is None or not proxies or not _within(remote, proxies):
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    found = remote
    for hop in reversed([hop for hop in hops if hop]):
        if not _parse(hop):
            break  # not an address: what a client wrote, never a proxy; keep the last good one
        found = hop
        if not _within(hop, proxies):
            break
    return found


def trusted_proxies() -> tuple[IPNetwork, ...]:
    return _networks(tuple(settings.TRUSTED_PROXIES))


@functools.cache
def _networks(spec: tuple[str, ...]) -> tuple[IPNetwork, ...]:
    # Checked when the settings load (congdong/settings.py), so a bad entry stops the start.
    return tuple(ipaddress.ip_network(item, strict=False) for item in spec)


def _parse(address: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(address)
    except ValueError:
        return None


def _within(address: str, networks: tuple[IPNetwork, ...]) -> bool:
    parsed = _parse(address)
    return parsed is not None and any(parsed in network for network in networks)


def client_network(request: HttpRequest) -> str | None:
    """The client's address as one party for anonymous counts and limits: an IPv4 address as
    it is, an IPv6 address as its /64 network.

    Nothing else the client sends (User-Agent, cookies, other headers, query parameters) goes
    into it: those cost a script nothing to change on every request. An IPv6 subscriber is
    given a whole /64 and may change the rest of the address at will, so the /64 is the
    address that costs something to change.
    """
    return network_of(client_ip(request))


def network_of(ip: str | None) -> str | None:
    """`ip` as one party (see client_network): IPv4 as it is, IPv6 as its /64 network."""
    if ip is None:
        return None
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ip
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)


def act_and_tell(
    request: HttpRequest, do: Callable[[], T], done: str | Callable[[T], str]
) -> T | None:
    """A button's action that goes back to a page: runs `do()`; its refusal becomes an error
    message (and None is returned), its success the message `done` (or `done(result)`) and the
    result."""
    try:
        result = do()
    except ActionError as exc:
        messages.error(request, str(exc.message))
        return None
    messages.success(request, done(result) if callable(done) else done)
    return result


def page_or_part(
    request: HttpRequest,
    page: str,
    part: str,
    context: dict[str, Any],
    *,
    target: str | None = None,
    when: bool = True,
) -> HttpResponse:
    """The template `page`, or for htmx only `part`, the piece of it htmx swaps in: when the
    request comes from htmx, aims at the element `target` (if given) and `when` holds."""
    # django_htmx's middleware sets `htmx` on every request; the stubs' HttpRequest lacks it.
    htmx = request.htmx  # type: ignore[attr-defined]
    wanted = bool(htmx) and when and (target is None or htmx.target == target)
    return render(request, part if wanted else page, context)


def paged(request: HttpRequest, items: Any, per_page: int) -> tuple[Page, str]:
    """The page of `items` that `?trang=` asks for, and the request's other parameters
    ("a=1&b=2") that _pager.html keeps on its links to the pages before and after."""
    page = Paginator(items, per_page).get_page(request.GET.get("trang"))
    others = request.GET.copy()
    others.pop("trang", None)
    return page, others.urlencode()


def posted_form(
    request: HttpRequest,
    form: forms.Form,
    do: Callable[[dict[str, Any]], T],
    done: str | Callable[[T], str],
    to: tuple | Callable[[T], tuple],
) -> HttpResponse | None:
    """A posted form's action. A valid form runs `do(cleaned_data)`; an action's refusal goes
    onto the form, and None is returned (show the form again). Done: the message `done` (or
    `done(result)`) and a redirect to `to` (a URL name and its arguments, or `to(result)`)."""
    if not form.is_valid():
        return None
    try:
        result = do(form.cleaned_data)
    except ActionError as exc:
        form_error(form, exc)
        return None
    messages.success(request, done(result) if callable(done) else done)
    return redirect(*(to(result) if callable(to) else to))


def posted_move(
    request: HttpRequest,
    form: forms.Form,
    do: Callable[[dict[str, Any]], object],
    done: str,
    to: tuple,
    again: Callable[[], HttpResponse],
) -> HttpResponse:
    """A posted form that moves one item on (answer, refuse, close…): `posted_form`, else
    `again()`, the page with the form."""
    return posted_form(request, form, do, done, to) or again()
