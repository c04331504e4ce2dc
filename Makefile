# The two commands of the quick start: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
TEST_DATA_DIR ?= var/test

.PHONY: demo test test-fast lint venv messages clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "congdong needs Python 3.11 or newer")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

venv: $(STAMP)

messages: venv
	$(BIN)/congdong i18n compile

demo: messages
	$(BIN)/congdong demo

# Bytecode is written even where the environment says not to (PYTHONDONTWRITEBYTECODE): the
# suite starts hundreds of Python processes (CLI commands, servers, benchmark steps, workers),
# and each would compile the project's modules again, and pytest rewrite every test module.
NO_RECOMPILING := PYTHONDONTWRITEBYTECODE=

test: messages
	$(NO_RECOMPILING) CONGDONG_DATA_DIR=$(TEST_DATA_DIR) $(BIN)/pytest $(PYTEST_ARGS)

# The quick loop while writing code: every test but the Chromium journeys (marker e2e) and the
# tests marked slow (demo builds, benchmarks, subprocess installations, the 2022 scenario), with
# pytest-xdist: two workers per CPU, since about half of these tests' time is waiting (threads
# released together, local fake servers, rate-limit windows), which a second worker fills. Each
# worker migrates its own in-memory database. `make test` runs all.
FAST_WORKERS ?= $(shell echo $$(( $$(nproc 2>/dev/null || echo 1) * 2 )))
test-fast: messages
	$(NO_RECOMPILING) CONGDONG_DATA_DIR=$(TEST_DATA_DIR) $(BIN)/pytest -n $(FAST_WORKERS) -q -m "not slow and not e2e" $(PYTEST_ARGS)

# Then mypy with django-stubs on a ratchet: fails if the count of type errors rises, or falls
# without mypy-ratchet.json being lowered (`scripts/mypy_ratchet.py --update`).
lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/python scripts/mypy_ratchet.py

clean:
	rm -rf $(VENV) var
