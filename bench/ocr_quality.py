"""OCR quality and cost on real scanned receipts: our OCR against raw tesseract.

Usage: python -m bench.ocr_quality [--halves] [--n N] [--no-cost]

Runs the shared measuring script (token F1 against SROIE line ground truth,
$CLAIMS_SHARED/bench/ocr_token_f1.py) for
  - raw tesseract: `tesseract IMG -`, single-threaded (OMP_THREAD_LIMIT=1);
  - ours: `claims ocr --no-cache IMG` when that command works, else `bench/ocr_page.py IMG`.
Prints a markdown table (f1, precision, recall, seconds per image, ratio of seconds per image to
raw tesseract) and writes bench/results/ocr_quality.json. With --halves it also measures the first
and the last 25 receipts apart (settings were chosen on the first half, confirmed on the second).
Seconds per image are wall clock per process, start-up included, one image at a time.

It then times one page at a time, single-threaded, in this process: raw `tesseract IMG -` against
`ocr_image` (image decoding included) on the same receipts and on two rendered A4 pages (200 and
300 dpi): the per-page cost of the OCR stage without any command start-up.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from bench.common import ROOT, SHARED, claims_bin, save

F1_SCRIPT = SHARED / "bench" / "ocr_token_f1.py"
DATA = SHARED / "data" / "sroie"
RESULT = re.compile(r"images=(\d+) precision=([\d.]+) recall=([\d.]+) f1=([\d.]+) s_per_image=([\d.]+)")


def _env() -> dict[str, str]:
    return {**os.environ, "OMP_THREAD_LIMIT": "1", "CLAIMS_WORKERS": "1"}


def ours_command() -> tuple[str, list[str]]:
    """`claims ocr` if it works on a receipt, else the stand-alone page runner."""
    claims = claims_bin()
    sample = next(iter(sorted((DATA / "img").glob("*.jpg"))), None)
    if Path(claims).exists() and sample is not None:
        probe = subprocess.run([claims, "ocr", "--no-cache", str(sample)], capture_output=True,
                               text=True, env=_env(), cwd=tempfile.gettempdir(), check=False)
        if probe.returncode == 0 and probe.stdout.strip():
            return "claims ocr", [claims, "ocr", "--no-cache", "{}"]
    return "bench/ocr_page.py", [sys.executable, str(ROOT / "bench" / "ocr_page.py"), "{}"]


def measure(data: Path, cmd: list[str], n: int | None) -> dict[str, float]:
    args = [sys.executable, str(F1_SCRIPT), str(data), *([str(n)] if n else []), "--", *cmd]
    with tempfile.TemporaryDirectory() as cwd:  # no stray cache or output in the repo
        out = subprocess.run(args, capture_output=True, text=True, env=_env(), cwd=cwd, check=True)
    m = RESULT.search(out.stdout)
    if not m:
        raise RuntimeError(f"unexpected output of {F1_SCRIPT.name}: {out.stdout!r} {out.stderr!r}")
    images, p, r, f1, secs = m.groups()
    return {"images": int(images), "precision": float(p), "recall": float(r), "f1": float(f1),
            "s_per_image": float(secs)}


def _half(tmp: Path, name: str, ids: list[str]) -> Path:
    """A data folder holding only `ids` (symbolic links), for the F1 script."""
    root = tmp / name
    for sub, ext in (("img", ".jpg"), ("lines", ".txt")):
        (root / sub).mkdir(parents=True)
        for i in ids:
            (root / sub / f"{i}{ext}").symlink_to(DATA / sub / f"{i}{ext}")
    return root


WORDS = [
    "patient", "hospital", "invoice", "amount", "total", "insurance", "claim", "number", "date",
    "treatment", "medicine", "consultation", "fee", "laboratory", "ward", "discharge", "diagnosis",
    "surgery", "pharmacy", "payment", "receipt", "reimbursement", "department", "outpatient",
    "inpatient", "service", "charge", "quantity", "price",
]


def a4_page(path: Path, dpi: int, seed: int) -> Path:
    """A scan-like A4 page: title, paragraphs and a table at 10 pt, slightly blurred and noisy."""
    rnd = random.Random(seed)
    w, h = round(8.27 * dpi), round(11.69 * dpi)
    img = Image.new("L", (w, h), 255)
    draw = ImageDraw.Draw(img)
    fonts = Path("/usr/share/fonts/truetype/dejavu")
    body = ImageFont.truetype(str(fonts / "DejaVuSans.ttf"), round(10 * dpi / 72))
    mono = ImageFont.truetype(str(fonts / "DejaVuSansMono.ttf"), round(9 * dpi / 72))
    title = ImageFont.truetype(str(fonts / "DejaVuSans-Bold.ttf"), round(16 * dpi / 72))
    x, y, step = round(0.8 * dpi), round(0.8 * dpi), round(14 * dpi / 72)
    draw.text((x, y), "CITY GENERAL HOSPITAL - MEDICAL INVOICE", font=title, fill=0)
    y += 2 * step
    for block in range(3):
        for _ in range(12):
            words = " ".join(rnd.choice(WORDS) for _ in range(9))
            draw.text((x, y), words.capitalize() + ".", font=body, fill=0)
            y += step
        y += step
        for k in range(8 if block < 2 else 0):
            row = (f"{k + 1:3d}  {rnd.choice(WORDS):<16}{rnd.randint(1, 9):>3}  "
                   f"{rnd.randint(100, 99999) / 100:>9.2f}  {rnd.randint(100, 99999) / 100:>10.2f}")
            draw.text((x, y), row, font=mono, fill=0)
            y += step
        y += step
    img = img.filter(ImageFilter.GaussianBlur(0.6 * dpi / 300))
    noise = np.random.default_rng(seed).normal(0, 6, (h, w))
    Image.fromarray(np.clip(np.asarray(img) + noise, 0, 255).astype(np.uint8)).save(
        path, dpi=(dpi, dpi))
    return path


def _time_raw(path: Path) -> float:
    t = time.perf_counter()
    subprocess.run(["tesseract", str(path), "-"], capture_output=True, env=_env(), check=True)
    return time.perf_counter() - t


def _time_ours(path: Path) -> float:
    from pipeline.reading.ocr import ocr_image

    t = time.perf_counter()
    with Image.open(path) as im:
        dpi = im.info.get("dpi")
        image = im.convert("RGB")
    ocr_image(image, dpi=round(dpi[0]) if dpi else None)
    return time.perf_counter() - t


def page_costs(paths: list[Path], repeats: int = 1) -> dict[str, float]:
    """Seconds per page, one page at a time, raw and ours taking turns (fair under load)."""
    os.environ["OMP_THREAD_LIMIT"] = "1"
    raw: list[float] = []
    ours: list[float] = []
    _time_ours(paths[0])  # imports and first-call costs are not per page
    for _ in range(repeats):
        for path in paths:
            raw.append(_time_raw(path))
            ours.append(_time_ours(path))
    n = len(paths)
    raw_s = statistics.median([sum(raw[i:i + n]) / n for i in range(0, len(raw), n)])
    ours_s = statistics.median([sum(ours[i:i + n]) / n for i in range(0, len(ours), n)])
    return {"pages": n, "raw_s_per_page": round(raw_s, 3), "ours_s_per_page": round(ours_s, 3),
            "ratio_to_raw": round(ours_s / raw_s, 3)}


def costs(n: int | None) -> dict[str, dict[str, float]]:
    receipts = sorted((DATA / "img").glob("*.jpg"))[:n]
    out: dict[str, dict[str, float]] = {}
    print("\n| pages (one at a time, single-threaded) | raw s/page | ocr_image s/page | x raw |")
    print("|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        sets = {f"SROIE receipts ({len(receipts)})": (receipts, 1)}
        for dpi in (200, 300):
            sets[f"A4 page {dpi} dpi (x3)"] = ([a4_page(Path(tmp) / f"a4_{dpi}.png", dpi, dpi)], 3)
        for name, (paths, repeats) in sets.items():
            row = page_costs(paths, repeats)
            out[name] = row
            print(f"| {name} | {row['raw_s_per_page']:.2f} | {row['ours_s_per_page']:.2f} | "
                  f"{row['ratio_to_raw']:.2f} |", flush=True)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description="OCR quality and cost on real scanned receipts.")
    ap.add_argument("--halves", action="store_true", help="also measure each half of the set")
    ap.add_argument("--n", type=int, default=None, help="only the first N receipts")
    ap.add_argument("--no-cost", action="store_true", help="skip the per-page cost timing")
    opts = ap.parse_args()
    if not F1_SCRIPT.exists() or not (DATA / "img").is_dir():
        sys.exit(f"needs {F1_SCRIPT} and {DATA} (set CLAIMS_SHARED)")
    ours_name, ours = ours_command()
    runs = [("raw tesseract", ["tesseract", "{}", "-"]), (ours_name, ours)]
    sets: list[tuple[str, Path, int | None]] = [("all", DATA, opts.n)]
    with tempfile.TemporaryDirectory() as tmp:
        if opts.halves:
            ids = sorted(p.stem for p in (DATA / "img").glob("*.jpg"))[: opts.n]
            mid = len(ids) // 2
            sets += [("first half", _half(Path(tmp), "a", ids[:mid]), None),
                     ("second half", _half(Path(tmp), "b", ids[mid:]), None)]
        record: dict[str, dict[str, dict[str, float]]] = {}
        print("| set | command | f1 | precision | recall | s/image | x raw |")
        print("|---|---|---|---|---|---|---|")
        for set_name, data, n in sets:
            rows = {name: measure(data, cmd, n) for name, cmd in runs}
            base = rows["raw tesseract"]["s_per_image"]
            for name, row in rows.items():
                row["ratio_to_raw"] = round(row["s_per_image"] / base, 3) if base else 0.0
                print(f"| {set_name} ({row['images']}) | {name} | {row['f1']:.3f} | "
                      f"{row['precision']:.3f} | {row['recall']:.3f} | {row['s_per_image']:.2f} | "
                      f"{row['ratio_to_raw']:.2f} |", flush=True)
            record[set_name] = rows
    cost = {} if opts.no_cost else costs(opts.n)
    save("ocr_quality", {"data": str(DATA), "ours": " ".join(ours), "results": record,
                         "page_cost": cost})


if __name__ == "__main__":
    main()
