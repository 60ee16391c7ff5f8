"""Benchmark of the achievement hall on PostgreSQL under gunicorn.

1. Creates the database if missing (psycopg, on the server's `postgres` db), migrates, loads the
   demo (organisations, people, 320 achievements) and bulk-loads achievements up to --n
   (default 100,000) by COPY: real CSL / patent texts recombined with random owners, types,
   states and dates, search tokens computed with zhuanhua.core.text.index_tokens (once per text,
   in parallel). The search vector's GIN index is dropped during the COPY and rebuilt after, then
   VACUUM ANALYZE.
   An existing load of ≥ n rows is reused; --reload drops the database and starts again.
2. Starts gunicorn (config.wsgi, 127.0.0.1:<free port>, 2×cores workers) over plain http.
3. Drives the hall with --clients concurrent closed-loop clients (bench/httpclient.py) for a
   bounded number of requests (keyword searches with real keywords, filters, sorts, later
   pages), then /health/ as a ceiling, and prints p50/p95/max latency and requests per second
   per kind of request.
4. EXPLAIN (ANALYZE, BUFFERS) of the SQL behind typical hall pages (skip with --no-explain).

Target: hall p95 ≤ 150 ms.

    .venv/bin/python bench/hall.py [--n 100000] [--reload] [--clients 20] [--requests 2000]

DATABASE_URL defaults to postgresql://postgres@127.0.0.1:5432/zhuanhua_bench. Settings: the
production module when collected static files exist (var/static/staticfiles.json, whitenoise's
manifest), else config.settings.dev with DJANGO_DEBUG=false; either way plain http, no TLS.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
from collections import defaultdict
from multiprocessing import Pool
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))  # bench/httpclient.py

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/zhuanhua_bench"
BENCH_CACHE_URL = "redis://127.0.0.1:6379/7"
P95_TARGET_MS = 150.0
TZ = ZoneInfo("Asia/Shanghai")


# --------------------------------------------------------------------------- database


def ensure_database(url: str, reload: bool) -> None:
    import psycopg

    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/")
    admin_url = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and reload:
            print(f"删除数据库 {name}（--reload）")
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = None
        if not exists:
            print(f"创建数据库 {name}")
            conn.execute(f'CREATE DATABASE "{name}"')


def settings_env(url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": url,
            "DJANGO_SECRET_KEY": "bench-only-not-secret-0123456789abcdefghijklmnopqrstuvwxyz",
            "ZHUANHUA_AUDIT_KEY": "bench-only-audit-key-not-secret-0123456789abcdefghijkl",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_SECURE_SSL_REDIRECT": "false",
            "DJANGO_DEBUG": "false",
            "DJANGO_LOG_LEVEL": "ERROR",
            "ZHUANHUA_RATE_LIMITS_OFF": "1",
        }
    )
    # As deployed (docs/deploy.md): one Redis cache shared by the workers, so the public page
    # cache works across them. ZHUANHUA_BENCH_PAGE_CACHE=0 measures rendering every request.
    env.setdefault("ZHUANHUA_CACHE_URL", BENCH_CACHE_URL)
    if os.environ.get("ZHUANHUA_BENCH_PAGE_CACHE", "1") == "0":
        env["ZHUANHUA_PAGE_CACHE_SECONDS"] = "0"
    production = (ROOT / "var" / "static" / "staticfiles.json").exists()
    env["DJANGO_SETTINGS_MODULE"] = (
        "config.settings.production" if production else "config.settings.dev"
    )
    return env


def _search_text(args: tuple[str, str, list[str]]) -> str:
    from zhuanhua.core.text import index_tokens

    title, summary, keywords = args
    return index_tokens([title, summary], keywords)


def load(n: int, seed: int) -> None:
    from django.core.management import call_command
    from django.db import connection

    from zhuanhua.achievements.choices import AchievementStatus, IpType, TransferStatus
    from zhuanhua.achievements.models import Achievement
    from zhuanhua.ops import demo
    from zhuanhua.organisations.models import Organisation

    call_command("migrate", verbosity=0)
    have = Achievement.objects.count()
    if have >= n:
        print(f"复用已加载的数据：{have} 项科技成果（--reload 重新加载）")
        return
    started = time.perf_counter()
    if not demo.demo_present():
        demo.load_demo()
        have = Achievement.objects.count()
    missing = n - have
    sources = demo.load_sources(include_fewclue=True)
    for source in sources:
        demo.ensure_keywords(source)
    print(f"分词 {len(sources)} 篇真实文本（{os.cpu_count()} 进程）…", flush=True)
    with Pool(os.cpu_count() or 2) as pool:
        texts = pool.map(
            _search_text, [(s.title, s.summary, s.keywords) for s in sources], chunksize=200
        )
    rng = random.Random(seed)
    owners = [
        (o.pk, o.prefecture, spec.weight)
        for spec in demo.ORGS
        if spec.weight
        for o in Organisation.objects.filter(uscc=spec.uscc)
    ]
    owner_weights = [w for *_, w in owners]
    ip_types = list(demo.IP_SHARES)
    ip_weights = list(demo.IP_SHARES.values())
    transfers = [t for t, _ in demo.TRANSFER_WEIGHTS]
    transfer_weights = [w for _, w in demo.TRANSFER_WEIGHTS]
    today = dt.date.today()
    start = dt.datetime(2024, 1, 2, tzinfo=TZ)
    span = (dt.datetime.now(TZ) - start).total_seconds()
    columns = (
        "owner_id",
        "title",
        "summary",
        "keywords",
        "industry_field",
        "ip_type",
        "ip_number",
        "ip_acquired_on",
        "trl",
        "is_service",
        "fiscally_funded",
        "funding_programme",
        "is_applied_technology",
        "transfer_status",
        "transferred_on",
        "status",
        "return_reason",
        "prefecture",
        "search_text",
        "created_at",
        "updated_at",
        "submitted_at",
        "published_at",
    )
    vector = importlib.import_module("zhuanhua.achievements.migrations.0003_search_vector")
    create_gin = next(sql for sql in vector.FORWARD if sql.startswith("CREATE INDEX"))
    print(f"COPY {missing} 行…", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("DROP INDEX IF EXISTS achievement_search_vector_gin")
        raw = cursor.cursor
        with raw.copy(f"COPY achievements_achievement ({', '.join(columns)}) FROM STDIN") as copy:
            for i in range(missing):
                k = i % len(sources)
                source, search_text = sources[k], texts[k]
                owner_id, prefecture, _ = rng.choices(owners, weights=owner_weights)[0]
                ip_type = rng.choices(ip_types, weights=ip_weights)[0]
                roll = rng.random()
                status = (
                    AchievementStatus.PUBLISHED
                    if roll < 0.85
                    else AchievementStatus.DRAFT
                    if roll < 0.92
                    else AchievementStatus.SUBMITTED
                    if roll < 0.97
                    else AchievementStatus.DELISTED
                )
                published = submitted = None
                if status in (AchievementStatus.PUBLISHED, AchievementStatus.DELISTED):
                    published = start + dt.timedelta(seconds=rng.random() * span)
                    submitted = published - dt.timedelta(days=rng.randint(1, 10))
                elif status == AchievementStatus.SUBMITTED:
                    submitted = dt.datetime.now(TZ) - dt.timedelta(days=rng.randint(1, 40))
                acquired = dt.date(2021, 1, 1) + dt.timedelta(
                    days=rng.randrange((today - dt.date(2021, 1, 1)).days)
                )
                transfer = (
                    rng.choices(transfers, weights=transfer_weights)[0]
                    if status == AchievementStatus.PUBLISHED
                    else TransferStatus.UNTRANSFERRED
                )
                created = (submitted or dt.datetime.now(TZ)) - dt.timedelta(days=rng.randint(1, 30))
                low, high = demo.TRL_RANGES[ip_type]
                funded = rng.random() < 0.65
                copy.write_row(
                    (
                        owner_id,
                        source.title,
                        source.summary,
                        json.dumps(source.keywords, ensure_ascii=False),
                        source.field,
                        ip_type,
                        demo.ip_number(rng, ip_type, source, acquired, i)
                        if ip_type != IpType.KNOW_HOW
                        else "",
                        acquired,
                        rng.randint(low, high),
                        True,
                        funded,
                        rng.choice(demo.FUNDING_PROGRAMMES) if funded else "",
                        rng.random() < 0.88,
                        transfer,
                        today if transfer != TransferStatus.UNTRANSFERRED else None,
                        status,
                        "",
                        prefecture,
                        search_text,
                        created,
                        published or submitted or created,
                        submitted,
                        published,
                    )
                )
        print("重建 GIN 索引、VACUUM ANALYZE…", flush=True)
        cursor.execute(create_gin)
        # Sets the visibility map too, as autovacuum would in production: without it the
        # hall's COUNT cannot use an index-only scan (measured 300 ms → 45 ms on 100k rows).
        cursor.execute("VACUUM (ANALYZE) achievements_achievement")
    print(
        f"已加载 {Achievement.objects.count()} 项科技成果，用时 {time.perf_counter() - started:.0f} 秒"
    )


# --------------------------------------------------------------------------- requests


def hall_urls(count: int, seed: int) -> list[tuple[str, str]]:
    """(kind, path) pairs: the mix of hall requests a busy day might bring."""
    from zhuanhua.achievements.choices import IndustryField
    from zhuanhua.core.prefectures import PREFECTURES
    from zhuanhua.ops import demo

    rng = random.Random(seed)
    sources = [s for s in demo.load_sources() if s.keywords and s.kind == "paper"]
    words = [k for s in sources for k in s.keywords if 2 <= len(k) <= 8]
    common = ("技术", "系统", "控制", "材料", "检测", "云南", "茶", "数据", "优化", "模型")
    pairs = []
    queries = ROOT.parent / "shared" / "data" / "csl" / "bench_queries.tsv"
    if queries.exists():
        with queries.open(encoding="utf-8") as handle:
            pairs = [line.split("\t")[2].strip() for line in handle if line.startswith("kwq-")]
    fields = list(IndustryField.values)
    prefectures = list(PREFECTURES)
    out = []
    for _ in range(count):
        roll = rng.random()
        kw = urllib.parse.quote(rng.choice(words))
        if roll < 0.15:
            out.append(("hall_plain", f"/achievements/?page={rng.randint(1, 3)}"))
        elif roll < 0.40:
            out.append(("q_keyword", f"/achievements/?q={kw}"))
        elif roll < 0.60:
            out.append(("q_patent", f"/achievements/?ip_type=patent&q={kw}"))
        elif roll < 0.70 and pairs:
            two = " ".join(rng.choice(pairs).split()[:2])
            out.append(("q_two_words", f"/achievements/?q={urllib.parse.quote(two)}"))
        elif roll < 0.80:
            out.append(
                (
                    "filters",
                    f"/achievements/?industry_field={rng.choice(fields)}"
                    f"&prefecture={rng.choice(prefectures)}&sort=trl",
                )
            )
        elif roll < 0.90:
            out.append(
                (
                    "q_filters",
                    f"/achievements/?q={kw}&transfer_status=untransferred&trl_min=5&sort=trl",
                )
            )
        else:
            word = urllib.parse.quote(rng.choice(common))
            out.append(("q_common", f"/achievements/?q={word}&page={rng.randint(1, 5)}"))
    return out


def drive(base: str, urls: list[tuple[str, str]], clients: int) -> tuple[dict, float]:
    """`clients` closed-loop clients (bench/httpclient.py: light on the CPU the server is
    measured on), each sending its next request when the answer arrives."""
    import httpclient

    host, port = httpclient.address(base)
    timings: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, int] = defaultdict(int)
    hits: dict[str, int] = defaultdict(int)

    def send(item: tuple[str, str]) -> None:
        kind, path = item
        t0 = time.perf_counter()
        try:
            answer = httpclient.get(host, port, path)
        except (OSError, httpclient.BadAnswer):
            errors[kind] += 1
        else:
            if answer.status != 200:
                errors[kind] += 1
            if answer.headers.get("x-page-cache") == "hit":
                hits[kind] += 1
        timings[kind].append((time.perf_counter() - t0) * 1000)

    wall = httpclient.closed_loop(urls, clients, send)
    return {"timings": timings, "errors": errors, "hits": hits}, wall


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def report(title: str, result: dict, wall: float) -> float:
    timings, errors = result["timings"], result["errors"]
    hits = result.get("hits", {})
    every = [t for values in timings.values() for t in values]
    print(f"\n{title}: {len(every)} 请求，{wall:.1f} 秒，{len(every) / wall:.0f} 请求/秒")
    print(
        f"  {'类型':<14}{'n':>6}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}{'错误':>6}{'缓存命中':>8}"
    )
    for kind in sorted(timings):
        values = timings[kind]
        print(
            f"  {kind:<16}{len(values):>6}{statistics.median(values):>9.1f}"
            f"{pct(values, 0.95):>9.1f}{max(values):>9.1f}{errors.get(kind, 0):>6}"
            f"{hits.get(kind, 0):>10}"
        )
    p95 = pct(every, 0.95)
    print(
        f"  {'ALL':<16}{len(every):>6}{statistics.median(every):>9.1f}{p95:>9.1f}"
        f"{max(every):>9.1f}{sum(errors.values()):>6}{sum(hits.values()):>10}"
    )
    return p95


# --------------------------------------------------------------------------- server


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_gunicorn(env: dict[str, str], port: int, workers: int) -> subprocess.Popen[bytes]:
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        "config.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--log-level",
        "warning",
        "--chdir",
        str(ROOT),
    ]
    if env.get("ZHUANHUA_CACHE_URL") == BENCH_CACHE_URL:  # start cold: no pages from an earlier run
        import redis

        redis.Redis.from_url(BENCH_CACHE_URL).flushdb()
    process = subprocess.Popen(command, env=env, cwd=ROOT, start_new_session=True)
    import urllib.request

    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health/", timeout=2) as response:
                if response.status == 200:
                    return process
        except OSError:
            time.sleep(0.3)
    stop_gunicorn(process)
    raise SystemExit("gunicorn 未能在 60 秒内启动")


def stop_gunicorn(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)  # gunicorn's own graceful shutdown of its workers
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# --------------------------------------------------------------------------- plans

EXPLAIN_CASES = (
    ("无关键词，第1页", {}),
    ("专利 + 常见词“控制”", {"ip_type": "patent", "q": "控制"}),
    ("常见词“技术”", {"q": "技术"}),
    ("少见词“三七”", {"q": "三七"}),
    (
        "领域+州市+按成熟度",
        {"industry_field": "modern_agriculture", "prefecture": "530100", "sort": "trl"},
    ),
)


def explain() -> None:
    from django.core.paginator import Paginator
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from zhuanhua.achievements.selectors import HallQuery, achievement_hall

    print("\nEXPLAIN (ANALYZE, BUFFERS) of the hall's queries:")
    for label, params in EXPLAIN_CASES:
        with CaptureQueriesContext(connection) as captured:
            page = Paginator(achievement_hall(HallQuery(**params)), 20).get_page(1)
            list(page.object_list)
        print(f"\n=== {label}  {params}  (共 {page.paginator.count} 条)")
        for query in captured.captured_queries:
            sql = query["sql"]
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                plan = [row[0] for row in cursor.fetchall()]
            head = "COUNT" if sql.lstrip().upper().startswith("SELECT COUNT") else "PAGE"
            print(f"--- {head}: {sql[:160]}…")
            for line in plan:
                if any(
                    key in line
                    for key in (
                        "Scan",
                        "Sort",
                        "Limit",
                        "Aggregate",
                        "Execution",
                        "Heap",
                        "Recheck",
                        "Join",
                        "Gather",
                        "Filter",
                        "Rows Removed",
                        "Buffers",
                        "Planning Time",
                    )
                ):
                    print("    " + line)


# --------------------------------------------------------------------------- main


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--reload", action="store_true")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument(
        "--requests", type=int, default=2000, help="hall requests (and as many /health/)"
    )
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 2))
    parser.add_argument("--seed", type=int, default=20260101)
    parser.add_argument("--no-explain", action="store_true")
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL", DEFAULT_URL)
    ensure_database(url, args.reload)
    env = settings_env(url)
    os.environ.update(
        {
            k: env[k]
            for k in (
                "DATABASE_URL",
                "DJANGO_SETTINGS_MODULE",
                "DJANGO_SECRET_KEY",
                "ZHUANHUA_AUDIT_KEY",
                "DJANGO_DEBUG",
                "DJANGO_LOG_LEVEL",
                "DJANGO_ALLOWED_HOSTS",
                "DJANGO_SECURE_SSL_REDIRECT",
            )
        }
    )
    # The hall ranks keywords through the search engine: rebuild the saved index once (its own
    # directory, not the dev server's) so the gunicorn workers map one shared copy
    # (docs/adr/0008-shared-search-index.md) instead of each building its own on first search.
    env["ZHUANHUA_SEARCH_DIR"] = os.environ["ZHUANHUA_SEARCH_DIR"] = str(
        Path(__file__).resolve().parent.parent / "var" / "bench-search"
    )
    import django

    django.setup()
    load(args.n, args.seed)
    from zhuanhua.search.services import index_rebuild

    info = index_rebuild()
    print(f"检索索引：{info['documents']} 条文档，{info['seconds']} 秒，{info['path']}")
    from django.db import connections

    connections.close_all()  # don't carry a connection into gunicorn's fork

    port = free_port()
    print(f"\ngunicorn：{env['DJANGO_SETTINGS_MODULE']}，{args.workers} workers，127.0.0.1:{port}")
    process = start_gunicorn(env, port, args.workers)
    base = f"http://127.0.0.1:{port}"
    try:
        warm = hall_urls(max(60, args.workers * 15), args.seed + 1)
        drive(base, warm, args.clients)  # templates, jieba, connections
        result, wall = drive(base, hall_urls(args.requests, args.seed), args.clients)
        p95 = report(f"成果大厅（{args.clients} 并发）", result, wall)
        health = [("health", "/health/")] * args.requests
        result, wall = drive(base, health, args.clients)
        report(f"/health/ 上限参考（{args.clients} 并发）", result, wall)
    finally:
        stop_gunicorn(process)
    verdict = "达标" if p95 <= P95_TARGET_MS else "未达标"
    print(f"\n大厅 p95 = {p95:.1f} ms，目标 ≤ {P95_TARGET_MS:.0f} ms：{verdict}")
    if not args.no_explain:
        explain()
    return 0 if p95 <= P95_TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
