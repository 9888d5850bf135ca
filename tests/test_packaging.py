"""The distributions a pip user gets: `python -m build` (sdist, then the wheel built from that sdist),
`twine check`, exact listings (nothing missing, nothing stray), and the wheel installed into a fresh
venv with no node on the PATH."""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

import babygpt_widget

REPO = Path(__file__).resolve().parent.parent
NAME = f"babygpt_widget-{babygpt_widget.__version__}"
# What the sdist must carry to rebuild the front end and run every test.
SDIST_ROOTS = ("babygpt_widget", "js", "tests", "examples", "docs", "scripts", "requirements", "bench")
SDIST_FILES = ("LICENSE", "README.md", "pyproject.toml", "Makefile", "package.json", "package-lock.json",
               "build.mjs", "tsconfig.json", "vitest.config.mts")
NEVER = ("node_modules", "__pycache__", ".venv", "test-artifacts", ".pytest_cache", ".hypothesis", ".ipynb_checkpoints")


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    """sdist and wheel, as `python -m build` makes them (the wheel is built from the sdist, its
    front end by npm offline: from npm's cache, which `npm ci` in setup filled)."""
    out = tmp_path_factory.mktemp("dist")
    env = {**os.environ, "npm_config_offline": "true"}
    done = subprocess.run([sys.executable, "-m", "build", "--outdir", str(out), str(REPO)],
                          capture_output=True, text=True, timeout=600, env=env)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return out


@pytest.fixture(scope="module")
def wheel(dist) -> Path:
    (path,) = dist.glob("*.whl")
    return path


@pytest.fixture(scope="module")
def sdist(dist) -> Path:
    (path,) = dist.glob("*.tar.gz")
    return path


def source_files() -> set[str]:
    """Files of the working tree the sdist must hold (built, cached and ignored ones left out)."""
    found = set(SDIST_FILES)
    for root in SDIST_ROOTS:
        for p in (REPO / root).rglob("*"):
            rel = p.relative_to(REPO)
            if p.is_file() and not set(rel.parts) & set(NEVER) and rel.parts[:2] != ("babygpt_widget", "static") \
                    and p.suffix not in (".pyc",):
                found.add(rel.as_posix())
    return found


def test_floors_file_pins_exactly_the_declared_lower_bounds():
    """requirements/floors.txt (what `make test-floors` installs) = pyproject's `>=` bounds."""
    import re
    import tomllib

    from packaging.version import Version

    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    declared = dict(re.fullmatch(r"([A-Za-z0-9_.-]+)>=([0-9.]+)", d).groups()
                    for d in project["dependencies"] + project["optional-dependencies"]["pandas"])
    declared.pop("torch")  # no CPU wheel of torch 2.2 on these machines: README says so
    lines = [line.split("#")[0].strip() for line in (REPO / "requirements" / "floors.txt").read_text().splitlines()]
    pinned = dict(line.split("==") for line in lines if line)
    assert {k: Version(v) for k, v in pinned.items()} == {k: Version(v) for k, v in declared.items()}  # 1.24 == 1.24.0


def test_twine_check_passes(dist):
    done = subprocess.run([sys.executable, "-m", "twine", "check", "--strict", *map(str, dist.iterdir())],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count("PASSED") == 2


def test_wheel_holds_the_package_bundle_notebooks_and_license_only(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    package = {p.relative_to(REPO).as_posix() for p in (REPO / "babygpt_widget").rglob("*.py")}
    expected = package | {
        "babygpt_widget/static/widget.js", "babygpt_widget/static/widget.css", "babygpt_widget/static/page.js",
        "babygpt_widget/examples/babygpt.ipynb", "babygpt_widget/examples/babygpt_marimo.py",
        "babygpt_widget/examples/babygpt_marimo.css",
        "babygpt_widget/render/nbconvert_templates/babygpt_html/conf.json",
        "babygpt_widget/render/nbconvert_templates/babygpt_html/index.html.j2",
        f"{NAME}.dist-info/entry_points.txt",
        f"{NAME}.dist-info/METADATA", f"{NAME}.dist-info/WHEEL", f"{NAME}.dist-info/RECORD",
        f"{NAME}.dist-info/licenses/LICENSE",
    }
    assert names - expected == set(), "stray files in the wheel"
    assert expected - names == set(), "missing from the wheel"
    bundle = zipfile.ZipFile(wheel).read("babygpt_widget/static/widget.js")
    assert len(bundle) > 50_000  # the esbuild bundle, not a stub
    assert b"MIT License" in zipfile.ZipFile(wheel).read(f"{NAME}.dist-info/licenses/LICENSE")


def test_wheel_metadata_declares_license_and_floors(wheel):
    meta = zipfile.ZipFile(wheel).read(f"{NAME}.dist-info/METADATA").decode()
    assert "License-Expression: MIT" in meta and "License-File: LICENSE" in meta
    assert "Requires-Dist: torch>=2.2" in meta


def test_sdist_holds_every_source_and_nothing_built(sdist):
    with tarfile.open(sdist) as tar:
        names = {n.removeprefix(f"{NAME}/") for n in tar.getnames() if tar.getmember(n).isfile()}
    expected = source_files() | {"PKG-INFO", ".gitignore"}
    assert expected - names == set(), "missing from the sdist"
    assert names - expected == set(), "stray files in the sdist"
    assert not any(n.startswith("babygpt_widget/static/") for n in names)  # rebuilt from js/ by the wheel build
    for needed in ("js/widget.ts", "package-lock.json", "build.mjs", "tests/test_engine.py", "tests/e2e/conftest.py",
                   "examples/babygpt.ipynb", "examples/babygpt_marimo.py", "docs/state-contract.md", "LICENSE"):
        assert needed in names


SMOKE = r"""
import pathlib, shutil, sys, tempfile
import babygpt_widget
from babygpt_widget import BabyGPT, BabyGPTWidget, examples

here = pathlib.Path(babygpt_widget.__file__).resolve()
assert here.is_relative_to(pathlib.Path(sys.prefix).resolve()), here  # the installed wheel, not the checkout
assert shutil.which("node") is None and shutil.which("npm") is None
w = BabyGPTWidget()
assert len(w._esm) > 50_000 and "bundle is missing" not in w._esm, w._esm[:200]
gpt = BabyGPT()
losses = gpt.train(1)
svg = gpt.to_svg()
assert svg.startswith("<?xml") and "step 1" in svg
out = tempfile.mkdtemp()
names = sorted(p.name for p in examples(out))
assert names == ["babygpt.ipynb", "babygpt_marimo.css", "babygpt_marimo.py"], names
print("smoke ok", round(losses[0], 4), len(w._esm))
"""


def test_wheel_installs_and_runs_in_a_fresh_venv_without_node(wheel, tmp_path):
    """A fresh venv gets the wheel alone (--no-deps); its dependencies come from this venv's
    site-packages, added as a plain path: never a download of torch (a CUDA build)."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    py = venv / "bin" / "python"
    subprocess.run([sys.executable, "-m", "pip", "--python", str(py), "install", "--quiet", "--no-deps",
                    "--no-index", str(wheel)], check=True, timeout=300)
    site = subprocess.run([str(py), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                          capture_output=True, text=True, check=True).stdout.strip()
    ours = subprocess.run([sys.executable, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                          capture_output=True, text=True, check=True).stdout.strip()
    Path(site, "zz_dependencies.pth").write_text(ours + "\n")  # after the venv's own: the wheel wins
    env = {"PATH": str(venv / "bin"), "HOME": str(tmp_path), "LANG": "C.UTF-8"}
    done = subprocess.run([str(py), "-c", SMOKE], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "smoke ok 0.6635" in done.stdout


def test_examples_copies_the_notebooks_and_keeps_existing_files(tmp_path):
    first = babygpt_widget.examples(tmp_path / "lecture")
    assert sorted(p.name for p in first) == ["babygpt.ipynb", "babygpt_marimo.css", "babygpt_marimo.py"]
    assert first[0].read_bytes() == (REPO / "examples" / "babygpt.ipynb").read_bytes()
    first[0].write_text("my edits")
    babygpt_widget.examples(tmp_path / "lecture")
    assert first[0].read_text() == "my edits"  # a user's edited copy is never overwritten
    (tmp_path / "file").write_text("")
    with pytest.raises(ValueError, match="dest"):
        babygpt_widget.examples(tmp_path / "file")
