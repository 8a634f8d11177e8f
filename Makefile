# The two commands of the README:
#   make run   - set everything up and open the editor on the demo issue
#                (with no display: export the demo issue to out/demo.pdf)
#   make test  - set everything up and run the whole test suite
#
# The venv is made from the python3 on PATH (Python 3.11 or newer); make PYTHON=... picks
# another interpreter and make VENV=... another folder (.ci/run: VENV=.venv-3.13).
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python

.PHONY: setup run test soak fuzz bench clean

# make run installs the project; make test also its test tools (.[test]: pytest, ruff, ...).
# Each is installed again when pyproject.toml changes.
setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

run: setup
	$(VENV)/bin/xjeditor demo

test: $(VENV)/.installed-test
	$(VENV)/bin/ruff check src tests
	$(VENV)/bin/lint-imports
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q -p no:cacheprovider

# The editor's soak test (tests/app/soak_editor.py) for ten minutes instead of the few hundred
# steps of make test: hypothesis drives the main window through random user actions and checks
# it after each one. SOAK_SECONDS=... runs it longer or shorter.
SOAK_SECONDS ?= 600
soak: $(VENV)/.installed-test
	XJEDITOR_SOAK_SECONDS=$(SOAK_SECONDS) QT_QPA_PLATFORM=offscreen $(PY) tests/app/soak_editor.py

# The pipeline's fuzz test (tests/test_fuzz_pipeline.py) for ten minutes instead of the few
# dozen examples of make test: hostile issue files through load, typeset, preflight and
# export, each in a child process with a memory and a time limit. FUZZ_SECONDS=... runs it
# longer or shorter.
FUZZ_SECONDS ?= 600
fuzz: $(VENV)/.installed-test
	XJEDITOR_FUZZ_SECONDS=$(FUZZ_SECONDS) QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q -p no:cacheprovider tests/test_fuzz_pipeline.py

bench: $(VENV)/.installed-test
	$(PY) -m pip install --quiet -e '.[test,bench]'
	for b in benchmarks/bench_*.py; do QT_QPA_PLATFORM=offscreen $(PY) $$b || exit 1; done

clean:
	rm -rf .venv .venv-3.13 $(VENV) out .pytest_cache .hypothesis
