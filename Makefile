# Everyday commands. `make run` starts the site; `make test` runs the whole suite.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV ?= .venv
PYTHON_FOR_VENV ?= $(shell command -v python3.13 || (command -v pyenv >/dev/null && pyenv which python3 2>/dev/null) || command -v python3)
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# axe-core for the accessibility checks and vnu-jar (the Nu HTML checker), installed by `npm ci`
# from package-lock.json.
NODE_STAMP := node_modules/.package-lock.json
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: help install run test test-fast lint format check-python superuser bench browser-deps screenshots clean

help:
	@echo "make run      start the site on http://$(HOST):$(PORT)/ (SQLite, starter content)"
	@echo "make test     run the whole test suite (installs what it needs)"
	@echo "make lint     ruff check and format check, hadolint on the Dockerfile"
	@echo "make format   ruff format and autofix"
	@echo "make superuser  create an admin login and set up its authenticator app"
	@echo "make bench    benchmark against PostgreSQL (writes docs/benchmarks.md)"
	@echo "make screenshots  pictures of the main pages at phone and desktop size (docs/screenshots/)"
	@echo "make backup   back up the database to backups/ (BACKUP_DIR)"
	@echo "make restore FILE=backups/clinic-....sqlite3  restore a backup into an empty database"
	@echo "make audit    check every installed package for known vulnerabilities (needs the internet)"
	@echo "make messages  gather the strings to translate into locale/*/LC_MESSAGES/django.po"
	@echo "make compilemessages  compile the translations the site reads (.mo)"

check-python:
	@$(PYTHON_FOR_VENV) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' || { \
	  echo "ERROR: Python 3.12 or newer is needed (Django 6.1); found $$($(PYTHON_FOR_VENV) --version 2>&1) at $(PYTHON_FOR_VENV)."; \
	  echo "       Install Python 3.13 (for example 'pyenv install 3.13') or run: make PYTHON_FOR_VENV=/path/to/python3.13 ..."; \
	  exit 1; }

$(STAMP): requirements.txt requirements-dev.txt | check-python
	@test -x $(PY) || $(PYTHON_FOR_VENV) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $(STAMP)

$(NODE_STAMP): package.json package-lock.json
	@command -v npm >/dev/null || { echo "Installing Debian's npm for the accessibility checks..."; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null) || \
	  { echo "ERROR: npm is missing and could not be installed (apt-get install npm)."; exit 1; }; }
	npm ci --ignore-scripts --no-audit --no-fund
	@touch $(NODE_STAMP)

install: $(STAMP) $(NODE_STAMP)

browser-deps:
	@command -v chromium >/dev/null || { echo "Installing Debian's chromium for the browser tests..."; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) || \
	  { echo "ERROR: chromium is missing and could not be installed (apt-get install chromium)."; exit 1; }; }
	@command -v java >/dev/null || { echo "Installing Debian's Java runtime for the HTML checker..."; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless >/dev/null) || \
	  { echo "ERROR: java is missing and could not be installed (apt-get install default-jre-headless)."; exit 1; }; }

.PHONY: bench-deps
bench-deps:
	@command -v wrk >/dev/null || { echo "Installing Debian's wrk for the benchmark..."; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null) || \
	  { echo "ERROR: wrk is missing and could not be installed (apt-get install wrk)."; exit 1; }; }

# Never part of `make test` or CI: it is a measurement, not a check. Needs PostgreSQL on 127.0.0.1.
bench: $(STAMP) bench-deps
	$(PY) -m bench.run

run: $(STAMP)
	@test -f .env || { cp .env.example .env; echo "Created .env from .env.example (DEBUG=on for local use)."; }
	$(PY) manage.py migrate --noinput
	@echo ""
	@echo "The site: http://$(HOST):$(PORT)/   Admin: http://$(HOST):$(PORT)$$($(PY) manage.py shell -v 0 -c 'from django.urls import reverse; print(reverse("admin:index"))' 2>/dev/null)"
	@echo "No admin login yet? In another terminal run: make superuser (have your authenticator app ready)"
	@echo ""
	$(PY) manage.py runserver $(HOST):$(PORT)

# Creates the login, then prints the QR code to scan with an authenticator app: the admin asks
# for its 6-digit code after the password.
superuser: $(STAMP)
	@test -f .env || { cp .env.example .env; echo "Created .env from .env.example (DEBUG=on for local use)."; }
	@$(PY) manage.py migrate --noinput >/dev/null
	@read -r -p "Username: " username && test -n "$$username" && \
	  $(PY) manage.py createsuperuser --username "$$username" && \
	  $(PY) manage.py enrol_totp "$$username"

# Debian's docker-compose and caddy validate compose.yaml and the Caddyfile (no engine needed).
.PHONY: stack-deps
stack-deps:
	@for tool in docker-compose caddy; do command -v $$tool >/dev/null || { \
	  echo "Installing Debian's $$tool to check compose.yaml and the Caddyfile..."; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$tool >/dev/null) || \
	  { echo "ERROR: $$tool is missing and could not be installed (apt-get install $$tool)."; exit 1; }; }; done

test: $(STAMP) $(NODE_STAMP) browser-deps stack-deps
	$(PY) -m pytest $(PYTEST_ARGS)

screenshots: $(STAMP) $(NODE_STAMP) browser-deps
	$(PY) -m pytest -q tests/browser/screenshots.py

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/hadolint Dockerfile

format: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# Every installed package (a freeze of the environment, not only the pins) against the
# vulnerability database. Needs the internet, so it is not part of `make test` or CI.
.PHONY: audit
audit: $(STAMP)
	@freeze=$$(mktemp) && trap 'rm -f "$$freeze"' EXIT && \
	  $(PY) -m pip freeze --all --exclude-editable --disable-pip-version-check > "$$freeze" && \
	  output=$$($(VENV)/bin/pip-audit --strict --no-deps --disable-pip --progress-spinner off \
	    -r "$$freeze" 2>&1); status=$$?; \
	  if [ $$status -eq 0 ]; then echo "$$output"; \
	  elif grep -q "could not be audited\|Connection\|Max retries" <<<"$$output"; then \
	    echo "ERROR: make audit could not check the packages against the vulnerability database (is it reachable from here?); nothing was checked."; exit 1; \
	  else echo "$$output"; exit $$status; fi

.PHONY: backup restore
backup: $(STAMP)
	$(PY) manage.py backup

restore: $(STAMP)
	@test -n "$(FILE)" || { echo "ERROR: name the backup: make restore FILE=backups/clinic-....sqlite3"; exit 1; }
	$(PY) manage.py restore "$(FILE)" $(if $(FORCE),--force)

clean:
	rm -rf $(VENV) node_modules staticfiles .pytest_cache test-results

# Translations: `make messages` gathers every marked string into locale/*/LC_MESSAGES/django.po
# (new ones empty, changed ones marked fuzzy) for a translator; `make compilemessages` turns the
# translated .po files into the .mo files the site reads. Both .po and .mo are committed.
.PHONY: messages compilemessages
messages: $(STAMP)
	DEBUG=on $(PY) manage.py makemessages --all --no-obsolete --no-location --ignore=node_modules --ignore=.venv --ignore=bench --ignore=tests --ignore=staticfiles

compilemessages: $(STAMP)
	DEBUG=on $(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules
