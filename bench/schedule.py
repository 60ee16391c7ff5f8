"""Benchmark of the licensing engine (zhuanhua licensing schedule).

Generates N licences (default 100,000; fee models mixed) with five years of quarterly revenue
reports and payments into a temporary JSONL file (deterministic seed), then in this one
process measures

  (a) reading + parsing every line as JSON (zhuanhua.engines.common.loads, Decimal floats);
  (b) reading + parsing + running the engine (licensing.run) on every line;

and prints wall and CPU time (user+sys of this process: the fairer figure on a shared
machine), peak memory (getrusage ru_maxrss) and the ratio (b)/(a). Targets for 100,000
licences on a 2-core machine: (b) within 15 s, peak memory within 2 GB; the exit status is 0
when both are met on CPU time (wall time is printed beside it), and (b) is printed beside the
previous figure (PREVIOUS_CPU_S, before the engine's issue 18.4 work). The garbage collector
runs as it does in the web app; a fixed pure-Python loop is timed first so that runs on a
loaded machine can be compared.

``--digest N`` prints the sha256 of the engine's output for the first N generated licences
(json.dumps of each result, one per line) instead of timing: the same digest before and after
a change to the engine shows that its output did not change (docs/deploy.md records it).

    .venv/bin/python bench/schedule.py [--n 100000] [--seed 20251108] [--digest 5000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from zhuanhua.engines.common import loads  # noqa: E402
from zhuanhua.engines.licensing import royalty_periods, run  # noqa: E402

TIME_TARGET_S = 15.0
PREVIOUS_CPU_S = 21.7  # (b) for 100,000 licences before the issue 18.4 work (docs/deploy.md)
MEMORY_TARGET_BYTES = 2 * 1024**3
FEE_MODELS = ("royalty", "staged", "staged_royalty")


def _money(rng: random.Random, low: int, high: int) -> str:
    return f"{rng.randint(low * 100, high * 100) / 100:.2f}"


def _plus_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def licence(rng: random.Random, number: int) -> dict[str, object]:
    """One licence: five-year term, quarterly reports and payments, mixed models."""
    fee_model = FEE_MODELS[number % len(FEE_MODELS)]
    start = dt.date(2019, 1, 1) + dt.timedelta(days=rng.randrange(730))
    end = _plus_years(start, 5) - dt.timedelta(days=1)
    as_of = end + dt.timedelta(days=rng.randrange(-120, 60))
    contract: dict[str, object] = {
        "id": f"L{number:06d}",
        "fee_model": fee_model,
        "start": start.isoformat(),
        "end": end.isoformat(),
        "upfront_fee": rng.choice(("0", "5000.00", "20000.00", _money(rng, 1000, 50000))),
        "grace_days": rng.choice((0, 0, 10, 30)),
    }
    milestones: list[dict[str, object]] = []
    if fee_model != "royalty":
        installments: list[dict[str, object]] = []
        for k in range(rng.randint(2, 5)):
            item: dict[str, object] = {"key": f"s{k}", "amount": _money(rng, 10000, 200000)}
            if k % 2:
                item["milestone"] = f"m{k}"
                item["days_after"] = rng.choice((30, 60, 90))
                achieved = start + dt.timedelta(days=rng.randrange(200, 2400))
                milestones.append({"key": f"m{k}", "achieved_on": achieved.isoformat()})
            else:
                item["due"] = (start + dt.timedelta(days=180 + 365 * k)).isoformat()
            installments.append(item)
        contract["installments"] = installments
    reports: list[dict[str, object]] = []
    payments: list[dict[str, object]] = []
    if fee_model != "staged":
        royalty: dict[str, object] = {"period": "quarter", "report_within_days": 30}
        if rng.random() < 0.5:
            royalty["rate"] = rng.choice(("0.03", "0.05", "0.08"))
        else:
            royalty["tiers"] = [
                {"up_to": "500000", "rate": "0.06"},
                {"up_to": "2000000", "rate": "0.04"},
                {"up_to": None, "rate": "0.02"},
            ]
        if rng.random() < 0.3:
            royalty["cap_total"] = _money(rng, 50000, 300000)
        contract["royalty"] = royalty
        for period_start, period_end in royalty_periods(start, end, "quarter"):
            if rng.random() < 0.03:
                continue  # a missing report
            revenue = _money(rng, 0, 900000)
            reported = period_end + dt.timedelta(days=rng.randrange(5, 45))
            reports.append(
                {
                    "period_start": period_start.isoformat(),
                    "period_end": period_end.isoformat(),
                    "revenue": revenue,
                    "reported_on": reported.isoformat(),
                }
            )
            paid_on = period_end + dt.timedelta(days=rng.randrange(10, 80))
            amount = f"{float(revenue) * rng.choice((0.02, 0.04, 0.05, 0.06)):.2f}"
            payments.append({"date": paid_on.isoformat(), "amount": amount, "ref": f"R{number}"})
    else:
        for period_start, _ in royalty_periods(start, end, "quarter"):
            paid_on = period_start + dt.timedelta(days=rng.randrange(0, 80))
            payments.append(
                {"date": paid_on.isoformat(), "amount": _money(rng, 1000, 40000), "ref": None}
            )
    return {
        "as_of": as_of.isoformat(),
        "contract": contract,
        "milestones": milestones,
        "revenue_reports": reports,
        "payments": payments,
    }


def generate(path: str, n: int, seed: int) -> int:
    rng = random.Random(seed)
    size = 0
    with open(path, "w", encoding="utf-8") as handle:
        for number in range(n):
            line = json.dumps(licence(rng, number), separators=(",", ":")) + "\n"
            size += len(line)
            handle.write(line)
    return size


def _cpu() -> float:
    """User + system CPU seconds of this process."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def machine_check() -> float:
    """Microseconds for sum(range(1000)), best of 5 (to compare the load of two runs)."""
    best = float("inf")
    for _ in range(5):
        started = time.perf_counter()
        for _ in range(200):
            sum(range(1000))
        best = min(best, (time.perf_counter() - started) / 200)
    return best * 1e6


def measure_parse(path: str) -> tuple[float, float, int]:
    """Wall and CPU seconds to read and parse every line."""
    count = 0
    started, cpu = time.perf_counter(), _cpu()
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            loads(line)
            count += 1
    wall, cpu = time.perf_counter() - started, _cpu() - cpu
    return wall, cpu, count


def measure_engine(path: str, engine: Any = run) -> tuple[float, float, int, int]:
    """Wall and CPU seconds to read, parse and schedule every line."""
    obligations = 0
    count = 0
    started, cpu = time.perf_counter(), _cpu()
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            obligations += len(engine(loads(line))["obligations"])
            count += 1
    wall, cpu = time.perf_counter() - started, _cpu() - cpu
    return wall, cpu, count, obligations


def output_digest(n: int, seed: int) -> str:
    """sha256 of the engine's output for the first ``n`` licences (the identity check)."""
    rng = random.Random(seed)
    digest = hashlib.sha256()
    for number in range(n):
        line = json.dumps(licence(rng, number), separators=(",", ":"))
        digest.update(json.dumps(run(loads(line))).encode())
        digest.update(b"\n")
    return digest.hexdigest()


def peak_bytes() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=100_000, help="number of licences")
    parser.add_argument("--seed", type=int, default=20251108)
    parser.add_argument("--digest", type=int, metavar="N", help="print the output digest only")
    args = parser.parse_args(argv)
    if args.digest:
        print(f"output digest of {args.digest} licences: {output_digest(args.digest, args.seed)}")
        return 0

    handle, path = tempfile.mkstemp(prefix="licensing-bench-", suffix=".jsonl")
    os.close(handle)
    try:
        started = time.perf_counter()
        size = generate(path, args.n, args.seed)
        print(
            f"generated {args.n} licences, {size / 1e6:.1f} MB JSONL "
            f"in {time.perf_counter() - started:.1f} s (not measured)"
        )
        print(f"machine check: sum(range(1000)) in {machine_check():.1f} us (compare runs)")
        parse_s, parse_cpu, count = measure_parse(path)
        print(
            f"(a) parse JSON:           {parse_s:7.2f} s wall {parse_cpu:7.2f} s CPU  ({count} docs)"
        )
        engine_s, engine_cpu, count, obligations = measure_engine(path)
        print(
            f"(b) parse JSON + engine:  {engine_s:7.2f} s wall {engine_cpu:7.2f} s CPU  "
            f"({obligations} obligations, {engine_cpu / count * 1e6:.0f} us CPU per licence)"
        )
    finally:
        os.unlink(path)
    peak = peak_bytes()
    print(
        f"ratio (b)/(a):            {engine_s / parse_s:7.2f} wall {engine_cpu / parse_cpu:7.2f} CPU"
    )
    if engine_cpu < 0.8 * engine_s:
        print("note: CPU time well below wall time: the machine is shared; wall time is inflated")
    print(
        f"engine alone (b)-(a):     {engine_s - parse_s:7.2f} s wall "
        f"{engine_cpu - parse_cpu:7.2f} s CPU"
    )
    print(f"peak memory (ru_maxrss):  {peak / 1024**2:7.1f} MiB (the whole process)")
    scaled = engine_s * 100_000 / max(args.n, 1)
    scaled_cpu = engine_cpu * 100_000 / max(args.n, 1)
    time_ok = scaled <= TIME_TARGET_S
    cpu_ok = scaled_cpu <= TIME_TARGET_S
    memory_ok = peak <= MEMORY_TARGET_BYTES
    note = "" if args.n == 100_000 else f" (scaled to 100,000 licences: {scaled:.2f} s)"
    cpu_note = "" if args.n == 100_000 else f" (scaled: {scaled_cpu:.2f} s)"
    print(
        f"target time   <= {TIME_TARGET_S:.0f} s CPU for 100,000:  "
        f"{'OK' if cpu_ok else 'MISSED'}{cpu_note}"
    )
    print(
        f"  beside the previous figure:          {scaled_cpu:.2f} s CPU now, "
        f"{PREVIOUS_CPU_S:.1f} s before ({scaled_cpu / PREVIOUS_CPU_S:.0%})"
    )
    print(f"  the same on wall time:               {'OK' if time_ok else 'MISSED'}{note}")
    print(f"target memory <= 2 GB:                 {'OK' if memory_ok else 'MISSED'}")
    return 0 if cpu_ok and memory_ok else 1


if __name__ == "__main__":
    sys.exit(main())
