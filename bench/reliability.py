"""Reliability figures of `claims run`: kills, re-runs, a big batch.

Usage:
    python -m bench.reliability faults [--kills 20] [--cases 10] [--seed 777011]
    python -m bench.reliability rerun  [--cases 40] [--seed 777010]
    python -m bench.reliability scale  [--pages 1000] [--seed 777012]

- faults: a 10-case batch. A reference run on its own store gives the findings to expect. Then,
  in rounds on a fresh store, `claims run` is started and SIGKILLed (its whole process group)
  after a random delay drawn uniformly from the length of a whole run, again and again, until
  --kills kills have been made; each round ends with a run left to finish. Counted after
  every round: cases missing from the store, cases stored twice, findings that differ from
  the reference, and leases left behind. All must be 0. The OCR cache is on, as in production, so
  a run lasts seconds and the kills spread over start-up, planning, reading, storing and export.
- rerun: the first run of a 40-case inbox (OCR cache off, as on the first night), then the same
  command again on the unchanged inbox; the second's time as a share of the first (target < 5 %).
- scale: a batch of about --pages pages (OCR cache off); peak memory of the whole process tree
  (the command, its tesseract workers and their tesseracts), sampled every 0.1 s from /proc,
  and pages per second.
Writes bench/results/reliability-<what>.json.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import pandas as pd

from bench.common import RESULTS, claims_bin, generated, save


def _env(cache: Path | None) -> dict[str, str]:
    return {**os.environ, "CLAIMS_CACHE_DIR": str(cache) if cache else "", "OMP_THREAD_LIMIT": "1",
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}


def _start(batch: Path, out: Path, url: str, cache: Path | None) -> subprocess.Popen[bytes]:
    return subprocess.Popen([claims_bin(), "run", str(batch), "--out", str(out), "--db", url],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=_env(cache),
                            cwd=out.parent, start_new_session=True)


def _run(batch: Path, out: Path, url: str, cache: Path | None) -> float:
    t0 = time.perf_counter()
    p = _start(batch, out, url, cache)
    _, err = p.communicate()
    if p.returncode != 0:
        raise SystemExit(f"claims run failed ({p.returncode}): {err.decode()[-2000:]}")
    return time.perf_counter() - t0


def _state(url: str) -> tuple[list[str], pd.DataFrame, int]:
    from sqlalchemy import select

    from pipeline.ledger import LeaseRow
    from pipeline.store import CaseRow, Store

    with Store.open(url) as store:
        with store.transaction("bench") as s:
            ids = list(s.scalars(select(CaseRow.case_id)))
            leases = len(s.scalars(select(LeaseRow)).all())
        findings = store.export()["findings"][["case_id", "code", "severity", "doc_id", "field", "message"]]
    findings = findings.sort_values(list(findings.columns)).reset_index(drop=True)
    return ids, findings, leases


def faults(args: argparse.Namespace) -> None:
    batch = generated(RESULTS / f"batch-{args.seed}", args.cases, args.seed)
    work = Path(tempfile.mkdtemp(prefix="claims-faults-"))
    cache = work / "cache"
    rng = random.Random(args.seed)
    ref_url = f"sqlite:///{work / 'ref.db'}"
    _run(batch, work / "ref", ref_url, cache)  # fills the OCR cache
    whole = _run(batch, work / "ref2", f"sqlite:///{work / 'ref2.db'}", cache)  # a whole run, cache warm
    ref_ids, ref_findings, _ = _state(ref_url)
    kills, rounds, problems = 0, 0, []
    delays: list[float] = []
    lost = doubled = changed = leftover = 0
    while kills < args.kills:
        rounds += 1
        url = f"sqlite:///{work / f'round{rounds}.db'}"
        out = work / f"out{rounds}"
        for _ in range(4):
            if kills >= args.kills:
                break
            delay = rng.uniform(0.2, whole)
            p = _start(batch, out, url, cache)
            try:
                p.wait(timeout=delay)
                break  # the run finished before the kill: the round is over
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()
                kills += 1
                delays.append(round(delay, 2))
        _run(batch, out, url, cache)
        ids, found, leases = _state(url)
        lost += len(set(ref_ids) - set(ids))
        doubled += len(ids) - len(set(ids))
        leftover += leases
        exported = pd.read_csv(out / "cases.csv", dtype=str)
        doubled += len(exported) - exported.case_id.nunique()
        lost += len(set(ref_ids) - set(exported.case_id))
        if not found.equals(ref_findings):
            diff = pd.concat([found, ref_findings]).drop_duplicates(keep=False)
            changed += len(diff)
            problems.append({"round": rounds, "differing_findings": diff.to_dict("records")[:10]})
    shutil.rmtree(work, ignore_errors=True)
    save("reliability-faults", {
        "seed": args.seed, "cases": len(ref_ids), "kills": kills, "rounds": rounds,
        "whole_run_s": round(whole, 1), "kill_delays_s": sorted(delays),
        "cases_lost": lost, "cases_doubled": doubled, "findings_changed": changed,
        "leases_left": leftover, "problems": problems,
    })


def rerun(args: argparse.Namespace) -> None:
    batch = generated(RESULTS / f"batch-{args.seed}", args.cases, args.seed)
    work = Path(tempfile.mkdtemp(prefix="claims-rerun-"))
    url = f"sqlite:///{work / 'claims.db'}"
    first = _run(batch, work / "out", url, None)
    times = {p.name: p.stat().st_mtime_ns for p in (work / "out").iterdir() if p.name != "run-reports"}
    second = _run(batch, work / "out", url, None)
    untouched = times == {p.name: p.stat().st_mtime_ns for p in (work / "out").iterdir()
                          if p.name != "run-reports"}
    shutil.rmtree(work, ignore_errors=True)
    save("reliability-rerun", {
        "seed": args.seed, "cases": args.cases, "first_run_s": round(first, 1),
        "rerun_s": round(second, 2), "share": round(second / first, 4), "tables_untouched": untouched,
    })


def _tree_rss(root: int) -> int:
    """Resident memory (bytes) of `root` and all its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text(encoding="ascii", errors="replace").rsplit(")", 1)[1].split()
            ppid, pages = int(fields[1]), int(fields[21])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry.name))
        rss[int(entry.name)] = pages * os.sysconf("SC_PAGE_SIZE")
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo += children.get(pid, [])
    return total


def scale(args: argparse.Namespace) -> None:
    cases = max(1, round(args.pages / 7.3))  # the generator averages about 7.3 pages a case
    batch = generated(RESULTS / f"batch-{args.seed}", cases, args.seed)
    work = Path(tempfile.mkdtemp(prefix="claims-scale-"))
    url = f"sqlite:///{work / 'claims.db'}"
    t0 = time.perf_counter()
    p = _start(batch, work / "out", url, None)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss(p.pid))
            time.sleep(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, err = p.communicate()
    done.set()
    sampler.join()
    seconds = time.perf_counter() - t0
    if p.returncode != 0:
        raise SystemExit(err.decode()[-2000:])
    pages = int(pd.read_csv(work / "out" / "cases.csv").n_pages.sum())
    shutil.rmtree(work, ignore_errors=True)
    save("reliability-scale", {
        "seed": args.seed, "cases": cases, "pages": pages, "seconds": round(seconds, 1),
        "pages_per_s": round(pages / seconds, 3), "peak_tree_rss_mb": round(peak / 2**20),
    })


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="what", required=True)
    f = sub.add_parser("faults")
    f.add_argument("--kills", type=int, default=20)
    f.add_argument("--cases", type=int, default=10)
    f.add_argument("--seed", type=int, default=777011)
    r = sub.add_parser("rerun")
    r.add_argument("--cases", type=int, default=40)
    r.add_argument("--seed", type=int, default=777010)
    s = sub.add_parser("scale")
    s.add_argument("--pages", type=int, default=1000)
    s.add_argument("--seed", type=int, default=777012)
    args = ap.parse_args()
    {"faults": faults, "rerun": rerun, "scale": scale}[args.what](args)


if __name__ == "__main__":
    main()
