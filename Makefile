# Schuldigital-Monitor: developer entry points (see README.md).
#
#   make run     serve http://127.0.0.1:8000 (SQLite, Bielefeld plan loaded)
#   make test    lint (code, imports between apps), checks and the test suite
#   make bench   wrk benchmark of `/` against a bare Django view
#
# Stamps under .make/ keep repeated runs fast; `make clean` forgets them.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3.13
VENV := .venv
PY := $(VENV)/bin/python
STAMPS := .make
KERN_DIR := static/vendor/kern

# `make test` uses this PostgreSQL database (started and created if needed),
# unless DATABASE_URL is already set in the environment.
LOCAL_PG_URL := postgres://bielefeld:bielefeld@127.0.0.1:5432/bielefeld_digital
TEST_DATABASE_URL := $(or $(DATABASE_URL),$(LOCAL_PG_URL))
PYTEST_ARGS ?=
# pytest-xdist workers for `make test` (our machines have 2 cores); 0 runs in one process.
# worksteal: a worker that runs out of tests takes the other's queue, so the last
# slow (browser, PDF) tests do not leave one core idle at the end.
PYTEST_WORKERS ?= 2
# `make run PORT=8001` serves on another port (loopback only).
PORT ?= 8000

PIP_COMPILE := $(STAMPS)/pip-tools/bin/pip-compile
PIP_COMPILE_FLAGS := --allow-unsafe --generate-hashes --no-emit-find-links \
	--no-emit-index-url --strip-extras $(if $(UPGRADE),--upgrade)

.PHONY: help venv assets collectstatic run test chromium pango postgres pg-client bench bench-decks bench-schools requirements clean distclean FORCE

# A stamp is also rebuilt when what it stands for was deleted behind its back.
VENV_MISSING := $(if $(wildcard $(PY)),,FORCE)
ASSETS_MISSING := $(if $(wildcard $(KERN_DIR)/kern.min.css),,FORCE)
STATICFILES_MISSING := $(if $(wildcard staticfiles/staticfiles.json),,FORCE)
FORCE:

help:
	@echo "make run           serve http://127.0.0.1:8000 with SQLite and the Bielefeld plan (PORT=...)"
	@echo "make test          ruff, migration/deploy checks, pytest against PostgreSQL"
	@echo "make bench         gunicorn + wrk: '/' against a bare view (PostgreSQL)"
	@echo "make bench-decks   time the PDF and PowerPoint of Bielefeld and a 500-measure plan"
	@echo "make bench-schools time school pages, report, charts and matrix with all NRW schools in scope"
	@echo "make venv          .venv from requirements/dev.txt (hashed)"
	@echo "make assets        KERN UX css and fonts into $(KERN_DIR)/"
	@echo "make requirements  recompile requirements/*.txt (UPGRADE=1 to upgrade pins)"
	@echo "make clean         remove generated files (distclean: also .venv and db.sqlite3)"

# --- Python environment -----------------------------------------------------

venv: $(STAMPS)/venv.stamp

# --no-compile: Python compiles a module when it is first imported, so the
# many modules nothing here imports cost nothing (about 15 s of a fresh `make
# test`). The Dockerfile compiles everything, as an image should.
$(STAMPS)/venv.stamp: requirements/dev.txt .python-version $(VENV_MISSING)
	@if [ -x $(PY) ] && ! $(PY) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 13))' 2>/dev/null; then \
		echo "venv: $(VENV) is not Python 3.13; recreating it"; rm -rf $(VENV); \
	fi
	@if [ ! -x $(PY) ]; then \
		if ! $(PYTHON) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 13))' >/dev/null 2>&1; then \
			echo "venv: Python 3.13 is required, but '$(PYTHON)' is missing or another version." >&2; \
			echo "      Install it (e.g. 'pyenv install 3.13') or run: make PYTHON=/path/to/python3.13 ..." >&2; \
			exit 1; \
		fi; \
		echo "venv: creating $(VENV) with $$($(PYTHON) --version)"; \
		$(PYTHON) -m venv $(VENV); \
	fi
	$(PY) -m pip install --quiet --disable-pip-version-check --no-compile --require-hashes -r requirements/dev.txt
	@mkdir -p $(STAMPS) && touch $@

# --- Front-end assets (KERN UX from npm, not committed) ----------------------

assets: $(STAMPS)/assets.stamp

$(STAMPS)/assets.stamp: package.json package-lock.json scripts/copy-kern-assets.sh $(ASSETS_MISSING)
	@command -v npm >/dev/null 2>&1 || { echo "assets: npm (Node.js 20 or newer) is required" >&2; exit 1; }
	npm ci --ignore-scripts --no-audit --no-fund
	bash scripts/copy-kern-assets.sh node_modules/@kern-ux/native $(KERN_DIR)
	@mkdir -p $(STAMPS) && touch $@

# --- Static files as production serves them (hashed, compressed) ----------------

# Checks that every file the stylesheets name exists; about 15 s, so redone only
# when a static source, the installed packages (admin, htmx) or the settings changed.
STATIC_SOURCES := $(shell find static $(wildcard */static) -type f 2>/dev/null)

collectstatic: $(STAMPS)/collectstatic.stamp

$(STAMPS)/collectstatic.stamp: $(STAMPS)/venv.stamp $(STAMPS)/assets.stamp \
		bielefeld_digital/settings.py $(STATIC_SOURCES) $(STATICFILES_MISSING)
	unset DJANGO_DEBUG; DATABASE_URL='$(TEST_DATABASE_URL)' SECRET_KEY=collectstatic-only \
		$(PY) manage.py collectstatic --noinput --clear --verbosity 0
	@mkdir -p $(STAMPS) && touch $@

# --- The newcomer's command ---------------------------------------------------

run: venv assets pango
	DJANGO_DEBUG=1 $(PY) manage.py migrate --noinput
	DJANGO_DEBUG=1 $(PY) manage.py load_bielefeld
	@echo "Serving http://127.0.0.1:$(PORT)/ (Ctrl-C stops)"
	DJANGO_DEBUG=1 $(PY) manage.py runserver 127.0.0.1:$(PORT)

# --- Tests ----------------------------------------------------------------------

chromium:
	@bash scripts/ensure-chromium.sh

pango:
	@bash scripts/ensure-pango.sh

# pg_dump/pg_restore for the backup test; a server elsewhere brings none here.
pg-client:
	@bash scripts/ensure-pg-client.sh

postgres:
	@if [ '$(TEST_DATABASE_URL)' = '$(LOCAL_PG_URL)' ]; then \
		bash scripts/ensure-postgres.sh bielefeld_digital; \
	else \
		echo "postgres: DATABASE_URL is set in the environment; using that database as it is"; \
	fi

# DJANGO_DEBUG is unset, so the suite runs the production code paths; the
# secrets are throwaway values made for this run only. makemigrations runs the
# system checks before it looks at the models (a `manage.py check` of its own
# would repeat them); the deploy checks run with production's settings.
test: venv assets collectstatic chromium pango postgres pg-client
	@unset DJANGO_DEBUG; \
	export DATABASE_URL='$(TEST_DATABASE_URL)'; \
	export SECRET_KEY="test-only-$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(48))')"; \
	deploy_key="$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))')"; \
	step() { echo; echo "== $$*"; "$$@"; }; \
	echo "DATABASE_URL=$$(printf '%s' "$$DATABASE_URL" | sed -E 's#(://[^:/@]*):[^@]*@#\1:***@#')"; \
	step $(VENV)/bin/ruff check .; \
	step $(VENV)/bin/ruff format --check .; \
	step $(VENV)/bin/lint-imports; \
	step $(PY) manage.py makemigrations --check --dry-run; \
	step env DJANGO_DEBUG=0 SECRET_KEY="$$deploy_key" ALLOWED_HOSTS=portal.example \
		TRUSTED_PROXY_COUNT=1 $(PY) manage.py check --deploy --fail-level WARNING; \
	step $(VENV)/bin/pytest -n $(PYTEST_WORKERS) --dist worksteal $(PYTEST_ARGS)

# --- Benchmark ------------------------------------------------------------------

bench: venv assets
	bash benchmarks/bench.sh

# PDF and PowerPoint generation for Bielefeld and a 500-measure demo plan.
BENCH_DECKS_URL := $(or $(BENCH_DATABASE_URL),postgres://bielefeld:bielefeld@127.0.0.1:5432/bielefeld_bench_decks)

bench-decks: venv assets pango
	@if [ -z "$${BENCH_DATABASE_URL:-}" ]; then bash scripts/ensure-postgres.sh bielefeld_bench_decks; fi
	DATABASE_URL='$(BENCH_DECKS_URL)' SECRET_KEY=bench-only $(PY) benchmarks/bench_decks.py

# The full NRW directory (~5,600 schools) in scope of a plan with 50 measures
# tracked per school: import, setup, pages' timings and queries (issue 5). The
# script creates its database afresh and drops it at the end.
BENCH_SCHOOLS_URL := $(or $(BENCH_DATABASE_URL),postgres://bielefeld:bielefeld@127.0.0.1:5432/bielefeld_bench_schools)

bench-schools: venv assets pango
	@if [ -z "$${BENCH_DATABASE_URL:-}" ]; then bash scripts/ensure-postgres.sh bielefeld_bench_schools; fi
	BENCH_DATABASE_URL='$(BENCH_SCHOOLS_URL)' $(PY) benchmarks/bench_schools.py

# --- Dependencies ---------------------------------------------------------------

# Recompiles the hashed pins with pip-tools from a throwaway venv; keeps the
# current pins unless UPGRADE=1. Reinstall afterwards with `make venv`.
requirements:
	@if [ ! -x $(PIP_COMPILE) ]; then \
		$(PYTHON) -m venv $(STAMPS)/pip-tools && \
		$(STAMPS)/pip-tools/bin/pip install --quiet --disable-pip-version-check pip-tools; \
	fi
	cd requirements && ../$(PIP_COMPILE) --quiet $(PIP_COMPILE_FLAGS) --output-file=base.txt base.in
	cd requirements && ../$(PIP_COMPILE) --quiet $(PIP_COMPILE_FLAGS) --output-file=dev.txt dev.in

# --- Housekeeping ---------------------------------------------------------------

clean:
	rm -rf $(STAMPS) node_modules $(KERN_DIR) staticfiles bench-results .pytest_cache .ruff_cache
	rmdir static/vendor 2>/dev/null || true
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV) db.sqlite3
