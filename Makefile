# The two commands are `make run` and `make test`; see README.md.

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
DEMO_PASSWORD ?= demo-pass-2024
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=
# Test processes in parallel (pytest-xdist), each with its own test database;
# TEST_WORKERS=0 runs the suite in this one process. Tests are dealt out one by
# one (--dist load): schemathesis gives all cases of a test one node id, which
# the grouping modes (loadfile, loadscope) would run only once.
TEST_WORKERS ?= 2

.DEFAULT_GOAL := help
.PHONY: help install run manage migrate test test-slow test-all lint format messages worker beat clean

help:
	@echo "make run      migrate, load the working group and demo accounts, serve http://$(HOST):$(PORT)"
	@echo "make test     run the suite (PYTEST_ARGS='-k healthz' to narrow it)"
	@echo "make test-slow  the browser journeys, live Celery workers and generated client"
	@echo "make test-all   both (as CI does)"
	@echo "make lint     ruff check and ruff format --check"
	@echo "make format   ruff format and ruff check --fix"
	@echo "make messages update the Chinese catalogue in locale/ and compile it (needs gettext)"
	@echo "make worker   Celery worker (needs REDIS_URL)"
	@echo "make beat     Celery beat (needs REDIS_URL)"
	@echo "make backup   database and media into one archive (BACKUP_DIR, default var/backups)"
	@echo "make restore ARCHIVE=...   restore an archive (DATABASE_URL_RESTORE for another database)"
	@echo "make manage ARGS='createsuperuser'   any manage.py command, with DJANGO_DEBUG=1"

install: $(STAMP) $(NODE_STAMP)

# Re-installs only when the dependencies change.
$(STAMP): pyproject.toml constraints.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
	@touch $@

# The browser tests' tooling from npm (axe-core, see package.json), at the
# versions in package-lock.json. Without npm the tests that need it skip (or
# fail with REQUIRE_SERVICES=1), so the rest of `make install` goes on.
$(NODE_STAMP): package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --no-audit --no-fund --loglevel=error && touch $@; \
	else \
		echo "note: npm not found, so axe-core is not installed and the accessibility tests will skip (Debian packages nodejs npm)"; \
	fi

# The embedded run: SQLite in var/, Celery eager, e-mail on the console.
# A DJANGO_DEBUG already in the environment wins.
run manage migrate worker beat: export DJANGO_DEBUG ?= 1

run: install
	$(MANAGE) migrate --noinput
	$(MANAGE) load_working_group
	$(MANAGE) load_demo --password '$(DEMO_PASSWORD)'
	@echo
	@echo "Sign in at http://$(HOST):$(PORT)/accounts/login/ with an account above,"
	@echo "password '$(DEMO_PASSWORD)'. Ctrl-C stops it; running it again keeps the data."
	@echo
	$(MANAGE) runserver $(HOST):$(PORT)

manage: install
	$(MANAGE) $(ARGS)

migrate: install
	$(MANAGE) migrate --noinput

# Tests run like production (DJANGO_DEBUG unset), apart from static storage.
# `make test` is every test but the slow suite (the tests that drive a browser,
# start a Celery worker, generate a client or fuzz the API from its schema:
# marker `slow`, set in tests/conftest.py), so that it stays under ten
# minutes on two cores;
# `make test-slow` runs those, `make test-all` both, and CI runs both.
PYTEST := env -u DJANGO_DEBUG $(PY) -m pytest -n $(TEST_WORKERS) --dist load

test: install
	$(PYTEST) -m "not slow" $(PYTEST_ARGS)

test-slow: install
	$(PYTEST) -m slow $(PYTEST_ARGS)

test-all: test test-slow

# Both run, so one report shows every problem.
lint: install
	@status=0; \
	$(VENV)/bin/ruff check . || status=1; \
	$(VENV)/bin/ruff format --check . || status=1; \
	exit $$status

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# The catalogue: every string marked in our code and templates, with the file
# it comes from (no line numbers, so unrelated edits do not churn it). Then the
# compiled .mo, which is committed so that a machine without gettext runs the
# portal in Chinese too. tests/i18n/test_catalogue.py fails when this would add
# a string, or when an entry is untranslated or fuzzy.
MESSAGES_ARGS := --locale zh_Hans --add-location file --no-obsolete \
	--ignore '.venv/*' --ignore 'node_modules/*' --ignore 'tests/*' --ignore 'bench/*' \
	--ignore 'var/*' --ignore 'test-results/*' --ignore 'static/*'

messages: install
	$(MANAGE) makemessages $(MESSAGES_ARGS)
	$(MANAGE) compilemessages --locale zh_Hans --ignore '.venv/*' --ignore 'node_modules/*'

worker: install
	@test -n "$$REDIS_URL" || { echo "make worker needs REDIS_URL (e.g. redis://127.0.0.1:6379/0)"; exit 2; }
	$(VENV)/bin/celery -A portal worker -l info

beat: install
	@test -n "$$REDIS_URL" || { echo "make beat needs REDIS_URL (e.g. redis://127.0.0.1:6379/0)"; exit 2; }
	@mkdir -p var
	$(VENV)/bin/celery -A portal beat -l info --schedule var/celerybeat-schedule

# Backups (see README, "Production"): one tar with pg_dump -Fc, every media
# object and a sha256 manifest; restore verifies it before loading.
.PHONY: backup restore
backup: install
	$(MANAGE) backup --output $(or $(BACKUP_DIR),var/backups)

restore: install
	@test -n "$(ARCHIVE)" || { echo "make restore ARCHIVE=var/backups/portal-backup-....tar"; exit 2; }
	$(MANAGE) restore $(ARCHIVE) $(if $(DATABASE_URL_RESTORE),--database-url $(DATABASE_URL_RESTORE))

clean:
	rm -rf .pytest_cache .ruff_cache test-results
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -exec rm -rf {} +

# Benchmarks (see bench/README.md); never part of `make test`. `make bench`
# runs them all: the request mix and each address at 10,000 standards, the
# mix again at 100,000 with the growth between them, then the background one.
.PHONY: bench bench-http bench-growth
bench: bench-http bench-growth bench-background

bench-http: install
	$(PY) bench/run.py

bench-growth: install
	BENCH_STANDARDS=100000 BENCH_ADDRESSES=0 $(PY) bench/run.py
	$(PY) bench/growth.py

# Issue 4's background benchmark: PDF render times (10 and 50 pages) and
# notification latency with one real worker, on a PostgreSQL database and a
# redis-server of its own (see bench/README.md); never part of `make test`.
.PHONY: bench-background
bench-background: install
	$(PY) bench/background.py
