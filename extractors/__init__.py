"""Field and line-item extractors, one per document type, in one visible registry.

    extract(doc) -> Extraction      the registry's extractor for doc.doc_type

Every type gets its fields from the label/value engine (`extractors.fields`, labels in
`extractors/data/fields.toml`); invoices and fee lists add their line items
(`extractors.line_items`, column headers in `extractors/data/columns.toml`); invoices fall back
on the free-form receipt reader (`extractors.totals`) for the total and the date when their labels
are lost. A type without a specific need uses the plain field extractor.
"""

from __future__ import annotations

from collections.abc import Callable

from extractors.model import Extraction, FieldValue, LineItem
from pipeline.models import Document

Extractor = Callable[[Document], Extraction]


def _fields_only(doc: Document) -> Extraction:
    from extractors.fields import extract_fields

    return Extraction(fields=extract_fields(doc))


def _fee_list(doc: Document) -> Extraction:
    from extractors.line_items import extract_line_items

    out = _fields_only(doc)
    out.line_items, out.table_totals = extract_line_items(doc)
    return out


def _medical_invoice(doc: Document) -> Extraction:
    from extractors.totals import find_issue_date, find_total

    out = _fee_list(doc)
    for name, fallback in (("total_amount", find_total), ("issue_date", find_issue_date)):
        if name not in out.fields:
            found = fallback(doc.pages)
            if found is not None:
                out.fields[name] = found
    return out


EXTRACTORS: dict[str, Extractor] = {
    "medical_invoice": _medical_invoice,
    "fee_list": _fee_list,
    "discharge_summary": _fields_only,
    "id_card": _fields_only,
    "insurance_card": _fields_only,
    "household_register": _fields_only,
    "out_of_area_registration": _fields_only,
    "residence_proof": _fields_only,
    "employer_certificate": _fields_only,
    "reimbursement_form": _fields_only,
    "other": lambda doc: Extraction(),
}


def extract(doc: Document) -> Extraction:
    """Fields and line items of one classified document (nothing for unreadable documents)."""
    if doc.unreadable:
        return Extraction()
    return EXTRACTORS.get(doc.doc_type, _fields_only)(doc)


__all__ = ["EXTRACTORS", "Extraction", "FieldValue", "LineItem", "extract"]
