"""Scale benchmark of the search index: 200,000 documents recombined from real CSL texts.

Each synthetic document takes a real title, 3–6 real keywords and 2–4 real abstract
sentences drawn at random (seeded) from ``csl_papers.jsonl`` and the FewCLUE abstracts, so
the vocabulary and the text statistics are those of real Chinese papers while no document
is a copy of another. It reports the index build time (target ≤ 120 s), the in-process
query latency p50/p95 over 1,000 queries (target p95 ≤ 30 ms), and the memory the index
holds (RSS growth during the build and the peak RSS; target ≤ 2 GB).

    .venv/bin/python bench/search_scale.py [--docs 200000] [--queries 1000] [--build-workers N]
    .venv/bin/python bench/search_scale.py --docs 1000000 --workers 4 [--old-workers 1]

Build time is the wall time of ``SearchIndex.build`` alone (the documents are made before
the clock starts); ``--build-workers`` forks that many tokenising processes (default 1, see
``SearchIndex.build``), and the CPU figure counts them too.

``--workers N`` (one index per machine, issue 22.4): the index is built and saved once, then
N fresh worker processes (spawned, nothing inherited) each load it memory-mapped as the web
workers do (``SearchIndex.load(mmap=True)``), serve the same queries and apply 200 updates
(their private delta, as the change log does), and the bench reads every worker's RSS, PSS
and USS from /proc/<pid>/smaps_rollup while all N are alive — after the queries, and again
after each worker has read every page of the mapped files (the most a long-lived worker can
touch). PSS charges a page shared by n processes 1/n to each: the sum of PSS is what the N
workers really hold. ``--old-workers K`` then loads the same saved index the old way (every
array, the vocabulary and the documents copied into the process, as each worker held it
before) in K workers for the per-worker growth to compare with.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import re
import resource
import statistics
import sys
import time
from pathlib import Path

import numpy as np

DATA = Path("/work/shared/data/csl")
PREFECTURES = ["昆明市", "曲靖市", "玉溪市", "保山市", "昭通市", "丽江市", "普洱市", "临沧市"]
IP_TYPES = ["发明专利", "实用新型", "软件著作权", "论文", "技术秘密"]


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as handle:
        for line in handle:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def load_pools() -> tuple[list[str], list[str], list[str], list[str]]:
    titles: list[str] = []
    keywords: list[str] = []
    sentences: list[str] = []
    fields: list[str] = []
    split = re.compile(r"(?<=[。；;！？])|(?<=\.)(?=[^\d])")
    with open(DATA / "csl_papers.jsonl", encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            titles.append(row["title"])
            keywords.extend(row["keywords"])
            fields.append(row["discipline"])
            sentences.extend(s for s in split.split(row["abstract"]) if len(s) >= 8)
    with open(DATA / "fewclue_csldcp_abstract_discipline.jsonl", encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            sentences.extend(s for s in split.split(row["abstract"]) if len(s) >= 8)
    with open(DATA / "csl_titles_category.tsv", encoding="utf-8") as handle:
        next(handle)
        titles.extend(line.rstrip("\n").split("\t")[1] for line in handle)
    return titles, sorted(set(keywords)), sentences, sorted(set(fields))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=200_000)
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument(
        "--build-workers", type=int, default=None, help="tokenising processes of the build"
    )
    parser.add_argument(
        "--workers", type=int, default=0, help="search worker processes sharing one saved index"
    )
    parser.add_argument(
        "--old-workers",
        type=int,
        default=1,
        help="with --workers: workers loading the index the old way (copied), for comparison",
    )
    parser.add_argument("--keep", default="", help="with --workers: save the index here (kept)")
    args = parser.parse_args(argv)

    from zhuanhua.engines.search.index import SearchDoc, SearchIndex

    rng = random.Random(20240601)
    titles, keywords, sentences, fields = load_pools()
    print(
        f"pools: {len(titles)} titles, {len(keywords)} keywords, {len(sentences)} sentences",
        flush=True,
    )

    def make(i: int) -> SearchDoc:
        kws = rng.sample(keywords, rng.randint(3, 6))
        text = "".join(rng.sample(sentences, rng.randint(2, 4)))
        return SearchDoc(
            id=f"s{i:06d}",
            title=rng.choice(titles),
            keywords=kws,
            text=text,
            field=rng.choice(fields),
            attrs={"prefecture": rng.choice(PREFECTURES), "ip_type": rng.choice(IP_TYPES)},
        )

    docs = [make(i) for i in range(args.docs)]
    avg_chars = statistics.mean(
        len(d.title) + len(d.text) + sum(map(len, d.keywords)) for d in docs[:5000]
    )
    print(f"documents: {len(docs)}, average {avg_chars:.0f} characters", flush=True)
    gc.collect()
    rss_before = rss_mb()
    load_before = os.getloadavg()[0]
    cpu0 = (
        resource.getrusage(resource.RUSAGE_SELF).ru_utime
        + resource.getrusage(resource.RUSAGE_CHILDREN).ru_utime
    )
    start = time.perf_counter()
    index = SearchIndex.build(docs, progress=sys.stderr.isatty(), workers=args.build_workers)
    build_s = time.perf_counter() - start
    cpu_s = (
        resource.getrusage(resource.RUSAGE_SELF).ru_utime
        + resource.getrusage(resource.RUSAGE_CHILDREN).ru_utime
        - cpu0
    )
    gc.collect()
    rss_after = rss_mb()
    print(
        f"build: {build_s:.1f} s wall, {cpu_s:.1f} s CPU (all processes), "
        f"load average {load_before:.1f} on {os.cpu_count()} CPUs  {index.stats()}",
        flush=True,
    )

    queries: list[tuple[str, dict[str, str] | None]] = []
    for i in range(args.queries):
        kind = i % 4
        if kind == 0:
            q = " ".join(rng.sample(keywords, rng.randint(2, 4)))
        elif kind == 1:
            q = rng.choice(titles)
        elif kind == 2:
            q = rng.choice(keywords)
        else:
            q = rng.choice(sentences)[:40]
        filters = {"prefecture": rng.choice(PREFECTURES)} if i % 3 == 0 else None
        queries.append((q, filters))
    if args.workers:
        updates = [make(args.docs + i) for i in range(200)]
        del docs
        return shared_workers(index, queries, updates, args)
    for q, f in queries[:20]:  # warm-up
        index.search(q, filters=f)
    times: list[float] = []
    for q, f in queries:
        t0 = time.perf_counter()
        index.search(q, filters=f, limit=10)
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    p50 = times[len(times) // 2]
    p95 = times[int(len(times) * 0.95) - 1]
    t0 = time.perf_counter()
    for i in range(200):
        index.upsert(make(args.docs + i))
    upsert_ms = (time.perf_counter() - t0) / 200 * 1000
    index_mb = rss_after - rss_before
    print(f"query latency: p50 {p50:.1f} ms, p95 {p95:.1f} ms, max {times[-1]:.1f} ms")
    print(f"upsert: {upsert_ms:.2f} ms per document (delta segment)")
    print(
        f"memory: index {index_mb:.0f} MB (RSS growth during build), peak RSS {peak_rss_mb():.0f} MB"
    )
    ok_build = build_s <= 120
    ok_p95 = p95 <= 30
    ok_mem = index_mb <= 2048
    print(
        f"targets: build {build_s:.1f} s ≤ 120 s {'OK' if ok_build else 'MISSED'}, "
        f"p95 {p95:.1f} ms ≤ 30 ms {'OK' if ok_p95 else 'MISSED'}, "
        f"index memory {index_mb:.0f} MB ≤ 2048 MB {'OK' if ok_mem else 'MISSED'}"
    )
    return 0 if ok_build and ok_p95 and ok_mem else 1


# --------------------------------------------------------------------------- --workers


def _worker(
    path: str,
    mapped: bool,
    queries: list[tuple[str, dict[str, str] | None]],
    updates: list[object],
    conn: object,
) -> None:
    """One search worker: load the saved index, serve the queries, take updates; report its
    own latency and wait until the parent has read /proc/<pid>/smaps_rollup (twice)."""
    from zhuanhua.engines.search.index import SearchIndex
    from zhuanhua.engines.search.store import memory_of
    from zhuanhua.engines.search.text import Segmenter

    Segmenter().words("预热分词词典")  # jieba's dictionary: every worker holds one anyway
    gc.collect()
    base = memory_of()
    t0 = time.perf_counter()
    index = SearchIndex.load(path, mmap=mapped)
    load_s = time.perf_counter() - t0
    for q, f in queries[:20]:
        index.search(q, filters=f)
    times = []
    for q, f in queries:
        t1 = time.perf_counter()
        index.search(q, filters=f, limit=10)
        times.append((time.perf_counter() - t1) * 1000)
    for doc in updates:
        index.upsert(doc)  # type: ignore[arg-type]
    index.search("测试 更新", limit=10)
    times.sort()
    gc.collect()
    conn.send(  # type: ignore[attr-defined]
        {
            "base": base,
            "load_s": load_s,
            "p50": times[len(times) // 2],
            "p95": times[int(len(times) * 0.95) - 1],
        }
    )
    conn.recv()  # type: ignore[attr-defined]  # the parent measured us after the queries
    if mapped:
        main = index._main
        total = 0.0
        for array in (main.data, main.indices, main.indptr, main.tf, main.dl, main.idf):
            total += float(np.asarray(array[:: max(1, 4096 // array.itemsize)]).sum())
        for array in (main.vocab.blob, main.vocab.offsets, main.vocab.hashes, main.vocab.order):
            total += float(np.asarray(array[:: max(1, 4096 // array.itemsize)]).sum())
        blob = index._docs._blob  # type: ignore[attr-defined]
        for start in range(0, len(blob), 4096):
            total += blob[start]
        conn.send(total)  # type: ignore[attr-defined]
        conn.recv()  # type: ignore[attr-defined]
    conn.close()  # type: ignore[attr-defined]


def _run_workers(
    path: str,
    n: int,
    mapped: bool,
    queries: list[tuple[str, dict[str, str] | None]],
    updates: list[object],
) -> dict[str, object]:
    import multiprocessing as mp

    from zhuanhua.engines.search.store import memory_of

    ctx = mp.get_context("spawn")
    pipes, procs = [], []
    for _ in range(n):
        parent, child = ctx.Pipe()
        proc = ctx.Process(target=_worker, args=(path, mapped, queries, updates, child))
        proc.start()
        pipes.append(parent)
        procs.append(proc)
    reports = [pipe.recv() for pipe in pipes]
    after_queries = [memory_of(proc.pid) for proc in procs]
    touched: list[dict[str, float]] = []
    for pipe in pipes:
        pipe.send("go on")
    if mapped:
        for pipe in pipes:
            pipe.recv()
        touched = [memory_of(proc.pid) for proc in procs]
        for pipe in pipes:
            pipe.send("done")
    for proc in procs:
        proc.join(timeout=120)
    return {"reports": reports, "after_queries": after_queries, "touched": touched}


def _sum(rows: list[dict[str, float]], key: str) -> float:
    return sum(r.get(key, 0.0) for r in rows)


def _print_memory(label: str, rows: list[dict[str, float]], bases: list[dict[str, float]]) -> None:
    n = len(rows)
    growth = [r.get("rss", 0.0) - b.get("rss", 0.0) for r, b in zip(rows, bases, strict=True)]
    line = (
        f"{label}: total RSS {_sum(rows, 'rss'):,.0f} MB "
        f"(per worker {_sum(rows, 'rss') / n:,.0f}, growth over the bare worker "
        f"{sum(growth) / n:,.0f} MB each)"
    )
    if any("pss" in r for r in rows):
        line += (
            f"; total PSS {_sum(rows, 'pss'):,.0f} MB, total USS {_sum(rows, 'uss'):,.0f} MB "
            f"(bare workers: PSS {_sum(bases, 'pss'):,.0f}, USS {_sum(bases, 'uss'):,.0f})"
        )
    print(line, flush=True)


def shared_workers(
    index: object,
    queries: list[tuple[str, dict[str, str] | None]],
    updates: list[object],
    args: argparse.Namespace,
) -> int:
    import shutil
    import tempfile

    keep = Path(args.keep) if args.keep else None
    var = Path(__file__).resolve().parent.parent / "var"
    var.mkdir(exist_ok=True)
    root = keep or Path(tempfile.mkdtemp(prefix="search-scale-", dir=var))
    path = root / "index"
    t0 = time.perf_counter()
    index.save(path)  # type: ignore[attr-defined]
    save_s = time.perf_counter() - t0
    size_mb = sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 2**20
    print(f"saved: {size_mb:,.0f} MB on disk in {save_s:.1f} s ({path})", flush=True)
    del index
    gc.collect()
    try:
        shared = _run_workers(str(path), args.workers, True, queries, updates)
        reports = shared["reports"]
        bases = [r["base"] for r in reports]  # type: ignore[index]
        for i, r in enumerate(reports):  # type: ignore[arg-type]
            print(
                f"  shared worker {i + 1}: load {r['load_s']:.1f} s, "
                f"p50 {r['p50']:.1f} ms, p95 {r['p95']:.1f} ms",
                flush=True,
            )
        _print_memory(
            f"{args.workers} workers, one shared index, after {len(queries)} queries",
            shared["after_queries"],  # type: ignore[arg-type]
            bases,
        )
        _print_memory(
            f"{args.workers} workers, one shared index, every mapped page read",
            shared["touched"],  # type: ignore[arg-type]
            bases,
        )
        old_growth = 0.0
        if args.old_workers:
            old = _run_workers(str(path), args.old_workers, False, queries, updates)
            old_bases = [r["base"] for r in old["reports"]]  # type: ignore[index]
            for i, r in enumerate(old["reports"]):  # type: ignore[arg-type]
                print(
                    f"  old-way worker {i + 1}: load {r['load_s']:.1f} s, "
                    f"p50 {r['p50']:.1f} ms, p95 {r['p95']:.1f} ms",
                    flush=True,
                )
            rows = old["after_queries"]
            _print_memory(
                f"{args.old_workers} worker(s), the old way (index copied into each)",
                rows,  # type: ignore[arg-type]
                old_bases,
            )
            old_growth = (
                _sum(rows, "rss") - _sum(old_bases, "rss")  # type: ignore[arg-type]
            ) / args.old_workers
            touched = shared["touched"]
            shared_total = _sum(touched, "pss") or _sum(touched, "rss")  # type: ignore[arg-type]
            print(
                f"comparison: the old way grows each worker by {old_growth:,.0f} MB, so "
                f"{args.workers} workers would hold about "
                f"{_sum(old_bases, 'rss') / args.old_workers * args.workers + old_growth * args.workers:,.0f} MB; "
                f"shared, they hold {shared_total:,.0f} MB "
                f"({'PSS' if _sum(touched, 'pss') else 'RSS'}, every page read)",  # type: ignore[arg-type]
                flush=True,
            )
    finally:
        if keep is None:
            shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
