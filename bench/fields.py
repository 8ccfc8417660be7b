"""Field extraction accuracy on generated packets: normalised exact match against the truth's
`fields`, overall and per field, for documents whose type and page range were classified right.

Usage: bench/fields.py [--batch DIR] [--cases 40] [--seed 9001] [--misses N]
A missing --batch generates bench/results/batch-<seed>. Misses are counted by cause: `missed`
(nothing extracted), `wrong` (another value) and `not_in_ocr_text` (the value cannot be found
in the document's text: the reading lost it); `extra` fields
(extracted where the truth has none) are reported apart. Ground truth is used here only.
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from pathlib import Path

from bench.common import RESULTS, classified_documents, generated, save, truths
from extractors.fields import extract_fields
from extractors.normalise import find_amounts, find_dates, find_id_numbers
from pipeline.models import Document
from pipeline.settings import Settings


def _in_text(want: str, doc: Document) -> bool:
    """Whether the truth value can be read off the document's text at all (else the OCR lost
    it, not the extractor): as printed, or as a date, amount or ID number in the text."""
    text = " ".join(doc.text.split())
    if want.lower() in text.lower():
        return True
    found = [v for v, _ in find_dates(text) + find_amounts(text) + find_id_numbers(text)]
    return want in found or want in text.replace(" ", "")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--batch", type=Path)
    ap.add_argument("--cases", type=int, default=40)
    ap.add_argument("--seed", type=int, default=9001)
    ap.add_argument("--misses", type=int, default=60, help="misses to list")
    args = ap.parse_args()
    batch = args.batch or generated(RESULTS / f"batch-{args.seed}", args.cases, args.seed)
    settings = Settings.from_env()
    hits: Counter[str] = Counter()
    totals: Counter[str] = Counter()
    causes: Counter[str] = Counter()
    extras: Counter[str] = Counter()
    misses: list[dict] = []
    docs = 0
    t0 = time.perf_counter()
    for truth in truths(batch):
        for doc, t in classified_documents(batch, truth, settings):
            if doc.unreadable:
                continue
            docs += 1
            got = extract_fields(doc)
            for name, want in t["fields"].items():
                totals[name] += 1
                value = got[name].value if name in got else None
                if value == want:
                    hits[name] += 1
                    continue
                cause = ("not_in_ocr_text" if not _in_text(want, doc)
                         else "missed" if value is None else "wrong")
                causes[f"{cause}:{doc.doc_type}.{name}"] += 1
                misses.append({"case": truth["case_id"], "file": doc.source_file, "pages": doc.page_range,
                               "type": doc.doc_type, "layout": t.get("layout"), "field": name,
                               "want": want, "got": value, "raw": got[name].raw if name in got else None})
            for name in set(got) - set(t["fields"]):
                extras[f"{doc.doc_type}.{name}"] += 1
    n = sum(totals.values())
    record = {
        "batch": str(batch), "documents": docs, "fields": n,
        "accuracy": round(sum(hits.values()) / max(n, 1), 4),
        "per_field": {k: {"accuracy": round(hits[k] / totals[k], 4), "n": totals[k]}
                      for k in sorted(totals)},
        "misses_by_cause": dict(causes.most_common()),
        "extra_fields": dict(extras.most_common()),
        "seconds": round(time.perf_counter() - t0, 1),
    }
    save("fields", record)
    for m in misses[: args.misses]:
        print(json.dumps(m, ensure_ascii=False))


if __name__ == "__main__":
    main()
