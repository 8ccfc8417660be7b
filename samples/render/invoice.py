"""Medical invoices: a bill-sized unified invoice, an A5 outpatient receipt and an A4
hospitalisation invoice. The total is printed on every layout."""

from __future__ import annotations

from decimal import Decimal

from samples.render.blocks import rule, text_line
from samples.render.context import Doc, Theme, pick_theme
from samples.render.filler import digits, issuer_name, patient_number, staff
from samples.render.flow import A4, A5, BILL, Flow
from samples.render.forms import FieldStyle, grid, inline, kv_rows
from samples.render.items import columns, item_rows, total_row, total_value
from samples.render.ops import GREY, Page, Text
from samples.render.parts import footer, remarks, rest_fields, top
from samples.render.seal import round_seal
from samples.render.tables import TableStyle, draw_table
from samples.render.values import amount_words
from samples.spec import format_amount

ORDERS = (["name", "qty", "price", "amount"], ["code", "name", "unit", "qty", "price", "amount"],
          ["name", "amount", "qty", "price"], ["no", "name", "unit", "price", "qty", "amount"])
PATIENT = ["patient_name", "gender", "id_number", "department", "admission_date",
           "discharge_date", "insured_region"]


def _invoice_extras(doc: Doc, code: bool = True) -> list[tuple[str, str]]:
    """Invoice code, payer, insurance type and check code from extras (insurance type made up
    if absent)."""
    e = doc.extras
    pairs = [("Insurance Type", e.get("insurance_type") or doc.text("insurance_types"))]
    if code and e.get("invoice_code"):
        pairs.append(("Invoice Code", e["invoice_code"]))
    if e.get("payer"):
        pairs.append((doc.text("invoice", "payer_kind"), e["payer"]))
    if e.get("check_code"):
        pairs.append(("Check Code", e["check_code"]))
    return pairs


def _total(doc: Doc) -> Decimal:
    if doc.fields.has("total_amount"):
        return Decimal(doc.spec.fields["total_amount"])
    return sum((ln.amount for ln in doc.spec.lines), Decimal(0))


def _payment_lines(flow: Flow, doc: Doc, theme: Theme, words: bool, split: bool) -> None:
    """Amount in words and the fund / self-paid split (the patient paid all of it)."""
    fs = FieldStyle(theme.regular, theme.regular, theme.size - 0.5)
    pairs = []
    if words:
        pairs.append((doc.text("invoice", "words"), amount_words(_total(doc))))
    if split:
        fmt = doc.spec.style.amount_fmt
        pairs += [(doc.text("invoice", "fund"), format_amount("0", fmt)),
                  (doc.text("invoice", "self_paid"), format_amount(_total(doc), fmt))]
    if pairs:
        kv_rows(flow, pairs, fs, cols=1)


def _payee(flow: Flow, doc: Doc, theme: Theme, seal_r: float, pairs: list[tuple[str, str]]
           ) -> None:
    """"Payee: <hospital>   Cashier: <name>" with the finance seal over the payee."""
    fs = FieldStyle(theme.bold, theme.regular, theme.size)
    flow.ensure(12)
    flow.space(2)
    y0 = flow.y
    inline(flow, [*pairs, (doc.text("invoice", "cashier"), staff(doc))], fs, gap=12)
    name = issuer_name(doc, "Hospital")
    cx = flow.left + doc.rng.uniform(0.25, 0.6) * flow.content_width
    cy = min(y0 + seal_r * 0.4, flow.height - seal_r - 1)
    flow.add(round_seal(cx, cy, seal_r, name, doc.rng, doc.text("invoice", "seal")))


def bill(doc: Doc) -> list[Page]:
    """A unified medical invoice on a bill-sized page (A4 when the lines do not fit): invoice
    code and number top right, boxed patient grid, boxed items, total in words, payee seal."""
    rng = doc.rng
    theme = pick_theme(rng, "any", (9.5, 10.5))
    small = len(doc.spec.lines) <= 8
    flow = Flow(BILL if small else A4, (10, 8, 10, 10) if small else (15, 14, 15, 18))
    color = rng.choice(((150, 30, 40), (20, 70, 140), (25, 25, 30)))
    text_line(flow, doc.title("medical_invoice_bill"), theme.head, 15.0, "c", color=color)
    fs = FieldStyle(theme.bold, theme.regular, theme.size)
    code = doc.extras.get("invoice_code") or (digits(rng, 12) if rng.random() < 0.7 else "")
    head = [("Invoice Code", code)] if code else []
    head += doc.fields.take_all(["invoice_number", "issue_date"])
    kv_rows(flow, head, FieldStyle(theme.regular, theme.bold, theme.size), cols=len(head) or 1)
    flow.space(1.5)
    pairs = doc.fields.take_all(doc.ordered(PATIENT))
    for pair in _invoice_extras(doc, code=False):
        pairs.insert(rng.randint(0, len(pairs)), pair)
    grid(flow, pairs, fs, cols=3 if small else 2, shade=rng.choice(((240, 240, 240), None)))
    rows = [*item_rows(doc), total_row(doc)]
    style = TableStyle("boxed", theme.regular, theme.bold, theme.size - 0.5, 1.1)
    draw_table(flow, columns(doc, rng.choice(ORDERS[:2])), rows, style)
    _payment_lines(flow, doc, theme, True, rng.random() < 0.5)
    payee = doc.fields.take_all(["hospital"])
    rest_fields(flow, doc, fs, cols=2)
    _payee(flow, doc, theme, 13.0, payee)
    return flow.finish(None if small else footer(doc, theme, "c", single=False))


def _big_total(flow: Flow, doc: Doc, theme: Theme) -> tuple[int, float]:
    """"Total: CNY 123.40" large at the right; returns (page number, y) where it went."""
    label = (doc.fields.label("total_amount") if doc.fields.has("total_amount")
             else doc.pick("rows", "total"))
    value = total_value(doc)
    flow.ensure(10)
    flow.y += 7
    flow.add(Text(flow.right, flow.y, f"{label}: {value}", theme.bold, theme.size + 2, "r"))
    at = (flow.page_no, flow.y)
    flow.y += 3
    return at


def receipt(doc: Doc) -> list[Page]:
    """An outpatient receipt on A5: centred issuer, label/value lines, ruled items, a large
    total, payment method and a note."""
    rng = doc.rng
    theme = pick_theme(rng, "sans", (9.0, 10.0))
    flow = Flow(A5, (12, 12, 12, 14))
    top(flow, doc, theme, "c", False, 13.0)
    fs = FieldStyle(theme.regular, theme.regular, theme.size)
    pairs = doc.fields.take_all(doc.ordered(["invoice_number", "issue_date", *PATIENT]))
    for pair in [patient_number(doc, False), *_invoice_extras(doc)]:
        pairs.insert(rng.randint(0, len(pairs)), pair)
    kv_rows(flow, pairs, fs)
    flow.space(2)
    style = TableStyle("ruled", theme.regular, theme.bold, theme.size - 0.5, 1.2,
                       repeat_header=rng.random() < 0.5)
    draw_table(flow, columns(doc, rng.choice(ORDERS)), item_rows(doc), style)
    seal_at = _big_total(flow, doc, theme)
    extra = [("Payment Method", doc.text("payment_methods"))]
    kv_rows(flow, extra + doc.fields.rest(), fs)
    _payment_lines(flow, doc, theme, rng.random() < 0.4, rng.random() < 0.4)
    rule(flow, 0.2, 3, color=GREY)
    remarks(flow, doc, theme, ("invoice.notes",))
    if rng.random() < 0.6:
        seal = round_seal(flow.right - 28, seal_at[1] + 14, 12.0, issuer_name(doc, "Hospital"),
                          rng, doc.text("invoice", "seal"))
        flow.pages[seal_at[0] - 1].append(seal)
    return flow.finish(footer(doc, theme, "c", single=False))


def inpatient(doc: Doc) -> list[Page]:
    """An A4 hospitalisation invoice: emblem letterhead, boxed label grid, open or boxed items,
    totals block with the fund / self-paid split, seal over the payee line."""
    rng = doc.rng
    theme = pick_theme(rng, "any")
    flow = Flow(A4, (17, 15, 17, 20))
    top(flow, doc, theme, rng.choice("lc"), rng.random() < 0.6, 15.0)
    fs = FieldStyle(theme.bold, theme.regular, theme.size)
    pairs = doc.fields.take_all(doc.ordered(["invoice_number", "issue_date", *PATIENT]))
    for pair in [patient_number(doc), *_invoice_extras(doc)]:
        pairs.insert(rng.randint(0, len(pairs)), pair)
    grid(flow, pairs, fs, cols=2, shade=rng.choice(((235, 235, 235), (226, 234, 244), None)))
    flow.space(4)
    rows = [*item_rows(doc), total_row(doc)]
    rules = rng.choice(("boxed", "open", "ruled"))
    style = TableStyle(rules, theme.regular, theme.bold, theme.size - 0.5, 1.4,
                       (230, 230, 230) if rules == "boxed" else None,
                       repeat_header=rng.random() < 0.5)
    draw_table(flow, columns(doc, rng.choice(ORDERS)), rows, style)
    flow.space(2)
    _payment_lines(flow, doc, theme, rng.random() < 0.5, True)
    payee = doc.fields.take_all(["hospital"])
    rest_fields(flow, doc, fs)
    _payee(flow, doc, theme, 15.0, payee)
    remarks(flow, doc, theme, ("invoice.notes",) if rng.random() < 0.5 else ())
    return flow.finish(footer(doc, theme, "r", single=rng.random() < 0.5))


LAYOUTS = (bill, receipt, inpatient)
