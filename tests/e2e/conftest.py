"""Fixtures for the browser end-to-end tests.

One JupyterLab server and one headless Debian chromium per session; a fresh browser context,
page and workspace per test. Servers bind 127.0.0.1 only and use temp JUPYTER_* dirs.
On failure a screenshot + the page console go to test-artifacts/failures/.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

from .helpers import Lab

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
EXAMPLE_NB = REPO / "examples" / "babygpt.ipynb"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(config, items):
    for item in items:
        if Path(str(item.fspath)).resolve().is_relative_to(Path(__file__).parent):
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    setattr(item, f"rep_{rep.when}", rep)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _api(url: str, method: str = "GET", timeout: float = 5.0):
    req = urllib.request.Request(url, method=method)
    with urllib.request.urlopen(req, timeout=timeout) as r:
        body = r.read()
        return json.loads(body) if body else None


@dataclass
class JupyterServer:
    url: str
    root: Path
    proc: subprocess.Popen
    log: Path

    def kernels(self) -> list[dict]:
        return _api(f"{self.url}/api/kernels") or []

    def shutdown_kernels(self) -> int:
        """DELETE every running kernel (REST needs the _xsrf cookie + header, even without a token)."""
        kernels = self.kernels()
        if not kernels:
            return 0
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        opener.open(f"{self.url}/lab", timeout=15).read()
        xsrf = next((c.value for c in jar if c.name == "_xsrf"), "")
        done = 0
        for k in kernels:
            req = urllib.request.Request(
                f"{self.url}/api/kernels/{k['id']}", method="DELETE", headers={"X-XSRFToken": xsrf}
            )
            try:
                opener.open(req, timeout=30).read()
                done += 1
            except (urllib.error.URLError, OSError) as e:
                print(f"[e2e] could not shut down kernel {k['id']}: {e}", file=sys.stderr)
        return done

    def log_tail(self, n: int = 60) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-n:])
        except OSError:
            return ""


def _lab_settings(settings_dir: Path) -> None:
    def put(plugin: str, values: dict) -> None:
        pkg, name = plugin.split(":")
        path = settings_dir / pkg / f"{name}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))

    # no "get notified about Jupyter news?" toast over the bottom-right corner
    put("@jupyterlab/apputils-extension:notification", {"fetchNews": "false", "checkForUpdates": False})
    # render every cell (no virtualisation hiding off-screen outputs)
    put("@jupyterlab/notebook-extension:tracker", {"windowingMode": "none"})


@pytest.fixture(scope="session")
def jupyter_server(tmp_path_factory) -> JupyterServer:
    base = tmp_path_factory.mktemp("jupyter")
    root = base / "root"
    env = os.environ.copy()
    dirs = {
        "JUPYTER_CONFIG_DIR": base / "config",
        "JUPYTER_DATA_DIR": base / "data",
        "JUPYTER_RUNTIME_DIR": base / "runtime",
        "IPYTHONDIR": base / "ipython",
        "JUPYTERLAB_SETTINGS_DIR": base / "lab-settings",
        "JUPYTERLAB_WORKSPACES_DIR": base / "lab-workspaces",
    }
    for p in [root, *dirs.values()]:
        p.mkdir(parents=True, exist_ok=True)
    env.update({k: str(v) for k, v in dirs.items()})
    env["PYTHONUNBUFFERED"] = "1"
    env.pop("JUPYTER_PATH", None)
    _lab_settings(dirs["JUPYTERLAB_SETTINGS_DIR"])

    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log = base / "server.log"
    cmd = [
        sys.executable, "-m", "jupyterlab", "--no-browser",
        f"--port={port}", "--ServerApp.port_retries=0", "--ServerApp.ip=127.0.0.1",
        "--IdentityProvider.token=", "--ServerApp.password=", "--allow-root",
        f"--ServerApp.root_dir={root}", "--LabApp.news_url=None",
        "--LabApp.expose_app_in_browser=True", "--ServerApp.open_browser=False",
    ]  # fmt: skip
    logf = open(log, "w")
    proc = subprocess.Popen(cmd, env=env, cwd=root, stdout=logf, stderr=subprocess.STDOUT, start_new_session=True)
    server = JupyterServer(url=url, root=root, proc=proc, log=log)
    try:
        deadline = time.monotonic() + 90
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"jupyter lab exited with {proc.returncode}:\n{server.log_tail()}")
            try:
                _api(f"{url}/api/status", timeout=2)
                break
            except (urllib.error.URLError, OSError, ValueError):
                if time.monotonic() > deadline:
                    raise RuntimeError(f"jupyter lab did not answer /api/status in 90 s:\n{server.log_tail()}")
                time.sleep(0.2)
        yield server
    finally:
        try:
            if proc.poll() is None:
                server.shutdown_kernels()
        except Exception:
            pass
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)
        logf.close()
        ARTIFACTS.mkdir(exist_ok=True)
        shutil.copy(log, ARTIFACTS / "jupyter-server.log")


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield b
        finally:
            b.close()


def _safe_name(nodeid: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", nodeid.split("::", 1)[-1])[:120]


@pytest.fixture
def lab(request, browser, jupyter_server) -> Lab:
    """A fresh browser context + page on the session's server; one test = one workspace."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(30_000)
    page = context.new_page()
    console: list[str] = []
    page.on("console", lambda m: console.append(f"[{m.type}] {m.text}"))
    page.on("pageerror", lambda e: console.append(f"[pageerror] {e.stack or e}"))
    the_lab = Lab(page=page, base_url=jupyter_server.url, console=console)
    try:
        yield the_lab
    finally:
        name = _safe_name(request.node.nodeid)
        logs = ARTIFACTS / "console"
        logs.mkdir(parents=True, exist_ok=True)
        (logs / f"{name}.log").write_text("\n".join(console), encoding="utf-8")
        rep = getattr(request.node, "rep_call", None)
        if rep is not None and rep.failed:
            out = ARTIFACTS / "failures"
            out.mkdir(parents=True, exist_ok=True)
            try:
                page.screenshot(path=str(out / f"{name}.png"), full_page=True)
            except Exception as e:  # the page may be gone
                console.append(f"[e2e] screenshot failed: {e}")
            try:
                widgets_html = page.eval_on_selector_all(".babygpt-widget", "els => els.map(e => e.outerHTML)")
            except Exception:
                widgets_html = []
            (out / f"{name}.console.log").write_text("\n".join(console), encoding="utf-8")
            (out / f"{name}.widget.html").write_text("\n\n".join(widgets_html), encoding="utf-8")
        context.close()
        # free the kernel (torch) of this test before the next one starts its own
        try:
            jupyter_server.shutdown_kernels()
        except Exception:
            pass


@pytest.fixture
def notebook_dir(jupyter_server, request) -> Path:
    """Per-test folder inside the server root (relative names for the /tree/ URL)."""
    d = jupyter_server.root / _safe_name(request.node.nodeid)
    if d.exists():
        shutil.rmtree(d)
    d.mkdir(parents=True)
    return d


@pytest.fixture
def example_notebook(notebook_dir, jupyter_server) -> str:
    """A fresh copy of examples/babygpt.ipynb; returns its path relative to the server root."""
    dst = notebook_dir / "babygpt.ipynb"
    shutil.copy(EXAMPLE_NB, dst)
    return dst.relative_to(jupyter_server.root).as_posix()
