# `make run` and `make test` each set up everything they need first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
# The embedded default keeps its own secret key in var/ (git-ignored); a SECRET_KEY set outside wins.
LOCAL_ENV = SECRET_KEY="$${SECRET_KEY:-$$(cat var/secret_key)}"
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test test-fast setup migrate content static lint typecheck bench superuser clean

run: setup migrate content
	@echo "Serving on http://$(HOST):$(PORT)/ (Ctrl+C to stop)"
	$(LOCAL_ENV) $(MANAGE) runserver $(HOST):$(PORT)

test: setup
	$(LOCAL_ENV) $(BIN)/pytest $(PYTEST_ARGS)

# Unit and integration tests only, without a browser.
test-fast: setup
	$(LOCAL_ENV) $(BIN)/pytest -m "not browser" $(PYTEST_ARGS)

setup: $(VENV)/.installed node_modules/.installed static/css/main.css var/secret_key static

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet ".[dev]"
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

static/css/main.css: $(wildcard static/scss/*.scss) node_modules/.installed
	npm run --silent build:css

var/secret_key:
	mkdir -p var
	$(BIN)/python -c "import secrets; print(secrets.token_urlsafe(50))" > $@
	chmod 600 $@

static:
	$(LOCAL_ENV) $(MANAGE) collectstatic --noinput --verbosity 0

migrate: setup
	$(LOCAL_ENV) $(MANAGE) migrate --noinput

# Shipped content from fixtures/ (topics, guides, rights pages, partner organisations).
content: setup
	$(LOCAL_ENV) $(MANAGE) load_content

# A full-access staff account: make superuser EMAIL=you@example.org
superuser: setup migrate
	$(LOCAL_ENV) $(MANAGE) create_staff --superuser "$(EMAIL)"

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(LOCAL_ENV) $(MANAGE) makemigrations --check --dry-run
	SECRET_KEY="$$(cat var/secret_key)-production-like-check" SITE_HTTPS=1 ALLOWED_HOSTS=support.example.org \
		$(MANAGE) check --deploy --fail-level WARNING

typecheck: setup
	$(LOCAL_ENV) $(BIN)/mypy .

clean:
	rm -rf $(VENV) node_modules staticfiles static/css/main.css
