#!/usr/bin/env bash
# Set up everything on a fresh Debian machine: system packages, a virtualenv with the package
# (front end built at install time), the test tools. Safe to run again; fast when done.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages: chromium for the browser tests, graphviz's `dot` for to_graphviz() renders.
if ! command -v chromium >/dev/null || ! command -v dot >/dev/null; then
  SUDO=$([ "$(id -u)" = 0 ] && echo "" || echo sudo)
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium graphviz >/dev/null
fi

PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
PIP=(.venv/bin/python -m pip --disable-pip-version-check -q)
# torch first and pinned: the CPU wheel on local disk, never a CUDA build.
"${PIP[@]}" install -c requirements/constraints.txt "torch==2.13.0"
# npm ci (lockfile, reproducible) and the esbuild bundle of js/ into babygpt_widget/static/.
npm ci --no-audit --no-fund --loglevel=error
npm run --silent build
# The bundle was just built: skip the install hook's second build.
SKIP_JUPYTER_BUILDER=1 "${PIP[@]}" install -c requirements/constraints.txt -e ".[test]"
.venv/bin/python -c "import babygpt_widget, torch; assert torch.__version__.startswith('2.13.0'), torch.__version__"
