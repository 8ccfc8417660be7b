"""The inbox: one folder per case, files inside. What is a case, which files it holds, and a
defined outcome for everything else the user put there (nothing is dropped silently).

    scan_inbox(inbox)              -> InboxScan   the case folders, and a notice for everything
                                                  else that is not processed and why
    scan_case(case_dir, settings)  -> CaseFiles   the files to read (nested folders included) and
                                                  a FileProblem for everything not read
    read_manifest(case_dir)        -> (case.json as a dict, problems)
    case_id_of(case_dir), safe_name(name)         names as valid UTF-8 text

Links are followed only inside the inbox: a link to a file elsewhere on the machine (put there by
mistake, or by a hostile upload) is never opened. Pipes, sockets and devices are never opened
either (reading a pipe blocks forever). Names beginning with a dot are ignored everywhere: they
are the file systems' own (`.DS_Store`, `._scan.pdf` of macOS, `.claims-cache`), not documents.
"""

from __future__ import annotations

import json
import os
import re
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.models import FileProblem
from pipeline.privacy import mask_numbers
from pipeline.settings import Settings

MANIFEST = "case.json"
TRUTH_SUFFIX = ".truth.json"  # `claims samples` writes <case>.truth.json next to each case folder
MAX_MANIFEST_BYTES = 1 << 20  # a manifest is a few lines; more is not a manifest
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def safe_name(name: str) -> str:
    """A file or folder name as valid UTF-8 text: bytes that are not UTF-8 (which Linux hands to
    Python as surrogate escapes) become `\\xNN`, so the name can be printed and written to
    SQLite, PostgreSQL, CSV and Parquet, and two different names stay different."""
    return os.fsencode(name).decode("utf-8", "backslashreplace")


def case_id_of(case_dir: Path) -> str:
    """The case id: the case folder's name, as valid UTF-8 text (see `safe_name`)."""
    return safe_name(case_dir.name)


# --- the inbox ------------------------------------------------------------------------------------

@dataclass
class InboxScan:
    """What an inbox holds: the case folders to process, sorted by case id, and one human message
    for each thing in the inbox that is not processed."""

    cases: list[Path] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    loose: list[Path] = field(default_factory=list)  # files lying outside any case folder


def _inside(target: str, root: str) -> bool:
    """Is the real path `target` strictly inside the real folder `root`?"""
    return target != root and os.path.commonpath([target, root]) == root


def scan_inbox(inbox: Path) -> InboxScan:
    """The case folders of `inbox` and a notice for everything else in it: loose files (but not
    the `<case>.truth.json` ground truth next to a case folder), links leading out of the inbox
    (not followed), broken links, pipes and devices, folders whose name collides with another's
    once written as UTF-8."""
    root = os.path.realpath(inbox)
    scan = InboxScan()
    with os.scandir(inbox) as listing:
        entries = sorted((e for e in listing if not e.name.startswith(".")), key=lambda e: e.name)
    folders: dict[str, Path] = {}
    files: list[Path] = []
    for entry in entries:
        name, path = safe_name(entry.name), Path(entry.path)
        kind = _entry_kind(path, root)
        if kind == "dir":
            if name in folders:
                scan.notices.append(f"{name}: this folder's name is the same as another case folder's "
                                    "once written as UTF-8; not processed: rename the folder")
                continue
            folders[name] = path
        elif kind == "file":
            files.append(path)
        else:
            scan.notices.append(f"{name}: {_NOT_FOLLOWED[kind]}; not processed: {_INBOX_ADVICE[kind]}")
    scan.cases = [folders[k] for k in sorted(folders)]
    for path in files:
        stem = path.name[: -len(TRUTH_SUFFIX)] if path.name.endswith(TRUTH_SUFFIX) else None
        if stem is not None and safe_name(stem) in folders:
            continue  # ground truth of a sample case, not a document
        scan.loose.append(path)
        scan.notices.append(f"{safe_name(path.name)}: a file in the inbox outside any case folder; not "
                            "processed: move it into its case's folder")
    return scan


def case_dirs(inbox: Path) -> list[Path]:
    """Case folders of an inbox, sorted by case id (see `scan_inbox`)."""
    return scan_inbox(inbox).cases


def loose_files(inbox: Path) -> list[Path]:
    """Files lying in the inbox itself, outside any case folder: not processed, so the user must
    be told (see `scan_inbox` for everything else that is not processed)."""
    return scan_inbox(inbox).loose


# What is wrong with an entry that is neither a readable file nor a folder, and what to do.
_NOT_FOLLOWED = {
    "outside": "a link to something outside the inbox, which is never followed",
    "broken": "a link whose target does not exist (or a loop of links)",
    "special": "a pipe, socket or device, not a file, which is never opened",
}
_INBOX_ADVICE = {
    "outside": "copy the case folder itself into the inbox",
    "broken": "replace the link with the case folder itself",
    "special": "remove it; put case folders into the inbox",
}
_CASE_ADVICE = {
    "outside": "copy the file (or folder) itself into the case folder",
    "broken": "replace the link with the file itself",
    "special": "put the document itself into the case folder as PDF, PNG, JPEG or TIFF",
}
_REASONS = {"outside": "outside_inbox", "broken": "broken_link", "special": "not_a_file"}


def _entry_kind(path: Path, root: str) -> str:
    """`file`, `dir`, or why the entry is not read: `outside` (a link leading out of `root`: its
    target is never touched), `broken` (a link to nothing, or a loop), `special` (pipe, socket,
    device: never opened)."""
    try:
        st = os.lstat(path)
        if stat.S_ISLNK(st.st_mode):
            if not _inside(os.path.realpath(path), root):
                return "outside"
            st = path.stat()
    except OSError:  # vanished, a loop (ELOOP), a dangling link
        return "broken"
    if stat.S_ISDIR(st.st_mode):
        return "dir"
    return "file" if stat.S_ISREG(st.st_mode) else "special"


# --- one case ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class CaseFile:
    """One file of a case: where it is, and its name for people and tables: the path relative to
    the case folder with `/` separators (`scans/page1.png`), as valid UTF-8 text."""

    path: Path
    name: str


@dataclass
class CaseFiles:
    """The files of one case to read, sorted by name, and everything in the folder not read."""

    files: list[CaseFile] = field(default_factory=list)
    problems: list[FileProblem] = field(default_factory=list)


def scan_case(case_dir: Path, settings: Settings | None = None, root: Path | None = None) -> CaseFiles:
    """Every file of a case folder, the files of nested folders included (up to
    `settings.max_depth` levels). Not case files: `case.json` at the top and names beginning with
    a dot. A problem, never opened: links whose target is outside `root` (default: the inbox, the
    case folder's parent), broken links and link loops, pipes and devices, folders too deep."""
    settings = settings or Settings()
    found = CaseFiles()
    base = os.path.realpath(root if root is not None else case_dir.parent)
    _walk(case_dir, "", 0, base, {os.path.realpath(case_dir)}, settings, found)
    found.files.sort(key=lambda f: f.name.split("/"))
    found.problems.sort(key=lambda p: p.source_file.split("/"))
    return found


def _walk(folder: Path, prefix: str, depth: int, root: str, seen: set[str], settings: Settings,
          found: CaseFiles) -> None:
    try:
        with os.scandir(folder) as listing:
            entries = sorted(listing, key=lambda e: e.name)
    except OSError as err:
        found.problems.append(FileProblem(
            prefix or ".", "no_access",
            f"the folder could not be listed ({err.strerror}); its files were not read: make it "
            "readable and run the case again"))
        return
    for entry in entries:
        if entry.name.startswith(".") or (depth == 0 and entry.name == MANIFEST):
            continue
        name, path = prefix + safe_name(entry.name), Path(entry.path)
        kind = _entry_kind(path, root)
        if kind == "file":
            found.files.append(CaseFile(path, name))
        elif kind == "dir":
            _enter(path, name, depth, root, seen, settings, found)
        else:
            found.problems.append(FileProblem(
                name, _REASONS[kind], f"{_NOT_FOLLOWED[kind]}: {_CASE_ADVICE[kind]}"))


def _enter(path: Path, name: str, depth: int, root: str, seen: set[str], settings: Settings,
           found: CaseFiles) -> None:
    real = os.path.realpath(path)
    if real in seen:
        found.problems.append(FileProblem(
            name + "/", "link_loop",
            "a link to a folder already read (a loop), so its files were not read twice: replace "
            "the link with the files themselves"))
        return
    if depth + 1 > settings.max_depth:
        found.problems.append(FileProblem(
            name + "/", "too_deep",
            f"a folder nested more than {settings.max_depth} levels deep; its files were not read: "
            "move them up into the case folder, or raise CLAIMS_MAX_DEPTH"))
        return
    _walk(path, name + "/", depth + 1, root, seen | {real}, settings, found)


def case_files(case_dir: Path) -> list[Path]:
    """The files of one case, sorted by name (see `scan_case`, which also says what was not read)."""
    return [f.path for f in scan_case(case_dir).files]


# --- case.json ------------------------------------------------------------------------------------

def _manifest_problem(message: str) -> FileProblem:
    return FileProblem(MANIFEST, "bad_manifest", message)


def read_manifest(case_dir: Path, root: Path | None = None) -> tuple[dict[str, Any], list[FileProblem]]:
    """case.json as a dict ({} when absent), and its problems. A manifest that cannot be read or
    is not one JSON object is ignored (the case goes on as if it had none). A known key of the
    wrong type (`employer_insured: "yes"`) is dropped with a problem that quotes the value and
    says how the case was treated; `claim_type` is kept as given (an unknown one is named by the
    claim_type_inferred warning). Unknown keys are kept and ignored."""
    path = case_dir / MANIFEST
    if not os.path.lexists(path):
        return {}, []
    kind = _entry_kind(path, os.path.realpath(root if root is not None else case_dir.parent))
    if kind != "file":
        what = "a folder" if kind == "dir" else _NOT_FOLLOWED[kind]
        return {}, [_manifest_problem(f"case.json is {what}; it was ignored: make it a plain JSON "
                                      "file and run the case again")]
    if path.stat().st_size > MAX_MANIFEST_BYTES:
        return {}, [_manifest_problem(f"case.json is over {MAX_MANIFEST_BYTES >> 20} MB, not a manifest of "
                                      "a few keys; it was ignored: fix it and run the case again")]
    try:
        data = json.loads(path.read_bytes().decode("utf-8-sig"))
    except UnicodeDecodeError:
        return {}, [_manifest_problem("case.json is not UTF-8 text; it was ignored: save it as UTF-8 "
                                      "and run the case again")]
    except (OSError, json.JSONDecodeError, RecursionError) as err:
        where = f" (line {err.lineno})" if isinstance(err, json.JSONDecodeError) else ""
        return {}, [_manifest_problem(f"case.json is not valid JSON{where}; it was ignored: fix it and "
                                      "run the case again")]
    if not isinstance(data, dict):
        return {}, [_manifest_problem("case.json must hold one JSON object; it was ignored: fix it and "
                                      "run the case again")]
    return _checked(data)


def _checked(data: dict[str, Any]) -> tuple[dict[str, Any], list[FileProblem]]:
    """Known keys of the wrong type dropped, each with a problem saying how the case was treated."""
    problems = []
    kept = dict(data)
    for key, (ok, want, treated) in _KEY_TYPES.items():
        if key in data and data[key] is not None and not ok(data[key]):
            del kept[key]
            given = mask_numbers(json.dumps(data[key], ensure_ascii=False))
            given = given if len(given) <= 60 else given[:57] + "..."
            problems.append(_manifest_problem(
                f"case.json gives {key} as {given}, which is not {want}; it was ignored ({treated}): "
                f"fix it in case.json and run the case again"))
    return kept, problems


_KEY_TYPES: dict[str, tuple[Callable[[Any], bool], str, str]] = {
    "employer_insured": (lambda v: isinstance(v, bool), "true or false (without quotes)",
                         "the case was treated as not employer-insured, so no employer certificate "
                         "was required"),
    "submitted_on": (lambda v: isinstance(v, str) and bool(_ISO_DATE.fullmatch(v)),
                     "a date written YYYY-MM-DD", "the latest document date stands for it"),
    "insured_region": (lambda v: isinstance(v, str), "text", "the region is left empty"),
}
