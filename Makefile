# cchc_analysis — one command per job. `make help` lists them.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.DEFAULT_GOAL := help
.PHONY: help setup briefing test lint format lab bench clean-exports

help: ## list the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

setup: $(STAMP) ## create .venv, install the package with pinned versions, the Jupyter kernel and Chromium (for PDF)

$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements.lock -e ".[dev]"
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (cchc)" >/dev/null
	@# JupyterLab: a monospace font with Vietnamese glyphs in every style (comments are italic), for this venv only
	mkdir -p $(VENV)/share/jupyter/lab/settings
	cp cchc_analysis/templates/jupyterlab/overrides.json $(VENV)/share/jupyter/lab/settings/overrides.json
	@# Kernels of this venv log errors only: no "running over TCP without encryption" warning on every run
	mkdir -p $(VENV)/etc/ipython
	cp cchc_analysis/templates/jupyterlab/ipython_kernel_config.json $(VENV)/etc/ipython/ipython_kernel_config.json
	@bash .ci/install-system-packages || echo "Không cài được Chromium: bản tin PDF sẽ không được tạo (HTML vẫn có). | Chromium not installed: no PDF."
	@touch $(STAMP)

briefing: setup ## build the default briefing (the 2026 inspection, bundled data) and the remediation draft into exports/
	$(BIN)/cchc briefing
	$(BIN)/cchc remediation -o exports/2026-kiem-tra/bao_cao_khac_phuc.docx

test: setup ## ruff (lint + format check) and the whole test suite
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest

lint: setup ## ruff check only
	$(BIN)/ruff check .

format: setup ## reformat the code with ruff
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

lab: setup ## open JupyterLab on the notebooks
	$(BIN)/jupyter lab notebooks/

bench: setup ## run the speed and memory benchmark against DuckDB (see bench/README.md)
	$(BIN)/python bench/run_bench.py

clean-exports: ## delete generated briefings under exports/ (keeps exports/README.md)
	find exports -mindepth 1 -not -name README.md -not -name .gitignore -delete
