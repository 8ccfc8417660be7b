"""Reimbursement application forms: a boxed grid form in sections, an underlined form with a
checklist of enclosed documents, and a form of labelled boxes. Each has the bank account,
checkboxes, a declaration and the applicant's signature line."""

from __future__ import annotations

from samples.render.blocks import heading, paragraph, text_line, title
from samples.render.context import Doc, Theme, pick_theme
from samples.render.filler import digits, phone, staff
from samples.render.flow import A4, Flow
from samples.render.forms import FieldStyle, Pair, checkbox, checkbox_row, grid, kv_rows, stacked
from samples.render.ops import GREY, Page, Rect, Text
from samples.render.parts import footer, remarks, sign_off

APPLICANT = ["applicant", "patient_name", "id_number", "gender", "card_number", "insured_region",
             "employer", "address"]
TREATMENT = ["hospital", "department", "treatment_region", "admission_date", "discharge_date",
             "diagnosis", "invoice_number"]
AMOUNTS = ["total_amount", "claimed_amount"]
CLAIM_TYPES = {"outpatient": "Outpatient", "inpatient_local": "Inpatient (local)",
               "inpatient_out_of_area": "Inpatient (out of area)"}
ENCLOSED = ["Medical invoice", "Detailed list of expenses", "Discharge summary", "ID card copy",
            "Insurance card copy", "Out-of-area filing record", "Proof of residence"]


def _claim_type(flow: Flow, doc: Doc, theme: Theme) -> None:
    options = list(CLAIM_TYPES)
    chosen = doc.extras.get("claim_type")
    ticked = options.index(chosen) if chosen in options else doc.rng.randrange(len(options))
    checkbox_row(flow, "Claim type", [CLAIM_TYPES[o] for o in options], ticked, theme.regular,
                 theme.bold, theme.size)


def _bank(doc: Doc) -> list[Pair]:
    pairs: list[Pair] = [("Bank", doc.text("reimbursement", "bank_names"))]
    pairs += doc.fields.take_all(["bank_account"])
    holder = doc.fields.spec.fields.get("applicant") or doc.fields.spec.fields.get("patient_name")
    if holder:
        pairs.append(("Account Holder", holder))
    return pairs


def _contact(doc: Doc, pairs: list[Pair]) -> list[Pair]:
    pairs.insert(doc.rng.randint(1, len(pairs)) if pairs else 0, ("Telephone", phone(doc.rng)))
    return pairs


def _declaration(flow: Flow, doc: Doc, theme: Theme) -> None:
    flow.space(3)
    paragraph(flow, doc.text("reimbursement", "declarations"), theme.italic, theme.size - 0.5)
    y = flow.y
    sign_off(flow, doc, theme, ["Signature of applicant"], signed=0.85)
    date = doc.fields.take("issue_date")
    if date:
        flow.add(Text(flow.right, y + 10, f"{date[0]}: {date[1]}", theme.regular, theme.size,
                      "r"))


def _official(flow: Flow, doc: Doc, theme: Theme) -> None:
    """An empty box for the agency's review."""
    flow.ensure(30)
    flow.space(4)
    y = flow.y
    flow.add(Rect(flow.left, y, flow.content_width, 24, GREY, None, 0.3))
    flow.add(Text(flow.left + 2, y + 5, doc.text("reimbursement", "official"), theme.bold,
                  theme.size - 0.5, "l", GREY))
    for i, label in enumerate(("Received by:", "Reviewed by:", "Approved amount:")):
        flow.add(Text(flow.left + 2 + i * flow.content_width / 3, y + 17, label, theme.regular,
                      theme.size - 1, "l", color=GREY))
    flow.space(26)


def grid_form(doc: Doc) -> list[Page]:
    """A form number top right, boxed grid sections (applicant, treatment, expenses, bank),
    claim-type checkboxes, declaration, signature, official-use box."""
    rng = doc.rng
    theme = pick_theme(rng, "any", (9.5, 10.5))
    flow = Flow(A4, (16, 15, 16, 18))
    title(flow, doc.title(), theme.head, 15.0, "c", gap=2)
    flow.add(Text(flow.right, flow.y + 3, f"Form No. {digits(rng, 8)}", theme.regular,
                  theme.size - 0.5, "r"))
    flow.space(6)
    fs = FieldStyle(theme.bold, theme.regular, theme.size)
    shade = rng.choice(((236, 236, 236), (230, 238, 246), None))
    style = rng.choice(("bar", "plain"))
    sections = [("Applicant", _contact(doc, doc.fields.take_all(doc.ordered(APPLICANT)))),
                ("Treatment", doc.fields.take_all(doc.ordered(TREATMENT))),
                ("Expenses", doc.fields.take_all(AMOUNTS)), ("Bank Details", _bank(doc))]
    for name, pairs in sections:
        if pairs:
            heading(flow, name, theme.bold, theme.size, style)
            grid(flow, pairs, fs, cols=2, shade=shade)
    flow.space(2)
    _claim_type(flow, doc, theme)
    rest = doc.fields.rest()
    if rest:
        grid(flow, rest, fs, cols=2, shade=shade)
    remarks(flow, doc, theme)
    _declaration(flow, doc, theme)
    _official(flow, doc, theme)
    return flow.finish(footer(doc, theme, "c", single=False))


def lined_form(doc: Doc) -> list[Page]:
    """Underlined answers in numbered sections, a checklist of enclosed documents."""
    rng = doc.rng
    theme = pick_theme(rng, "serif", (10.0, 11.0))
    flow = Flow(A4, (20, 18, 20, 20))
    text_line(flow, doc.extras.get("issuer", "Medical Insurance Service Centre"), theme.regular,
              11.0, "c")
    title(flow, doc.title(), theme.head, 15.0, "c", gap=4)
    fs = FieldStyle(theme.regular, theme.regular, theme.size)
    parts = [("1. Applicant", _contact(doc, doc.fields.take_all(doc.ordered(APPLICANT)))),
             ("2. Medical Treatment", doc.fields.take_all(doc.ordered(TREATMENT))),
             ("3. Amounts", doc.fields.take_all(AMOUNTS)),
             ("4. Payment", _bank(doc) + doc.fields.rest())]
    for name, pairs in parts:
        if pairs:
            heading(flow, name, theme.bold, theme.size + 0.5, "underline")
            kv_rows(flow, pairs, fs, underline=True)
    flow.space(2)
    _claim_type(flow, doc, theme)
    _enclosed(flow, doc, theme)
    remarks(flow, doc, theme)
    _declaration(flow, doc, theme)
    return flow.finish(footer(doc, theme, "r", single=False))


def _enclosed(flow: Flow, doc: Doc, theme: Theme) -> None:
    text_line(flow, "Documents enclosed:", theme.bold, theme.size)
    col_w = flow.content_width / 2
    for i, name in enumerate(ENCLOSED):
        if i % 2 == 0:
            flow.ensure(7)
        flow.add(*checkbox(flow.left + (i % 2) * col_w, flow.y, name, theme.regular,
                           theme.size - 0.5, doc.rng.random() < 0.7))
        if i % 2 == 1 or i == len(ENCLOSED) - 1:
            flow.space(6.5)


def boxes(doc: Doc) -> list[Page]:
    """Labels above values in thin boxes, three to a row, checkboxes, signature, and the
    reviewer's section."""
    rng = doc.rng
    theme = pick_theme(rng, "sans", (9.5, 10.5))
    flow = Flow(A4, (16, 16, 16, 18))
    title(flow, doc.title(), theme.head, 16.0, rng.choice("lc"), gap=3)
    text_line(flow, f"Case No.: {digits(rng, 10)}", theme.regular,
              theme.size - 1, "l", color=GREY)
    flow.space(2)
    fs = FieldStyle(theme.regular, theme.bold, theme.size)
    pairs = _contact(doc, doc.fields.take_all(doc.ordered(APPLICANT + TREATMENT + AMOUNTS, 0.2)))
    stacked(flow, pairs + _bank(doc) + doc.fields.rest(), fs, cols=3, boxed=True)
    flow.space(3)
    _claim_type(flow, doc, theme)
    remarks(flow, doc, theme)
    _declaration(flow, doc, theme)
    text_line(flow, f"Handled by: {staff(doc)}", theme.regular, theme.size - 1, "r", color=GREY)
    _official(flow, doc, theme)
    return flow.finish(None)


LAYOUTS = (grid_form, lined_form, boxes)
