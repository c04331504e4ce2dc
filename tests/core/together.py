"""Running a step in several threads at once, the way parallel requests interleave."""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable


def in_threads(count: int, one: Callable[[int], None], *, swap_often: bool = True) -> None:
    """`one(n)` for n in 0..count-1, each in its own thread, until all are done. With
    `swap_often`, the threads swap as often as Python lets them, as parallel requests'
    statements interleave."""
    switch = sys.getswitchinterval()
    if swap_often:
        sys.setswitchinterval(1e-6)
    try:
        threads = [threading.Thread(target=one, args=(n,)) for n in range(count)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(switch)
