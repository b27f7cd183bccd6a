# The two commands of the README:  make run   and   make test
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app app
HOST ?= 127.0.0.1
PORT ?= 5000
TEST_DATABASE_URL ?= postgresql://postgres@127.0.0.1:5432/test
CHROMIUM ?= /usr/bin/chromium
DOVECOT := /usr/sbin/dovecot
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT_GET := $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get -y -q

.PHONY: run test test-sqlite test-postgres test-browser install install-test translations translations-admin benchmark screenshots

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-test: requirements.txt requirements-test.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-test.txt
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

# The browser tests drive Debian's Chromium (Playwright never downloads a browser here)
$(CHROMIUM):
	@echo "Installing Debian's chromium for the browser tests"
	$(APT_GET) install chromium || { $(APT_GET) update && $(APT_GET) install chromium; }

# The mail intake tests start Debian's Dovecot with a throwaway configuration (tests/imap_server.py).
# A system Dovecot (the package may start one) is left alone: the fixture uses its own ports and folders.
$(DOVECOT):
	@echo "Installing Debian's dovecot-imapd for the mail intake tests"
	$(APT_GET) install dovecot-imapd || { $(APT_GET) update && $(APT_GET) install dovecot-imapd; }

## Set up everything and run the app on SQLite with demo data (mail goes to instance/mail/)
run: install
	$(FLASK) init-db
	$(FLASK) demo-data --tickets 200 --if-empty
	@echo "Open http://$(HOST):$(PORT)/  (staff desk: /admin/)"
	FLASK_PUBLIC_URL=$${FLASK_PUBLIC_URL:-http://$(HOST):$(PORT)} FLASK_EXTRA_HOSTS=$${FLASK_EXTRA_HOSTS:-localhost} \
	  $(FLASK) run --host $(HOST) --port $(PORT)

## Set up everything and run the whole test suite on SQLite and, at the same time, on
## PostgreSQL with the browser tests (they drive a real server: once, on the production
## database, keeps CI fast). Each suite's output is shown whole when it ends; either failing
## fails the run.
test: install-test $(CHROMIUM) $(DOVECOT)
	@$(MAKE) --no-print-directory -j2 --output-sync=target test-sqlite test-postgres

# (the SQLite pass never takes TEST_DATABASE_URL, even when it is set for the run)
test-sqlite: install-test $(DOVECOT)
	env -u TEST_DATABASE_URL HELPDESK_FORBID_SKIPS=1 $(BIN)/python -m pytest -q --ignore=tests/browser

test-browser: install-test $(CHROMIUM) $(DOVECOT)
	HELPDESK_FORBID_SKIPS=1 $(BIN)/python -m pytest -q tests/browser

test-postgres: install-test $(CHROMIUM) $(DOVECOT)
	@$(BIN)/python -c "import psycopg2, sys; psycopg2.connect('$(TEST_DATABASE_URL)').close()" \
	  || { echo "PostgreSQL is not reachable at $(TEST_DATABASE_URL)"; exit 1; }
	HELPDESK_FORBID_SKIPS=1 TEST_DATABASE_URL=$(TEST_DATABASE_URL) $(BIN)/python -m pytest -q

## Re-extract strings and update the catalogs after changing user-facing text
translations: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output -o translations/messages.pot .
	$(BIN)/pybabel update -i translations/messages.pot -d translations -l id -D messages --no-fuzzy-matching --ignore-obsolete
	$(BIN)/pybabel compile -d translations -D "messages flask_security admin" --statistics

## After upgrading Flask-Admin: re-extract its strings into the admin catalog, then translate the new ones
translations-admin: install
	$(BIN)/pybabel extract -F translations/admin-babel.cfg -k _gettext -k gettext -k lazy_gettext -k _lazy_gettext \
	  -k _ngettext:1,2 -k ngettext:1,2 --no-location --sort-output --project Flask-Admin \
	  --version "$$($(BIN)/python -c "import flask_admin; print(flask_admin.__version__)")" -o translations/admin.pot \
	  "$$($(BIN)/python -c "import flask_admin, os; print(os.path.dirname(flask_admin.__file__))")"
	$(BIN)/pybabel update -i translations/admin.pot -d translations -l id -D admin --no-fuzzy-matching --ignore-obsolete
	$(BIN)/pybabel compile -d translations -D admin --statistics

## Retake the README's screenshots (docs/screenshots/) after changing the look of a page
screenshots: install-test $(CHROMIUM)
	$(BIN)/python tools/screenshots.py

benchmark: install
	$(BIN)/python benchmarks/demo_data.py
	$(BIN)/python benchmarks/desk.py
