"""Tables whose header row OCR lost: columns recovered from how the item rows' cells line up (small
word fixtures, no OCR)."""

from __future__ import annotations

import itertools

import pytest

from extractors.headerless import headerless_columns
from extractors.line_items import extract_line_items
from extractors.table_layout import visual_rows
from tests.test_line_items import doc, page, row, rows_of

GARBLED = row(80, (45, "oer"), (110, "seers ree"), (-420, "Be er"), (-500, "se"))
ITEMS = [  # name, qty, unit price, amount
    ("Simvastatin Tablets 20mg", "3", "22.57", "67.71"),
    ("Ward bed (3-bed room)", "4", "42.24", "168.96"),
    ("Level I nursing care", "2", "37.48", "74.96"),
    ("Complete blood count", "1", "19.09", "19.09"),
]
X_OF = {"qty": -350, "price": -420, "amount": -500}


@pytest.mark.parametrize("order", list(itertools.permutations(("qty", "price", "amount"))))
def test_a_headerless_table_in_any_column_order_with_code_date_wrap_and_total(order: tuple) -> None:
    """Numbers in columns read by their arithmetic, whatever their order; a code and a date
    column before the name; "500mg" alone under the name continues it; the grand total closes
    the table and is recorded."""
    x = dict(zip(order, (-350, -420, -500), strict=True))
    rows = [row(40, (200, "Inpatient Expense Details")),
            row(60, (40, "Hospital No"), (120, "8570752"), (300, "Admission Date"), (400, "2025/6/11")),
            GARBLED]
    y = 100.0
    for n, (name, qty, price, amount) in enumerate(ITEMS):
        rows.append(row(y, (40, f"5082398{n}"), (90, f"2025-06-1{n}"), (150, name),
                        (x["qty"], qty), (x["price"], price), (x["amount"], amount)))
        y += 20
        if n == 1:
            rows.append(row(y - 8, (150, "500mg")))
            y += 6
    rows.append(row(y, (150, "Grand Total"), (x["amount"], "330.72")))
    rows.append(row(y + 20, (40, "Billing clerk: Li Na")))
    items, totals = extract_line_items(doc(page(rows, method="ocr", conf=0.9)))
    want = [(name, q, p, a) for name, q, p, a in ITEMS]
    want[1] = ("Ward bed (3-bed room) 500mg", *want[1][1:])
    assert rows_of(items) == want
    assert [i.item_date for i in items] == ["2025-06-10", "2025-06-11", "2025-06-12", "2025-06-13"]
    assert totals == ["330.72"]


def test_an_ocr_slip_in_a_headerless_table_is_repaired_as_in_a_headed_one() -> None:
    rows = [GARBLED] + [
        row(100 + 20 * n, (150, name), (-350, q), (-420, p), (-500, a))
        for n, (name, q, p, a) in enumerate(ITEMS)]
    rows[2] = row(120, (150, ITEMS[1][0]), (-350, "4"), (-420, "42,24"), (-500, "168.86"))
    items, _ = extract_line_items(doc(page(rows, method="ocr", conf=0.9)))
    assert rows_of(items)[1] == ("Ward bed (3-bed room)", "4", "42.24", "168.96")
    assert items[1].repaired == ["amount"]


def test_a_headerless_table_continues_on_the_next_page() -> None:
    first = page([GARBLED] + [row(100 + 20 * n, (150, nm), (-350, q), (-420, p), (-500, a))
                              for n, (nm, q, p, a) in enumerate(ITEMS[:3])], method="ocr", conf=0.9)
    second = page([row(100, (150, ITEMS[3][0]), (-350, "1"), (-420, "19.09"), (-500, "19.09")),
                   row(120, (150, "Total"), (-500, "330.72"))], method="ocr", conf=0.9, page_no=2)
    items, totals = extract_line_items(doc(first, second))
    assert [i.page_no for i in items] == [1, 1, 1, 2]
    assert totals == ["330.72"]


def test_two_number_columns_quantity_and_amount() -> None:
    rows = [row(100 + 20 * n, (40, name), (-350, q), (-500, a)) for n, (name, q, _, a) in enumerate(ITEMS)]
    items, _ = extract_line_items(doc(page(rows, method="ocr", conf=0.9)))
    assert rows_of(items) == list(ITEMS)


def test_a_form_with_labelled_numbers_gives_no_line_items() -> None:
    """Labelled values with a number or two are no table: too few numbers per line, or (a count
    and an amount) not lined up in columns over a run of rows."""
    p = page([
        row(40, (200, "Inpatient Expense Details")),
        row(60, (40, "Hospital No"), (120, "8570752"), (300, "Admission Date"), (400, "2025/6/11")),
        row(80, (40, "Ward"), (120, "12"), (300, "Bed"), (400, "3")),
        row(100, (40, "Days in hospital"), (160, "5"), (-500, "123.00")),
        row(120, (40, "Deposit paid"), (160, "2"), (-430, "500.00")),
        row(140, (40, "Nights"), (220, "1"), (-560, "80.00")),
        row(160, (40, "Total"), (-500, "123.00")),
    ], method="ocr", conf=0.9)
    items, _ = extract_line_items(doc(p))
    assert items == []
    assert headerless_columns(visual_rows(p.words)) is None


def test_aligned_numbers_that_do_not_add_up_are_no_table() -> None:
    """Three aligned number columns whose no order makes quantity x price = amount: a statistics
    block, not items."""
    rows = [row(100 + 20 * n, (40, label), (-350, a), (-420, b), (-500, c)) for n, (label, a, b, c) in
            enumerate([("Pooled fund", "12.10", "7.30", "1.50"), ("Personal account", "3.20", "9.90", "2.00"),
                       ("Out of pocket", "4.44", "5.55", "6.66"), ("Deductible", "8.10", "0.20", "3.30")])]
    items, _ = extract_line_items(doc(page(rows, method="ocr", conf=0.9)))
    assert items == []


def test_a_slip_in_a_price_read_with_a_decimal_comma_is_repaired() -> None:
    """"17,87" is 17.87 with a decimal comma; one digit off 70.28 / 4 = 17.57."""
    rows = [GARBLED] + [
        row(100 + 20 * n, (150, name), (-350, q), (-420, p), (-500, a))
        for n, (name, q, p, a) in enumerate(ITEMS)]
    rows[1] = row(100, (150, "Ibuprofen Tablets 0.4g"), (-350, "4"), (-420, "17,87"), (-500, "70.28"))
    items, _ = extract_line_items(doc(page(rows, method="ocr", conf=0.9)))
    assert rows_of(items)[0] == ("Ibuprofen Tablets 0.4g", "4", "17.57", "70.28")
    assert items[0].repaired == ["unit_price"]


def test_a_date_run_into_the_name_is_the_date() -> None:
    """A date cell too close to the name is read as one cell with it: the date is taken off."""
    rows = [row(100 + 20 * n, (40, "2025-06-15"), (105, name), (-350, q), (-420, p), (-500, a))
            for n, (name, q, p, a) in enumerate(ITEMS)]
    rows[0] = row(100, (40, f"2025-06-15 {ITEMS[0][0]}"), (-350, "3"), (-420, "22.57"), (-500, "67.71"))
    items, _ = extract_line_items(doc(page(rows, method="ocr", conf=0.9)))
    assert rows_of(items) == list(ITEMS)
    assert {i.item_date for i in items} == {"2025-06-15"}
