# orderguard — `make demo` and `make test` set everything up themselves.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
NATIVE := $(VENV)/.native
# ORDERGUARD_PURE=1 make ...: skip compiling, run and test the core as Python
CORE := $(if $(filter 1,$(ORDERGUARD_PURE)),venv,native)
REQUIRE_NATIVE := $(if $(filter 1,$(ORDERGUARD_PURE)),,ORDERGUARD_REQUIRE_NATIVE=1)

.PHONY: help venv native demo test test-unit lint typecheck bench kafka-up kafka-down clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

venv: $(STAMP)  ## create .venv and install orderguard with its dev tools

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip "setuptools>=77"
	ORDERGUARD_PURE=1 $(BIN)/python -m pip install -q -e ".[dev]"
	@rm -f $(VENV)/.installed-* && touch $@

native: $(NATIVE)  ## compile the detection core: mypyc, and the Rust engine (demo, test and bench do it first)

ENGINE_SOURCES := engine/Cargo.toml engine/Cargo.lock $(wildcard engine/src/*.rs engine/src/*/*.rs)

$(NATIVE): $(STAMP) setup.py streams/native.py $(wildcard streams/core/*.py) $(ENGINE_SOURCES)
	@echo "compiling streams/core with mypyc (about a minute; ORDERGUARD_PURE=1 runs the sources)"
	$(BIN)/python setup.py -q build_ext --inplace || { echo "make native: compiling failed;" \
	  "it needs a C compiler and Python's headers (Debian: gcc python3-dev)." \
	  "ORDERGUARD_PURE=1 make $(MAKECMDGOALS) runs the source instead." >&2; exit 1; }
	@echo "building the native engine (engine/, Rust; a minute or two the first time)"
	tools/build-engine.sh $(BIN)/python || { echo "make native: building the engine failed;" \
	  "it needs Rust's cargo (https://rustup.rs)." \
	  "ORDERGUARD_PURE=1 make $(MAKECMDGOALS) runs the Python core instead." >&2; exit 1; }
	$(BIN)/python -c "import sys; from streams.native import main; sys.exit(main())"
	@touch $@

demo: $(CORE)  ## run the pipeline on a simulated marketplace day (starts a local broker if needed)
	tools/with-kafka.sh $(BIN)/orderguard demo $(DEMO_ARGS)

test: $(CORE)  ## unit, component and integration tests against a real broker
	ORDERGUARD_REQUIRE_KAFKA=1 ORDERGUARD_KAFKA_SCRATCH=1 $(REQUIRE_NATIVE) tools/with-kafka.sh $(BIN)/python -m pytest $(PYTEST_ARGS)

test-unit: $(CORE)  ## tests that need no broker
	$(REQUIRE_NATIVE) $(BIN)/python -m pytest tests/unit tests/component $(PYTEST_ARGS)

lint: venv  ## ruff, and mypy --strict on the pure core
	$(BIN)/ruff check .
	$(BIN)/mypy schemas/event.py schemas/alert.py streams/core

bench: $(CORE)  ## benchmarks (ratios against baselines measured in the same run)
	tools/with-kafka.sh $(BIN)/python -m bench

kafka-up:  ## start a local single-node Kafka (KRaft) on localhost:9092 from Maven jars
	tools/kafka/kafka.sh up

kafka-down:  ## stop the local Kafka started by kafka-up
	tools/kafka/kafka.sh down

clean:  ## remove the venv, the local broker's data and demo files
	-tools/kafka/kafka.sh down
	rm -rf $(VENV) .kafka demo .orderguard *.duckdb build streams/core/compiled.sha256
	rm -f streams/core/*.so streams/_engine*.so
	rm -rf engine/target
