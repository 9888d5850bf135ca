#!/usr/bin/env bash
# Build the distributions a pip user gets into dist/ (sdist, then the wheel built from it; the
# wheel's front end by npm offline, from its cache), check them with twine, list them with sizes,
# then run the packaging tests (exact listings, a fresh venv with no node on the PATH). `make dist`; `make test` runs the same tests through test-py.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
rm -rf dist
log=$(mktemp)
npm_config_offline=true "$PY" -m build --outdir dist . >"$log" 2>&1 || { cat "$log"; exit 1; }
rm -f "$log"
"$PY" -m twine check --strict dist/*
"$PY" - <<'PY'
import pathlib, tarfile, zipfile
for p in sorted(pathlib.Path("dist").iterdir()):
    print(f"\n{p.name}  {p.stat().st_size:,} bytes")
    if p.suffix == ".whl":
        rows = [(i.file_size, i.filename) for i in zipfile.ZipFile(p).infolist()]
    else:
        rows = [(m.size, m.name) for m in tarfile.open(p) if m.isfile()]
    for size, name in rows:
        print(f"  {size:>9,}  {name}")
PY
"$PY" -m pytest -q tests/test_packaging.py
