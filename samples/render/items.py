"""Line items as table rows: the columns a layout asks for (dropping those the lines carry no
data for), the cells of each line, category group/subtotal rows and the total row."""

from __future__ import annotations

from decimal import Decimal

from samples.render.context import Doc
from samples.render.tables import Column, Row
from samples.render.values import format_qty
from samples.spec import LineSpec, Style, format_amount, format_date

ALIGN = {"no": "c", "qty": "r", "price": "r", "amount": "r", "unit": "c", "date": "l"}


def columns(doc: Doc, order: list[str]) -> list[Column]:
    """Columns in `order`; `date` and `code` only when lines carry them (a date column is
    inserted before `name` when the lines are dated and `order` has none), `unit` when any."""
    lines = doc.spec.lines
    keys = list(order)
    dated = any(ln.item_date for ln in lines)
    if dated and "date" not in keys:
        keys.insert(max(0, keys.index("name")), "date")
    drop = {"date": not dated, "code": not any(ln.code for ln in lines),
            "unit": not any(ln.unit for ln in lines)}
    return [Column(k, doc.pick("columns", k), ALIGN.get(k, "l")) for k in keys
            if not drop.get(k, False)]


def cells(line: LineSpec, no: int, style: Style) -> dict[str, str]:
    return {
        "no": str(no),
        "date": format_date(line.item_date, style.line_date_fmt) if line.item_date else "",
        "code": line.code,
        "name": line.name,
        "unit": line.unit,
        "qty": format_qty(line.quantity),
        "price": format_amount(line.unit_price, style.line_amount_fmt),
        "amount": format_amount(line.amount, style.line_amount_fmt),
        "category": line.row_type.capitalize(),
    }


def runs(lines: list[LineSpec]) -> list[list[LineSpec]]:
    """Consecutive lines of the same row type (the renderer never reorders lines)."""
    out: list[list[LineSpec]] = []
    for line in lines:
        if out and out[-1][0].row_type == line.row_type:
            out[-1].append(line)
        else:
            out.append([line])
    return out


def item_rows(doc: Doc, groups: bool = False, subtotals: bool = False) -> list[Row]:
    """Item rows, with category headings and/or subtotals when asked for and the lines come
    grouped by row type (a list in date order gets neither)."""
    style = doc.spec.style
    grouped = len(runs(doc.spec.lines)) == len({ln.row_type for ln in doc.spec.lines})
    groups, subtotals = groups and grouped, subtotals and grouped
    names = {t: doc.pick("categories", t if t in doc.vocab.labels["categories"] else "other")
             for t in sorted({ln.row_type for ln in doc.spec.lines})}
    sub_word = doc.pick("rows", "subtotal")
    rows: list[Row] = []
    no = 0
    for run in runs(doc.spec.lines):
        category = names[run[0].row_type]
        if groups:
            rows.append(Row({"name": category}, "group"))
        for line in run:
            no += 1
            rows.append(Row(cells(line, no, style)))
        if subtotals:
            total = sum((ln.amount for ln in run), Decimal(0))
            label = f"{sub_word} ({category})" if not groups else sub_word
            rows.append(Row({"name": label,
                             "amount": format_amount(total, style.line_amount_fmt)}, "subtotal"))
    return rows


def total_value(doc: Doc) -> str:
    """The printed total: the document's total_amount field (marked printed) or the line sum."""
    if doc.fields.take("total_amount") is not None:
        return doc.fields.value("total_amount")
    total = sum((ln.amount for ln in doc.spec.lines), Decimal(0))
    return format_amount(total, doc.spec.style.amount_fmt)


def total_row(doc: Doc, label_key: str = "name") -> Row:
    label = (doc.fields.label("total_amount") if doc.fields.has("total_amount")
             else doc.pick("rows", "total"))
    return Row({label_key: label, "amount": total_value(doc)}, "total")
