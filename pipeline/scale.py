"""Reading on a Dask cluster: what runs on the workers, what comes back, and the checks before a run.

    info = check_cluster("tcp://host:8786")          reachable, with workers (else DaskError)
    with prefect_api_for(info): ...                  an API the workers can report their task runs to
    read_on_worker(case_id, case_dir, settings, keep_words) -> CaseResult   (on a worker)

The flow (`pipeline.flow`) sends only reading and extraction to the workers: each task gets a case
folder's PATH (the inbox is on a file system every worker mounts at the same path) and the flow's
settings, reads with one single-threaded tesseract in the worker's own process (no process pool),
and returns the extracted case without its page words (`compact_case`): results stay small, no
page image or word list crosses the scheduler. Deciding and storing stay in the flow's process;
the store is never shipped to a worker.
"""

from __future__ import annotations

import ipaddress
import logging
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy import select

from pipeline.errors import ClaimsError
from pipeline.models import Document, Page, Word
from pipeline.settings import Settings
from pipeline.store import Store
from pipeline.tables import CaseResult

log = logging.getLogger(__name__)

CONNECT_TIMEOUT_S = 10  # to reach the scheduler
WAIT_FOR_WORKERS_S = 30  # a scheduler with no worker yet: how long to wait for the first
# Document types whose text the checks read after extraction (validators.rules.excluded_cause reads
# the discharge summary's): their pages keep their words. Add a type here when a rule starts
# reading another document's text.
TEXT_READ_BY_CHECKS = frozenset({"discharge_summary"})


class DaskError(ClaimsError):
    """The Dask cluster cannot be used for this run; the message says what to do."""


class InboxNotMounted(DaskError):
    """A worker cannot see a case folder: the inbox is not mounted at the same path there."""


# ------------------------------------------------------------------------------------- the cluster


@dataclass(frozen=True)
class ClusterInfo:
    address: str  # the scheduler's, as given
    workers: list[str]  # worker addresses (tcp://host:port)
    threads: int  # task slots over all workers

    @property
    def all_local(self) -> bool:
        """Whether every worker runs on this machine (then they can reach a loopback API)."""
        return all(_is_local(_host(w)) for w in self.workers)


def _host(address: str) -> str:
    return urlsplit(address if "://" in address else f"tcp://{address}").hostname or ""


def _local_addresses() -> set[str]:
    found = {"localhost", socket.gethostname()}
    try:
        import psutil  # comes with distributed

        found |= {a.address.split("%")[0] for addrs in psutil.net_if_addrs().values() for a in addrs
                  if a.family in (socket.AF_INET, socket.AF_INET6)}
    except Exception:  # psutil missing or refusing: loopback and host name still count
        pass
    return found


def _is_local(host: str) -> bool:
    try:
        if ipaddress.ip_address(host).is_loopback:
            return True
    except ValueError:
        pass
    return host in _local_addresses()


def check_cluster(address: str, connect_timeout: float = CONNECT_TIMEOUT_S,
                  wait_for_workers: float = WAIT_FOR_WORKERS_S) -> ClusterInfo:
    """The cluster behind `address`, once it has at least one worker. Raises `DaskError` when the
    scheduler cannot be reached or no worker joins it in time."""
    from distributed import Client

    try:
        client = Client(address, timeout=connect_timeout, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        raise DaskError(
            f"cannot reach the Dask scheduler at {address} ({type(exc).__name__}): start it with "
            "`dask scheduler` on that machine, or fix --dask-address (tcp://HOST:8786)") from None
    try:
        try:
            client.wait_for_workers(1, timeout=wait_for_workers)
        except TimeoutError:
            raise DaskError(
                f"the Dask scheduler at {address} has no workers: start `dask worker {address} "
                "--nthreads 1 --nworkers N` on the reading machines (docs/nightly.md)") from None
        workers = client.scheduler_info(n_workers=-1)["workers"]
        return ClusterInfo(address, sorted(workers),
                           sum(int(w.get("nthreads", 1)) for w in workers.values()))
    finally:
        client.close()


@contextmanager
def prefect_api_for(info: ClusterInfo) -> Iterator[str]:
    """An API URL that the cluster's workers report their task runs to, set for what runs inside.

    With PREFECT_API_URL set (a Prefect server, as in production) that one. Without it, Prefect's
    temporary local server is started here and its URL set for the run, so the workers use it too
    (each would otherwise start a temporary server of its own, ~9 s, and the flow's task runs would
    be scattered over them); that works only when every worker runs on this machine."""
    from prefect.settings import PREFECT_API_URL, temporary_settings

    configured = PREFECT_API_URL.value()
    if configured:
        yield str(configured)
        return
    if not info.all_local:
        raise DaskError(
            f"the Dask workers of {info.address} run on other machines, and they need a Prefect "
            "server to report to: start one (`prefect server start --host 0.0.0.0`) and set "
            "PREFECT_API_URL=http://HOST:4200/api here and on the workers (docs/nightly.md)")
    from prefect.server.api.server import SubprocessASGIServer

    server = SubprocessASGIServer()  # Prefect's own temporary server, the one a flow would start
    server.start()
    with temporary_settings(updates={PREFECT_API_URL: server.api_url}):
        yield server.api_url


# ---------------------------------------------------------------------------------- on the worker


def worker_settings(settings: Settings) -> Settings:
    """The flow's settings for one Dask worker process: one single-threaded tesseract, no pool."""
    return replace(settings, workers=1)


def read_on_worker(case_id: str, case_dir: Path, settings: Settings, keep_words: bool = False) -> CaseResult:
    """Read, classify and extract one case folder in this (worker) process; the result without page
    words unless `keep_words` (a reviewer changed a document's type: the flow extracts it again).

    A failure of ours on the case becomes its `processing_failed` finding (the batch goes on); a
    case folder this worker cannot see stops the run (`InboxNotMounted`): storing it as an empty
    case would be wrong."""
    from pipeline.batch import case_failed
    from pipeline.case import process_case

    os.environ["OMP_THREAD_LIMIT"] = "1"  # one single-threaded tesseract per worker process
    if not case_dir.is_dir():
        raise InboxNotMounted(
            f"the Dask worker on {socket.gethostname()} cannot see the case folder {case_dir}: mount "
            "the inbox at the same path on every worker (docs/nightly.md)")
    try:
        case = process_case(case_dir, worker_settings(settings))
    except Exception as err:  # a defect on one case must not stop the batch
        log.error("case %s failed while reading (%s)", case_id, type(err).__name__)
        return case_failed(case_id, err)
    return case if keep_words else compact_case(case)


# --------------------------------------------------------------------------- small results


@dataclass(slots=True)
class ReadPage(Page):
    """A page after extraction, without its words: what the checks and the store still read of it
    (source, number, geometry, method, rotation, skew, resolution, mean confidence)."""

    conf: float = 0.0  # the mean word confidence of the page as read

    @property
    def mean_conf(self) -> float:
        return self.conf


def _line_word(words: list[Word], line: int) -> Word:
    """One word holding a whole text line (its words joined by spaces, as `Page.text` joins them)."""
    left, top = min(w.left for w in words), min(w.top for w in words)
    return Word(" ".join(w.text for w in words), left, top, max(w.right for w in words) - left,
                max(w.bottom for w in words) - top, sum(w.conf for w in words) / len(words), line)


def _compact_page(page: Page, keep_text: bool) -> ReadPage:
    lines = [_line_word(ws, n) for n, ws in enumerate(page.lines)] if keep_text else []
    return ReadPage(page.source_file, page.page_no, page.width, page.height, lines, page.method,
                    page.content_hash, page.rotation, page.skew, page.dpi, conf=page.mean_conf)


def compact_case(case: CaseResult, keep_text_of: frozenset[str] = TEXT_READ_BY_CHECKS) -> CaseResult:
    """The case without the words of its pages: fields and line items keep their values, pages and
    boxes, pages their geometry and mean confidence. Documents whose text the checks read
    (`keep_text_of`) keep it as one word per line (`Page.text` unchanged). In place."""
    for doc in case.documents:
        doc.pages = [_compact_page(p, doc.doc_type in keep_text_of) for p in doc.pages]
    return case


def words_kept(documents: list[Document]) -> int:
    """Words the documents carry (to measure what a result costs to ship)."""
    return sum(len(p.words) for d in documents for p in d.pages)


# ------------------------------------------------------------------------------ in the flow


def retyped_cases(store: Store, case_ids: list[str]) -> set[str]:
    """Cases where a reviewer changed a document's type: the flow extracts those documents again
    from their words, so their words must come back from the worker."""
    from pipeline.ledger import CorrectionRow

    if not case_ids:
        return set()
    found: set[str] = set()
    with store.transaction("looking up corrected document types") as session:
        for start in range(0, len(case_ids), 500):
            chunk = case_ids[start:start + 500]
            found |= set(session.scalars(select(CorrectionRow.case_id).where(
                CorrectionRow.target == "doc_type", CorrectionRow.case_id.in_(chunk))))
    return found
