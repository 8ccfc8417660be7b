"""Residence proofs: a temporary residence permit photocopied onto A4, a certificate letter
from a residents' committee, and a police station's residence certificate form."""

from __future__ import annotations

from samples.render.blocks import paragraph, text_line, title
from samples.render.card_parts import portrait
from samples.render.context import Doc, pick_theme
from samples.render.extras import issuer_seal
from samples.render.filler import digits, staff
from samples.render.flow import A4, Flow
from samples.render.forms import FieldStyle, grid, kv_rows
from samples.render.ops import GREY, Page, Rect, Text
from samples.render.parts import footer, remarks, rest_fields, sign_off, top

PERSON = ["patient_name", "gender", "id_number", "birth_date", "address", "insured_region",
          "employer", "issue_date", "valid_until"]
CITIES = ["Hangzhou", "Shanghai", "Suzhou", "Shenzhen", "Guangzhou", "Nanjing", "Ningbo"]


def _issuer(doc: Doc, kind: str) -> str:
    if doc.extras.get("issuer"):
        return doc.extras["issuer"]
    city = doc.rng.choice(CITIES)
    return f"{city} {kind}"


def permit(doc: Doc) -> list[Page]:
    """A temporary residence permit: a framed card-like panel with portrait, permit number,
    fields and the issuing police station, on an A4 photocopy."""
    rng = doc.rng
    theme = pick_theme(rng, "sans", (9.5, 10.5))
    flow = Flow(A4, (30, 30, 30, 30))
    flow.background = (248, 248, 246)
    y0 = flow.y
    flow.space(5)
    title(flow, doc.title("residence_permit"), theme.head, 15.0, "c", gap=2)
    text_line(flow, f"Permit No.: {digits(rng, 2)}{digits(rng, 10)}", theme.regular, theme.size,
              "c")
    flow.space(3)
    flow.add(*portrait(flow.right - 34, flow.y, 28, 36))
    flow.left, flow.right_margin = flow.left + 4, flow.right_margin + 36
    fs = FieldStyle(theme.regular, theme.bold, theme.size)
    kv_rows(flow, doc.fields.take_all(doc.ordered(PERSON, 0.2)) + doc.fields.rest(), fs)
    flow.right_margin -= 36
    flow.space(4)
    issuer = _issuer(doc, "Public Security Bureau")
    text_line(flow, f"Issued by: {issuer}", theme.regular, theme.size)
    flow.space(4)
    flow.left -= 4
    flow.add(Rect(flow.left, y0, flow.content_width, flow.y - y0, GREY, None, 0.6, 3.0))
    flow.add(issuer_seal(doc, flow.right - 40, flow.y - 14, 14.0, issuer))
    flow.space(6)
    paragraph(flow, doc.text("residence", "permit_notes"), theme.italic, theme.size - 1)
    remarks(flow, doc, theme)
    return flow.finish(None)


def committee_letter(doc: Doc) -> list[Page]:
    """A certificate letter from the residents' committee: certification sentence, the
    resident's particulars, closing, signature and the committee's seal."""
    rng = doc.rng
    theme = pick_theme(rng, "serif")
    flow = Flow(A4, (24, 22, 24, 24))
    issuer = _issuer(doc, doc.text("residence", "committees"))
    top(flow, doc, theme, "c", False, 17.0, rng.random() < 0.5, issuer=issuer, address="")
    paragraph(flow, doc.text("residence", "certify"), theme.regular, theme.size + 0.5, indent=8)
    flow.space(4)
    fs = FieldStyle(theme.bold, theme.regular, theme.size + 0.5)
    kv_rows(flow, doc.fields.take_all(doc.ordered(PERSON, 0.2)) + doc.fields.rest(), fs)
    flow.space(3)
    paragraph(flow, "This certificate is issued for the purpose of medical insurance "
              "reimbursement.", theme.regular, theme.size + 0.5, indent=8)
    remarks(flow, doc, theme)
    flow.space(6)
    y = flow.y
    text_line(flow, issuer, theme.regular, theme.size + 0.5, "r")
    sign_off(flow, doc, theme, ["Person in charge"], signed=0.8)
    flow.add(issuer_seal(doc, flow.right - 30, y + 8, 18.0, issuer))
    return flow.finish(None)


def police_form(doc: Doc) -> list[Page]:
    """A police station's residence certificate as a boxed grid with a case number and the
    officer's name, seal at the bottom."""
    rng = doc.rng
    theme = pick_theme(rng, "any", (9.5, 10.5))
    flow = Flow(A4, (18, 18, 18, 20))
    issuer = _issuer(doc, "Police Station")
    text_line(flow, issuer, theme.regular, 11.0, "c")
    title(flow, doc.title(), theme.head, 16.0, "c", gap=3)
    flow.add(Text(flow.right, flow.y + 2, f"No. {digits(rng, 4)}-{digits(rng, 6)}",
                  theme.regular, theme.size, "r"))
    flow.space(5)
    fs = FieldStyle(theme.bold, theme.regular, theme.size)
    grid(flow, doc.fields.take_all(doc.ordered(PERSON, 0.25)), fs, cols=2,
         shade=rng.choice(((236, 236, 236), None)))
    grid(flow, [("Residence since", rng.choice(("2019", "2020", "2021", "2022", "2023"))),
                ("Officer", staff(doc))], fs, cols=2, shade=None)
    rest_fields(flow, doc, fs)
    flow.space(3)
    paragraph(flow, "It is hereby certified that the above person is registered as residing at "
              "the address stated within the jurisdiction of this station.", theme.regular,
              theme.size)
    remarks(flow, doc, theme)
    flow.space(8)
    y = flow.y
    text_line(flow, f"{issuer} (seal)", theme.regular, theme.size, "r")
    flow.add(issuer_seal(doc, flow.right - 30, y + 4, 17.0, issuer))
    return flow.finish(footer(doc, theme, "c", single=False))


LAYOUTS = (permit, committee_letter, police_form)
