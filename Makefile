# charseg: one-command setup, demo and tests.
#   make demo   set up .venv and segment the example file with the bundled model
#   make test   set up everything the tests need and run every test

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
STAMP := $(VENV)/.installed
DEBIAN_PACKAGES := neovim chromium ripgrep libkrb5-dev
DEMO_INPUT := examples/python_scala_sql.py
DEMO_HTML := demo.html
DEMO_TRUTH := examples/python_scala_sql.truth.json

.PHONY: demo test lint format venv venv-dev debian test-python test-extension bench bench-peers clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e .
	touch $@

venv: $(STAMP)

$(VENV)/.installed-dev: $(STAMP) pyproject.toml
	$(PIP) install --quiet -e ".[train,dev]"
	$(PY) -m charseg_server.doctor
	touch $@

venv-dev: $(VENV)/.installed-dev

demo: venv
	$(VENV)/bin/charseg info
	$(VENV)/bin/charseg segment $(DEMO_INPUT) --format text
	$(VENV)/bin/charseg segment $(DEMO_INPUT) --format html --truth $(DEMO_TRUTH) --out $(DEMO_HTML)
	@echo "HTML view written to $(DEMO_HTML)"

debian:
	@missing=""; for p in $(DEBIAN_PACKAGES); do \
	  dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

lint: venv-dev
	$(VENV)/bin/ruff check server training tests bench
	$(VENV)/bin/ruff format --check server training tests bench

format: venv-dev
	$(VENV)/bin/ruff format server training tests bench
	$(VENV)/bin/ruff check --fix server training tests bench

test-python: venv-dev debian
	$(VENV)/bin/pytest -q

test-extension: venv-dev debian
	$(MAKE) -C vscode-extension lint test e2e

test: lint test-python test-extension

bench: venv-dev
	$(PY) bench/bench_engine.py

bench-peers: venv-dev
	$(PY) bench/peers/run_all.py --count 100

clean:
	rm -rf $(VENV) build dist *.egg-info $(DEMO_HTML)
