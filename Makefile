# The README's two commands: `make demo` and `make test`. Each creates .venv and installs what it needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
.PHONY: demo test lint bench docs clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

# The demo runs against the bundled Odoo sandbox, in a temporary folder: nothing of your own is touched.
demo: $(STAMP)
	$(BIN)/odoosync demo

# On every core (pytest-xdist): each test has its own temporary folders, sandboxes on free ports and PostgreSQL
# schemas, so tests run side by side; worksteal evens out the slow acceptance tests.
test: $(STAMP)
	$(BIN)/pytest -W error -n auto --dist worksteal

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

# docs/cli-help.md is every command's --help; a test fails when it is not current.
docs: $(STAMP)
	$(BIN)/python -m odoosync.cli.reference > docs/cli-help.md

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev,bench]'
	$(BIN)/python bench/ingest.py
	$(BIN)/python bench/sandbox.py
	$(BIN)/python bench/transport.py
	$(BIN)/python bench/sync.py
	$(BIN)/python bench/memory.py

clean:
	rm -rf $(VENV) .demo .pytest_cache .mypy_cache .ruff_cache .hypothesis
