# Quick start: `make run` starts the daemon, `make test` runs every test. Both set up first.
VENV ?= .venv
BIN := $(VENV)/bin
CONFIG ?= config/sites.yaml
export VENV

.PHONY: setup run test test-fast check lint format types demo bench clean

setup:
	@scripts/setup.sh

run: setup
	$(BIN)/archiver --config $(CONFIG) run

test: setup
	$(BIN)/pytest

test-fast: setup
	$(BIN)/pytest -m "not browser and not s3 and not smtp and not slow"

lint: setup
	$(BIN)/ruff format --check archiver tests benchmarks
	$(BIN)/ruff check archiver tests benchmarks

types: setup
	$(BIN)/mypy

check: lint types test

format: setup
	$(BIN)/ruff format archiver tests benchmarks
	$(BIN)/ruff check --fix archiver tests benchmarks

demo: setup
	$(BIN)/archiver demo

bench: setup
	$(BIN)/python -m benchmarks.bench_core

clean:
	rm -rf $(VENV) .venv-tools .pytest_cache .mypy_cache .ruff_cache build *.egg-info
