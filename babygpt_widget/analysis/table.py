"""Table: the one return type of every table the package hands out (the chain's probabilities,
the seed ensemble's spreads).

pandas is optional, and code that returns a DataFrame when pandas is there and text otherwise
breaks notebooks that call DataFrame methods. So every table is this small immutable object: it
renders as an HTML table in Jupyter and marimo (`_repr_html_`), as aligned text in a terminal
(`str`/`repr`), rounds (`round(n)`), and turns into a DataFrame (`to_pandas()`) when pandas is
installed. The first column is the key (a state): `row(key)`, and the DataFrame's index.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass
from typing import Any, Iterator

Value = str | bool | int | float
DEFAULT_DIGITS = 4  # decimals shown for floats that were not rounded
MAX_SHOWN_ROWS = 60  # longer tables show their first and last rows (as pandas does); the data keeps all
HEAD_ROWS, TAIL_ROWS = 25, 5


@dataclass(frozen=True)
class Table:
    """Rows of named columns; the first column names each row (e.g. ``state``).

    ``columns`` and ``rows`` are tuples; floats keep full precision until ``round(n)``.
    """

    columns: tuple[str, ...]
    rows: tuple[tuple[Value, ...], ...]
    digits: int = DEFAULT_DIGITS  # decimals shown for floats

    def __post_init__(self) -> None:
        columns = tuple(str(c) for c in self.columns)
        rows = tuple(tuple(r) for r in self.rows)
        if not columns:
            raise ValueError("columns: a table needs at least one column")
        if len(set(columns)) != len(columns):
            raise ValueError(f"columns: names must be unique; got {list(columns)}")
        for i, r in enumerate(rows):
            if len(r) != len(columns):
                raise ValueError(f"rows: row {i} has {len(r)} values for {len(columns)} columns")
        object.__setattr__(self, "columns", columns)
        object.__setattr__(self, "rows", rows)

    # -- access ------------------------------------------------------------------------------------
    @property
    def key(self) -> str:
        """The first column's name: what names a row (``row(...)``, the DataFrame's index)."""
        return self.columns[0]

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self) -> Iterator[tuple[Value, ...]]:
        return iter(self.rows)

    def __getitem__(self, column: str) -> tuple[Value, ...]:
        """One column's values, in row order: ``table["P(1)"]``."""
        return tuple(r[self._column_index(column)] for r in self.rows)

    def row(self, key: Value) -> dict[str, Value]:
        """The row whose first column is ``key``, as {column: value}: ``table.row("101")["P(1)"]``."""
        for r in self.rows:
            if r[0] == key:
                return dict(zip(self.columns, r))
        raise KeyError(f"{self.key}: no row {key!r}")

    def to_dict(self) -> dict[str, list[Value]]:
        """{column: [values in row order]} (the first column included)."""
        return {c: [r[i] for r in self.rows] for i, c in enumerate(self.columns)}

    def to_pandas(self) -> Any:
        """A pandas DataFrame, indexed by the first column. Needs pandas
        (``pip install pandas``, or the package's ``[pandas]`` extra)."""
        try:
            import pandas as pd
        except ImportError:
            raise ImportError("to_pandas() needs pandas, which is not installed: "
                              "pip install pandas (or pip install 'babygpt-widget[pandas]')") from None
        index = pd.Index([r[0] for r in self.rows], name=self.key)
        return pd.DataFrame([list(r[1:]) for r in self.rows], index=index, columns=list(self.columns[1:]))

    def round(self, digits: int = 0) -> "Table":
        """A copy with every float rounded to ``digits`` decimals (and shown with that many)."""
        if isinstance(digits, bool) or not isinstance(digits, int) or not 0 <= digits <= 15:
            raise ValueError(f"digits: must be an integer from 0 to 15; got {digits!r}")
        rows = tuple(tuple(round(v, digits) if _is_float(v) else v for v in r) for r in self.rows)
        return Table(self.columns, rows, digits)

    # -- display -----------------------------------------------------------------------------------
    def _cell(self, v: Value) -> str:
        if isinstance(v, bool):
            return "yes" if v else "no"
        if _is_float(v):
            return f"{v:.{self.digits}f}" if math.isfinite(v) else str(v)
        return str(v)

    def __str__(self) -> str:
        """Aligned text: number columns right-aligned, the others left-aligned."""
        head, tail = self._shown()
        cells = [list(self.columns)] + [[self._cell(v) for v in r] for r in head + tail]
        if tail:
            cells.insert(1 + len(head), ["…"] * len(self.columns))
        widths = [max(len(row[i]) for row in cells) for i in range(len(self.columns))]
        right = [self._numeric(i) for i in range(len(self.columns))]
        lines = ["  ".join(c.rjust(w) if r else c.ljust(w) for c, w, r in zip(row, widths, right)).rstrip()
                 for row in cells]
        return "\n".join(lines + ([self._omitted()] if tail else []))

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        """An HTML table (inline styles only, so untrusted notebooks and marimo keep them; colours
        from the page's own text colour, so light and dark themes both read)."""
        esc = html.escape
        th = "padding:2px 10px;border-bottom:1px solid currentColor;font-weight:600;"
        right = [self._numeric(i) for i in range(len(self.columns))]
        head = "".join(f'<th style="{th}text-align:{"right" if r else "left"}">{esc(c)}</th>'
                       for c, r in zip(self.columns, right))
        head_rows, tail = self._shown()
        body = []
        for n, r in enumerate(head_rows + tail):
            if tail and n == len(head_rows):
                body.append(f'<tr><td colspan="{len(self.columns)}" style="padding:1px 10px">…</td></tr>')
            tds = []
            for i, v in enumerate(r):
                align = "right" if right[i] else "left"
                font = "font-family:monospace;" if i == 0 else "font-variant-numeric:tabular-nums;"
                tds.append(f'<td style="padding:1px 10px;text-align:{align};{font}">{esc(self._cell(v))}</td>')
            body.append(f"<tr>{''.join(tds)}</tr>")
        caption = f'<caption style="caption-side:bottom;text-align:left">{esc(self._omitted())}</caption>' if tail else ""
        return (f'<table class="babygpt-table" style="border-collapse:collapse">{caption}'
                f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>")

    def _shown(self) -> tuple[tuple, tuple]:
        """The rows a display shows: all, or (first HEAD_ROWS, last TAIL_ROWS) of a long table."""
        if len(self.rows) <= MAX_SHOWN_ROWS:
            return self.rows, ()
        return self.rows[:HEAD_ROWS], self.rows[-TAIL_ROWS:]

    def _omitted(self) -> str:
        return f"{len(self.rows):,} rows, {HEAD_ROWS + TAIL_ROWS} shown; all of them: .rows, .to_dict(), .to_pandas()"

    def _numeric(self, i: int) -> bool:
        """Column i holds numbers only (shown right-aligned)."""
        return bool(self.rows) and all(_is_number(r[i]) for r in self.rows)

    def _column_index(self, column: str) -> int:
        try:
            return self.columns.index(column)
        except ValueError:
            raise KeyError(f"column: no column {column!r}; columns: {', '.join(self.columns)}") from None


def _is_float(v: Any) -> bool:
    return isinstance(v, float)


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)
