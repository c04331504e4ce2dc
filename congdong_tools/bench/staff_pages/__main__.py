"""The child steps of `congdong bench staff-pages`, against its throwaway database:
`python -m congdong_tools.bench.staff_pages build full|sample` and `... measure N`; each prints one
JSON line (progress goes to stderr)."""

from __future__ import annotations

import json
import sys

from congdong_tools.bench import steps

if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "build":
        steps.setup_django()
        from congdong_tools.demo.build import build

        build(steps.say, sample=sys.argv[2] == "sample")
        print(json.dumps({"built": True}))
    elif len(sys.argv) == 3 and sys.argv[1] == "measure":
        steps.setup_django()
        from congdong_tools.bench.staff_pages.measure import measure

        print(json.dumps(measure(int(sys.argv[2]), steps.say), ensure_ascii=False))
    else:
        sys.exit("usage: python -m congdong_tools.bench.staff_pages build full|sample | measure N")
