"""Line-item F1 on generated claim packets, scanned and digital documents apart.

Usage: bench/line_items.py [--cases 30] [--seed 9050] [--batch DIR]
Only invoices and fee lists whose type and page range were classified right are scored. A line
counts when its name (whitespace/case normalised), quantity, unit price and amount all match a
truth line. Misses are reported by cause: a wrong quantity / unit price / amount on a line whose
name was found, a wrong name on a line whose numbers were found, a line missing altogether, an
extra line. Also the time per page of `extract_line_items` (reading and OCR excluded).
Writes bench/results/line_items.json.
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from pathlib import Path

from bench.common import RESULTS, generated, save, truths
from extractors.line_items import extract_line_items
from extractors.model import LineItem
from pipeline.classify import group_documents
from pipeline.reading import read_files
from pipeline.settings import Settings

Key = tuple[str, str, str, str]


def line_key(name: str, qty: str, price: str, amount: str) -> Key:
    return " ".join(name.lower().split()), qty, price, amount


def is_scanned(truth: dict, doc: dict) -> bool:
    first = int(str(doc["pages"]).split("-")[0])
    for f in truth["files"]:
        if f["name"] == doc["source_file"]:
            return any(p["scanned"] for p in f["pages"] if p["page"] == first)
    return False


def count_line_hits(want: list[dict], got: list[LineItem], causes: Counter[str], examples: list[str]) -> int:
    """Count matches; record why the others missed."""
    left = Counter(line_key(i.item_name, i.quantity, i.unit_price, i.amount) for i in got)
    hits = 0
    missed = []
    for t in want:
        k = line_key(t["item_name"], t["quantity"], t["unit_price"], t["amount"])
        if left[k] > 0:
            left[k] -= 1
            hits += 1
        else:
            missed.append(k)
    extra = [k for k, n in left.items() for _ in range(n)]
    for k in missed:
        same_name = [e for e in extra if e[0] == k[0]]
        same_nums = [e for e in extra if e[1:] == k[1:]]
        if same_name:
            e = same_name[0]
            cause = "/".join(c for c, a, b in zip(("quantity", "unit_price", "amount"), k[1:], e[1:],
                                                  strict=True) if a != b)
            extra.remove(e)
        elif same_nums:
            e = same_nums[0]
            cause = "name"
            extra.remove(e)
        else:
            e, cause = None, "missing"
        causes[cause] += 1
        if len(examples) < 40:
            examples.append(f"{cause}: want {k} got {e}")
    for e in extra:
        causes["extra"] += 1
        if len(examples) < 40:
            examples.append(f"extra: {e}")
    return hits


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", type=int, default=30)
    ap.add_argument("--seed", type=int, default=9050)
    ap.add_argument("--batch", type=Path, default=None, help="an existing generated batch")
    args = ap.parse_args()
    batch = args.batch or generated(RESULTS / f"batch-{args.seed}", args.cases, args.seed)
    settings = Settings.from_env()
    tp: Counter[str] = Counter()
    n_pred: Counter[str] = Counter()
    n_true: Counter[str] = Counter()
    docs: Counter[str] = Counter()
    causes: dict[str, Counter[str]] = {"scanned": Counter(), "digital": Counter()}
    examples: list[str] = []
    skipped = pages = 0
    seconds = 0.0
    for truth in truths(batch):
        case = batch / truth["case_id"]
        wanted = {(d["doc_type"], d["source_file"], str(d["pages"])): d for d in truth["documents"]
                  if d["doc_type"] in ("medical_invoice", "fee_list")}
        files = sorted({case / d["source_file"] for d in wanted.values()})
        if not files:
            continue
        got_docs = [d for d in group_documents(read_files(files, settings).pages)
                    if d.doc_type in ("medical_invoice", "fee_list")]
        seen = set()
        for doc in got_docs:
            t = wanted.get((doc.doc_type, doc.source_file, doc.page_range))
            if t is None:
                continue
            seen.add((doc.doc_type, doc.source_file, doc.page_range))
            kind = "scanned" if is_scanned(truth, t) else "digital"
            t0 = time.perf_counter()
            items, _ = extract_line_items(doc)
            seconds += time.perf_counter() - t0
            pages += len(doc.pages)
            docs[kind] += 1
            n_pred[kind] += len(items)
            n_true[kind] += len(t["line_items"])
            before = len(examples)
            tp[kind] += count_line_hits(t["line_items"], items, causes[kind], examples)
            for i in range(before, len(examples)):
                examples[i] = f"{truth['case_id']} {doc.doc_type} {kind} L{t.get('layout')}: {examples[i]}"
        skipped += len(wanted) - len(seen)
    record: dict = {"batch": str(batch), "documents_skipped_misclassified": skipped}
    for kind in ("scanned", "digital"):
        p = tp[kind] / max(n_pred[kind], 1)
        r = tp[kind] / max(n_true[kind], 1)
        record[kind] = {"documents": docs[kind], "lines_true": n_true[kind], "lines_found": n_pred[kind],
                        "lines_right": tp[kind], "precision": round(p, 4), "recall": round(r, 4),
                        "f1": round(2 * p * r / max(p + r, 1e-9), 4), "misses_by_cause": dict(causes[kind])}
    record["ms_per_page"] = round(1000 * seconds / max(pages, 1), 2)
    record["examples"] = examples
    save("line_items", record)


if __name__ == "__main__":
    main()
