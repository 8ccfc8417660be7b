"""Checks of a claim against its checklist, the drug catalogue and itself; the case's decision.

    decide(case, context)    claim type (case.json, else inferred), drug lines matched to the
                             catalogue, every rule of `validators.rules.RULES` run, total claimed;
                             the case's status and reasons follow from its findings

Validators read records only (`pipeline.models`, `extractors.model`, `pipeline.tables.CaseResult`):
no Prefect, no database. The invoice numbers claimed before come in through the context.
"""

from __future__ import annotations

from pipeline.models import CLAIM_TYPES, Finding
from pipeline.tables import CaseResult
from validators.facts import invoice_total
from validators.rules import RULES, Context

__all__ = ["RULES", "Context", "decide", "resolve_claim_type"]

ITEM_DOCS = ("medical_invoice", "fee_list")


def resolve_claim_type(case: CaseResult, context: Context) -> None:
    """The claim type from case.json when it names a known one (case, spaces and hyphens
    forgiven: "Inpatient-Local"); else (absent, unknown like "dental", not text) inferred from the
    readable documents, the checklists' default when there are none, and marked as inferred so
    the claim_type_inferred warning names what case.json gave."""
    given = case.manifest.get("claim_type")
    key = "_".join(given.strip().lower().replace("-", " ").split()) if isinstance(given, str) else ""
    if key in CLAIM_TYPES:
        case.claim_type, case.claim_type_inferred = key, False
        return
    types = [d.doc_type for d in case.documents if not d.unreadable]
    case.claim_type, _ = context.checklists.infer(types)
    case.claim_type_inferred = True


def _order(f: Finding) -> tuple[int, str, str, int]:
    return (f.severity != "error", f.code, f.doc_id, f.line_no or 0)


def decide(case: CaseResult, context: Context) -> CaseResult:
    """Fill the case's claim type, catalogue matches, findings and total claimed (in place)."""
    resolve_claim_type(case, context)
    if context.catalogue is not None:
        from validators.catalogue import match_line_items

        for doc, ex in zip(case.documents, case.extractions, strict=True):
            if doc.doc_type in ITEM_DOCS:
                match_line_items(ex.line_items, context.catalogue)
    findings = [f for rule in RULES.values() for f in rule(case, context)]
    case.findings = sorted(findings, key=_order)
    case.total_claimed = invoice_total(case)
    return case
