"""Field extraction from word fixtures (no OCR): labels right of values, columns, stacked
layouts, wrapped values, OCR slips, fallbacks; and one end-to-end packet."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from extractors.fields import FIELDS_BY_TYPE, extract_fields, label_tokens, load_config, parse_kind
from pipeline.models import Document, Page, Word

CHAR_W, WORD_H, LINE_PITCH = 16.0, 30.0, 45.0


def page_from_rows(rows: list[list[tuple[float, str]]], conf: float = 0.95, page_no: int = 1,
                   top: float = 100.0) -> Page:
    """A page from rows of (x, text) runs: each run's words start at x, one space apart; runs
    far apart make columns. Each run is its own OCR line, as tesseract splits columns."""
    words: list[Word] = []
    line = 0
    for n, row in enumerate(rows):
        for x, run in row:
            for token in run.split():
                words.append(Word(token, x, top + LINE_PITCH * n, CHAR_W * len(token), WORD_H, conf, line))
                x += CHAR_W * (len(token) + 1)
            line += 1
    return Page("packet.pdf", page_no, 2480, 3508, words, "ocr")


def doc_of(doc_type: str, *pages: Page) -> Document:
    return Document(doc_type, "packet.pdf", list(pages), 0.9)


def values(doc: Document) -> dict[str, str]:
    return {k: v.value for k, v in extract_fields(doc).items()}


def test_invoice_two_column_grid_and_heading_hospital() -> None:
    page = page_from_rows([
        [(700, "Xinyuan People's Hospital")],
        [(800, "Inpatient Invoice")],
        [(100, "Invoice No.:"), (400, "0986240124"), (1300, "Date:"), (1500, "14/03/2026")],
        [(100, "Pt. Name:"), (400, "WANG Xiaoming"), (1300, "Sex:"), (1500, "Male")],
        [(100, "Adm. Date"), (400, "2026/3/2"), (1300, "Date Out"), (1500, "March 9, 2026")],
        [(100, "ID No."), (400, "1101 0519 4912 2064 8x")],
        [(100, "Item"), (900, "Qty"), (1200, "Amount")],
        [(100, "Bed Fee"), (900, "7"), (1200, "350.00")],
        [(100, "Total"), (1200, "¥1,234.50")],
    ])
    assert values(doc_of("medical_invoice", page)) == {
        "patient_name": "Wang Xiaoming", "id_number": "11010519491220648X",
        "hospital": "Xinyuan People's Hospital", "invoice_number": "0986240124",
        "issue_date": "2026-03-14", "admission_date": "2026-03-02", "discharge_date": "2026-03-09",
        "total_amount": "1234.50",
    }


def test_label_wrapped_in_a_narrow_grid_cell() -> None:
    page = page_from_rows([
        [(100, "Name"), (400, "Li Hua"), (1000, "Date of"), (1300, "2026-03-02")],
        [(1000, "Admission")],
    ])
    assert values(doc_of("medical_invoice", page)) == {"patient_name": "Li Hua",
                                                       "admission_date": "2026-03-02"}


def test_value_stops_at_next_label_on_the_line() -> None:
    page = page_from_rows([[(100, "Name: Li Hua Gender: Female Date of Birth: 1980-01-02")]])
    got = values(doc_of("household_register", page))
    assert got == {"patient_name": "Li Hua", "gender": "Female", "birth_date": "1980-01-02"}


def test_stacked_card_labels_above_values() -> None:
    page = page_from_rows([
        [(100, "RESIDENT IDENTITY CARD")],
        [(100, "Name"), (600, "Gender")],
        [(100, "Zhao Min"), (600, "F")],
        [(100, "Address")],
        [(100, "Room 12, No. 5 Binhe Road,")],
        [(100, "Qingze District, Fengfu")],
        [(100, "Citizen Identity Number")],
        [(100, "110105194912206481")],
    ])
    got = values(doc_of("id_card", page))
    assert got["patient_name"] == "Zhao Min"
    assert got["gender"] == "Female"
    assert got["address"] == "Room 12, No. 5 Binhe Road, Qingze District, Fengfu"
    assert got["id_number"] == "110105194912206481"


def test_wrong_kind_gives_way_to_next_candidate_and_table_dates_are_not_fields() -> None:
    page = page_from_rows([
        [(100, "Date"), (500, "Item"), (1200, "Amount")],
        [(100, "2026-03-01"), (500, "Bed Fee"), (1200, "50.00")],
        [(100, "2026-03-02"), (500, "Bed Fee"), (1200, "50.00")],
        [(100, "Statement Date:"), (500, "2026-03-05")],
    ])
    assert values(doc_of("fee_list", page))["issue_date"] == "2026-03-05"


def test_ocr_slips_in_labels_and_values() -> None:
    page = page_from_rows([
        [(100, "Patlent Name:"), (500, "Chen Jie")],
        [(100, "Card Numbr:"), (500, "S1704 5875")],
        [(100, "Insured Regi0n:"), (500, "Liantang")],
        [(100, "Social Security No:"), (500, "9133121975O8049798")],
    ])
    got = values(doc_of("insurance_card", page))
    assert got == {"patient_name": "Chen Jie", "card_number": "S17045875", "insured_region": "Liantang",
                   "id_number": "913312197508049798"}


def test_id_number_without_label_and_confidence_box_page() -> None:
    first = page_from_rows([[(100, "Certificate of Employment")]])
    second = page_from_rows([[(300, "Mr Zhou, 913312197508049798, works here.")]], conf=0.8, page_no=2)
    fv = extract_fields(doc_of("employer_certificate", first, second))["id_number"]
    assert fv.value == "913312197508049798"
    assert fv.page_no == 2 and fv.box is not None and 0 < fv.conf <= 0.8


def test_card_with_labels_lost_falls_back_on_patterns() -> None:
    page = page_from_rows([
        [(100, "CITIZEN IDENTITY CARD")],
        [(300, "Chen Hanhui")],
        [(300, "Male")],
        [(300, "March 17, 1982")],
        [(100, "907812198203175471")],
    ])
    got = values(doc_of("id_card", page))
    assert got == {"id_number": "907812198203175471", "gender": "Male", "birth_date": "1982-03-17"}


def test_wrapped_address_is_joined() -> None:
    page = page_from_rows([
        [(100, "Address:"), (400, "Room 201, Building 10, Lianyuan Garden,")],
        [(400, "Jianshe Road, Baipu District")],
        [(100, "Valid Until:"), (400, "2033-02-07")],
    ])
    got = values(doc_of("id_card", page))
    assert got["address"] == "Room 201, Building 10, Lianyuan Garden, Jianshe Road, Baipu District"
    assert got["valid_until"] == "2033-02-07"


def test_confidence_follows_words_and_label_match() -> None:
    clean = extract_fields(doc_of("id_card", page_from_rows([[(100, "Name:"), (400, "Li Hua")]])))
    noisy = extract_fields(doc_of("id_card", page_from_rows([[(100, "Narne:"), (400, "Li Hua")]],
                                                            conf=0.6)))
    assert clean["patient_name"].conf > 0.9
    assert "patient_name" not in noisy or noisy["patient_name"].conf < clean["patient_name"].conf


def test_only_fields_of_the_type_and_other_has_none() -> None:
    page = page_from_rows([[(100, "Name:"), (400, "Li Hua")], [(100, "Total:"), (400, "12.00")]])
    assert "total_amount" not in values(doc_of("id_card", page))
    assert values(doc_of("other", page)) == {}


def test_config_is_validated(tmp_path: Path) -> None:
    assert set(FIELDS_BY_TYPE["employer_certificate"]) >= {"patient_name", "id_number", "employer"}
    bad = tmp_path / "fields.toml"
    text = (Path(__file__).parents[1] / "extractors" / "data" / "fields.toml").read_text(encoding="utf-8")
    bad.write_text(text.replace('patient_name = "name"', 'patient_name = "person"'), encoding="utf-8")
    with pytest.raises(ValueError, match="patient_name"):
        load_config(bad)


@pytest.mark.parametrize(("kind", "text", "want"), [
    ("date", "Mar. 4, 2026", "2026-03-04"), ("amount", "CNY 1234.5", "1234.50"),
    ("gender", "female", "Female"), ("name", "Room 12", None), ("code", "ab-12345", "AB12345"),
    ("account", "6222 0210 0112 3456 789", "6222021001123456789"), ("id", "12345", None),
])
def test_parse_kind(kind: str, text: str, want: str | None) -> None:
    assert parse_kind(kind, text) == want


def test_label_tokens_number_words() -> None:
    assert label_tokens("Bill #") == label_tokens("Bill No.") == label_tokens("bill number") == ("bill", "no")


DEMO = Path(__file__).resolve().parent.parent / "samples" / "demo"


@pytest.mark.slow
def test_demo_packet_end_to_end(ocr_cache: Path) -> None:
    """Real scans and PDFs of the demo inbox (OCR shared with the other demo tests)."""
    from pipeline.classify import group_documents
    from pipeline.inbox import case_files
    from pipeline.reading import read_files
    from pipeline.settings import Settings

    truth = json.loads((DEMO / "S3-0001.truth.json").read_text(encoding="utf-8"))
    docs = group_documents(read_files(case_files(DEMO / "S3-0001"), Settings(cache_dir=ocr_cache)).pages)
    want = {(d["source_file"], d["pages"]): d for d in truth["documents"]}
    right = total = 0
    for doc in docs:
        t = want.get((doc.source_file, doc.page_range))
        if t is None or t["doc_type"] != doc.doc_type:
            continue
        got = values(doc)
        total += len(t["fields"])
        right += sum(got.get(k) == v for k, v in t["fields"].items())
    assert total >= 10 and right / total >= 0.8
