# ehcbudgets: the two commands a newcomer needs are `make run` and `make test`.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test e2e test-postgres lint format lock check-migrations deploy-check demo clean

$(VENV)/.installed: requirements.txt requirements-dev.txt
	@PYTHON=$$(scripts/find-python) || exit 1; \
	  [ -x $(PY) ] || { echo "Creating $(VENV) with $$PYTHON"; $$PYTHON -m venv $(VENV); }
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

install: $(VENV)/.installed node_modules/.installed

## Builds everything, migrates var/db.sqlite3, loads the demo councils and serves http://127.0.0.1:8000
run: install
	@mkdir -p var
	$(MANAGE) migrate --no-input -v 0
	$(MANAGE) load_demo
	@# The background worker runs the checks of the monitoring rules and the reminders (ADR 11); it stops with the server.
	@$(MANAGE) db_worker --no-reload --interval 2 -v 0 & worker=$$!; trap "kill $$worker 2>/dev/null" EXIT INT TERM; \
	  $(MANAGE) runserver $(HOST):$(PORT)

## The whole suite on SQLite (the browser journeys run with `make e2e`)
test: install
	$(PY) -m pytest -q -n 2 -m "not e2e"

## The browser journeys in Debian's Chromium
e2e: install
	DJANGO_ALLOW_ASYNC_UNSAFE=true $(PY) -m pytest -q -m e2e tests/e2e

## The whole suite again on a throwaway PostgreSQL cluster
test-postgres: install
	scripts/with-postgres $(PY) -m pytest -q -n 2 -m "not e2e"

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

check-migrations: install
	$(MANAGE) makemigrations --check --dry-run

deploy-check: install
	DJANGO_SETTINGS_MODULE=config.settings.production SECRET_KEY=ci-dummy-secret-key-that-is-long-enough-to-pass-the-check-0123456789 \
	  ALLOWED_HOSTS=ehcbudgets.example EMAIL_HOST=smtp.example DATABASE_URL=sqlite:///var/deploy-check.sqlite3 \
	  $(MANAGE) check --deploy --fail-level WARNING

## Re-pins requirements*.txt from requirements*.in
lock:
	@PYTHON=$$(scripts/find-python) || exit 1; rm -rf var/lock-venv; $$PYTHON -m venv var/lock-venv; \
	  var/lock-venv/bin/pip install --quiet -r requirements.in; \
	  (echo "# Exact pins of requirements.in and everything it pulls in. Regenerate with: make lock"; var/lock-venv/bin/pip freeze) > requirements.txt; \
	  var/lock-venv/bin/pip install --quiet -r requirements-dev.in; \
	  (echo "# Exact pins of requirements-dev.in. Regenerate with: make lock"; echo "-r requirements.txt"; \
	   var/lock-venv/bin/pip freeze | grep -vxFf requirements.txt) > requirements-dev.txt; rm -rf var/lock-venv

clean:
	rm -rf $(VENV) node_modules var/db.sqlite3
