"""Claim cases made from records, for rule tests that need no OCR: a clean inpatient claim that
passes every rule, and small helpers to spoil it one way at a time."""

from __future__ import annotations

from extractors.model import Extraction, FieldValue, LineItem
from pipeline.models import Document
from pipeline.tables import CaseResult
from tests.pages import page_from_text

PATIENT = {"patient_name": "Wang Xiaoming", "id_number": "110101199003071233"}  # valid check digit


def doc(doc_type: str, doc_id: str, fields: dict[str, str] | None = None,
        items: list[LineItem] | None = None, text: str = "", conf: float = 0.95,
        unreadable: bool = False, totals: list[str] | None = None) -> tuple[Document, Extraction]:
    page = page_from_text(text or doc_type.replace("_", " ").title(), source=f"{doc_id}.pdf")
    d = Document(doc_type, f"{doc_id}.pdf", [page], 0.9, doc_id, unreadable)
    ex = Extraction({k: FieldValue(k, v, v, conf) for k, v in (fields or {}).items()},
                    items or [], totals or [])
    return d, ex


def item(n: int, name: str, qty: str, price: str, amount: str, date: str = "2026-03-03",
         row_type: str = "") -> LineItem:
    return LineItem(n, name, qty, price, amount, date, row_type)


FEE_LINES = [
    item(1, "Bed fee (general ward)", "3", "40.00", "120.00", "2026-03-02"),
    item(2, "Amoxicillin Capsules 0.25g", "2", "12.30", "24.60", "2026-03-03"),
    item(3, "Complete blood count", "1", "25.00", "25.00", "2026-03-04"),
]
FEE_TOTAL = "169.60"


def clean_case(claim_type: str = "inpatient_local", case_id: str = "C1") -> CaseResult:
    stay = {"admission_date": "2026-03-02", "discharge_date": "2026-03-05"}
    parts = [
        doc("discharge_summary", "d1", {**PATIENT, **stay, "diagnosis": "Pneumonia"},
            text="Discharge summary\nThe patient was admitted with pneumonia and treated with "
                 "antibiotics.\nDischarged in stable condition."),
        doc("medical_invoice", "d2", {**PATIENT, **stay, "invoice_number": "INV0001",
                                      "total_amount": FEE_TOTAL},
            items=[item(1, "Western medicine", "1", "24.60", "24.60"),
                   item(2, "Bed", "1", "120.00", "120.00"), item(3, "Tests", "1", "25.00", "25.00")],
            totals=[FEE_TOTAL]),
        doc("fee_list", "d3", {**PATIENT, **stay}, items=[*FEE_LINES], totals=[FEE_TOTAL]),
        doc("id_card", "d4", dict(PATIENT)),
        doc("insurance_card", "d5", {**PATIENT, "card_number": "A12345678"}),
    ]
    if claim_type == "inpatient_out_of_area":
        parts += [doc("household_register", "d6", dict(PATIENT)),
                  doc("residence_proof", "d7", dict(PATIENT)),
                  doc("out_of_area_registration", "d8", {**PATIENT, "filing_date": "2026-02-20"})]
    if claim_type == "outpatient":
        parts = [p for p in parts if p[0].doc_type not in ("discharge_summary", "id_card")]
        parts.append(doc("reimbursement_form", "d9", dict(PATIENT)))
    docs, exs = zip(*parts, strict=True)
    return CaseResult(case_id, list(docs), list(exs), [], {"claim_type": claim_type})


def find(case: CaseResult, doc_type: str) -> tuple[Document, Extraction]:
    for d, ex in zip(case.documents, case.extractions, strict=True):
        if d.doc_type == doc_type:
            return d, ex
    raise KeyError(doc_type)


def set_field(case: CaseResult, doc_type: str, name: str, value: str, conf: float = 0.95) -> None:
    _, ex = find(case, doc_type)
    ex.fields[name] = FieldValue(name, value, value, conf)
