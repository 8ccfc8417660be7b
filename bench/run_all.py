"""Run every benchmark of the README table, one after another (apart from the tests)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
for script, *args in (("ocr_quality",), ("throughput",), ("classification",), ("extraction",),
                      ("receipts",), ("catalogue",), ("validation",), ("reliability", "faults"),
                      ("reliability", "rerun"), ("reliability", "scale"), ("scale_out",)):
    print(f"== {script} {' '.join(args)}", flush=True)
    subprocess.run([sys.executable, "-m", f"bench.{script}", *args], cwd=HERE.parent, check=True)
