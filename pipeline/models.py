"""Records that travel between stages. Imports nothing of ours.

Coordinates: every page has its own pixel-like space (`width` x `height`); for OCR pages this is
the upright, deskewed page at the resolution it was scanned at (upscaling is undone), for text-layer
pages it is PDF points. Word boxes are in that space, so the review app can highlight them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

DOC_TYPES: tuple[str, ...] = (
    "medical_invoice",
    "fee_list",
    "discharge_summary",
    "id_card",
    "insurance_card",
    "household_register",
    "out_of_area_registration",
    "residence_proof",
    "employer_certificate",
    "reimbursement_form",
    "other",
)

PageMethod = Literal["text_layer", "ocr"]


@dataclass(frozen=True, slots=True)
class Word:
    """One recognised word with its box and a confidence in 0..1."""

    text: str
    left: float
    top: float
    width: float
    height: float
    conf: float
    line: int  # index of the text line on its page, in reading order

    @property
    def right(self) -> float:
        return self.left + self.width

    @property
    def bottom(self) -> float:
        return self.top + self.height


@dataclass(slots=True)
class Page:
    """One page of one source file, as words."""

    source_file: str  # file name inside the case folder
    page_no: int  # 1-based inside source_file
    width: float
    height: float
    words: list[Word]
    method: PageMethod
    content_hash: str = ""  # hash of the page's bytes (image or PDF page); the OCR cache key
    rotation: int = 0  # degrees clockwise applied to make the page upright
    skew: float = 0.0  # degrees of deskew applied
    dpi: int = 0  # resolution of the scan (0 for text-layer pages)

    @property
    def mean_conf(self) -> float:
        return sum(w.conf for w in self.words) / len(self.words) if self.words else 0.0

    @property
    def lines(self) -> list[list[Word]]:
        """Words grouped by line, in reading order."""
        grouped: dict[int, list[Word]] = {}
        for w in self.words:
            grouped.setdefault(w.line, []).append(w)
        return [sorted(ws, key=lambda w: w.left) for _, ws in sorted(grouped.items())]

    @property
    def text(self) -> str:
        return "\n".join(" ".join(w.text for w in ws) for ws in self.lines)


@dataclass(slots=True)
class Document:
    """Consecutive pages of one source file that form one document of one type."""

    doc_type: str
    source_file: str
    pages: list[Page]
    confidence: float  # 0..1
    doc_id: str = ""
    unreadable: bool = False  # a page could not be read well enough to classify

    @property
    def page_range(self) -> str:
        first, last = self.pages[0].page_no, self.pages[-1].page_no
        return str(first) if first == last else f"{first}-{last}"

    @property
    def text(self) -> str:
        return "\n\f".join(p.text for p in self.pages)


@dataclass(slots=True)
class FileProblem:
    """A file of a case that could not be read; later stages make it a `corrupt_file` finding."""

    source_file: str
    reason: str
    message: str


@dataclass(slots=True)
class ReadResult:
    """Everything read from one case folder."""

    pages: list[Page] = field(default_factory=list)
    problems: list[FileProblem] = field(default_factory=list)


Severity = Literal["error", "warning"]
CLAIM_TYPES: tuple[str, ...] = ("outpatient", "inpatient_local", "inpatient_out_of_area")


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing a reviewer must look at. `error` findings route the case to a reviewer.

    `doc_id` and `field` point at what the finding is about (empty for the whole case); `line_no`
    names a line item of that document, `source_file` a file of the case folder.
    """

    code: str
    severity: Severity
    message: str
    doc_id: str = ""
    field: str = ""
    line_no: int | None = None
    source_file: str = ""
    accepted: str = ""  # a reviewer accepted it, for this reason: it no longer routes the case
