# The two commands of the README: `make run` and `make test`. Each creates .venv and installs what it needs.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8501
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)
# Debian packages the tests need: the browser for the e2e tests, a CJK font and poppler for the PDF tests,
# PostgreSQL for the store tests that run on both databases, nginx for the reverse-proxy test (deploy/nginx).
SYSTEM_PACKAGES := chromium chromium-driver fonts-wqy-microhei poppler-utils postgresql nginx

.PHONY: run test lint bench system-deps clean

$(PY):
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

$(VENV)/.run-deps: pyproject.toml | $(PY)
	$(PY) -m pip install -q -e .
	touch $@

$(VENV)/.test-deps: pyproject.toml | $(PY)
	$(PY) -m pip install -q -e '.[test]'
	touch $@ $(VENV)/.run-deps

run: $(VENV)/.run-deps
	$(VENV)/bin/mlps demo --if-empty
	$(VENV)/bin/mlps setup-token --if-needed
	$(VENV)/bin/streamlit run serve.py --server.address 127.0.0.1 --server.port $(PORT) \
		--server.headless true --browser.gatherUsageStats false

system-deps:
	@missing=""; for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "Installing Debian packages:$$missing"; \
		$(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	fi

lint: $(VENV)/.test-deps
	$(VENV)/bin/ruff check .

test: system-deps $(VENV)/.test-deps
	$(VENV)/bin/ruff check .
	$(PY) -m pytest

bench: $(VENV)/.run-deps
	$(PY) benchmarks/run.py

clean:
	rm -rf $(VENV) .pytest_cache
