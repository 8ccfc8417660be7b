"""More field extraction from word fixtures (no OCR): the normal forms of addresses and
organisation names, wrapped addresses, labels OCR wrapped, ran together or set inline, values
under smaller labels, text values that must stop, and the employer's letterhead."""

from __future__ import annotations

import pytest

from extractors.field_values import canonical_address, canonical_organisation
from extractors.fields import CONFIG, label_tokens, parse_kind
from pipeline.models import Page, Word
from tests.test_fields import doc_of, page_from_rows, values

UNITS, ENDS, NUMBERS = CONFIG.address_units, CONFIG.address_ends, CONFIG.number_words


@pytest.mark.parametrize(("read", "want"), [
    # commas OCR lost, "No" without its full stop, a full stop read for a comma
    ("Room 2103, Building 20 Nanyuan Garden, No 77 Yingbin Avenue Xingang County. Yongpu",
     "Room 2103, Building 20, Nanyuan Garden, No. 77 Yingbin Avenue, Xingang County, Yongpu"),
    # already canonical: unchanged; a trailing comma goes
    ("Flat 3, Block 7, Heping Garden Road, Xinhe New District,",
     "Flat 3, Block 7, Heping Garden Road, Xinhe New District"),
    ("Room 12,Building 3 ‘Changjiang Road", "Room 12, Building 3, Changjiang Road"),
])
def test_canonical_address(read: str, want: str) -> None:
    assert canonical_address(read, UNITS, ENDS, NUMBERS) == want


def test_canonical_organisation() -> None:
    abbr = CONFIG.org_abbreviations
    assert canonical_organisation("Qingpu Xinhong Electronics Co.,Ltd", abbr) == (
        "Qingpu Xinhong Electronics Co., Ltd.")
    assert canonical_organisation("Yundu Design Institute", abbr) == "Yundu Design Institute"
    assert parse_kind("org", "Anxi Property Co., Ltd") == "Anxi Property Co., Ltd."


def test_text_values_one_apostrophe_no_symbol_stuck_to_the_start() -> None:
    assert parse_kind("text", "§Anfu Hefu New People’s Hospital") == "Anfu Hefu New People's Hospital"


def test_address_wrapped_under_a_wrapped_label_and_a_line_opening_with_no() -> None:
    page = page_from_rows([
        [(100, "Household"), (400, "Room 2502, Building 24, Huawan Court,")],
        [(100, "Address"), (400, "District, Lanfu")],
        [(100, "Name:"), (400, "Zhu Hongfeng")],
    ])
    got = values(doc_of("household_register", page))
    assert got["address"] == "Room 2502, Building 24, Huawan Court, District, Lanfu"
    assert got["patient_name"] == "Zhu Hongfeng"
    card = page_from_rows([
        [(100, "Address")],
        [(100, "Room 101, Building 2, Changfu Village")],
        [(100, "No. 364 Renmin Road, Nanyuan County,")],
        [(100, "Yundu")],
        [(100, "ID Number")],
        [(100, "901843195609172321")],
    ])
    got = values(doc_of("id_card", card))
    assert got["address"] == ("Room 101, Building 2, Changfu Village, No. 364 Renmin Road, "
                              "Nanyuan County, Yundu")


def test_address_lines_wider_apart_than_a_word_height() -> None:
    words = [Word(w, x, y, 16.0 * len(w), 30.0, 0.95, n) for n, (x, y, w) in enumerate([
        (100, 100, "Address:"), (400, 100, "Room"), (490, 100, "5,"), (540, 100, "Taishan"),
        (670, 100, "Village,"),
        (400, 165, "Jianshe"), (530, 165, "Road,"), (630, 165, "Xinyuan"),
    ])]
    page = Page("packet.pdf", 1, 2480, 3508, words, "ocr")
    assert values(doc_of("id_card", page))["address"] == (
        "Room 5, Taishan Village, Jianshe Road, Xinyuan")


def test_label_above_another_label_is_not_one_wrapped_label() -> None:
    page = page_from_rows([
        [(100, "Social Security No."), (700, "909360199003115001")],
        [(100, "Card No"), (700, "A62834979")],
    ])
    got = values(doc_of("insurance_card", page))
    assert got["card_number"] == "A62834979"
    assert got["id_number"] == "909360199003115001"


def test_label_wrapped_with_its_value_after_the_colon() -> None:
    page = page_from_rows([
        [(100, "Reimbursement: 634.62")],
        [(100, "Requested")],
    ])
    assert values(doc_of("reimbursement_form", page))["claimed_amount"] == "634.62"


def test_number_after_a_label_without_colon_in_a_row_of_columns() -> None:
    page = page_from_rows([
        [(100, "Insured Place"), (500, "Lingling"), (900, "Medical Insurance No. N56776193")],
    ])
    got = values(doc_of("out_of_area_registration", page))
    assert got["card_number"] == "N56776193"
    assert got["insured_region"] == "Lingling"
    # a title with a word after it is still no field
    title = page_from_rows([[(100, "Hospital"), (500, "Xinyuan Clinic"), (900, "Patient Invoice Summary")]])
    assert "patient_name" not in values(doc_of("medical_invoice", title))


def test_value_under_a_small_label_and_columns_run_together() -> None:
    def word(x: float, y: float, text: str, h: float, line: int) -> Word:
        return Word(text, x, y, h * 0.55 * len(text), h, 0.95, line)
    page = Page("packet.pdf", 1, 1314, 1806, [
        word(141, 295, "Place", 12, 0), word(178, 295, "of", 12, 0),
        word(194, 295, "Insurance", 12, 0),
        word(841, 295, "Amount", 12, 1), word(892, 295, "Claimed", 12, 1),
        word(141, 318, "Qingling", 20, 2), word(819, 318, "1]", 20, 3),
        word(841, 318, "542.31", 20, 3),
        word(141, 360, "Employed", 12, 4), word(200, 360, "since", 12, 4),
        word(841, 360, "Issued", 12, 5), word(880, 360, "on", 12, 5),
        word(600, 383, "Yundu", 20, 6), word(665, 383, "Design", 20, 6),
        word(740, 383, "Institute", 20, 6), word(850, 383, "2025-05-31", 20, 6),
    ], "ocr")
    got = values(doc_of("reimbursement_form", page))
    assert got["claimed_amount"] == "542.31"
    assert got["issue_date"] == "2025-05-31"


def test_label_words_run_together_and_debris_before_a_code() -> None:
    assert label_tokens("CardNumber") == label_tokens("Card Number")
    page = page_from_rows([[(100, "CardNumber"), (500, "\\V99489557")]])
    assert values(doc_of("insurance_card", page))["card_number"] == "V99489557"


def test_text_value_stops_at_a_label_of_its_own_or_a_wide_gap() -> None:
    page = page_from_rows([
        [(100, "Hospital:"), (300, "Beifu Union Hospital"), (720, "Refeivirig Clerk: Hu Bin")],
    ])
    assert values(doc_of("medical_invoice", page))["hospital"] == "Beifu Union Hospital"
    page = page_from_rows([[(100, "Hospital:"), (300, "Beifu Union Hospital"), (720, "Wea Fahd")]])
    assert values(doc_of("medical_invoice", page))["hospital"] == "Beifu Union Hospital"


def test_label_inside_a_run_of_words_before_a_number() -> None:
    page = page_from_rows([
        [(100, "Hospital"), (400, "Fengfu First People's Hospital Admitted on"), (1300, "2025/4/17")],
    ])
    got = values(doc_of("reimbursement_form", page))
    assert got["hospital"] == "Fengfu First People's Hospital"
    assert got["admission_date"] == "2025-04-17"


def test_employer_read_better_in_the_letterhead() -> None:
    page = page_from_rows([
        [(100, "Yundu Kaiyuan Design Institute")],
        [(100, "Work Unit Certificate")],
        [(100, "Company"), (1000, "Issued on")],
        [(100, "Yundu Kaiyuan Design"), (1000, "2025-05-04")],
    ])
    got = values(doc_of("employer_certificate", page))
    assert got["employer"] == "Yundu Kaiyuan Design Institute"
    assert got["issue_date"] == "2025-05-04"
    other = page_from_rows([
        [(100, "Employment Certificate")],
        [(100, "Employer:"), (400, "Lanying Jiahe Property Co., Ltd")],
    ])
    assert values(doc_of("employer_certificate", other))["employer"] == (
        "Lanying Jiahe Property Co., Ltd.")
