# Everything runs from a local .venv that this Makefile creates; only Python 3.11+ and make are needed.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: install test lint bench demo docs clean

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

lint: $(STAMP)
	$(BIN)/ruff check .

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/pytest -q

bench: $(STAMP)
	@for b in bench/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

# Offline: a replay server on 127.0.0.1 serves demo/recordings/; data goes to data/demo/. Ctrl-C stops it.
# `python -m jobs.cli` (not the `gapwatch` script) so the checkout itself is imported whatever the venv holds.
demo: $(STAMP)
	@echo "gapwatch demo: building history from demo/recordings/, then the service and the app (URL below)"
	$(BIN)/python -m jobs.cli demo

# docs/sources.md and docs/configuration.md from the source registry and the settings' field descriptions.
docs: $(STAMP)
	$(BIN)/python -m docs.generate

clean:
	rm -rf $(VENV) data .pytest_cache .ruff_cache
