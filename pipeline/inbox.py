"""The inbox: one folder per case, files inside. What is a case and which files it holds."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from pipeline.models import FileProblem

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


def read_manifest(case_dir: Path) -> tuple[dict[str, Any], FileProblem | None]:
    """case.json as a dict ({} when absent); a manifest that is not a JSON object is a problem
    (the case goes on as if it had none)."""
    path = case_dir / MANIFEST
    if not path.is_file():
        return {}, None
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        where = f" (line {err.lineno})" if isinstance(err, json.JSONDecodeError) else ""
        return {}, FileProblem(MANIFEST, "bad_manifest",
                               f"case.json is not valid JSON{where}; it was ignored: fix it and run the "
                               "case again")
    if not isinstance(data, dict):
        return {}, FileProblem(MANIFEST, "bad_manifest",
                               "case.json must hold one JSON object; it was ignored: fix it and run the "
                               "case again")
    return data, None


def loose_files(inbox: Path) -> list[Path]:
    """Files lying in the inbox itself, outside any case folder: not processed, so the user must
    be told."""
    return sorted(p for p in inbox.iterdir() if p.is_file() and not p.name.startswith("."))
