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
# The demo's engine: duckdb (an embedded file), postgres (a throwaway local cluster) or spark
# (local mode: Parquet files and a metastore in SPARK_DIR).
ENGINE ?= duckdb
POSTGRES_DIR ?= .postgres
SPARK_DIR ?= .spark
# The git ref `make review` compares the working tree with.
BASE ?= main
export DBT_SEND_ANONYMOUS_USAGE_STATS := false
export DO_NOT_TRACK := 1
export RUNTIME__DLTHUB_TELEMETRY := false

.PHONY: help setup engines demo test lint lint-python lint-sql lint-semantic pytest build review \
	bench clean lock postgres-stop

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  %-10s %s\n", $$1, $$2}'

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

profiles.yml:
	cp profiles.example.yml profiles.yml

setup: $(VENV)/.installed profiles.yml  ## create .venv from the pinned requirements and profiles.yml

# PostgreSQL's server and Spark's Java come from Debian's packages, installed where we are root;
# elsewhere their tests say they are skipped and why. (pyspark itself is in requirements.txt.)
engines:  ## install what the other engines need when missing (PostgreSQL, a Java runtime)
	@$(PY) -c "from pipelines.engines.postgres import find_bin_dir; find_bin_dir()" 2>/dev/null \
	  || if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing Debian's postgresql"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; \
	  else echo "PostgreSQL is not installed and we are not root: its tests will be skipped"; fi
	@command -v java >/dev/null \
	  || if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing Debian's default-jre-headless"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless >/dev/null; \
	  else echo "No Java runtime and we are not root: the Spark tests will be skipped"; fi

ifeq ($(ENGINE),postgres)
# A local cluster in $(POSTGRES_DIR), kept running for queries (`make postgres-stop`).
demo: setup engines
	eval "$$($(PY) -m pipelines.engines.postgres start --dir $(POSTGRES_DIR))" \
	  && export DBT_TARGET=postgres WAREHOUSE_DESTINATION=postgres \
	  && $(PY) -m pipelines load --sandbox --seed $(SEED) --scale $(SCALE) \
	  && $(DBT) build --vars '{as_of: "$(AS_OF)"}' \
	  && $(PY) -m pipelines summary
	@echo "PostgreSQL keeps running; its settings: $(PY) -m pipelines.engines.postgres env" \
	  "--dir $(POSTGRES_DIR); make postgres-stop stops it"
else ifeq ($(ENGINE),spark)
# dlt writes Parquet files, registered as tables of a local metastore; dbt-spark builds on them.
demo: setup engines
	export DBT_TARGET=spark SPARK_DIR=$(abspath $(SPARK_DIR)) WAREHOUSE_DESTINATION=filesystem \
	    DESTINATION__FILESYSTEM__BUCKET_URL=$(abspath $(SPARK_DIR))/raw \
	  && $(PY) -m pipelines load --sandbox --seed $(SEED) --scale $(SCALE) \
	  && $(PY) -m pipelines.engines.spark register --raw $(abspath $(SPARK_DIR))/raw \
	  && $(DBT) build --vars '{as_of: "$(AS_OF)"}' \
	  && $(PY) -m pipelines summary --destination spark
else
demo: setup  ## sandbox -> dlt -> warehouse -> dbt build -> summary (ENGINE=duckdb|postgres|spark)
	$(PY) -m pipelines load --sandbox --seed $(SEED) --scale $(SCALE)
	$(DBT) build --vars '{as_of: "$(AS_OF)"}'
	$(PY) -m pipelines summary
endif

postgres-stop:  ## stop the demo's local PostgreSQL cluster
	$(PY) -m pipelines.engines.postgres stop --dir $(POSTGRES_DIR)

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

# Spark's stage (one JVM, its query planning mostly on one thread) runs as a second pytest process
# beside the rest, whose loads keep one core busy: on 2 cores the two overlap instead of adding up.
# Its report follows the main one; the target fails if either fails.
pytest: setup engines
	spark_log=$$(mktemp) \
	  && { $(PY) -m pytest -m spark -p no:cacheprovider >$$spark_log 2>&1 & spark_pid=$$!; } \
	  && $(PY) -m pytest -m "not spark"; status=$$?; \
	wait $$spark_pid; spark_status=$$?; \
	echo "---- Spark stage (pytest -m spark) ----"; cat $$spark_log; rm -f $$spark_log; \
	[ $$status = 0 ] && [ $$spark_status = 0 ]

bench: setup engines  ## time load and build: DuckDB at scale 1 and 4 (and the review at 1), PostgreSQL and Spark at 1
	$(PY) tests/bench/bench.py --scales 1 4 --engines postgres spark --engine-scales 1

clean:  ## remove the warehouses (DuckDB, local PostgreSQL and Spark), dbt output, dlt state
	-test -f $(POSTGRES_DIR)/data/postmaster.pid && $(PY) -m pipelines.engines.postgres stop --dir $(POSTGRES_DIR)
	rm -rf warehouse.duckdb $(POSTGRES_DIR) $(SPARK_DIR) target logs .dlt/pipelines

lock:  ## re-pin requirements.txt from pyproject.toml's direct dependencies (needs the registry)
	rm -rf /tmp/lock-venv && $(PYTHON) -m venv /tmp/lock-venv
	$(PYTHON) -c "import tomllib; p = tomllib.load(open('pyproject.toml', 'rb'))['project']; \
	  print('\n'.join(p['dependencies'] + p['optional-dependencies']['dev']))" > /tmp/lock-venv/direct.txt
	/tmp/lock-venv/bin/pip install --quiet -r /tmp/lock-venv/direct.txt
	{ echo "# Pinned lock of every Python dependency (direct ones are listed in pyproject.toml)."; \
	  echo "# Regenerate: make lock"; \
	  /tmp/lock-venv/bin/pip freeze --all | grep -viE '^(pip|wheel)=='; } > requirements.txt
