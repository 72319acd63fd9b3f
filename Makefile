# Two commands matter: `make demo` and `make test`. Everything else supports them.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
DEMO_PORT ?= 8000
SIM_PORT ?= 8765
SIM_SEED ?= 7
SIM_SIZE ?= 3000
SIM_SPEED ?= 20

.PHONY: demo test lint venv deps dev-deps browser pdf-libs migrate clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.deps: requirements.txt | $(VENV)/bin/python pdf-libs
	$(PIP) install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-deps: requirements.txt requirements-dev.txt | $(VENV)/bin/python pdf-libs
	$(PIP) install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.deps

venv: $(VENV)/bin/python
deps: $(VENV)/.deps
dev-deps: $(VENV)/.dev-deps

migrate: deps
	$(PY) manage.py migrate --noinput

# The browser tests drive the system Chromium; install it when we may (root with apt-get).
browser:
	@command -v chromium >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium poppler-utils >/dev/null) \
	  || echo "chromium not installed: browser tests will be skipped"; }

# PDF reports (WeasyPrint) need Pango, HarfBuzz and fonts from the system; the report tests read
# PDFs with poppler-utils (pdftotext, pdftoppm). Install them when we may (root with apt-get).
pdf-libs:
	@{ ldconfig -p | grep -q libpango-1.0 && command -v pdftotext >/dev/null; } || \
	{ [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libpango-1.0-0 \
	   libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 fonts-dejavu-core poppler-utils >/dev/null) \
	  || echo "Pango or poppler-utils missing: PDF reports cannot be written"; }

# The demo's connection points at the simulator on loopback: allow that host (scripts/demo.sh).
demo: deps
	@KRAKEN_ALLOWED_HOSTS=$${KRAKEN_ALLOWED_HOSTS:-127.0.0.1} bash scripts/demo.sh

test: dev-deps browser
	$(PY) -m pytest $(PYTEST_ARGS)

lint: dev-deps
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy portfolio/kraken portfolio/accounting portfolio/simulator

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache .ruff_cache .mypy_cache
