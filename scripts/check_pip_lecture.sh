#!/usr/bin/env bash
# The lecture on a plain pip install, built exactly the README's *Install with pip* way: a fresh
# venv (no pandas, nothing of this checkout on the path), torch, the wheel and
# JupyterLab, then marimo; the lecture notebooks copied out with babygpt_widget.examples(), the
# Jupyter lecture executed and exported by `jupyter nbconvert --to html --execute` and the marimo
# lecture by `marimo export html` (both exit non-zero if any cell fails). `make test-pip-lecture`;
# part of `make test`.
#
# One difference from the README: torch comes pinned from requirements/constraints.txt (the CPU
# wheel on this machine's disk), not from download.pytorch.org, which these machines can't reach.
# Downloads go through pip's cache, so a second run installs from disk.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD
PY=${PYTHON:-python3}
started=$SECONDS
step() { printf '\n[pip-lecture %3ds] %s\n' $((SECONDS - started)) "$*"; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

step "the wheel, as make dist builds it (python -m build; the front end bundle setup.sh built)"
npm_config_offline=true .venv/bin/python -m build --wheel --outdir "$tmp/dist" . >"$tmp/build.log" 2>&1 \
  || { cat "$tmp/build.log"; exit 1; }
wheel=$(ls "$tmp"/dist/babygpt_widget-*-py3-none-any.whl)
echo "$(basename "$wheel")  $(stat -c %s "$wheel") bytes"

step "a fresh venv"
"$PY" -m venv "$tmp/venv"
VPY="$tmp/venv/bin/python"
# --no-compile: no .pyc for all of torch and JupyterLab up front (minutes on a busy 2-core box);
# Python compiles what the lecture imports when it imports it.
PIP_INSTALL=("$VPY" -m pip --disable-pip-version-check -q install --no-compile)
# Nothing from outside the venv: no PYTHONPATH, Jupyter's and IPython's folders in the temp dir.
unset PYTHONPATH JUPYTER_PATH
export JUPYTER_CONFIG_DIR="$tmp/jupyter/config" JUPYTER_DATA_DIR="$tmp/jupyter/data"
export JUPYTER_RUNTIME_DIR="$tmp/jupyter/runtime" IPYTHONDIR="$tmp/ipython"
export XDG_CONFIG_HOME="$tmp/config" XDG_STATE_HOME="$tmp/state"   # marimo's config and state

step "README: pip install torch (CPU build; here pinned from requirements/constraints.txt)"
"${PIP_INSTALL[@]}" -c requirements/constraints.txt torch

step "README: pip install <the wheel> jupyterlab"
"${PIP_INSTALL[@]}" -c requirements/constraints.txt "$wheel" jupyterlab

step "README (marimo): pip install marimo"
"${PIP_INSTALL[@]}" -c requirements/constraints.txt marimo

step "the environment is a plain pip install: no pandas, the wheel's package, its kernel"
mkdir "$tmp/lecture"
cd "$tmp/lecture"   # never the checkout: `import babygpt_widget` must find the installed wheel
"$VPY" - "$tmp/venv" <<'PY'
import importlib.util, json, pathlib, subprocess, sys
venv = pathlib.Path(sys.argv[1]).resolve()
assert importlib.util.find_spec("pandas") is None, "pandas is installed: the README's pip install does not bring it"
import babygpt_widget, torch
here = pathlib.Path(babygpt_widget.__file__).resolve()
assert here.is_relative_to(venv), f"babygpt_widget imported from {here}, not the venv"
assert torch.__version__.startswith("2.13.0"), torch.__version__
specs = json.loads(subprocess.check_output([str(venv / "bin" / "jupyter"), "kernelspec", "list", "--json"]))["kernelspecs"]
assert pathlib.Path(specs["python3"]["resource_dir"]).resolve().is_relative_to(venv), specs["python3"]
print(f"babygpt_widget {babygpt_widget.__version__} from the venv, torch {torch.__version__}, no pandas; "
      f"kernel python3 = the venv's")
PY

step "README: python -c \"import babygpt_widget; babygpt_widget.examples('.')\""
"$VPY" -c "import babygpt_widget; babygpt_widget.examples('.')"
ls

step "jupyter nbconvert --to html --execute babygpt.ipynb"
"$tmp/venv/bin/jupyter" nbconvert --to html --execute babygpt.ipynb --ExecutePreprocessor.timeout=600 2>&1 | tail -3
test -s babygpt.html

step "marimo export html babygpt_marimo.py (runs every cell headless)"
"$tmp/venv/bin/marimo" export html babygpt_marimo.py -o babygpt_marimo.html --no-include-code --no-sandbox 2>&1 | tail -3
test -s babygpt_marimo.html

step "what the exported lectures show"
"$VPY" - <<'PY'
import pathlib, re
def text(name: str) -> str:  # marimo escapes its outputs as \uXXXX inside a script
    return re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m[1], 16)), pathlib.Path(name).read_text(encoding="utf-8"))
for name in ("babygpt.html", "babygpt_marimo.html"):
    page = text(name)
    for needed in ("losses while training: step 0 0.6635 → step 49 0.4700", "P(1 | 000) = 73%", "moved most: 111",
                   "14 states"):
        assert needed in page, f"{name}: {needed!r} missing"
    tables = len(re.findall(r'<table class=\\?"babygpt-table', page))
    assert tables == 2, f"{name}: {tables} HTML tables, expected 2 (probabilities_table, ens.table)"
    assert "Traceback" not in page and "AttributeError" not in page, f"{name}: shows an error"
    print(f"{name}: {pathlib.Path(name).stat().st_size:,} bytes, the seed's figures, 2 HTML tables, no error")
PY

cd "$REPO"
step "done: the lecture runs on the README's pip install ($(((SECONDS - started) / 60)) min $(((SECONDS - started) % 60)) s)"
