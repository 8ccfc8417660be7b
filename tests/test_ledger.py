"""Reviewers' corrections applied to a freshly read case, and the case's fingerprint."""

from __future__ import annotations

from pathlib import Path

from pipeline import ledger
from pipeline.ledger import Correction
from tests.claims import clean_case, find, item, set_field
from validators import Context, decide


def test_field_and_line_corrections_replace_what_was_read() -> None:
    case = clean_case()
    _, inv = find(case, "medical_invoice")
    inv.line_items[1] = item(2, "Bed", "1", "150.00", "150.00")
    inv.table_totals = ["199.60"]
    set_field(case, "medical_invoice", "total_amount", "199.60", conf=0.4)
    decide(case, Context())
    assert "total_mismatch" in case.reasons
    out = ledger.apply_corrections(case, [
        Correction("field", "d2", "total_amount", "169.60", source_file="d2.pdf", pages="1"),
        Correction("line_item", "d2", "amount", "120.00", line_no=2),
        Correction("line_item", "d2", "unit_price", "120.00", line_no=2),
    ])
    assert out.applied == 3 and out.stale == []
    _, ex = find(case, "medical_invoice")
    assert (ex.fields["total_amount"].value, ex.fields["total_amount"].conf) == ("169.60", 1.0)
    decide(case, Context())
    assert "total_mismatch" not in case.reasons


def test_a_correction_whose_document_is_gone_is_kept_aside_not_applied_elsewhere() -> None:
    case = clean_case()
    out = ledger.apply_corrections(case, [
        Correction("field", "d9", "total_amount", "1.00"),  # no such document any more
        Correction("field", "d2", "total_amount", "1.00", source_file="other.pdf", pages="1"),  # moved
        Correction("line_item", "d3", "amount", "1.00", line_no=99),  # no such line
    ])
    assert out.applied == 0 and len(out.stale) == 3
    assert find(case, "medical_invoice")[1].fields["total_amount"].value == "169.60"


def test_a_new_document_type_is_extracted_again_as_that_type() -> None:
    case = clean_case()
    doc, _ = find(case, "id_card")
    ledger.apply_corrections(case, [Correction("doc_type", doc.doc_id, new_value="fee_list")])
    assert doc.doc_type == "fee_list"
    i = case.documents.index(doc)
    assert case.extractions[i] is not None and "card_number" not in case.extractions[i].fields


def test_accepted_findings_no_longer_route_and_a_decision_is_the_status() -> None:
    case = clean_case()
    _, inv = find(case, "medical_invoice")
    inv.line_items[1] = item(2, "Bed", "1", "150.00", "150.00")
    inv.table_totals = ["199.60"]
    set_field(case, "medical_invoice", "total_amount", "199.60")
    decide(case, Context())
    assert case.status == "needs_review" and case.reasons == ["total_mismatch"]
    f = next(f for f in case.findings if f.code == "total_mismatch")
    accept = Correction("finding", f.doc_id, ledger.finding_key(f.code, f.field), "accepted",
                        line_no=f.line_no, reason="the hospital's invoice includes a deposit")
    ledger.settle(case, [accept])
    assert case.status == "approved" and case.reasons == []
    kept = next(f for f in case.findings if f.code == "total_mismatch")
    assert kept.accepted == "the hospital's invoice includes a deposit"  # kept, with the reason
    ledger.settle(case, [accept, Correction("decision", new_value="rejected", reason="fraud")])
    assert case.status == "rejected"
    ledger.settle(case, [accept, Correction("decision", new_value="rejected"),
                         Correction("decision", new_value="reopened")])
    assert case.status == "approved"


def test_the_fingerprint_follows_every_input(tmp_path: Path) -> None:
    a = ledger.InputFile("scan.pdf", "aa", 1)
    base = ledger.fingerprint([a], "m", "c")
    assert base == ledger.fingerprint([a], "m", "c")
    assert base != ledger.fingerprint([ledger.InputFile("scan.pdf", "ab", 1)], "m", "c")  # content
    assert base != ledger.fingerprint([ledger.InputFile("scan2.pdf", "aa", 1)], "m", "c")  # name
    assert base != ledger.fingerprint([a], "m2", "c")  # case.json
    assert base != ledger.fingerprint([a], "m", "c2")  # catalogue
    assert base != ledger.fingerprint([a], "m", "c", ["link.pdf"])  # an entry not read
    f = tmp_path / "x.png"
    f.write_bytes(b"one")
    (first,) = ledger.input_files([("x.png", f)])
    f.write_bytes(b"two!")
    (second,) = ledger.input_files([("x.png", f)])
    assert first.sha256 != second.sha256  # a rewritten file is hashed again


def test_a_correction_follows_its_document_when_ids_are_renumbered() -> None:
    """A file added before the corrected one renumbers the documents (an upload by a reviewer):
    the correction stays with the document read from the same file and pages."""
    case = clean_case()
    doc, _ = find(case, "medical_invoice")
    fix = Correction("field", doc.doc_id, "hospital", "Corrected Hospital", source_file=doc.source_file,
                     pages=doc.page_range)
    for n, d in enumerate(case.documents, start=2):  # a new file sorts first: d1 -> d2, ...
        d.doc_id = f"d{n}"
    out = ledger.apply_corrections(case, [fix])
    assert out.stale == []
    assert find(case, "medical_invoice")[1].fields["hospital"].value == "Corrected Hospital"
    assert all(ex.fields.get("hospital") is None or ex.fields["hospital"].value != "Corrected Hospital"
               for d, ex in zip(case.documents, case.extractions, strict=True) if d is not doc)
