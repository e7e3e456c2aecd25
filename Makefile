# Two commands: `make run` serves the demo newsroom, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8000
export FACTCHECK_ENV ?= development

.PHONY: run test setup lint clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	@touch $(STAMP)

# manage.py commands typed by hand read this (never gunicorn, wsgi.py or asgi.py): development here.
.env:
	@printf '# Written by make for this checkout: manage.py reads it; servers never do.\nFACTCHECK_ENV=development\n' > .env

# The development database is migrated too, so the README's manage.py commands run as written
# after `make test` as well as after `make run`.
setup: $(STAMP) .env
	$(BIN)/python manage.py migrate --verbosity 0

# Absolute links (canonical, share, JSON-LD, embed, mail) follow the port the demo serves on.
run: setup
	SITE_URL="$${SITE_URL:-http://127.0.0.1:$(PORT)}" $(BIN)/python manage.py serve_demo --port $(PORT)

# The W3C Nu Html Checker for tests/test_valid_html.py, from the npm registry (it runs on Java); the
# test is skipped, saying why, where either is missing.
VNU_JAR := node_modules/vnu-jar/build/dist/vnu.jar
$(VNU_JAR):
	@if command -v java >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then \
		npm install --no-save --no-package-lock --ignore-scripts --silent vnu-jar@26.9.27 \
			|| echo "vnu-jar could not be installed: the HTML check will be skipped."; \
	else echo "Java or npm is missing: the HTML check will be skipped."; fi

test: setup $(VNU_JAR)
	$(BIN)/ruff check .
	FACTCHECK_ENV=test $(BIN)/pytest --durations=15 $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check . || true

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
