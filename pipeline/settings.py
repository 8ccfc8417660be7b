"""Limits and knobs, with sensible defaults, overridable by environment variables.

    CLAIMS_MAX_FILE_MB  256          one file of a packet, in MB: a bigger file is refused
                                     (`too_large`) from its size, before it is opened
    CLAIMS_MAX_PAGES    2000         pages of one PDF or TIFF: more is refused (`too_many_pages`)
                                     before any page is read
    CLAIMS_MAX_PIXELS   120000000    one page image (A4 at 600 dpi is 35 Mpx): a bigger image (a
                                     decompression bomb) is refused (`too_large`) from its header,
                                     before it is decoded
    CLAIMS_MAX_DEPTH    8            folders nested inside a case folder: deeper files are not read
                                     (`too_deep`, named in a corrupt_file finding)
    CLAIMS_WORKERS      cores        single-threaded tesseract workers
    CLAIMS_OCR_LANG     eng          tesseract languages
    CLAIMS_CACHE_DIR    .claims-cache  the OCR cache; set but empty: no cache

A value that is not a whole number of at least 1 is refused with a `BadSetting` naming the
variable (never silently replaced by the default: a limit the user set must hold).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.errors import ClaimsError


class BadSetting(ClaimsError):
    """An environment variable holds a value we cannot use; the message names it."""


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip().replace("_", "")
    if not raw:
        return default
    if not raw.isdigit() or int(raw) < 1:
        raise BadSetting(f"{name}={os.environ[name]!r} is not a whole number of at least 1: "
                         f"fix it, or unset it for the default ({default:,})")
    return int(raw)


@dataclass(frozen=True)
class Settings:
    max_file_bytes: int = 256 * 1024 * 1024  # one file of a packet
    max_pages: int = 2000  # pages of one PDF or TIFF
    max_pixels: int = 120_000_000  # one page image (A4 at 600 dpi is 35 Mpx)
    max_depth: int = 8  # folders nested inside a case folder
    ocr_lang: str = "eng"
    workers: int = field(default_factory=lambda: os.cpu_count() or 1)
    cache_dir: Path | None = Path(".claims-cache")  # None: no OCR cache

    @classmethod
    def from_env(cls) -> Settings:
        """The defaults, overridden by the `CLAIMS_*` variables that are set. Raises BadSetting for
        a value that is not a whole number of at least 1."""
        base = cls()
        cache = os.environ.get("CLAIMS_CACHE_DIR")
        return cls(
            max_file_bytes=_env_int("CLAIMS_MAX_FILE_MB", base.max_file_bytes >> 20) << 20,
            max_pages=_env_int("CLAIMS_MAX_PAGES", base.max_pages),
            max_pixels=_env_int("CLAIMS_MAX_PIXELS", base.max_pixels),
            max_depth=_env_int("CLAIMS_MAX_DEPTH", base.max_depth),
            ocr_lang=os.environ.get("CLAIMS_OCR_LANG", base.ocr_lang),
            workers=_env_int("CLAIMS_WORKERS", base.workers),
            cache_dir=(None if cache == "" else Path(cache)) if cache is not None else base.cache_dir,
        )
