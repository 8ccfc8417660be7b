"""What a case says, gathered across its documents: the documents of a type, a field's values,
the stay, the invoice total and the fee-list sum. Rules read these; nothing here decides."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from extractors.model import Extraction, FieldValue, LineItem
from pipeline.models import Document
from pipeline.tables import CaseResult

CENT = Decimal("0.01")
# Where each date of the stay is best read, first to last.
STAY_SOURCES = ("discharge_summary", "medical_invoice", "fee_list", "reimbursement_form")


@dataclass(frozen=True)
class Doc:
    doc: Document
    ex: Extraction

    @property
    def doc_id(self) -> str:
        return self.doc.doc_id

    @property
    def doc_type(self) -> str:
        return self.doc.doc_type

    def field(self, name: str) -> FieldValue | None:
        return self.ex.fields.get(name)


def readable_docs(case: CaseResult, doc_type: str | None = None) -> Iterator[Doc]:
    for doc, ex in zip(case.documents, case.extractions, strict=True):
        if not doc.unreadable and (doc_type is None or doc.doc_type == doc_type):
            yield Doc(doc, ex)


def decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text) if text else None
    except InvalidOperation:
        return None


def consensus(case: CaseResult, name: str, sources: tuple[str, ...]) -> str:
    """The value of a field most documents agree on; ties go to the earlier source type."""
    votes: Counter[str] = Counter()
    rank: dict[str, int] = {}
    for d in readable_docs(case):
        f = d.field(name)
        if f and f.value and d.doc_type in sources:
            votes[f.value] += 1
            rank[f.value] = min(rank.get(f.value, 99), sources.index(d.doc_type))
    if not votes:
        return ""
    return max(votes, key=lambda v: (votes[v], -rank[v]))


def stay(case: CaseResult) -> tuple[str, str]:
    """(admission, discharge) as ISO dates, "" where no document gives one."""
    return consensus(case, "admission_date", STAY_SOURCES), consensus(case, "discharge_date", STAY_SOURCES)


def line_sum(items: list[LineItem]) -> Decimal | None:
    amounts = [decimal(i.amount) for i in items]
    if not amounts or any(a is None for a in amounts):
        return None
    return sum((a for a in amounts if a is not None), Decimal(0))


def _line_sums(items: list[LineItem]) -> set[Decimal]:
    """The sum of the lines; and, when the largest line is the sum of all the others, that line
    alone (a total row read as a line)."""
    total = line_sum(items)
    if total is None or not items:
        return set()
    largest = max(decimal(i.amount) or Decimal(0) for i in items)
    return {total, largest} if len(items) > 2 and total - largest == largest else {total}


def _sources(d: Doc) -> list[set[Decimal]]:
    """A document's total as each source gives it: the labelled total, the printed total rows of
    its table, the sum of its lines."""
    f = d.field("total_amount")
    label = {v} if f and (v := decimal(f.value)) is not None else set()
    printed = {v for t in d.ex.table_totals if (v := decimal(t)) is not None}
    return [label, printed, _line_sums(d.ex.line_items)]


def totals_of(d: Doc) -> set[Decimal]:
    """Every reading of a document's grand total. OCR may spoil one; the planted difference
    spoils none."""
    return set().union(*_sources(d))


def confirmed_totals(d: Doc) -> set[Decimal]:
    """The readings of a document's total that two sources agree on (the labelled total, a
    printed total row, the sum of the lines); every reading on a text layer."""
    sources = _sources(d)
    if all(p.method == "text_layer" for p in d.doc.pages):
        return set().union(*sources)
    return {v for i, a in enumerate(sources) for b in sources[i + 1:] for v in a & b}


def invoice_total(case: CaseResult) -> str:
    """The claimed total: the sum of the invoices' labelled totals (their printed total rows, or
    line sums, where the label was not read)."""
    total = Decimal(0)
    found = False
    for d in readable_docs(case, "medical_invoice"):
        f = d.field("total_amount")
        value = decimal(f.value) if f else None
        if value is None:
            candidates = totals_of(d)
            value = max(candidates) if candidates else None
        if value is not None:
            total += value
            found = True
    return f"{total.quantize(CENT)}" if found else ""
