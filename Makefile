# Two commands do all the set-up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
ASSETS := node_modules/.installed
# The browser tests drive Debian's Chromium (Playwright's own browser download is not used).
CHROMIUM := /usr/bin/chromium
REPORT_TOOLS := /usr/bin/pdftoppm /usr/bin/soffice /usr/lib/libreoffice/program/libsclo.so \
	/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf
# Two servers behind Debian's HAProxy, round-robin: the load-balanced test (tests/site/test_load_balanced.py).
HAPROXY := /usr/sbin/haproxy
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: demo test lint setup clean r-survey

setup: $(INSTALLED) $(ASSETS)

$(INSTALLED): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev,embeddings]"
	touch $@

$(ASSETS): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

## demo: the whole system on SQLite, with the Wave 3 questionnaire and the frame, at http://127.0.0.1:8000
demo: setup
	$(BIN)/omnibus demo

## test: every test, the browser tests too, on every core (PostgreSQL when DATABASE_URL is set, SQLite otherwise)
# Tests go to the workers in pytest-django's order (--dist load): those that commit, and so flush
# the database, come after every test that reads the Wave 3 set-up in a rolled-back transaction.
test: setup $(CHROMIUM) $(REPORT_TOOLS) $(HAPROXY) r-survey
	$(BIN)/pytest -n auto --dist load

$(CHROMIUM):
	$(SUDO) apt-get update && $(SUDO) apt-get install -y chromium

$(HAPROXY):
	$(SUDO) apt-get update && $(SUDO) apt-get install -y --no-install-recommends haproxy

# The report's checks: pdftoppm renders PDF pages to PNG; LibreOffice opens the Word file and the ODS tables;
# Liberation Sans (Arial's metric twin) is the font of the report's text and charts.
$(REPORT_TOOLS):
	$(SUDO) apt-get update && $(SUDO) apt-get install -y --no-install-recommends poppler-utils libreoffice-writer-nogui libreoffice-calc-nogui \
	  fonts-liberation

## lint: ruff, and the import contract (the layers, and no Django in questionnaire or analysis)
lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

clean:
	rm -rf $(VENV) node_modules var .pytest_cache .hypothesis test-artefacts

## r-survey: optional: R and its survey package, for the check of our estimates against R (skipped without them)
r-survey:
	-(command -v Rscript >/dev/null && Rscript -e 'library(survey)' >/dev/null 2>&1) || \
	  (command -v apt-get >/dev/null && $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y r-base-core r-cran-survey) || \
	  echo "R's survey package not installed: the R comparison test will be skipped"
