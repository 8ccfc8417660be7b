"""Identity cards and medical-insurance (social-security) cards, three layouts each, drawn on
an 85.6 x 54 mm page; `photo.py` turns the rendered card into a photo on a desk."""

from __future__ import annotations

from samples.render.blocks import logo
from samples.render.card_parts import (
    CARD_H,
    CARD_W,
    body,
    chip,
    fields_box,
    portrait,
    tint,
    waves,
)
from samples.render.context import Doc
from samples.render.fonts import SANS, fit_size
from samples.render.ops import INK, WHITE, Font, Op, Page, Rect, Text

ID_FIELDS = ["patient_name", "gender", "birth_date", "address", "insured_region", "issue_date",
             "card_number"]
INS_FIELDS = ["patient_name", "id_number", "card_number", "gender", "birth_date",
              "insured_region", "issue_date", "address"]


def _fonts(doc: Doc) -> tuple[Font, Font]:
    family = doc.rng.choice(SANS[:3])
    return Font(family), Font(family, bold=True)


def _page(ops: list[Op]) -> list[Page]:
    return [Page(CARD_W, CARD_H, ops)]


def _id_number(doc: Doc, ops: list[Op], x: float, y: float, w: float, label: Font,
               value: Font) -> None:
    pair = doc.fields.take("id_number")
    if pair is None:
        return
    ops.append(Text(x, y, pair[0], label, 6.5, "l", (60, 60, 90)))
    size = fit_size(pair[1], value, 11.0, w - 2)
    ops.append(Text(x, y + 5.0, pair[1], value, size))


def _valid(doc: Doc, ops: list[Op], x: float, y: float, font: Font, align: str = "l") -> None:
    pairs = doc.fields.take_all(["valid_until"])
    for lb, val in pairs:
        ops.append(Text(x, y, f"{lb}: {val}", font, 6.5, align))


def id_classic(doc: Doc) -> list[Page]:
    """Pale blue front: fields at the left, portrait at the right, ID number along the bottom."""
    rng = doc.rng
    regular, bold = _fonts(doc)
    color = rng.choice(((70, 120, 190), (90, 140, 170), (120, 110, 170)))
    ops: list[Op] = [body(tint(color, 0.88)), *waves(rng, tint(color, 0.7), 16)]
    ops.append(Text(4, 6.5, doc.title(), bold, 7.5, "l", tint(color, 0.1)))
    ops.extend(portrait(58, 9, 23, 29))
    ethnicity = doc.extras.get("ethnicity") or doc.text("cards", "ethnicity")
    extra = [("Ethnicity", ethnicity)] if rng.random() < 0.7 or "ethnicity" in doc.extras else []
    _id_number(doc, ops, 4, 43.5, 60, regular, bold)
    _valid(doc, ops, 81.5, 44.5, regular, "r")
    pairs = doc.fields.take_all(doc.ordered(["patient_name", "gender", *ID_FIELDS[2:]], 0.15))
    pairs[1:1] = extra
    ops += fields_box(pairs + doc.fields.rest(), 4, 9, 52, 30, regular, bold, 8.0,
                      tint(color, 0.1))
    return _page(ops)


def id_banded(doc: Doc) -> list[Page]:
    """A coloured band with country and title, portrait at the left, "Label: value" at the
    right, issuing authority and validity at the bottom."""
    rng = doc.rng
    regular, bold = _fonts(doc)
    color = rng.choice(((30, 90, 150), (20, 110, 100), (140, 50, 60)))
    ops: list[Op] = [body(tint(color, 0.9)), *waves(rng, tint(color, 0.75), 10, 12, CARD_H)]
    ops.append(Rect(0, 0, CARD_W, 11, None, color, 0, 0))
    ops.append(Text(CARD_W / 2, 4.6, doc.text("cards", "id_country"), bold, 6.0, "c", WHITE))
    ops.append(Text(CARD_W / 2, 9.0, doc.title(), bold, 8.5, "c", WHITE))
    ops.extend(portrait(4, 14, 20, 25))
    _valid(doc, ops, 82, 49.5, regular, "r")
    pairs = doc.fields.take_all(doc.ordered(["patient_name", "id_number", *ID_FIELDS[1:]], 0.2))
    ops += fields_box(pairs + doc.fields.rest(), 27, 13.5, 56, 31, bold, regular, 7.5, INK)
    authority = f"{doc.fields.value('insured_region') if doc.fields.has('insured_region') else ''}"
    ops.append(Text(4, 49.5, f"Issuing authority: {authority} {doc.text('cards', 'id_authority')}"
                    .replace("  ", " "), regular, 5.5))
    return _page(ops)


def id_stacked(doc: Doc) -> list[Page]:
    """Labels above values, portrait at the right, a soft green or grey tint."""
    rng = doc.rng
    regular, bold = _fonts(doc)
    color = rng.choice(((60, 130, 90), (110, 110, 110), (150, 120, 60)))
    ops: list[Op] = [body(tint(color, 0.86)), *waves(rng, tint(color, 0.65), 22)]
    ops.append(Text(4, 6.0, doc.title(), bold, 8.0, "l", tint(color, 0.0)))
    ops.extend(portrait(60, 8, 21.5, 27, tint(color, 0.7)))
    short = doc.fields.take_all(doc.ordered(["patient_name", "gender", "birth_date",
                                             "valid_until"], 0.2))
    half = (len(short) + 1) // 2
    ops += fields_box(short[:half], 4, 8, 27, 15, regular, bold, 7.5, color, stacked=True)
    ops += fields_box(short[half:], 31, 8, 28, 15, regular, bold, 7.5, color, stacked=True)
    _id_number(doc, ops, 4, 44, 74, regular, bold)
    long = doc.fields.take_all(ID_FIELDS[3:]) + doc.fields.rest()
    ops += fields_box(long, 4, 24, 54, 16, regular, bold, 7.5, color, stacked=True)
    return _page(ops)


def ins_social(doc: Doc) -> list[Page]:
    """A social security card: blue top band with emblem and issuer, chip, portrait, fields,
    the bank's name at the bottom."""
    rng = doc.rng
    regular, bold = _fonts(doc)
    color = rng.choice(((20, 80, 160), (0, 100, 170), (30, 60, 130)))
    ops: list[Op] = [body(tint(color, 0.92)), *waves(rng, tint(color, 0.8), 8, 14, CARD_H)]
    ops.append(Rect(0, 0, CARD_W, 13, None, color, 0, 0))
    ops.extend(logo(7, 6.5, 4.2, WHITE))
    ops.append(Text(13.5, 6.0, doc.title(), bold, 9.0, "l", WHITE))
    ops.append(Text(13.5, 10.8, doc.text("cards", "insurance_issuer"), regular, 5.5, "l", WHITE))
    ops.extend(chip(5, 17))
    ops.extend(portrait(64, 16, 17.5, 22))
    _valid(doc, ops, 5, 48, regular)
    pairs = doc.fields.take_all(doc.ordered(INS_FIELDS, 0.2)) + doc.fields.rest()
    ops += fields_box(pairs, 18, 15.5, 45, 28, regular, bold, 7.5, tint(color, 0.1))
    ops.append(Text(82, 50.5, doc.text("cards", "bank"), bold, 6.5, "r", color))
    return _page(ops)


def ins_medical(doc: Doc) -> list[Page]:
    """A green medical insurance card: region agency on top, "Label: value" fields, chip at the
    right, a note line at the bottom."""
    rng = doc.rng
    regular, bold = _fonts(doc)
    color = rng.choice(((20, 120, 80), (0, 130, 120), (70, 130, 40)))
    ops: list[Op] = [body(tint(color, 0.88)), *waves(rng, tint(color, 0.7), 12)]
    ops.append(Rect(0, 0, CARD_W, 3.5, None, color, 0, 0))
    region = doc.fields.value("insured_region") if doc.fields.has("insured_region") else ""
    ops.append(Text(4, 9.0, f"{region} {doc.text('cards', 'insurance_issuer')}".strip(),
                    regular, 6.5, "l", color))
    ops.append(Text(4, 14.5, doc.title(), bold, 10.0, "l", color))
    ops.extend(chip(70, 8))
    _valid(doc, ops, 4, 50, regular)
    pairs = doc.fields.take_all(doc.ordered(INS_FIELDS, 0.3)) + doc.fields.rest()
    ops += fields_box(pairs, 4, 17.5, 78, 28, bold, regular, 7.5, INK)
    ops.append(Text(82, 50, doc.text("cards", "card_notes"), regular, 5.0, "r"))
    return _page(ops)


def ins_bank(doc: Doc) -> list[Page]:
    """A bank-card style health card: card number large across the middle, holder name below,
    validity at the right, issuer and bank in the corners."""
    rng = doc.rng
    regular, bold = _fonts(doc)
    color = rng.choice(((180, 60, 40), (200, 110, 30), (90, 60, 140)))
    ops: list[Op] = [body(tint(color, 0.55)), *waves(rng, tint(color, 0.35), 18)]
    ops.append(Text(5, 8.0, doc.title(), bold, 9.5, "l", WHITE))
    ops.append(Text(81, 8.0, doc.text("cards", "bank"), regular, 5.5, "r", WHITE))
    ops.extend(chip(6, 13))
    pair = doc.fields.take("card_number")
    if pair:
        ops.append(Text(20, 16.0, pair[0], regular, 6.0, "l", INK))
        ops.append(Text(20, 21.5, pair[1], bold, fit_size(pair[1], bold, 13.0, 60), "l", INK))
    pairs = doc.fields.take_all(doc.ordered(["patient_name", "id_number", "valid_until",
                                             *INS_FIELDS[3:]], 0.2))
    ops += fields_box(pairs + doc.fields.rest(), 5, 25, 76, 27, regular, bold, 7.5, INK)
    return _page(ops)


ID_LAYOUTS = (id_classic, id_banded, id_stacked)
INSURANCE_LAYOUTS = (ins_social, ins_medical, ins_bank)
