"""What the pages show, built from the store's records: plain words for finding codes, and the
case page's documents with their values, boxes (percent of the page) and marks."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pipeline.ledger import Correction
from pipeline.tables import CONTRACT_FIELDS, EXTRA_FIELDS
from review.pages import PageGeometry, box_percent

LOW_CONF = 0.5  # values read with less confidence are marked
ITEM_COLUMNS = ("item_date", "item_name", "quantity", "unit_price", "amount")
FIELD_NAMES = (*CONTRACT_FIELDS, *EXTRA_FIELDS)

# Each finding code in plain words (the queue's reasons), and what a reviewer does about it.
PLAIN: dict[str, tuple[str, str]] = {
    "missing_document": (
        "A required document is missing",
        "Look for it among the pages (a document read as another type: change its type); if it "
        "is not there, upload it, or reject the claim."),
    "unreadable_document": (
        "A page could not be read",
        "Look at the page image; type in the values it carries, upload a better scan, or reject."),
    "corrupt_file": (
        "A file is damaged or cannot be opened",
        "Get the file again from the claimant and upload it; the rest of the case was read."),
    "identity_mismatch": (
        "Patient name or ID differs between documents",
        "Compare the marked names and ID numbers on the pages: correct a misread value, or reject "
        "if the documents belong to someone else."),
    "total_mismatch": (
        "Invoice total differs from the fee list",
        "Compare both totals with the page images: correct the misread total or line, or accept the "
        "finding if the documents really differ."),
    "line_amount_mismatch": (
        "A line's quantity x price differs from its amount",
        "Check the marked line on the page and correct the misread number."),
    "date_out_of_stay": (
        "A fee-list line is dated outside the hospital stay",
        "Check the line's date and the admission and discharge dates; correct a misread date, or "
        "accept the finding and settle the line by hand."),
    "registration_after_admission": (
        "Out-of-area filing is dated after admission",
        "Check the filing and admission dates; if they are right the stay is not reimbursed: "
        "reject."),
    "excluded_cause": (
        "The discharge summary names an excluded cause",
        "Read the summary: a work injury, accident or other excluded cause is not reimbursed "
        "(reject); accept the finding if the text says otherwise."),
    "duplicate_invoice": (
        "The invoice was already claimed in another case",
        "Compare with the earlier case; reject a second claim of the same invoice."),
    "processing_failed": (
        "The pipeline failed on this case",
        "Process the case by hand, and tell the team (it is a defect)."),
    "drug_not_in_catalogue": (
        "A drug is not in the catalogue (the patient pays it)",
        "Check the drug's name on the page; correct a misread name, or accept."),
    "claim_type_inferred": (
        "The claim type was guessed from the documents",
        "Check that the claim type fits the documents."),
    "low_confidence": (
        "A field was read with low confidence",
        "Compare the marked value with the page and correct it if it is wrong."),
}


def plain(code: str) -> str:
    return PLAIN.get(code, (code.replace("_", " "), ""))[0]


def todo(code: str) -> str:
    return PLAIN.get(code, ("", "Read the message and fix what it names."))[1]


@dataclass
class BoxView:
    id: str  # box-<doc_id>-<field name> | box-<doc_id>-line-<line_no>
    label: str
    page_no: int
    pos: dict[str, float]
    low: bool = False
    flagged: bool = False


@dataclass
class FieldView:
    name: str
    value: str
    raw: str
    conf: float
    page_no: int
    box: BoxView | None
    low: bool
    flagged: bool


@dataclass
class LineView:
    line_no: int
    values: dict[str, str]
    conf: float
    page_no: int
    category: str
    catalogue_name: str
    box: BoxView | None
    low: bool
    flagged: bool


@dataclass
class PageView:
    page_no: int
    method: str
    boxes: list[BoxView] = field(default_factory=list)


@dataclass
class DocView:
    doc_id: str
    doc_type: str
    confidence: float
    source_file: str
    pages: str
    unreadable: bool
    flagged: bool
    fields: list[FieldView]
    lines: list[LineView]
    page_views: list[PageView]
    missing_fields: list[str]


@dataclass
class FindingView:
    code: str
    severity: str
    message: str
    doc_id: str
    field: str
    line_no: int | None
    accepted: str
    plain: str
    todo: str
    target: str  # the box or row it points at, for the "show" link ("" when none)


@dataclass
class AuditView:
    author: str
    when: str
    what: str
    old: str
    new: str
    reason: str


def _conf(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return 0.0


def documents(data: dict[str, Any]) -> list[DocView]:
    """The case's documents with their values, boxes and marks (low confidence; pointed at by a
    finding that is not accepted)."""
    open_findings = [f for f in data["findings"] if not f["accepted"]]
    flagged_fields = {(f["doc_id"], f["field"]) for f in open_findings if f["doc_id"] and f["field"]}
    flagged_lines = {(f["doc_id"], f["line_no"]) for f in open_findings
                     if f["doc_id"] and f["line_no"] is not None}
    flagged_docs = {f["doc_id"] for f in open_findings if f["doc_id"]}
    out = []
    for d in data["documents"]:
        doc_id = d["doc_id"]
        geometry = {int(p["page_no"]): PageGeometry.of(p) for p in d["pages_read"]}
        page_views = {n: PageView(n, g.method) for n, g in sorted(geometry.items())}
        fields = []
        order = {name: i for i, name in enumerate(FIELD_NAMES)}
        for name, f in sorted(d["fields"].items(), key=lambda kv: (order.get(kv[0], 999), kv[0])):
            conf = _conf(f["conf"])
            low, flagged = conf < LOW_CONF, (doc_id, name) in flagged_fields
            box = _box(f"box-{doc_id}-{name}", name, f.get("page_no"), f.get("box"), geometry, low, flagged)
            if box is not None:
                page_views[box.page_no].boxes.append(box)
            fields.append(FieldView(name, f["value"], f["raw"], conf, int(f.get("page_no") or 0), box, low,
                                    flagged))
        lines = []
        for it in d["line_items"]:
            conf = _conf(it["conf"])
            low, flagged = conf < LOW_CONF, (doc_id, it["line_no"]) in flagged_lines
            box = _box(f"box-{doc_id}-line-{it['line_no']}", f"line {it['line_no']}", it.get("page_no"),
                       it.get("box"), geometry, low, flagged)
            if box is not None:
                page_views[box.page_no].boxes.append(box)
            lines.append(LineView(int(it["line_no"]), {c: it[c] for c in ITEM_COLUMNS}, conf,
                                  int(it.get("page_no") or 0), it.get("category") or "",
                                  it.get("catalogue_name") or "", box, low, flagged))
        missing = [n for n in FIELD_NAMES if n not in d["fields"]]
        out.append(DocView(doc_id, d["doc_type"], _conf(d["confidence"]), d["source_file"], d["pages"],
                           bool(d["unreadable"]), doc_id in flagged_docs, fields, lines,
                           list(page_views.values()), missing))
    return out


def _box(box_id: str, label: str, page_no: Any, box: Any, geometry: dict[int, PageGeometry], low: bool,
         flagged: bool) -> BoxView | None:
    page = geometry.get(int(page_no or 0))
    if page is None:
        return None
    pos = box_percent(box, page)
    return BoxView(box_id, label, page.page_no, pos, low, flagged) if pos is not None else None


def findings(data: dict[str, Any], docs: list[DocView]) -> list[FindingView]:
    """The findings, errors first, each with the box (else the document) it points at."""
    boxes = {b.id for d in docs for p in d.page_views for b in p.boxes}
    known = {d.doc_id for d in docs}
    out = []
    for f in data["findings"]:
        target = ""
        if f["doc_id"] and f["line_no"] is not None:
            target = f"box-{f['doc_id']}-line-{f['line_no']}"
        elif f["doc_id"] and f["field"]:
            target = f"box-{f['doc_id']}-{f['field']}"
        if target not in boxes:
            target = f"doc-{f['doc_id']}" if f["doc_id"] in known else ""
        out.append(FindingView(f["code"], f["severity"], f["message"], f["doc_id"], f["field"],
                               f["line_no"], f["accepted"], plain(f["code"]), todo(f["code"]), target))
    # errors first, then warnings; accepted ones last
    return sorted(out, key=lambda f: (bool(f.accepted), f.severity != "error"))


def _what(c: Correction) -> str:
    where = f" of {c.doc_id}" if c.doc_id else ""
    if c.target == "field":
        return f"field {c.name}{where}"
    if c.target == "line_item":
        return f"line {c.line_no} {c.name}{where}"
    if c.target == "doc_type":
        return f"document type{where}"
    if c.target == "finding":
        line = f" line {c.line_no}" if c.line_no is not None else ""
        return f"accepted finding {c.name.rstrip(':')}{where}{line}"
    if c.target == "decision":
        return "decision"
    if c.target == "document":
        return f"uploaded document {c.name}"
    return c.target


def audit(corrections: list[Correction]) -> list[AuditView]:
    """Newest first."""
    out = []
    for c in reversed(corrections):
        when = c.created_at.strftime("%Y-%m-%d %H:%M UTC") if isinstance(c.created_at, datetime) else ""
        new = c.new_value if c.target != "document" else f"sha256 {c.new_value[:12]}…"
        out.append(AuditView(c.author, when, _what(c), c.old_value, new, c.reason))
    return out
