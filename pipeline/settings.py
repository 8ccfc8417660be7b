"""Limits and knobs, with sensible defaults, overridable by environment variables."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    return int(raw) if raw.isdigit() else default


@dataclass(frozen=True)
class Settings:
    max_file_bytes: int = 256 * 1024 * 1024  # one file of a packet
    max_pages: int = 2000  # pages of one PDF or TIFF
    max_pixels: int = 120_000_000  # one page image (A4 at 600 dpi is 35 Mpx)
    ocr_lang: str = "eng"
    workers: int = field(default_factory=lambda: os.cpu_count() or 1)
    cache_dir: Path | None = Path(".claims-cache")  # None: no OCR cache

    @classmethod
    def from_env(cls) -> Settings:
        base = cls()
        cache = os.environ.get("CLAIMS_CACHE_DIR")
        return cls(
            max_file_bytes=_env_int("CLAIMS_MAX_FILE_MB", base.max_file_bytes >> 20) << 20,
            max_pages=_env_int("CLAIMS_MAX_PAGES", base.max_pages),
            max_pixels=_env_int("CLAIMS_MAX_PIXELS", base.max_pixels),
            ocr_lang=os.environ.get("CLAIMS_OCR_LANG", base.ocr_lang),
            workers=_env_int("CLAIMS_WORKERS", base.workers),
            cache_dir=(None if cache == "" else Path(cache)) if cache is not None else base.cache_dir,
        )
