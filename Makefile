# `make run` and `make test` each set up everything they need first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
# The embedded default keeps its own secret key and diary keyring in var/ (git-ignored); values set outside win.
LOCAL_ENV = SECRET_KEY="$${SECRET_KEY:-$$(cat var/secret_key)}" DIARY_KEYRING="$${DIARY_KEYRING:-$$(cat var/diary_keyring)}"
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run serve test test-fast setup migrate content static lint typecheck bench bench-scale soak superuser clean

# The web server and, beside it, the background worker that delivers hand-offs and emails.
# Ctrl+C (or the server stopping for any reason) stops the worker too; the worker finishes the
# task in hand first. Anything queued meanwhile waits in the database for the next start.
run: setup migrate content
	@echo "Serving on http://$(HOST):$(PORT)/ with the background worker (Ctrl+C stops both)"
	@export $(LOCAL_ENV); \
	$(MANAGE) sweep_handoffs --verbosity 0; \
	$(MANAGE) db_worker --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT; \
	trap 'exit 130' INT TERM; \
	$(MANAGE) runserver $(HOST):$(PORT)

# The production topology on this machine, from deploy/ as it is: nginx in front (PORT, default
# 8080), gunicorn for pages and Daphne for the chat's websockets, one of each per core, and the
# task worker. Needs PostgreSQL and Redis; refuses to start without them.
serve: setup
	@if [ -z "$$DATABASE_URL" ] || [ -z "$$REDIS_URL" ]; then \
		echo "make serve needs DATABASE_URL and REDIS_URL (PostgreSQL and Redis), for example:"; \
		echo "  DATABASE_URL=postgres://postgres@127.0.0.1:5432/mysupportspace REDIS_URL=redis://127.0.0.1:6379/0 make serve"; \
		echo "(make run serves the embedded default without them)"; exit 2; fi
	$(LOCAL_ENV) $(MANAGE) migrate --noinput
	$(LOCAL_ENV) $(MANAGE) load_content
	$(LOCAL_ENV) $(MANAGE) sweep_handoffs --verbosity 0
	@export $(LOCAL_ENV); $(BIN)/python deploy/serve.py

test: setup
	$(LOCAL_ENV) $(BIN)/pytest $(PYTEST_ARGS)

# Unit and integration tests only, without a browser.
test-fast: setup
	$(LOCAL_ENV) $(BIN)/pytest -m "not browser" $(PYTEST_ARGS)

setup: $(VENV)/.installed node_modules/.installed static/css/main.css var/secret_key var/diary_keyring static

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

# The key that encrypts diary text at rest (see diary/crypto.py). Losing it loses the diary.
var/diary_keyring:
	mkdir -p var
	$(BIN)/python -c "import base64, secrets, time; print(time.strftime('k%Y%m%d') + ':' + base64.urlsafe_b64encode(secrets.token_bytes(32)).decode())" > $@
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
	SECRET_KEY="$$(cat var/secret_key)-production-like-check" SITE_HTTPS=1 ALLOWED_HOSTS=support.example.org DIARY_KEYRING="$$(cat var/diary_keyring)" \
		$(MANAGE) check --deploy --fail-level WARNING

# Page-cost benchmarks, each on a throw-away database of its own, printing figures (never asserting
# them): every page beside the framework floor behind nginx and gunicorn on its own PostgreSQL and
# Redis (bench/pages.py; installs wrk if missing), then the diary at 2,000 entries in-process, then
# the chat's delivery latency beside a bare relay (bench/chat_latency.py; it needs REDIS_URL).
bench: setup
	$(LOCAL_ENV) $(BIN)/python bench/pages.py $(BENCH_ARGS)
	$(LOCAL_ENV) $(BIN)/python bench/diary_chart.py
	$(LOCAL_ENV) $(BIN)/python bench/chat_latency.py

# Load and faults (bench/soak.py): its own PostgreSQL and Redis, make serve's topology, locust's
# mixed journeys as seeded people, PostgreSQL, Redis, the partner, the task worker and a web
# process each failing in turn, then the accounting. SOAK_ARGS="--users 20 --seconds 60 --faults postgres --think 1,3"
# is CI's short run.
soak: setup
	$(LOCAL_ENV) $(BIN)/python bench/soak.py $(SOAK_ARGS)

# The diary list, the person's home and the caseworker queue on a small and a large seeded database.
bench-scale: setup
	$(LOCAL_ENV) $(BIN)/python bench/scale.py $(SCALE_ARGS)

typecheck: setup
	$(LOCAL_ENV) $(BIN)/mypy .

clean:
	rm -rf $(VENV) node_modules staticfiles static/css/main.css
