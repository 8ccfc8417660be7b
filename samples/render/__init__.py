"""Renderers of the synthetic sample generator: a `DocSpec` in, page images or a digital PDF
out. Each document type has several layouts (`N_LAYOUTS`); every layout builds pages of draw
operations once (`build_pages`), which the PIL and reportlab backends then execute, so images and
PDF agree on content and pagination for the same rng state."""

from __future__ import annotations

import random
from collections.abc import Callable

from PIL import Image

from samples.render import (
    cards,
    discharge,
    employer,
    fee_list,
    household,
    invoice,
    other,
    registration,
    reimbursement,
    residence,
)
from samples.render.context import Doc
from samples.render.ops import Page
from samples.render.pdf import write_pdf
from samples.render.photo import photograph
from samples.render.raster import rasterize
from samples.spec import DocSpec

Layout = Callable[[Doc], list[Page]]

LAYOUTS: dict[str, tuple[Layout, ...]] = {
    "medical_invoice": invoice.LAYOUTS,
    "fee_list": fee_list.LAYOUTS,
    "discharge_summary": discharge.LAYOUTS,
    "id_card": cards.ID_LAYOUTS,
    "insurance_card": cards.INSURANCE_LAYOUTS,
    "household_register": household.LAYOUTS,
    "out_of_area_registration": registration.LAYOUTS,
    "residence_proof": residence.LAYOUTS,
    "employer_certificate": employer.LAYOUTS,
    "reimbursement_form": reimbursement.LAYOUTS,
    "other": other.LAYOUTS,
}
N_LAYOUTS: dict[str, int] = {doc_type: len(fns) for doc_type, fns in LAYOUTS.items()}
DPI = 300


def build_pages(spec: DocSpec, rng: random.Random) -> list[Page]:
    """The pages of `spec` as draw operations in millimetres."""
    layouts = LAYOUTS[spec.doc_type]
    return layouts[spec.layout % len(layouts)](Doc(spec, rng))


CARDS = frozenset({"id_card", "insurance_card"})


def render_pages(spec: DocSpec, rng: random.Random) -> list[Image.Image]:
    """Clean RGB page images at 300 dpi; for cards, a photo of the card on a desk (the card at
    320-560 px per inch, turned a little, in slight perspective)."""
    pages = build_pages(spec, rng)
    if spec.doc_type in CARDS:
        return [photograph(rasterize(page, rng.randint(320, 560)), rng) for page in pages]
    return [rasterize(page, DPI) for page in pages]


def render_pdf(spec: DocSpec, rng: random.Random) -> bytes:
    """A digital PDF with a text layer; same pages as `render_pages` for the same rng state."""
    return write_pdf(build_pages(spec, rng))
