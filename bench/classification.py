"""Page classification accuracy on generated pages of a seed never used in development.

Usage: bench/classification.py [--pages 300] [--seed 777005]
Each page's predicted type is the type of the document it was grouped into; pages planted as
unreadable are counted apart (they must be flagged, not typed). Scanned and digital are reported
apart, and so is document grouping (a document's page range exactly right).
"""

from __future__ import annotations

import argparse
import time
from collections import Counter

from bench.common import RESULTS, generated, save, truths
from pipeline.classify import group_documents
from pipeline.reading import read_files
from pipeline.settings import Settings


def _truth_pages(truth: dict) -> dict[tuple[str, int], tuple[str, bool, bool, str]]:
    """(file, page) -> (doc_type, scanned, unreadable, doc page range)."""
    docs = truth["documents"]
    out = {}
    for f in truth["files"]:
        if f.get("corruption"):
            continue
        for p in f["pages"]:
            doc = docs[p["doc"]]
            out[(f["name"], p["page"])] = (doc["doc_type"], p["scanned"], p.get("unreadable", False),
                                           doc["pages"])
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pages", type=int, default=300)
    ap.add_argument("--seed", type=int, default=777005)
    args = ap.parse_args()
    batch = generated(RESULTS / f"batch-{args.seed}", max(10, args.pages // 5), args.seed)
    settings = Settings.from_env()
    hits: Counter[str] = Counter()
    totals: Counter[str] = Counter()
    confusion: Counter[tuple[str, str]] = Counter()
    docs_right = docs_total = flagged = unreadable = 0
    misses: list[str] = []
    t0 = time.perf_counter()
    for truth in truths(batch):
        if sum(totals.values()) >= args.pages:
            break
        case = batch / truth["case_id"]
        expected = _truth_pages(truth)
        result = read_files(sorted(case / name for name in {k[0] for k in expected}), settings)
        for doc in group_documents(result.pages):
            for page in doc.pages:
                want, scanned, bad, _ = expected[(page.source_file, page.page_no)]
                if bad:
                    unreadable += 1
                    flagged += doc.unreadable
                    continue
                kind = "scanned" if scanned else "digital"
                totals[kind] += 1
                hits[kind] += doc.doc_type == want
                if doc.doc_type != want:
                    confusion[(want, doc.doc_type)] += 1
                    head = " / ".join(page.text.splitlines()[:3])[:90]
                    misses.append(f"{case.name} {page.source_file} p{page.page_no} {kind}: "
                                  f"{want} -> {doc.doc_type} ({head!r})")
            if not doc.unreadable:
                docs_total += 1
                first = expected[(doc.source_file, doc.pages[0].page_no)]
                docs_right += doc.doc_type == first[0] and doc.page_range == first[3]
    n = sum(totals.values())
    save("classification", {
        "seed": args.seed, "pages": n,
        "accuracy": round(sum(hits.values()) / n, 4),
        "accuracy_scanned": round(hits["scanned"] / max(totals["scanned"], 1), 4),
        "pages_scanned": totals["scanned"],
        "accuracy_digital": round(hits["digital"] / max(totals["digital"], 1), 4),
        "pages_digital": totals["digital"],
        "documents_exact": round(docs_right / max(docs_total, 1), 4),
        "unreadable_flagged": f"{flagged}/{unreadable}",
        "confusions": {f"{a}->{b}": c for (a, b), c in confusion.most_common()},
        "seconds": round(time.perf_counter() - t0, 1),
        "misses": misses,
    })


if __name__ == "__main__":
    main()
