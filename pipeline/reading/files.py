"""What a file is, judged by its bytes; every bad file becomes one `BadFileError`."""

from __future__ import annotations

from pathlib import Path

from pipeline.errors import BadFileError
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


def file_kind(path: Path, settings: Settings) -> str:
    """`pdf`, `png`, `jpeg` or `tiff`; raises BadFileError for anything we cannot read."""
    name = path.name
    size = path.stat().st_size
    if size == 0:
        raise BadFileError(name, "empty", "the file is empty (0 bytes): scan or export it again")
    if size > settings.max_file_bytes:
        raise BadFileError(
            name, "too_large",
            f"the file is {size >> 20} MB, over the limit of {settings.max_file_bytes >> 20} MB: "
            "split it, or raise CLAIMS_MAX_FILE_MB",
        )
    with path.open("rb") as fh:
        head = fh.read(2048)
    kind = sniff(head)
    suffix = path.suffix.lower()
    if kind is not None:
        return kind
    if suffix not in SUPPORTED_EXTENSIONS:
        raise BadFileError(
            name, "unsupported",
            f"'{suffix or 'no extension'}' files are not supported: send PDF, PNG, JPEG or TIFF",
        )
    if suffix == ".pdf":
        what = "text" if _looks_like_text(head) else "not a PDF"
        raise BadFileError(
            name, "not_pdf",
            f"the file is named .pdf but holds {what}: export the document to PDF again",
        )
    raise BadFileError(
        name, "not_image",
        f"the file is named {suffix} but is not an image: scan the page again as PNG, JPEG or TIFF",
    )
