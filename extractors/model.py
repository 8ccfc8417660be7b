"""Records of the extraction stage: what one document yields.

Values are normalised strings (ISO dates, amounts with two decimals, ID numbers without spaces,
names in one form; see `extractors.normalise`); `raw` keeps the text as printed. Every value keeps
its page and its box in that page's coordinates (see `pipeline.models`), so the review app can
highlight it, and a confidence in 0..1.
"""

from __future__ import annotations

from dataclasses import dataclass, field

Box = tuple[float, float, float, float]  # left, top, width, height in the page's coordinates


@dataclass(slots=True)
class FieldValue:
    """One field of a document, e.g. invoice_number = "1753768840"."""

    name: str
    value: str
    raw: str
    conf: float
    page_no: int = 0  # 1-based inside the document's source file; 0: not located
    box: Box | None = None


@dataclass(slots=True)
class LineItem:
    """One billed line of an invoice or fee list (subtotal and total rows are not items)."""

    line_no: int  # 1-based within the document
    item_name: str
    quantity: str = ""  # as a plain decimal string ("2", "0.5"); "" when not printed
    unit_price: str = ""  # two decimals
    amount: str = ""  # two decimals
    item_date: str = ""  # ISO, where the list has a date column
    row_type: str = ""  # the printed category of the row ("drug", "bed", ...), where there is one
    conf: float = 1.0
    page_no: int = 0
    box: Box | None = None
    repaired: list[str] = field(default_factory=list)  # columns whose OCR slip the arithmetic fixed
    # The drug catalogue entry matched (validators.catalogue); category "" for non-drug lines.
    catalogue_code: str = ""
    catalogue_name: str = ""
    category: str = ""  # "A", "B", "not_listed" (a drug line with no entry) or "" (not a drug)
    match_score: float | None = None  # 0..100, the fuzzy score of the match


@dataclass(slots=True)
class Extraction:
    """Everything extracted from one document."""

    fields: dict[str, FieldValue] = field(default_factory=dict)
    line_items: list[LineItem] = field(default_factory=list)
    # Printed subtotal/total rows of the item table(s), normalised amounts, in page order.
    table_totals: list[str] = field(default_factory=list)

    def value(self, name: str) -> str:
        f = self.fields.get(name)
        return f.value if f else ""
