"""The finding rules, one small function per finding code, in one registry.

    RULES["total_mismatch"](case, context) -> list[Finding]

Each rule reads the case (documents, extractions, file problems, case.json) and the context (the
checklists, the excluded causes, the invoice numbers claimed before); it returns findings whose
message tells a reviewer what to do. Rules never raise for bad data: what cannot be judged is not
judged.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from pipeline.inbox import MANIFEST
from pipeline.models import CLAIM_TYPES, Finding
from pipeline.privacy import mask_name, mask_numbers
from pipeline.tables import CaseResult
from validators.causes import CauseVocabulary, find_excluded_cause, load_causes
from validators.checklists import Checklists, load_checklists
from validators.facts import CENT, Doc, confirmed_totals, decimal, readable_docs, stay, totals_of
from validators.identity import id_key, outliers, plausible_name, same_name, same_spelling, valid_id

if TYPE_CHECKING:
    from validators.catalogue import Catalogue

# Documents that carry the patient's identity, in the order a reviewer would trust them.
IDENTITY_DOCS = ("id_card", "insurance_card", "household_register", "discharge_summary",
                 "medical_invoice", "fee_list", "out_of_area_registration", "residence_proof",
                 "employer_certificate", "reimbursement_form")
# Fields whose low confidence is worth a reviewer's look (the contract's document fields).
CHECKED_FIELDS = ("patient_name", "id_number", "hospital", "invoice_number", "issue_date",
                  "admission_date", "discharge_date", "diagnosis", "total_amount")


@dataclass
class Context:
    """What the rules need beyond the case itself."""

    checklists: Checklists = field(default_factory=load_checklists)
    causes: CauseVocabulary = field(default_factory=load_causes)
    # invoice number (as read) -> ids of the cases that claimed it before this one
    earlier_claims: Callable[[str], list[str]] = lambda number: []
    catalogue: Catalogue | None = None  # None: drug lines are not matched
    low_confidence: float = 0.5  # fields read below this confidence get a warning
    exact_confidence: float = 0.95  # values read at least this sure are compared letter by letter


Rule = Callable[[CaseResult, Context], list[Finding]]


def _error(code: str, message: str, **where: object) -> Finding:
    return Finding(code, "error", message, **where)  # type: ignore[arg-type]


def _warning(code: str, message: str, **where: object) -> Finding:
    return Finding(code, "warning", message, **where)  # type: ignore[arg-type]


def _where(d: Doc) -> str:
    return f"{d.doc_type.replace('_', ' ')} {d.doc_id} ({d.doc.source_file} p. {d.doc.page_range})"


# --- the packet -------------------------------------------------------------------------------

def _no_documents(case: CaseResult) -> str:
    """"the case folder holds no ..." and why, when the case has no readable document at all;
    "" when it has one."""
    if any(True for _ in readable_docs(case)):
        return ""
    unread = sorted({p.source_file for p in case.problems if p.source_file != MANIFEST})
    why = []
    if case.documents:
        why.append(f"its {sum(len(d.pages) for d in case.documents)} page(s) could not be read")
    if unread:
        why.append(f"{len(unread)} file(s) could not be read, see the other findings")
    if not why:
        return "the case folder holds no documents"
    return f"the case folder holds no readable document ({'; '.join(why)})"


def missing_document(case: CaseResult, ctx: Context) -> list[Finding]:
    present = {d.doc_type for d in readable_docs(case)}
    claim = case.claim_type.replace("_", " ")
    claim = f"{'an' if claim.startswith(tuple('aeiou')) else 'a'} {claim}"
    insured = case.manifest.get("employer_insured") is True
    empty = _no_documents(case)
    todo = (f". Note: {empty}: check that the packet was put into the right folder, and ask the "
            "claimant for it." if empty else
            ": ask the claimant for it, or attach it if it was filed elsewhere.")
    return [
        _error("missing_document",
               f"No readable {t.replace('_', ' ')} in the packet, which {claim} claim requires{todo}",
               field=t)
        for t in ctx.checklists.required(case.claim_type, insured) if t not in present
    ]


def unreadable_document(case: CaseResult, ctx: Context) -> list[Finding]:
    out = [
        _error("unreadable_document",
               f"{doc.source_file} page {doc.page_range} could not be read well enough to tell what it "
               "is: look at the page and ask for a clearer scan if it matters.",
               doc_id=doc.doc_id, source_file=doc.source_file)
        for doc in case.documents if doc.unreadable
    ]
    out += [
        _error("unreadable_document", f"{p.source_file}: {p.message}", source_file=p.source_file)
        for p in case.problems if p.reason == "unreadable"
    ]
    return out


def corrupt_file(case: CaseResult, ctx: Context) -> list[Finding]:
    """One error per file (or folder, link, case.json) that was not read; the problem's own
    message says why and what to do."""
    out = []
    for p in case.problems:
        if p.reason == "unreadable":
            continue  # a page that failed while being read: unreadable_document
        detail = p.message.rstrip(". ")
        message = (f"{detail}. The documents of the case were processed." if p.source_file == MANIFEST
                   else f"{p.source_file} was not read: {detail}. The other files of the case were "
                        "processed.")
        out.append(_error("corrupt_file", mask_numbers(message), source_file=p.source_file))
    return out


def _shown(value: object) -> str:
    text = mask_numbers(json.dumps(value, ensure_ascii=False, default=str))
    return text if len(text) <= 60 else text[:57] + "..."


def claim_type_inferred(case: CaseResult, ctx: Context) -> list[Finding]:
    if not case.claim_type_inferred:
        return []
    given = case.manifest.get("claim_type")
    if given not in (None, ""):
        why = f"case.json gives claim_type {_shown(given)}, which is not a claim type we know"
    elif any(p.source_file == MANIFEST and not case.manifest for p in case.problems):
        why = "case.json could not be read (see the corrupt_file finding), so it gives no claim type"
    else:
        why = "case.json gives no claim type"
    empty = _no_documents(case)
    basis = (f"{empty} to infer it from, so it was treated as {case.claim_type}, the default" if empty
             else f"treated as {case.claim_type} from the documents found")
    return [_warning("claim_type_inferred",
                     f"{why}; {basis}. Confirm the claim type, and set claim_type in case.json to one "
                     f"of {', '.join(CLAIM_TYPES)}, before approving.", field="claim_type")]


# --- one person -------------------------------------------------------------------------------

def _identity_values(case: CaseResult, name: str) -> list[tuple[Doc, str, float]]:
    out = []
    for d in readable_docs(case):
        f = d.field(name)
        if d.doc_type in IDENTITY_DOCS and f and f.value:
            out.append((d, f.value, f.conf))
    out.sort(key=lambda x: IDENTITY_DOCS.index(x[0].doc_type))
    return out


def identity_mismatch(case: CaseResult, ctx: Context) -> list[Finding]:
    out = []
    names = [(d, v, c) for d, v, c in _identity_values(case, "patient_name") if plausible_name(v)]

    def same(a: tuple[Doc, str, float], b: tuple[Doc, str, float]) -> bool:
        exact = min(a[2], b[2]) >= ctx.exact_confidence
        return same_spelling(a[1], b[1]) if exact else same_name(a[1], b[1])

    odd = outliers(names, same)
    usual = next((v for i, (_, v, _) in enumerate(names) if i not in odd), "")
    for i in odd:
        d, value, _ = names[i]
        out.append(_error(
            "identity_mismatch",
            f"The patient's name on the {_where(d)} reads {mask_name(value)!r}, other documents "
            f"{mask_name(usual)!r} (names masked here; the documents table holds them): check that "
            "all documents belong to one person.",
            doc_id=d.doc_id, field="patient_name"))
    ids = [(d, v, c) for d, v, c in _identity_values(case, "id_number") if valid_id(v)]
    for i in outliers(ids, lambda a, b: id_key(a[1]) == id_key(b[1])):
        d = ids[i][0]
        out.append(_error(
            "identity_mismatch",
            f"The ID number on the {_where(d)} differs from the one on the other documents: check "
            "that all documents belong to one person.",
            doc_id=d.doc_id, field="id_number"))
    return out


# --- money ------------------------------------------------------------------------------------

def total_mismatch(case: CaseResult, ctx: Context) -> list[Finding]:
    """Judged on totals that two readings of each side confirm (a text layer confirms itself);
    where OCR leaves a side unconfirmed, it is not judged, since a misread line or total row
    would look like a mismatch."""
    invoices = list(readable_docs(case, "medical_invoice"))
    fee_lists = [d for d in readable_docs(case, "fee_list") if d.ex.line_items or d.ex.table_totals]
    if not invoices or not fee_lists:
        return []
    inv_readings = _sum_readings(invoices, confirmed_totals)
    fee_readings = _sum_readings(fee_lists, confirmed_totals)
    if not inv_readings or not fee_readings or any(
            _agree(a, b) for a in inv_readings for b in fee_readings):
        return []
    inv, fee = _best(invoices), _best(fee_lists)
    return [_error(
        "total_mismatch",
        f"The invoice total {inv} differs from the fee list's sum {fee} by {abs(inv - fee):.2f}: "
        "compare the invoice with the fee list line by line and correct the claimed amount.",
        doc_id=invoices[0].doc_id, field="total_amount")]


def _agree(a: Decimal, b: Decimal) -> bool:
    """Equal within a cent, or equal but for one leading digit that is a currency sign read as a
    digit ("¥120.94" read "1120.94")."""
    if abs(a - b) <= CENT:
        return True
    short, long = sorted((f"{a:.2f}", f"{b:.2f}"), key=len)
    return len(long) == len(short) + 1 and long.endswith(short)


def _sum_readings(docs: list[Doc], read: Callable[[Doc], set[Decimal]]) -> set[Decimal]:
    """The possible totals of several documents together (one reading from each); empty when a
    document has no reading."""
    readings = [read(d) for d in docs]
    if not readings or not all(readings) or len(readings) > 4:
        return set()
    return {sum(combo, Decimal(0)) for combo in itertools.product(*readings)}


def _best(docs: list[Doc]) -> Decimal:
    total = Decimal(0)
    for d in docs:
        f = d.field("total_amount")
        value = decimal(f.value) if f else None
        total += value if value is not None else max(totals_of(d), default=Decimal(0))
    return total.quantize(CENT)


def _slipped_point(expected: Decimal, amount: Decimal) -> bool:
    """The amount ten times what the line makes. (OCR makes other factors: an amount that lost
    its point is a hundred times too large, a quantity 0.5 read as 5 or 1 as 10 makes the amount
    look ten times too small; those are not judged.)"""
    return expected * 10 == amount


def line_amount_mismatch(case: CaseResult, ctx: Context) -> list[Finding]:
    """On a text layer every difference counts. On a scan, a misread digit of the quantity or
    unit price looks like a wrong amount (even where tesseract is sure of it: measured on three
    batches, judging sure-read lines added as many false alarms as finds), so only a slipped
    decimal point is judged there."""
    out = []
    for d in readable_docs(case, "fee_list"):
        exact = all(p.method == "text_layer" for p in d.doc.pages)
        for item in d.ex.line_items:
            q, p, a = decimal(item.quantity), decimal(item.unit_price), decimal(item.amount)
            if q is None or p is None or a is None:
                continue
            expected = (q * p).quantize(CENT)
            if abs(expected - a) > CENT and (exact or _slipped_point(expected, a)):
                out.append(_error(
                    "line_amount_mismatch",
                    f"Line {item.line_no} of the {_where(d)} ({item.item_name}): {item.quantity} x "
                    f"{item.unit_price} = {expected}, but the amount reads {item.amount}. Check the "
                    "printed line and correct the amount or ask the hospital.",
                    doc_id=d.doc_id, field="amount", line_no=item.line_no))
    return out


# --- dates ------------------------------------------------------------------------------------

def date_out_of_stay(case: CaseResult, ctx: Context) -> list[Finding]:
    admission, discharge = stay(case)
    if not admission or not discharge or admission > discharge:
        return []
    out = []
    for d in readable_docs(case, "fee_list"):
        for item in d.ex.line_items:
            if item.item_date and not admission <= item.item_date <= discharge:
                out.append(_error(
                    "date_out_of_stay",
                    f"Line {item.line_no} of the {_where(d)} ({item.item_name}) is dated "
                    f"{item.item_date}, outside the stay {admission} to {discharge}: costs outside "
                    "the stay are not paid as inpatient costs; check the date and remove the line "
                    "if it is right.",
                    doc_id=d.doc_id, field="item_date", line_no=item.line_no))
    return out


def _latest_date(case: CaseResult) -> str:
    """The last day a document of the case can carry: the submission date, else the latest
    issue or discharge date."""
    submitted = case.manifest.get("submitted_on")
    if isinstance(submitted, str) and len(submitted) == 10:
        return submitted
    dates = [f.value for d in readable_docs(case) for name in ("issue_date", "discharge_date")
             if (f := d.field(name)) and f.value]
    return max(dates, default="")


def registration_after_admission(case: CaseResult, ctx: Context) -> list[Finding]:
    """A filing date after the case was submitted is a misread (a year read wrong), not judged."""
    admission, _ = stay(case)
    if not admission:
        return []
    latest = _latest_date(case)
    out = []
    for d in readable_docs(case, "out_of_area_registration"):
        f = d.field("filing_date")
        if f and f.value and f.value > admission and (not latest or f.value <= latest):
            out.append(_error(
                "registration_after_admission",
                f"The out-of-area registration ({_where(d)}) was filed on {f.value}, after admission "
                f"on {admission}: treatment before filing is not reimbursed. Check both "
                "dates; if they are right, only costs after filing can be paid.",
                doc_id=d.doc_id, field="filing_date"))
    return out


# --- what the fund pays -----------------------------------------------------------------------

def excluded_cause(case: CaseResult, ctx: Context) -> list[Finding]:
    out = []
    for d in readable_docs(case, "discharge_summary"):
        hit = find_excluded_cause(d.doc.text, ctx.causes)
        if hit:
            out.append(_error(
                "excluded_cause",
                f"The {_where(d)} points to an excluded cause, {hit.label}: \"{hit.evidence[:160]}\". "
                "Article 30: the fund does not pay; confirm the cause and reject or redirect the claim.",
                doc_id=d.doc_id, field="narrative"))
    return out


def duplicate_invoice(case: CaseResult, ctx: Context) -> list[Finding]:
    out = []
    for d in readable_docs(case, "medical_invoice"):
        f = d.field("invoice_number")
        if not f or not f.value:
            continue
        earlier = ctx.earlier_claims(f.value)
        if earlier:
            out.append(_error(
                "duplicate_invoice",
                f"Invoice number {f.value} on the {_where(d)} was already claimed in case "
                f"{', '.join(earlier)}: an invoice is paid once; check whether this is a resubmission.",
                doc_id=d.doc_id, field="invoice_number"))
    return out


def drug_not_in_catalogue(case: CaseResult, ctx: Context) -> list[Finding]:
    return [
        _warning("drug_not_in_catalogue",
                 f"Line {item.line_no} of the {_where(d)}: {item.item_name!r} matches no drug of the "
                 "catalogue, so the patient pays it; check the name if it should be covered.",
                 doc_id=d.doc_id, field="item_name", line_no=item.line_no)
        for d in readable_docs(case)
        for item in d.ex.line_items if item.category == "not_listed"
    ]


def low_confidence(case: CaseResult, ctx: Context) -> list[Finding]:
    out = []
    for d in readable_docs(case):
        for name in CHECKED_FIELDS:
            f = d.field(name)
            if f and f.value and f.conf < ctx.low_confidence:
                out.append(_warning(
                    "low_confidence",
                    f"{name.replace('_', ' ')} on the {_where(d)} was read with confidence "
                    f"{f.conf:.2f}: compare it with the page.",
                    doc_id=d.doc_id, field=name))
    return out


RULES: dict[str, Rule] = {
    "missing_document": missing_document,
    "unreadable_document": unreadable_document,
    "corrupt_file": corrupt_file,
    "identity_mismatch": identity_mismatch,
    "total_mismatch": total_mismatch,
    "line_amount_mismatch": line_amount_mismatch,
    "date_out_of_stay": date_out_of_stay,
    "registration_after_admission": registration_after_admission,
    "excluded_cause": excluded_cause,
    "duplicate_invoice": duplicate_invoice,
    "drug_not_in_catalogue": drug_not_in_catalogue,
    "claim_type_inferred": claim_type_inferred,
    "low_confidence": low_confidence,
}
