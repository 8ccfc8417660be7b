"""Household register (hukou) pages: the resident's registration card as a dense grid, the
head-of-household page, and a booklet page photocopied onto A4."""

from __future__ import annotations

from samples.render.blocks import rule, text_line, title
from samples.render.context import Doc, pick_theme
from samples.render.filler import digits
from samples.render.flow import A4, Flow
from samples.render.forms import FieldStyle, Pair, grid, kv_rows
from samples.render.ops import GREY, Page, Rect
from samples.render.parts import footer, remarks, rest_fields
from samples.render.seal import round_seal

PERSON = ["patient_name", "gender", "birth_date", "id_number", "address", "employer",
          "insured_region"]
NATIVE = ["Zhejiang Hangzhou", "Anhui Hefei", "Jiangsu Nanjing", "Henan Zhengzhou",
          "Sichuan Chengdu", "Hubei Wuhan", "Shandong Jinan"]


def _person(doc: Doc) -> list[Pair]:
    """The resident's fields with the register's routine entries mixed in."""
    pairs = doc.fields.take_all(doc.ordered(PERSON, 0.2))
    rng = doc.rng
    extra: list[Pair] = [
        ("Relationship to Head of Household", _relation(doc)),
        ("Ethnicity", doc.extras.get("ethnicity") or doc.text("cards", "ethnicity")),
        ("Native Place", rng.choice(NATIVE)),
        ("Place of Birth", rng.choice(NATIVE)),
        ("Education", doc.text("household", "education")),
        ("Marital Status", doc.text("household", "marital")),
        ("Military Service", doc.text("household", "military")),
        ("Occupation", doc.text("household", "occupation")),
    ]
    for pair in rng.sample(extra, rng.randint(5, len(extra))):
        pairs.insert(rng.randint(1, len(pairs)) if pairs else 0, pair)
    return pairs


def _relation(doc: Doc) -> str:
    if doc.extras.get("relationship"):
        return doc.extras["relationship"]
    gender = doc.spec.fields.get("gender", "").lower()
    child = "Daughter" if gender.startswith("f") else "Son"
    return doc.rng.choice(("Head of household", "Self", "Spouse", child))


def _seal(flow: Flow, doc: Doc, x: float, y: float) -> None:
    agency = doc.extras.get("seal_text") or doc.extras.get("issuer") or "Public Security Bureau"
    flow.add(round_seal(x, y, 17.0, agency, doc.rng, "HOUSEHOLD REGISTRATION"))


def _registered(flow: Flow, doc: Doc, fs: FieldStyle) -> None:
    pairs = doc.fields.take_all(["issue_date"])
    pairs.append(("Registration Authority", doc.text("household", "authority")))
    kv_rows(flow, pairs, fs)


def card(doc: Doc) -> list[Page]:
    """The resident's registration card: household number on top, a dense two-column grid of
    the resident's particulars, the registration seal at the bottom right."""
    rng = doc.rng
    theme = pick_theme(rng, rng.choice(("serif", "sans")), (10.5, 12.0))
    flow = Flow(A4, (16, 18, 16, 20))
    title(flow, doc.title(), theme.head, 17.0, "c", underline=rng.random() < 0.5, gap=3)
    fs = FieldStyle(theme.bold, theme.regular, theme.size)
    kv_rows(flow, [("Household No.", digits(rng, 9))], fs)
    flow.space(2)
    grid(flow, _person(doc) + doc.fields.rest(), fs, cols=2, label_frac=0.42,
         shade=rng.choice(((238, 238, 232), None)), pad=rng.uniform(2.5, 4.5))
    flow.space(4)
    y = flow.y
    _registered(flow, doc, fs)
    _seal(flow, doc, flow.right - 35, y + 8)
    remarks(flow, doc, theme)
    return flow.finish(None)


def head_page(doc: Doc) -> list[Page]:
    """The head-of-household page (household type, number, address) followed by the member
    entry as "Label: value" rows."""
    rng = doc.rng
    theme = pick_theme(rng, "any", (10.5, 12.0))
    flow = Flow(A4, (20, 18, 20, 20))
    title(flow, doc.title(), theme.head, 17.0, "c", gap=4)
    fs = FieldStyle(theme.regular, theme.bold, theme.size)
    head: list[Pair] = [("Household Type", doc.text("household", "household_type")),
                        ("Household No.", digits(rng, 9))]
    head += doc.fields.take_all(["address"])
    grid(flow, head, FieldStyle(theme.bold, theme.regular, theme.size), cols=2, pad=3.0)
    flow.space(6)
    text_line(flow, rng.choice(("Member Entry", "Registered Member", "Resident Information")),
              theme.bold, theme.size + 1)
    rule(flow, 0.3, 2)
    kv_rows(flow, _person(doc) + doc.fields.rest(), fs, cols=1)
    flow.space(4)
    y = flow.y
    _registered(flow, doc, fs)
    _seal(flow, doc, flow.left + 110, y + 6)
    return flow.finish(footer(doc, theme, "c", single=False))


def booklet(doc: Doc) -> list[Page]:
    """A booklet page photocopied onto A4: a framed A5-sized panel with underlined entries."""
    rng = doc.rng
    theme = pick_theme(rng, "serif", (10.5, 12.0))
    flow = Flow(A4, (30, 30, 30, 30))
    flow.background = (250, 250, 248)
    top_y = flow.y
    flow.space(6)
    title(flow, doc.title(), theme.head, 15.0, "c", gap=4)
    fs = FieldStyle(theme.regular, theme.regular, theme.size)
    flow.left += 6
    flow.right_margin += 6
    kv_rows(flow, _person(doc) + doc.fields.rest(), fs, underline=True)
    flow.space(3)
    y = flow.y
    _registered(flow, doc, fs)
    _seal(flow, doc, flow.right - 25, y + 4)
    flow.space(6)
    flow.left -= 6
    flow.right_margin -= 6
    flow.add(Rect(flow.left, top_y, flow.content_width, flow.y - top_y, GREY, None, 0.5))
    flow.add(Rect(flow.left + 1.5, top_y + 1.5, flow.content_width - 3, flow.y - top_y - 3,
                  GREY, None, 0.2))
    rest_fields(flow, doc, fs)
    return flow.finish(None)


LAYOUTS = (card, head_page, booklet)
