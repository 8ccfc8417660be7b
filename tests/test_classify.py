"""Page classification and grouping on word fixtures (no OCR)."""

from __future__ import annotations

import pytest

from pipeline.classify import classify_page, group_documents, parse_vocabulary
from tests.pages import page_from_text

PAGES = {
    "medical_invoice": """
        Zhongshan People's Hospital
        Inpatient Fee Receipt
        Receipt No. 0098812   Date of issue 2026-03-14
        Patient Li Wei     Payee: Zhongshan People's Hospital
        Total amount CNY 1,234.50   Amount in words: one thousand two hundred
        Cashier: 017
    """,
    "fee_list": """
        Riverside Hospital
        Itemised Hospital Charges
        Patient: Li Wei   Ward 5
        Date Code Item Unit Price Qty Amount
        2026-03-02 X01 Amoxicillin Capsules 0.25g box 12.50 2 25.00
        2026-03-02 B01 Ward bed day 60.00 1 60.00
        Subtotal 85.00
    """,
    "discharge_summary": """
        Discharge Record
        Name: Li Wei   Admitted on 2026-03-01   Discharged on 2026-03-09
        Admission diagnosis: community-acquired pneumonia
        Course in hospital: antibiotics were given and the fever settled.
        Condition on discharge: stable. Follow up in two weeks.
    """,
    "id_card": """
        PEOPLE'S REPUBLIC OF CHINA
        RESIDENT IDENTITY CARD
        Name Li Wei  Sex Male  Ethnicity Han
        Date of birth 1980-05-02
        Citizen identity number 110101198005020013
    """,
    "insurance_card": """
        Social Security Card
        Name Li Wei
        Social security number 110101198005020013
        Card No. SS0093321   Issued by Hangzhou Human Resources and Social Security Bureau
    """,
    "household_register": """
        Household Register
        Householder: Li Jianguo   Relationship to head of household: son
        Native place: Zhejiang   Former name: none
        Marital status: married   Education: university
    """,
    "out_of_area_registration": """
        Registration Form for Medical Treatment in Another Place
        Filing No. YD-2026-00412   Filing date 2026-02-20
        Insured region: Hangzhou   Place of treatment: Shanghai
        Designated hospital: Shanghai Sixth People's Hospital
    """,
    "residence_proof": """
        Certificate of Residence
        This is to certify that Li Wei has been residing at 12 Wanhang Road
        since 2021. Neighbourhood committee of Xuhui District.
    """,
    "employer_certificate": """
        Certificate of Employment
        We hereby certify that Li Wei is an employee of our company,
        Hangzhou Bright Star Machinery Co., Ltd., in the finance department.
        Official seal
    """,
    "reimbursement_form": """
        Medical Expense Reimbursement Application Form
        Applicant: Li Wei   ID number 110101198005020013
        Amount claimed: 1,234.50   Bank name: ICBC   Account no: 6222 0000 1111
        Signature of applicant ________
    """,
    "other": """
        Amoxicillin - patient information leaflet
        Read all of this leaflet carefully before you start taking this medicine.
        Keep out of the reach of children.
    """,
}


@pytest.mark.parametrize("doc_type", sorted(PAGES))
def test_each_type_is_recognised(doc_type: str) -> None:
    cls = classify_page(page_from_text(PAGES[doc_type]))
    assert cls.doc_type == doc_type
    assert 0.0 < cls.confidence <= 1.0


def test_title_with_ocr_slips_still_counts() -> None:
    cls = classify_page(page_from_text("Dischargc Summery\nName: Li Wei"))
    assert cls.doc_type == "discharge_summary"


def test_fee_list_over_three_pages_is_one_document() -> None:
    first = page_from_text(PAGES["fee_list"], page_no=1)
    rows = "\n".join(f"2026-03-0{i} Saline 0.9% 250ml bottle 3.20 2 6.40" for i in range(1, 9))
    second = page_from_text(rows + "\nPage 2 of 3", page_no=2)
    third = page_from_text("Itemised Hospital Charges (continued)\n" + rows + "\nTotal 1,234.50",
                           page_no=3)
    docs = group_documents([first, second, third])
    assert [(d.doc_type, d.page_range) for d in docs] == [("fee_list", "1-3")]


def test_packet_is_split_where_a_new_document_starts() -> None:
    kinds = ["id_card", "medical_invoice", "fee_list", "discharge_summary"]
    pages = [page_from_text(PAGES[k], page_no=n) for n, k in enumerate(kinds, start=1)]
    docs = group_documents(pages)
    assert [d.doc_type for d in docs] == kinds
    assert [d.doc_id for d in docs] == ["d1", "d2", "d3", "d4"]


def test_documents_never_span_files() -> None:
    a = page_from_text(PAGES["fee_list"], source="a.pdf")
    b = page_from_text("2026-03-02 Ward bed day 60.00 1 60.00", source="b.png")
    docs = group_documents([a, b])
    assert [(d.source_file, d.page_range) for d in docs] == [("a.pdf", "1"), ("b.png", "1")]


def test_unreadable_page_is_flagged_and_stands_alone() -> None:
    good = page_from_text(PAGES["fee_list"])
    noise = page_from_text("~ ;. ,", page_no=2, conf=0.2)
    docs = group_documents([good, noise])
    assert [d.unreadable for d in docs] == [False, True]
    assert docs[1].confidence == 0.0


def test_vocabulary_rejects_unknown_types() -> None:
    with pytest.raises(ValueError, match="unknown document types"):
        parse_vocabulary({"weights": {}, "lab_report": {"titles": ["lab report"]}})


def test_a_card_shaped_page_with_card_cues_is_a_card_even_without_its_title() -> None:
    text = "Name Wu Meihong\nCard Number E37077152\nIssued by Agricultural Bank"
    card = page_from_text(text)
    card.width, card.height = 1010.0, 640.0  # a flattened card photo
    assert classify_page(card).doc_type == "insurance_card"
    assert classify_page(page_from_text(text)).doc_type == "other"  # the same words on an A4 page


def test_a_short_tail_page_with_only_signatures_stays_with_its_invoice() -> None:
    first = page_from_text("Outpatient Invoice\nInvoice No. 9278548052 Date 2025/6/30\n"
                           "Charge Item Qty Rate Fee\nWestern medicine 1 12.00 12.00\nBed fee 1 30.00 30.00")
    tail = page_from_text("Medical Institution: First Affiliated Hospital Cashier: He Xin", page_no=2)
    docs = group_documents([first, tail])
    assert [(d.doc_type, d.page_range) for d in docs] == [("medical_invoice", "1-2")]


def test_ocr_tolerant_titles_cover_whole_words() -> None:
    # "Medication Instructions" is a leaflet, not "Medication List" read with a slip
    leaflet = page_from_text("Wudu Municipal Hospital\nMedication Instructions\n"
                             "Take the tablets after meals with a glass of water.")
    assert classify_page(leaflet).doc_type == "other"
    assert classify_page(page_from_text("Medicatlon List\nPatient: Li Wei")).doc_type == "fee_list"


def test_card_labels_read_with_a_slip_count_on_a_card_photo() -> None:
    text = "Cara Number K16003047\nPersonal ID 999273194010265809\nTian Jinghan\nnsured Region Qingqiao"
    card = page_from_text(text)
    card.width, card.height = 1786.0, 1145.0  # a flattened card photo
    assert classify_page(card).doc_type == "insurance_card"
    assert classify_page(page_from_text(text)).doc_type == "other"  # not on an A4 page
