# The two commands of the README: `make run` (demo on SQLite) and `make test` (the whole suite).
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PG_URL ?= postgresql://postgres@127.0.0.1:5432/zhuanhua
SUDO := $(shell [ "$$(id -u)" = "0" ] || echo sudo)
# The interpreter of .venv: Debian's own Python 3.11 where it can make a venv (built with profile-guided
# optimisation and LTO: the mixed load of bench/load.py runs ~30 % faster than on a plain source build
# such as pyenv's), else whatever python3 is first on PATH. PYTHON=... overrides.
PYTHON ?= $(shell /usr/bin/python3.11 -c 'import ensurepip, venv' 2>/dev/null && echo /usr/bin/python3.11 || echo python3)

.PHONY: setup run test test-sqlite test-postgres browser-deps postgres-up lint bench-quick clean

setup: $(VENV)/.installed node_modules/.installed var

$(VENV)/.installed: pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -c requirements.lock -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

var:
	mkdir -p var/static var/media

# Debian's Chromium for the browser tests, a CJK font for PDFs, poppler for PDF → PNG.
browser-deps:
	@if [ ! -x /usr/bin/chromium ] || [ ! -d /usr/share/fonts/opentype/noto ] || ! command -v pdftoppm >/dev/null; then \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium fonts-noto-cjk poppler-utils >/dev/null; \
	fi

postgres-up:
	@pg_isready -h 127.0.0.1 -p 5432 >/dev/null 2>&1 || \
	  $(SUDO) pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start
	@for i in $$(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 >/dev/null 2>&1 && exit 0; sleep 1; done; \
	  echo "PostgreSQL did not come up on 127.0.0.1:5432" >&2; exit 1

run: setup
	$(PY) manage.py migrate --noinput
	@# One task worker beside the server (Excel imports); its log is var/worker.log.
	@mkdir -p var && ($(PY) manage.py db_worker >var/worker.log 2>&1 & echo $$! >var/worker.pid)
	$(PY) manage.py demo
	trap 'kill $$(cat var/worker.pid) 2>/dev/null' EXIT INT TERM; $(PY) manage.py runserver 127.0.0.1:8000

test: setup browser-deps lint test-sqlite
	@if [ "$$CI" = "true" ] || [ -n "$$ZHUANHUA_TEST_POSTGRES" ]; then $(MAKE) --no-print-directory test-postgres; fi

test-sqlite:
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run >/dev/null
	$(VENV)/bin/pytest

# The PostgreSQL leg: the suite again (browser tests excepted) on a real server; a leg that
# would fall back to SQLite or skip the PostgreSQL-only tests fails instead.
test-postgres: postgres-up
	DATABASE_URL=$(PG_URL) ZHUANHUA_REQUIRE_POSTGRES=1 $(VENV)/bin/pytest -m "not browser"

# Every check the CI runs before the tests: lint, formatting, the layer contracts of pyproject's
# [tool.importlinter], and types over the whole package.
lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy zhuanhua

clean:
	rm -rf $(VENV) node_modules var
