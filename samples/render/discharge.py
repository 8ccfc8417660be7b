"""Discharge summaries: a letterhead report with section headings, a record with shaded
section bars, and an all-boxed summary form. The narrative goes under a course-of-treatment
heading."""

from __future__ import annotations

import datetime as dt

from samples.render.blocks import heading, paragraph, rule
from samples.render.context import Doc, Theme, pick_theme
from samples.render.filler import patient_number, staff
from samples.render.flow import A4, Flow
from samples.render.forms import FieldStyle, Pair, grid, inline, kv_rows
from samples.render.ops import Page
from samples.render.parts import footer, remarks, rest_fields, sign_off, top

PATIENT = ["patient_name", "gender", "birth_date", "id_number", "department", "admission_date",
           "discharge_date", "insured_region"]


def _patient(doc: Doc) -> list[Pair]:
    pairs = doc.fields.take_all(doc.ordered(PATIENT))
    rng = doc.rng
    extra: list[Pair] = [patient_number(doc), ("Bed No.", str(rng.randint(1, 60)))]
    stay = _stay(doc)
    if stay:
        extra.append((rng.choice(("Length of Stay", "Days in Hospital", "Hospital Stay")), stay))
    for pair in extra:
        pairs.insert(rng.randint(0, len(pairs)), pair)
    return pairs


def _stay(doc: Doc) -> str:
    f = doc.spec.fields
    try:
        days = (dt.date.fromisoformat(f["discharge_date"])
                - dt.date.fromisoformat(f["admission_date"])).days
    except (KeyError, ValueError):
        return ""
    return f"{days} day{'s' if days != 1 else ''}"


def _sections(doc: Doc) -> list[Pair]:
    """(heading, text) of the report body; the narrative is the course of treatment."""
    narrative = doc.extras.get("narrative") or doc.text("discharge", "course")
    return [
        (doc.text("discharge", "admission_heads"), doc.text("discharge", "admission")),
        (doc.text("discharge", "course_heads"), narrative),
        (doc.text("discharge", "condition_heads"), doc.text("discharge", "condition")),
        (doc.text("discharge", "advice_heads"),
         doc.extras.get("advice") or doc.text("discharge", "advice")),
    ]


def _body(flow: Flow, doc: Doc, theme: Theme, style: str) -> None:
    sections = _sections(doc)
    diagnosis = doc.fields.take("diagnosis")
    if diagnosis:
        sections.insert(1, diagnosis)
    for head, text in sections:
        heading(flow, head, theme.bold, theme.size + 0.5, style)
        for para in text.split("\n"):
            if para.strip():
                paragraph(flow, para.strip(), theme.regular, theme.size, indent=4.0)
        flow.space(1.5)


def _physician(doc: Doc) -> str:
    """The signature caption, with extras["physician"] (a name) when given."""
    role = doc.text("discharge", "physician")
    name = doc.extras.get("physician")
    return f"{role} ({name})" if name else role


def _sign(flow: Flow, doc: Doc, theme: Theme) -> None:
    fs = FieldStyle(theme.bold, theme.regular, theme.size)
    date = doc.fields.take_all(["issue_date"])
    sign_off(flow, doc, theme, [_physician(doc)], signed=0.9)
    if date:
        inline(flow, date, fs)


def report(doc: Doc) -> list[Page]:
    """Centred letterhead and title, patient data inline, sections under plain or underlined
    headings, physician's signature."""
    rng = doc.rng
    theme = pick_theme(rng, "any")
    flow = Flow(A4, (20, 16, 20, 20))
    top(flow, doc, theme, "c", rng.random() < 0.3, 16.0, underline=rng.random() < 0.4)
    fs = FieldStyle(theme.bold, theme.regular, theme.size)
    inline(flow, _patient(doc), fs)
    rule(flow, 0.3, 3)
    _body(flow, doc, theme, rng.choice(("plain", "underline")))
    rest_fields(flow, doc, fs)
    remarks(flow, doc, theme)
    _sign(flow, doc, theme)
    return flow.finish(footer(doc, theme, "c", single=rng.random() < 0.5))


def record(doc: Doc) -> list[Page]:
    """Emblem letterhead at the left, two-column label/value block, shaded section bars."""
    rng = doc.rng
    theme = pick_theme(rng, "sans")
    flow = Flow(A4, (18, 14, 18, 20))
    top(flow, doc, theme, "l", True, 15.0)
    fs = FieldStyle(theme.regular, theme.bold, theme.size)
    kv_rows(flow, _patient(doc), fs, cols=2)
    flow.space(2)
    _body(flow, doc, theme, "bar")
    rest_fields(flow, doc, fs, cols=2)
    remarks(flow, doc, theme)
    _sign(flow, doc, theme)
    return flow.finish(footer(doc, theme, "r", doc.text("departments") if rng.random() < 0.3
                              else ""))


def form(doc: Doc) -> list[Page]:
    """Everything in one boxed grid: patient cells two per row, then one full-width row per
    section with its heading in the label cell."""
    rng = doc.rng
    theme = pick_theme(rng, "any", (9.5, 10.5))
    flow = Flow(A4, (16, 14, 16, 18))
    top(flow, doc, theme, "c", rng.random() < 0.5, 16.0)
    fs = FieldStyle(theme.bold, theme.regular, theme.size)
    shade = rng.choice(((235, 235, 235), (228, 236, 228), None))
    grid(flow, _patient(doc), fs, cols=2, shade=shade)
    sections = _sections(doc)
    diagnosis = doc.fields.take("diagnosis")
    if diagnosis:
        sections.insert(1, diagnosis)
    grid(flow, sections + doc.fields.rest(), fs, cols=1, shade=shade, label_frac=0.24)
    remarks(flow, doc, theme)
    sign_off(flow, doc, theme, [_physician(doc), "Doctor in Charge"])
    flow.space(2)
    _sign_date(flow, doc, theme)
    return flow.finish(footer(doc, theme, "c"))


def _sign_date(flow: Flow, doc: Doc, theme: Theme) -> None:
    pairs = doc.fields.take_all(["issue_date"])
    if pairs:
        inline(flow, pairs, FieldStyle(theme.bold, theme.regular, theme.size))
    elif doc.rng.random() < 0.5:
        inline(flow, [("Recorded by", staff(doc))], FieldStyle(theme.bold, theme.regular,
                                                               theme.size))


LAYOUTS = (report, record, form)
