"""Reading-stage throughput on scanned sample pages against raw tesseract, same session; and
digital PDF pages per second.

Usage: bench/throughput.py [--pages 40] [--seed 777002]
Raw tesseract runs page after page (`tesseract IMG -`), once single-threaded (OMP_THREAD_LIMIT=1)
and once with its default threads; ours is `read_files` over the same files, no cache, one
single-threaded tesseract per core (pool start-up included).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from PIL import Image

from bench.common import RESULTS, generated, save, truths
from pipeline.reading import read_files
from pipeline.settings import Settings

IMAGE_FORMS = {"png", "jpg", "tiff"}


def _pick(batch: Path, forms: set[str], pages: int) -> list[Path]:
    chosen: list[Path] = []
    count = 0
    for truth in truths(batch):
        for f in truth["files"]:
            if f["form"] in forms and not f.get("corruption") and count < pages:
                chosen.append(batch / truth["case_id"] / f["name"])
                count += len(f["pages"])
    return chosen


def _frames(path: Path) -> int:
    with Image.open(path) as im:
        return getattr(im, "n_frames", 1)


def _raw(files: list[Path], threads: str | None) -> float:
    env = {k: v for k, v in os.environ.items() if k != "OMP_THREAD_LIMIT"}
    if threads:
        env["OMP_THREAD_LIMIT"] = threads
    t0 = time.perf_counter()
    for f in files:
        subprocess.run(["tesseract", str(f), "-"], env=env, capture_output=True, check=True)
    return time.perf_counter() - t0


def _ours(files: list[Path]) -> float:
    t0 = time.perf_counter()
    result = read_files(files, Settings(cache_dir=None, workers=os.cpu_count() or 1))
    assert not result.problems, result.problems
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pages", type=int, default=40)
    ap.add_argument("--seed", type=int, default=777002)
    args = ap.parse_args()
    batch = generated(RESULTS / f"batch-{args.seed}", 40, args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        files = []
        for n, src in enumerate(_pick(batch, IMAGE_FORMS, args.pages)):
            files.append(Path(shutil.copy(src, Path(tmp) / f"{n:03d}{src.suffix}")))
        pages = sum(_frames(f) for f in files)
        ours = _ours(files)
        single = _raw(files, "1")
        default = _raw(files, None)
    digital = _pick(batch, {"pdf_digital"}, 10_000)
    t0 = time.perf_counter()
    dpages = len(read_files(digital, Settings(cache_dir=None)).pages)
    dsec = time.perf_counter() - t0
    save("throughput", {
        "seed": args.seed, "scanned_pages": pages, "cores": os.cpu_count(),
        "ours_pages_per_s": round(pages / ours, 3),
        "raw_single_thread_pages_per_s": round(pages / single, 3),
        "raw_default_threads_pages_per_s": round(pages / default, 3),
        "ratio_vs_single_thread": round(single / ours, 2),
        "ratio_vs_default_threads": round(default / ours, 2),
        "digital_pdf_pages": dpages,
        "digital_pdf_pages_per_s": round(dpages / dsec, 1),
    })


if __name__ == "__main__":
    main()
