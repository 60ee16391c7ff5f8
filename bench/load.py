"""Load benchmark: a mix of public and logged-in traffic against gunicorn + PostgreSQL.

1. Reuses bench/hall.py's database set-up: creates zhuanhua_bench if missing, migrates, loads the
   demo and COPYs achievements up to --n (default 100,000); an existing load is reused (this
   script never reloads: run `bench/hall.py --reload` for that).
2. Starts gunicorn like bench/hall.py (config.wsgi, 127.0.0.1:<free port>, 2×cores workers).
3. Logs a few demo users in through the login form (CSRF token, session cookie kept per user).
4. For each concurrency level (--clients, default 20 and 50) drives a bounded number of
   requests (--requests per level) over loopback with bench/httpclient.py (blocking GETs on
   --clients threads, light on the CPU they share with the server), in this mix:
     hall 20%        /achievements/?page=1..5, filters, sorts
     search 20%      /achievements/?q=<real keyword> (bench/hall.py's keyword mix)
     detail 20%      /achievements/<published id>/
     api_list 10%    /api/achievements/?limit=20&offset=0..100
     api_detail 15%  /api/achievements/<published id>
     workbench 10%   /workbench/ as a logged-in manager or reviewer
     api_mine 5%     /api/achievements/mine?limit=20 as a logged-in manager
   then as many /health/ requests as the ceiling; prints n, p50/p95/p99/max ms, req/s and
   errors per kind.
5. Stops gunicorn.

Target (issue 9): p95 ≤ 100 ms at 20 concurrent clients for hall, detail and the API reads.
By default the clients are closed-loop (the next request leaves when the answer arrives), so the
server is saturated and latency ≈ clients / throughput (Little's law): at 20 clients a p95 of
100 ms needs ~290 mixed requests/s on 2 cores (/health/ alone does 1,000–2,000; figures and history
in docs/deploy.md "Load figures"). --think MS adds an exponential pause per client (users reading
the page), which measures latency at a load the machine can carry.

    .venv/bin/python bench/load.py [--n 100000] [--clients 20,50] [--requests 3000]

DATABASE_URL defaults to postgresql://postgres@127.0.0.1:5432/zhuanhua_bench. If the rate-limit
middleware (zhuanhua.core.ratelimit) is enabled, keyword searches from one address are limited:
429s are reported as errors, so benchmark with ZHUANHUA_RATE_LIMITS {"search": None}.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import statistics
import sys
import time
from collections import defaultdict
from http.cookies import SimpleCookie
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import hall  # noqa: E402  (bench/hall.py: database, loading, gunicorn, percentiles)

TARGET_MS = 100.0
TARGET_KINDS = ("hall", "search", "detail", "api_list", "api_detail")
GATED_KINDS = ("hall", "detail", "api_list", "api_detail")  # the acceptance line
MIX = (
    ("hall", 0.20),
    ("search", 0.20),
    ("detail", 0.20),
    ("api_list", 0.10),
    ("api_detail", 0.15),
    ("workbench", 0.10),
    ("api_mine", 0.05),
)
MANAGERS = ("ynu_manager", "kust_manager", "yaas_manager", "kib_manager")
REVIEWERS = ("dept_reviewer",)
CLIENT_CPU_MS: list[float] = []  # the load client's own CPU per request, one figure per drive()


# --------------------------------------------------------------------------- plan


def published_ids(count: int, seed: int) -> list[int]:
    from zhuanhua.achievements.models import Achievement

    ids = list(
        Achievement.objects.filter(status="published").values_list("pk", flat=True).order_by("pk")
    )
    return random.Random(seed).sample(ids, min(count, len(ids)))


def plan(
    count: int, seed: int, ids: list[int], users: dict[str, str]
) -> list[tuple[str, str, str]]:
    """(kind, path, username or "") for `count` requests."""
    rng = random.Random(seed)
    halls = hall.hall_urls(count, seed)
    browse = [p for k, p in halls if k in ("hall_plain", "filters")]
    search = [p for k, p in halls if k.startswith("q_")]
    managers = [u for u in MANAGERS if u in users]
    everyone = list(users)
    kinds, weights = zip(*MIX, strict=True)
    out = []
    for _ in range(count):
        kind = rng.choices(kinds, weights=weights)[0]
        if kind == "hall":
            path = (
                rng.choice(browse)
                if rng.random() < 0.5
                else f"/achievements/?page={rng.randint(1, 5)}"
            )
            out.append((kind, path, ""))
        elif kind == "search":
            out.append((kind, rng.choice(search), ""))
        elif kind == "detail":
            out.append((kind, f"/achievements/{rng.choice(ids)}/", ""))
        elif kind == "api_list":
            out.append((kind, f"/api/achievements/?limit=20&offset={20 * rng.randint(0, 5)}", ""))
        elif kind == "api_detail":
            out.append((kind, f"/api/achievements/{rng.choice(ids)}", ""))
        elif kind == "workbench" and everyone:
            out.append((kind, "/workbench/", rng.choice(everyone)))
        elif kind == "api_mine" and managers:
            out.append((kind, "/api/achievements/mine?limit=20", rng.choice(managers)))
    return out


# --------------------------------------------------------------------------- HTTP


def _cookies(response, jar: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    for header in response.headers.getall("Set-Cookie", []):
        parsed = SimpleCookie()
        parsed.load(header)
        for name, morsel in parsed.items():
            jar[name] = morsel.value


def _cookie_header(jar: dict[str, str]) -> str:
    return "; ".join(f"{k}={v}" for k, v in jar.items())


async def login(base: str, usernames: list[str], password: str) -> dict[str, str]:
    """Log each user in through the form; {username: Cookie header}. Cookies are kept by hand:
    production settings mark them Secure, which a client rightly withholds over plain http."""
    import aiohttp

    sessions: dict[str, str] = {}
    async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as http:
        for username in usernames:
            jar: dict[str, str] = {}
            async with http.get(base + "/accounts/login/") as response:
                html = await response.text()
                _cookies(response, jar)
            match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
            if not match or "csrftoken" not in jar:
                raise SystemExit("登录页没有 CSRF 令牌")
            form = {
                "username": username,
                "password": password,
                "csrfmiddlewaretoken": match.group(1),
                "next": "/workbench/",
            }
            async with http.post(
                base + "/accounts/login/",
                data=form,
                allow_redirects=False,
                headers={"Cookie": _cookie_header(jar), "Referer": base + "/accounts/login/"},
            ) as response:
                await response.read()
                _cookies(response, jar)
                if response.status != 302 or "sessionid" not in jar:
                    print(f"  {username} 登录失败（{response.status}），跳过")
                    continue
            sessions[username] = _cookie_header(jar)
    return sessions


def drive(
    base: str,
    requests: list[tuple[str, str, str]],
    clients: int,
    sessions: dict[str, str],
    think_ms: float = 0.0,
) -> tuple[dict[str, list[float]], dict[str, int], float]:
    """Each client sends its next request as soon as the previous answer arrives (closed loop),
    or after an exponential think time with mean `think_ms` (users reading pages)."""
    import httpclient

    host, port = httpclient.address(base)
    rng = random.Random(7)
    timings: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, int] = defaultdict(int)

    def send(item: tuple[str, str, str]) -> None:
        kind, path, user = item
        headers = {"Cookie": sessions[user]} if user else {}
        t0 = time.perf_counter()
        try:
            if httpclient.get(host, port, path, headers).status != 200:
                errors[kind] += 1
        except (OSError, httpclient.BadAnswer):
            errors[kind] += 1
        timings[kind].append((time.perf_counter() - t0) * 1000)
        if think_ms:
            time.sleep(rng.expovariate(1000.0 / think_ms))

    cpu = time.process_time()
    wall = httpclient.closed_loop(requests, clients, send)
    CLIENT_CPU_MS.append(1000 * (time.process_time() - cpu) / max(1, len(requests)))
    return timings, errors, wall


def report(
    title: str, timings: dict[str, list[float]], errors: dict[str, int], wall: float
) -> dict[str, float]:
    every = [t for values in timings.values() for t in values]
    client = f"（压测客户端自身 CPU {CLIENT_CPU_MS[-1]:.2f} ms/请求）" if CLIENT_CPU_MS else ""
    print(
        f"\n{title}: {len(every)} 请求，{wall:.1f} 秒，合计 {len(every) / wall:.0f} 请求/秒{client}"
    )
    print(
        f"  {'类型':<11}{'n':>6}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'max ms':>9}"
        f"{'请求/秒':>8}{'错误':>5}"
    )
    p95s = {}
    order = [k for k, _ in MIX] + ["health"]
    for kind in sorted(timings, key=lambda k: order.index(k) if k in order else 99):
        values = timings[kind]
        p95s[kind] = hall.pct(values, 0.95)
        print(
            f"  {kind:<13}{len(values):>6}{statistics.median(values):>9.1f}{p95s[kind]:>9.1f}"
            f"{hall.pct(values, 0.99):>9.1f}{max(values):>9.1f}{len(values) / wall:>10.0f}"
            f"{errors.get(kind, 0):>6}"
        )
    print(
        f"  {'ALL':<13}{len(every):>6}{statistics.median(every):>9.1f}{hall.pct(every, 0.95):>9.1f}"
        f"{hall.pct(every, 0.99):>9.1f}{max(every):>9.1f}{len(every) / wall:>10.0f}"
        f"{sum(errors.values()):>6}"
    )
    return p95s


# --------------------------------------------------------------------------- main


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--clients", default="20,50", help="concurrency levels, comma-separated")
    parser.add_argument("--requests", type=int, default=3000, help="mixed requests per level")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 2))
    parser.add_argument("--users", type=int, default=5, help="logged-in users (demo accounts)")
    parser.add_argument("--seed", type=int, default=20260102)
    parser.add_argument(
        "--think",
        type=float,
        default=0.0,
        help="mean think time per client in ms (0: closed loop, no pause)",
    )
    args = parser.parse_args()
    levels = [int(c) for c in args.clients.split(",") if c.strip()]

    url = os.environ.get("DATABASE_URL", hall.DEFAULT_URL)
    hall.ensure_database(url, reload=False)
    env = hall.settings_env(url)
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
    import django

    django.setup()
    hall.load(args.n, 20260101)
    from django.db import connections

    from zhuanhua.ops.demo import DEMO_PASSWORD

    ids = published_ids(2000, args.seed)
    usernames = list((MANAGERS + REVIEWERS)[: args.users])
    connections.close_all()  # no connection carried into gunicorn's fork

    port = hall.free_port()
    print(
        f"机器负载（1/5/15 分钟）：{'/'.join(f'{x:.1f}' for x in os.getloadavg())}，"
        f"{os.cpu_count()} 核；负载高于核数时数字偏慢"
    )
    print(f"gunicorn：{env['DJANGO_SETTINGS_MODULE']}，{args.workers} workers，127.0.0.1:{port}")
    process = hall.start_gunicorn(env, port, args.workers)
    base = f"http://127.0.0.1:{port}"
    verdict_p95: dict[str, float] = {}
    try:
        sessions = asyncio.run(login(base, usernames, DEMO_PASSWORD))
        print(f"已登录 {len(sessions)} 个用户：{', '.join(sessions)}")
        warm = plan(max(200, args.workers * 40), args.seed + 1, ids, sessions)
        drive(base, warm, max(levels), sessions)
        for n, clients in enumerate(levels):
            requests = plan(args.requests, args.seed + 10 + n, ids, sessions)
            timings, errors, wall = drive(base, requests, clients, sessions, args.think)
            think = f"，思考时间均值 {args.think:.0f} ms" if args.think else "，无思考时间"
            p95s = report(f"混合负载（{clients} 并发{think}）", timings, errors, wall)
            if clients == 20 or (n == 0 and 20 not in levels):
                verdict_p95 = p95s
            health = [("health", "/health/", "")] * args.requests
            timings, errors, wall = drive(base, health, clients, sessions)
            report(f"/health/ 上限参考（{clients} 并发）", timings, errors, wall)
    finally:
        hall.stop_gunicorn(process)
    print(f"\n结束时机器负载：{'/'.join(f'{x:.1f}' for x in os.getloadavg())}")
    failed = [k for k in GATED_KINDS if verdict_p95.get(k, 0.0) > TARGET_MS]
    summary = "，".join(f"{k} {verdict_p95[k]:.0f} ms" for k in TARGET_KINDS if k in verdict_p95)
    print(
        f"\n20 并发 p95：{summary}；目标 hall/detail/API ≤ {TARGET_MS:.0f} ms："
        f"{'达标' if not failed else '未达标：' + '、'.join(failed)}"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
