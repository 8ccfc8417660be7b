"""Extraction accuracy and cost on generated packets of a seed never used in development.

Usage: python -m bench.extraction [--cases 40] [--seed 777004]

Runs the whole path of `claims extract` (reading, classification, the registry of extractors) on
every case, then scores against the ground truth, for documents whose type and page range were
classified right (the others are counted apart, as classification misses):
- field accuracy: normalised exact match of every truth field of those documents, overall and per
  field; a field we did not find counts as wrong;
- line-item F1 of invoices and fee lists (a line counts when name, quantity, unit price and amount
  are all right), scanned and digital documents apart, misses by cause;
- extraction time per page (classification and OCR excluded).
Writes bench/results/extraction.json.
"""

from __future__ import annotations

import argparse
import time
from collections import Counter

from bench.common import RESULTS, classified_documents, generated, save, truths
from bench.line_items import count_line_hits, is_scanned
from extractors import extract
from pipeline.settings import Settings


def _norm(value: str) -> str:
    return " ".join(value.split()).casefold()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", type=int, default=40)
    ap.add_argument("--seed", type=int, default=777004)
    args = ap.parse_args()
    batch = generated(RESULTS / f"batch-{args.seed}", args.cases, args.seed)
    settings = Settings.from_env()
    right: Counter[str] = Counter()
    total: Counter[str] = Counter()
    field_misses: list[str] = []
    tp: Counter[str] = Counter()
    n_true: Counter[str] = Counter()
    n_found: Counter[str] = Counter()
    causes: dict[str, Counter[str]] = {"scanned": Counter(), "digital": Counter()}
    examples: list[str] = []
    unmatched = 0
    pages = 0
    seconds = 0.0
    for truth in truths(batch):
        matched = classified_documents(batch, truth, settings)
        unmatched += len(truth["documents"]) - len(matched)
        for doc, t in matched:
            t0 = time.perf_counter()
            ex = extract(doc)
            seconds += time.perf_counter() - t0
            pages += len(doc.pages)
            for name, want in t["fields"].items():
                total[name] += 1
                got = ex.value(name)
                if _norm(got) == _norm(str(want)):
                    right[name] += 1
                elif len(field_misses) < 60:
                    where = f"{truth['case_id']} {t['doc_type']}.{name}"
                    field_misses.append(f"{where}: want {want!r} got {got!r}")
            if t["doc_type"] in ("medical_invoice", "fee_list"):
                kind = "scanned" if is_scanned(truth, t) else "digital"
                n_true[kind] += len(t["line_items"])
                n_found[kind] += len(ex.line_items)
                tp[kind] += count_line_hits(t["line_items"], ex.line_items, causes[kind], examples)
    per_field = {k: round(right[k] / total[k], 3) for k in sorted(total)}
    f1 = {}
    for kind in ("scanned", "digital"):
        p = tp[kind] / n_found[kind] if n_found[kind] else 0.0
        r = tp[kind] / n_true[kind] if n_true[kind] else 0.0
        f1[kind] = {"lines": n_true[kind], "found": n_found[kind], "right": tp[kind],
                    "precision": round(p, 3), "recall": round(r, 3),
                    "f1": round(2 * p * r / (p + r), 3) if p + r else 0.0,
                    "misses_by_cause": dict(causes[kind].most_common())}
    save("extraction", {
        "seed": args.seed, "cases": args.cases,
        "documents_not_classified_right": unmatched,
        "field_accuracy": round(sum(right.values()) / max(sum(total.values()), 1), 4),
        "fields_scored": sum(total.values()),
        "field_accuracy_by_field": per_field,
        "line_items": f1,
        "ms_per_page": round(1000 * seconds / max(pages, 1), 1),
        "field_misses": field_misses,
        "line_misses": examples[:30],
    })


if __name__ == "__main__":
    main()
