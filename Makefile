# Two commands on a fresh clone: `make run` and `make test`. Each installs what it needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

NODE_STAMP := node_modules/.installed

.PHONY: run test lint eval build browser services bench bench-scale soak clean

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

## Serve the assistant on http://127.0.0.1:8000 (builds the index first if needed).
run: $(STAMP)
	$(BIN)/assistant serve --host 127.0.0.1 --port 8000

# axe-core for the accessibility test, from the npm registry (skipped if npm is missing).
$(NODE_STAMP): package.json package-lock.json
	if command -v npm >/dev/null; then npm ci --no-audit --no-fund --silent && touch $@; fi

## Lint, type-check and run the whole test suite. The browser tests need Debian's chromium
## (`make browser`), the scale-out tests redis-server and nginx (`make services`); without
## them those tests skip and say so, except in CI where they must run.
test: $(STAMP) $(NODE_STAMP)
	$(BIN)/ruff check assistant tests wsgi.py bench deploy
	$(BIN)/mypy
	$(BIN)/pytest

## Benchmark ours against the reference path (SMOKE=1 for a short run); needs wrk (Debian).
bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev,bench]'
	command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	$(BIN)/python bench/run.py $(if $(SMOKE),--smoke,)

## The same load on replicas sharing Redis: one replica, then two behind deploy/nginx.conf.
bench-scale: $(STAMP) services
	command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	$(BIN)/python bench/scale.py $(if $(SMOKE),--smoke,)

## Ten minutes of steady load on the real server, watching memory, files and database size.
soak: $(STAMP)
	$(BIN)/python bench/soak.py --minutes 10

## Install Debian's chromium for the browser tests (needs root; no browser download).
browser:
	command -v chromium >/dev/null || (apt-get update -qq && \
	  apt-get install -y -qq --no-install-recommends chromium fonts-noto-color-emoji)

## Install Debian's redis-server and nginx for the scale-out tests (needs root; not started).
services:
	command -v redis-server >/dev/null && command -v nginx >/dev/null || (apt-get update -qq && \
	  apt-get install -y -qq --no-install-recommends redis-server nginx)

lint: $(STAMP)
	$(BIN)/ruff check assistant tests wsgi.py bench deploy
	$(BIN)/ruff format --check assistant tests wsgi.py bench deploy
	$(BIN)/lint-imports

## Rebuild the index from corpus/ (only changed entries are re-embedded).
build: $(STAMP)
	$(BIN)/assistant build

## Score the assistant on eval/questions.yaml.
eval: $(STAMP)
	$(BIN)/assistant eval

clean:
	rm -rf $(VENV) instance node_modules .pytest_cache .mypy_cache .ruff_cache .hypothesis
