# Solidarité — two commands: `make run` serves the demo, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
INSTALLED := $(VENV)/.installed-stamp
SPARK_INSTALLED := $(VENV)/.spark-stamp
# OpenFisca-France, the reference the national schemes are checked against: a virtualenv of its
# own (it pins openfisca-core and pytest versions that differ from ours; never a runtime need).
REFERENCE := .venv-reference
REFERENCE_INSTALLED := $(REFERENCE)/.installed-stamp
# make run and make test are local: DEBUG on lets them generate their own keys under var/ and
# load the demo. Production never runs through make (docs/deploy.md) and refuses to start
# without its keys.
export DEBUG := true

.PHONY: run test install reference lint typecheck pytest messages bench clean

$(INSTALLED): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(INSTALLED)

install: $(INSTALLED)

reference: $(REFERENCE_INSTALLED)

$(REFERENCE_INSTALLED): benchmarks/reference/requirements.txt
	test -x $(REFERENCE)/bin/python || $(PYTHON) -m venv $(REFERENCE)
	$(REFERENCE)/bin/python -m pip install --quiet --upgrade pip
	$(REFERENCE)/bin/python -m pip install --quiet -r benchmarks/reference/requirements.txt
	touch $(REFERENCE_INSTALLED)

# The Spark engine of the costing (optional extra): the suite runs it on local[2].
$(SPARK_INSTALLED): $(INSTALLED) pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[dev,spark]'
	touch $(SPARK_INSTALLED)

run: $(INSTALLED)
	mkdir -p var
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/solidarite demo load
	@echo ""
	@echo "Solidarité : http://127.0.0.1:$(PORT)/ (costing runs: background worker started)"
	$(BIN)/python manage.py db_worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(INSTALLED)
	$(BIN)/mypy

pytest: $(INSTALLED) $(SPARK_INSTALLED) $(REFERENCE_INSTALLED)
	$(BIN)/pytest
	SOLIDARITE_TEST_DB=postgres $(BIN)/pytest

test: $(SPARK_INSTALLED) lint typecheck
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/solidarite rules check
	$(BIN)/solidarite rules test
	$(BIN)/solidarite rules test --catalog docs/examples/catalog
	$(BIN)/solidarite plans check
	$(BIN)/solidarite territory check
	$(MAKE) pytest

messages: $(INSTALLED)
	cd src/solidarite && ../../$(BIN)/django-admin makemessages -l en --no-obsolete && ../../$(BIN)/django-admin compilemessages

bench: $(INSTALLED)
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	$(BIN)/python benchmarks/rules_engine.py

clean:
	rm -rf $(VENV) $(REFERENCE) var .mypy_cache .ruff_cache .pytest_cache
