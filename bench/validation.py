"""The whole job, `claims run`, on a generated batch: decisions against the truth, and
whole-batch throughput against raw tesseract in the same session.

Usage: bench/validation.py [--seed 777009] [--cases 40] [--cache] [--baseline-pages 120]

- `claims run` runs as users run it (a subprocess: Prefect, the store, every stage), without the
  OCR cache unless --cache (which is for developing rules; its time is not a throughput figure).
- Case status accuracy; per finding code precision, recall and F1 over (case, code) pairs (the
  truth cannot promise `low_confidence`, so it is counted, not scored); drug-line category
  accuracy: each truth drug line of a fee list is paired with the extracted line of the same
  case with the same amount and the closest name (ratio >= 70), and its category compared.
- Throughput: pages of the batch per second of the whole run (Prefect start-up, reading,
  extraction, validation, store, export), against raw single-threaded tesseract
  (`OMP_THREAD_LIMIT=1 tesseract page.png -`) on the same pages in the same session: every page
  rendered to an image beforehand (scans at their own resolution, digital pages at 300 dpi), an
  evenly spread sample of --baseline-pages of them timed, the rate extrapolated. Scanned pages
  alone are reported too: raw tesseract on the scanned pages only, against our whole run.
Writes bench/results/validation.json.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pandas as pd
from rapidfuzz import fuzz

from bench.common import RESULTS, claims_bin, generated, save, truths
from pipeline.settings import Settings

NOT_SCORED = {"low_confidence"}


def run_claims(batch: Path, out: Path, cache: bool) -> float:
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    env = {**os.environ, "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    if not cache:
        env["CLAIMS_CACHE_DIR"] = ""
    t0 = time.perf_counter()
    subprocess.run([claims_bin(), "run", str(batch), "--out", str(out / "tables"),
                    "--db", f"sqlite:///{out / 'claims.db'}"], check=True, env=env, cwd=out)
    return time.perf_counter() - t0


def _f1(tp: int, fp: int, fn: int) -> dict[str, float | int]:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return {"tp": tp, "fp": fp, "fn": fn, "precision": round(p, 3), "recall": round(r, 3),
            "f1": round(2 * p * r / (p + r), 3) if p + r else 0.0}


def score(batch: Path, tables: Path) -> dict:
    cases = pd.read_csv(tables / "cases.csv", dtype=str, keep_default_na=False).set_index("case_id")
    findings = pd.read_csv(tables / "findings.csv", dtype=str, keep_default_na=False)
    items = pd.read_csv(tables / "line_items.csv", dtype=str, keep_default_na=False)
    docs = pd.read_csv(tables / "documents.csv", dtype=str, keep_default_na=False)
    got = {(r.case_id, r.code) for r in findings.itertuples()}
    status_right, n = 0, 0
    want: set[tuple[str, str]] = set()
    wrong: list[dict] = []
    drug_right = drug_paired = drug_total = 0
    for truth in truths(batch):
        cid = truth["case_id"]
        n += 1
        exp = truth["expected"]
        status = cases.loc[cid, "status"] if cid in cases.index else ""
        status_right += status == exp["status"]
        want |= {(cid, f["code"]) for f in exp["findings"]}
        if status != exp["status"]:
            wrong.append({"case": cid, "want": exp["reasons"], "got": cases.loc[cid, "reasons"]})
        fee_docs = set(docs[(docs.case_id == cid) & (docs.doc_type == "fee_list")].doc_id)
        ours = items[(items.case_id == cid) & items.doc_id.isin(fee_docs)]
        r, p, t = _drug_lines(truth, ours)
        drug_right, drug_paired, drug_total = drug_right + r, drug_paired + p, drug_total + t
    codes = sorted({c for _, c in want | got} - NOT_SCORED)
    per_code = {}
    for code in codes:
        w = {k for k in want if k[1] == code}
        g = {k for k in got if k[1] == code}
        per_code[code] = _f1(len(w & g), len(g - w), len(w - g))
    return {
        "cases": n, "status_accuracy": round(status_right / n, 3), "wrong_status": wrong,
        "per_code": per_code,
        "min_code_f1": min((v["f1"] for v in per_code.values()), default=1.0),
        "not_scored": {c: sum(1 for k in got if k[1] == c) for c in sorted(NOT_SCORED)},
        "drug_lines": drug_total, "drug_lines_paired": drug_paired,
        "drug_category_accuracy": round(drug_right / drug_paired, 3) if drug_paired else None,
    }


def _drug_lines(truth: dict, ours: pd.DataFrame) -> tuple[int, int, int]:
    right = paired = total = 0
    pool = list(ours.itertuples())
    for doc in truth["documents"]:
        if doc["doc_type"] != "fee_list":
            continue
        for line in doc["line_items"]:
            if line["row_type"] != "drug":
                continue
            total += 1
            same = [(fuzz.ratio(line["item_name"].lower(), o.item_name.lower()), i)
                    for i, o in enumerate(pool) if o.amount == line["amount"]]
            best = max(same, default=(0.0, -1))
            if best[0] < 70:
                continue
            paired += 1
            right += pool.pop(best[1]).category == line["category"]
    return right, paired, total


def page_images(batch: Path, tmp: Path) -> tuple[list[Path], list[bool]]:
    """Every page of the batch as an image file (what raw tesseract would be given)."""
    import pypdfium2 as pdfium
    from PIL import Image

    from pipeline.reading.pdf import rasterise

    settings = Settings()
    paths, scanned = [], []
    for truth in truths(batch):
        for f in truth["files"]:
            if f.get("corruption"):
                continue
            src = batch / truth["case_id"] / f["name"]
            for p in f["pages"]:
                dest = tmp / f"{len(paths):05d}.png"
                if src.suffix.lower() == ".pdf":
                    if p["scanned"]:
                        image, _ = rasterise(src, p["page"] - 1, settings)
                    else:
                        pdf = pdfium.PdfDocument(str(src))
                        image = pdf[p["page"] - 1].render(scale=300 / 72).to_pil()
                        pdf.close()
                    image.save(dest)
                else:
                    with Image.open(src) as im:
                        im.seek(p["page"] - 1)
                        im.convert("RGB").save(dest)
                paths.append(dest)
                scanned.append(bool(p["scanned"]))
    return paths, scanned


def raw_seconds_per_page(images: list[Path], sample: int) -> float:
    step = max(1, len(images) // sample)
    chosen = images[::step][:sample]
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    t0 = time.perf_counter()
    for img in chosen:
        subprocess.run(["tesseract", str(img), "-"], env=env, capture_output=True, check=True)
    return (time.perf_counter() - t0) / len(chosen)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=777009)
    ap.add_argument("--cases", type=int, default=40)
    ap.add_argument("--cache", action="store_true", help="use the OCR cache (rules work; no throughput)")
    ap.add_argument("--baseline-pages", type=int, default=120)
    args = ap.parse_args()
    batch = generated(RESULTS / f"batch-{args.seed}", args.cases, args.seed)
    out = RESULTS / f"validation-{args.seed}"
    seconds = run_claims(batch, out, args.cache)
    record: dict = {"seed": args.seed, **score(batch, out / "tables")}
    pages = int(pd.read_csv(out / "tables" / "cases.csv").n_pages.sum())
    record.update({"pages": pages, "run_seconds": round(seconds, 1),
                   "pages_per_s": round(pages / seconds, 3), "cached": args.cache})
    if not args.cache:
        with tempfile.TemporaryDirectory() as tmp:
            images, scanned = page_images(batch, Path(tmp))
            per_page = raw_seconds_per_page(images, args.baseline_pages)
            per_scan = raw_seconds_per_page([p for p, s in zip(images, scanned, strict=True) if s],
                                            args.baseline_pages)
        n_scanned = sum(scanned)
        record.update({
            "raw_single_thread_s_per_page": round(per_page, 3),
            "ratio_vs_raw_single_thread": round(per_page * len(images) / seconds, 2),
            "scanned_pages": n_scanned,
            "raw_s_per_scanned_page": round(per_scan, 3),
            # raw tesseract on the scanned pages alone against our whole run: a lower bound
            "ratio_raw_scanned_only": round(per_scan * n_scanned / seconds, 2),
            "cores": os.cpu_count(),
        })
    save("validation", record)


if __name__ == "__main__":
    main()
