"""The shape of every app's write path (STYLE.md habit 2): `check_*` validates and authorises
and changes nothing, `do_*` writes what the check returned. The function callers run is the two
in a row; `checked_then_done` builds it, with the check's parameters, so that the two signatures
are written once."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
Checked = TypeVar("Checked")
Done = TypeVar("Done")


def checked_then_done(
    check: Callable[P, Checked], do: Callable[[Checked], Done], *, name: str, doc: str
) -> Callable[P, Done]:
    """`do(check(...))` under the public `name`, taking exactly the check's arguments."""

    def action(*args: P.args, **kwargs: P.kwargs) -> Done:
        return do(check(*args, **kwargs))

    action.__name__ = action.__qualname__ = name
    action.__doc__ = doc
    action.__module__ = check.__module__
    # What `help()` and `inspect` show: the check's parameters, the do's result.
    action.__signature__ = inspect.signature(check).replace(  # type: ignore[attr-defined]
        return_annotation=inspect.signature(do).return_annotation
    )
    return action
