# dialoogbot: `make demo` runs a full round locally, `make test` runs every test.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: help install demo demo-netwerk test lint format bench messages lock clean

help: ## list the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | expand -t 12

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

install: $(STAMP) ## create .venv and install dialoogbot with its dev tools

demo: $(STAMP) ## run a complete Dialoogkaart round in the terminal
	$(BIN)/dialoogbot demo

demo-netwerk: $(STAMP) ## a network round: each colleague at their own pace, privately
	$(BIN)/dialoogbot demo --netwerk

test: $(STAMP) ## run all tests (SQLite and a throwaway PostgreSQL)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP) ## ruff and mypy
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: $(STAMP) ## let ruff fix what it can
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: $(STAMP) ## speed and memory of the hot paths, against baselines
	$(BIN)/python -m benchmarks

messages: $(STAMP) ## extract translatable messages into bot/locale/dialoogbot.pot
	mkdir -p bot/locale
	$(BIN)/pybabel extract -F babel.cfg -o bot/locale/dialoogbot.pot --project dialoogbot .

lock: ## re-pin constraints.txt from a fresh resolve of pyproject.toml
	rm -rf .lock-venv
	$(PYTHON) -m venv .lock-venv
	.lock-venv/bin/pip install --quiet --upgrade pip
	.lock-venv/bin/pip install --quiet '.[dev]'
	{ echo "# Pinned versions for reproducible installs; regenerate with 'make lock'."; \
	  .lock-venv/bin/pip freeze --exclude-editable | grep -iv '^dialoogbot'; } > constraints.txt
	rm -rf .lock-venv build *.egg-info

clean: ## remove the virtualenv and caches
	rm -rf $(VENV) .lock-venv build *.egg-info .mypy_cache .ruff_cache .pytest_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
