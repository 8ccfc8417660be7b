"""What a file is, judged by its bytes; every bad file becomes one `BadFileError`."""

from __future__ import annotations

import stat
from pathlib import Path

from pipeline.errors import BadFileError
from pipeline.inbox import safe_name
from pipeline.settings import Settings

IMAGE_EXTENSIONS = {".png", ".jpg", ".jpeg", ".tif", ".tiff"}
SUPPORTED_EXTENSIONS = IMAGE_EXTENSIONS | {".pdf"}

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"II*\x00", "tiff"),
    (b"MM\x00*", "tiff"),
)


def sniff(head: bytes) -> str | None:
    """The format named by a file's first bytes, or None."""
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    # PDFs may carry a little junk before the header (the spec allows 1024 bytes).
    return "pdf" if b"%PDF-" in head[:1024] else None


def _looks_like_text(head: bytes) -> bool:
    if not head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return all(b >= 9 for b in head[:512])


# Advice for types people often send instead of the four we read.
_CONVERT = {
    ".zip": "unpack it into the case folder",
    ".rar": "unpack it into the case folder",
    ".7z": "unpack it into the case folder",
    ".heic": "export the photo as JPEG",
    ".heif": "export the photo as JPEG",
    ".doc": "export the document to PDF",
    ".docx": "export the document to PDF",
    ".odt": "export the document to PDF",
    ".xls": "export the sheet to PDF",
    ".xlsx": "export the sheet to PDF",
    ".txt": "print it to PDF",
    ".eml": "save its attachments into the case folder",
    ".msg": "save its attachments into the case folder",
}


def _unsupported(name: str, suffix: str) -> BadFileError:
    what = f"'{suffix}' files are" if suffix else "files without an extension that are not PDF or images are"
    todo = f"{_CONVERT[suffix]}; we read" if suffix in _CONVERT else "send it as"
    return BadFileError(name, "unsupported", f"{what} not supported: {todo} PDF, PNG, JPEG or TIFF")


def file_kind(path: Path, settings: Settings) -> str:
    """`pdf`, `png`, `jpeg` or `tiff`, judged by the bytes (a PNG named .pdf is read as the PNG it
    is); raises BadFileError for anything we cannot read. A pipe or device is refused from its
    file status and never opened (opening a pipe blocks until someone writes to it)."""
    name = safe_name(path.name)
    try:
        st = path.stat()
        if not stat.S_ISREG(st.st_mode):
            raise BadFileError(name, "not_a_file", "it is not a regular file (a folder, pipe or device), so "
                               "it was not read: put the document itself in its place")
        size = st.st_size
        if size == 0:
            raise BadFileError(name, "empty", "the file is empty (0 bytes): scan or export it again")
        if size > settings.max_file_bytes:
            raise BadFileError(
                name, "too_large",
                f"the file is {size / 2**20:,.1f} MB, over the limit of "
                f"{settings.max_file_bytes / 2**20:,.0f} MB: split it, or raise CLAIMS_MAX_FILE_MB",
            )
        with path.open("rb") as fh:
            head = fh.read(2048)
    except FileNotFoundError:
        raise BadFileError(name, "no_access", "the file disappeared while the case was being read: "
                           "put it back and run the case again") from None
    except OSError as err:
        raise BadFileError(name, "no_access", f"the file could not be opened ({err.strerror}): make it "
                           "readable and run the case again") from None
    kind = sniff(head)
    suffix = path.suffix.lower()
    if kind is not None:
        return kind
    if suffix not in SUPPORTED_EXTENSIONS:
        raise _unsupported(name, suffix)
    if suffix == ".pdf":
        what = "text" if _looks_like_text(head) else "something else"
        raise BadFileError(
            name, "not_pdf",
            f"the file is named .pdf but holds {what}, not a PDF: export the document to PDF again",
        )
    raise BadFileError(
        name, "not_image",
        f"the file is named {suffix} but is not an image: scan the page again as PNG, JPEG or TIFF",
    )
