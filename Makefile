# Every target creates the virtual environment it needs (Python 3.11+, pinned by constraints.txt).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SEED := seeds/2021-12-02-blinken-lavrov-ukraine.txt

.PHONY: demo test lint eval bench clean

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)  ## a brief of the seed article, in the terminal
	$(BIN)/briefbot brief $(SEED)

PYTEST_ARGS ?=

test: $(STAMP)  ## lint, types and the whole test suite (PYTEST_ARGS narrows it)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

lint: $(STAMP)  ## ruff, ruff format --check, mypy
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

eval: $(STAMP)  ## ROUGE (through `briefbot batch`), quote F1, entity F1, extraction, briefs as a reader scores them, digest stories
	$(BIN)/python scripts/eval_summarize.py
	$(BIN)/python scripts/eval_quotes.py
	$(BIN)/python scripts/eval_actors.py
	$(BIN)/python scripts/eval_extract.py
	$(BIN)/python scripts/audit_briefs.py
	$(BIN)/python scripts/eval_digest.py

bench: $(STAMP)  ## speed ratios against baselines measured in the same run (bench/results/*.json)
	$(BIN)/pip install -q -c constraints.txt -e '.[dev,bench]'
	$(BIN)/python -m bench.summary
	$(BIN)/python -m bench.extract
	$(BIN)/python -m bench.pipeline
	$(BIN)/python -m bench.core
	$(BIN)/python -m bench.ack
	$(BIN)/python -m bench.scale
	$(BIN)/python -m bench.digest
	$(BIN)/python -m bench.queue

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
