"""``zhuanhua match run`` through a subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

DOCS = [
    {
        "id": "d1",
        "title": "镁基固态储氢材料",
        "abstract": "固态储氢性能研究。",
        "keywords": ["固态储氢"],
        "field": "材料",
    },
    {
        "id": "d2",
        "title": "普洱茶发酵工艺",
        "abstract": "普洱茶渥堆发酵。",
        "keywords": ["普洱茶"],
        "field": "农学",
    },
    {
        "id": "d3",
        "title": "茶叶采摘机",
        "abstract": "茶叶机械。",
        "keywords": ["茶叶机械"],
        "field": "机械",
    },
]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    code = "import sys; from zhuanhua.cli import main; sys.exit(main(sys.argv[1:]))"
    return subprocess.run(
        [sys.executable, "-c", code, "match", "run", *args],
        capture_output=True,
        text=True,
        timeout=60,
    )


def write(tmp_path: Path, queries: str) -> tuple[Path, Path]:
    docs = tmp_path / "docs.jsonl"
    docs.write_text(
        "".join(json.dumps(d, ensure_ascii=False) + "\n" for d in DOCS), encoding="utf-8"
    )
    q = tmp_path / "q.tsv"
    q.write_text(queries, encoding="utf-8")
    return docs, q


def test_match_run_prints_one_json_line_per_query(tmp_path: Path) -> None:
    docs, q = write(
        tmp_path,
        "qid\tquery_type\tquery\nk1\tkeywords\t固态储氢\nk2\tkeywords\t普洱茶 发酵\nk3\tkeywords\t🚀\n",
    )
    proc = run("--docs", str(docs), "--queries", str(q), "--top", "1")
    assert proc.returncode == 0, proc.stderr
    lines = [json.loads(line) for line in proc.stdout.splitlines()]
    assert lines == [
        {"qid": "k1", "ids": ["d1"]},
        {"qid": "k2", "ids": ["d2"]},
        {"qid": "k3", "ids": []},
    ]


def test_match_run_accepts_two_column_queries(tmp_path: Path) -> None:
    docs, q = write(tmp_path, "q1\t茶叶机械\n")
    proc = run("--docs", str(docs), "--queries", str(q))
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["ids"][0] == "d3"


def test_match_run_bad_arguments_exit_2(tmp_path: Path) -> None:
    proc = run("--docs", str(tmp_path / "missing.jsonl"), "--queries", str(tmp_path / "q.tsv"))
    assert proc.returncode == 2
    assert proc.stderr.startswith("error: cannot read")
    assert len(proc.stderr.strip().splitlines()) == 1
    assert run("--top", "3").returncode == 2
