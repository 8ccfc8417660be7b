"""Blocks of labelled fields: "Label: value" rows, inline runs, labels above values, boxed
grids, and checkboxes."""

from __future__ import annotations

from dataclasses import dataclass

from samples.render.blocks import lead
from samples.render.flow import Flow
from samples.render.fonts import fit_size, text_width, wrap
from samples.render.ops import GREY, INK, PT, RGB, Font, Line, Op, Rect, Text

Pair = tuple[str, str]


@dataclass(frozen=True)
class FieldStyle:
    label_font: Font
    value_font: Font
    size: float
    colon: bool = True
    label_color: RGB = INK

    def label(self, text: str) -> str:
        return f"{text}:" if self.colon else text


def _rows(pairs: list[Pair], cols: int, is_wide: list[bool]) -> list[list[Pair]]:
    """Pairs row-major into `cols` columns; a wide pair gets a row of its own."""
    rows: list[list[Pair]] = []
    current: list[Pair] = []
    for pair, wide in zip(pairs, is_wide, strict=True):
        if wide:
            if current:
                rows.append(current)
                current = []
            rows.append([pair])
            continue
        current.append(pair)
        if len(current) == cols:
            rows.append(current)
            current = []
    if current:
        rows.append(current)
    return rows


def kv_rows(flow: Flow, pairs: list[Pair], fs: FieldStyle, cols: int = 1,
            label_w: float | None = None, underline: bool = False, gap: float = 8.0) -> None:
    """"Label: value" with the values aligned in a column, in one or more columns."""
    col_w = (flow.content_width - gap * (cols - 1)) / cols
    if label_w is None:
        widest = max((text_width(fs.label(lb), fs.label_font, fs.size) for lb, _ in pairs),
                     default=20.0)
        label_w = min(widest + 3, col_w * 0.5)
    wide = [text_width(v, fs.value_font, fs.size) > col_w - label_w - 2 for _, v in pairs]
    pitch = lead(fs.size, 1.55)
    for row in _rows(pairs, cols, wide):
        span = col_w if len(row) > 1 or cols == 1 else flow.content_width
        lines = [wrap(v, fs.value_font, fs.size, span - label_w - 2) for _, v in row]
        flow.ensure(pitch * max(len(x) for x in lines))
        for i, ((lb, _), vals) in enumerate(zip(row, lines, strict=True)):
            x = flow.left + i * (col_w + gap)
            lsize = fit_size(fs.label(lb), fs.label_font, fs.size, label_w - 1.5)
            flow.add(Text(x, flow.y + fs.size * PT, fs.label(lb), fs.label_font, lsize,
                          color=fs.label_color))
            for j, text in enumerate(vals):
                base = flow.y + fs.size * PT + j * pitch
                flow.add(Text(x + label_w, base, text, fs.value_font, fs.size))
                if underline:
                    flow.add(Line(x + label_w - 1, base + 1.0, x + span - 2, base + 1.0, 0.15,
                                  GREY))
        flow.y += pitch * max(len(x) for x in lines)


def inline(flow: Flow, pairs: list[Pair], fs: FieldStyle, gap: float = 7.0) -> None:
    """Pairs run on along a line ("Name: Wang Li    Sex: Male    Age: 45"), wrapping."""
    pitch = lead(fs.size, 1.6)
    x = flow.left
    flow.ensure(pitch)
    for lb, value in pairs:
        lw = text_width(fs.label(lb), fs.label_font, fs.size) + 1.5
        vw = text_width(value, fs.value_font, fs.size)
        if x > flow.left and x + lw + vw > flow.right:
            flow.y += pitch
            flow.ensure(pitch)
            x = flow.left
        size = fit_size(value, fs.value_font, fs.size, flow.right - x - lw)
        base = flow.y + fs.size * PT
        flow.add(Text(x, base, fs.label(lb), fs.label_font, fs.size, color=fs.label_color),
                 Text(x + lw, base, value, fs.value_font, size))
        x += lw + text_width(value, fs.value_font, size) + gap
    flow.y += pitch


def stacked(flow: Flow, pairs: list[Pair], fs: FieldStyle, cols: int = 3,
            boxed: bool = False) -> None:
    """Small grey label above each value, in columns (optionally each in a thin box)."""
    col_w = flow.content_width / cols
    lsize = max(7.5, fs.size - 2.0)
    wide = [text_width(v, fs.value_font, fs.size) > col_w - 4 for _, v in pairs]
    vpitch = lead(fs.size, 1.35)
    for row in _rows(pairs, cols, wide):
        span = col_w if len(row) > 1 or cols == 1 else flow.content_width
        lines = [wrap(v, fs.value_font, fs.size, span - 4) for _, v in row]
        h = lead(lsize, 1.3) + vpitch * max(len(x) for x in lines) + 2.5
        flow.ensure(h)
        for i, ((lb, _), vals) in enumerate(zip(row, lines, strict=True)):
            x = flow.left + i * col_w
            if boxed:
                flow.add(Rect(x, flow.y, span - 2, h - 1, GREY, None, 0.15))
            flow.add(Text(x + 1.5, flow.y + lsize * PT + 1.0, lb, fs.label_font, lsize,
                          color=GREY))
            for j, text in enumerate(vals):
                base = flow.y + lead(lsize, 1.3) + fs.size * PT + 1.0 + j * vpitch
                flow.add(Text(x + 1.5, base, text, fs.value_font, fs.size))
        flow.y += h


def grid(flow: Flow, pairs: list[Pair], fs: FieldStyle, cols: int = 2,
         shade: RGB | None = (236, 236, 236), label_frac: float = 0.38, pad: float = 1.5) -> None:
    """A boxed grid: label cell, value cell, `cols` pairs per row; long values span the row;
    labels and values wrap inside their cells; `pad` is the cell padding above and below."""
    col_w = flow.content_width / cols
    label_w = col_w * label_frac
    wide = [text_width(v, fs.value_font, fs.size) > col_w - label_w - 3 for _, v in pairs]
    pitch = lead(fs.size, 1.35)
    for row in _rows(pairs, cols, wide):
        span = col_w if len(row) > 1 or cols == 1 else flow.content_width
        cells = [(wrap(lb, fs.label_font, fs.size, label_w - 3),
                  wrap(v, fs.value_font, fs.size, span - label_w - 3)) for lb, v in row]
        h = pitch * max(max(len(a), len(b)) for a, b in cells) + 2 * pad
        flow.ensure(h)
        for i, (labels, values) in enumerate(cells):
            x = flow.left + i * col_w
            cell_w = span if len(row) == 1 else col_w
            flow.add(Rect(x, flow.y, label_w, h, INK, shade, 0.25),
                     Rect(x + label_w, flow.y, cell_w - label_w, h, INK, None, 0.25))
            for j, text in enumerate(labels):
                flow.add(Text(x + 1.5, flow.y + pad + fs.size * PT + j * pitch, text,
                              fs.label_font, fs.size))
            for j, text in enumerate(values):
                flow.add(Text(x + label_w + 1.5, flow.y + pad + fs.size * PT + j * pitch, text,
                              fs.value_font, fs.size))
        flow.y += h


def checkbox(x: float, y: float, label: str, font: Font, size: float, ticked: bool) -> list[Op]:
    """A square box (top-left at x, y) followed by its label; a tick mark when `ticked`."""
    box = size * PT * 0.95
    ops: list[Op] = [Rect(x, y, box, box, INK, None, 0.25),
                     Text(x + box + 1.5, y + box * 0.92, label, font, size)]
    if ticked:
        ops.append(Line(x + 0.5, y + box * 0.5, x + box * 0.4, y + box - 0.4, 0.45))
        ops.append(Line(x + box * 0.4, y + box - 0.4, x + box + 0.6, y - 0.8, 0.45))
    return ops


def checkbox_row(flow: Flow, caption: str, options: list[str], ticked: int, font: Font,
                 bold: Font, size: float) -> None:
    """"Caption:  [x] option  [ ] option ..." on one line."""
    pitch = lead(size, 1.7)
    flow.ensure(pitch)
    x = flow.left
    flow.add(Text(x, flow.y + size * PT, f"{caption}:", bold, size))
    x += text_width(f"{caption}:", bold, size) + 4
    for i, option in enumerate(options):
        flow.add(*checkbox(x, flow.y + 0.2, option, font, size, i == ticked))
        x += text_width(option, font, size) + size * PT + 8
    flow.y += pitch
