# privsim: `make run` sets up .venv and opens the dashboard on the default scenario; `make test` runs every test.
PYTHON   ?= python3
VENV     := .venv
BIN      := $(VENV)/bin
STAMP    := $(VENV)/.installed-dev
CHROMIUM := /usr/bin/chromium
PORT     ?= 8501

.PHONY: run test lint bench fuzz clean chromium posterior

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e ".[dev]"
	touch $(STAMP)

run: $(STAMP)
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

test: $(STAMP) chromium
	$(BIN)/ruff check src tests benchmarks app.py
	$(BIN)/python -m pytest -q -n auto --dist loadgroup

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks app.py

# Hostile inputs through every door: counts by class; exit 1 on any crash, hang, blow-up or slip.
fuzz: $(STAMP)
	$(BIN)/python -m tests.fuzz --inputs 2000 --flags 120

bench: $(STAMP)
	$(BIN)/python benchmarks/engine.py

posterior: $(STAMP)  # rebuilds src/privsim/data/posterior.csv (≈ 80 s on two cores; not part of make test)
	$(BIN)/python -m privsim.experiments.posterior

clean:
	rm -rf $(VENV) runs test-artifacts .pytest_cache .ruff_cache
