# briefqa: `make serve` runs the service on the bundled briefing, `make test` runs the whole suite.
# Both set everything up from nothing: a virtual environment, pinned packages (CPU torch first),
# the converted embedding model, and (for tests) Debian's Chromium.

VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml requirements.lock | sha256sum | cut -c1-12)
CACHE ?= $(HOME)/.cache/briefqa
MODEL := $(CACHE)/models/multilingual-e5-small/briefqa-conversion.json

.PHONY: setup serve test test-fast bench eval cmrc check lock browser clean

setup: $(STAMP) $(MODEL)

$(STAMP): pyproject.toml requirements.lock
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	# torch first and pinned: an unpinned torch pulls a multi-GB CUDA build.
	$(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -c requirements.lock -e '.[test]'
	rm -f $(VENV)/.installed-*
	touch $@

$(MODEL): $(STAMP)
	$(PY) -m models.e5_convert $(dir $@)

browser:
	@command -v chromium >/dev/null && fc-list | grep -qi "noto.*cjk" || { \
	  echo "installing Debian's chromium and CJK fonts for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; }

serve: setup
	$(VENV)/bin/briefqa serve

test: setup browser
	$(VENV)/bin/pytest -q

test-fast: setup
	$(VENV)/bin/pytest -q -m "not slow and not browser"

eval: setup
	$(VENV)/bin/briefqa eval evaluation/questions/briefing.jsonl --mode all

# The CMRC 2018 benchmarks (BEIR folders under var/bench/), then their tables for every mode.
cmrc: setup
	$(PY) -m evaluation.cmrc --level sentence
	$(PY) -m evaluation.cmrc --level paragraph
	$(VENV)/bin/briefqa eval var/bench/cmrc-sentences --mode all --out docs/eval/cmrc
	$(VENV)/bin/briefqa eval var/bench/cmrc-paragraphs --mode all --out docs/eval/cmrc-paragraphs

bench: setup
	$(VENV)/bin/python -m bench

check: setup
	$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check . && $(VENV)/bin/mypy briefqa ingest index service evaluation models

# Refresh the pins after changing dependencies in pyproject.toml.
lock:
	$(PY) -m pip freeze --exclude-editable | grep -v '^-e' > requirements.lock

clean:
	rm -rf $(VENV) var .pytest_cache
