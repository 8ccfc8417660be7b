"""Scale-out: one ~200-page batch read by the local process pool, by a 2-worker Dask cluster on
the same machine, and by raw single-threaded tesseract, in one session.

Usage:
    python -m bench.scale_out [--seed 777013] [--pages 200] [--baseline-pages 0]
    python -m bench.scale_out sizes        # pickled size of a case before/after compaction (demo inbox)

- The batch: `claims samples` with the seed (generated once under bench/results/), cases taken in
  order until they hold --pages pages, copied into their own inbox. OCR cache OFF for every run.
- (a) `claims run` with its local pool (one single-threaded tesseract per core);
  (b) the same with `--dask-address` on a cluster of real `dask scheduler` and `dask worker
  --nthreads 1 --nworkers 2` processes started here (OMP_THREAD_LIMIT=1), their modules imported
  before timing (workers live long; the local pool is started by each run); each run a subprocess
  with its own store, timed from start to exit (Prefect's start-up included, as users see it);
  (c) raw `OMP_THREAD_LIMIT=1 tesseract page.png -` page after page on the same pages, rendered
  beforehand as `bench.validation` does (--baseline-pages N times an even sample; 0: all).
- Scheduler overhead per page = (Dask wall time - local wall time) / pages. Dask's own cost per
  task: the round trip of 200 empty tasks on the same cluster. The read tasks' compute time on
  the workers comes from the scheduler (its task prefix `read_case_on_worker`).
- The tables of (a) and (b) are compared (they must be equal).
Writes bench/results/scale_out.json (and result_sizes.json for `sizes`).
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import pickle
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pandas as pd

from bench.common import RESULTS, ROOT, claims_bin, generated, save, truths

TABLES = ("cases", "documents", "line_items", "findings")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def batch_of(pages: int, seed: int, cases: int) -> tuple[Path, int]:
    """The first cases of the seed's batch holding at least `pages` pages, as their own inbox."""
    source = generated(RESULTS / f"batch-{seed}", cases, seed)
    inbox = RESULTS / f"scale-out-{seed}-{pages}" / "inbox"
    chosen, total = [], 0
    for truth in truths(source):
        if total >= pages:
            break
        chosen.append(truth)
        total += sum(len(f["pages"]) for f in truth["files"] if not f.get("corruption"))
    if total < pages:
        raise SystemExit(f"seed {seed} with {cases} cases holds {total} pages: raise --cases")
    if inbox.exists():
        shutil.rmtree(inbox)
    inbox.mkdir(parents=True)
    for truth in chosen:
        shutil.copytree(source / truth["case_id"], inbox / truth["case_id"])
        shutil.copy(source / f"{truth['case_id']}.truth.json", inbox)
    return inbox, total


def _cli_has_dask() -> bool:
    shown = subprocess.run([claims_bin(), "run", "--help"], capture_output=True, text=True,
                           env={**os.environ, "COLUMNS": "200"})
    return "--dask-address" in shown.stdout


def run_claims(inbox: Path, work: Path, dask_address: str | None = None) -> tuple[float, str]:
    """One `claims run` (cache off) into `work`; its wall time and the command used."""
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    args = [str(inbox), "--out", str(work / "tables"), "--db", f"sqlite:///{work / 'claims.db'}"]
    if dask_address is None:
        command, label = [claims_bin(), "run", *args], "claims run"
    elif _cli_has_dask():
        command = [claims_bin(), "run", *args, "--dask-address", dask_address]
        label = "claims run --dask-address"
    else:  # `claims run` not wired yet: the same calls it makes (pipeline.flow.run_batch)
        command = [sys.executable, "-m", "bench.scale_out", "one", *args, "--dask-address", dask_address]
        label = "python -m bench.scale_out one --dask-address"
    env = {**os.environ, "CLAIMS_CACHE_DIR": "", "OMP_THREAD_LIMIT": "1",
           "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "PYTHONPATH": str(ROOT)}
    t0 = time.perf_counter()
    subprocess.run(command, check=True, env=env, cwd=work, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t0, label


class DaskProcesses:
    """`dask scheduler` and `dask worker --nthreads 1 --nworkers N` as processes of their own."""

    def __init__(self, workers: int, log_dir: Path) -> None:
        dask = str(Path(sys.executable).parent / "dask")
        self.address = f"tcp://127.0.0.1:{_free_port()}"
        env = {**os.environ, "OMP_THREAD_LIMIT": "1", "CLAIMS_CACHE_DIR": "", "PYTHONPATH": str(ROOT)}
        log_dir.mkdir(parents=True, exist_ok=True)
        port = self.address.rsplit(":", 1)[1]
        self.procs = [subprocess.Popen(
            [dask, "scheduler", "--host", "127.0.0.1", "--port", port, "--dashboard-address", ":0"],
            env=env, stdout=(log_dir / "scheduler.log").open("wb"), stderr=subprocess.STDOUT,
            start_new_session=True)]
        time.sleep(2)
        self.procs.append(subprocess.Popen(
            [dask, "worker", self.address, "--nthreads", "1", "--nworkers", str(workers),
             "--dashboard-address", ":0"],
            env=env, stdout=(log_dir / "worker.log").open("wb"), stderr=subprocess.STDOUT,
            start_new_session=True))
        from distributed import Client

        with Client(self.address, timeout=30) as client:
            client.wait_for_workers(workers, timeout=60)
            # long-lived workers have imported the pipeline and Prefect once; so do these, untimed
            client.run(_warm)

    def stop(self) -> None:
        for proc in reversed(self.procs):
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)


def _warm() -> None:
    import pipeline.flow  # noqa: F401  (Prefect, the task engine, every stage of reading)


def _noop(x: int) -> int:
    return x


def dask_figures(address: str, n: int = 200) -> dict[str, float]:
    """Dask's own cost per task (round trip of empty tasks), and what the scheduler knows of the
    read tasks: how many, and their compute seconds on the workers."""
    from distributed import Client

    with Client(address, timeout=30) as client:
        def prefixes(dask_scheduler: Any) -> dict[str, float]:
            p = dask_scheduler.task_prefixes.get("read_case_on_worker")
            return ({"tasks": int(p.state_counts.get("memory", 0)),
                     "compute_s": float(p.all_durations.get("compute", 0.0))} if p is not None else {})

        reads = client.run_on_scheduler(prefixes)
        client.gather(client.map(_noop, range(20), pure=False))  # warm up
        t0 = time.perf_counter()
        client.gather(client.map(_noop, range(n), pure=False))
        per_task = (time.perf_counter() - t0) / n
    return {"dask_empty_task_round_trip_ms": round(per_task * 1000, 2),
            "read_tasks": reads.get("tasks", 0),
            "read_tasks_compute_s": round(reads.get("compute_s", 0.0), 1)}


def same_tables(a: Path, b: Path) -> bool:
    for name in TABLES:
        left = pd.read_csv(a / f"{name}.csv", dtype=str, keep_default_na=False)
        right = pd.read_csv(b / f"{name}.csv", dtype=str, keep_default_na=False)
        if not left.equals(right):
            return False
    return True


def main(argv: list[str]) -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=777013)
    ap.add_argument("--pages", type=int, default=200)
    ap.add_argument("--cases", type=int, default=40, help="cases generated for the seed (enough pages)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--baseline-pages", type=int, default=0, help="pages timed for raw tesseract; 0: all")
    args = ap.parse_args(argv)
    from bench.validation import page_images, raw_seconds_per_page

    inbox, pages = batch_of(args.pages, args.seed, args.cases)
    work = inbox.parent
    record: dict = {"seed": args.seed, "cases": len([p for p in inbox.iterdir() if p.is_dir()]),
                    "pages": pages, "cores": os.cpu_count(), "ocr_cache": False}

    local_s, local_cmd = run_claims(inbox, work / "local")
    record.update({"local_command": local_cmd, "local_s": round(local_s, 1),
                   "local_pages_per_s": round(pages / local_s, 3)})

    cluster = DaskProcesses(args.workers, work / "dask-logs")
    try:
        dask_s, dask_cmd = run_claims(inbox, work / "dask", cluster.address)
        record.update(dask_figures(cluster.address))
    finally:
        cluster.stop()
    record.update({"dask_command": dask_cmd, "dask_workers": args.workers,
                   "dask_s": round(dask_s, 1), "dask_pages_per_s": round(pages / dask_s, 3),
                   "scheduler_overhead_s_per_page": round((dask_s - local_s) / pages, 4),
                   "same_tables": same_tables(work / "local" / "tables", work / "dask" / "tables")})

    with tempfile.TemporaryDirectory() as tmp:
        images, _ = page_images(inbox, Path(tmp))
        sample = args.baseline_pages or len(images)
        per_page = raw_seconds_per_page(images, sample)
    record.update({"raw_pages_timed": min(sample, len(images)), "raw_s_per_page": round(per_page, 3),
                   "raw_pages_per_s": round(1 / per_page, 3),
                   "local_vs_raw": round(pages / local_s * per_page, 2),
                   "dask_vs_raw": round(pages / dask_s * per_page, 2)})
    save("scale_out", record)


def sizes() -> None:
    """Pickled size of each demo case as read (with every page's words) and as a Dask worker
    returns it (`pipeline.scale.compact_case`). Uses CLAIMS_CACHE_DIR when set."""
    from pipeline.case import process_case
    from pipeline.scale import compact_case
    from pipeline.settings import Settings

    demo = ROOT / "samples" / "demo"
    rows, settings = [], Settings.from_env()
    for case_dir in sorted(p for p in demo.iterdir() if p.is_dir()):
        case = process_case(case_dir, settings)
        full = len(pickle.dumps(case))
        small = len(pickle.dumps(compact_case(copy.deepcopy(case))))
        rows.append({"case_id": case.case_id, "pages": case.n_pages, "bytes_read": full,
                     "bytes_returned": small})
    total_full = sum(r["bytes_read"] for r in rows)
    total_small = sum(r["bytes_returned"] for r in rows)
    pages = sum(r["pages"] for r in rows)
    save("result_sizes", {"cases": rows, "bytes_per_case_read": total_full // len(rows),
                          "bytes_per_case_returned": total_small // len(rows),
                          "bytes_per_page_read": total_full // pages,
                          "bytes_per_page_returned": total_small // pages,
                          "ratio": round(total_small / total_full, 3)})


def one(argv: list[str]) -> None:
    """What `claims run INBOX --out DIR --db URL --dask-address A` does, for a CLI not wired yet."""
    ap = argparse.ArgumentParser()
    ap.add_argument("inbox", type=Path)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--db", required=True)
    ap.add_argument("--dask-address", required=True)
    args = ap.parse_args(argv)
    from pipeline.batch import run_without_prefect
    from pipeline.flow import run_batch

    summary = (run_without_prefect(args.inbox, args.out, None, args.db)
               or run_batch(args.inbox, args.out, None, args.db, dask_address=args.dask_address))
    print(json.dumps({"processed": summary.processed, "pages": summary.pages}))


if __name__ == "__main__":
    if sys.argv[1:2] == ["sizes"]:
        sizes()
    elif sys.argv[1:2] == ["one"]:
        one(sys.argv[2:])
    else:
        main(sys.argv[1:])
