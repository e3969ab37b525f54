# Two commands on a fresh clone: `make run` and `make test`. Each installs what it needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint eval build clean

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

## Serve the assistant on http://127.0.0.1:8000 (builds the index first if needed).
run: $(STAMP)
	$(BIN)/assistant serve --host 127.0.0.1 --port 8000

## Lint, type-check and run the whole test suite.
test: $(STAMP)
	$(BIN)/ruff check assistant tests wsgi.py
	$(BIN)/mypy
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check assistant tests wsgi.py
	$(BIN)/ruff format --check assistant tests wsgi.py

## Rebuild the index from corpus/ (only changed entries are re-embedded).
build: $(STAMP)
	$(BIN)/assistant build

## Score the assistant on eval/questions.yaml.
eval: $(STAMP)
	$(BIN)/assistant eval

clean:
	rm -rf $(VENV) instance .pytest_cache .mypy_cache .ruff_cache
