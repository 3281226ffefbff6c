# The README's two commands: `make demo` and `make test`. Each creates .venv and installs what it needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The demo keeps its config and database in .demo/, away from your own.
DEMO_ENV := XDG_CONFIG_HOME=$(CURDIR)/.demo/config XDG_DATA_HOME=$(CURDIR)/.demo/data ODOOSYNC_CONFIG=
ODOOSYNC := $(DEMO_ENV) $(BIN)/odoosync

.PHONY: demo test lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

DEMO_STEPS := "ingest samples/portfolio.ndjson" "ingest samples/edits.ndjson" \
	"status rent_payment RP-2026-0003" "queue list"

demo: $(STAMP)
	@rm -rf .demo
	@for step in $(DEMO_STEPS); do \
		printf '\n$$ odoosync %s\n' "$$step"; \
		$(ODOOSYNC) $$step || exit $$?; \
	done

test: $(STAMP)
	$(BIN)/pytest -W error

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev,bench]'
	$(BIN)/python bench/ingest.py
	$(BIN)/python bench/sandbox.py
	$(BIN)/python bench/transport.py
	$(BIN)/python bench/sync.py

clean:
	rm -rf $(VENV) .demo .pytest_cache .mypy_cache .ruff_cache .hypothesis
