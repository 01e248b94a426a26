# The two set-up commands of the README: `make serve` (build and preview the example column)
# and `make test` (the whole test suite). Both install what they need first, into a virtual
# environment of the project's own (.venv/): the system Python is never changed (PEP 668).
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000
# The example column is a snapshot: its site.yml says `as_of: 2026-11-23`, and every command (gongkai new
# too) computes as of that day. TODAY=YYYY-MM-DD overrides it.
TODAY ?=
# Debian packages need root: sudo when the user is not root.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: install install-test install-browser install-axe serve build check test

# Reinstalled only when pyproject.toml changed (or the environment is new).
$(VENV)/.installed: pyproject.toml tools/venv.py
	$(PYTHON) tools/venv.py $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e .
	@touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

# Debian's Chromium for the browser tests (Playwright drives it; no browser is downloaded) and nginx
# for the test of the web server configuration `gongkai init` writes.
install-browser:
	@{ command -v chromium && { command -v nginx || [ -x /usr/sbin/nginx ]; }; } >/dev/null 2>&1 || { \
	  export DEBIAN_FRONTEND=noninteractive; \
	  $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq --no-install-recommends chromium fonts-noto-cjk nginx >/dev/null; }

# axe-core from the npm registry for the accessibility tests (version pinned in tests/axe/package-lock.json).
# axe-core and the Nu HTML Checker (vnu-jar, which runs on Java) from the npm registry.
install-axe:
	@command -v npm >/dev/null 2>&1 && command -v java >/dev/null 2>&1 || { \
	  export DEBIAN_FRONTEND=noninteractive; \
	  $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq --no-install-recommends nodejs npm default-jre-headless >/dev/null; }
	@[ -f tests/axe/node_modules/axe-core/axe.min.js ] && [ -f tests/axe/node_modules/vnu-jar/build/dist/vnu.jar ] \
	  || npm ci --prefix tests/axe --no-audit --no-fund --loglevel=error

serve: install
	$(PY) -m gen serve --port $(PORT) $(if $(TODAY),--today $(TODAY))

build: install
	$(PY) -m gen build $(if $(TODAY),--today $(TODAY))

check: install
	$(PY) -m gen check $(if $(TODAY),--today $(TODAY))

test: install-test install-browser install-axe
	$(PY) -m pytest -q
