# The two commands a newcomer needs:
#   make run   – the portal with demo data on http://127.0.0.1:$(PORT)
#   make test  – the whole test suite
#   make security – the red-team suite alone (tests/security, docs/SECURITY.md)
PORT ?= 8000
PYTHON ?= python3
VENV := .venv
UV := $(shell command -v uv 2>/dev/null || echo $(VENV)/bin/uv)
PY := $(VENV)/bin/python
DEV_ENV := DEBUG=1

.PHONY: run test security lint mutation install install-dev check-system migrate demo serve worker beat benchmarks clean

$(VENV)/bin/uv:
	@command -v uv >/dev/null 2>&1 || { \
	  $(PYTHON) -m venv $(VENV) 2>/dev/null && $(VENV)/bin/python -m pip install --quiet --upgrade pip uv; \
	} || { \
	  echo "Could not create a virtual environment with $(PYTHON)."; \
	  echo "Install uv (pip install uv) or Python's venv module (apt-get install python3-venv) and try again."; exit 1; }

install: $(VENV)/bin/uv check-system
	$(UV) sync --frozen --no-dev

install-dev: $(VENV)/bin/uv check-system
	$(UV) sync --frozen

check-system:
	@./scripts/check_system.sh

migrate: install
	$(DEV_ENV) $(PY) manage.py migrate --no-input

demo: migrate
	$(DEV_ENV) $(PY) manage.py load_demo

# The server and, beside it, a worker with its scheduler: PDFs render in the worker, never in a request. With
# no REDIS_URL the worker reads its tasks from a folder under var/celery; Ctrl+C stops both.
run: demo
	@echo "Serving the portal on http://127.0.0.1:$(PORT)/ with a background worker (Ctrl+C stops both; its log: var/worker.log)."
	@mkdir -p var
	@$(DEV_ENV) $(PY) -m celery -A partnership_portal worker --beat --pool solo --loglevel INFO >var/worker.log 2>&1 & \
	  worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  $(DEV_ENV) $(PY) manage.py runserver 127.0.0.1:$(PORT)

test: install-dev lint
	$(PY) -m pytest

# The red-team suite: each attack of the outside review, kept as a test (also part of `make test`).
security: install-dev
	$(PY) -m pytest tests/security

# Lint and import order (ruff), and the import contract: each app imports only from the apps below it.
lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports

# Mutation testing of the services (slow: tens of minutes); see scripts/mutation.sh.
mutation: install-dev
	./scripts/mutation.sh

# Production-like processes, for use with DATABASE_URL and REDIS_URL set (without REDIS_URL they share the
# folder broker under var/celery with the web process).
worker:
	$(PY) -m celery -A partnership_portal worker --loglevel INFO

beat:
	$(PY) -m celery -A partnership_portal beat --loglevel INFO

benchmarks: install-dev
	$(PY) tests/benchmarks/run_all.py

clean:
	rm -rf $(VENV) var db.sqlite3 .pytest_cache
