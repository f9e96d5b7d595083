# danvan — the two commands: `make run` and `make test`. See README.md.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
REQS := requirements/base.txt requirements/dev.txt
STAMP := $(VENV)/.installed-$(shell cat $(REQS) 2>/dev/null | sha1sum | cut -c1-12)
TEST_SETTINGS := DJANGO_SETTINGS_MODULE=config.settings.test
DEBIAN_TEST_PACKAGES := chromium fonts-liberation2 gettext

.PHONY: help venv run test lint fmt check-translations messages test-postgres debian-run-deps debian-test-deps clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-20s %s\n", $$1, $$2}'

$(STAMP): $(REQS)
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements/dev.txt
	@rm -f $(VENV)/.installed-*
	@touch $@

venv: $(STAMP) ## create .venv and install the pinned requirements (only when they changed)

run: venv debian-run-deps ## migrate, load units and demo data, print logins, serve http://127.0.0.1:8000 with the worker
	@mkdir -p var
	$(PY) manage.py migrate --noinput
	$(PY) manage.py createcachetable
	$(PY) manage.py load_units
	$(PY) manage.py compilemessages --ignore=.venv -v0
	$(PY) manage.py load_demo
	$(PY) manage.py load_demo_initiatives
	$(PY) manage.py load_demo_citizens
	$(PY) manage.py load_demo_plans
	$(PY) manage.py load_demo_reports
	bash scripts/run-dev.sh

debian-run-deps: ## install Debian's gettext (compiles the Vietnamese catalogue) when missing
	@$(MAKE) --no-print-directory debian-test-deps DEBIAN_TEST_PACKAGES=gettext

debian-test-deps: ## install Debian's chromium, fonts-liberation2 and gettext when missing
	@missing=""; for p in $(DEBIAN_TEST_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  sudo=""; [ "$$(id -u)" = 0 ] || sudo=sudo; \
	  $$sudo apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

lint: venv ## ruff check and format check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

fmt: venv ## ruff format and safe fixes
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

check-translations: ## fail when a catalogue has untranslated or fuzzy messages
	bash scripts/check_translations.sh

messages: venv ## update the vi catalogue from the code (then translate the new entries)
	$(PY) manage.py makemessages -l vi --ignore=.venv --ignore=static --ignore=var --no-obsolete
	@echo "Now translate the empty and fuzzy entries of locale/vi/LC_MESSAGES/django.po"

test: venv debian-test-deps lint check-translations ## everything CI runs on SQLite, browser tests included
	$(TEST_SETTINGS) $(PY) manage.py makemigrations --check --dry-run
	$(TEST_SETTINGS) $(PY) manage.py compilemessages --ignore=.venv -v0
	$(TEST_SETTINGS) $(PY) manage.py spectacular --validate --fail-on-warn --file /dev/null
	$(VENV)/bin/pytest -n 2

test-postgres: venv debian-test-deps ## the suite against a throwaway PostgreSQL 15 cluster
	$(TEST_SETTINGS) $(PY) manage.py compilemessages --ignore=.venv -v0
	bash scripts/test-postgres.sh

clean: ## remove caches and the local database (keeps .venv)
	rm -rf var .pytest_cache .ruff_cache .hypothesis
	find . -name __pycache__ -not -path './.venv/*' -prune -exec rm -rf {} +
