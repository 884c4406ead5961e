# Two commands do all set-up on a fresh clone:
#   make run    start the bot (terminal console on SQLite without Slack credentials)
#   make test   run the whole test suite (SQLite and PostgreSQL)
PY ?= python3
VENV := .venv
STAMP := $(VENV)/.installed

.PHONY: run test bootstrap

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e '.[dev]'
	touch $(STAMP)

bootstrap: $(STAMP)

run: $(STAMP)
	$(VENV)/bin/lawcrm run

test: $(STAMP)
	$(VENV)/bin/python -m pytest -n 4 $(PYTEST_ARGS)
