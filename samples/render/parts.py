"""Page parts several document types share: the top of a page (issuer + title), the fields a
layout did not place itself, notes, sign-off lines and continuation-page headers."""

from __future__ import annotations

from samples.render.blocks import lead, letterhead, paragraph, rule, signature, text_line, title
from samples.render.context import Doc, Theme
from samples.render.filler import address_line, issuer_name
from samples.render.flow import Flow, Footer
from samples.render.forms import FieldStyle, kv_rows
from samples.render.ops import GREY, Text


def top(flow: Flow, doc: Doc, theme: Theme, align: str = "c", emblem: bool = False,
        title_size: float = 15.0, underline: bool = False, issuer: str | None = None,
        address: str | None = None) -> str:
    """Letterhead (the hospital unless `issuer` is given) and title; returns the title."""
    name = issuer_name(doc) if issuer is None else issuer
    address = address_line(doc) if address is None else address
    if name or address:
        letterhead(flow, name, address, theme.head, theme.regular, doc.rng, align, emblem)
    text = doc.title()
    title(flow, text, theme.head, title_size, "l" if align == "l" else "c", underline)
    return text


def rest_fields(flow: Flow, doc: Doc, fs: FieldStyle, cols: int = 1) -> None:
    """Every field no slot of the layout printed yet, as "Label: value" rows."""
    pairs = doc.fields.rest()
    if pairs:
        flow.space(2)
        kv_rows(flow, pairs, fs, cols)


def remarks(flow: Flow, doc: Doc, theme: Theme, notes: tuple[str, ...] = ()) -> None:
    """extras["remarks"] (labelled) and routine notes from texts.toml."""
    text = doc.extras.get("remarks")
    if text:
        flow.space(2)
        paragraph(flow, f"Remarks: {text}", theme.regular, theme.size)
    for key in notes:
        flow.space(1)
        paragraph(flow, doc.text(*key.split(".")), theme.italic, max(8.0, theme.size - 1.5))


def sign_off(flow: Flow, doc: Doc, theme: Theme, labels: list[str], signed: float = 0.7) -> None:
    """Sign-off lines side by side ("Prepared by: ____   Checked by: ____")."""
    flow.ensure(16)
    y0 = flow.y
    width = flow.content_width / max(1, len(labels))
    for i, label in enumerate(labels):
        flow.y = y0
        signature(flow, f"{label}:", theme.regular, theme.size, doc.rng,
                  flow.left + i * width, min(45.0, width - 35), doc.rng.random() < signed)


def continuation_header(flow: Flow, left: str, right: str, theme: Theme) -> None:
    """A one-line header on continuation pages, with a thin rule."""
    size = max(8.0, theme.size - 1.5)
    flow.y += size * 0.36
    flow.add(Text(flow.left, flow.y, left, theme.regular, size, "l", GREY))
    if right:
        flow.add(Text(flow.right, flow.y, right, theme.regular, size, "r", GREY))
    flow.y += 1.5
    rule(flow, 0.15, 3.0, color=GREY)


def footer(doc: Doc, theme: Theme, align: str = "c", note: str = "", single: bool = True
           ) -> Footer:
    return Footer(doc.pick("footers", "page"), theme.regular, 8.5, align, note, single)


def centred_line(flow: Flow, text: str, theme: Theme, size: float | None = None) -> None:
    text_line(flow, text, theme.regular, size or theme.size, "c")
    flow.y += lead(theme.size, 0.2)
