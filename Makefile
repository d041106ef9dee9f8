# star-survey: `make run` serves the app, `make test` runs every test. Nothing else to install.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PORT   ?= 8501

.PHONY: run test lint bench venv dev clean

$(VENV)/.runtime: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "star-survey needs Python >= 3.11")'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.dev: $(VENV)/.runtime
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

venv: $(VENV)/.runtime
dev: $(VENV)/.dev

run: $(VENV)/.runtime
	$(PY) -m cli init
	$(PY) -m cli serve --port $(PORT)

lint: $(VENV)/.dev
	$(PY) -m ruff check .
	$(PY) -m mypy surveys analytics cli

test: lint
	$(PY) -m pytest -n 2 --dist loadfile -q

bench: $(VENV)/.dev
	$(PY) -m bench

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache .mypy_cache .ruff_cache tests/artifacts
