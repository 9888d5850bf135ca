"""The standalone page (issue 21 §2): `python -m babygpt_widget page OUT.html [--run-string S]
[--title T]` and `babygpt_widget.write_page` write one self-contained file that shows the run and
carries the engine's state at its last step (so it trains in the browser: tests/e2e/
test_standalone_page.py). Bad paths and run strings: one line naming the field, exit status 2,
no traceback, nothing written."""

from __future__ import annotations

import base64
import html
import json
import re
import struct
import subprocess
import sys

import pytest

import babygpt_widget
from babygpt_widget import BabyGPT
from babygpt_widget.render.page_data import read_page_data
from babygpt_widget.render.page_engine import state_blob

CLI = [sys.executable, "-m", "babygpt_widget"]
ENGINE_DATA = re.compile(r'<script type="application/json" class="bgp-data">(.*?)</script>', re.S)


def cli(*args: str, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=300, cwd=cwd)


def engine_of(page: str) -> dict:
    return json.loads(ENGINE_DATA.findall(page)[0])["engine"]


def step_of(blob_b64: str) -> int:
    blob = base64.b64decode(blob_b64)
    (h,) = struct.unpack("<I", blob[8:12])
    return json.loads(blob[12:12 + h])["step"]


def test_cli_writes_a_self_contained_standalone_page_at_step_0(tmp_path):
    out = tmp_path / "babygpt.html"
    done = cli("page", str(out))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"wrote {out}: ") and "MB" in done.stdout
    page = out.read_text(encoding="utf-8")
    # one file, nothing fetched: no src/href to anything, no URL a browser would load
    markup = re.sub(r"<script\b[^>]*>.*?</script>", "", page, flags=re.S)
    assert not re.search(r"\b(src|href)\s*=|<link|@import|url\(", markup), "the page's markup loads something"
    assert all(s.startswith(("<script>", '<script type="application/json"'))
               for s in re.findall(r"<script\b[^>]*>", page))  # inline scripts only
    head = re.search(r'<header class="bgp-head" data-role="page-intro"><h1>(.*?)</h1><p>(.*?)</p></header>', page)
    assert head and html.unescape(head.group(1)) == "babyGPT: a tiny GPT as a Markov chain"
    assert "12,656-parameter GPT trained on 111101111011110" in head.group(2) and "trains here in your browser" in head.group(2)
    assert "<title>babyGPT: a tiny GPT as a Markov chain</title>" in page
    traits, info = read_page_data(page)
    assert info["last_step"] == 0 and traits["global_step"] == 0
    engine = engine_of(page)
    assert engine["state"] and step_of(engine["state"]) == 0
    assert base64.b64decode(engine["state"]) == state_blob(BabyGPT())  # the seed's run, bit for bit
    # the footer names no notebook: there is none around a standalone page
    note = re.search(r'data-role="page-note">(.*?)</footer>', page, re.S).group(1)
    assert note.startswith("Standalone page (no Python needed)") and "notebook" not in note


def test_cli_run_string_opens_the_page_at_that_run_with_its_history(tmp_path):
    run = BabyGPT(sequence="0110", lr=3e-3)
    run.train(20)
    run.configure(lr=1e-3)
    run.train(10)
    out = tmp_path / "shared.html"
    done = cli("page", str(out), "--run-string", run.run_string, "--title", "Lecture 3 <live>")
    assert done.returncode == 0, done.stderr
    page = out.read_text(encoding="utf-8")
    traits, info = read_page_data(page)
    assert traits["global_step"] == 30 and traits["run_string"] == run.run_string
    assert info["recorded"] == info["kept"] == 31 and info["first_step"] == 0 and info["last_step"] == 30
    assert base64.b64decode(engine_of(page)["state"]) == state_blob(run)  # rebuilt exactly, moments included
    assert "<title>Lecture 3 &lt;live&gt;</title>" in page and "<h1>Lecture 3 &lt;live&gt;</h1>" in page
    assert "trained on 0110" in page


@pytest.mark.parametrize("args, field", [
    (["--run-string", "nope"], "run_string: must start with 'babygpt2:'"),
    (["--run-string", "babygpt2:seq=111101111011110;alphabet=01;C=3;layers=4;heads=3;embd=16;lr=0.001;wd=0.1;"
                      "seed=1337;steps=5"], "run_string: n_embd: must be divisible by n_head (3)"),
    (["--title", "  "], "title: must be a non-empty string"),
])
def test_cli_bad_values_exit_2_with_one_field_named_line_and_write_nothing(tmp_path, args, field):
    out = tmp_path / "p.html"
    done = cli("page", str(out), *args)
    assert done.returncode == 2, (done.returncode, done.stderr)
    lines = [ln for ln in done.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("python -m babygpt_widget page: error: ") and field in lines[0], done.stderr
    assert "Traceback" not in done.stderr and not out.exists() and done.stdout == ""


def test_cli_paths_that_cannot_be_written_are_refused_before_any_training(tmp_path):
    missing = cli("page", str(tmp_path / "no-such-folder" / "p.html"), "--run-string",
                  "babygpt2:seq=111101111011110;alphabet=01;C=3;layers=4;heads=4;embd=16;lr=0.001;wd=0.1;seed=1337;"
                  "steps=100000")  # would take minutes: refused first
    assert missing.returncode == 2 and "path: cannot write" in missing.stderr and "does not exist" in missing.stderr
    assert "Traceback" not in missing.stderr and "rebuilding" not in missing.stderr
    folder = cli("page", str(tmp_path))
    assert folder.returncode == 2 and "path:" in folder.stderr and "is a folder" in folder.stderr
    assert len(folder.stderr.strip().splitlines()) == 1


def test_cli_help_documents_the_page_command():
    top = cli("--help")
    assert top.returncode == 0 and "page" in top.stdout and "standalone page" in top.stdout
    sub = cli("page", "--help")
    assert sub.returncode == 0
    for words in ("OUT.html", "--run-string", "--title", "no network", "trains in the browser"):
        assert words in sub.stdout, words
    none = cli()
    assert none.returncode == 2 and "COMMAND" in none.stderr and "Traceback" not in none.stderr


def test_write_page_is_the_python_function_and_checks_its_fields(tmp_path):
    assert "write_page" in babygpt_widget.__all__
    saved = babygpt_widget.write_page(tmp_path / "p.html")
    assert saved.bytes == (tmp_path / "p.html").stat().st_size and saved.steps_kept == saved.steps_recorded == 1
    with pytest.raises(ValueError, match=r"^run_string: must be a string or None"):
        babygpt_widget.write_page(tmp_path / "q.html", run_string=50)
    with pytest.raises(ValueError, match=r"^title: must be a non-empty string"):
        babygpt_widget.write_page(tmp_path / "q.html", title=3)
    with pytest.raises(ValueError, match=r"^path: must be a non-empty file name"):
        babygpt_widget.write_page("")
    assert not (tmp_path / "q.html").exists()


def test_a_chain_too_large_for_the_page_engine_says_so_in_its_line(tmp_path):
    run = BabyGPT(context_length=8, sequence="0110101110010111")
    saved = babygpt_widget.write_page(tmp_path / "big.html", run_string=run.run_string)
    page = (tmp_path / "big.html").read_text(encoding="utf-8")
    assert saved.bytes < 3_000_000 and engine_of(page)["state"] is None
    assert "Too large to train in the page (256 states" in page and "training needs Python" in page
