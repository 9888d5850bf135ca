# The two commands a newcomer needs (see README): `make lab` and `make test`.
.PHONY: setup lab test test-py test-js bench

setup:
	bash scripts/setup.sh

lab: setup
	.venv/bin/jupyter lab $(if $(filter 0,$(shell id -u)),--allow-root) examples/babygpt.ipynb

test: setup test-js test-py

test-js:
	npm run --silent typecheck
	npm test --silent

test-py:
	.venv/bin/python -m pytest -q

bench: setup
	.venv/bin/python bench/run_all.py
