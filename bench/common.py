"""Shared helpers of the benchmarks: generated batches and their ground truth."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
SHARED = Path(os.environ.get("CLAIMS_SHARED", ROOT.parent / "shared"))


def claims_bin() -> str:
    return str(Path(sys.executable).parent / "claims")


def generated(out: Path, cases: int, seed: int) -> Path:
    """A generated batch, made once and kept under bench/results/."""
    if not (out / ".complete").exists():
        out.mkdir(parents=True, exist_ok=True)
        subprocess.run([claims_bin(), "samples", str(out), "--cases", str(cases), "--seed", str(seed)],
                       check=True)
        (out / ".complete").write_text("ok")
    return out


def truths(batch: Path) -> Iterator[dict]:
    for path in sorted(batch.glob("*.truth.json")):
        yield json.loads(path.read_text(encoding="utf-8"))


def save(name: str, record: dict) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{name}.json").write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(record, indent=2))
