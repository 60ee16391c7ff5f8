"""``zhuanhua match run --docs DOCS.jsonl --queries QUERIES.tsv [--top 10]``.

Builds a fresh index (and matcher: expansion and field classifier learnt from the given
documents) and prints one JSON line ``{"qid": ..., "ids": [...]}`` per query — the same
:meth:`Matcher.rank` the site uses. DOCS.jsonl lines are ``{"id", "title", "abstract",
"keywords", "field"}``; QUERIES.tsv lines are ``qid<TAB>query`` or
``qid<TAB>query_type<TAB>query`` (a ``qid`` header line is skipped). Bad arguments or
files: exit 2 with one line on stderr.
"""

from __future__ import annotations

import argparse
import json
import sys


class _UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise _UsageError(message)


def _read_docs(path: str) -> list[dict[str, object]]:
    docs: list[dict[str, object]] = []
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except ValueError as exc:
                raise _UsageError(f"{path}:{number}: invalid JSON: {exc}") from None
            if not isinstance(row, dict) or "id" not in row:
                raise _UsageError(f'{path}:{number}: a document needs an "id"')
            keywords = row.get("keywords") or []
            if isinstance(keywords, str):
                keywords = [k for k in keywords.replace("_", " ").split() if k]
            if not isinstance(keywords, list):
                raise _UsageError(f'{path}:{number}: "keywords" must be a list')
            row["keywords"] = [str(k) for k in keywords]
            docs.append(row)
    return docs


def _read_queries(path: str) -> list[tuple[str, str]]:
    queries: list[tuple[str, str]] = []
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            line = line.rstrip("\n").rstrip("\r")
            if not line.strip():
                continue
            parts = line.split("\t")
            if number == 1 and parts[0].strip().lower() == "qid":
                continue
            if len(parts) == 2:
                qid, query = parts
            elif len(parts) == 3:
                qid, _, query = parts
            else:
                raise _UsageError(
                    f"{path}:{number}: expected qid<TAB>query or qid<TAB>type<TAB>query"
                )
            queries.append((qid, query))
    return queries


def match_run(argv: list[str]) -> int:
    parser = _Parser(prog="zhuanhua match run", add_help=True)
    parser.add_argument("--docs", required=True)
    parser.add_argument("--queries", required=True)
    parser.add_argument("--top", type=int, default=10)
    parser.add_argument("--no-classifier", action="store_true")
    try:
        args = parser.parse_args(argv)
        if args.top <= 0:
            raise _UsageError("--top must be a positive integer")
        try:
            rows = _read_docs(args.docs)
            queries = _read_queries(args.queries)
        except OSError as exc:
            raise _UsageError(f"cannot read {exc.filename}: {exc.strerror}") from None
        except UnicodeDecodeError as exc:
            raise _UsageError(f"not UTF-8: {exc}") from None
    except _UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2

    from zhuanhua.engines.search.index import SearchDoc, SearchIndex
    from zhuanhua.engines.search.matcher import Matcher

    docs = [
        SearchDoc(
            id=str(row["id"]),
            title=str(row.get("title") or ""),
            keywords=row["keywords"],  # type: ignore[arg-type]
            text=str(row.get("abstract") or row.get("text") or ""),
            field=str(row["field"]) if row.get("field") else None,
        )
        for row in rows
    ]
    index = SearchIndex.build(docs)
    matcher = Matcher.from_index(index, train_classifier=not args.no_classifier)
    out = sys.stdout
    for qid, query in queries:
        ids = [doc_id for doc_id, _ in matcher.rank(query, limit=args.top)]
        out.write(json.dumps({"qid": qid, "ids": ids}, ensure_ascii=False) + "\n")
    out.flush()
    return 0
