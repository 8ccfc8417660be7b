"""The synthetic sample generator: plans, files in their delivery forms, and ground truth."""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import random
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pytest
from PIL import Image

from samples import build_catalogue, cases, generate, items, people

SEED = 20260314
N_CASES = 30
MAX_DPI = 150  # keeps the module under ~90 s; scans otherwise run 150-300 dpi
SHARED = Path(os.environ.get("CLAIMS_SHARED", Path(__file__).resolve().parents[2] / "shared"))
WHO_FLAT = SHARED / "data" / "drugs" / "who_eml_gnuhealth" / "who_eml_flat.csv"
EXCLUDED_WORDS = ("accident", "injur", "traffic", "work", "abroad", "overseas", "public health",
                  "outbreak", "occupational", "collision", "vehicle", "third party", "poisoning")
FORMS = {"png", "jpg", "tiff", "pdf_scanned", "pdf_digital", "pdf_mixed", "corrupt"}


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("samples")
    generate.generate_samples(out, N_CASES, SEED, max_dpi=MAX_DPI)
    return out


@pytest.fixture(scope="module")
def truths(batch: Path) -> list[dict[str, Any]]:
    return [json.loads(p.read_text()) for p in sorted(batch.glob("*.truth.json"))]


def docs_of(truth: dict[str, Any], doc_type: str) -> list[dict[str, Any]]:
    return [d for d in truth["documents"] if d["doc_type"] == doc_type]


def codes_of(truth: dict[str, Any]) -> set[str]:
    return {f["code"] for f in truth["expected"]["findings"]}


# ---- building blocks ------------------------------------------------------------------------


def test_id_numbers_carry_a_valid_check_digit() -> None:
    assert people.id_check_digit("11010519491231002") == "X"  # the example of GB 11643
    rng = random.Random(1)
    region = people.make_region(rng)
    for _ in range(50):
        person = people.make_person(region, rng, dt.date(2026, 1, 1))
        assert people.id_number_valid(person.id_number)
        assert person.id_number.startswith("9")  # no real region code starts with 9
        other = people.altered_id_number(person.id_number, rng)
        assert other != person.id_number and people.id_number_valid(other)


def test_catalogue_has_the_contract_columns() -> None:
    with build_catalogue.CATALOGUE.open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert {"code", "name", "category", "dosage_form", "restriction"} <= set(rows[0])
    assert len({r["code"] for r in rows}) == len(rows) > 300
    assert Counter(r["category"] for r in rows).keys() == {"A", "B"}
    assert {"Amoxicillin", "Metformin", "Ceftriaxone"} <= {r["name"] for r in rows}


@pytest.mark.skipif(not WHO_FLAT.exists(), reason="shared WHO list not available")
def test_build_catalogue_reproduces_the_committed_files(tmp_path: Path) -> None:
    build_catalogue.build(WHO_FLAT, tmp_path / "c.csv", tmp_path / "f.csv")
    assert (tmp_path / "c.csv").read_bytes() == build_catalogue.CATALOGUE.read_bytes()
    assert (tmp_path / "f.csv").read_bytes() == build_catalogue.DRUG_FORMS.read_bytes()


def test_unlisted_drugs_are_far_from_every_catalogue_name() -> None:
    from rapidfuzz import fuzz, process

    names = [n.lower() for n in items.catalogue()]
    for drug in items.unlisted_drugs():
        first = drug.name.split()[0].lower()
        assert first not in names
        best = process.extractOne(first, names, scorer=fuzz.ratio)
        assert best is not None and best[1] < 70, (drug.name, best)


def test_common_drugs_are_printable_catalogue_drugs() -> None:
    assert items.common_drugs() <= {d.name for d in items.listed_drugs()}


def test_drug_lines_name_a_catalogue_drug() -> None:
    rng = random.Random(3)
    for _ in range(200):
        line = items.drug_line(rng, dt.date(2026, 1, 1), items.pick_drug(rng, "inpatient"))
        assert line.generic_name in items.catalogue()
        assert line.name.startswith(line.generic_name or "")
        assert line.amount == items.money(line.quantity * line.unit_price)


def test_plan_batch_plants_every_code_and_keeps_a_clean_share() -> None:
    plan = cases.plan_batch(N_CASES, SEED)
    planted = Counter(code for sk in plan for code in sk.defects)
    assert set(planted) == set(cases.PLANTABLE)
    clean = sum(not sk.defects for sk in plan)
    assert 0.3 <= clean / N_CASES <= 0.5
    assert {sk.delivery for sk in plan} == set(cases.DELIVERY_MODES)
    for sk in plan:
        assert sk.claim_type in cases.allowed_claim_types(sk.defects)
        if sk.duplicate_of is not None:
            assert sk.duplicate_of < sk.index


# ---- the generated batch --------------------------------------------------------------------


def test_every_finding_code_is_expected_somewhere(truths: list[dict[str, Any]]) -> None:
    seen = {code for t in truths for code in codes_of(t)}
    assert seen == set(cases.PLANTABLE)  # low_confidence is never planted


def test_expected_status_follows_the_findings(truths: list[dict[str, Any]]) -> None:
    for t in truths:
        exp = t["expected"]
        errors = sorted({f["code"] for f in exp["findings"] if f["severity"] == "error"})
        assert exp["reasons"] == errors
        assert exp["status"] == ("needs_review" if errors else "approved")
        for f in exp["findings"]:
            assert f["severity"] == cases.SEVERITY[f["code"]]
    clean = [t for t in truths if not t["expected"]["findings"]]
    assert 0.3 <= len(clean) / len(truths) <= 0.5


def test_every_doc_type_and_delivery_form_occurs(truths: list[dict[str, Any]]) -> None:
    doc_types = {d["doc_type"] for t in truths for d in t["documents"]}
    assert doc_types == set(cases.DOC_BUILDERS)
    forms = {f["form"] for t in truths for f in t["files"]}
    assert forms == FORMS
    claim_types = {t["claim_type"] for t in truths}
    assert claim_types == set(cases.CLAIM_TYPES)


def test_fee_lists_have_8_to_60_lines(truths: list[dict[str, Any]]) -> None:
    counts = [len(d["line_items"]) for t in truths for d in docs_of(t, "fee_list")]
    assert counts and min(counts) >= 8 and max(counts) <= 60


def test_required_documents_are_present_unless_missing_is_expected(
        truths: list[dict[str, Any]]) -> None:
    for t in truths:
        required = cases.required_docs(t["claim_type"], t["employer_insured"])
        readable = {d["doc_type"] for d in t["documents"] if not unreadable_doc(t, d)}
        missing = {f["field"] for f in t["expected"]["findings"]
                   if f["code"] == "missing_document"}
        assert set(required) - readable == missing, t["case_id"]


def unreadable_doc(truth: dict[str, Any], doc: dict[str, Any]) -> bool:
    k = truth["documents"].index(doc)
    return any(p["unreadable"] for f in truth["files"] for p in f["pages"] if p["doc"] == k)


def test_clean_cases_are_consistent(truths: list[dict[str, Any]]) -> None:
    clean = [t for t in truths if not t["expected"]["findings"]]
    assert clean
    for t in clean:
        check_identity(t)
        check_amounts(t)
        check_dates(t)
        assert t["case_json"] and t["case_json"]["claim_type"] == t["claim_type"]
        for d in docs_of(t, "fee_list"):
            for line in d["line_items"]:
                assert line["category"] in (("A", "B") if line["row_type"] == "drug" else (None,))


def check_identity(t: dict[str, Any]) -> None:
    names = {d["fields"]["patient_name"] for d in t["documents"] if "patient_name" in d["fields"]}
    ids = {d["fields"]["id_number"] for d in t["documents"] if "id_number" in d["fields"]}
    assert len(names) == 1 and len(ids) == 1, t["case_id"]
    assert people.id_number_valid(ids.pop())


def check_amounts(t: dict[str, Any]) -> None:
    fee = docs_of(t, "fee_list")[0]
    invoice = docs_of(t, "medical_invoice")[0]
    fee_sum = sum(Decimal(ln["amount"]) for ln in fee["line_items"])
    for ln in fee["line_items"] + invoice["line_items"]:
        assert Decimal(ln["quantity"]) * Decimal(ln["unit_price"]) - Decimal(ln["amount"]) \
            <= Decimal("0.01")
    assert Decimal(invoice["fields"]["total_amount"]) == fee_sum, t["case_id"]
    assert sum(Decimal(ln["amount"]) for ln in invoice["line_items"]) == fee_sum
    if "total_amount" in fee["fields"]:
        assert Decimal(fee["fields"]["total_amount"]) == fee_sum
    for form in docs_of(t, "reimbursement_form"):
        assert Decimal(form["fields"]["claimed_amount"]) == fee_sum


def check_dates(t: dict[str, Any]) -> None:
    fee = docs_of(t, "fee_list")[0]
    invoice = docs_of(t, "medical_invoice")[0]
    if t["claim_type"] == "outpatient":
        visit = fee["fields"]["issue_date"]
        assert {ln["item_date"] for ln in fee["line_items"]} == {visit}
        return
    admission, discharge = fee["fields"]["admission_date"], fee["fields"]["discharge_date"]
    assert admission < discharge <= invoice["fields"]["issue_date"]
    for ln in fee["line_items"]:
        assert admission <= ln["item_date"] <= discharge
    for reg in docs_of(t, "out_of_area_registration"):
        assert reg["fields"]["filing_date"] <= admission
    for summary in docs_of(t, "discharge_summary"):
        assert summary["fields"]["admission_date"] == admission
        assert summary["fields"]["discharge_date"] == discharge


def test_clean_narratives_name_no_excluded_cause() -> None:
    for text in cases.narratives()["clean"]:
        assert not any(word in text.lower() for word in EXCLUDED_WORDS), text
    for diag in cases.diagnoses():
        assert not any(word in diag["diagnosis"].lower() for word in EXCLUDED_WORDS)


def test_planted_defects_are_in_the_truth(truths: list[dict[str, Any]]) -> None:
    for t in truths:
        for f in t["expected"]["findings"]:
            check_planted(t, f)


def check_planted(t: dict[str, Any], f: dict[str, Any]) -> None:
    code = f["code"]
    fee = (docs_of(t, "fee_list") or [{}])[0]
    if code == "total_mismatch":
        fee_sum = sum(Decimal(ln["amount"]) for ln in fee["line_items"])
        total = Decimal(docs_of(t, "medical_invoice")[0]["fields"]["total_amount"])
        assert abs(total - fee_sum) > Decimal("0.01")
    elif code == "line_amount_mismatch":
        ln = fee["line_items"][f["line_no"] - 1]
        diff = Decimal(ln["quantity"]) * Decimal(ln["unit_price"]) - Decimal(ln["amount"])
        assert abs(diff) > Decimal("0.01")
    elif code == "date_out_of_stay":
        ln = fee["line_items"][f["line_no"] - 1]
        assert not fee["fields"]["admission_date"] <= ln["item_date"] \
            <= fee["fields"]["discharge_date"]
    elif code == "drug_not_in_catalogue":
        assert fee["line_items"][f["line_no"] - 1]["category"] == "not_listed"
    elif code == "registration_after_admission":
        reg = docs_of(t, "out_of_area_registration")[0]
        assert reg["fields"]["filing_date"] > fee["fields"]["admission_date"]
    elif code == "identity_mismatch":
        values = {d["fields"][f["field"]] for d in t["documents"] if f["field"] in d["fields"]}
        assert len(values) == 2
    elif code == "claim_type_inferred":
        assert t["case_json"] is None or "claim_type" not in t["case_json"]
    elif code == "corrupt_file":
        assert any(x["name"] == f["file"] and x["form"] == "corrupt" for x in t["files"])


def test_duplicate_invoices_repeat_an_earlier_case(truths: list[dict[str, Any]]) -> None:
    first_seen: dict[str, str] = {}
    for t in truths:  # sorted by case id
        for inv in docs_of(t, "medical_invoice"):
            number = inv["fields"]["invoice_number"]
            is_dup = "duplicate_invoice" in codes_of(t)
            assert (number in first_seen) == is_dup, t["case_id"]
            first_seen.setdefault(number, t["case_id"])


# ---- files on disk --------------------------------------------------------------------------


def page_count(path: Path, form: str) -> int:
    if form.startswith("pdf"):
        return len(pdfium.PdfDocument(path))
    with Image.open(path) as img:
        return getattr(img, "n_frames", 1)


def test_truth_matches_the_files(batch: Path, truths: list[dict[str, Any]]) -> None:
    for t in truths:
        case_dir = batch / t["case_id"]
        on_disk = {p.name for p in case_dir.iterdir()} - {"case.json"}
        assert on_disk == {f["name"] for f in t["files"]}
        assert (case_dir / "case.json").exists() == (t["case_json"] is not None)
        for f in t["files"]:
            if f["form"] == "corrupt":
                continue
            assert page_count(case_dir / f["name"], f["form"]) == len(f["pages"]), f["name"]
            check_pdf_text_layer(case_dir / f["name"], f)
        for k, d in enumerate(t["documents"]):
            f = next(x for x in t["files"] if x["name"] == d["source_file"])
            first, _, last = d["pages"].partition("-")
            numbers = list(range(int(first), int(last or first) + 1))
            assert [p["page"] for p in f["pages"] if p["doc"] == k] == numbers


def test_demo_inbox_matches_its_truth() -> None:
    demo = Path(generate.__file__).parent / "demo"
    truths = [json.loads(p.read_text()) for p in sorted(demo.glob("*.truth.json"))]
    assert len(truths) >= 6
    test_truth_matches_the_files(demo, truths)
    assert sum(p.stat().st_size for p in demo.rglob("*") if p.is_file()) < 6_500_000
    assert sum(not t["expected"]["findings"] for t in truths) >= 2
    assert any(f["form"] == "corrupt" for t in truths for f in t["files"])
    assert {t["claim_type"] for t in truths} == set(cases.CLAIM_TYPES)


def check_pdf_text_layer(path: Path, f: dict[str, Any]) -> None:
    if not f["form"].startswith("pdf"):
        return
    pdf = pdfium.PdfDocument(path)
    for i, page in enumerate(f["pages"]):
        text = pdf[i].get_textpage().get_text_range().strip()
        assert bool(text) == (not page["scanned"]), (path.name, i)


def test_corrupt_files_do_not_open(batch: Path, truths: list[dict[str, Any]]) -> None:
    kinds = set()
    for t in truths:
        for f in t["files"]:
            if f["form"] != "corrupt":
                continue
            kinds.add(f["corruption"])
            path = batch / t["case_id"] / f["name"]
            if path.suffix == ".pdf":
                with pytest.raises(pdfium.PdfiumError):
                    pdfium.PdfDocument(path)
            elif path.suffix in (".jpg", ".jpeg", ".png"):
                with pytest.raises(OSError), Image.open(path):
                    pass
    assert kinds


def test_generation_is_deterministic(batch: Path, truths: list[dict[str, Any]],
                                     tmp_path: Path) -> None:
    """Rewriting cases of the batch gives byte-identical files and truth (one case with a mixed
    PDF, one with image files: the cheapest of each)."""
    def scanned(t: dict[str, Any]) -> int:
        return sum(p["scanned"] for f in t["files"] for p in f["pages"])

    picks = []
    for form in ("pdf_mixed", "jpg"):
        with_form = [t for t in truths if any(f["form"] == form for f in t["files"])]
        picks.append(min(with_form, key=scanned)["case_id"])
    plan = {sk.case_id: sk for sk in cases.plan_batch(N_CASES, SEED)}
    for case_id in picks:
        generate.write_case(plan[case_id], SEED, tmp_path, generate.Options(max_dpi=MAX_DPI))
        assert (tmp_path / f"{case_id}.truth.json").read_bytes() == \
            (batch / f"{case_id}.truth.json").read_bytes()
        for path in (batch / case_id).iterdir():
            assert (tmp_path / case_id / path.name).read_bytes() == path.read_bytes(), path
