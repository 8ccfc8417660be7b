"""The store: CaseResult records in, the four output tables out, equal to `pipeline.tables`.

Every test that takes `store` or `db_url` runs twice: on a SQLite file and on a real PostgreSQL
database (conftest's `db_url`)."""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from extractors.model import Extraction, FieldValue, LineItem
from pipeline.errors import ClaimsError
from pipeline.models import Document, Finding, Page
from pipeline.store import (
    DEFAULT_DB_FILE,
    DocumentRow,
    FieldRow,
    LineItemRow,
    RunRow,
    Store,
    StoreError,
    default_url,
)
from pipeline.tables import (
    CaseResult,
    cases_frame,
    documents_frame,
    findings_frame,
    line_items_frame,
)
from tests.postgres import free_port

FRAMES = {"cases": cases_frame, "documents": documents_frame, "line_items": line_items_frame,
          "findings": findings_frame}


def _page(source: str, page_no: int) -> Page:
    return Page(source_file=source, page_no=page_no, width=1000.0, height=1400.0, words=[], method="ocr")


def _doc(doc_id: str, doc_type: str, source: str, pages: list[int], conf: float = 0.91234,
         unreadable: bool = False) -> Document:
    return Document(doc_type=doc_type, source_file=source, pages=[_page(source, n) for n in pages],
                    confidence=conf, doc_id=doc_id, unreadable=unreadable)


def _fields(**values: str) -> dict[str, FieldValue]:
    return {name: FieldValue(name=name, value=value, raw=f" {value} ", conf=0.876543, page_no=1,
                             box=(10.5, 20.0, 300.25, 18.0))
            for name, value in values.items()}


def make_case(case_id: str, invoice_number: str = "1753768840", total: str = "1234.50") -> CaseResult:
    invoice = _doc("d1", "medical_invoice", "invoice.pdf", [1])
    fee_list = _doc("d2", "fee_list", "scan.tif", [2, 3], conf=0.7777777)
    id_card = _doc("d3", "id_card", "id.jpg", [1], conf=0.4, unreadable=True)
    items = [
        LineItem(line_no=1, item_name="Amoxicillin 0.25g", quantity="2", unit_price="10.00",
                 amount="20.00", item_date="2024-03-01", row_type="drug", conf=0.912345, page_no=2,
                 box=(1.0, 2.0, 3.0, 4.0), repaired=["amount", "quantity"], catalogue_code="XJ01",
                 catalogue_name="amoxicillin", category="A", match_score=93.5),
        LineItem(line_no=2, item_name="Bed fee", quantity="", unit_price="", amount="80.00",
                 row_type="bed", conf=1.0),
        LineItem(line_no=3, item_name="Mystery pill", quantity="0.5", unit_price="3.00", amount="1.50",
                 row_type="drug", page_no=3, category="not_listed", match_score=41.0),
    ]
    extractions = [
        Extraction(fields=_fields(patient_name="ZHANG San", id_number="11010519491231002X",
                                  hospital="City Hospital", invoice_number=invoice_number,
                                  issue_date="2024-03-05", total_amount=total, gender="M")),
        Extraction(fields={**_fields(patient_name="ZHANG San"),
                           "department": FieldValue("department", "Surgery", "Surgery", 0.5)},
                   line_items=items, table_totals=["101.50"]),
        Extraction(),
    ]
    findings = [
        Finding("amount_mismatch", "error", "fee list 101.50 != invoice 1234.50", doc_id="d2",
                field="total_amount"),
        Finding("low_confidence", "warning", "line 3 is hard to read", doc_id="d2", line_no=3),
        Finding("corrupt_file", "error", "broken.pdf is truncated", source_file="broken.pdf"),
        Finding("missing_document", "warning", "no discharge summary"),
    ]
    return CaseResult(
        case_id=case_id, documents=[invoice, fee_list, id_card], extractions=extractions,
        manifest={"insured_region": "Beijing", "employer_insured": True, "submitted_on": "2024-03-10",
                  "claimant": {"name": "ZHANG San"}},
        claim_type="outpatient", claim_type_inferred=True, findings=findings, total_claimed=total,
    )


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    with Store.open(db_url) as s:
        yield s


def _assert_exports(store: Store, cases: list[CaseResult], case_ids: Iterable[str] | None = None) -> None:
    frames = store.export(case_ids)
    assert set(frames) == set(FRAMES)
    for name, build in FRAMES.items():
        assert_frame_equal(frames[name], build(cases), obj=name)


def test_round_trip_equals_tables(store: Store) -> None:
    case = make_case("C001")
    run = store.begin_run("/inbox")
    store.save_case(run, case)
    store.finish_run(run, 1)
    _assert_exports(store, [case])
    frames = store.export()
    assert frames["cases"].loc[0, "n_warnings"] == 2
    assert frames["documents"]["n_line_items"].tolist() == [0, 3, 0]
    assert frames["line_items"]["repaired"].tolist() == ["amount;quantity", "", ""]


def test_empty_store_exports_empty_tables(store: Store) -> None:
    _assert_exports(store, [])


def test_case_without_manifest_or_findings(store: Store) -> None:
    case = CaseResult(case_id="C009", documents=[_doc("d1", "other", "x.png", [1])],
                      extractions=[Extraction()])
    store.save_case(store.begin_run("/inbox"), case)
    _assert_exports(store, [case])


def test_resave_replaces_rows_and_keeps_first_run(store: Store) -> None:
    first = store.begin_run("/inbox")
    store.save_case(first, make_case("C001"))
    second = store.begin_run("/inbox")
    again = make_case("C001", total="99.00")
    again.documents, again.extractions = again.documents[:2], again.extractions[:2]
    again.findings = again.findings[:1]
    store.save_case(second, again)

    _assert_exports(store, [again])
    loaded = store.load_case("C001")
    assert loaded is not None
    assert loaded["case"]["first_run_id"] == first
    assert loaded["case"]["last_run_id"] == second
    assert loaded["case"]["first_seen"] <= loaded["case"]["updated_at"]
    with store._session("counting") as session:  # no orphans left behind
        assert session.scalar(select(func.count()).select_from(DocumentRow)) == 2
        assert session.scalar(select(func.count()).select_from(LineItemRow)) == 3
        assert session.scalar(select(func.count()).select_from(FieldRow)) == 9


def test_two_cases_export_in_case_id_order_and_filter(store: Store) -> None:
    run = store.begin_run("/inbox")
    b, a, c = make_case("C002", "222"), make_case("C001", "111"), make_case("C003", "333")
    for case in (b, a, c):
        store.save_case(run, case)
    _assert_exports(store, [a, b, c])
    _assert_exports(store, [a, c], case_ids=["C003", "C001", "C404"])
    _assert_exports(store, [b], case_ids=iter(["C002"]))
    _assert_exports(store, [], case_ids=[])
    assert store.case_ids() == ["C001", "C002", "C003"]


def test_invoice_owners(store: Store) -> None:
    first = store.begin_run("/inbox")
    store.save_case(first, make_case("C001", invoice_number="inv 0042"))
    second = store.begin_run("/inbox")
    store.save_case(second, make_case("C002", invoice_number="INV0042"))
    store.save_case(second, make_case("C003", invoice_number="777"))

    owners = store.invoice_owners(["INV0042", " inv 0042", "999", ""], exclude_case="C002")
    assert owners == {"INV0042": [("C001", first, "d1")], " inv 0042": [("C001", first, "d1")]}
    both = store.invoice_owners(["Inv0042"])
    assert both == {"Inv0042": [("C001", first, "d1"), ("C002", second, "d1")]}
    assert store.invoice_owners(["INV0042"], exclude_case="C001") == {"INV0042": [("C002", second, "d1")]}
    assert store.invoice_owners([]) == {}


def test_invoice_owners_ignores_other_documents(store: Store) -> None:
    case = make_case("C001", invoice_number="555")
    # the fee list carries an invoice number too, and an id card another one: not invoices
    case.extractions[1].fields.update(_fields(invoice_number="888"))
    case.extractions[2].fields.update(_fields(invoice_number="999"))
    run = store.begin_run("/inbox")
    store.save_case(run, case)
    assert store.invoice_owners(["888", "999"]) == {}
    assert store.invoice_owners(["555"]) == {"555": [("C001", run, "d1")]}


def test_load_case_returns_fields_with_boxes(store: Store) -> None:
    run = store.begin_run("/inbox", started_at=datetime(2024, 3, 1, 8, 0, tzinfo=UTC))
    store.save_case(run, make_case("C001"))
    assert store.load_case("nope") is None
    loaded = store.load_case("C001")
    assert loaded is not None
    assert loaded["case"]["reasons"] == ["amount_mismatch", "corrupt_file"]
    assert loaded["case"]["manifest"]["claimant"] == {"name": "ZHANG San"}
    assert loaded["case"]["first_seen"].tzinfo is not None
    docs = loaded["documents"]
    assert [d["doc_id"] for d in docs] == ["d1", "d2", "d3"]
    assert docs[1]["pages"] == "2-3" and docs[1]["n_pages"] == 2
    inv = docs[0]["fields"]["invoice_number"]
    assert inv == {"name": "invoice_number", "value": "1753768840", "raw": " 1753768840 ",
                   "conf": 0.876543, "page_no": 1, "box": (10.5, 20.0, 300.25, 18.0)}
    assert docs[1]["fields"]["department"]["box"] is None
    item = docs[1]["line_items"][0]
    assert item["box"] == (1.0, 2.0, 3.0, 4.0)
    assert item["repaired"] == ["amount", "quantity"]
    assert item["match_score"] == 93.5
    assert docs[1]["line_items"][1]["box"] is None and docs[1]["line_items"][1]["match_score"] is None
    assert [f["code"] for f in loaded["findings"]] == ["amount_mismatch", "low_confidence",
                                                       "corrupt_file", "missing_document"]
    assert loaded["findings"][1]["line_no"] == 3


def test_two_stores_share_one_database(db_url: str) -> None:
    """A batch and the review app, each with its own Store on one database (file or server)."""
    with Store.open(db_url) as batch, Store.open(db_url) as review:
        batch.save_case(batch.begin_run("/inbox"), make_case("C001"))
        assert review.case_ids() == ["C001"]
        review.save_case(review.begin_run("/inbox"), make_case("C002"))
        assert batch.case_ids() == ["C001", "C002"]


def test_default_url(tmp_path: Path) -> None:
    assert default_url(tmp_path) == f"sqlite:///{tmp_path.resolve() / DEFAULT_DB_FILE}"
    with Store.open(default_url(tmp_path)) as store:
        assert store.case_ids() == []
    assert (tmp_path / DEFAULT_DB_FILE).is_file()


def test_duplicate_doc_ids_are_refused(store: Store) -> None:
    case = make_case("C001")
    case.documents[1].doc_id = "d1"
    with pytest.raises(ValueError, match="not distinct"):
        store.save_case(store.begin_run("/inbox"), case)


@pytest.mark.parametrize("url", [
    "postgresql://u:secret@127.0.0.1:1/x",
    "postgresql+psycopg://u:secret@127.0.0.1:1/x",
    "nosuchdb://u:secret@host/x",
    "postgresql//u:secret@host/x",
    "not a url u:secret@host",
    "://u:secret@host",
])
def test_bad_url_raises_store_error_without_password(url: str) -> None:
    with pytest.raises(StoreError) as caught:
        Store.open(url)
    message = str(caught.value)
    assert "secret" not in message
    assert "--db" in message
    assert isinstance(caught.value, ClaimsError)


def test_sqlite_in_missing_folder_raises_store_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="folder of the database file exists") as caught:
        Store.open(f"sqlite:///{tmp_path / 'no' / 'such' / 'dir' / 'claims.db'}")
    assert "claims.db" in str(caught.value)
    assert not (tmp_path / "no").exists()


def test_frames_have_pinned_dtypes(store: Store) -> None:
    store.save_case(store.begin_run("/inbox"), make_case("C001"))
    frames = store.export()
    assert frames["documents"]["confidence"].tolist() == [0.912, 0.778, 0.4]
    assert isinstance(frames["line_items"]["page"].dtype, pd.Int64Dtype)
    assert frames["line_items"]["page"].isna().tolist() == [False, True, False]


def test_sqlite_file_shared_by_two_stores_keeps_wal(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    with Store.open(url) as batch, Store.open(url) as review:
        batch.save_case(batch.begin_run("/inbox"), make_case("C001"))
        assert review.case_ids() == ["C001"]
        with review._session("checking") as session:
            assert session.connection().exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert session.connection().exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_missing_postgresql_database_raises_store_error(pg_url: str) -> None:
    url = make_url(pg_url).set(password="secret", database="no_such_claims_db")
    with pytest.raises(StoreError, match="no_such_claims_db") as caught:
        Store.open(url.render_as_string(hide_password=False))
    message = str(caught.value)
    assert "secret" not in message
    assert "--db" in message


def test_unreachable_postgresql_server_fails_fast_without_password() -> None:
    url = f"postgresql+psycopg://claims:secret@127.0.0.1:{free_port()}/claims"  # nothing listens
    started = time.monotonic()
    with pytest.raises(StoreError, match="server is running and reachable") as caught:
        Store.open(url)
    assert time.monotonic() - started < 5
    assert "secret" not in str(caught.value)


def test_run_ids_are_distinct_and_increasing(store: Store) -> None:
    runs = [store.begin_run(f"/inbox/{n}") for n in range(3)]
    assert all(isinstance(r, int) for r in runs)
    assert runs == sorted(set(runs))
    store.finish_run(runs[1], 7)
    store.save_case(runs[1], make_case("C001"))
    assert store.first_run("C001") == runs[1]
    with pytest.raises(ValueError, match="no run"):
        store.finish_run(max(runs) + 100, 1)


def test_long_user_values_are_stored_whole(store: Store) -> None:
    """Values a user controls have no length limit: a folder name, a claim type from case.json, a
    catalogue code, a text field run over many lines of a text layer."""
    long_id = "case-" + "長い名前" * 60  # 245 characters, 725 bytes
    case = make_case(long_id)
    case.claim_type = "outpatient-" + "x" * 300
    case.total_claimed = "9" * 100 + ".00"
    case.documents[0].doc_id = "d-" + "7" * 300
    case.findings[0] = replace(case.findings[0], doc_id=case.documents[0].doc_id)
    case.extractions[1].line_items[0].catalogue_code = "XJ" + "0" * 300
    diagnosis = " ".join(f"word{n}-診断" for n in range(2000))  # ~24,000 characters
    case.extractions[0].fields.update(_fields(diagnosis=diagnosis))
    store.save_case(store.begin_run("/inbox"), case)
    _assert_exports(store, [case])
    loaded = store.load_case(long_id)
    assert loaded is not None
    assert loaded["documents"][0]["fields"]["diagnosis"]["value"] == diagnosis


def test_nul_characters_are_dropped(store: Store) -> None:
    """A text layer can carry NUL characters; PostgreSQL refuses them in text, so they are dropped
    on both backends, and lookups ignore them too."""
    case = make_case("C001", invoice_number="INV\x000042")
    case.claim_type = "out\x00patient"
    case.documents[1].source_file = "scan\x00.tif"
    case.extractions[1].line_items[0].item_name = "Amoxi\x00cillin"
    case.findings[0] = replace(case.findings[0], message="fee list\x00 differs")
    case.manifest = {"claimant": {"name": "ZHANG\x00 San", "tags\x00": ["a\x00", 1]}}
    run = store.begin_run("/inbox")
    store.save_case(run, case)
    store.save_case(run, case)  # again: the rows are updated, not inserted

    frames = store.export()
    assert frames["cases"].loc[0, "claim_type"] == "outpatient"
    assert frames["documents"]["source_file"].tolist() == ["invoice.pdf", "scan.tif", "id.jpg"]
    assert frames["documents"].loc[0, "invoice_number"] == "INV0042"
    assert frames["line_items"].loc[0, "item_name"] == "Amoxicillin"
    assert frames["findings"].loc[0, "message"] == "fee list differs"
    loaded = store.load_case("C001")
    assert loaded is not None
    assert loaded["case"]["manifest"] == {"claimant": {"name": "ZHANG San", "tags": ["a", 1]}}
    assert store.invoice_owners(["INV\x000042", "inv0042"]) == {
        "INV\x000042": [("C001", run, "d1")], "inv0042": [("C001", run, "d1")]}


def test_invoice_numbers_compare_upper_casing_ascii_only(store: Store) -> None:
    """Blanks out, ASCII letters upper-cased, nothing else changed: on PostgreSQL too, whose upper()
    would follow the database's locale (é, full-width ａ), so both backends find the same owners."""
    run = store.begin_run("/inbox")
    store.save_case(run, make_case("C001", invoice_number="ｉｎｖ é 0042"))
    owners = store.invoice_owners(["ｉｎｖé0042", "INV É0042", "ｉｎｖ É0042"])
    assert owners == {"ｉｎｖé0042": [("C001", run, "d1")]}


def test_json_manifest_round_trips(store: Store) -> None:
    case = make_case("C001")
    case.manifest = {"claim_type": "inpatient", "employer_insured": False, "n": 3, "ratio": 0.25,
                     "none": None, "list": [1, "二", {"deep": [True]}], "名前": "張三"}
    store.save_case(store.begin_run("/inbox"), case)
    loaded = store.load_case("C001")
    assert loaded is not None
    assert loaded["case"]["manifest"] == case.manifest
    assert store.export()["cases"].loc[0, "employer_insured"] == False  # noqa: E712 (pandas boolean)


def test_timestamps_keep_their_instant(store: Store) -> None:
    started = datetime(2024, 3, 1, 8, 0, 0, 123456, tzinfo=UTC)
    run = store.begin_run("/inbox", started_at=started)
    store.save_case(run, make_case("C001"))
    with store._session("reading the run") as session:
        row = session.get(RunRow, run)
        assert row is not None
        assert row.started_at.replace(tzinfo=row.started_at.tzinfo or UTC) == started
