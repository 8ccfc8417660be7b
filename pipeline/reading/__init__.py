"""Reading: every file form into pages of words.

    plan_file(path, settings, name) -> PageJobs    (sniff, open, count pages; bad files raise
                                                    BadFileError)
    run_job(job, settings)          -> Pages       (text layer, or rasterise/load + OCR; in a worker)
    read_files(files, settings)     -> ReadResult  (plans, consults the OCR cache, runs jobs one per
                                                    core; bad files become FileProblems)

Every page and problem carries the file's display name as `source_file`: for a `CaseFile` of
`pipeline.inbox.scan_case` its path inside the case folder (`scans/page1.png`), for a bare path
its name; both valid UTF-8 (`pipeline.inbox.safe_name`).
"""

from __future__ import annotations

import dataclasses
import logging
import multiprocessing
from collections.abc import Callable, Iterable
from concurrent.futures import Executor, Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import BadFileError
from pipeline.inbox import CaseFile, safe_name
from pipeline.models import FileProblem, Page, ReadResult
from pipeline.reading import images, pdf
from pipeline.reading.cache import OcrCache, file_hash
from pipeline.reading.files import file_kind
from pipeline.settings import Settings

log = logging.getLogger(__name__)

Progress = Callable[[int], None]  # called with the number of pages just finished


@dataclass(frozen=True)
class PageJob:
    """Pages of one file to read in one go: several text-layer pages, or one page to OCR."""

    path: Path
    kind: str  # "pdf_text" | "pdf_scan" | "image"
    indices: tuple[int, ...]  # 0-based pages
    file_hash: str
    pixels: int = 0  # size of the page image(s), a guess of the work: big pages start first
    name: str = ""  # the file's display name, `source_file` of its pages (default: its own name)

    @property
    def source_name(self) -> str:
        return self.name or safe_name(self.path.name)

    @property
    def needs_ocr(self) -> bool:
        return self.kind != "pdf_text"

    def content_hash(self, index: int) -> str:
        return f"{self.file_hash}:{index}"


A4_300DPI = 2480 * 3508


def plan_file(path: Path, settings: Settings, name: str | None = None) -> list[PageJob]:
    """The jobs that read every page of `path`, whose pages are named `name` (default: the
    file's own name). Raises BadFileError for a file we cannot read; the limits (size, pages,
    pixels) are checked here, from the file's status and headers, before any page is decoded."""
    name = name or safe_name(path.name)
    kind = file_kind(path, settings)
    digest = file_hash(path)
    if kind != "pdf":
        sizes = images.frame_sizes(path, settings)
        return [PageJob(path, "image", (i,), digest, w * h, name) for i, (w, h) in enumerate(sizes)]
    with pdf.open_pdf(path, settings) as doc:
        flags = pdf.text_layer_flags(doc)
    text = tuple(i for i, has_text in enumerate(flags) if has_text)
    jobs = [PageJob(path, "pdf_text", text, digest, 0, name)] if text else []
    jobs += [PageJob(path, "pdf_scan", (i,), digest, A4_300DPI, name) for i, t in enumerate(flags) if not t]
    return jobs


def run_job(job: PageJob, settings: Settings) -> list[Page]:
    """Read the pages of one job. Runs in a worker process."""
    name = job.source_name
    if job.kind == "pdf_text":
        return [
            Page(name, i + 1, w, h, words, "text_layer", job.content_hash(i))
            for i, (w, h, words) in zip(job.indices, pdf.text_layer_pages(job.path, list(job.indices)),
                                        strict=True)
        ]
    from pipeline.reading.ocr import ocr_image  # heavy imports stay in the workers
    from pipeline.reading.photo import flatten_page

    (index,) = job.indices
    if job.kind == "pdf_scan":
        image, dpi = pdf.rasterise(job.path, index, settings)
        hint: int | None = dpi
    else:
        image, hint = images.load_frame(job.path, index, settings)
    res = ocr_image(flatten_page(image), dpi=hint, lang=settings.ocr_lang)
    return [Page(name, index + 1, res.width, res.height, res.words, "ocr", job.content_hash(index),
                 res.rotation, res.skew, res.dpi)]


def _safe_run(job: PageJob, settings: Settings) -> list[Page] | FileProblem:
    try:
        return run_job(job, settings)
    except BadFileError as err:
        return FileProblem(job.source_name, err.reason, err.advice)
    except Exception as err:  # a page we could not read must not stop the batch
        pages = ",".join(str(i + 1) for i in job.indices)
        return FileProblem(job.source_name, "unreadable",
                           f"page {pages} could not be read ({type(err).__name__}): scan it again")


def _case_file(item: Path | CaseFile) -> CaseFile:
    return item if isinstance(item, CaseFile) else CaseFile(item, safe_name(item.name))


def plan_files(files: Iterable[Path | CaseFile],
               settings: Settings) -> tuple[list[PageJob], list[FileProblem]]:
    """The jobs of every file; a file we cannot open becomes a problem under its display name,
    whatever went wrong (one odd file must not cost the case its other files)."""
    jobs: list[PageJob] = []
    problems: list[FileProblem] = []
    for item in map(_case_file, files):
        try:
            jobs.extend(plan_file(item.path, settings, item.name))
        except BadFileError as err:
            problems.append(FileProblem(item.name, err.reason, err.advice))
        except Exception as err:  # a defect of a reader on one file (pdfium, Pillow)
            log.warning("planning a file failed: %s", type(err).__name__)
            problems.append(FileProblem(
                item.name, "damaged",
                f"the file could not be opened ({type(err).__name__}); it may be damaged: open it "
                "yourself, and send it again as PDF, PNG, JPEG or TIFF"))
    return jobs, problems


def read_files(files: Iterable[Path | CaseFile], settings: Settings | None = None,
               progress: Progress | None = None, pool: Executor | None = None) -> ReadResult:
    """Every page of every file, in file order then page order; bad files become problems.
    `files`: paths (pages named by the file's name) or the `CaseFile`s of `scan_case` (pages
    named by the path inside the case folder).

    `pool` is a running pool of `reading_pool()` to share between calls (a batch reads several
    cases at once through one pool); without it, a pool lives for this call only."""
    settings = settings or Settings.from_env()
    jobs, problems = plan_files(files, settings)
    cache = OcrCache(settings.cache_dir, settings.ocr_lang) if settings.cache_dir else None
    results: dict[int, list[Page]] = {}
    todo: list[tuple[int, PageJob]] = []
    for n, job in enumerate(jobs):
        hit = (cache.get(job.content_hash(job.indices[0]), job.source_name)
               if cache and job.needs_ocr else None)
        if hit is not None:
            results[n] = [hit]
            if progress:
                progress(1)
        else:
            todo.append((n, job))
    for n, out in _run_all(todo, settings, progress, pool):
        if isinstance(out, FileProblem):
            problems.append(out)
            continue
        results[n] = out
        if cache and jobs[n].needs_ocr:
            for page in out:
                cache.put(page)
    pages = [p for n in sorted(results) for p in results[n]]
    order = {name: i for i, name in enumerate(dict.fromkeys(j.source_name for j in jobs))}
    pages.sort(key=lambda p: (order.get(p.source_file, 0), p.page_no))
    return ReadResult(pages=pages, problems=problems)


def reading_pool(settings: Settings) -> ProcessPoolExecutor:
    """A pool of one single-threaded tesseract worker per core (`settings.workers`)."""
    return ProcessPoolExecutor(max_workers=max(1, settings.workers),
                               mp_context=multiprocessing.get_context("spawn"), initializer=_init_worker)


def _run_all(todo: list[tuple[int, PageJob]], settings: Settings, progress: Progress | None,
             pool: Executor | None = None) -> Iterable[tuple[int, list[Page] | FileProblem]]:
    ocr_jobs = sum(1 for _, j in todo if j.needs_ocr)
    if pool is not None and ocr_jobs:
        yield from _run_in(pool, todo, settings, progress)
        return
    if settings.workers <= 1 or ocr_jobs <= 1:
        for n, job in todo:
            out = _safe_run(job, settings)
            if progress:
                progress(len(job.indices))
            yield n, out
        return
    with reading_pool(dataclasses.replace(settings, workers=min(settings.workers, len(todo)))) as own:
        yield from _run_in(own, todo, settings, progress)


def _run_in(pool: Executor, todo: list[tuple[int, PageJob]], settings: Settings,
            progress: Progress | None) -> Iterable[tuple[int, list[Page] | FileProblem]]:
    # Biggest pages first: the last pages to finish are then small ones, and no core idles
    # long at the end of the batch.
    by_size = sorted(todo, key=lambda item: -item[1].pixels)
    futures: dict[Future[list[Page] | FileProblem], tuple[int, PageJob]] = {
        pool.submit(_safe_run, job, settings): (n, job) for n, job in by_size
    }
    for fut in as_completed(futures):
        n, job = futures[fut]
        if progress:
            progress(len(job.indices))
        yield n, fut.result()


def _init_worker() -> None:
    import os

    os.environ["OMP_THREAD_LIMIT"] = "1"  # one single-threaded tesseract per core
