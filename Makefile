# The two commands of the README:
#   make run   - set everything up and open the editor on the demo issue
#                (with no display: export the demo issue to out/demo.pdf)
#   make test  - set everything up and run the whole test suite
#
# The interpreter the venv is made from (override: make PYTHON=/path/to/python3): the
# distribution's /usr/bin/python3 when it is 3.11 or newer and can make a venv, else the
# python3 on PATH. XJ Editor is pure Python, so the interpreter's own build decides much of
# its speed: a distribution build (profile-guided and link-time optimised, libpython linked
# into the executable) runs the typesetting engine and an export about a fifth
# faster than a default source build with a shared libpython, such as pyenv's
# (docs/ARCHITECTURE.md, "The interpreter counts").
ifeq ($(origin PYTHON),undefined)
PYTHON := $(shell for p in /usr/bin/python3 python3; do \
	  command -v $$p >/dev/null 2>&1 && $$p -c 'import sys, venv, ensurepip; sys.exit(sys.version_info < (3, 11))' \
	  >/dev/null 2>&1 && { command -v $$p; break; }; done)
endif
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: setup run test bench clean venv

# Byte-compile the sources (as a wheel install would): with PYTHONDONTWRITEBYTECODE set, or
# after an edit, Python would otherwise compile every changed module again at each start,
# which costs an export about a third of its time. Only stale files are compiled.
# The venv is made again when pyproject.toml changes or another interpreter is chosen
# (the stamp holds the path of the one it was made from).
setup:
	@if [ -z "$(PYTHON)" ]; then echo "XJ Editor needs Python 3.11 or newer with venv (PYTHON=...)" >&2; exit 1; fi
	@if [ ! -f $(STAMP) ] || [ pyproject.toml -nt $(STAMP) ] || [ "$$(cat $(STAMP))" != "$(PYTHON)" ]; then \
	  $(MAKE) --no-print-directory venv PYTHON="$(PYTHON)"; fi
	@$(PY) -m compileall -q src

# setuptools is only needed to build the package, which pip does in an isolated
# environment; left in the venv, its .pth file would run at every start of Python.
venv:
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	$(PY) -m pip uninstall --quiet --yes setuptools
	echo "$(PYTHON)" > $(STAMP)

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
