"""Environment for tests that run the pipeline: the session's OCR cache, one tesseract thread."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def ocr_cache_env(cache: Path) -> Iterator[Path]:
    """`CLAIMS_CACHE_DIR` set to `cache` (and `OMP_THREAD_LIMIT=1`) while inside, restored after."""
    old = os.environ.get("CLAIMS_CACHE_DIR")
    os.environ["CLAIMS_CACHE_DIR"] = str(cache)
    os.environ["OMP_THREAD_LIMIT"] = "1"
    try:
        yield cache
    finally:
        if old is None:
            os.environ.pop("CLAIMS_CACHE_DIR", None)
        else:
            os.environ["CLAIMS_CACHE_DIR"] = old
