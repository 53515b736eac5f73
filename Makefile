# Two entry points for a fresh machine with Python 3.11+: `make serve` and `make test`
# (`make lint`: ruff and mypy, as the CI runs them before the tests).
# Each creates .venv from pyproject.toml (and the web assets from package.json) when needed.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: serve test lint venv web clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { \
	  echo "ptce-kg needs Python 3.11 or newer; $(PYTHON) is $$($(PYTHON) -V 2>&1). Try: make PYTHON=python3.11 ..." >&2; exit 1; }
	@$(PYTHON) -c 'import ensurepip, venv' 2>/dev/null || { \
	  echo "$(PYTHON) cannot create a virtual environment; on Debian/Ubuntu: apt-get install python3-venv" >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

venv: $(STAMP)

web:
	@if [ -f package.json ] && command -v npm >/dev/null 2>&1; then \
	  [ node_modules/.package-lock.json -nt package-lock.json ] \
	  || npm ci --no-audit --no-fund --silent || npm install --no-audit --no-fund --silent \
	  || echo "warning: npm could not install the web assets; the YASGUI and map tests will be skipped" >&2; \
	fi

serve: $(STAMP) web
	$(BIN)/ptce-kg serve

test: $(STAMP) web
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check
	$(BIN)/ruff format --check
	$(BIN)/mypy ptce_kg

clean:
	rm -rf $(VENV) node_modules
