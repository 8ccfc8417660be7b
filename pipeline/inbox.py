"""The inbox: one folder per case, files inside. What is a case and which files it holds."""

from __future__ import annotations

import logging
from pathlib import Path

log = logging.getLogger(__name__)

MANIFEST = "case.json"


def case_dirs(inbox: Path) -> list[Path]:
    """Case folders of an inbox, sorted by name (hidden folders are not cases)."""
    return sorted(p for p in inbox.iterdir() if p.is_dir() and not p.name.startswith("."))


def case_files(case_dir: Path) -> list[Path]:
    """The files of one case, manifest excluded, sorted by name."""
    files = []
    for p in sorted(case_dir.iterdir()):
        if p.name == MANIFEST or p.name.startswith("."):
            continue
        if p.is_file():
            files.append(p)
        else:
            log.warning("%s/%s is not a file; skipped", case_dir.name, p.name)
    return files
