# reuse — the two commands: `make run` (the platform, embedded) and `make test` (everything CI checks).
VENV ?= .venv
PY := $(VENV)/bin/python
PYTHON ?= python3
POSTGRES_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/postgres
export REUSE_INSTANCE_PATH ?= $(CURDIR)/instance

CATALOGS := $(wildcard web/translations/*/LC_MESSAGES/messages.po)

.PHONY: install translations messages lint test test-sqlite test-postgres test-browser run clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	touch $@

install: $(VENV)/.installed

%.mo: %.po $(VENV)/.installed
	$(VENV)/bin/pybabel compile --use-fuzzy -i $< -o $@

translations: $(CATALOGS:.po=.mo)

messages: install
	$(VENV)/bin/pybabel extract -F babel.cfg -k _l -o web/translations/messages.pot .
	$(VENV)/bin/pybabel update -i web/translations/messages.pot -d web/translations

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

test-sqlite: install translations
	$(PY) -m pytest -q

test-postgres: install translations
	REUSE_TEST_POSTGRES_URL=$(POSTGRES_URL) $(PY) -m pytest -q

# The browser tests (tests/browser) run in both database runs: Debian's chromium is required
# (.ci/run installs it); screenshots and axe-core figures go to test-artifacts/.
test-browser: install translations
	$(PY) -m pytest -q tests/browser

test: lint test-sqlite test-postgres

run: install translations
	$(VENV)/bin/reuse db upgrade
	$(VENV)/bin/reuse refdata load
	$(VENV)/bin/reuse seed demo
	@echo "reuse runs on http://127.0.0.1:8000 (web + worker + beat; Ctrl-C stops everything)."
	@echo "E-mails are written to $(REUSE_INSTANCE_PATH)/mail."
	REUSE_COOKIE_SECURE=0 $(PY) -m web

clean:
	rm -rf $(VENV) instance test-artifacts .pytest_cache .mypy_cache .ruff_cache
