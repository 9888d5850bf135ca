# The two commands a newcomer needs (see README): `make lab` and `make test`.
.PHONY: setup lab test test-py test-js test-browser test-floors test-pip-lecture bench dist test-marimo

setup:
	bash scripts/setup.sh

lab: setup
	.venv/bin/jupyter lab $(if $(filter 0,$(shell id -u)),--allow-root) examples/babygpt.ipynb

test: setup test-js test-py test-floors test-browser test-pip-lecture

test-js:
	npm run --silent typecheck
	npm test --silent

test-py:
	.venv/bin/python -m pytest -q -n 2 --ignore=tests/e2e

# Separate run: Playwright's sync API keeps an event loop running in the main thread for the
# whole session, which the asyncio-based widget tests must not share.
# Two workers (pytest-xdist), whole files to each: every worker starts its own Jupyter servers
# and browser, so tests that share a server stay together; halves the suite's wall time on CI.
test-browser:
	.venv/bin/python -m pytest -q -n 2 --dist loadfile tests/e2e

# The declared dependency floors (anywidget, ipywidgets, traitlets, numpy) in a fresh venv.
test-floors:
	bash scripts/check_floors.sh

# The lecture notebooks (Jupyter via nbconvert --execute, marimo via export html) in a fresh venv
# built the README's pip way: the wheel, JupyterLab, marimo, no pandas.
test-pip-lecture:
	bash scripts/check_pip_lecture.sh

# sdist + wheel into dist/, twine check, listings with sizes, the packaging tests (also in test-py).
dist: setup
	bash scripts/check_dist.sh

# marimo as a host (also part of test-browser).
test-marimo:
	.venv/bin/python -m pytest -q tests/e2e/test_marimo.py

bench: setup
	.venv/bin/python bench/run_all.py
