"""public-pages: req/s of a public page, cached and uncached, beside a hello-world view; feed time.

Goals (issue 4 §5), on this 2-core machine: the cached page at ≥ 40 % of the hello-world
view's req/s, served by the same server in the same run; the uncached page at ≥ 250 req/s; and
the feed of a citizen who follows 10 pages of 1,000,000 followers each assembled in < 50 ms
(p95). The server is gunicorn with the project's WSGI app (2 workers, as on this machine's 2
cores), loaded by wrk when installed, else by a Python keep-alive load generator. Runs in a
throwaway SQLite database unless `--database-url` is given.
"""

from __future__ import annotations

import http.client
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

from congdong.config import load
from congdong_tools.bench import steps
from congdong_tools.bench.report import Report

GOAL_CACHED_OVER_HELLO = 0.40
GOAL_UNCACHED_RPS = 250.0
GOAL_FEED_P95_MS = 50.0
FOLLOWERS = 1_000_000
FEED_PAGES = 10
POSTS_PER_FEED_PAGE = 300
PAGE_POSTS = 20
FEED_CALLS = 200
SECONDS = 5.0
WORKERS = 2
# gthread workers keep connections alive (sync workers close each one), as a reverse proxy's
# upstream pool would; the GIL means threads add no CPU, so 2 processes use the 2 cores.
THREADS = 4
CONNECTIONS = 16
HELLO = "/__bench/hello/"


def run(
    database_url: str | None,
    progress,
    followers: int = FOLLOWERS,
    seconds: float = SECONDS,
) -> Report:
    with tempfile.TemporaryDirectory() as tmp:
        env = steps.served_env(
            tmp,
            database_url,
            CONGDONG_BENCH_VIEWS="1",
        )
        steps.migrate(env, progress)
        progress(f"a page with {PAGE_POSTS} published posts…")
        setup = steps.child("congdong_tools.bench.public_pages", env, "setup")
        figures: dict[str, float | int | str] = {"page": setup["path"]}
        figures |= _serve_and_load(env, setup["path"], seconds, progress)
        progress(f"{FEED_PAGES} pages × {followers:,} followers, {POSTS_PER_FEED_PAGE} posts each…")
        figures |= steps.child("congdong_tools.bench.public_pages", env, "feed", str(followers))
    figures["peak_rss_mb"] = steps.peak_rss_mb()
    figures["database"] = steps.database_kind(database_url)
    figures["cache"] = "redis" if load().redis_url else "locmem (per worker)"
    report = Report("public-pages", figures)
    report.goals["cached page ≥ 40 % of hello-world req/s"] = (
        figures["cached_over_hello"] >= GOAL_CACHED_OVER_HELLO
    )
    report.goals["uncached page ≥ 250 req/s"] = figures["uncached_rps"] >= GOAL_UNCACHED_RPS
    report.goals["feed p95 < 50 ms (10 pages × 1 M followers)"] = (
        figures["feed_p95_ms"] < GOAL_FEED_P95_MS and followers >= FOLLOWERS
    )
    return report


# --- the server and the load ----------------------------------------------------------------


def _serve_and_load(env: dict[str, str], path: str, seconds: float, progress) -> dict:
    options = [f"--workers={WORKERS}", f"--threads={THREADS}"]
    with steps.gunicorn(env, options, ready=HELLO) as port:
        load = _wrk if shutil.which("wrk") else _python_load
        tool = "wrk" if shutil.which("wrk") else "python (threads, http.client keep-alive)"
        progress(f"gunicorn {WORKERS} workers × {THREADS} threads on :{port}; load: {tool}")
        bypass = {"X-Bench-No-Cache": "1"}
        status, _headers = steps.get(port, path)
        if status != 200:
            raise RuntimeError(f"{path} answered {status}")
        figures: dict[str, float | int | str] = {"load_tool": tool, "server": "gunicorn"}
        figures["server_workers"], figures["server_threads"] = WORKERS, THREADS
        for name, url, extra in (
            ("hello", HELLO, {}),
            ("cached", path, {}),
            ("uncached", path, bypass),
        ):
            load(port, url, extra, min(1.0, seconds))  # warm up: caches, connections, code
            if name == "cached":
                # Each worker process keeps its own cache (no Redis here) and wrk's few
                # connections may all have gone to one of them: ask on fresh connections, which
                # the workers share, until both have served the page once.
                answers = [steps.get(port, path)[1].get("X-Cache", "") for _ in range(20)]
                figures["cached_hits_of_20"] = answers.count("hit")
                figures["cached_x_cache"] = answers[-1]
            progress(f"  {name}: {seconds:g} s…")
            rps, errors = load(port, url, extra, seconds)
            figures[f"{name}_rps"] = round(rps, 1)
            figures[f"{name}_errors"] = errors
        figures["cached_over_hello"] = round(figures["cached_rps"] / figures["hello_rps"], 3)
        figures["uncached_over_hello"] = round(figures["uncached_rps"] / figures["hello_rps"], 3)
        figures["load_seconds"] = seconds
        return figures


def _wrk(port: int, path: str, headers: dict[str, str], seconds: float) -> tuple[float, int]:
    args = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{max(1, round(seconds))}s"]
    for key, value in headers.items():
        args += ["-H", f"{key}: {value}"]
    out = subprocess.run(
        [*args, f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True, check=True
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out
    )
    errors = int(bad.group(1)) if bad else 0
    if socket_errors:
        errors += sum(int(n) for n in socket_errors.groups())
    return rps, errors


def _python_load(
    port: int, path: str, headers: dict[str, str], seconds: float
) -> tuple[float, int]:
    """Keep-alive GETs from CONNECTIONS threads for `seconds`: (requests per second, errors)."""
    counts = [0] * CONNECTIONS
    errors = [0] * CONNECTIONS
    stop = time.monotonic() + seconds

    def worker(i: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        while time.monotonic() < stop:
            try:
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
                if response.status == 200:
                    counts[i] += 1
                else:
                    errors[i] += 1
                if response.will_close:
                    conn.close()
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            except OSError:
                errors[i] += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.close()

    seconds = steps.in_threads(worker, CONNECTIONS)
    return sum(counts) / seconds, sum(errors)


# --- the child steps, against the throwaway database ----------------------------------------


BODY = (
    "<p>Hưởng ứng Ngày hội Đại đoàn kết toàn dân tộc (18/11), Ban công tác Mặt trận khu dân cư "
    "tổ chức ngày hội, tôn vinh gương người tốt, việc tốt và trao quà cho hộ nghèo, gia đình "
    "chính sách.</p>"
)


def _published_posts(pages, per_page: int, author, start) -> int:
    """`per_page` published posts on each page, one an hour back from `start`, in bulk."""
    import datetime

    from congdong.posts.models import Category, Regulation
    from congdong_tools.posts import published, save_published

    regulation = Regulation.objects.order_by("-version").first()
    category = Category.objects.filter(regulation=regulation).order_by("order").first()
    made = 0
    for page in pages:
        posts = [
            published(
                page,
                author,
                category,
                regulation,
                f"Ngày hội Đại đoàn kết toàn dân tộc — bản tin số {n + 1}",
                BODY,
                start - datetime.timedelta(hours=n, minutes=page.pk % 60),
                tags="đại đoàn kết",
            )
            for n in range(per_page)
        ]
        made += len(save_published(posts, batch_size=500))
    return made


def _setup() -> None:
    """A small tree (Bắc Ninh, 2025), pages for it, and one commune page with 20 posts."""
    steps.setup_django()
    from django.utils import timezone

    from congdong.accounts.models import AccountKind, User
    from congdong.pages.actions import do_establish_many
    from congdong.pages.models import Page
    from congdong.posts.default_regulation import ensure_default_regulation
    from congdong.units.actions import do_import_structure
    from congdong.units.models import Level, Unit

    steps.say("importing a small unit tree (Bắc Ninh, 2025)…")
    do_import_structure("2025", provinces={"24"})
    ensure_default_regulation()
    units = list(Unit.objects.filter(structure__code="2025").order_by("path"))
    do_establish_many(units, opened_at=timezone.now())
    author = User.objects.create(username="bench.bientap", kind=AccountKind.STAFF)
    page = Page.objects.filter(unit__level=Level.COMMUNE).order_by("unit__path").first()
    _published_posts([page], PAGE_POSTS, author, timezone.now())
    print(json.dumps({"path": f"/trang/{page.slug}/", "pages": len(units)}))


def _columns(model, template, vary: list[str]) -> tuple[list[str], list]:
    """The columns of `model` to insert and the values `template` gives the fixed ones, with
    the columns named in `vary` last (filled per row). Columns left None are left out (NULL)."""
    from django.db import connection

    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    fixed = [
        f for f in fields if f.attname not in vary and getattr(template, f.attname) is not None
    ]
    columns = [*(f.column for f in fixed), *(model._meta.get_field(v).column for v in vary)]
    values = [f.get_db_prep_save(getattr(template, f.attname), connection) for f in fixed]
    return [connection.ops.quote_name(c) for c in columns], values


def _feed(followers: int) -> None:
    """10 pages with `followers` followers each and hundreds of posts; time the feed."""
    steps.setup_django()
    from django.db import connection, transaction
    from django.utils import timezone
    from tqdm import tqdm

    from congdong.accounts.models import AccountKind, User
    from congdong.engagement.feeds import feed_for
    from congdong.engagement.models import Follow, PageCounter
    from congdong.pages.models import Page

    now = timezone.now()
    pages = list(Page.objects.order_by("unit__path")[1 : FEED_PAGES + 1])
    author = User.objects.get(username="bench.bientap")
    posts = _published_posts(pages, POSTS_PER_FEED_PAGE, author, now)
    citizen = User.objects.create(
        username="cd84800000000", kind=AccountKind.CITIZEN, phone="+84800000000"
    )
    for page in pages:
        Follow.objects.create(user=citizen, page=page, created_at=now)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            # A throwaway database: no need to wait for the disk on each of millions of rows.
            cursor.execute("PRAGMA synchronous=OFF")
    quote = connection.ops.quote_name
    template = User(kind=AccountKind.CITIZEN, date_joined=now, password="!")
    user_columns, user_values = _columns(User, template, ["username", "phone"])
    user_sql = (
        f"INSERT INTO {quote(User._meta.db_table)} ({', '.join(user_columns)}) "
        f"VALUES ({', '.join(['%s'] * len(user_columns))})"
    )
    # Follows are made by the database from the users just inserted: one row per (user, page).
    follow_columns, follow_values = _columns(Follow, Follow(created_at=now), ["user_id", "page_id"])
    follow_sql = (
        f"INSERT INTO {quote(Follow._meta.db_table)} ({', '.join(follow_columns)}) "
        f"SELECT {', '.join(['%s'] * len(follow_values))}, u.id, p.id "
        f"FROM {quote(User._meta.db_table)} u, {quote(Page._meta.db_table)} p "
        f"WHERE u.id BETWEEN %s AND %s AND p.id IN ({', '.join(['%s'] * len(pages))}) "
        "ORDER BY u.id, p.id"
    )
    page_ids = [p.pk for p in pages]
    batch = 20_000
    started = time.perf_counter()
    with tqdm(total=followers, desc="followers", unit=" people", file=sys.stderr) as bar:
        for offset in range(0, followers, batch):
            n = min(batch, followers - offset)
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.executemany(
                    user_sql,
                    [
                        (*user_values, f"cd849{i:08d}", f"+849{i:08d}")
                        for i in range(offset, offset + n)
                    ],
                )
                first, last = (
                    User.objects.get(username=f"cd849{i:08d}").pk for i in (offset, offset + n - 1)
                )
                cursor.execute(follow_sql, [*follow_values, first, last, *page_ids])
            bar.update(n)
    build_seconds = time.perf_counter() - started
    # Check the id arithmetic above: every page has exactly the followers asked for.
    sample = Follow.objects.filter(page=pages[-1]).count()
    if sample != followers + 1:
        raise RuntimeError(f"page has {sample} follows, expected {followers + 1}")
    PageCounter.objects.bulk_create(
        [PageCounter(page=p, followers=followers + 1) for p in pages], ignore_conflicts=True
    )

    feed_for(citizen)  # warm: connection, statement cache
    timings = []
    for _ in range(FEED_CALLS):
        start = time.perf_counter()
        found = feed_for(citizen)
        timings.append(1000 * (time.perf_counter() - start))
    if len(found.posts) != 20:
        raise RuntimeError(f"the feed showed {len(found.posts)} posts, expected 20")
    timings.sort()
    print(
        json.dumps(
            {
                "feed_pages": len(pages),
                "feed_followers_per_page": followers,
                "feed_follow_rows": Follow.objects.count(),
                "feed_posts_on_followed_pages": posts,
                "feed_calls": FEED_CALLS,
                "feed_p50_ms": round(statistics.median(timings), 2),
                "feed_p95_ms": round(timings[int(0.95 * (len(timings) - 1))], 2),
                "feed_max_ms": round(timings[-1], 2),
                "feed_build_seconds": round(build_seconds, 1),
            }
        )
    )


if __name__ == "__main__":
    step = sys.argv[1] if len(sys.argv) > 1 else ""
    if step == "setup":
        _setup()
    elif step == "feed":
        _feed(int(sys.argv[2]))
    else:
        sys.exit("usage: python -m congdong_tools.bench.public_pages setup | feed FOLLOWERS")
