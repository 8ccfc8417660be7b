"""Reading on a real Dask cluster (`distributed.LocalCluster`, 2 worker processes): the same tables
as a local run, the reading done on the workers, small results, and clear messages when the
cluster cannot be used. Real scans of the demo inbox, real tesseract through the session's OCR
cache, real SQLite stores."""

from __future__ import annotations

import copy
import pickle
import shutil
import socket
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from pipeline.batch import TABLES
from pipeline.settings import Settings
from pipeline.store import Store
from tests.env import ocr_cache_env

DEMO = Path(__file__).resolve().parent.parent / "samples" / "demo"
CASES = ("S3-0001", "S3-0003", "S3-0004")  # an inpatient with a discharge summary, two others


@pytest.fixture(scope="module")
def cached(ocr_cache: Path) -> Iterator[Path]:
    """CLAIMS_CACHE_DIR for the module: the flow ships its settings (and so the cache) to the
    workers, which read through it."""
    with ocr_cache_env(ocr_cache):
        yield ocr_cache


@pytest.fixture(scope="module")
def cluster(cached: Path) -> Iterator[object]:
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as c:
        yield c


@pytest.fixture(scope="module")
def inbox(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("inbox")
    for case in CASES:
        shutil.copytree(DEMO / case, root / case)
    return root


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_a_batch_on_two_dask_workers_gives_the_tables_of_a_local_run(
        cluster: object, inbox: Path, tmp_path: Path) -> None:
    from pipeline.flow import run_batch

    local_db, dask_db = f"sqlite:///{tmp_path / 'local.db'}", f"sqlite:///{tmp_path / 'dask.db'}"
    local = run_batch(inbox, tmp_path / "local", None, local_db)
    remote = run_batch(inbox, tmp_path / "dask", None, dask_db,
                       dask_address=cluster.scheduler_address)  # type: ignore[attr-defined]

    # the reading ran on the cluster: one computed task per case
    prefix = cluster.scheduler.task_prefixes["read_case_on_worker"]  # type: ignore[attr-defined]
    assert prefix.state_counts["memory"] >= len(CASES)
    assert (remote.processed, remote.pages) == (local.processed, local.pages) == (len(CASES), local.pages)
    assert local.pages > 10
    with Store.open(local_db) as a, Store.open(dask_db) as b:
        here, there = a.export(), b.export()
    for name in TABLES:
        assert len(here[name]) > 0 or name == "findings"
        pd.testing.assert_frame_equal(here[name], there[name], obj=name)
        csv_here = pd.read_csv(tmp_path / "local" / f"{name}.csv", dtype=str, keep_default_na=False)
        csv_there = pd.read_csv(tmp_path / "dask" / f"{name}.csv", dtype=str, keep_default_na=False)
        pd.testing.assert_frame_equal(csv_here, csv_there, obj=f"{name}.csv")
    # the page geometry the review app draws on, mean confidence included, came back unchanged
    with Store.open(local_db) as a, Store.open(dask_db) as b:
        for case in CASES:
            pages_here = [d["pages_read"] for d in a.load_case(case)["documents"]]  # type: ignore[index]
            pages_there = [d["pages_read"] for d in b.load_case(case)["documents"]]  # type: ignore[index]
            assert pages_here == pages_there
    assert remote.report is not None and remote.report.processed == len(CASES)


def test_task_runs_of_the_workers_are_in_the_flows_prefect_api(cluster: object, inbox: Path,
                                                                 tmp_path: Path) -> None:
    """Without PREFECT_API_URL the workers report to the run's own temporary API (not one each):
    the task runs, named by case id, are found there, completed."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId
    from prefect.client.schemas.sorting import FlowRunSort
    from prefect.server.api.server import SubprocessASGIServer
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from pipeline.flow import run_batch

    run_batch(inbox, tmp_path / "out", None, f"sqlite:///{tmp_path / 'claims.db'}",
              dask_address=cluster.scheduler_address)  # type: ignore[attr-defined]
    with temporary_settings(updates={PREFECT_API_URL: SubprocessASGIServer().api_url}), \
            get_client(sync_client=True) as client:
        batch = client.read_flow_runs(sort=FlowRunSort.START_TIME_DESC, limit=1)[0]  # this run's
        runs = client.read_task_runs(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[batch.id])))
    assert batch.name.startswith("batch-inbox") and batch.state_name == "Completed"
    states = {r.name: r.state_name for r in runs if r.name.startswith("read ")}
    assert {f"read {case}" for case in CASES} <= set(states)
    assert all(states[f"read {case}"] == "Completed" for case in CASES)


def test_results_come_back_without_page_words(cached: Path) -> None:
    """What a worker returns: fields, line items and page geometry, no word lists (the discharge
    summary keeps its text, which the excluded-cause rule reads); far smaller to ship."""
    from pipeline.scale import compact_case, read_on_worker

    settings = Settings.from_env()
    full = read_on_worker("S3-0001", DEMO / "S3-0001", settings, keep_words=True)
    small = compact_case(copy.deepcopy(full))
    assert len(pickle.dumps(small)) < 0.4 * len(pickle.dumps(full))
    assert [d.doc_type for d in small.documents] == [d.doc_type for d in full.documents]
    assert [p.mean_conf for d in small.documents for p in d.pages] == \
           [p.mean_conf for d in full.documents for p in d.pages]
    kept = [d for d in full.documents if d.doc_type == "discharge_summary"]
    assert kept, "the demo case has a discharge summary"
    assert [d.text for d in small.documents if d.doc_type == "discharge_summary"] == [d.text for d in kept]
    assert all(not p.words for d in small.documents if d.doc_type != "discharge_summary" for p in d.pages)
    assert [e.fields for e in small.extractions] == [e.fields for e in full.extractions]
    assert read_on_worker("S3-0001", DEMO / "S3-0001", settings).documents[0].pages[0].words == \
        small.documents[0].pages[0].words


def test_a_case_folder_the_worker_cannot_see_stops_the_run(tmp_path: Path) -> None:
    """An inbox not mounted on a worker would otherwise store every case as empty."""
    from pipeline.scale import InboxNotMounted, read_on_worker

    with pytest.raises(InboxNotMounted, match="mount the inbox at the same path"):
        read_on_worker("C-1", tmp_path / "nowhere" / "C-1", Settings.from_env())


def test_an_unreachable_scheduler_is_named_with_what_to_do() -> None:
    from pipeline.scale import DaskError, check_cluster

    address = f"tcp://127.0.0.1:{_free_port()}"
    with pytest.raises(DaskError, match=r"cannot reach the Dask scheduler .*dask scheduler"):
        check_cluster(address, connect_timeout=1)


def test_a_scheduler_without_workers_is_named_with_what_to_do() -> None:
    from distributed import LocalCluster

    from pipeline.scale import DaskError, check_cluster

    with LocalCluster(n_workers=0, processes=False, dashboard_address=":0") as empty, \
            pytest.raises(DaskError, match="has no workers: start `dask worker"):
        check_cluster(empty.scheduler_address, wait_for_workers=1)


def test_remote_workers_without_a_prefect_server_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """Workers on other machines cannot reach a temporary API on this one's loopback."""
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from pipeline.scale import ClusterInfo, DaskError, prefect_api_for

    far = ClusterInfo("tcp://10.11.12.13:8786", ["tcp://10.11.12.14:40000"], 1)
    with temporary_settings(updates={PREFECT_API_URL: ""}), \
            pytest.raises(DaskError, match="PREFECT_API_URL"), prefect_api_for(far):
        pass
    near = ClusterInfo("tcp://127.0.0.1:8786", ["tcp://127.0.0.1:40000"], 1)
    assert near.all_local and not far.all_local
