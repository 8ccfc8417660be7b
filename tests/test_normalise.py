"""Printed values to one normal form: dates, amounts, quantities, ID numbers, names."""

from __future__ import annotations

import pytest

from extractors.normalise import (
    find_amounts,
    find_dates,
    find_id_numbers,
    fix_digits,
    name_key,
    normalise_id,
    normalise_name,
    parse_amount,
    parse_date,
    parse_quantity,
)


@pytest.mark.parametrize(("text", "want"), [
    ("2026-03-14", "2026-03-14"), ("14/03/2026", "2026-03-14"), ("2026/3/14", "2026-03-14"),
    ("March 14, 2026", "2026-03-14"), ("Mar 14 2026", "2026-03-14"), ("14 March 2026", "2026-03-14"),
    ("14-Mar-2026", "2026-03-14"), ("03/14/2026", "2026-03-14"), ("2026.03.14", "2026-03-14"),
    ("2026年3月14日", "2026-03-14"), ("Date: 2O26-O3-14", "2026-03-14"), ("14.03.26", "2026-03-14"),
    ("Sept. 1st, 2025", "2025-09-01"),
])
def test_parse_date_forms(text: str, want: str) -> None:
    assert parse_date(text) == want


@pytest.mark.parametrize("text", ["2026-02-30", "31/31/2026", "no date", "1234.56", ""])
def test_parse_date_rejects(text: str) -> None:
    assert parse_date(text) is None


def test_find_dates_in_order_with_spans() -> None:
    text = "Admitted 2026-03-02 discharged 09/03/2026"
    found = find_dates(text)
    assert [d for d, _ in found] == ["2026-03-02", "2026-03-09"]
    assert text[found[0][1][0]:found[0][1][1]] == "2026-03-02"


@pytest.mark.parametrize(("text", "want"), [
    ("1,234.56", "1234.56"), ("¥1234.56", "1234.56"), ("CNY 1234.5", "1234.50"), ("RMB 12", "12.00"),
    ("Total (3 items) 1,234.50", "1234.50"), ("-12.30", "-12.30"), ("12,50", "12.50"),
    ("Total: 1,2O4.00", "1204.00"),
])
def test_parse_amount(text: str, want: str) -> None:
    assert parse_amount(text) == want


def test_amounts_exclude_dates() -> None:
    assert [a for a, _ in find_amounts("2026-03-14 Bed fee 2 50.00 100.00")] == ["2.00", "50.00", "100.00"]
    assert parse_amount("no amount") is None


@pytest.mark.parametrize(("text", "want"), [("2", "2"), ("0.50", "0.5"), ("1,000", "1000"), ("x", None)])
def test_parse_quantity(text: str, want: str | None) -> None:
    assert parse_quantity(text) == want


def test_ids() -> None:
    assert normalise_id("1101 0519 4912 2064 8x") == "11010519491220648X"
    assert normalise_id("11O105194912206481") == "110105194912206481"
    found = find_id_numbers("ID: 110105194912206481, old 110105491220648")
    assert [v for v, _ in found] == ["110105194912206481", "110105491220648"]
    assert find_id_numbers("phone 13800138000") == []


def test_fix_digits_leaves_words() -> None:
    assert fix_digits("2O26 Oslo") == "2026 Oslo"
    assert fix_digits("Bill No. lO") == "Bill No. lO"


def test_names() -> None:
    assert normalise_name("  wang  XIAOMING ") == "Wang Xiaoming"
    assert normalise_name("WANG, Xiaoming") == "Wang Xiaoming"
    assert normalise_name("王小明") == "王小明"
    assert name_key("Xiaoming WANG") == name_key("wang xiaoming")


def test_section_sign_read_for_a_five_in_amounts() -> None:
    assert parse_amount("Total Sales (Inclusive of GST) §.30") == "5.30"
    assert parse_amount("CASH 1§.90") == "15.90"
    assert fix_digits("§ 12 of the act") == "§ 12 of the act"
    assert fix_digits("§12") == "§12"


def test_two_digit_year_dates() -> None:
    assert parse_date("12.05.98") == "1998-05-12"  # not 2098
    assert parse_date("28 MAR 18") == "2018-03-28"
    assert parse_date("14-03-18 10:01") == "2018-03-14"
    assert find_dates("= 6/ 1.98 12") == []  # a rate and an amount, not a date
    assert parse_date("14.03/2026") == "2026-03-14"  # a full year: still a date
