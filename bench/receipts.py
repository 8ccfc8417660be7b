"""Totals and dates of real receipts: `find_total` / `find_issue_date` on the SROIE sample.

    python -m bench.receipts [--half even|odd|all]

Reads the 50 scanned receipts of `shared/data/sroie/` with the real OCR (cached in .claims-cache/,
so only the first run is slow), compares with `key/NNN.json` (total as two decimals, date as ISO)
and prints a markdown table per half (even / odd file numbers: the development split) and the
misses. Writes bench/results/receipts.json.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from bench.common import RESULTS, SHARED
from extractors.normalise import parse_amount, parse_date
from extractors.totals import compact_date, find_issue_date, find_total
from pipeline.reading import read_files
from pipeline.settings import Settings

DATA = SHARED / "data" / "sroie"


def truth_of(key: dict) -> tuple[str | None, str | None]:
    """The key's total as two decimals ("RM41.45" -> "41.45") and its date as ISO ("25032018" ->
    "2018-03-25")."""
    total = parse_amount(key["total"].replace("$", " ").replace("RM", " "))
    raw = key["date"].strip()
    date = compact_date(raw) if raw.isdigit() and len(raw) == 8 else parse_date(raw)
    return total, date


def run_one(image: Path, settings: Settings) -> dict:
    total, date = truth_of(json.loads((DATA / "key" / f"{image.stem}.json").read_text(encoding="utf-8")))
    pages = read_files([image], settings).pages
    got_total, got_date = find_total(pages), find_issue_date(pages)
    return {
        "id": image.stem,
        "total": total, "got_total": got_total.value if got_total else None,
        "date": date, "got_date": got_date.value if got_date else None,
        "total_conf": got_total.conf if got_total else 0.0,
        "date_conf": got_date.conf if got_date else 0.0,
    }


def summary(rows: list[dict]) -> dict:
    n = len(rows) or 1
    total = sum(r["got_total"] == r["total"] for r in rows)
    date = sum(r["got_date"] == r["date"] for r in rows)
    both = sum(r["got_total"] == r["total"] and r["got_date"] == r["date"] for r in rows)
    return {"receipts": len(rows), "total_right": round(total / n, 3), "date_right": round(date / n, 3),
            "both_right": round(both / n, 3)}


def table(halves: dict[str, dict]) -> str:
    out = ["| receipts | n | total right | date right | both right |", "|---|---|---|---|---|"]
    for name, s in halves.items():
        out.append(f"| {name} | {s['receipts']} | {s['total_right']:.2f} | {s['date_right']:.2f} "
                   f"| {s['both_right']:.2f} |")
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--half", choices=("even", "odd", "all"), default="all")
    args = parser.parse_args()
    images = sorted((DATA / "img").glob("*.jpg"))
    if args.half != "all":
        images = [p for p in images if int(p.stem) % 2 == (args.half == "odd")]
    settings = Settings.from_env()
    start = time.monotonic()
    rows = [run_one(p, settings) for p in images]
    halves = {
        "even": summary([r for r in rows if int(r["id"]) % 2 == 0]),
        "odd": summary([r for r in rows if int(r["id"]) % 2 == 1]),
        "all": summary(rows),
    }
    halves = {k: v for k, v in halves.items() if v["receipts"]}
    print(table(halves))
    misses = [r for r in rows if r["got_total"] != r["total"] or r["got_date"] != r["date"]]
    print("\nmisses:")
    for r in misses:
        print(f"- {r['id']}: total {r['got_total']} (truth {r['total']}), "
              f"date {r['got_date']} (truth {r['date']})")
    record = {"halves": halves, "seconds": round(time.monotonic() - start, 1), "misses": misses, "rows": rows}
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "receipts.json").write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
