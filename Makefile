# Showroom: `make run` serves the demo dealership, `make test` runs everything (browser tests included).
VENV    ?= .venv
PY      := $(VENV)/bin/python
FLASK   := $(PY) -m flask --app server
PYBABEL := $(VENV)/bin/pybabel
MO      := server/translations/zh_CN/LC_MESSAGES/messages.mo server/translations/en/LC_MESSAGES/messages.mo

.PHONY: install system-deps run test lint format bench translations compile-translations clean

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,dev]'
	touch $@

install: $(VENV)/.installed compile-translations ## Python packages into .venv, compiled catalogues

system-deps: ## Debian packages the app and its tests need (Chromium, CJK fonts, WeasyPrint's libraries)
	./scripts/system-deps.sh

run: system-deps install ## Migrate, load the demo dealership, serve on http://127.0.0.1:5000
	$(FLASK) db upgrade
	$(FLASK) seed-demo
	$(FLASK) run --host 127.0.0.1 --port 5000

# `make test` runs the suite in TEST_WORKERS processes (pytest-xdist, whole files per worker; each worker has its own
# database, live server and folders). TEST_WORKERS=0 runs it in one process, as plain `pytest` does; PYTEST_ARGS
# passes anything else to pytest (`make test PYTEST_ARGS="-x tests/sync"`).
TEST_WORKERS ?= 3
PYTEST_ARGS  ?=

test: system-deps install ## The whole suite: unit, API, browser (real Chromium), in parallel
	$(PY) -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

lint: install ## ruff, and the layer contracts (pyproject.toml [tool.importlinter])
	$(VENV)/bin/ruff check server tests bench
	$(VENV)/bin/ruff format --check server tests bench
	$(VENV)/bin/lint-imports --no-cache

format: install
	$(VENV)/bin/ruff check --fix server tests bench
	$(VENV)/bin/ruff format server tests bench

bench: install ## Benchmarks; each prints a ratio against a baseline measured in the same run
	@for b in bench/*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

translations: install ## Extract strings (Python, Jinja, tablet JS), update both catalogues, compile
	$(PYBABEL) extract -F babel.cfg -k _l -k t --no-wrap --sort-by-file --project Showroom -o server/translations/messages.pot .
	$(PYBABEL) update -i server/translations/messages.pot -d server/translations --no-wrap --ignore-obsolete
	$(PYBABEL) compile -d server/translations --statistics

compile-translations: $(MO)

server/translations/%/LC_MESSAGES/messages.mo: server/translations/%/LC_MESSAGES/messages.po $(VENV)/.installed
	$(PYBABEL) compile -d server/translations -l $* -i $< -o $@

clean:
	rm -rf $(VENV) instance test-artifacts .pytest_cache
