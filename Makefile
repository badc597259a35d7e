# ITA Portal — two commands on a fresh machine:
#   make run    portal with demo data on http://127.0.0.1:8000 (+ Celery worker and beat, under honcho)
#   make test   the test suite
# DATABASE_URL / REDIS_URL / EMAIL_URL switch to PostgreSQL / Redis / SMTP (see README.md).

SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test venv system-deps js-deps migrate demo web worker beat lint check bench clean messages

$(STAMP): requirements.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.txt
	@touch $(STAMP)

venv: $(STAMP)

# Debian packages the portal and its tests use: poppler (read PDFs), Chromium (browser tests),
# gettext (translations), Pango (WeasyPrint), Node.js + npm (pdf.js reads the PDFs back in the
# tests; pdfjs-dist wants Node >= 20.19). Installed when missing and we are root on Debian.
system-deps:
	@missing=""; \
	command -v pdftotext >/dev/null || missing="$$missing poppler-utils"; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v msgfmt >/dev/null || missing="$$missing gettext"; \
	command -v node >/dev/null || missing="$$missing nodejs"; \
	command -v npm >/dev/null || missing="$$missing npm"; \
	ldconfig -p 2>/dev/null | grep -q libpango-1.0 || missing="$$missing libpango-1.0-0 libpangoft2-1.0-0"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing:$$missing"; \
	    (apt-get update -qq || true) && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else \
	    echo "Please install these Debian packages:$$missing" >&2; exit 1; \
	  fi; \
	fi

migrate: venv
	$(PY) manage.py migrate --noinput -v0

demo: migrate
	$(PY) manage.py load_framework --all
	$(PY) manage.py load_demo

# honcho (Procfile) runs web, worker and beat; one Ctrl-C or SIGTERM stops all three within seconds.
# SITE_URL follows the host and port served, so links in e-mails and .ics events point here.
run: export DEBUG ?= 1
run: export HOST := $(HOST)
run: export WEB_PORT := $(PORT)
run: export SITE_URL ?= http://$(HOST):$(PORT)
run: export ITA_VAR_DIR ?= $(CURDIR)/var
# Developer commands run with DEBUG on: with DEBUG off the settings demand a real SECRET_KEY.
migrate demo check messages: export DEBUG ?= 1
run: system-deps demo
	@echo "Starting the portal on $$SITE_URL/ with a Celery worker and beat (Ctrl-C stops all)."
	@exec $(VENV)/bin/honcho start -f Procfile

# pdf.js (pdfjs-dist) for the tests that read PDFs back as Firefox does: the versions locked in
# tests/js/package-lock.json (with @napi-rs/canvas, which pdf.js needs for DOMMatrix even to read
# text), installed again when the lock file changes.
JS_STAMP := tests/js/node_modules/.installed
$(JS_STAMP): tests/js/package.json tests/js/package-lock.json
	cd tests/js && npm ci --no-audit --no-fund --loglevel=error
	@touch $(JS_STAMP)

js-deps: system-deps $(JS_STAMP)

test: system-deps venv js-deps
	$(PY) -m pytest $(PYTEST_ARGS)

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache

check: venv
	$(PY) manage.py makemigrations --check --dry-run

# The English catalogue, sorted by msgid and without source locations so that branches adding strings
# rarely touch the same lines; then compiled.
PO := locale/en/LC_MESSAGES/django.po
messages: venv
	$(PY) manage.py makemessages -l en --no-location --no-obsolete --ignore=.venv --ignore=var --ignore="tests/*" --ignore="bench/*" -v0
	msgattrib --no-obsolete --clear-fuzzy --empty --sort-output --no-location -o $(PO).tmp $(PO) && mv $(PO).tmp $(PO)
	msgfmt --check -o locale/en/LC_MESSAGES/django.mo $(PO)
	msgfmt --check -o locale/th/LC_MESSAGES/django.mo locale/th/LC_MESSAGES/django.po
	msgfmt --check -o locale/th/LC_MESSAGES/djangojs.mo locale/th/LC_MESSAGES/djangojs.po

bench: venv js-deps
	@for b in bench/bench_*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

clean:
	rm -rf var/ .pytest_cache
