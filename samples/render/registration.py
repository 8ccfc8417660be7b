"""Out-of-area medical treatment registration (the filing record): an agency form with a
boxed grid, a platform printout with a QR code, and a filing certificate letter."""

from __future__ import annotations

from samples.render.blocks import paragraph, rule, text_line, title
from samples.render.context import Doc, pick_theme
from samples.render.extras import issuer_seal, qr_square
from samples.render.filler import digits, staff
from samples.render.flow import A4, Flow
from samples.render.forms import FieldStyle, Pair, checkbox_row, grid, inline, kv_rows
from samples.render.ops import WHITE, Page, Rect, Text
from samples.render.parts import footer, remarks, rest_fields, sign_off, top

FILING = ["patient_name", "id_number", "gender", "card_number", "insured_region",
          "treatment_region", "hospital", "filing_date", "valid_until", "admission_date",
          "diagnosis", "address"]
NUMBER_LABELS = ("Registration No.", "Filing No.", "Record No.", "Registration Number")


def _number(doc: Doc) -> Pair:
    number = (doc.extras.get("registration_number") or doc.extras.get("filing_no")
              or f"YD{digits(doc.rng, 12)}")
    return doc.rng.choice(NUMBER_LABELS), number


def _agency(doc: Doc) -> str:
    """The filing agency: extras["issuer"] or a generic agency name (drawn once per layout)."""
    return doc.extras.get("issuer") or doc.text("registration", "agency")


def form(doc: Doc) -> list[Page]:
    """The agency's form: number top right, boxed grid, reason checkboxes, approval and seal."""
    rng = doc.rng
    theme = pick_theme(rng, "any", (9.5, 10.5))
    flow = Flow(A4, (16, 16, 16, 20))
    agency = _agency(doc)
    text_line(flow, agency, theme.regular, 11.0, "c")
    title(flow, doc.title(), theme.head, 15.0, "c", gap=3)
    label, number = _number(doc)
    flow.add(Text(flow.right, flow.y + 3, f"{label}: {number}", theme.regular, theme.size, "r"))
    flow.space(6)
    fs = FieldStyle(theme.bold, theme.regular, theme.size)
    grid(flow, doc.fields.take_all(doc.ordered(FILING, 0.25)), fs, cols=2,
         shade=rng.choice(((236, 236, 236), None)))
    flow.space(3)
    reasons = doc.vocab.text("registration", "reasons")[:4]
    checkbox_row(flow, "Reason", [r.split(" in ")[0] for r in reasons[:3]], rng.randrange(3),
                 theme.regular, theme.bold, theme.size - 0.5)
    rest_fields(flow, doc, fs, cols=2)
    remarks(flow, doc, theme, ("registration.notes",))
    y = flow.y
    sign_off(flow, doc, theme, ["Applicant", "Approved by"])
    flow.add(issuer_seal(doc, flow.right - 30, y + 10, 17.0, agency, "FILING SEAL"))
    return flow.finish(footer(doc, theme, "c", single=False))


def printout(doc: Doc) -> list[Page]:
    """A filing record printed from the medical insurance service platform: coloured band,
    "Label: value" rows with thin rules, a QR code to verify."""
    rng = doc.rng
    theme = pick_theme(rng, "sans")
    flow = Flow(A4, (18, 14, 18, 20))
    agency = _agency(doc)
    color = rng.choice(((0, 102, 170), (0, 128, 110), (40, 80, 150)))
    flow.add(Rect(flow.left, flow.y, flow.content_width, 12, None, color))
    flow.add(Text(flow.left + 4, flow.y + 8, rng.choice((
        "National Medical Insurance Service Platform", "Medical Insurance Public Service",
        "Cross-Region Medical Settlement Service")), theme.bold, 12.0, "l", WHITE))
    flow.space(16)
    text_line(flow, doc.title(), theme.bold, 14.0, "l")
    flow.space(2)
    fs = FieldStyle(theme.regular, theme.regular, theme.size, colon=False)
    pairs = [_number(doc), *doc.fields.take_all(doc.ordered(FILING, 0.3))]
    pairs.append(("Status", rng.choice(("Filed", "Approved", "Filing successful"))))
    for pair in pairs + doc.fields.rest():
        kv_rows(flow, [pair], fs, label_w=55)
        rule(flow, 0.12, 1.2, color=(200, 200, 200))
    flow.space(6)
    flow.add(*qr_square(rng, flow.right - 32, flow.y, 30))
    paragraph(flow, doc.text("registration", "notes"), theme.italic, theme.size - 1,
              width=flow.content_width - 40)
    remarks(flow, doc, theme)
    return flow.finish(footer(doc, theme, "r", agency))


def certificate(doc: Doc) -> list[Page]:
    """A filing certificate letter from the agency, fields inline, closing note and seal."""
    rng = doc.rng
    theme = pick_theme(rng, "serif")
    flow = Flow(A4, (22, 20, 22, 22))
    agency = _agency(doc)
    top(flow, doc, theme, "c", False, 16.0, issuer=agency, address="")
    inline(flow, [_number(doc)], FieldStyle(theme.bold, theme.regular, theme.size))
    flow.space(3)
    paragraph(flow, rng.choice((
        "The insured person below has completed the filing for medical treatment in another "
        "place. Medical expenses incurred at the designated hospital during the filing period "
        "may be settled according to the policy of the insured region.",
        "This is to confirm that the following insured person has registered for medical "
        "treatment outside the insured region.")), theme.regular, theme.size, indent=6)
    flow.space(3)
    fs = FieldStyle(theme.bold, theme.regular, theme.size)
    kv_rows(flow, doc.fields.take_all(doc.ordered(FILING, 0.2)) + doc.fields.rest(), fs)
    remarks(flow, doc, theme, ("registration.notes",))
    flow.space(6)
    y = flow.y
    text_line(flow, agency, theme.regular, theme.size, "r")
    text_line(flow, f"Handled by: {staff(doc)}", theme.regular, theme.size, "r")
    flow.add(issuer_seal(doc, flow.right - 28, y + 6, 17.0, agency))
    return flow.finish(None)


LAYOUTS = (form, printout, certificate)
