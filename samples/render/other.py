"""Unrelated pages that turn up in claim packets: a pharmacy leaflet, a letter, a parking
receipt and a nearly blank cover sheet."""

from __future__ import annotations

import datetime as dt

from samples.render.blocks import heading, letterhead, paragraph, rule, text_line, title
from samples.render.context import Doc, Theme, pick_theme
from samples.render.filler import digits, phone, staff
from samples.render.flow import A4, Flow
from samples.render.forms import FieldStyle, kv_rows
from samples.render.ops import Page
from samples.render.parts import remarks, rest_fields

SENDERS = ["Riverside Community Health Centre", "Greenfield Property Management",
           "City Library Service Desk", "Sunshine Dental Clinic"]
STREETS = ["12 Jiefang Road", "88 Wensan Road", "5 Binjiang Avenue", "201 Zhongshan North Road"]


def _fields(flow: Flow, doc: Doc, theme: Theme, size: float) -> None:
    """Any fields the planner put on an unrelated page, labelled."""
    rest_fields(flow, doc, FieldStyle(theme.bold, theme.regular, size))


def leaflet(doc: Doc) -> list[Page]:
    """A drug package insert: product name, numbered sections of small print (or the
    planner's notice when extras carry a "text")."""
    if doc.extras.get("text"):
        return _notice(doc)
    rng = doc.rng
    theme = pick_theme(rng, "sans", (9.0, 10.0))
    flow = Flow(A4, (22, 20, 22, 20))
    text_line(flow, "Package Insert", theme.regular, 10.0, "c")
    title(flow, doc.text("other", "leaflet_drugs"), theme.head, 16.0, "c", gap=3)
    text_line(flow, "Please read the instructions carefully and use as directed.", theme.italic,
              theme.size, "c")
    rule(flow, 0.3, 4)
    for name, text in doc.vocab.text("other", "leaflet_sections"):
        heading(flow, f"[{name}]", theme.bold, theme.size + 0.5)
        paragraph(flow, text, theme.regular, theme.size)
        flow.space(2)
    text_line(flow, f"Approval No.: H{digits(rng, 8)}   Batch: {digits(rng, 6)}", theme.regular,
              theme.size)
    _fields(flow, doc, theme, theme.size)
    remarks(flow, doc, theme)
    return flow.finish(None)


def _notice(doc: Doc) -> list[Page]:
    """The planner's own unrelated page: extras["title"] over extras["text"], under the
    issuer's name."""
    rng = doc.rng
    theme = pick_theme(rng, "any", (10.5, 12.0))
    flow = Flow(A4, (24, 22, 24, 24))
    if doc.extras.get("issuer"):
        letterhead(flow, doc.extras["issuer"], "", theme.head, theme.regular, rng, "c")
    title(flow, doc.extras.get("title", "Notice"), theme.head, 16.0, "c", gap=5)
    for para in doc.extras["text"].split("\n"):
        paragraph(flow, para, theme.regular, theme.size, indent=6)
        flow.space(2)
    _fields(flow, doc, theme, theme.size)
    return flow.finish(None)


def letter(doc: Doc) -> list[Page]:
    """A letter from an unrelated sender: letterhead, subject, body, regards."""
    rng = doc.rng
    theme = pick_theme(rng, "serif", (10.5, 11.5))
    flow = Flow(A4, (25, 22, 25, 25))
    sender = rng.choice(SENDERS)
    letterhead(flow, sender, f"{rng.choice(STREETS)}   Tel: {phone(rng)}", theme.head,
               theme.regular, rng, rng.choice("lc"))
    flow.space(6)
    text_line(flow, f"Ref.: {digits(rng, 6)}", theme.regular, theme.size)
    subject = doc.extras.get("title") or doc.text("other", "letter_subjects")
    text_line(flow, f"Subject: {subject}", theme.bold, theme.size)
    flow.space(4)
    text_line(flow, "Dear Sir or Madam,", theme.regular, theme.size)
    flow.space(2)
    bodies = [doc.text("other", "letter_bodies") for _ in range(rng.randint(1, 2))]
    for body in [doc.extras["text"]] if doc.extras.get("text") else bodies:
        paragraph(flow, body, theme.regular, theme.size)
        flow.space(3)
    paragraph(flow, "Thank you for your attention.", theme.regular, theme.size)
    flow.space(8)
    text_line(flow, "Yours faithfully,", theme.regular, theme.size)
    flow.space(8)
    text_line(flow, staff(doc), theme.regular, theme.size)
    text_line(flow, sender, theme.regular, theme.size)
    _fields(flow, doc, theme, theme.size)
    return flow.finish(None)


def parking(doc: Doc) -> list[Page]:
    """A narrow parking receipt: car park, plate, entry and exit times, fee."""
    rng = doc.rng
    theme = pick_theme(rng, "mono", (9.0, 10.0))
    flow = Flow((80.0, 150.0), (6, 8, 6, 8))
    text_line(flow, doc.text("other", "parking"), theme.bold, 11.0, "c")
    text_line(flow, "PARKING RECEIPT", theme.bold, 10.0, "c")
    rule(flow, 0.2, 3)
    hours = rng.randint(1, 9)
    entry = dt.datetime(2026, 1, 1, rng.randint(7, 12), rng.randint(0, 59))
    fs = FieldStyle(theme.regular, theme.regular, theme.size - 1)
    pairs = [("Ticket", digits(rng, 8)), ("Plate", f"Zhe A{digits(rng, 5)}"),
             ("In", entry.strftime("%H:%M")),
             ("Out", (entry + dt.timedelta(hours=hours, minutes=rng.randint(0, 59))).strftime("%H:%M")),
             ("Duration", f"{hours} h"), ("Fee", f"{hours * rng.choice((5, 6, 8))}.00")]
    kv_rows(flow, pairs, fs)
    rule(flow, 0.2, 3)
    text_line(flow, "Thank you. Drive safely.", theme.regular, theme.size - 1, "c")
    _fields(flow, doc, theme, theme.size - 1)
    return flow.finish(None)


def cover(doc: Doc) -> list[Page]:
    """A cover sheet: a heading, a line or two, and mostly white space."""
    rng = doc.rng
    theme = pick_theme(rng, "any", (11.0, 12.0))
    flow = Flow(A4, (30, 60, 30, 30))
    title(flow, rng.choice(("Cover Sheet", "Fax Cover Sheet", "Attachments", "Enclosure")),
          theme.head, 20.0, "c", gap=12)
    paragraph(flow, doc.text("other", "cover"), theme.regular, theme.size)
    flow.space(10)
    kv_rows(flow, [("Pages", str(rng.randint(2, 12))), ("From", staff(doc))],
            FieldStyle(theme.bold, theme.regular, theme.size))
    _fields(flow, doc, theme, theme.size)
    return flow.finish(None)


LAYOUTS = (leaflet, letter, parking, cover)
