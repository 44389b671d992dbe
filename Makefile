# The README's commands: `make site` and `make test`. Everything runs from the local .venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: site test check bench serve lint format clean errors wheel

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

site: $(STAMP)  ## validate content/ and build site/
	$(BIN)/transparency check --content content
	$(BIN)/transparency build --content content --out site

test: $(STAMP)  ## the whole test suite (browser tests need /usr/bin/chromium)
	$(BIN)/python -m pytest

check: $(STAMP)
	$(BIN)/transparency check --content content

serve: $(STAMP)
	$(BIN)/transparency serve --content content

errors: $(STAMP)  ## regenerate the error catalogue page from the validator's messages
	$(BIN)/transparency errors > content/pages/errors.md

wheel: $(STAMP)  ## an installable wheel in dist/ (templates and the init skeleton included)
	$(BIN)/python -m pip wheel --no-deps . -w dist

bench: $(STAMP)  ## timings on synthetic content in a temporary folder
	$(BIN)/python bench/run.py

lint: $(STAMP)
	$(BIN)/ruff check generator tests bench
	$(BIN)/ruff format --check generator tests bench

format: $(STAMP)
	$(BIN)/ruff format generator tests bench
	$(BIN)/ruff check --fix generator tests bench

clean:
	rm -rf site .cache build dist *.egg-info
