"""The child step of `congdong bench authz`, against its throwaway database:
`python -m congdong_tools.bench.authz matrix N` (N = 0: every case) prints one JSON line."""

from __future__ import annotations

import json
import sys
import time

from congdong.config import load
from congdong_tools.bench import steps

SHOWN = load().authz_shown  # of each kind of finding, in the JSON (AUTHZ_SHOWN)


def matrix(n: int | None) -> None:
    steps.setup_django()
    import logging

    # Thousands of refusals are the point: Django's "Forbidden"/"Not Found" lines are not news.
    logging.getLogger("django.request").setLevel(logging.CRITICAL)
    logging.getLogger("django.security").setLevel(logging.CRITICAL)
    from congdong_tools.bench.authz import matrix, world
    from congdong_tools.bench.authz.oracle import RELATIONS, ROLES

    started = time.perf_counter()
    steps.say("the tree, an account for every role at every unit, signed in…")
    made = world.build()
    steps.say("the objects, through the apps' actions…")
    things = list(matrix.build_things(made))
    world.sign_in(made)
    setup_seconds = time.perf_counter() - started
    total = len(matrix.all_cases(made, things))
    steps.say(f"{total:,} cases in the matrix; running {n or total:,}…")
    tally, seconds = matrix.run(made, things, n, steps.say)
    print(
        json.dumps(
            {
                "cases": tally.cases,
                "matrix_cases": total,
                "leaks": len(tally.leaks),
                "over_refusals": len(tally.over_refusals),
                "allowed_cases": tally.allowed,
                "allowed_no_effect": len(tally.no_effect),
                "server_errors": len(tally.server_errors),
                "actors": len(made.actors),
                "object_kinds": len(tally.kinds),
                "objects": len(things),
                "endpoints": len(tally.endpoints),
                "relations_covered": ",".join(r for r in RELATIONS if tally.relations[r]),
                "roles_covered": ",".join(r for r in ROLES if tally.roles[r]),
                **{f"cases_{r}": tally.relations[r] for r in RELATIONS},
                "setup_seconds": round(setup_seconds, 1),
                "seconds": round(seconds, 1),
                "cases_per_second": round(tally.cases / seconds, 1) if seconds else 0,
                "leak_list": tally.leaks[:SHOWN],
                "over_refusal_list": tally.over_refusals[:SHOWN],
                "no_effect_list": tally.no_effect[:SHOWN],
                "server_error_list": tally.server_errors[:SHOWN],
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "matrix":
        matrix(int(sys.argv[2]) or None)
    else:
        sys.exit("usage: python -m congdong_tools.bench.authz matrix N (0: every case)")
