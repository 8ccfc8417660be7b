"""Total amount and issue date of free-form receipts and invoices (`extractors.totals`)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from extractors.totals import (
    CONFIG,
    compact_date,
    find_issue_date,
    find_total,
    label_of,
    load_config,
    ocr_slip,
    repaired_dates,
    slipped_month,
    weekday_checked,
)
from pipeline.models import Page, Word
from tests.pages import page_from_text

SHARED = Path(os.environ.get("CLAIMS_SHARED", Path(__file__).resolve().parents[2] / "shared"))
SROIE = SHARED / "data" / "sroie"


def total(text: str) -> str | None:
    found = find_total([page_from_text(text)])
    return found.value if found else None


def date(text: str) -> str | None:
    found = find_issue_date([page_from_text(text)])
    return found.value if found else None


# --- totals: labels --------------------------------------------------------------------------------

def test_total_line_wins_over_subtotal_tax_and_cash() -> None:
    assert total("""
        Coffee 2 7.95 15.90
        SUBTOTAL 15.00
        GST 6% 0.90
        TOTAL 15.90
        CASH 20.00
        CHANGE 4.10
    """) == "15.90"


def test_strong_label_beats_plain_total() -> None:
    assert total("""
        TOTAL 12.34
        ROUNDING 0.01
        ROUNDED TOTAL 12.35
    """) == "12.35"


def test_total_qty_and_items_are_not_totals() -> None:
    assert total("""
        Widget 3.20 3.20
        TOTAL QTY: 40.00
        TOTAL ITEMS 40.00
        Total Includes GST 0% 3.20
    """) == "3.20"


def test_gst_summary_row_is_not_the_total() -> None:
    assert total("""
        Nails 5.30
        Total Sales (Inclusive of GST) 5.30
        CASH 5.30
        GST SUMMARY
        Total 5.00 0.30
    """) == "5.30"


def test_label_with_ocr_slips() -> None:
    assert label_of("Tota1 Amounl:") == ("total", "amount")
    assert total("Item 4.00\nSubtota1 9.00\nGrnad Tota1 9.50") == "9.50"


def test_amount_on_the_next_line() -> None:
    assert total("ITEM 1.00\nTOTAL AMOUNT\nRM 23.50\nCASH\n50.00") == "23.50"


def test_amount_in_the_right_column() -> None:
    words = [Word("Item", 100, 100, 60, 30, 0.9, 0), Word("4.00", 900, 100, 80, 30, 0.9, 1),
             Word("Grand", 100, 200, 90, 30, 0.9, 2), Word("Total", 200, 200, 90, 30, 0.9, 2),
             Word("9.00", 900, 202, 80, 30, 0.8, 3)]
    found = find_total([Page("r.jpg", 1, 1000, 1000, words, "ocr")])
    assert found is not None and found.value == "9.00"
    assert found.box == (100, 200, 880, 32)
    assert found.conf == pytest.approx((0.9 + 0.9 + 0.8) / 3, abs=0.01)


# --- totals: arithmetic ----------------------------------------------------------------------------

def test_cash_minus_change_picks_among_unlabelled_amounts() -> None:
    assert total("Bread 7.50\nMilk 15.90\n23.40\nPaid 50.00\nChange 26.60") == "23.40"


def test_subtotal_plus_tax_picks_among_unlabelled_amounts() -> None:
    assert total("Soap 4.00\nSub Total 10.00\nService Tax 0.60\n10.60\nThank you 20.00") == "10.60"


def test_printed_total_with_one_ocr_slip_is_repaired_by_cash_and_change() -> None:
    assert total("Item 85.20\nNet Total 65.20\nCash 100.20\nChange 15.00") == "85.20"
    assert total("Item 30.00\nTOTAL PAYABLE 5.80\nCASH 50.00\nCHANGE 14.20") == "35.80"


def test_no_repair_when_the_printed_total_is_printed_again() -> None:
    assert total("Subtotal 15.90\nTotal 15.90\nPayment 50.08\nChange 34.10") == "15.90"


def test_ocr_slip() -> None:
    assert ocr_slip("110.60", "110.00")
    assert ocr_slip("5.80", "35.80")
    assert not ocr_slip("11.00", "10.00")  # 1 and 0 are not confused
    assert not ocr_slip("14.84", "14.00")


def test_ocr_slip_one_for_four() -> None:
    assert ocr_slip("45.90", "15.90")
    assert total("Item 15.90\nTotal Amt Rounded 45.90\nPayment 50.00\nChange 34.10") == "15.90"


def test_label_split_by_ocr_is_joined() -> None:
    assert label_of("SUR-TOTAL (GST)") == ("subtotal", "gst")
    assert label_of("Sub Total") == ("subtotal",)
    assert label_of("x total") == ("x", "total")  # "xtotal" is not a word of its own
    text = "Item 1 14 14.00\nSUR-TOTAL (GST) 14.00\nROUNDING 0.00\nTOTAL. 14.06\nCASH\nCHANGE"
    assert total(text) == "14.00"  # the subtotal confirms 14.00; "TOTAL. 14.06" has a slip


def test_long_label_word_with_two_slips() -> None:
    assert label_of("Subtoiat") == ("subtotal",)
    assert label_of("Tota1 Enclusave") == ("total", "enclusave")  # as near inclusive as exclusive
    assert total("Item 15.90\nSubtoiat 15.90\nTotal Amt Rounded 45.90\nPayment 50.08") == "15.90"


def test_rounding_line_with_the_rounded_total() -> None:
    text = """
        Coffee 29.95
        Total Sales (Inclusive GST) RM 37.44
        Rounding Adjustment RM 0.01
        Rounding RM = 37.45
        CARD RM 37.45
    """
    assert total(text) == "37.45"
    assert total("Total 12.34\nRounding 0.01\nThank you 12.35") == "12.34"  # a small one adjusts


def test_section_sign_for_five() -> None:
    assert total("Nails 1 §.30\nTotal Sales (Inclusive of GST) §.30\nGST SUMMARY\nTotal 5.00 0.30") == "5.30"


def test_medical_invoice_amount_forms() -> None:
    assert total("Item fee ¥100.00\nTotal Amount ¥1,234.56") == "1234.56"
    assert total("Drugs CNY 200.00\nAmount Due CNY 1234.56\nPrinted 2026-03-14") == "1234.56"
    assert total("Grand Total: 88.00") == "88.00"


def test_no_amount_no_total() -> None:
    assert total("THANK YOU\nPLEASE COME AGAIN") is None


# --- dates -----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "iso"), [
    ("Date: 22/12/2017 14:03", "2017-12-22"),
    ("27 MAR 2018 18:46", "2018-03-27"),
    ("28 MAR 18", "2018-03-28"),
    ("Date 25.03.2018", "2018-03-25"),
    ("14-03-18 10:01", "2018-03-14"),
    ("2018-03-25", "2018-03-25"),
    ("2026/3/14", "2026-03-14"),
    ("Invoice date: March 14, 2026", "2026-03-14"),
    ("00440010036 25032018 13:11:54", "2018-03-25"),
    ("Date 2O18O3O4", "2018-03-04"),
])
def test_date_forms(text: str, iso: str) -> None:
    assert date(f"SHOP NAME\n{text}\nTOTAL 3.00") == iso


@pytest.mark.parametrize(("text", "iso"), [
    ("61/03/18 12:36", "2018-03-01"),  # a 0 read as 6
    ("RECEIPT #: 28/99/2017", "2017-09-28"),  # a 0 read as 9
    ("27 Mat 2018 18:46", "2018-03-27"),
    ("Date: 4 HARCH 2018", "2018-03-04"),
    ("14-01-2016 (Sun) 16:02", "2018-01-14"),  # 14-01-2016 was a Thursday
    ("14-01-2016 (Thu) 16:02", "2016-01-14"),
])
def test_dates_with_ocr_slips(text: str, iso: str) -> None:
    assert date(f"SHOP NAME\n{text}\nTOTAL 3.00") == iso


def test_slipped_dates_only_where_one_reading_fits() -> None:
    assert repaired_dates("03/0/2018") == []  # a digit lost: no guess
    assert repaired_dates("00/01/2018") == []  # 06, 08 or 09: no guess
    assert repaired_dates("22/12/2017") == []  # reads as printed
    assert slipped_month("Mat") == 3
    assert slipped_month("May") is None and slipped_month("Cat") is None
    assert weekday_checked("2016-01-14", "14-01-2016", "14-01-2016 Sundae") == "2016-01-14"


def test_strict_date_beats_a_repaired_one() -> None:
    assert date("Printed 61/03/18\nDate: 05/06/2018") == "2018-06-05"


def test_transaction_date_not_due_or_expiry() -> None:
    assert date("Due date: 30/04/2026\nInvoice Date: 14/03/2026\nTotal 10.00") == "2026-03-14"
    assert date("SHOP\n05/01/2018 10:22\nPoints expiry 31/12/2018") == "2018-01-05"


def test_date_label_on_the_line_above() -> None:
    assert date("Valid until 01/01/2019\nDate:\n05/06/2018") == "2018-06-05"


def test_compact_date() -> None:
    assert compact_date("20180304") == "2018-03-04"
    assert compact_date("25032018") == "2018-03-25"
    assert compact_date("12345678") is None


def test_no_date() -> None:
    assert date("TOTAL 3.00") is None


# --- vocabulary file --------------------------------------------------------------------------------

def test_config_loads_and_is_checked(tmp_path: Path) -> None:
    assert ("grand", "total") in CONFIG.total["strong"]
    bad = tmp_path / "totals.toml"
    bad.write_text('[total]\nstrong = ["total"]\nplain = []\navoid = ["gst"]\n', encoding="utf-8")
    with pytest.raises(ValueError, match="plain"):
        load_config(bad)


# --- real receipts, real tesseract ------------------------------------------------------------------

@pytest.mark.skipif(not SROIE.is_dir(), reason="SROIE sample not present")
def test_real_receipts_end_to_end(tmp_path: Path) -> None:
    """Real scans, real tesseract: most totals and dates come out right, and every value found
    carries its page, box and confidence. (The benchmark, bench/receipts.py, measures all 50.)"""
    from bench.receipts import truth_of
    from pipeline.reading import read_files
    from pipeline.settings import Settings

    settings = Settings(cache_dir=tmp_path)  # real tesseract, no shared cache
    files = sorted((SROIE / "img").glob("*.jpg"))[:12]
    pages = read_files(files, settings).pages
    right = 0
    for f in files:
        mine = [p for p in pages if p.source_file == f.name]
        truth_total, truth_date = truth_of(json.loads((SROIE / "key" / f"{f.stem}.json").read_text("utf-8")))
        found_total, found_date = find_total(mine), find_issue_date(mine)
        right += bool(found_total and found_total.value == truth_total and found_date
                      and found_date.value == truth_date)
        for found in (found_total, found_date):
            if found is not None:
                assert found.page_no == 1 and found.box is not None and 0 < found.conf <= 1
    assert right >= 8, f"{right}/12 receipts with total and date right"
