#!/usr/bin/env bash
# The package's declared dependency floors are real: a fresh venv gets exactly the lowest versions
# pyproject.toml allows (requirements/floors.txt: anywidget, ipywidgets, traitlets, numpy,
# graphviz; pandas, the tests' extra),
# with whatever pip resolves around them (IPython, comm, ...), then the engine, widget and SVG
# tests run against them. torch comes from .venv (a plain path after the venv's own
# site-packages, so the floor versions win): never a torch download. `make test-floors`.
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t FLOORS < <(grep -o '^[A-Za-z0-9_.-]*==[^ #]*' requirements/floors.txt)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
.venv/bin/python -m venv --without-pip "$tmp/venv"
.venv/bin/python -m pip --python "$tmp/venv/bin/python" install --quiet \
  -c requirements/constraints.txt "${FLOORS[@]}" pytest pytest-timeout
site=$("$tmp/venv/bin/python" -c "import sysconfig; print(sysconfig.get_path('purelib'))")
.venv/bin/python -c "import sysconfig; print(sysconfig.get_path('purelib'))" > "$site/zz_dev_tools.pth"
echo "$PWD" > "$site/babygpt_widget_checkout.pth"   # this checkout's package, not an installed copy
"$tmp/venv/bin/python" - "${FLOORS[@]}" <<'PY'
import importlib.metadata as md, sys
for pin in sys.argv[1:]:
    name, want = pin.split("==")
    got = md.version(name)
    assert got == want, f"{name}: {got} loaded, floor is {want}"
    print(f"  {name} {got}")
PY
"$tmp/venv/bin/python" -m pytest -q -p no:cacheprovider tests/test_engine.py tests/test_widget.py tests/test_svg.py
