"""Regenerate the fixed demo inbox `samples/demo/` (committed; not rebuilt by tests or CI).

    python -m samples.make_demo            # rewrite samples/demo/
    python -m samples.make_demo --check    # only report whether DEMO_SEED still fits

Refuses to run when the environment variable CI is set: the demo is a golden file set, and a CI
job that silently rewrote it would hide changes in the generator.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

from samples.cases import build_case, plan_batch
from samples.generate import generate_samples

DEMO_DIR = Path(__file__).resolve().parent / "demo"
DEMO_CASES = 6
DEMO_SEED = 3
DEMO_MAX_DPI = 150
MAX_BYTES = 6_000_000


def fits(seed: int) -> list[str]:
    """What the demo wants and a batch of this seed lacks (empty when it fits)."""
    plan = plan_batch(DEMO_CASES, seed)
    lacks = []
    if len({sk.claim_type for sk in plan}) < 3:
        lacks.append("all three claim types")
    if sum(not sk.defects for sk in plan) < 2:
        lacks.append("two clean cases")
    if not any("corrupt_file" in sk.defects for sk in plan):
        lacks.append("a corrupt file")
    if len({sk.delivery for sk in plan}) < 4:
        lacks.append("four delivery modes")
    kinds = {build_case(sk, seed).corruption for sk in plan} - {None}
    if kinds & {"empty", "text_as_pdf"} == kinds and kinds:
        lacks.append("an interesting corruption")
    return lacks


def write_demo(target: Path = DEMO_DIR) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        generate_samples(Path(tmp), DEMO_CASES, DEMO_SEED, max_dpi=DEMO_MAX_DPI, compact=True)
        size = sum(p.stat().st_size for p in Path(tmp).rglob("*") if p.is_file())
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(tmp, target)
    return size


def main(argv: list[str]) -> int:
    if os.environ.get("CI"):
        sys.stderr.write("make_demo: refusing to rewrite samples/demo/ while CI is set\n")
        return 1
    lacks = fits(DEMO_SEED)
    if lacks:
        sys.stderr.write(f"make_demo: seed {DEMO_SEED} lacks {', '.join(lacks)}; pick another\n")
        return 1
    if "--check" in argv:
        return 0
    size = write_demo()
    sys.stdout.write(f"wrote {DEMO_CASES} cases to {DEMO_DIR} ({size / 1e6:.1f} MB)\n")
    if size > MAX_BYTES:
        sys.stderr.write(f"make_demo: demo is larger than {MAX_BYTES / 1e6:.0f} MB\n")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
