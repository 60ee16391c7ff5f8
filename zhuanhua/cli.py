"""The ``zhuanhua`` console script.

Engine commands (``zhuanhua licensing schedule FILE|-`` …) read one JSON document and print
one; they never start Django, so other systems can call them cheaply. Exit codes: 0 success,
2 bad input (one line on stderr naming the field path). Every other command is a Django
management command (``zhuanhua demo``, ``zhuanhua audit verify`` …) run with the project's
settings.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Callable
from typing import Any

from zhuanhua.engines.common import InputError, dumps, loads

# (group, verb) -> "module:function"; the function takes the parsed document and returns one.
ENGINE_COMMANDS: dict[tuple[str, str], str] = {
    ("licensing", "schedule"): "zhuanhua.engines.licensing:run",
    ("subsidy", "evaluate"): "zhuanhua.engines.subsidy:run",
    ("transfer-deadline", "check"): "zhuanhua.engines.transfer_deadline:run",
    ("publicity", "period"): "zhuanhua.engines.periods:run",
    ("exemption", "evaluate"): "zhuanhua.engines.exemption:run",
    ("distribution", "check"): "zhuanhua.engines.distribution:run",
}

# Commands with their own argument parsing (not FILE|- JSON), still Django-free.
PLAIN_COMMANDS: dict[tuple[str, str], str] = {
    ("match", "run"): "zhuanhua.engines.search.cli:match_run",
}

USAGE = """usage: zhuanhua COMMAND [ARGS]

engine commands (JSON in, JSON out; exit 2 on bad input):
  zhuanhua licensing schedule FILE|-
  zhuanhua subsidy evaluate FILE|-
  zhuanhua transfer-deadline check FILE|-
  zhuanhua publicity period FILE|-
  zhuanhua exemption evaluate FILE|-
  zhuanhua distribution check FILE|-
  zhuanhua match run --docs DOCS.jsonl --queries QUERIES.tsv [--top 10]

platform commands (Django management commands):
  zhuanhua demo | audit verify | jobs run-due | search rebuild | backup FILE | restore FILE
  zhuanhua runserver | migrate | createsuperuser | ... (any manage.py command)
"""


def _load(target: str) -> Callable[..., Any]:
    module, _, name = target.partition(":")
    return getattr(importlib.import_module(module), name)


def run_engine(target: str, source: str) -> int:
    try:
        if source == "-":
            text = sys.stdin.read()
        else:
            with open(source, encoding="utf-8") as handle:
                text = handle.read()
    except OSError as exc:
        print(f"error: cannot read {source}: {exc.strerror}", file=sys.stderr)
        return 2
    try:
        doc = loads(text)
    except ValueError as exc:
        print(f"error: (document): invalid JSON: {exc}", file=sys.stderr)
        return 2
    try:
        result = _load(target)(doc)
    except InputError as exc:
        print(f"error: {exc.path}: {exc.message}", file=sys.stderr)
        return 2
    sys.stdout.write(dumps(result) + "\n")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in {"-h", "--help", "help"}:
        print(USAGE)
        return 0
    key = (args[0], args[1] if len(args) > 1 else "")
    if key in ENGINE_COMMANDS:
        if len(args) != 3:
            print(f"usage: zhuanhua {key[0]} {key[1]} FILE|-", file=sys.stderr)
            return 2
        return run_engine(ENGINE_COMMANDS[key], args[2])
    if key in PLAIN_COMMANDS:
        return int(_load(PLAIN_COMMANDS[key])(args[2:]) or 0)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["zhuanhua", *args])
    return 0


if __name__ == "__main__":
    sys.exit(main())
