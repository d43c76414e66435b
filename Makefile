# Leercultuur: `make demo` to try it, `make test` to check it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
export FLASK_APP := wsgi

.PHONY: demo test test-sqlite test-pg lint translations extract-messages update-messages system-deps venv clean

venv: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	rm -f $(VENV)/.installed-*
	touch $@

translations: venv
	$(BIN)/pybabel compile -d app/translations

demo: venv translations
	LEERCULTUUR_DEMO=1 $(BIN)/flask db upgrade
	LEERCULTUUR_DEMO=1 $(BIN)/flask demo seed
	LEERCULTUUR_DEMO=1 scripts/demo-serve.sh

system-deps:
	scripts/system-deps.sh

test: system-deps venv translations
	$(BIN)/ruff check app tests
	scripts/test-both.sh

test-sqlite: venv translations
	TEST_DATABASE=sqlite $(BIN)/pytest

test-pg: system-deps venv translations
	TEST_DATABASE=postgresql $(BIN)/pytest

lint: venv
	$(BIN)/ruff check app tests
	$(BIN)/ruff format --check app tests

extract-messages: venv
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --ignore-dirs '.* __pycache__' \
		--no-location --sort-output --omit-header -o app/translations/messages.pot .

update-messages: extract-messages
	$(BIN)/pybabel update -i app/translations/messages.pot -d app/translations --no-fuzzy-matching --ignore-obsolete -w 100

clean:
	rm -rf $(VENV) instance test-artifacts
