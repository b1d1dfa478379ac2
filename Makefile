# Two commands do all the set-up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
ASSETS := node_modules/.installed

.PHONY: demo test lint setup clean

setup: $(INSTALLED) $(ASSETS)

$(INSTALLED): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

$(ASSETS): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

## demo: the whole system on SQLite, with the Wave 3 questionnaire and the frame, at http://127.0.0.1:8000
demo: setup
	$(BIN)/omnibus demo

## test: every test (PostgreSQL when DATABASE_URL is set, SQLite otherwise)
test: setup
	$(BIN)/pytest

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) node_modules var .pytest_cache .hypothesis
