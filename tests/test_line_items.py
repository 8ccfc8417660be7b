"""Line items from word geometry: small word fixtures (no OCR) for layouts, and end-to-end runs on
a rendered fee list (digital PDF and scan)."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest

from extractors.line_items import extract_line_items
from extractors.table_layout import load_vocabulary
from extractors.table_numbers import read_number, to_decimal
from pipeline.models import Document, Page, Word

CHAR = 5.0  # width of one character in the fixtures
Cells = list[tuple[float, str]]


def row(y: float, *cells: tuple[float, str]) -> tuple[float, Cells]:
    return y, list(cells)


def page(rows: list[tuple[float, Cells]], method: str = "text_layer", page_no: int = 1,
         conf: float = 1.0) -> Page:
    """A page whose cells start at the given x (left-aligned; a negative x right-aligns the cell
    at -x)."""
    words: list[Word] = []
    for n, (y, cells) in enumerate(rows):
        for x, text in cells:
            width = sum(CHAR * len(t) for t in text.split()) + 2.5 * (len(text.split()) - 1)
            left = -x - width if x < 0 else x
            for token in text.split():
                words.append(Word(token, left, y, CHAR * len(token), 9.0, conf, n))
                left += CHAR * len(token) + 2.5
    return Page("list.pdf", page_no, 595, 842, words, method)  # type: ignore[arg-type]


def doc(*pages: Page, doc_type: str = "fee_list") -> Document:
    return Document(doc_type, "list.pdf", list(pages), 0.9)


def rows_of(items: list) -> list[tuple[str, str, str, str]]:
    return [(i.item_name, i.quantity, i.unit_price, i.amount) for i in items]


HEADER = row(100, (40, "Date"), (100, "Item Name"), (-350, "Qty"), (-420, "Unit Price"), (-500, "Amount"))


def line(y: float, date: str, name: str, qty: str, price: str, amount: str) -> tuple[float, Cells]:
    return row(y, (40, date), (100, name), (-350, qty), (-420, price), (-500, amount))


def test_fee_list_with_dates_subtotals_and_total() -> None:
    p = page([
        row(40, (200, "Detailed List of Expenses")),
        row(60, (40, "Patient: Wang Wei"), (300, "Admission: 2026-03-01")),
        HEADER,
        line(120, "2026-03-02", "Amoxicillin Capsules 0.25g", "2", "12.30", "24.60"),
        line(140, "2026-03-02", "Ward bed", "3", "45.00", "135.00"),
        row(160, (100, "Subtotal (Drugs)"), (-500, "159.60")),
        line(180, "03/03/2026", "Blood routine", "1", "25.00", "25.00"),
        row(200, (100, "Total"), (-500, "184.60")),
        row(260, (40, "Prepared by: Li Na"), (300, "Checked: 2026-03-05 12")),
    ])
    items, totals = extract_line_items(doc(p))
    assert rows_of(items) == [("Amoxicillin Capsules 0.25g", "2", "12.30", "24.60"),
                              ("Ward bed", "3", "45.00", "135.00"), ("Blood routine", "1", "25.00", "25.00")]
    assert [i.line_no for i in items] == [1, 2, 3]
    assert [i.item_date for i in items] == ["2026-03-02", "2026-03-02", "2026-03-03"]
    assert totals == ["159.60", "184.60"]
    assert all(i.conf > 0.9 and i.page_no == 1 and i.box for i in items)


def test_other_column_order_with_category_and_number_last() -> None:
    p = page([
        row(100, (40, "Description"), (-260, "Amount (CNY)"), (-320, "Quantity"), (-400, "Price"),
            (420, "Type"), (-520, "No.")),
        row(120, (40, "Ceftriaxone Sodium for Injection 1g"), (-260, "¥1,234.50"), (-320, "5"),
            (-400, "¥246.90"), (420, "Drug"), (-520, "1")),
        row(140, (40, "Oxygen therapy"), (-260, "¥3.00"), (-320, "0.5"), (-400, "¥6.00"),
            (420, "Treatment"), (-520, "2")),
        row(160, (40, "Grand Total"), (-260, "¥1,237.50")),
    ])
    items, totals = extract_line_items(doc(p))
    assert rows_of(items) == [("Ceftriaxone Sodium for Injection 1g", "5", "246.90", "1234.50"),
                              ("Oxygen therapy", "0.5", "6.00", "3.00")]
    assert [i.row_type for i in items] == ["drug", "treatment"]
    assert totals == ["1237.50"]


def test_wrapped_name_joined_and_group_heading_not() -> None:
    p = page([
        HEADER,
        row(120, (100, "Western Medicine")),
        line(140, "2026-03-02", "Metformin Hydrochloride", "2", "1.50", "3.00"),
        row(149, (100, "Tablets 500mg")),
        line(162, "2026-03-02", "Aspirin Tablets", "1", "2.00", "2.00"),
        line(182, "2026-03-02", "Vitamin C", "4", "0.25", "1.00"),
        row(202, (100, "Bed Charges")),
        line(222, "2026-03-03", "Ward bed", "1", "40.00", "40.00"),
    ])
    items, _ = extract_line_items(doc(p))
    assert [i.item_name for i in items] == ["Metformin Hydrochloride Tablets 500mg", "Aspirin Tablets",
                                            "Vitamin C", "Ward bed"]


def test_continued_pages_with_and_without_repeated_header() -> None:
    first = page([HEADER, line(120, "2026-03-02", "Item one", "1", "1.00", "1.00"),
                  line(140, "2026-03-02", "Item two", "2", "1.00", "2.00"),
                  row(160, (100, "Page total"), (-500, "3.00")),
                  row(800, (280, "Page 1 of 3"))])
    bare = page([row(30, (40, "City Hospital  Fee Details"), (400, "Wang Wei")),
                 line(60, "2026-03-03", "Item three", "3", "1.00", "3.00"),
                 line(80, "2026-03-03", "Item four", "4", "1.00", "4.00"),
                 row(800, (280, "Page 2 of 3"))], page_no=2)
    repeated = page([HEADER, line(120, "2026-03-04", "Item five", "5", "1.00", "5.00"),
                     row(140, (100, "Total"), (-500, "15.00")),
                     row(200, (40, "Remarks: 2 copies"), (-500, "Signed 12"))], page_no=3)
    items, totals = extract_line_items(doc(first, bare, repeated))
    assert [i.item_name for i in items] == ["Item one", "Item two", "Item three", "Item four", "Item five"]
    assert [i.page_no for i in items] == [1, 1, 2, 2, 3]
    assert totals == ["3.00", "15.00"]


def test_no_table_after_the_grand_total() -> None:
    first = page([HEADER, line(120, "2026-03-02", "Item one", "1", "1.00", "1.00"),
                  row(140, (100, "Total"), (-500, "1.00"))])
    after = page([row(60, (40, "Notes"), (-420, "2"), (-500, "12.00"))], page_no=2)
    items, _ = extract_line_items(doc(first, after))
    assert len(items) == 1


def test_invoice_category_rows() -> None:
    p = page([
        row(80, (40, "Invoice No."), (120, "1753768840")),
        row(100, (40, "Item"), (-400, "Amount")),
        row(120, (40, "Western medicine"), (-400, "2,014.32")),
        row(140, (40, "Bed fee"), (-400, "454.77")),
        row(160, (40, "Total"), (-400, "2,469.09")),
        row(180, (40, "Amount in words: two thousand four hundred")),
    ])
    items, totals = extract_line_items(doc(p, doc_type="medical_invoice"))
    assert rows_of(items) == [("Western medicine", "1", "2014.32", "2014.32"),
                              ("Bed fee", "1", "454.77", "454.77")]
    assert totals == ["2469.09"]


def test_ocr_header_and_letter_slips() -> None:
    p = page([
        row(100, (40, "ltem"), (-350, "Quantlty"), (-420, "Unit Prlce"), (-500, "Arnount")),
        row(120, (40, "Aspirin"), (-350, "2"), (-420, "l2.3O"), (-500, "24.6O")),
    ], method="ocr", conf=0.9)
    items, _ = extract_line_items(doc(p))
    assert rows_of(items) == [("Aspirin", "2", "12.30", "24.60")]


@pytest.mark.parametrize(("qty", "price", "amount", "want", "repaired"), [
    ("2", "12.30", "2460", ("2", "12.30", "24.60"), ["amount"]),  # lost decimal point
    ("2", "1230", "24.60", ("2", "12.30", "24.60"), ["unit_price"]),  # lost decimal point
    ("2", "12.30", "234.60", ("2", "12.30", "24.60"), ["amount"]),  # extra digit
    ("4", "12.35", "4.40", ("4", "12.35", "49.40"), ["amount"]),  # lost digit
    ("2", "12.30", "246.00", ("2", "12.30", "246.00"), []),  # a printed decimal slip stays
    ("2", "12.30", "31.77", ("2", "12.30", "31.77"), []),  # a printed wrong amount stays
])
def test_slips_repaired_only_when_the_arithmetic_proves_them(qty: str, price: str, amount: str,
                                                             want: tuple, repaired: list[str]) -> None:
    p = page([HEADER, line(120, "2026-03-02", "Aspirin", qty, price, amount)], method="ocr", conf=0.9)
    (item,), _ = extract_line_items(doc(p))
    assert (item.quantity, item.unit_price, item.amount) == want
    assert item.repaired == repaired
    assert item.conf < 0.8 if repaired or want[2] in ("246.00", "31.77") else item.conf >= 0.85


def test_text_layer_numbers_are_never_repaired() -> None:
    p = page([HEADER, line(120, "2026-03-02", "Aspirin", "2", "12.30", "2.60")])
    (item,), _ = extract_line_items(doc(p))
    assert (item.amount, item.repaired) == ("2.60", [])
    assert item.conf <= 0.5


def test_numbers_as_printed() -> None:
    assert to_decimal("1,234.56") == to_decimal("1.234.56") == to_decimal("1234.56")
    assert str(to_decimal("12,50")) == "12.50"
    assert read_number("CNY 1,234.56").value == read_number("¥1234.56").value
    assert read_number("O.5").value is not None and str(read_number("O.5").value) == "0.5"


def test_vocabulary_is_validated(tmp_path: Path) -> None:
    bad = tmp_path / "columns.toml"
    bad.write_text('[columns]\nname = ["Item"]\nprize = ["Price"]\namount = ["Amount"]\n'
                   '[rows]\ntotal = ["Total"]\n')
    with pytest.raises(ValueError, match="prize"):
        load_vocabulary(bad)


# ---- end to end: a rendered fee list, digital and scanned ----------------------------------


def _rendered_fee_list(seed: int) -> tuple[Any, int, list[dict]]:
    from samples.cases import build_case, plan_batch
    from samples.generate import line_truth

    for sk in plan_batch(4, seed):
        plan = build_case(sk, seed)
        for i, d in enumerate(plan.docs):
            if d.doc_type == "fee_list" and len(d.spec.lines) <= 20:
                return plan, i, [line_truth(ln, n + 1) for n, ln in enumerate(d.spec.lines)]
    raise AssertionError("no short fee list in this batch")


def _check(path: Path, truth: list[dict], minimum: float) -> None:
    from pipeline.classify import group_documents
    from pipeline.reading import read_files
    from pipeline.settings import Settings

    pages = read_files([path], Settings.from_env()).pages
    items, _ = extract_line_items(group_documents(pages)[0] if len(pages) > 1 else
                                  Document("fee_list", path.name, pages, 1.0))
    want = [(t["item_name"], t["quantity"], t["unit_price"], t["amount"]) for t in truth]
    right = sum(1 for got in rows_of(items) if got in want)
    assert right >= minimum * len(want) and len(items) <= len(want) + 1


def test_end_to_end_digital_pdf(tmp_path: Path) -> None:
    from samples.generate import Options, render_doc

    plan, i, truth = _rendered_fee_list(9071)
    rendered = render_doc(plan, i, True, random.Random(1), None, Options())
    path = tmp_path / "fee_list.pdf"
    assert rendered.pdf is not None
    path.write_bytes(rendered.pdf)
    _check(path, truth, 1.0)


def test_end_to_end_scan(tmp_path: Path) -> None:
    from samples.generate import Options, render_doc

    plan, i, truth = _rendered_fee_list(9071)
    rendered = render_doc(plan, i, False, random.Random(2), 200, Options())
    path = tmp_path / "fee_list.tif"
    images = [p.image for p in rendered.pages if p.image is not None]
    images[0].save(path, save_all=True, append_images=images[1:], dpi=(200, 200))
    _check(path, truth, 0.9)


def test_units_column_before_price_per_unit_is_not_taken_for_unit_price() -> None:
    """"Units | Price per Unit" are two columns; a fuzzy "Unit Price" over both would put the
    prices in the units column."""
    p = page([
        row(100, (40, "Date"), (100, "Item"), (300, "Units"), (-420, "Price per Unit"), (-460, "Qty."),
            (-520, "Fee")),
        row(120, (40, "2025/2/14"), (100, "Spironolactone Oral Solution 25mg/5ml"), (300, "bottle"),
            (-420, "19.23"), (-460, "1"), (-520, "19.23")),
        row(140, (40, "2025/2/14"), (100, "Febuxostat Tablets 40mg"), (300, "box"), (-420, "26.94"),
            (-460, "2"), (-520, "53.88")),
    ])
    items, _ = extract_line_items(doc(p))
    assert rows_of(items) == [("Spironolactone Oral Solution 25mg/5ml", "1", "19.23", "19.23"),
                              ("Febuxostat Tablets 40mg", "2", "26.94", "53.88")]


def test_a_price_column_whose_header_was_lost_is_recovered_from_the_numbers() -> None:
    """OCR lost the "Unit Price" header word: the row's three numbers are quantity, price, amount."""
    p = page([
        row(100, (40, "#"), (60, "Description"), (-350, "Qty"), (-500, "Amount (CNY)")),
        row(120, (40, "1"), (60, "Amitriptyline Tablets 10mg"), (-350, "6"), (-420, "7.37"), (-500, "44.22")),
        row(140, (40, "2"), (60, "Ward bed (single room)"), (-350, "10"), (-420, "184.36"),
            (-500, "1843.60")),
    ], method="ocr", conf=0.9)
    items, _ = extract_line_items(doc(p))
    assert rows_of(items) == [("Amitriptyline Tablets 10mg", "6", "7.37", "44.22"),
                              ("Ward bed (single room)", "10", "184.36", "1843.60")]


def test_a_garbled_item_header_word_still_gives_the_name_column() -> None:
    """OCR read "Item" as "tem": with every other header word known, the odd one is the name."""
    p = page([
        row(100, (40, "Service Date"), (120, "tem"), (-380, "Unit Price"), (-430, "Qty"), (-500, "Fee")),
        row(120, (40, "2025-08-07"), (120, "Simvastatin Tablets 40mg"), (-380, "25.04"), (-430, "2"),
            (-500, "50.08")),
    ], method="ocr", conf=0.9)
    items, _ = extract_line_items(doc(p))
    assert rows_of(items) == [("Simvastatin Tablets 40mg", "2", "25.04", "50.08")]


def test_price_and_amount_read_into_each_others_columns_are_exchanged_back_per_page() -> None:
    from extractors.line_items import _unswap
    from extractors.model import LineItem

    swapped = [LineItem(n, f"item {n}", q, a, p, page_no=1)
               for n, (q, p, a) in enumerate([("2", "7.00", "14.00"), ("3", "1.50", "4.50"),
                                               ("4", "2.25", "9.00"), ("1", "5.00", "5.00")], 1)]
    straight = [LineItem(5, "item 5", "2", "3.00", "6.00", page_no=2),
                LineItem(6, "item 6", "3", "2.00", "6.00", page_no=2)]
    out = _unswap(swapped + straight)
    assert [(i.unit_price, i.amount) for i in out[:3]] == [
        ("7.00", "14.00"), ("1.50", "4.50"), ("2.25", "9.00")]
    assert [(i.unit_price, i.amount) for i in out[4:]] == [("3.00", "6.00"), ("2.00", "6.00")]
    lone = [LineItem(1, "x", "2", "14.00", "7.00", page_no=1)]  # one odd row is a misread, not a swap
    assert _unswap(lone)[0].unit_price == "14.00"
