"""Writes tests/golden/view_links.json: view links formatted by Python, and links Python refuses
(with the key its error names), for js/model/viewLink.test.ts to check the front end's formatter
writes the same text and its parser refuses the same links. test_view_link.py checks the
committed file is what this writes now. Run: .venv/bin/python tests/golden/make_view_link_golden.py"""

from __future__ import annotations

import json
import pathlib
from dataclasses import asdict

from babygpt_widget.runs.runstring import Segment, format_run_string
from babygpt_widget.core.config import RunConfig
from babygpt_widget.widget.view_link import ViewLink, format_link, parse_link

OUT = pathlib.Path(__file__).parent / "view_links.json"
SEED = format_run_string([Segment(RunConfig(), 50)])
CHANGED = format_run_string([Segment(RunConfig(), 10), Segment(RunConfig(lr=0.003), 10),
                             Segment(RunConfig(lr=0.003, sequence="1100110011"), 5)])
ODD = format_run_string([Segment(RunConfig(alphabet="a;b=c%|é😀#,", sequence="a;b=c%|é😀#,a;b", context_length=2,
                                           n_layer=1, n_head=1, n_embd=8), 3)])

VIEWS = [
    ViewLink(SEED),
    ViewLink(SEED, step=20, layout="force", temperature=0.5, marked=("000",)),
    ViewLink(SEED, step=20, layout="force", temperature=0.5, marked=("000",), select="101",
             open=("view", "inside", "step", "run")),
    ViewLink(SEED, select="11", open=()),
    ViewLink(CHANGED, step=0, temperature=0, marked=("000", "101", "11"), hide=("inside", "compare")),
    ViewLink(CHANGED, step=25, temperature=2, hide=("step", "train", "play", "reset", "config", "runstring")),
    ViewLink(ODD, step=3, layout="force", temperature=0.1 + 0.2, marked=("a;", "é😀", "#,"), select="😀,"),
    ViewLink(SEED, temperature=1e-7),
    ViewLink(SEED, temperature=1.2345678901234567),
    ViewLink(SEED, temperature=2 ** -7),
    ViewLink(SEED, temperature=5e-324),
    ViewLink(SEED, step=0, marked=("000",), open=("view", "inside"), lesson=4),
    ViewLink(SEED, lesson=0),
    ViewLink(CHANGED, layout="force", hide=("compare",), lesson=49),
]

REFUSED = [
    ("", "link"),
    ("babygpt-view2:run=x", "link"),
    ("babygpt-view1:step=3", "run"),
    ("babygpt-view1:run=nope", "run"),
    ("babygpt-view1:run=babygpt2:steps%3D1;colour=red", "link"),
    ("babygpt-view1:run=babygpt2:steps%3D1;step=-1", "step"),
    ("babygpt-view1:run=babygpt2:steps%3D1;step=1e3", "step"),
    ("babygpt-view1:run=babygpt2:steps%3D1;step=10000001", "step"),
    ("babygpt-view1:run=babygpt2:steps%3D1;step=1;step=2", "step"),
    ("babygpt-view1:run=babygpt2:steps%3D1;layout=circo", "layout"),
    ("babygpt-view1:run=babygpt2:steps%3D1;T=2.5", "T"),
    ("babygpt-view1:run=babygpt2:steps%3D1;T=-0", "T"),
    ("babygpt-view1:run=babygpt2:steps%3D1;T=nan", "T"),
    ("babygpt-view1:run=babygpt2:steps%3D1;T=0x1", "T"),
    ("babygpt-view1:run=babygpt2:steps%3D1;marked=000,,001", "marked"),
    ("babygpt-view1:run=babygpt2:steps%3D1;marked=000,000", "marked"),
    ("babygpt-view1:run=babygpt2:steps%3D1;marked=%FF", "marked"),
    ("babygpt-view1:run=babygpt2:steps%3D1;marked=%zz", "marked"),
    ("babygpt-view1:run=babygpt2:steps%3D1;hide=everything", "hide"),
    ("babygpt-view1:run=babygpt2:steps%3D1;hide=step,step", "hide"),
    ("babygpt-view1:run=babygpt2:steps%3D1;marked=0 0", "marked"),
    ("babygpt-view1:run=babygpt2:steps%3D1;open=view,drawer", "open"),
    ("babygpt-view1:run=babygpt2:steps%3D1;open=view,view", "open"),
    ("babygpt-view1:run=babygpt2:steps%3D1;open=", "open"),
    ("babygpt-view1:run=babygpt2:steps%3D1;select=" + "0" * 65, "select"),
    ("babygpt-view1:run=babygpt2:steps%3D1;select=%E2", "select"),
    ("babygpt-view1:run=babygpt2:steps%3D1;lesson=50", "lesson"),
    ("babygpt-view1:run=babygpt2:steps%3D1;lesson=-1", "lesson"),
    ("babygpt-view1:run=babygpt2:steps%3D1;lesson=", "lesson"),
    ("babygpt-view1:run=babygpt2:steps%3D1;lesson=1.5", "lesson"),
    ("babygpt-view1:run=babygpt2:steps%3D1;lesson=03", "lesson"),
]


def golden() -> dict:
    for text, key in REFUSED:  # each refused by Python, naming its key
        try:
            parse_link(text)
        except ValueError as e:
            assert str(e).startswith("link: " if key == "link" else f"link: {key}"), (text, str(e))
        else:
            raise AssertionError(f"accepted {text!r}")
    views = []
    for view in VIEWS:
        link = format_link(view)
        assert parse_link(link) == view, link
        views.append({"view": {**asdict(view), "marked": list(view.marked), "hide": list(view.hide),
                               "open": list(view.open)}, "link": link})
    return {"views": views, "refused": [{"link": t, "key": k} for t, k in REFUSED]}


def text() -> str:
    return json.dumps(golden(), ensure_ascii=False, indent=1) + "\n"


if __name__ == "__main__":
    OUT.write_text(text(), encoding="utf-8")
    print(f"wrote {OUT}")
