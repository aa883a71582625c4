# The two set-up commands of the README: `make demo` and `make test`.
# Each creates .venv and installs the package with what it needs, on a fresh machine.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench fuzz clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	# the service's tests, the Dask test and the benchmark runner's smoke test
	$(BIN)/python -m pip install --quiet -e '.[dev,service,distributed,bench]'
	touch $(STAMP)

demo: $(STAMP)  ## the whole matching round on the bundled caseload, with its report
	$(BIN)/matcher demo --out matcher-demo

test: $(STAMP)  ## the test suite (what CI runs; the bench extra too, for the runner's smoke test)
	$(BIN)/python -m pytest -n 2 --dist loadfile

lint: $(STAMP)
	$(BIN)/ruff check matcher tests benchmarks
	$(BIN)/mypy matcher benchmarks

bench: $(STAMP)  ## every benchmark scenario, then benchmarks/RESULTS.md and the charts (long)
	$(BIN)/python -m benchmarks --scenario all $(BENCH_ARGS)

fuzz: $(STAMP)  ## fuzz the loaders and the config loader for 5 minutes (not part of the tests)
	$(BIN)/python benchmarks/fuzz_inputs.py --seconds 300

clean:
	rm -rf $(VENV) matcher-demo
