"""Fee lists (detailed lists of expenses): four layouts, all paginating over A4 pages."""

from __future__ import annotations

from samples.render.blocks import heading, rule, text_line
from samples.render.context import Doc, Theme, pick_theme
from samples.render.filler import issuer_name, patient_number, staff
from samples.render.flow import A4, Flow
from samples.render.forms import FieldStyle, inline, kv_rows, stacked
from samples.render.items import columns, item_rows, total_row
from samples.render.ops import Page
from samples.render.parts import continuation_header, footer, remarks, rest_fields, sign_off, top
from samples.render.tables import TableStyle, draw_table

INFO = ["patient_name", "gender", "id_number", "department", "admission_date", "discharge_date",
        "invoice_number", "insured_region", "hospital", "issue_date"]
ORDERS = {
    "boxed": (["no", "code", "name", "unit", "qty", "price", "amount"],
              ["no", "name", "qty", "price", "amount"],
              ["no", "date", "name", "unit", "price", "qty", "amount"]),
    "ruled": (["date", "code", "name", "unit", "price", "qty", "amount"],
              ["code", "name", "unit", "qty", "price", "amount"]),
    "mono": (["name", "amount", "qty", "price"], ["code", "name", "qty", "price", "amount"]),
    "open": (["no", "category", "name", "qty", "price", "amount"],
             ["name", "unit", "qty", "price", "amount", "no"]),
}


def _info(doc: Doc) -> list[tuple[str, str]]:
    pairs = doc.fields.take_all(doc.ordered(INFO))
    extra = patient_number(doc)
    pairs.insert(doc.rng.randint(0, len(pairs)), extra)
    return pairs


def _continuation(doc: Doc, flow: Flow, title: str, theme: Theme) -> None:
    """Continuation pages start with "<hospital> <title> ... <patient>" over a thin rule."""
    who = doc.fields.value("patient_name") if doc.fields.has("patient_name") else ""
    left = f"{issuer_name(doc)}  {title}".strip()
    flow.on_new_page = lambda f: continuation_header(f, left, who, theme)


def boxed(doc: Doc) -> list[Page]:
    """Centred letterhead, inline patient data, a boxed grid table with shaded header repeated on
    every page, category subtotals in most lists."""
    rng = doc.rng
    theme = pick_theme(rng, rng.choice(("serif", "sans")))
    flow = Flow(A4, (18, 15, 18, 20))
    title = top(flow, doc, theme, "c", rng.random() < 0.3, rng.choice((14.0, 15.0, 16.0)))
    fs = FieldStyle(theme.bold, theme.regular, theme.size)
    inline(flow, _info(doc), fs)
    flow.space(2.5)
    if rng.random() < 0.5:
        _continuation(doc, flow, title, theme)
    rows = [*item_rows(doc, subtotals=rng.random() < 0.7), total_row(doc)]
    style = TableStyle("boxed", theme.regular, theme.bold, min(theme.size, 10.0) - 0.5,
                       1.4, rng.choice(((225, 225, 225), (210, 222, 236), None)))
    draw_table(flow, columns(doc, rng.choice(ORDERS["boxed"])), rows, style)
    flow.on_new_page = None
    rest_fields(flow, doc, fs)
    remarks(flow, doc, theme, ("fee_list.notes",) if rng.random() < 0.6 else ())
    sign_off(flow, doc, theme, [doc.text("fee_list", "prepared"), doc.text("fee_list", "checked")])
    return flow.finish(footer(doc, theme, rng.choice("cr")))


def ruled(doc: Doc) -> list[Page]:
    """Emblem letterhead at the left, two-column label/value block, horizontal rules only, no
    header repeat on continuation pages ("continued" note instead)."""
    rng = doc.rng
    theme = pick_theme(rng, "sans")
    flow = Flow(A4, (16, 14, 16, 18))
    top(flow, doc, theme, "l", True, rng.choice((13.0, 14.0, 15.0)), underline=rng.random() < 0.3)
    fs = FieldStyle(theme.regular, theme.bold, theme.size, colon=True)
    kv_rows(flow, _info(doc), fs, cols=2)
    flow.space(4)
    rows = [*item_rows(doc, subtotals=rng.random() < 0.3), total_row(doc)]
    style = TableStyle("ruled", theme.regular, theme.bold, min(theme.size, 10.0) - 0.5, 1.5,
                       None, None, repeat_header=False, continued=doc.pick("rows", "continued"))
    draw_table(flow, columns(doc, rng.choice(ORDERS["ruled"])), rows, style)
    rest_fields(flow, doc, fs, cols=2)
    remarks(flow, doc, theme, ("fee_list.notes",))
    return flow.finish(footer(doc, theme, "r", issuer_name(doc) if rng.random() < 0.5 else ""))


def mono(doc: Doc) -> list[Page]:
    """A hospital information system printout: monospace, dashed rules, no boxes, categories as
    group headings with subtotals, header repeated."""
    rng = doc.rng
    theme = pick_theme(rng, "mono", (9.0, 10.0))
    flow = Flow(A4, (15, 14, 15, 18))
    name = issuer_name(doc)
    if name:
        text_line(flow, name, theme.bold, 13.0, "c")
    text_line(flow, doc.title().upper(), theme.bold, 12.0, "c")
    flow.space(2)
    fs = FieldStyle(theme.regular, theme.regular, theme.size)
    kv_rows(flow, _info(doc), fs, cols=2, gap=4)
    rule(flow, 0.25, 3)
    groups = rng.random() < 0.7
    rows = [*item_rows(doc, groups=groups, subtotals=groups), total_row(doc)]
    style = TableStyle("dashed", theme.regular, theme.bold, theme.size, 1.1)
    draw_table(flow, columns(doc, rng.choice(ORDERS["mono"])), rows, style)
    rest_fields(flow, doc, fs, cols=1)
    remarks(flow, doc, theme)
    text_line(flow, f"{doc.text('fee_list', 'prepared')}: {staff(doc)}", theme.regular, theme.size)
    return flow.finish(footer(doc, theme, "c"))


def open_table(doc: Doc) -> list[Page]:
    """Labels above values in boxes, an open table (header and total lines, zebra shading),
    header repeated, with a category column and no subtotals."""
    rng = doc.rng
    theme = pick_theme(rng, "any")
    flow = Flow(A4, (17, 15, 17, 20))
    title = top(flow, doc, theme, rng.choice("lc"), rng.random() < 0.5, 15.0)
    fs = FieldStyle(theme.regular, theme.regular, theme.size)
    stacked(flow, _info(doc), fs, cols=rng.choice((3, 4)), boxed=rng.random() < 0.5)
    flow.space(3)
    heading(flow, rng.choice(("Charges", "Itemised charges", "Details")), theme.bold,
            theme.size + 0.5, "plain")
    _continuation(doc, flow, title, theme)
    rows = [*item_rows(doc), total_row(doc)]
    style = TableStyle("open", theme.regular, theme.bold, min(theme.size, 10.0) - 0.5, 1.5,
                       None, (242, 242, 242) if rng.random() < 0.6 else None)
    draw_table(flow, columns(doc, rng.choice(ORDERS["open"])), rows, style)
    flow.on_new_page = None
    rest_fields(flow, doc, fs)
    remarks(flow, doc, theme, ("fee_list.notes",) if rng.random() < 0.5 else ())
    sign_off(flow, doc, theme, [doc.text("fee_list", "prepared")], signed=0.5)
    return flow.finish(footer(doc, theme, "c"))


LAYOUTS = (boxed, ruled, mono, open_table)
