# The two commands a newcomer needs: `make run` and `make test`.
VENV    := .venv
PY      := $(VENV)/bin/python
FLASK   := FLASK_APP=wsgi.py $(VENV)/bin/flask
STAMP   := $(VENV)/.installed-$(shell sha1sum requirements.lock | cut -c1-12)

.PHONY: run test lint pytest setup browser office redis nginx postgres db-check clean demo-code lock

# Every package, direct and transitive, is installed from requirements.lock with its hashes checked:
# a package changed on the index after it was locked is refused. `make lock` refreshes the lock file
# from the pins in requirements.txt and requirements-dev.txt (tests/test_lock.py checks they agree).
$(STAMP): requirements.lock
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --require-hashes --no-deps -r requirements.lock
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

## Refresh requirements.lock after changing a pin in requirements.txt or requirements-dev.txt.
lock: $(STAMP)
	$(VENV)/bin/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url \
	  --no-emit-find-links --output-file requirements.lock requirements-dev.txt

setup: $(STAMP)

# Browser tests drive Debian's chromium through Playwright; install it when missing.
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
	  echo "Installing Debian's chromium for the browser tests..."; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; \
	fi

# The Word render check converts minutes to PDF with Debian's LibreOffice (no GUI), reads the text
# with poppler's pdftotext and draws a page with pdftoppm; install them when missing.
office:
	@if ! command -v soffice >/dev/null || ! command -v pdftotext >/dev/null || [ ! -d /usr/share/fonts/opentype/noto ]; then \
	  echo "Installing LibreOffice Writer, Noto CJK fonts and poppler for the Word render tests..."; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq libreoffice-writer-nogui fonts-noto-cjk poppler-utils >/dev/null; \
	fi

# The several-process test serves the portal twice, joined by a Redis of its own on a free port (the
# Socket.IO message queue of REDIS_URL); install Debian's redis-server when missing.
redis:
	@if ! command -v redis-server >/dev/null; then \
	  echo "Installing Debian's redis-server for the several-process test..."; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq redis-server >/dev/null; \
	fi

# The deployment tests (tests/deploy/) put Debian's nginx with deploy/nginx/portal.conf in front of two
# gunicorn instances on 127.0.0.1; install nginx when missing (without starting Debian's own site).
nginx:
	@if ! command -v nginx >/dev/null && [ ! -x /usr/sbin/nginx ]; then \
	  echo "Installing Debian's nginx for the deployment tests..."; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq nginx-light >/dev/null; \
	  $$SUDO systemctl disable --now nginx >/dev/null 2>&1 || true; \
	fi

# The deployment tests start a PostgreSQL server of their own; install Debian's when missing.
postgres:
	@if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then \
	  echo "Installing Debian's PostgreSQL for the deployment tests..."; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq postgresql >/dev/null; \
	fi

## Set everything up and serve the portal on SQLite with demo data at http://127.0.0.1:5000, with gunicorn
## as production serves it (deploy/gunicorn.conf.py: one worker, many threads).
run: $(STAMP)
	$(FLASK) db upgrade
	$(FLASK) seed-demo --if-empty
	PORTAL_BIND=127.0.0.1:5000 $(VENV)/bin/gunicorn -c deploy/gunicorn.conf.py wsgi:app

## The demo accounts' current second-factor code (the demo's published key; README)
demo-code: $(STAMP)
	@$(FLASK) demo-code

## Set everything up and run the whole suite: lint, then every test.
test: $(STAMP) browser office redis nginx postgres lint pytest

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

pytest: $(STAMP)
	$(VENV)/bin/pytest -n auto --durations=15

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
