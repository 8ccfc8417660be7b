"""Employer certificates: a company letter, a boxed certificate form and a short memo. Each is
signed, and the company's round red seal sits partly over the signature and date."""

from __future__ import annotations

from samples.render.blocks import paragraph, scribble, text_line, title
from samples.render.context import Doc, Theme, pick_theme
from samples.render.filler import digits, phone
from samples.render.flow import A4, Flow
from samples.render.fonts import text_width
from samples.render.forms import FieldStyle, Pair, grid, kv_rows, stacked
from samples.render.ops import Line, Page, Text
from samples.render.parts import remarks, top
from samples.render.seal import round_seal

EMPLOYEE = ["patient_name", "gender", "id_number", "employer", "department", "insured_region",
            "card_number", "hospital", "admission_date", "discharge_date", "diagnosis"]


def _company(doc: Doc) -> str:
    if doc.fields.has("employer"):
        return doc.fields.value("employer")
    return doc.extras.get("issuer", "")


def _statement(doc: Doc) -> str:
    """The certifying sentence: extras["text"] when the planner wrote one."""
    return doc.extras.get("text") or doc.text("employer", "certify")


def _extras(doc: Doc) -> list[Pair]:
    rng = doc.rng
    return [(rng.choice(("Position", "Job Title")), doc.text("employer", "positions")),
            ("Employed since", str(rng.randint(2005, 2023)))]


def _employee(doc: Doc) -> list[Pair]:
    pairs = doc.fields.take_all(doc.ordered(EMPLOYEE, 0.2))
    for pair in _extras(doc):
        pairs.insert(doc.rng.randint(1, len(pairs)) if pairs else 0, pair)
    return pairs


def _signature_and_seal(flow: Flow, doc: Doc, theme: Theme, x: float) -> None:
    """Signatory line with a pen signature, the date, and the seal over both."""
    rng = doc.rng
    flow.ensure(45)
    flow.space(12)
    label = f"{doc.text('employer', 'signatory')}:"
    flow.add(Text(x, flow.y, label, theme.regular, theme.size))
    lx = x + text_width(label, theme.regular, theme.size) + 2
    flow.add(Line(lx, flow.y + 0.8, lx + 45, flow.y + 0.8, 0.2))
    flow.add(scribble(rng, lx + 3, flow.y - 8, 30, 9))
    sign_y = flow.y
    flow.space(8)
    date = doc.fields.take("issue_date")
    if date:
        flow.add(Text(x, flow.y, f"{date[0]}: {date[1]}", theme.regular, theme.size))
    text = doc.extras.get("seal_text") or _company(doc) or "Company"
    seal = round_seal(lx + rng.uniform(10, 35), sign_y - rng.uniform(2, 8), 19.0, text, rng,
                      doc.text("employer", "seal_center"))
    flow.add(seal)
    flow.space(16)


def letter(doc: Doc) -> list[Page]:
    """Company letterhead, title, certification paragraph, the employee's particulars as
    "Label: value" rows, closing, signatory and seal."""
    rng = doc.rng
    theme = pick_theme(rng, "any")
    flow = Flow(A4, (24, 20, 24, 24))
    company = _company(doc)
    address = f"Tel: {phone(rng)}" if rng.random() < 0.6 else ""
    top(flow, doc, theme, rng.choice("cl"), False, 16.0, rng.random() < 0.4, issuer=company,
        address=address)
    paragraph(flow, _statement(doc), theme.regular, theme.size + 0.5, indent=8)
    flow.space(3)
    fs = FieldStyle(theme.bold, theme.regular, theme.size + 0.5)
    kv_rows(flow, _employee(doc) + doc.fields.rest(), fs)
    flow.space(3)
    paragraph(flow, doc.text("employer", "closing"), theme.regular, theme.size + 0.5, indent=8)
    remarks(flow, doc, theme)
    _signature_and_seal(flow, doc, theme, flow.left + flow.content_width * 0.45)
    return flow.finish(None)


def form(doc: Doc) -> list[Page]:
    """A certificate form: boxed grid, an employer's statement box, signature and seal."""
    rng = doc.rng
    theme = pick_theme(rng, "sans", (9.5, 10.5))
    flow = Flow(A4, (18, 18, 18, 20))
    title(flow, doc.title(), theme.head, 16.0, "c", gap=3)
    flow.add(Text(flow.right, flow.y + 2, f"Ref. {digits(rng, 6)}", theme.regular, theme.size,
                  "r"))
    flow.space(5)
    fs = FieldStyle(theme.bold, theme.regular, theme.size)
    grid(flow, _employee(doc), fs, cols=2, shade=rng.choice(((236, 236, 236), None)))
    grid(flow, [("Employer's Statement", _statement(doc)), *doc.fields.rest()],
         fs, cols=1, label_frac=0.25, shade=None)
    remarks(flow, doc, theme)
    _signature_and_seal(flow, doc, theme, flow.left + flow.content_width * 0.4)
    return flow.finish(None)


def memo(doc: Doc) -> list[Page]:
    """A short memo: company name, title left, labels above values, a sentence naming the
    employee, signature and seal at the left."""
    rng = doc.rng
    theme = pick_theme(rng, "any")
    flow = Flow(A4, (22, 22, 22, 24))
    company = _company(doc)
    if company:
        text_line(flow, company, theme.head, 14.0, "l")
    title(flow, doc.title(), theme.head, 15.0, "l", underline=True)
    fs = FieldStyle(theme.regular, theme.bold, theme.size + 0.5)
    name = doc.fields.value("patient_name") if doc.fields.has("patient_name") else "The employee"
    body = doc.extras.get("text") or f"{name} is an employee of our company."
    paragraph(flow, f"To whom it may concern: {body} " + doc.text("employer", "closing"),
              theme.regular, theme.size + 0.5)
    flow.space(3)
    stacked(flow, _employee(doc) + doc.fields.rest(), fs, cols=2, boxed=rng.random() < 0.5)
    remarks(flow, doc, theme)
    _signature_and_seal(flow, doc, theme, flow.left)
    return flow.finish(None)


LAYOUTS = (letter, form, memo)
