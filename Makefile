# The two set-up commands of the README: `make serve` (build and preview the example column)
# and `make test` (the whole test suite). Both install what they need first.
PYTHON ?= python3
PORT ?= 8000
# The example column is a snapshot of 2026-11-23; building it "as of" that day keeps it error-free.
TODAY ?= 2026-11-23

.PHONY: install install-browser install-axe serve build check test

install:
	$(PYTHON) -m pip install --quiet --disable-pip-version-check -e '.[test]'

# Debian's Chromium for the browser tests (Playwright drives it; no browser is downloaded).
install-browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  export DEBIAN_FRONTEND=noninteractive; \
	  apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium fonts-noto-cjk >/dev/null; }

# axe-core from the npm registry for the accessibility tests (version pinned in tests/axe/package-lock.json).
install-axe:
	@command -v npm >/dev/null 2>&1 || { \
	  export DEBIAN_FRONTEND=noninteractive; \
	  apt-get update -qq && apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null; }
	npm ci --prefix tests/axe --no-audit --no-fund --loglevel=error

serve: install
	$(PYTHON) -m gen serve --port $(PORT) $(if $(TODAY),--today $(TODAY))

build: install
	$(PYTHON) -m gen build $(if $(TODAY),--today $(TODAY))

check: install
	$(PYTHON) -m gen check $(if $(TODAY),--today $(TODAY))

test: install install-browser install-axe
	$(PYTHON) -m pytest -q
