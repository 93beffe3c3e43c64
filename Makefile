# Kizuna — `make run` serves the dashboard, `make serve` serves it under gunicorn (production),
# `make test` lints and runs every test.
#
# Both share one virtual environment in .venv. Stamp files inside it record which
# requirements file was last installed, so a target installs again only when that file
# changed (or the environment is new).

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
RUNTIME_STAMP := $(VENV)/.installed-requirements
DEV_STAMP := $(VENV)/.installed-requirements-dev

HOST ?= 127.0.0.1
PORT ?= 8050

.PHONY: help run serve test test-fast lint bench screenshots clean

help:
	@echo "make run          serve the dashboard on http://$(HOST):$(PORT) (HOST=… PORT=… to change)"
	@echo "make serve        serve it for many users: gunicorn, workers from the CPU count (docs/deploy.md)"
	@echo "make test         lint + the whole pytest suite (browser tests use /usr/bin/chromium)"
	@echo "make test-fast    lint + the unit tests: no browser, PDF/Excel, child process or exhaustive sweep"
	@echo "make lint         ruff + import-linter (the layers of ARCHITECTURE.md run one way)"
	@echo "make bench        run every benchmarks/bench_*.py and print its figures"
	@echo "make screenshots  refresh docs/screenshots/*.png from the browser tests"
	@echo "make clean        remove test output and caches (keeps .venv)"

# Python 3.11 or newer: python3.11 if present, else python3 when it is recent enough.
$(PY):
	@python=$$(command -v python3.11 || command -v python3 || true); \
	if [ -z "$$python" ] || ! "$$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then \
		echo "Kizuna needs Python >= 3.11 (python3.11 or python3); found: $${python:-none}" >&2; exit 1; \
	fi; \
	echo "Creating $(VENV) with $$python ($$("$$python" --version))"; \
	"$$python" -m venv $(VENV)

$(RUNTIME_STAMP): requirements.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(DEV_STAMP): requirements.txt requirements-dev.txt requirements-celery.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(RUNTIME_STAMP) $@

run: $(RUNTIME_STAMP)
	HOST=$(HOST) PORT=$(PORT) $(PY) app.py

# gunicorn.conf.py reads HOST and PORT, and WEB_CONCURRENCY, KIZUNA_THREADS … from the environment.
serve: $(RUNTIME_STAMP)
	HOST=$(HOST) PORT=$(PORT) $(BIN)/gunicorn -c gunicorn.conf.py

lint: $(DEV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-cache

test: lint
	$(PY) -m pytest

# The tiers are pytest markers (pyproject.toml): browser, report, subprocess, slow.
test-fast: lint
	$(PY) -m pytest -n auto -m "not browser and not report and not subprocess and not slow"

bench: $(RUNTIME_STAMP)
	@shopt -s nullglob; benches=(benchmarks/bench_*.py); \
	if [ $${#benches[@]} -eq 0 ]; then echo "no benchmarks/bench_*.py yet"; exit 0; fi; \
	for bench in "$${benches[@]}"; do \
		echo "== $$bench"; PYTHONPATH=$(CURDIR) $(PY) "$$bench"; \
	done

screenshots: $(DEV_STAMP)
	KIZUNA_UPDATE_SCREENSHOTS=1 $(PY) -m pytest -m browser tests/browser
	@ls -l docs/screenshots/

clean:
	rm -rf tests/output test-results .pytest_cache .ruff_cache .hypothesis
	find . -path ./$(VENV) -prune -o -type d -name __pycache__ -print0 | xargs -0 rm -rf
