# Two commands on a fresh machine with Python 3.11:
#   make run   -> creates .venv, installs, runs the pipeline on the bundled sample
#   make test  -> same setup, then the test suite
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: setup run test clean ner-model confidence-model

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@

setup: $(VENV)/.installed

run: setup
	$(BIN)/python run.py examples/astana8.txt --out outputs

test: setup
	$(BIN)/python -m pytest

# the shipped name model, rebuilt from NewsFANE in ../shared/data/newsfane (deterministic)
ner-model: setup
	$(BIN)/python run.py models train-names

# the shipped confidence model, refitted on ../shared/data gold with the current rules
# (deterministic, about a minute): run it after every rule change
confidence-model: setup
	$(BIN)/python run.py models train-confidence

clean:
	rm -rf $(VENV) outputs/*/
