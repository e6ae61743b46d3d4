# privsim: `make run` sets up .venv and opens the dashboard on the default scenario; `make test` runs every test.
PYTHON   ?= python3
VENV     := .venv
BIN      := $(VENV)/bin
RUNTIME  := $(VENV)/.installed-run
DEV      := $(VENV)/.installed-dev
CHROMIUM := /usr/bin/chromium
PORT     ?= 8501
PIP      := $(BIN)/pip install --quiet --disable-pip-version-check
HINT     := The privsim command is in .venv/bin, not on PATH: call .venv/bin/privsim (e.g. .venv/bin/privsim --help), \
            or run 'source .venv/bin/activate' once per shell to type just privsim.

.PHONY: run test lint bench fuzz clean chromium posterior

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# What the dashboard and the command line need (pyproject's dependencies) and the engine's fused kernels (the
# fast extra: numba), and no more.
$(RUNTIME): pyproject.toml | $(BIN)/python
	$(PIP) -e ".[fast]"
	touch $@

# The runtime plus the dev extra (pytest, hypothesis, ruff, playwright, dask …): it covers $(RUNTIME) too, so a
# `make run` after `make test` installs nothing.
$(DEV): pyproject.toml | $(BIN)/python
	$(PIP) -e ".[dev]"
	touch $@ $(RUNTIME)

run: $(RUNTIME)
	@echo "$(HINT)"
	$(BIN)/streamlit run app.py --server.address 127.0.0.1 --server.port $(PORT) \
		--browser.gatherUsageStats false --server.headless true

# The browser test drives Debian's Chromium (never `playwright install`): install it where it is missing.
chromium:
	@if [ ! -x $(CHROMIUM) ]; then \
		if [ "$$(id -u)" = 0 ]; then \
			apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium; \
		else \
			echo "$(CHROMIUM) is missing and installing it needs root: the browser test skips (fails with CI=true)"; \
		fi; \
	fi

test: $(DEV) chromium
	$(BIN)/ruff check src tests benchmarks app.py
	$(BIN)/python -m pytest -q -n auto --dist loadgroup; status=$$?; echo "$(HINT)"; exit $$status

lint: $(DEV)
	$(BIN)/ruff check src tests benchmarks app.py

# Hostile inputs through every door: counts by class; exit 1 on any crash, hang, blow-up or slip.
fuzz: $(DEV)
	$(BIN)/python -m tests.fuzz --inputs 2000 --flags 120

bench: $(RUNTIME)
	$(BIN)/python benchmarks/engine.py

posterior: $(RUNTIME)  # rebuilds src/privsim/data/posterior.csv (≈ 80 s on two cores; not part of make test)
	$(BIN)/python -m privsim.experiments.posterior

clean:
	rm -rf $(VENV) runs test-artifacts .pytest_cache .ruff_cache
