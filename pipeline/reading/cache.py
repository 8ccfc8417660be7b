"""OCR results cached by content hash, so a page is never OCRed twice."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import asdict
from pathlib import Path

from pipeline.models import Page, Word

CACHE_VERSION = "13"  # bump when OCR settings change what a page reads as


def file_hash(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


class OcrCache:
    """One JSON file per page under `root`, keyed by (file hash, page index, OCR language)."""

    def __init__(self, root: Path, lang: str) -> None:
        self.root = root
        self.tag = f"{CACHE_VERSION}-{lang}"

    def _path(self, content_hash: str) -> Path:
        key = hashlib.sha256(f"{self.tag}:{content_hash}".encode()).hexdigest()
        return self.root / key[:2] / f"{key}.json"

    def get(self, content_hash: str, source_file: str) -> Page | None:
        path = self._path(content_hash)
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        words = [Word(**w) for w in raw.pop("words")]
        return Page(source_file=source_file, words=words, **raw)

    def put(self, page: Page) -> None:
        path = self._path(page.content_hash)
        path.parent.mkdir(parents=True, exist_ok=True)
        record = asdict(page)
        record.pop("source_file")
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(record, fh, separators=(",", ":"))
        Path(tmp).replace(path)
