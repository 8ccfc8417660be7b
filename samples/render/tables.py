"""Tables of line items: boxed, ruled (horizontal lines only), open or whitespace-only, with a
header row that may be repeated on continuation pages, group, subtotal and total rows."""

from __future__ import annotations

from dataclasses import dataclass, replace

from samples.render.blocks import lead
from samples.render.flow import Flow
from samples.render.fonts import fit_size, text_width, wrap
from samples.render.ops import GREY, INK, PT, RGB, Font, Line, Op, Rect, Text

HPAD = 1.6


@dataclass(frozen=True)
class Column:
    key: str  # no | date | code | name | unit | qty | price | amount | category
    header: str
    align: str = "l"


@dataclass(frozen=True)
class TableStyle:
    rules: str  # boxed | ruled | open | plain | dashed
    font: Font
    bold: Font
    size: float
    pad: float = 1.3
    header_fill: RGB | None = None
    zebra: RGB | None = None
    repeat_header: bool = True
    continued: str = ""  # printed under the table where it breaks to the next page


@dataclass
class Row:
    cells: dict[str, str]
    kind: str = "item"  # item | group | subtotal | total


@dataclass
class _Table:
    columns: list[Column]
    style: TableStyle
    xs: list[float]  # left edge of each column, then the right edge of the table
    flex: str  # the column whose text wraps
    header_size: float
    seg_top: float = 0.0
    n_items: int = 0

    def span(self, key: str) -> tuple[float, float]:
        i = [c.key for c in self.columns].index(key)
        return self.xs[i], self.xs[i + 1]


def column_widths(columns: list[Column], rows: list[Row], style: TableStyle, width: float,
                  flex: str) -> list[float]:
    """Natural widths for every column but `flex`, which takes the rest."""
    widths = []
    for col in columns:
        cells = [text_width(r.cells.get(col.key, ""), _font(style, r), style.size) for r in rows
                 if col.key != flex or r.kind == "item"]
        header = text_width(col.header, style.bold, style.size) * 0.85  # headers may shrink
        widths.append(max([header, *cells]) + 2 * HPAD)
    i = [c.key for c in columns].index(flex)
    widths[i] = width - (sum(widths) - widths[i])
    return widths


def fit_style(columns: list[Column], rows: list[Row], style: TableStyle, width: float,
              flex: str) -> tuple[TableStyle, list[float]]:
    """Shrink the type (not below 7.5 pt) until the wrapping column gets a fair share."""
    while True:
        widths = column_widths(columns, rows, style, width, flex)
        share = widths[[c.key for c in columns].index(flex)] / width
        if share >= 0.33 or style.size <= 7.5:
            return style, widths
        style = replace(style, size=style.size - 0.5)


def draw_table(flow: Flow, columns: list[Column], rows: list[Row], style: TableStyle,
               x0: float | None = None, width: float | None = None) -> None:
    x0 = flow.left if x0 is None else x0
    width = flow.content_width - (x0 - flow.left) if width is None else width
    flex = "name" if any(c.key == "name" for c in columns) else columns[0].key
    style, widths = fit_style(columns, rows, style, width, flex)
    xs = [x0]
    for w in widths:
        xs.append(xs[-1] + w)
    t = _Table(columns, style, xs, flex, header_size=_header_size(columns, style, xs))
    flow.ensure(_row_height(style, 1) * 4)
    _start_segment(flow, t, header=True)
    for row in rows:
        cells = {c.key: _cell_lines(t, row, c) for c in columns}
        h = _row_height(style, max(len(v) for v in cells.values()))
        if not flow.fits(h):
            _break(flow, t)
        _draw_row(flow, t, row, cells, h)
    _end_segment(flow, t)


def _header_size(columns: list[Column], style: TableStyle, xs: list[float]) -> float:
    """One size for all headers: the largest at which each fits its column."""
    return min(fit_size(c.header, style.bold, style.size, x1 - x0 - 2 * HPAD, 6.0)
               for c, x0, x1 in zip(columns, xs, xs[1:], strict=False))


def _font(style: TableStyle, row: Row) -> Font:
    return style.font if row.kind == "item" else style.bold


def _row_height(style: TableStyle, n_lines: int) -> float:
    return 2 * style.pad + style.size * PT * 1.05 + (n_lines - 1) * lead(style.size, 1.2)


def _cell_lines(t: _Table, row: Row, col: Column) -> list[str]:
    text = row.cells.get(col.key, "")
    if col.key != t.flex or not text:
        return [text]
    x0, x1 = t.span(col.key)
    return wrap(text, _font(t.style, row), t.style.size, x1 - x0 - 2 * HPAD)


def _start_segment(flow: Flow, t: _Table, header: bool) -> None:
    t.seg_top = flow.y
    if header:
        _draw_header(flow, t)


def _draw_header(flow: Flow, t: _Table) -> None:
    s = t.style
    h = _row_height(s, 1) + 0.6
    if s.header_fill is not None:
        flow.add(Rect(t.xs[0], flow.y, t.xs[-1] - t.xs[0], h, None, s.header_fill))
    if s.rules in ("ruled", "open"):
        flow.add(Line(t.xs[0], flow.y, t.xs[-1], flow.y, 0.4))
    for col, x0, x1 in zip(t.columns, t.xs, t.xs[1:], strict=False):
        flow.add(_aligned(col.align, x0, x1, flow.y + s.pad + s.size * PT + 0.3, col.header,
                          s.bold, t.header_size))
    flow.y += h
    if s.rules in ("boxed", "ruled", "open"):
        flow.add(Line(t.xs[0], flow.y, t.xs[-1], flow.y, 0.3))
    elif s.rules == "dashed":
        flow.add(Line(t.xs[0], flow.y, t.xs[-1], flow.y, 0.25, INK, dash=1.2))


def _aligned(align: str, x0: float, x1: float, base: float, text: str, font: Font, size: float,
             color: RGB = INK) -> Text:
    if align == "r":
        return Text(x1 - HPAD, base, text, font, size, "r", color)
    if align == "c":
        return Text((x0 + x1) / 2, base, text, font, size, "c", color)
    return Text(x0 + HPAD, base, text, font, size, "l", color)


def _draw_row(flow: Flow, t: _Table, row: Row, cells: dict[str, list[str]], h: float) -> None:
    s = t.style
    left, right = t.xs[0], t.xs[-1]
    if row.kind == "item":
        t.n_items += 1
        if s.zebra is not None and t.n_items % 2 == 0:
            flow.add(Rect(left, flow.y, right - left, h, None, s.zebra))
    elif row.kind == "total" and s.rules in ("ruled", "open", "plain", "dashed"):
        flow.add(Line(left, flow.y, right, flow.y, 0.35, INK, dash=1.2 if s.rules == "dashed" else 0))
    font = _font(s, row)
    for col, x0, x1 in zip(t.columns, t.xs, t.xs[1:], strict=False):
        for j, text in enumerate(cells[col.key]):
            base = flow.y + s.pad + s.size * PT + j * lead(s.size, 1.2)
            flow.add(_aligned(col.align, x0, x1, base, text, font, s.size))
    flow.y += h
    if s.rules == "boxed" or (s.rules == "ruled" and row.kind != "total"):
        flow.add(Line(left, flow.y, right, flow.y, 0.25 if s.rules == "boxed" else 0.12,
                      INK if s.rules == "boxed" else GREY))
    if row.kind == "total" and s.rules in ("ruled", "open"):
        flow.add(Line(left, flow.y, right, flow.y, 0.4))


def _break(flow: Flow, t: _Table) -> None:
    _end_segment(flow, t)
    if t.style.continued:
        flow.add(Text(t.xs[-1], flow.y + 4.5, t.style.continued, t.style.font,
                      t.style.size - 1, "r", GREY))
    flow.new_page()
    _start_segment(flow, t, header=t.style.repeat_header)
    if not t.style.repeat_header and t.style.rules == "boxed":
        flow.add(Line(t.xs[0], flow.y, t.xs[-1], flow.y, 0.25))


def _end_segment(flow: Flow, t: _Table) -> None:
    if t.style.rules != "boxed":
        return
    ops: list[Op] = [Line(x, t.seg_top, x, flow.y, 0.25) for x in t.xs]
    ops.append(Line(t.xs[0], t.seg_top, t.xs[-1], t.seg_top, 0.25))
    flow.add(*ops)
