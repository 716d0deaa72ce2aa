# Gongkai — the two commands: `make run` and `make test`. Everything they need is installed here.
SHELL := /bin/bash
export UV_PYTHON_DOWNLOADS := never
export PATH := $(HOME)/.local/bin:$(PATH)
PORT ?= 8000
PG_URL ?= postgres://postgres@127.0.0.1:5432/gongkai
RUN := .venv/bin/gongkai

.PHONY: setup run test lint test-sqlite test-postgres test-travel postgres browser bench clean

setup: .venv/.installed

.venv/.installed: pyproject.toml uv.lock
	@bash scripts/ensure-uv
	uv sync --frozen --python python3 --quiet
	@touch $@

run: setup
	$(RUN) migrate --no-input
	$(RUN) load_demo
	$(RUN) collectstatic --no-input --verbosity 0
	PORT=$(PORT) bash scripts/serve

lint: setup
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/mypy gongkai bench
	.venv/bin/lint-imports --no-cache

postgres:
	@bash scripts/ensure-postgres

browser:
	@bash scripts/ensure-browser

test-sqlite: setup browser
	DATABASE_URL=sqlite:///var/test.sqlite3 .venv/bin/pytest -p no:cacheprovider

test-postgres: setup postgres browser
	DATABASE_URL=$(PG_URL) .venv/bin/pytest -p no:cacheprovider

test: lint test-sqlite test-postgres

# The whole suite with the process clock in a year that has no shipped holiday schedule.
TRAVEL_TO ?= 2031-03-01
test-travel: setup browser
	GONGKAI_TEST_TODAY=$(TRAVEL_TO) DATABASE_URL=sqlite:///var/test-travel.sqlite3 .venv/bin/pytest -p no:cacheprovider

bench: setup
	@for b in bench/*.py; do echo "== $$b"; .venv/bin/python $$b || exit 1; done

clean:
	rm -rf .venv var media node_modules
