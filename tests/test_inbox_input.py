"""Everything a user can put into an inbox gets a defined outcome: read, or named in a finding or
a notice with what to do; the other files and cases go on. Real files, links, pipes and
undecodable names on disk; the real reading code (real tesseract where a page is a scan); the
real `claims run` command over a hostile inbox."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pandas as pd
import pytest

from pipeline.case import process_case
from pipeline.errors import BadFileError
from pipeline.inbox import case_dirs, case_id_of, loose_files, read_manifest, scan_case, scan_inbox
from pipeline.reading import plan_file, read_files
from pipeline.reading.files import file_kind
from pipeline.settings import BadSetting, Settings
from pipeline.tables import CaseResult, documents_frame, findings_frame, write_table
from tests import hostile
from validators import Context, decide

SETTINGS = Settings(cache_dir=None, workers=1)
CLAIMS = str(Path(sys.executable).parent / "claims")
T = TypeVar("T")


@pytest.fixture(scope="module")
def context() -> Context:
    return Context()


def decided(case_dir: Path, context: Context, settings: Settings = SETTINGS) -> CaseResult:
    return decide(process_case(case_dir, settings), context)


def findings(case: CaseResult, code: str) -> dict[str, str]:
    """source_file (or field) -> message of the case's findings of `code`."""
    return {f.source_file or f.field: f.message for f in case.findings if f.code == code}


def read_names(case: CaseResult) -> list[str]:
    return sorted({p.source_file for d in case.documents for p in d.pages})


def finishes(call: Callable[[], T], seconds: float = 60) -> T:
    """The result of `call`, which must return within `seconds` (a blocked open of a pipe would
    never return: the thread is a daemon so the test run still ends)."""
    done: list[T] = []
    failed: list[Exception] = []

    def run() -> None:
        try:
            done.append(call())
        except Exception as err:
            failed.append(err)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(seconds)
    if failed:
        raise failed[0]
    assert done, f"still running after {seconds} s: something opened a pipe or followed a loop"
    return done[0]


# --- names ------------------------------------------------------------------------------------------

def test_case_ids_are_utf8_and_two_folders_never_share_one(tmp_path: Path) -> None:
    latin1 = hostile.byte_name(tmp_path, b"caf\xe9")  # "café" written by a Latin-1 system
    utf8 = hostile.byte_name(tmp_path, "café".encode())
    latin1.mkdir()
    utf8.mkdir()
    ids = [case_id_of(p) for p in scan_inbox(tmp_path).cases]
    assert sorted(ids) == ["caf\\xe9", "café"]
    for case_id in ids:
        case_id.encode("utf-8")  # no surrogates: SQLite, PostgreSQL, CSV and Parquet take it


def test_names_with_spaces_unicode_undecodable_bytes_and_250_bytes_are_read(tmp_path: Path,
                                                                            context: Context) -> None:
    case = tmp_path / "C1"
    case.mkdir()
    long_name = "a" * 246 + ".pdf"
    assert len(long_name.encode()) == 250
    hostile.good_pdf(case / "fee list 2026.pdf", "Detailed list of expenses")
    hostile.good_pdf(case / "发票 扫描.pdf")
    hostile.good_pdf(hostile.byte_name(case, b"inv\xe9.pdf"), "Discharge summary")
    hostile.good_pdf(case / long_name, "Identity card")
    hostile.byte_name(case, b"empty\xff.pdf").write_bytes(b"")  # a bad file's name, too
    result = decided(case, context)
    assert read_names(result) == sorted(["fee list 2026.pdf", "发票 扫描.pdf", "inv\\xe9.pdf", long_name])
    assert list(findings(result, "corrupt_file")) == ["empty\\xff.pdf"]
    # the names go into the tables as they are, and come back out of CSV and Parquet
    out = tmp_path / "out"
    write_table(documents_frame([result]), out, "documents")
    write_table(findings_frame([result]), out, "findings")
    for read in (lambda n: pd.read_csv(out / f"{n}.csv", dtype=str, keep_default_na=False),
                 lambda n: pd.read_parquet(out / f"{n}.parquet")):
        assert sorted(read("documents").source_file) == read_names(result)
        assert list(read("findings").query("code == 'corrupt_file'").source_file) == ["empty\\xff.pdf"]


# --- the inbox ----------------------------------------------------------------------------------

def test_every_thing_in_the_inbox_is_a_case_or_a_notice(tmp_path: Path) -> None:
    inbox, elsewhere = tmp_path / "inbox", tmp_path / "elsewhere"
    for folder in (inbox / "A", inbox / "B", inbox / ".hidden", elsewhere / "C"):
        folder.mkdir(parents=True)
    hostile.good_pdf(inbox / "stray.pdf")
    (inbox / "A.truth.json").write_text("{}", encoding="utf-8")  # `claims samples` ground truth
    (inbox / "Z.truth.json").write_text("{}", encoding="utf-8")  # no case Z: a loose file
    (inbox / "C").symlink_to(elsewhere / "C")  # a case folder outside the inbox
    (inbox / "D").symlink_to(inbox / "A")  # a link inside the inbox: a case like any other
    (inbox / "gone").symlink_to(inbox / "deleted")
    os.mkfifo(inbox / "pipe")

    scan = finishes(lambda: scan_inbox(inbox))
    assert [p.name for p in scan.cases] == ["A", "B", "D"]
    notices = {n.split(":")[0]: n for n in scan.notices}
    assert sorted(notices) == ["C", "Z.truth.json", "gone", "pipe", "stray.pdf"]
    assert "outside the inbox" in notices["C"] and "copy the case folder" in notices["C"]
    assert "move it into its case's folder" in notices["stray.pdf"]
    assert "does not exist" in notices["gone"] and "pipe" in notices["pipe"]
    # the old helpers agree with the scan
    assert case_dirs(inbox) == scan.cases
    assert [p.name for p in loose_files(inbox)] == ["Z.truth.json", "stray.pdf"]


# --- one case folder ----------------------------------------------------------------------------

def test_nested_folders_are_read_under_their_path_in_the_case(tmp_path: Path, context: Context) -> None:
    case = tmp_path / "C1"
    (case / "scans" / "ward").mkdir(parents=True)
    hostile.good_pdf(case / "invoice.pdf")
    hostile.good_pdf(case / "scans" / "fee list.pdf", "Detailed list of expenses")
    hostile.good_pdf(case / "scans" / "ward" / "summary.pdf", "Discharge summary")
    hostile.good_pdf(case / "scans" / ".~lock.pdf")  # hidden: an editor's or the system's file
    result = decided(case, context)
    assert [d.source_file for d in result.documents] == [
        "invoice.pdf", "scans/fee list.pdf", "scans/ward/summary.pdf"]
    assert findings(result, "corrupt_file") == {}


def test_folders_deeper_than_the_limit_are_named_not_dropped(tmp_path: Path, context: Context) -> None:
    case = tmp_path / "C1"
    (case / "a" / "b" / "c").mkdir(parents=True)
    hostile.good_pdf(case / "a" / "b" / "ok.pdf")
    hostile.good_pdf(case / "a" / "b" / "c" / "deep.pdf")
    result = decided(case, context, Settings(cache_dir=None, workers=1, max_depth=2))
    assert read_names(result) == ["a/b/ok.pdf"]
    (message,) = findings(result, "corrupt_file").values()
    assert "a/b/c/" in message and "CLAIMS_MAX_DEPTH" in message
    assert read_names(decided(case, context)) == ["a/b/c/deep.pdf", "a/b/ok.pdf"]  # default 8 levels


def test_links_out_of_the_inbox_are_not_followed_and_links_inside_are(tmp_path: Path,
                                                                     context: Context) -> None:
    inbox, outside = tmp_path / "inbox", tmp_path / "home"
    case = inbox / "C1"
    (inbox / "C2").mkdir(parents=True)
    case.mkdir()
    outside.mkdir()
    hostile.good_pdf(outside / "secret.pdf", "Private letter SECRETWORD")
    hostile.good_pdf(inbox / "C2" / "shared.pdf", "Detailed list of expenses")
    hostile.good_pdf(case / "invoice.pdf")
    (case / "letter.pdf").symlink_to(outside / "secret.pdf")
    (case / "home").symlink_to(outside)  # a folder outside
    (case / "fee.pdf").symlink_to(inbox / "C2" / "shared.pdf")  # inside the inbox: read
    (case / "gone.pdf").symlink_to(case / "deleted.pdf")
    (case / "self.pdf").symlink_to("self.pdf")  # a link to itself
    (case / "again").symlink_to(case)  # a folder loop

    result = finishes(lambda: decided(inbox / "C1", context))
    assert read_names(result) == ["fee.pdf", "invoice.pdf"]
    assert all("SECRETWORD" not in p.text for d in result.documents for p in d.pages)
    corrupt = findings(result, "corrupt_file")
    assert sorted(corrupt) == ["again/", "gone.pdf", "home", "letter.pdf", "self.pdf"]
    for name in ("letter.pdf", "home"):
        assert "outside the inbox" in corrupt[name] and "itself into the case folder" in corrupt[name]
    assert "does not exist" in corrupt["gone.pdf"] and "loop" in corrupt["again/"]


def test_a_pipe_in_a_case_folder_is_named_and_never_opened(tmp_path: Path, context: Context) -> None:
    case = tmp_path / "C1"
    case.mkdir()
    hostile.good_pdf(case / "invoice.pdf")
    os.mkfifo(case / "scan.pdf")
    result = finishes(lambda: decided(case, context))
    assert read_names(result) == ["invoice.pdf"]
    assert "pipe" in findings(result, "corrupt_file")["scan.pdf"]
    # `claims ocr FILE` on a pipe: refused from its status, not opened
    with pytest.raises(BadFileError) as info:
        finishes(lambda: file_kind(case / "scan.pdf", SETTINGS))
    assert info.value.reason == "not_a_file"


def test_an_empty_case_folder_is_decided_and_says_it_holds_nothing(tmp_path: Path, context: Context) -> None:
    empty = tmp_path / "EMPTY"
    empty.mkdir()
    result = decided(empty, context)
    assert result.status == "needs_review" and result.documents == []
    missing = findings(result, "missing_document")
    assert missing and all("the case folder holds no documents" in m for m in missing.values())
    (inferred,) = findings(result, "claim_type_inferred").values()
    assert "no documents to infer it from" in inferred and "the default" in inferred


def test_a_case_of_only_unreadable_files_says_so(tmp_path: Path, context: Context) -> None:
    case = tmp_path / "C1"
    case.mkdir()
    (case / "scan.pdf").write_bytes(b"")
    (case / "outside.pdf").symlink_to("/etc/hostname")
    result = decided(case, context)
    assert sorted(findings(result, "corrupt_file")) == ["outside.pdf", "scan.pdf"]
    assert all("no readable document (2 file(s) could not be read" in m
               for m in findings(result, "missing_document").values())


# --- case.json --------------------------------------------------------------------------------

def _case_with_manifest(tmp_path: Path, manifest: str | bytes) -> Path:
    case = tmp_path / "C1"
    case.mkdir()
    hostile.good_pdf(case / "invoice.pdf")
    hostile.good_pdf(case / "summary.pdf", "Discharge summary")
    raw = manifest.encode() if isinstance(manifest, str) else manifest
    (case / "case.json").write_bytes(raw)
    return case


@pytest.mark.parametrize("manifest, advice", [
    ("{not json", "not valid JSON (line 1)"),
    ('["outpatient"]', "one JSON object"),
    ('{"claim_type": "outpatient"}'.encode("utf-16"), "not UTF-8"),
])
def test_a_broken_case_json_is_a_corrupt_file_and_the_documents_are_read(
        tmp_path: Path, context: Context, manifest: str | bytes, advice: str) -> None:
    result = decided(_case_with_manifest(tmp_path, manifest), context)
    assert advice in findings(result, "corrupt_file")["case.json"]
    assert read_names(result) == ["invoice.pdf", "summary.pdf"]
    assert result.claim_type == "inpatient_local"  # inferred from the discharge summary
    assert "case.json could not be read" in findings(result, "claim_type_inferred")["claim_type"]


@pytest.mark.parametrize("given, shown", [('"dental"', '"dental"'), ("7", "7"),
                                          ('["outpatient"]', '["outpatient"]')])
def test_an_unknown_claim_type_is_inferred_and_named(tmp_path: Path, context: Context, given: str,
                                                     shown: str) -> None:
    result = decided(_case_with_manifest(tmp_path, f'{{"claim_type": {given}, "colour": "blue"}}'), context)
    assert result.claim_type == "inpatient_local" and result.claim_type_inferred
    message = findings(result, "claim_type_inferred")["claim_type"]
    assert f"claim_type {shown}" in message
    assert "outpatient, inpatient_local, inpatient_out_of_area" in message
    assert "corrupt_file" not in result.reasons  # unknown keys ("colour") are ignored


def test_a_claim_type_in_other_case_or_with_hyphens_is_taken(tmp_path: Path, context: Context) -> None:
    result = decided(_case_with_manifest(tmp_path, '{"claim_type": " Inpatient-Out-Of-Area "}'), context)
    assert result.claim_type == "inpatient_out_of_area" and not result.claim_type_inferred


def test_known_keys_of_the_wrong_type_are_named_with_what_was_done(tmp_path: Path, context: Context) -> None:
    case = _case_with_manifest(tmp_path, json.dumps({
        "claim_type": "inpatient_local", "employer_insured": "yes", "submitted_on": "02/04/2026",
        "insured_region": 310000}))
    manifest, problems = read_manifest(case)
    assert manifest == {"claim_type": "inpatient_local"}  # wrong values never reach the rules
    result = decided(case, context)
    corrupt = [f.message for f in result.findings if f.code == "corrupt_file"]
    assert len(corrupt) == 3 == len(problems)
    employer = next(m for m in corrupt if "employer_insured" in m)
    assert '"yes"' in employer and "true or false" in employer and "not employer-insured" in employer
    assert any('"02/04/2026"' in m and "YYYY-MM-DD" in m for m in corrupt)
    assert read_names(result) == ["invoice.pdf", "summary.pdf"] and not result.claim_type_inferred


def test_a_case_json_that_is_a_pipe_is_not_opened(tmp_path: Path) -> None:
    case = tmp_path / "C1"
    case.mkdir()
    os.mkfifo(case / "case.json")
    manifest, problems = finishes(lambda: read_manifest(case))
    assert manifest == {} and "pipe" in problems[0].message


def test_id_numbers_in_file_names_and_case_json_stay_out_of_messages(tmp_path: Path,
                                                                     context: Context) -> None:
    """Clerks name scans by the patient's ID number; messages quote names and values masked, while
    `source_file` keeps the real name so the file can be found."""
    number = "110101199003071233"
    case = _case_with_manifest(tmp_path, json.dumps({"claim_type": number, "submitted_on": number}))
    (case / f"{number}.pdf").write_bytes(b"")
    result = decided(case, context)
    assert f"{number}.pdf" in findings(result, "corrupt_file")
    assert all(number not in f.message for f in result.findings)
    assert any("1101************33" in f.message for f in result.findings if f.code == "claim_type_inferred")


# --- files ------------------------------------------------------------------------------------------

def test_a_file_is_read_by_its_content_not_its_extension(tmp_path: Path, context: Context) -> None:
    case = tmp_path / "C1"
    case.mkdir()
    hostile.small_scan(case / "scan.pdf", ["Medical Invoice", "Invoice No. 7788"])  # a PNG named .pdf
    hostile.good_pdf(case / "list.jpg", "Detailed list of expenses")  # a PDF named .jpg
    hostile.good_pdf(case / "summary", "Discharge summary")  # a PDF without an extension
    result = decided(case, context)
    assert findings(result, "corrupt_file") == {}
    pages = {p.source_file: p for d in result.documents for p in d.pages}
    assert sorted(pages) == ["list.jpg", "scan.pdf", "summary"]
    assert pages["scan.pdf"].method == "ocr" and "Invoice" in pages["scan.pdf"].text
    assert pages["list.jpg"].method == "text_layer"


def test_unsupported_types_are_named_with_what_to_send(tmp_path: Path, context: Context) -> None:
    case = tmp_path / "C1"
    case.mkdir()
    hostile.good_pdf(case / "invoice.pdf")
    (case / "letter.docx").write_bytes(b"PK\x03\x04" + b"\x00" * 200)
    (case / "notes.txt").write_text("Dear clerk, the invoice is attached.\n", encoding="utf-8")
    (case / "README").write_text("scanned on Monday\n", encoding="utf-8")
    (case / "packet.zip").write_bytes(b"PK\x03\x04" + b"\x00" * 200)
    result = decided(case, context)
    corrupt = findings(result, "corrupt_file")
    assert sorted(corrupt) == ["README", "letter.docx", "notes.txt", "packet.zip"]
    assert all("PDF, PNG, JPEG or TIFF" in m for m in corrupt.values())
    assert "export the document to PDF" in corrupt["letter.docx"]
    assert "unpack it into the case folder" in corrupt["packet.zip"]
    assert "without an extension" in corrupt["README"]
    assert read_names(result) == ["invoice.pdf"]


def test_a_pdf_of_thousands_of_pages_is_refused_before_reading(tmp_path: Path, context: Context) -> None:
    case = tmp_path / "C1"
    case.mkdir()
    hostile.blank_pdf(case / "archive.pdf", 3000)
    hostile.good_pdf(case / "invoice.pdf")
    result = decided(case, context)
    message = findings(result, "corrupt_file")["archive.pdf"]
    assert "3000 pages" in message and "limit of 2000" in message and "CLAIMS_MAX_PAGES" in message
    assert read_names(result) == ["invoice.pdf"]


def test_the_page_limit_is_a_setting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                     context: Context) -> None:
    case = tmp_path / "C1"
    case.mkdir()
    hostile.blank_pdf(case / "scans.pdf", 60)
    monkeypatch.setenv("CLAIMS_MAX_PAGES", "50")
    low = Settings.from_env()
    assert low.max_pages == 50
    result = decided(case, context, low)
    assert "60 pages, over the limit of 50" in findings(result, "corrupt_file")["scans.pdf"]
    monkeypatch.delenv("CLAIMS_MAX_PAGES")
    assert len([i for job in plan_file(case / "scans.pdf", Settings.from_env()) for i in job.indices]) == 60


def test_the_file_size_limit_is_a_setting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    big = tmp_path / "photo.png"
    hostile.small_scan(big, ["Medical Invoice"])
    with big.open("ab") as fh:  # bytes after IEND: a valid PNG of 1.5 MB
        fh.write(os.urandom(3 << 19))
    monkeypatch.setenv("CLAIMS_MAX_FILE_MB", "1")
    (problem,) = read_files([big], Settings.from_env()).problems
    assert problem.reason == "too_large" and "over the limit of 1 MB" in problem.message
    assert "CLAIMS_MAX_FILE_MB" in problem.message
    monkeypatch.delenv("CLAIMS_MAX_FILE_MB")
    assert plan_file(big, Settings.from_env())  # within the default limit it is read


@pytest.mark.parametrize("value", ["abc", "0", "-5", "1.5"])
def test_a_limit_that_is_not_a_number_is_refused_not_replaced(monkeypatch: pytest.MonkeyPatch,
                                                              value: str) -> None:
    monkeypatch.setenv("CLAIMS_MAX_PIXELS", value)
    with pytest.raises(BadSetting, match="CLAIMS_MAX_PIXELS"):
        Settings.from_env()


def test_a_pixel_bomb_is_refused_from_its_header_without_decoding(tmp_path: Path) -> None:
    """A 50,000 x 50,000 PNG (7.5 GB decoded) in a process that may not allocate 2 GB: refused with
    advice, and the process stays small."""
    bomb = hostile.header_bomb_png(tmp_path / "bomb.png")
    code = (
        "import json, resource, sys\n"
        "resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))\n"
        "from pathlib import Path\n"
        "from pipeline.reading import read_files\n"
        "from pipeline.settings import Settings\n"
        "r = read_files([Path(sys.argv[1])], Settings(cache_dir=None, workers=1))\n"
        "peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss >> 10\n"
        "print(json.dumps({'problems': [[p.reason, p.message] for p in r.problems], 'mb': peak}))\n"
    )
    run = subprocess.run([sys.executable, "-c", code, str(bomb)], capture_output=True, text=True,
                         timeout=120, cwd=Path(__file__).resolve().parent.parent)
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout)
    ((reason, message),) = out["problems"]
    assert reason == "too_large" and "50000x50000" in message and "CLAIMS_MAX_PIXELS" in message
    # the reading code's imports (OpenCV, pdfium, NumPy) take ~450 MB; decoding even a greyscale
    # copy of the bomb would take 2,500 MB (and fail under the 2 GB limit)
    assert out["mb"] < 1000


def test_a_pixel_bomb_in_a_case_is_a_finding_and_the_rest_is_read(tmp_path: Path, context: Context) -> None:
    case = tmp_path / "C1"
    case.mkdir()
    hostile.header_bomb_png(case / "photo.png")
    hostile.good_pdf(case / "invoice.pdf")
    result = decided(case, context)
    assert "CLAIMS_MAX_PIXELS" in findings(result, "corrupt_file")["photo.png"]
    assert read_names(result) == ["invoice.pdf"]


def test_scan_case_lists_files_in_name_order_with_display_names(tmp_path: Path) -> None:
    case = tmp_path / "C1"
    (case / "b").mkdir(parents=True)
    for name in ("b/2.pdf", "a.pdf", "b/1.pdf", "c.pdf", "case.json", ".DS_Store"):
        (case / name).write_bytes(b"x")
    found = scan_case(case, SETTINGS)
    assert [f.name for f in found.files] == ["a.pdf", "b/1.pdf", "b/2.pdf", "c.pdf"]
    assert found.files[1].path == case / "b" / "1.pdf" and found.problems == []


# --- the whole command ------------------------------------------------------------------------------

def _hostile_inbox(root: Path) -> Path:
    """Several cases, each with some hostile input and one good page, plus things that are no case."""
    inbox, outside = root / "inbox", root / "elsewhere"
    outside.mkdir()
    hostile.good_pdf(outside / "private.pdf", "Private letter")
    (outside / "case").mkdir()

    a = inbox / "A case with spaces"
    a.mkdir(parents=True)
    hostile.good_pdf(a / "invoice.pdf")
    (a / "empty.pdf").write_bytes(b"")
    hostile.truncated_pdf(a / "cut.pdf")
    hostile.blank_pdf(a / "archive.pdf", 3000)

    b = hostile.byte_name(inbox, b"B-caf\xe9")  # a case folder whose name is not UTF-8
    b.mkdir()
    hostile.good_pdf(b / "发票 扫描.pdf")
    (b / "case.json").write_text('{"claim_type": "dental", "employer_insured": "yes"}', encoding="utf-8")

    c = inbox / "C-nested"
    (c / "scans").mkdir(parents=True)
    hostile.small_scan(c / "scans" / "page1.pdf", ["Medical Invoice", "Invoice No. 7788"])  # a PNG
    (c / "letter.docx").write_bytes(b"PK\x03\x04" + b"\x00" * 200)
    os.mkfifo(c / "pipe.pdf")
    (c / "private.pdf").symlink_to(outside / "private.pdf")
    hostile.header_bomb_png(hostile.byte_name(c, b"photo\xff.png"))

    (inbox / "D-empty").mkdir()

    e = inbox / "E-json"
    e.mkdir()
    (e / "case.json").write_text("{not json", encoding="utf-8")
    hostile.good_pdf(e / "list.jpg", "Detailed list of expenses")  # a PDF named .jpg

    (inbox / "F-outside").symlink_to(outside / "case")  # a case folder outside: not followed
    hostile.good_pdf(inbox / "stray.pdf")  # outside any case folder
    (inbox / "A case with spaces.truth.json").write_text("{}", encoding="utf-8")  # ground truth
    return inbox


def test_claims_run_over_a_hostile_inbox_finishes_with_every_case(tmp_path: Path, db_url: str) -> None:
    """On SQLite and on PostgreSQL: names that are not UTF-8, NULs and long names must fit both."""
    inbox = _hostile_inbox(tmp_path)
    out = tmp_path / "out"
    env = {**os.environ, "CLAIMS_CACHE_DIR": str(tmp_path / "cache"), "OMP_THREAD_LIMIT": "1"}
    run = subprocess.run([CLAIMS, "run", str(inbox), "--out", str(out), "--db", db_url],
                         capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300)
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr

    cases = pd.read_csv(out / "cases.csv", dtype=str, keep_default_na=False)
    assert sorted(cases.case_id) == ["A case with spaces", "B-caf\\xe9", "C-nested", "D-empty", "E-json"]
    assert (cases.status == "needs_review").all()
    found = pd.read_csv(out / "findings.csv", dtype=str, keep_default_na=False)
    corrupt = set(found[found.code == "corrupt_file"][["case_id", "source_file"]].itertuples(index=False,
                                                                                             name=None))
    assert corrupt == {
        ("A case with spaces", "empty.pdf"), ("A case with spaces", "cut.pdf"),
        ("A case with spaces", "archive.pdf"), ("B-caf\\xe9", "case.json"),
        ("C-nested", "letter.docx"), ("C-nested", "pipe.pdf"), ("C-nested", "private.pdf"),
        ("C-nested", "photo\\xff.png"), ("E-json", "case.json"),
    }
    inferred = found[(found.code == "claim_type_inferred")].set_index("case_id").message
    assert '"dental"' in inferred["B-caf\\xe9"]
    assert "holds no documents" in inferred["D-empty"]
    docs = pd.read_csv(out / "documents.csv", dtype=str, keep_default_na=False)
    assert set(docs[["case_id", "source_file"]].itertuples(index=False, name=None)) == {
        ("A case with spaces", "invoice.pdf"), ("B-caf\\xe9", "发票 扫描.pdf"),
        ("C-nested", "scans/page1.pdf"), ("E-json", "list.jpg")}
    for name in ("cases", "documents", "line_items", "findings"):
        parquet = pd.read_parquet(out / f"{name}.parquet")
        assert len(parquet) == len(pd.read_csv(out / f"{name}.csv", dtype=str, keep_default_na=False))
    # what is not a case is named on the terminal, the ground truth is not
    assert "stray.pdf" in run.stderr and "F-outside" in run.stderr
    assert "truth.json" not in run.stderr
    assert "Private letter" not in (out / "documents.csv").read_text(encoding="utf-8")

