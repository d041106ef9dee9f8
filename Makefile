# star-survey: `make run` serves the app, `make test` runs every test. Nothing else to install.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PORT   ?= 8501

.PHONY: run test lint bench venv dev clean mutation

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

# The pure tests of time-dependent code once more in Beijing time (deployments run there, CI in
# UTC): a naive time read as local time fails here. About 10 s.
TZ_TESTS := tests/test_records.py tests/test_verify_chain.py tests/test_validation.py \
	tests/test_validation_bounds.py tests/test_stars.py tests/test_standard_literals.py \
	tests/test_eligibility.py tests/test_receipts.py tests/test_signature.py tests/test_tokens.py

test: lint
	$(PY) -m pytest -n 2 --dist loadfile -q
	TZ=Asia/Shanghai $(PY) -m pytest -q -m "not browser and not postgres" $(TZ_TESTS)

# mutmut on the core modules, one at a time, niced; prints the kill table (docs/testing.md).
# `make mutation MODULES="records verify"` measures only those. Not part of `make test`.
mutation: $(VENV)/.dev
	$(PY) -m tests.mutation.run $(MODULES)

bench: $(VENV)/.dev
	$(PY) -m bench

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache .mypy_cache .ruff_cache tests/artifacts
