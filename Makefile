# The two commands of the README:
#   make run   - set everything up and open the editor on the demo issue
#                (with no display: export the demo issue to out/demo.pdf)
#   make test  - set everything up and run the whole test suite
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: setup run test bench clean

# Byte-compile the sources (as a wheel install would): with PYTHONDONTWRITEBYTECODE set, or
# after an edit, Python would otherwise compile every changed module again at each start,
# which costs an export about a third of its time. Only stale files are compiled.
setup: $(STAMP)
	@$(PY) -m compileall -q src

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

run: setup
	$(VENV)/bin/xjeditor demo

test: setup
	$(VENV)/bin/lint-imports
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q -p no:cacheprovider

bench: setup
	$(PY) -m pip install --quiet -e '.[test,bench]'
	for b in benchmarks/bench_*.py; do QT_QPA_PLATFORM=offscreen $(PY) $$b || exit 1; done

clean:
	rm -rf $(VENV) out .pytest_cache .hypothesis
