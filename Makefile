# Two commands matter: `make demo` and `make test`. Both build .venv from requirements.txt first.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
DBT := $(VENV)/bin/dbt
# The sandbox company's fixed clock (pipelines/sandbox/company): ages and staleness in the demo
# are measured at this instant, so its numbers are reproducible.
AS_OF := 2026-10-01T00:00:00
SCALE ?= 1
SEED ?= 42
# The git ref `make review` compares the working tree with.
BASE ?= main
export DBT_SEND_ANONYMOUS_USAGE_STATS := false
export DO_NOT_TRACK := 1
export RUNTIME__DLTHUB_TELEMETRY := false

.PHONY: help setup demo test lint lint-python lint-sql lint-semantic pytest build review bench clean lock

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  %-10s %s\n", $$1, $$2}'

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

profiles.yml:
	cp profiles.example.yml profiles.yml

setup: $(VENV)/.installed profiles.yml  ## create .venv from the pinned requirements and profiles.yml

demo: setup  ## sandbox -> dlt -> warehouse.duckdb -> dbt build -> summary
	$(PY) -m pipelines load --sandbox --seed $(SEED) --scale $(SCALE)
	$(DBT) build --vars '{as_of: "$(AS_OF)"}'
	$(PY) -m pipelines summary

build: setup  ## dbt build on the current warehouse
	$(DBT) build --vars '{as_of: "$(AS_OF)"}'

review: setup  ## what the working tree changes against BASE (default main): writes review.md
	$(PY) -m review --base $(BASE) --vars '{as_of: "$(AS_OF)"}' $(REVIEW_ARGS)

test: lint pytest  ## every check: ruff, sqlfluff, mf validate-configs, pytest (pipelines, sandbox, dbt end to end)

lint: lint-python lint-sql lint-semantic  ## static checks

lint-python: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# sqlfluff's dbt templater opens the warehouse: point it at a scratch file, not the live one.
lint-sql: setup
	scratch=$$(mktemp -d) && WAREHOUSE_PATH=$$scratch/lint.duckdb $(VENV)/bin/sqlfluff lint models macros tests/dbt; \
	status=$$?; rm -rf $$scratch; exit $$status

# The semantic layer's own checks (MetricFlow reads target/semantic_manifest.json, which `dbt parse`
# writes); its checks against a built warehouse run in tests/e2e/test_warehouse.py.
lint-semantic: setup
	scratch=$$(mktemp -d) && WAREHOUSE_PATH=$$scratch/lint.duckdb $(DBT) parse --quiet \
	  && WAREHOUSE_PATH=$$scratch/lint.duckdb $(VENV)/bin/mf validate-configs --skip-dw; \
	status=$$?; rm -rf $$scratch; exit $$status

pytest: setup
	$(PY) -m pytest

bench: setup  ## time load and dbt build at scale 1 and 4, the review at 1 (figures, no assertions)
	$(PY) tests/bench/bench.py --scales 1 4

clean:  ## remove the warehouse, dbt output and dlt local state
	rm -rf warehouse.duckdb target logs .dlt/pipelines

lock:  ## re-pin requirements.txt from pyproject.toml's direct dependencies (needs the registry)
	rm -rf /tmp/lock-venv && $(PYTHON) -m venv /tmp/lock-venv
	$(PYTHON) -c "import tomllib; p = tomllib.load(open('pyproject.toml', 'rb'))['project']; \
	  print('\n'.join(p['dependencies'] + p['optional-dependencies']['dev']))" > /tmp/lock-venv/direct.txt
	/tmp/lock-venv/bin/pip install --quiet -r /tmp/lock-venv/direct.txt
	{ echo "# Pinned lock of every Python dependency (direct ones are listed in pyproject.toml)."; \
	  echo "# Regenerate: make lock"; \
	  /tmp/lock-venv/bin/pip freeze --all | grep -viE '^(pip|wheel)=='; } > requirements.txt
