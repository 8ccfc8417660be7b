# One task runner. `make demo` and `make test` do all set-up on a fresh Debian machine.
SHELL := /bin/bash
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
APT_PACKAGES := tesseract-ocr tesseract-ocr-eng tesseract-ocr-osd tesseract-ocr-chi-sim \
	fonts-dejavu-core fonts-liberation fonts-freefont-ttf qpdf python3-venv postgresql chromium
export OMP_THREAD_LIMIT := 1
export PREFECT_SERVER_ANALYTICS_ENABLED := false

.PHONY: setup apt venv demo test lint bench screenshots clean

setup: apt venv

apt:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing apt packages:$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

venv: $(BIN)/.installed

$(BIN)/.installed: pyproject.toml
	@command -v $(PY) >/dev/null || { echo "needs Python 3.11 ($(PY))"; exit 1; }
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip 2>/dev/null
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

demo: setup
	mkdir -p out
	$(BIN)/claims run samples/demo --out out/demo --db sqlite:///out/demo.db

test: setup
	$(BIN)/python -m pytest -q

lint: setup
	$(BIN)/ruff check .
	$(BIN)/mypy

bench: setup
	$(BIN)/python bench/run_all.py

# the README's pictures of the review app (docs/screenshots/), taken by its browser test
screenshots: setup
	CLAIMS_SCREENSHOTS=1 $(BIN)/python -m pytest -q tests/test_review_browser.py

clean:
	rm -rf $(VENV) .claims-cache
