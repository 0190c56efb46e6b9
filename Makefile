# Two commands set everything up on a fresh machine (Python 3.11 + pip):
#   make dataset   create .venv, install ldpub, build the dataset into dist/
#   make test      create .venv, install ldpub with test extras, run the tests (one worker per core;
#                  LDPUB_FULL_TESTS=1, as .ci/run sets it, runs every example of the property-based tests)
#   make example   validate and build the second example project (examples/python-governance)
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: dataset test venv clean example

$(BIN)/ldpub: pyproject.toml setup.cfg
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(BIN)/ldpub

venv: $(BIN)/ldpub

dataset: venv
	$(BIN)/ldpub build

example: venv
	$(BIN)/ldpub --project examples/python-governance validate
	$(BIN)/ldpub --project examples/python-governance build

test: venv
	$(BIN)/python -m pytest -q -n auto --dist loadfile

clean:
	rm -rf $(VENV)
