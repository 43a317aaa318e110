# Two commands do all the set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

EXAMPLE_SPEC := specs/examples/repeat_purchase.hurdle
EXAMPLE_DATA := specs/examples/data/repeat_purchase.csv

REPORT_EXAMPLES := fraud_blocking repeat_purchase

.PHONY: run test test-fast lint format bench report-screenshot clean vsix

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	@# the root was the distribution `hurdlelang` before it became hurdlelang-core: drop an old install
	$(BIN)/python -m pip uninstall --quiet -y hurdlelang 2>/dev/null || true
	$(BIN)/python -m pip install --quiet -e '.[run,test,lsp,spark,mlflow]'
	@# the Spark engine's tests run a local Spark session, which needs Java 17 (Debian's, if none is here)
	java -version >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq openjdk-17-jre-headless)
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/hurdlec check specs/examples
	$(BIN)/hurdlec run $(EXAMPLE_SPEC) --data $(EXAMPLE_DATA) --out repeat_purchase.decision.json --model-id example-model

test: $(STAMP)
	$(BIN)/ruff check hurdlelang tests specs bench
	$(BIN)/ruff format --check hurdlelang tests specs bench
	$(BIN)/hurdlec check --strict specs/examples
	$(BIN)/hurdlec fmt --check specs/examples
	$(BIN)/lint-imports
	$(BIN)/python -m pytest -n auto --maxprocesses 4

# The inner loop: everything but the long property-based runs (marked slow) and the Spark tests (a JVM).
test-fast: $(STAMP)
	$(BIN)/ruff check hurdlelang tests specs bench
	$(BIN)/lint-imports
	$(BIN)/python -m pytest -n auto --maxprocesses 4 -m "not slow and not spark"

lint: $(STAMP)
	$(BIN)/ruff check hurdlelang tests specs bench

format: $(STAMP)
	$(BIN)/ruff format hurdlelang tests specs bench
	$(BIN)/ruff check --fix hurdlelang tests specs bench

bench: $(STAMP)
	$(BIN)/python bench/bench_check.py
	$(BIN)/python bench/bench_check_hostile.py
	$(BIN)/python bench/bench_bootstrap.py
	$(BIN)/python bench/bench_run.py

# Screenshots of the HTML report of two bundled examples, for a look by eye (not committed).
# Needs Chromium: apt-get install chromium
report-screenshot: $(STAMP)
	@for name in $(REPORT_EXAMPLES); do \
	  $(BIN)/hurdlec run specs/examples/$$name.hurdle --data specs/examples/data/$$name.csv \
	    --out $$name.decision.json --model-id example-model >/dev/null; \
	  rc=$$?; [ $$rc -eq 0 ] || [ $$rc -eq 1 ] || [ $$rc -eq 3 ] || exit $$rc; \
	  tests/corpus/report/screenshot.sh $$name.decision.json $$name.report.png || exit 1; \
	done

# The VS Code extension (editors/vscode/) as a .vsix, with the registry's @vscode/vsce. Needs Node.js and
# npm, which `make test` does not: the grammar it ships is tested in Python (tests/lsp/test_textmate.py).
# Install the result with: code --install-extension editors/vscode/hurdle-0.1.0.vsix
vsix:
	cp editors/hurdle.tmLanguage.json editors/vscode/syntaxes/hurdle.tmLanguage.json
	cd editors/vscode && npm ci --no-audit --no-fund && npm run package

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .ruff_cache *.decision.json *.report.png
