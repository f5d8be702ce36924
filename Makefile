# MotCua — two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo test lint typecheck pytest messages makemessages clean system-deps

# The environment is rebuilt only when pyproject.toml changes.
$(VENV): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "MotCua needs Python 3.11 or newer")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(VENV)

# Compiled translations are build output: made from the .po sources, never committed.
MO_FILES := $(patsubst %.po,%.mo,$(wildcard motcua/locale/*/LC_MESSAGES/django.po motcua/*/locale/*/LC_MESSAGES/django.po))
%.mo: %.po | $(VENV)
	$(BIN)/pybabel compile --statistics -i $< -o $@ -D django
messages: $(MO_FILES)

# For developers (needs GNU gettext): refresh the .po files from the source.
makemessages: | $(VENV)
	cd motcua && ../$(BIN)/motcua makemessages -l vi --no-obsolete --ignore='tests/*'

# Debian packages: WeasyPrint's pango, poppler (pdfsig/pdftotext), chromium for browser tests.
system-deps:
	bash scripts/system-deps

demo: system-deps $(VENV) messages
	$(BIN)/motcua demo
	$(BIN)/motcua runserver $(HOST):$(PORT)

lint: | $(VENV)
	$(BIN)/ruff check motcua
	$(BIN)/ruff format --check motcua

typecheck: | $(VENV)
	$(BIN)/mypy motcua

pytest: | $(VENV)
	bash scripts/run-tests

test: system-deps $(VENV) messages lint typecheck pytest

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
