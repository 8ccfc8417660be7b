"""Fixtures shared by test files."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def ocr_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One OCR cache for the whole session: the demo inbox is read by several test files, and
    OCRed once (never the user's `.claims-cache`)."""
    return tmp_path_factory.mktemp("ocr-cache")
