# The two commands a newcomer needs: `make run` and `make test` (README).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test install lint format bench graph clean

$(PY):
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(PY) requirements/base.txt requirements/local.txt requirements/production.txt
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements/local.txt -r requirements/production.txt
	touch $(STAMP)

install: $(STAMP)

run: install
	bash scripts/run_demo.sh

# The first line printed names the backends; the script installs the virtualenv itself if needed.
test:
	@$(PYTHON) scripts/run_tests.py $(ARGS)

lint: install
	$(PY) -m ruff check . && $(PY) -m ruff format --check .

format: install
	$(PY) -m ruff check --fix . && $(PY) -m ruff format .

# The quick size of the scale bench (docs/performance.md): builds BENCH_DATABASE_URL afresh, then times the pages.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/bench100k
bench: install
	DATABASE_URL=$(BENCH_DATABASE_URL) DJANGO_SETTINGS_MODULE=zhicheng.settings.test $(PY) bench/scale_data.py --cases 100000
	DATABASE_URL=$(BENCH_DATABASE_URL) DJANGO_SETTINGS_MODULE=zhicheng.settings.test $(PY) bench/pages.py --requests 200

clean:
	rm -rf var
