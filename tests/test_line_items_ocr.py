"""Line items of scanned tables: OCR slips in column geometry, headers, numbers and names, on small
word fixtures (no OCR)."""

from __future__ import annotations

import pytest

from extractors.item_names import clean_name
from extractors.line_items import extract_line_items
from extractors.table_numbers import read_number
from pipeline.models import Word
from tests.test_line_items import doc, page, row, rows_of


def test_a_strength_after_a_short_name_header_stays_in_the_name() -> None:
    """"Item" is a narrow header over a wide name column: "2.5mg" and "10000IU" lie nearer the
    name before them than any column, so they are the name's, not the quantity or the amount."""
    p = page([
        row(100, (40, "Item"), (-350, "Qty"), (-420, "Price"), (-500, "Amount")),
        row(120, (40, "Glibenclamide Tablets"), (160, "2.5mg"), (-350, "1"), (-420, "42.80"),
            (-500, "42.80")),
        row(140, (40, "Asparaginase for Injection"), (185, "10000IU"), (-350, "2"), (-420, "9.00"),
            (-500, "18.00")),
    ], method="ocr", conf=0.9)
    items, _ = extract_line_items(doc(p))
    assert rows_of(items) == [("Glibenclamide Tablets 2.5mg", "1", "42.80", "42.80"),
                              ("Asparaginase for Injection 10000IU", "2", "9.00", "18.00")]


def test_a_garbled_quantity_next_to_its_column_is_not_part_of_the_name() -> None:
    """OCR read the quantity "1" as "al" just outside the narrow "Qty" header: it belongs to the
    column it touches, and the quantity comes from price and amount."""
    p = page([
        row(100, (40, "Item"), (-350, "Qty"), (-420, "Price"), (-500, "Amount")),
        row(120, (40, "Acupuncture"), (352, "al"), (-420, "36.21"), (-500, "36.21")),
    ], method="ocr", conf=0.9)
    items, _ = extract_line_items(doc(p))
    assert rows_of(items) == [("Acupuncture", "1", "36.21", "36.21")]


def test_punctuation_inside_a_header_phrase_is_skipped() -> None:
    """"Drug / Service" is one name header: read as "Service" alone, the name column would start
    right of where the names start, and "Ward" would go to the date column."""
    p = page([
        row(100, (40, "Date of Service"), (140, "Drug / Service"), (-380, "Qty"), (-440, "Price"),
            (-500, "Amount")),
        row(120, (40, "2025-08-30"), (138, "Ward bed (3-bed room)"), (-380, "1"), (-440, "55.31"),
            (-500, "55.31")),
    ])
    items, _ = extract_line_items(doc(p))
    assert rows_of(items) == [("Ward bed (3-bed room)", "1", "55.31", "55.31")]


@pytest.mark.parametrize("name_header", [(), ((150, "Ite Nase"),)])
def test_a_lost_or_garbled_name_header_is_the_widest_gap(name_header: tuple) -> None:
    """Without a name header the name column is the widest gap between the known columns, not a
    garbled "S/N" before them; a garbled two-word header at the start of that gap marks it."""
    p = page([
        row(100, (20, "SIN"), (50, "Category"), (-125, "Date"), *name_header, (-380, "Count"),
            (-440, "Rate"), (-500, "Amount")),
        row(120, (20, "1"), (50, "Bed"), (-125, "2025/4/27"), (150, "ICU bed"), (-380, "1"),
            (-440, "211.70"), (-500, "211.70")),
        row(140, (20, "2"), (50, "Nursing"), (-125, "2025/4/27"), (150, "Special nursing care"),
            (-380, "2"), (-440, "93.55"), (-500, "187.10")),
    ], method="ocr", conf=0.9)
    items, _ = extract_line_items(doc(p))
    assert rows_of(items) == [("ICU bed", "1", "211.70", "211.70"),
                              ("Special nursing care", "2", "93.55", "187.10")]


def test_a_bar_a_word_space_after_a_word_is_the_letter_i_and_a_ruling_is_not() -> None:
    p = page([
        row(100, (40, "Item"), (-350, "Qty"), (-420, "Price"), (-500, "Amount")),
        row(120, (40, "Level | nursing care"), (300, "|"), (-350, "1"), (-420, "42.51"), (-500, "42.51")),
        row(140, (40, "Cardiac troponin |"), (-350, "1"), (-420, "65.51"), (-500, "65.51")),
    ], method="ocr", conf=0.9)
    items, _ = extract_line_items(doc(p))
    assert [i.item_name for i in items] == ["Level I nursing care", "Cardiac troponin I"]
    tall = page([row(100, (40, "Item"), (-350, "Qty"), (-420, "Price"), (-500, "Amount"))],
                method="ocr")
    tall.words.append(Word("|", 60, 115, 2, 30, 0.9, 9))  # a ruling, three lines tall
    tall.words.append(Word("Aspirin", 20, 120, 35, 9, 0.9, 9))
    tall.words.append(Word("2.00", 480, 120, 20, 9, 0.9, 9))
    items, _ = extract_line_items(doc(tall))
    assert [i.item_name for i in items] == ["Aspirin"]


@pytest.mark.parametrize(("read", "printed"), [
    ("Enalapril Tablets Smg", "Enalapril Tablets 5mg"),
    ("Diazepam Oral Solution 2mg/Sml", "Diazepam Oral Solution 2mg/5ml"),
    ("Acetylsalicylic acid Suppositories S0mg", "Acetylsalicylic acid Suppositories 50mg"),
    ("Spironolactone Oral Solution 10mg/5m1l", "Spironolactone Oral Solution 10mg/5ml"),
    ("Disposable syringe smi", "Disposable syringe 5ml"),
    ("Hydroxocobalamin Injection lmg", "Hydroxocobalamin Injection 1mg"),
    ("Heparin Sodium Injection 1000iu/m!", "Heparin Sodium Injection 1000iu/ml"),
    ("Ciprofloxacin Tablets 0 25g", "Ciprofloxacin Tablets 0.25g"),
    ("Level Ill nursing care", "Level III nursing care"),
    ("Level il nursing care", "Level II nursing care"),
    ("Disposabie intusion set", "Disposable infusion set"),
    ("Glycated haemoglobin (HbAlc)", "Glycated haemoglobin (HbA1c)"),
    ("ICUbed", "ICU bed"),
    ("_Procalcitonin", "Procalcitonin"),
    # printed names stay as they are
    ("Asparaginase for Injection 10000IU", "Asparaginase for Injection 10000IU"),
    ("Insulin Injection 40 IU", "Insulin Injection 40 IU"),
    ("Sodium nitrite Injection", "Sodium nitrite Injection"),
    ("Nebulised inhalation", "Nebulised inhalation"),
    ("Vitamin B12 Tablets 0.5mg", "Vitamin B12 Tablets 0.5mg"),
    ("Olive oil soil sig", "Olive oil soil sig"),
    ("Patient was ill", "Patient was ill"),
])
def test_ocr_slips_in_names_undone_only_where_certain(read: str, printed: str) -> None:
    assert clean_name(read) == printed


def test_names_of_text_layer_pages_are_never_changed() -> None:
    p = page([row(100, (40, "Item"), (-500, "Amount")), row(120, (40, "Tablets Smg"), (-500, "2.00"))])
    items, _ = extract_line_items(doc(p))
    assert [i.item_name for i in items] == ["Tablets Smg"]


@pytest.mark.parametrize(("qty", "price", "amount", "want", "repaired"), [
    ("4", "1.43", "5272", ("4", "1.43", "5.72"), ["amount"]),  # the point read as a "2"
    ("2", "12.63", "25126", ("2", "12.63", "25.26"), ["amount"]),  # the point read as a "1"
    ("2", "46-35", "92.70", ("2", "46.35", "92.70"), []),  # a smudged point read as a hyphen
    ("", "2258.72", "517.44", ("2", "258.72", "517.44"), ["quantity", "unit_price"]),  # qty ran in
    ("", "1107.87", "107.87", ("1", "107.87", "107.87"), ["quantity", "unit_price"]),
    ("", "2258.72", "517.00", ("", "2258.72", "517.00"), []),  # no proof: as read
])
def test_more_number_slips_repaired_when_the_arithmetic_proves_them(
        qty: str, price: str, amount: str, want: tuple, repaired: list[str]) -> None:
    cells = [(40, "Aspirin"), (-420, price), (-500, amount)] + ([(-350, qty)] if qty else [])
    p = page([row(100, (40, "Item"), (-350, "Qty"), (-420, "Price"), (-500, "Amount")), row(120, *cells)],
             method="ocr", conf=0.9)
    (item,), _ = extract_line_items(doc(p))
    assert (item.quantity, item.unit_price, item.amount) == want
    assert item.repaired == repaired


def test_a_hyphen_between_digits_with_two_after_is_a_point() -> None:
    assert str(read_number("3-16").value) == "3.16"
    assert str(read_number("-12.50").value) == "-12.50"


def test_names_opening_with_counting_numbers_lose_the_row_numbers() -> None:
    from extractors.line_items import _without_row_numbers
    from extractors.model import LineItem

    rows = [LineItem(n, f"{n} {name}", "1", "5.00", "5.00") for n, name in
            enumerate(["Western medicine", "Bed fee", "Nursing fee"], start=1)]
    assert [i.item_name for i in _without_row_numbers(rows)] == ["Western medicine", "Bed fee", "Nursing fee"]
    # numbers that do not count up are part of the names ("5 Fluorouracil", "0.9% Saline")
    names = ["5 Fluorouracil cream", "2 Bed fee", "9 Saline"]
    kept = [LineItem(n, name, "1", "5.00", "5.00") for n, name in enumerate(names, start=1)]
    assert [i.item_name for i in _without_row_numbers(kept)] == names


def test_bang_glued_to_a_word_and_unitless_strengths_after_a_form() -> None:
    from extractors.item_names import clean_name

    assert clean_name("Level! nursing care") == "Level I nursing care"
    assert clean_name("Hydrocortisone for Injection 0.19") == "Hydrocortisone for Injection 0.1g"
    assert clean_name("Ibuprofen Tablets 0.49") == "Ibuprofen Tablets 0.4g"
    assert clean_name("Oxygen 19") == "Oxygen 19"  # no dosage form before it
    assert clean_name("Cefazolin Injection 0.5g") == "Cefazolin Injection 0.5g"
