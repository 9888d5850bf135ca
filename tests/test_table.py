"""Table, the one return type of the package's tables: HTML in a notebook, aligned text in a
terminal, round(n), row/column access, and to_pandas() with pandas installed and a clear error
without it (pandas blocked in a subprocess: what a plain pip install gives)."""

from __future__ import annotations

import html.parser
import subprocess
import sys
import textwrap

import pandas as pd
import pytest

from babygpt_widget import BabyGPT, Table
from babygpt_widget.analysis.table import HEAD_ROWS, MAX_SHOWN_ROWS, TAIL_ROWS

SMALL_TABLE = Table(("state", "seen", "P(1)", "count"),
                    (("000", False, 0.731634, 0), ("101", True, 0.792855, 2), ("111", True, 0.453612, 3)))


class Cells(html.parser.HTMLParser):
    """The text of every <th>/<td>, row by row, and each cell's style."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self.styles: list[list[str]] = []
        self.caption = ""
        self._cell: str | None = None
        self._in_caption = False

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.rows.append([])
            self.styles.append([])
        elif tag in ("td", "th"):
            self._cell = ""
            self.styles[-1].append(dict(attrs).get("style", ""))
        elif tag == "caption":
            self._in_caption = True

    def handle_endtag(self, tag):
        if tag in ("td", "th"):
            self.rows[-1].append(self._cell)
            self._cell = None
        elif tag == "caption":
            self._in_caption = False

    def handle_data(self, data):
        if self._cell is not None:
            self._cell += data
        elif self._in_caption:
            self.caption += data


def parse(markup: str) -> Cells:
    cells = Cells()
    cells.feed(markup)
    return cells


def test_html_is_a_table_of_every_cell_with_numbers_right_aligned():
    cells = parse(SMALL_TABLE._repr_html_())
    assert cells.rows == [["state", "seen", "P(1)", "count"], ["000", "no", "0.7316", "0"],
                          ["101", "yes", "0.7929", "2"], ["111", "yes", "0.4536", "3"]]
    assert all("text-align:right" in s for row in cells.styles for s in row[2:])
    assert all("text-align:left" in s for row in cells.styles for s in row[:2])
    assert "color:" not in SMALL_TABLE._repr_html_()  # the page's own text colour: light and dark themes


def test_html_escapes_cell_text():
    table = Table(("state", "P"), (("<b>", 0.5), ("a&b", 0.25)))
    assert parse(table._repr_html_()).rows[1:] == [["<b>", "0.5000"], ["a&b", "0.2500"]]
    assert "<b>" not in table._repr_html_() and "&lt;b&gt;" in table._repr_html_()


def test_text_is_aligned_columns():
    lines = str(SMALL_TABLE).splitlines()
    assert lines == ["state  seen    P(1)  count",
                     "000    no    0.7316      0",
                     "101    yes   0.7929      2",
                     "111    yes   0.4536      3"]
    assert repr(SMALL_TABLE) == str(SMALL_TABLE)
    assert "\t" not in str(SMALL_TABLE)


def test_round_rounds_values_and_display_and_keeps_the_original():
    rounded = SMALL_TABLE.round(2)
    assert rounded.row("000")["P(1)"] == 0.73 and rounded.row("101")["count"] == 2
    assert rounded.row("101")["seen"] is True
    assert "0.79" in str(rounded) and "0.7929" not in str(rounded)
    assert parse(rounded._repr_html_()).rows[1] == ["000", "no", "0.73", "0"]
    assert SMALL_TABLE.row("000")["P(1)"] == 0.731634  # immutable: round() made a copy
    assert SMALL_TABLE.round().row("101")["P(1)"] == 1.0
    for bad in (-1, 16, 2.5, "3", True):
        with pytest.raises(ValueError, match="^digits: "):
            SMALL_TABLE.round(bad)


def test_access_by_column_row_and_dict():
    assert SMALL_TABLE.columns == ("state", "seen", "P(1)", "count") and SMALL_TABLE.key == "state"
    assert len(SMALL_TABLE) == 3 and list(SMALL_TABLE)[1] == ("101", True, 0.792855, 2)
    assert SMALL_TABLE["count"] == (0, 2, 3)
    assert SMALL_TABLE.row("111") == {"state": "111", "seen": True, "P(1)": 0.453612, "count": 3}
    assert SMALL_TABLE.to_dict() == {"state": ["000", "101", "111"], "seen": [False, True, True],
                                     "P(1)": [0.731634, 0.792855, 0.453612], "count": [0, 2, 3]}
    with pytest.raises(KeyError, match="no row '010'"):
        SMALL_TABLE.row("010")
    with pytest.raises(KeyError, match="no column 'P'"):
        SMALL_TABLE["P"]
    with pytest.raises(Exception):  # frozen
        SMALL_TABLE.rows = ()


def test_bad_shapes_are_refused():
    with pytest.raises(ValueError, match="^rows: row 1 has 1 values for 2 columns"):
        Table(("a", "b"), (("x", 1), ("y",)))
    with pytest.raises(ValueError, match="^columns: names must be unique"):
        Table(("a", "a"), ())
    with pytest.raises(ValueError, match="^columns: "):
        Table((), ())


def test_long_tables_show_head_and_tail_and_keep_every_row():
    table = BabyGPT(context_length=6).probabilities_table()  # 64 states
    assert len(table) == 64 > MAX_SHOWN_ROWS
    lines = str(table).splitlines()
    assert len(lines) == 1 + HEAD_ROWS + 1 + TAIL_ROWS + 1
    assert lines[1].startswith("000000") and lines[-2].startswith("111111") and lines[1 + HEAD_ROWS].startswith("…")
    assert "64 rows, 30 shown" in lines[-1]
    cells = parse(table._repr_html_())
    assert len(cells.rows) == 1 + HEAD_ROWS + 1 + TAIL_ROWS and "64 rows" in cells.caption
    assert len(table.to_dict()["state"]) == 64


def test_to_pandas_with_pandas_indexes_by_the_first_column():
    frame = SMALL_TABLE.to_pandas()
    assert isinstance(frame, pd.DataFrame)
    assert frame.index.name == "state" and list(frame.index) == ["000", "101", "111"]
    assert list(frame.columns) == ["seen", "P(1)", "count"]
    assert frame.loc["101", "P(1)"] == 0.792855 and bool(frame.loc["000", "seen"]) is False


WITHOUT_PANDAS = textwrap.dedent("""
    import sys
    sys.modules["pandas"] = None  # what a plain pip install gives: `import pandas` fails
    from babygpt_widget import BabyGPT
    gpt = BabyGPT()
    gpt.train(2)
    table = gpt.probabilities_table()
    assert "<table" in table._repr_html_() and str(table).startswith("state")
    print(table.round(3).row("000")["P(1)"])
    ens = gpt.compare_seeds(k=2, steps=1)
    print(ens.table().round(3).columns)
    try:
        table.to_pandas()
    except ImportError as e:
        print("ImportError:", e)
""")


def test_without_pandas_tables_render_round_and_to_pandas_says_what_to_install():
    done = subprocess.run([sys.executable, "-c", WITHOUT_PANDAS], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    out = done.stdout.splitlines()
    assert 0 < float(out[0]) < 1
    assert out[1] == "('state', 'seen', 'median P(1)', 'min', 'max')"
    assert out[2] == ("ImportError: to_pandas() needs pandas, which is not installed: "
                      "pip install pandas (or pip install 'babygpt-widget[pandas]')")
