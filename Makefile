# Two commands from a fresh clone: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-dev
BENCH  := $(VENV)/.installed-bench

.PHONY: demo test lint format bench-ingest bench-overhead bench-kineto bench-fleet bench-tcpd bench-sap bench-nab bench-storm bench-webhook bench-fix-yield bench-scale bench-rca-nezha bench-rca-testbed bench-nab-split bench-dashboard bench-capacity dashboard screenshots clean datasets bench-gpu-patterns bench-fleet-heldout bench-canary bench-canary-metrics bench-load bench-storm-heldout bench-fix-real bench-deepcopy-plain

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,postgres]'
	touch $(STAMP)

$(BENCH): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,postgres,bench]'
	touch $(BENCH)

demo: $(STAMP)
	$(BIN)/efficiency demo --workdir demo-output

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: lint
	$(BIN)/python -m pytest -n 2 -q

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench-ingest: $(STAMP)
	$(BIN)/python -m benchmarks.ingest

bench-overhead: $(STAMP)
	$(BIN)/python -m benchmarks.overhead

bench-deepcopy-plain: $(STAMP)
	$(BIN)/python -m benchmarks.deepcopy_plain

bench-fleet: $(BENCH)
	$(BIN)/python -m benchmarks.fleet

bench-fleet-heldout: $(STAMP)
	$(BIN)/python -m benchmarks.fleetgen_heldout

bench-tcpd: $(BENCH)
	$(BIN)/python -m benchmarks.tcpd

bench-sap: $(BENCH)
	$(BIN)/python -m benchmarks.sap_hana

bench-nab: $(STAMP)
	$(BIN)/python -m benchmarks.nab

bench-storm: $(STAMP)
	$(BIN)/python -m benchmarks.storm

bench-storm-heldout: $(STAMP)
	$(BIN)/python -m benchmarks.storm_split

bench-webhook: $(STAMP)
	$(BIN)/python -m benchmarks.webhook

bench-rca-nezha: $(STAMP)
	$(BIN)/python -m benchmarks.rca_nezha

# needs root (network namespaces), iproute2's ip and tc, and Debian's prometheus
bench-rca-testbed: $(STAMP)
	$(BIN)/python -m benchmarks.rca_testbed

bench-nab-split: $(STAMP)
	$(BIN)/python -m benchmarks.nab_split --grid

bench-fix-yield: $(STAMP)
	$(BIN)/python -m benchmarks.fix_yield

# remediate with no hints on 14 real PyPI packages (sdists pinned by SHA-256, fetched once with
# pip into $EFFICIENCY_FIX_REAL_CACHE, default ~/.cache/efficiency/fix_real); their own tests
bench-fix-real: $(STAMP)
	$(BIN)/python -m benchmarks.fix_yield_real

# needs PostgreSQL (EFFICIENCY_BENCH_PG_URL, default postgresql://postgres@127.0.0.1:5432/test)
bench-scale: $(STAMP)
	$(BIN)/python -m benchmarks.scale_pg

bench-dashboard: $(STAMP)
	$(BIN)/python -m benchmarks.dashboard

bench-capacity: $(STAMP)
	$(BIN)/python -m benchmarks.capacity_forecast

bench-canary: $(STAMP)
	$(BIN)/python -m benchmarks.canary

bench-canary-metrics: $(STAMP)
	$(BIN)/python -m benchmarks.canary_metrics

# daemon under concurrent clients (SQLite, PostgreSQL at EFFICIENCY_BENCH_PG_URL) and the
# metric detection pass at 10,000 and 100,000 series, one process vs a local Dask cluster
bench-load: $(STAMP)
	$(BIN)/python -m benchmarks.load

dashboard: $(STAMP)
	$(BIN)/efficiency dashboard

# the README's screenshots, taken by the browser test (needs chromium)
screenshots: $(STAMP)
	rm -rf .screenshots && EFFICIENCY_TEST_ARTIFACTS=$(CURDIR)/.screenshots \
		$(BIN)/python -m pytest -q tests/dashboards/test_browser.py
	mkdir -p docs/images
	cp .screenshots/incident-detail.png .screenshots/flame-diff.png .screenshots/savings.png docs/images/

# HTA (HolisticTraceAnalysis) is not a project dependency: it gets a Python of its own.
bench-kineto: $(STAMP)
	test -x $(VENV)/hta/bin/python || ($(PYTHON) -m venv $(VENV)/hta && \
		$(VENV)/hta/bin/python -m pip install --quiet HolisticTraceAnalysis)
	$(BIN)/python -m benchmarks.kineto_hta --hta-python $(VENV)/hta/bin/python

# the full public benchmark datasets, pinned by commit and checked by sha256, into
# $EFFICIENCY_DATASETS (default ./datasets); needs network access
datasets: $(STAMP)
	$(BIN)/python -m benchmarks.fetch_datasets

# GPU playbooks on the H200 dev and held-out traces, through `ingest trace` + `hotspots list`
bench-gpu-patterns: $(STAMP)
	$(BIN)/python -m benchmarks.gpu_patterns --write

clean:
	rm -rf $(VENV) demo-output .pytest_cache .ruff_cache .hypothesis *.egg-info .screenshots
