"""Scale benchmark of the search index: 200,000 documents recombined from real CSL texts.

Each synthetic document takes a real title, 3–6 real keywords and 2–4 real abstract
sentences drawn at random (seeded) from ``csl_papers.jsonl`` and the FewCLUE abstracts, so
the vocabulary and the text statistics are those of real Chinese papers while no document
is a copy of another. It reports the index build time (target ≤ 120 s), the in-process
query latency p50/p95 over 1,000 queries (target p95 ≤ 30 ms), and the memory the index
holds (RSS growth during the build and the peak RSS; target ≤ 2 GB).

    .venv/bin/python bench/search_scale.py [--docs 200000] [--queries 1000] [--workers N]

Build time is the wall time of ``SearchIndex.build`` alone (the documents are made before
the clock starts); ``--workers`` forks that many tokenising processes (default 1, see
``SearchIndex.build``), and the CPU figure counts them too.
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
    parser.add_argument("--workers", type=int, default=None, help="tokenising processes")
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
    index = SearchIndex.build(docs, progress=sys.stderr.isatty(), workers=args.workers)
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


if __name__ == "__main__":
    sys.exit(main())
