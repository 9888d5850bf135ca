"""Fixtures for the browser end-to-end tests.

One JupyterLab server and one headless Debian chromium per session; a fresh browser context,
page and workspace per test. Servers bind 127.0.0.1 only and use temp JUPYTER_* dirs.
On failure a screenshot + the page console go to test-artifacts/failures/.
A Jupyter Notebook 7 server and a Voila server (test_hosts.py) are session fixtures too, started
only when a test asks for them. Static pages (test_static_export.py) need no server: they are
served through Playwright routing with the CDN files taken from node_modules (`npm ci`).
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

from .helpers import Lab, Notebook7, write_notebook

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
    xsrf_path: str = "/lab"  # a page that sets the _xsrf cookie

    def kernels(self) -> list[dict]:
        return _api(f"{self.url}/api/kernels") or []

    def shutdown_kernels(self) -> int:
        """DELETE every running kernel (REST needs the _xsrf cookie + header, even without a token)."""
        kernels = self.kernels()
        if not kernels:
            return 0
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        opener.open(f"{self.url}{self.xsrf_path}", timeout=15).read()
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


def _jupyter_app(tmp_path_factory, name: str, module: str, app_args: list[str], xsrf_path: str):
    """A Jupyter server app (`python -m <module>`) on a free 127.0.0.1 port, no token, every
    JUPYTER_* dir in temp folders; yields it, then shuts its kernels and the process group down."""
    base = tmp_path_factory.mktemp(name)
    root = base / "root"
    root.mkdir()
    env, dirs = _isolated_env(base)
    _lab_settings(dirs["JUPYTERLAB_SETTINGS_DIR"])
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log = base / "server.log"
    cmd = [
        sys.executable, "-m", module, "--no-browser",
        f"--port={port}", "--ServerApp.port_retries=0", "--ServerApp.ip=127.0.0.1",
        "--IdentityProvider.token=", "--ServerApp.password=", "--allow-root",
        f"--ServerApp.root_dir={root}", "--ServerApp.open_browser=False", *app_args,
    ]  # fmt: skip

    def ready() -> bool:
        return _api(f"{url}/api/status", timeout=2) is not None

    for proc in _serve(name, cmd, env, root, log, ready):
        server = JupyterServer(url=url, root=root, proc=proc, log=log, xsrf_path=xsrf_path)
        try:
            yield server
        finally:
            try:
                server.shutdown_kernels()
            except Exception:
                pass


@pytest.fixture(scope="session")
def jupyter_server(tmp_path_factory) -> JupyterServer:
    yield from _jupyter_app(tmp_path_factory, "jupyter-server", "jupyterlab",
                            ["--LabApp.news_url=None", "--LabApp.expose_app_in_browser=True"], "/lab")


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


def _save_page_artifacts(request, page, console: list[str]) -> None:
    """Console log of every test; on failure also a screenshot and the widgets' HTML."""
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


def _new_page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(30_000)
    page = context.new_page()
    console: list[str] = []
    page.on("console", lambda m: console.append(f"[{m.type}] {m.text}"))
    page.on("pageerror", lambda e: console.append(f"[pageerror] {e.stack or e}"))
    return context, page, console


def _notebook_page(request, browser, server: "JupyterServer", cls: type[Lab]):
    """A fresh browser context + page on ``server``; one test = one workspace / notebook."""
    context, page, console = _new_page(browser)
    the_page = cls(page=page, base_url=server.url, console=console)
    try:
        yield the_page
    finally:
        _save_page_artifacts(request, page, console)
        context.close()
        # free the kernel (torch) of this test before the next one starts its own
        try:
            server.shutdown_kernels()
        except Exception:
            pass


@pytest.fixture
def lab(request, browser, jupyter_server) -> Lab:
    """A fresh browser context + page on the session's server; one test = one workspace."""
    yield from _notebook_page(request, browser, jupyter_server, Lab)


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


# -- other hosts: Jupyter Notebook 7 and Voila (issue 5) ----------------------------------------------
def _isolated_env(base: Path) -> tuple[dict, dict[str, Path]]:
    """Environment with every JUPYTER_* dir (and IPython's) in temp folders under ``base``."""
    env = os.environ.copy()
    dirs = {
        "JUPYTER_CONFIG_DIR": base / "config",
        "JUPYTER_DATA_DIR": base / "data",
        "JUPYTER_RUNTIME_DIR": base / "runtime",
        "IPYTHONDIR": base / "ipython",
        "JUPYTERLAB_SETTINGS_DIR": base / "lab-settings",
        "JUPYTERLAB_WORKSPACES_DIR": base / "lab-workspaces",
    }
    for p in dirs.values():
        p.mkdir(parents=True, exist_ok=True)
    env.update({k: str(v) for k, v in dirs.items()})
    env["PYTHONUNBUFFERED"] = "1"
    env.pop("JUPYTER_PATH", None)
    return env, dirs


def _stop_process_group(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


def _serve(name: str, cmd: list[str], env: dict, root: Path, log: Path, ready, timeout: float = 90):
    """Start a server in its own process group; yield the Popen once ``ready()`` holds; stop it
    (SIGTERM, then SIGKILL, the whole group: its kernels too) and keep its log."""
    logf = open(log, "w")
    proc = subprocess.Popen(cmd, env=env, cwd=root, stdout=logf, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"{name} exited with {proc.returncode}:\n{log.read_text(errors='replace')[-4000:]}")
            try:
                if ready():
                    break
            except (urllib.error.URLError, OSError, ValueError):
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"{name} not ready in {timeout:.0f} s:\n{log.read_text(errors='replace')[-4000:]}")
            time.sleep(0.2)
        yield proc
    finally:
        _stop_process_group(proc)
        logf.close()
        ARTIFACTS.mkdir(exist_ok=True)
        shutil.copy(log, ARTIFACTS / f"{name}.log")


@pytest.fixture(scope="session")
def notebook7_server(tmp_path_factory) -> JupyterServer:
    """Jupyter Notebook 7 (`python -m notebook`), set up like the JupyterLab server."""
    yield from _jupyter_app(tmp_path_factory, "notebook7-server", "notebook",
                            ["--JupyterNotebookApp.expose_app_in_browser=True"], "/tree")


@pytest.fixture
def nb7(request, browser, notebook7_server) -> Notebook7:
    yield from _notebook_page(request, browser, notebook7_server, Notebook7)


VOILA_CELLS = ["from babygpt_widget import BabyGPTWidget\nw = BabyGPTWidget()\nw"]


@dataclass
class VoilaServer:
    url: str  # the page of the notebook
    proc: subprocess.Popen
    log: Path


@pytest.fixture(scope="session")
def voila_server(tmp_path_factory) -> VoilaServer:
    """Voila serving a one-cell notebook (an untrained BabyGPTWidget) on a free 127.0.0.1 port.
    Each page load runs the notebook in a fresh kernel."""
    base = tmp_path_factory.mktemp("voila")
    root = base / "root"
    root.mkdir()
    nb = write_notebook(root / "babygpt_voila.ipynb", VOILA_CELLS)
    env, _dirs = _isolated_env(base)
    port = _free_port()
    url = f"http://127.0.0.1:{port}/"
    log = base / "voila.log"
    cmd = [
        sys.executable, "-m", "voila", str(nb), "--no-browser", f"--port={port}",
        "--Voila.ip=127.0.0.1", "--Voila.port_retries=0", "--show_tracebacks=True",
    ]  # fmt: skip

    def listening() -> bool:  # not GET / : that would run the notebook in a kernel
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True

    for proc in _serve("voila-server", cmd, env, root, log, listening):
        yield VoilaServer(url=url, proc=proc, log=log)


@pytest.fixture
def web_page(request, browser):
    """A fresh browser context + page (no server attached); yields (context, page, console)."""
    context, page, console = _new_page(browser)
    try:
        yield context, page, console
    finally:
        _save_page_artifacts(request, page, console)
        context.close()
