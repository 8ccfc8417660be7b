"""Names and ID numbers stay in the store, out of logs and messages."""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd

from pipeline.privacy import MaskingFilter, install_log_filter, mask_name, mask_numbers

DEMO = Path(__file__).resolve().parent.parent / "samples" / "demo"
CLAIMS = str(Path(sys.executable).parent / "claims")


def test_numbers_are_masked_but_for_their_ends() -> None:
    assert mask_numbers("ID 110101199003071233 read") == "ID 1101************33 read"
    assert mask_numbers("id 11010119900307123X") == "id 1101************3X"
    assert mask_numbers("account 6222 0210 0112 3456 789") == "account 6222*************89"
    # amounts, dates, invoice numbers of a few digits and case ids stay readable
    for text in ("total 1234.50", "2024-03-05", "invoice 1753768840", "case S3-0006"):
        assert mask_numbers(text) == text


def test_names_are_masked_word_by_word() -> None:
    assert mask_name("Wang Xiaoming") == "W*** X*******"
    assert mask_name("  Li  ") == "L*"


def test_log_records_are_masked_on_every_handler(tmp_path: Path) -> None:
    logger = logging.getLogger("claims-test-privacy")
    logger.propagate = False
    path = tmp_path / "log.txt"
    handler = logging.FileHandler(path)
    logger.addHandler(handler)
    try:
        install_log_filter()
        assert any(isinstance(f, MaskingFilter) for f in handler.filters)
        logger.warning("could not match %s on %s", "110101199003071233", "d2")
        handler.flush()
    finally:
        logger.removeHandler(handler)
        handler.close()
    text = path.read_text(encoding="utf-8")
    assert "110101199003071233" not in text and "1101************33" in text


def test_a_run_shows_no_name_or_id_number(tmp_path: Path, ocr_cache: Path) -> None:
    """The demo case with a planted identity mismatch, plus a broken file and verbose Prefect
    logs: nothing a person could be identified by reaches the terminal; the store has it all."""
    inbox = tmp_path / "inbox"
    shutil.copytree(DEMO / "S3-0006", inbox / "S3-0006")
    (inbox / "S3-0006" / "broken.pdf").write_bytes(b"%PDF-1.4 cut")
    truth = json.loads((DEMO / "S3-0006.truth.json").read_text(encoding="utf-8"))
    personal = {v for d in truth["documents"] for k, v in d["fields"].items()
                if k in ("patient_name", "id_number", "card_number", "bank_account") and v}
    assert personal
    env = {**os.environ, "CLAIMS_CACHE_DIR": str(ocr_cache), "PREFECT_LOGGING_LEVEL": "INFO",
           "OMP_THREAD_LIMIT": "1"}
    r = subprocess.run([CLAIMS, "run", str(inbox), "--out", str(tmp_path / "out"),
                        "--db", f"sqlite:///{tmp_path / 'c.db'}"], capture_output=True, text=True,
                       env=env, cwd=tmp_path, timeout=600)
    assert r.returncode == 0, r.stderr
    shown = r.stdout + r.stderr
    for value in personal:
        for word in re.findall(r"\w{3,}", value):
            assert word not in shown, f"{word!r} reached the terminal"
    findings = pd.read_csv(tmp_path / "out" / "findings.csv", dtype=str, keep_default_na=False)
    assert "identity_mismatch" in set(findings.code)
    for value in personal:
        assert not findings.message.str.contains(value, regex=False).any()
    docs = pd.read_csv(tmp_path / "out" / "documents.csv", dtype=str, keep_default_na=False)
    assert set(docs.patient_name) & {v for v in personal}  # the store keeps them
