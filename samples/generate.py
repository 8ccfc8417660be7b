"""Write synthetic claim packets and their ground truth: `claims samples DIR --cases N --seed S`.

For each case `build_case` (samples/cases.py) decides what the packet says; this module renders
the documents (samples/render), scans some pages (samples/scan), bundles pages into files in their
delivery forms (image files, multi-page TIFF, scanned / digital / mixed PDFs), adds a broken file
when one is planted, and writes `DIR/<case_id>/...` plus `DIR/<case_id>.truth.json`.
Deterministic given the seed: every case draws from its own Random seeded with (seed, index).
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import itertools
import json
import logging
import os
import random
import re
import shutil
import zipfile
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
from PIL import Image

from samples import items
from samples.cases import (
    CARD_TYPES,
    CasePlan,
    CaseSkeleton,
    PlannedDoc,
    build_case,
    plan_batch,
)

log = logging.getLogger(__name__)

CLEAN_DPI = 300  # renderers draw clean pages at 300 dpi


# ---- rendered pages -------------------------------------------------------------------------


@dataclass
class Page:
    doc: int  # index into the plan's documents
    number: int  # 1-based page within its document
    scanned: bool
    image: Image.Image | None = None  # the delivered (scanned) image
    dpi: int = CLEAN_DPI
    scan: dict[str, Any] | None = None
    unreadable: bool = False


@dataclass
class RenderedDoc:
    planned: PlannedDoc
    digital: bool
    pdf: bytes | None = None  # digital rendering
    pages: list[Page] = field(default_factory=list)


@dataclass
class FilePlan:
    name: str
    form: str
    pages: list[Page] = field(default_factory=list)
    corruption: str | None = None


def _render_module() -> Any:
    from samples import render

    return render


def _scan_module() -> Any:
    from samples import scan

    return scan


@dataclass(frozen=True)
class Options:
    """Knobs for smaller or faster output; the defaults make the full-fidelity samples.

    `max_dpi` caps the scan resolution; `compact` (the demo inbox) also caps scan noise, which
    dominates file sizes, and prefers JPEG over lossless PNG/LZW."""

    max_dpi: int | None = None
    compact: bool = False


COMPACT_NOISE = 0.006
COMPACT_QUALITY = 72


def adjusted(params: Any, **changes: Any) -> Any:
    if dataclasses.is_dataclass(params) and not isinstance(params, type):
        return dataclasses.replace(params, **changes)
    for key, value in changes.items():
        setattr(params, key, value)
    return params


def effective_dpi(image: Image.Image, clean: Image.Image) -> int:
    """The dpi of a scanned image, from its size relative to the 300-dpi clean page."""
    return max(72, round(max(image.size) * CLEAN_DPI / max(clean.size)))


def scan_page(clean: Image.Image, card: bool, unreadable: bool, rng: random.Random,
              dpi: int | None, opts: Options) -> tuple[Image.Image, dict[str, Any] | None]:
    scan = _scan_module()
    if unreadable:
        image = scan.destroy(clean, rng)
        if opts.max_dpi and effective_dpi(image, clean) > opts.max_dpi:
            factor = opts.max_dpi / effective_dpi(image, clean)
            image = image.resize((max(1, round(image.width * factor)),
                                  max(1, round(image.height * factor))))
        return image, None
    params = scan.photo_params(rng) if card else scan.random_scan_params(rng)
    if dpi:
        params = adjusted(params, dpi=dpi)
    if opts.max_dpi and params.dpi > opts.max_dpi:
        params = adjusted(params, dpi=opts.max_dpi)
    if opts.compact:
        quality = params.jpeg_quality
        params = adjusted(params, noise=min(params.noise, COMPACT_NOISE),
                          jpeg_quality=min(quality or COMPACT_QUALITY, COMPACT_QUALITY))
    image = scan.degrade(clean, params, rng)
    return image.convert("RGB") if image.mode not in ("RGB", "L") else image, params.to_dict()


def render_doc(plan: CasePlan, i: int, digital: bool, rng: random.Random,
               session_dpi: int | None, opts: Options) -> RenderedDoc:
    render = _render_module()
    pd = plan.docs[i]
    out = RenderedDoc(pd, digital)
    if digital:
        out.pdf = render.render_pdf(pd.spec, random.Random(pd.render_seed))
        n = len(pdfium.PdfDocument(out.pdf))
        out.pages = [Page(i, k + 1, scanned=False) for k in range(n)]
        return out
    clean_pages = render.render_pages(pd.spec, random.Random(pd.render_seed))
    card = pd.doc_type in CARD_TYPES
    for k, clean in enumerate(clean_pages):
        destroyed = pd.unreadable and k == 0
        image, scan = scan_page(clean, card, destroyed, rng, session_dpi, opts)
        out.pages.append(Page(i, k + 1, True, image, effective_dpi(image, clean), scan, destroyed))
    return out


# ---- delivery: which documents go into which files, in which form ---------------------------

DOC_WORDS: dict[str, tuple[str, ...]] = {
    "medical_invoice": ("invoice", "Invoice", "e-invoice", "fapiao", "hospital receipt"),
    "fee_list": ("fee_list", "Expense List", "itemized bill", "detail_list", "costs"),
    "discharge_summary": ("discharge_summary", "Discharge Summary", "discharge", "summary"),
    "id_card": ("id_card", "ID card", "idcard_front", "identity card"),
    "insurance_card": ("insurance_card", "SS card", "medical card", "social_security_card"),
    "household_register": ("hukou", "household register", "household_book"),
    "out_of_area_registration": ("registration", "filing record", "out_of_area_filing"),
    "residence_proof": ("residence_permit", "residence proof", "proof_of_residence"),
    "employer_certificate": ("employer_certificate", "company certificate", "work_certificate"),
    "reimbursement_form": ("application_form", "reimbursement form", "claim_form"),
    "other": ("leaflet", "misc", "other", "extra page"),
}
PACKET_WORDS: tuple[str, ...] = (
    "packet", "claim_documents", "scan", "documents", "medical claim", "reimbursement",
    "all_pages", "SCAN0001",
)


@dataclass
class Namer:
    rng: random.Random
    style: str  # descriptive | scanner | phone
    date: str  # yyyymmdd, for phone and scanner names
    used: set[str] = field(default_factory=set)
    counter: int = 0

    def unique(self, stem: str, ext: str) -> str:
        name = f"{stem}.{ext}"
        n = 2
        while name.lower() in self.used:
            name = f"{stem} ({n}).{ext}"
            n += 1
        self.used.add(name.lower())
        return name

    def generic(self, ext: str) -> str:
        self.counter += 1
        r = self.rng
        image = ext in ("jpg", "jpeg", "png", "heic")
        if image and (self.style == "phone" or r.random() < 0.4):
            t = f"{r.randint(8, 21):02d}{r.randint(0, 59):02d}{r.randint(0, 59):02d}"
            return self.unique(f"IMG_{self.date}_{t}", ext)
        if self.style == "phone":  # a scanner app on the phone
            y, m, d = self.date[:4], self.date[4:6], self.date[6:]
            return self.unique(f"CamScanner {m}-{d}-{y} {r.randint(8, 21)}.{r.randint(10, 59)}",
                               ext)
        if r.random() < 0.2:
            return self.unique(f"Scan {self.date[:4]}-{self.date[4:6]}-{self.date[6:]} "
                               f"{r.randint(8, 20)}.{r.randint(10, 59)}", ext)
        return self.unique(f"scan_{self.counter:04d}", ext)

    def for_docs(self, doc_types: Sequence[str], ext: str) -> str:
        if self.style != "descriptive":
            return self.generic(ext)
        if len(doc_types) == 1:
            return self.unique(self.rng.choice(DOC_WORDS[doc_types[0]]), ext)
        return self.unique(self.rng.choice(PACKET_WORDS), ext)


def image_ext(rng: random.Random, card: bool) -> str:
    if card:
        return rng.choice(("jpg", "jpg", "jpeg", "png"))
    return rng.choice(("jpg", "jpg", "jpg", "png", "jpeg"))


def single_form(rng: random.Random, doc: RenderedDoc) -> str:
    """The form of a file that holds one document."""
    if doc.digital:
        return "pdf_digital"
    if len(doc.pages) > 1:
        return rng.choice(("tiff", "tiff", "pdf_scanned"))
    return rng.choice(("png", "jpg")) if doc.planned.doc_type not in CARD_TYPES else "jpg"


def group_form(rng: random.Random, docs: Sequence[RenderedDoc], preferred: str) -> str:
    digital = [d.digital for d in docs]
    if len(docs) == 1 and preferred not in ("tiff", "pdf_scanned"):
        return single_form(rng, docs[0])
    if all(digital):
        return "pdf_digital"
    if any(digital):
        return "pdf_mixed"
    return preferred if preferred in ("tiff", "pdf_scanned") else "pdf_scanned"


def digital_flags(plan: CasePlan, mode: str, groups: list[list[int]], group_pref: list[str],
                  rng: random.Random) -> list[bool]:
    ok = [d.digital_ok for d in plan.docs]
    if mode == "digital_files":
        return [o and rng.random() < 0.9 for o in ok]
    if mode == "mixed_packet":
        flags = [o and rng.random() < 0.75 for o in ok]
        if not any(flags) and any(ok):
            flags[ok.index(True)] = True
        return flags
    if mode == "bundles":
        flags = [False] * len(ok)
        for members, pref in zip(groups, group_pref, strict=True):
            for i in members:
                flags[i] = ok[i] and pref in ("pdf_digital", "pdf_mixed") and rng.random() < 0.8
        return flags
    return [False] * len(ok)


def grouping(plan: CasePlan, mode: str, rng: random.Random) -> tuple[list[list[int]], list[str]]:
    """Documents per file (indices, packet order) and the form each file is meant to have."""
    n = len(plan.docs)
    if mode in ("tiff_packet", "scanned_packet", "mixed_packet"):
        pref = {"tiff_packet": "tiff", "scanned_packet": "pdf_scanned"}.get(mode, "pdf_mixed")
        return [list(range(n))], [pref]
    if mode == "bundles" and n > 2:
        cuts = sorted(rng.sample(range(1, n), min(n - 1, rng.choice((1, 2)))))
        bounds = [0, *cuts, n]
        groups = [list(range(a, b)) for a, b in itertools.pairwise(bounds)]
        prefs = [rng.choice(("pdf_scanned", "pdf_mixed", "pdf_digital", "tiff")) for _ in groups]
        return groups, prefs
    if mode == "digital_files":
        digital = [i for i, d in enumerate(plan.docs) if d.digital_ok]
        rest = [i for i in range(n) if i not in digital]
        if rest and rng.random() < 0.4:  # the paper documents scanned together
            return [[i] for i in digital] + [rest], ["single"] * len(digital) + ["pdf_scanned"]
    return [[i] for i in range(n)], ["single"] * n


def plan_files(plan: CasePlan, docs: list[RenderedDoc], groups: list[list[int]],
               prefs: list[str], namer: Namer, rng: random.Random,
               opts: Options = Options()) -> list[FilePlan]:
    files: list[FilePlan] = []
    for members, pref in zip(groups, prefs, strict=True):
        members_docs = [docs[i] for i in members]
        form = group_form(rng, members_docs, pref)
        ext = {"tiff": rng.choice(("tif", "tiff")), "png": "png"}.get(
            form, "pdf" if form.startswith("pdf") else "")
        if form in ("jpg", "png"):
            ext = image_ext(rng, plan.docs[members[0]].doc_type in CARD_TYPES)
            if opts.compact and ext == "png" and rng.random() < 0.7:
                ext = "jpg"
            form = "png" if ext == "png" else "jpg"
        name = namer.for_docs([plan.docs[i].doc_type for i in members], ext)
        files.append(FilePlan(name, form, [p for d in members_docs for p in d.pages]))
    return files


# ---- writing files --------------------------------------------------------------------------


def jpeg_bytes(image: Image.Image, quality: int, dpi: int) -> bytes:
    buf = io.BytesIO()
    image = image if image.mode in ("L", "RGB") else image.convert("RGB")
    image.save(buf, "JPEG", quality=quality, dpi=(dpi, dpi), optimize=True)
    return buf.getvalue()


def page_quality(page: Page) -> int:
    """JPEG quality of a delivered scan: the scanner's setting, 80 for lossless scans."""
    quality = (page.scan or {}).get("jpeg_quality") or 80
    return int(min(85, max(40, quality)))


def add_image_page(pdf: pdfium.PdfDocument, page: Page) -> None:
    assert page.image is not None
    width = page.image.width * 72 / page.dpi
    height = page.image.height * 72 / page.dpi
    pdf_page = pdf.new_page(width, height)
    obj = pdfium.PdfImage.new(pdf)
    obj.load_jpeg(io.BytesIO(jpeg_bytes(page.image, page_quality(page), page.dpi)))
    obj.set_matrix(pdfium.PdfMatrix().scale(width, height))
    pdf_page.insert_obj(obj)
    pdf_page.gen_content()


def pdf_bytes(pages: list[Page], docs: list[RenderedDoc]) -> bytes:
    out = pdfium.PdfDocument.new()
    sources: dict[int, pdfium.PdfDocument] = {}
    for page in pages:
        if page.scanned:
            add_image_page(out, page)
            continue
        src = sources.get(page.doc)
        if src is None:
            src = sources[page.doc] = pdfium.PdfDocument(docs[page.doc].pdf)
        out.import_pages(src, [page.number - 1])
    buf = io.BytesIO()
    out.save(buf)
    return stable_pdf(buf.getvalue())


CREATION_RE = re.compile(rb"/CreationDate\(D:\d{14}")
ID_RE = re.compile(rb"/ID\[<[0-9A-F]{32}><[0-9A-F]{32}>\]")


def stable_pdf(data: bytes) -> bytes:
    """pdfium stamps new documents with the time and a random /ID: replace both in place (same
    length, so the cross-reference offsets stay valid) with values derived from the content."""
    data = CREATION_RE.sub(b"/CreationDate(D:20260101000000", data)
    digest = hashlib.md5(ID_RE.sub(b"", data)).hexdigest().upper().encode()
    return ID_RE.sub(b"/ID[<" + digest + b"><" + digest + b">]", data)


def tiff_bytes(pages: list[Page], rng: random.Random, opts: Options = Options()) -> bytes:
    """A multi-page TIFF, JPEG-compressed (YCbCr for colour, as scanners write it) or LZW."""
    gray = all(p.image is not None and p.image.mode == "L" for p in pages)
    lossy = opts.compact or not gray or rng.random() < 0.7  # LZW only for greyscale scans
    mode = "L" if gray else ("YCbCr" if lossy else "RGB")
    images = [p.image.convert(mode) for p in pages if p.image is not None]
    buf = io.BytesIO()
    options: dict[str, Any] = (
        {"compression": "jpeg", "quality": page_quality(pages[0])} if lossy
        else {"compression": "tiff_lzw"}
    )
    images[0].save(buf, "TIFF", save_all=True, append_images=images[1:],
                   dpi=(pages[0].dpi, pages[0].dpi), **options)
    return buf.getvalue()


def file_bytes(fp: FilePlan, docs: list[RenderedDoc], rng: random.Random,
               opts: Options = Options()) -> bytes:
    if fp.form.startswith("pdf"):
        if fp.form == "pdf_digital" and len({p.doc for p in fp.pages}) == 1:
            data = docs[fp.pages[0].doc].pdf
            assert data is not None
            return data
        return pdf_bytes(fp.pages, docs)
    if fp.form == "tiff":
        return tiff_bytes(fp.pages, rng, opts)
    page = fp.pages[0]
    assert page.image is not None
    if fp.form == "jpg":
        return jpeg_bytes(page.image, page_quality(page), page.dpi)
    buf = io.BytesIO()
    page.image.save(buf, "PNG", dpi=(page.dpi, page.dpi), optimize=False, compress_level=6)
    return buf.getvalue()


# ---- broken files ---------------------------------------------------------------------------


def encrypted_pdf(rng: random.Random) -> bytes:
    from reportlab.lib.pdfencrypt import StandardEncryption
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    enc = StandardEncryption(userPassword=f"{rng.randrange(10**5, 10**6)}",
                             ownerPassword=f"owner{rng.randrange(10**6)}", canPrint=1)
    c = canvas.Canvas(buf, encrypt=enc, invariant=1)
    c.drawString(72, 760, "Medical expense statement (protected copy)")
    c.drawString(72, 740, "Open with the password sent by SMS.")
    c.showPage()
    c.save()
    return buf.getvalue()


def opens_as_pdf(data: bytes) -> bool:
    try:
        return len(pdfium.PdfDocument(data)) > 0
    except pdfium.PdfiumError:
        return False


def truncated_pdf(source: bytes, rng: random.Random) -> bytes:
    """`source` cut short so that no reader can open it (pdfium rebuilds lost cross-reference
    tables, so cut until it fails)."""
    fraction = rng.uniform(0.3, 0.6)
    while fraction > 0.01:
        data = source[: max(16, int(len(source) * fraction))]
        if not opens_as_pdf(data):
            return data
        fraction *= 0.6
    return source[:16]


def docx_bytes() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.'
                    'openxmlformats.org/package/2006/content-types"/>')
        zf.writestr("word/document.xml", "<w:document><w:body><w:p><w:r><w:t>Reimbursement "
                    "application</w:t></w:r></w:p></w:body></w:document>")
    return buf.getvalue()


def corrupt_file(kind: str, namer: Namer, docs: list[RenderedDoc],
                 rng: random.Random) -> tuple[str, bytes]:
    if kind == "empty":
        return namer.generic(rng.choice(("jpg", "pdf", "png"))), b""
    if kind == "truncated":
        source = next((d.pdf for d in docs if d.pdf), None) or pdf_bytes(docs[0].pages, docs)
        return namer.unique(rng.choice(("invoice_copy", "upload", "document")), "pdf"), \
            truncated_pdf(source, rng)
    if kind == "encrypted":
        return namer.unique(rng.choice(("statement", "e-statement", "protected")), "pdf"), \
            encrypted_pdf(rng)
    if kind == "text_as_pdf":
        text = "Patient notes\nPlease see the attached invoice.\nThank you.\n"
        return namer.unique(rng.choice(("notes", "readme", "letter")), "pdf"), text.encode()
    if kind == "not_an_image":
        html = b"<html><head><title>Upload failed</title></head><body>Error 502</body></html>\n"
        return namer.generic("jpg"), html
    ext = rng.choice(("docx", "docx", "heic"))
    if ext == "heic":
        return namer.generic("heic"), b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" * 8
    return namer.unique(rng.choice(("application", "claim letter")), "docx"), docx_bytes()


# ---- truth ----------------------------------------------------------------------------------


def layout_index(doc_type: str, layout: int) -> int:
    try:
        n = _render_module().N_LAYOUTS.get(doc_type)
    except (ImportError, AttributeError):
        return layout
    return layout % n if n else layout


def line_truth(line: Any, no: int) -> dict[str, Any]:
    category = None
    if line.row_type == "drug":
        category = items.catalogue().get(line.generic_name or "", "not_listed")
    return {
        "line_no": no, "item_date": line.item_date, "item_name": line.name,
        "quantity": items.quantity_str(line.quantity),
        "unit_price": items.amount_str(line.unit_price), "amount": items.amount_str(line.amount),
        "row_type": line.row_type, "generic_name": line.generic_name, "category": category,
    }


def page_range(numbers: list[int]) -> str:
    return str(numbers[0]) if len(numbers) == 1 else f"{numbers[0]}-{numbers[-1]}"


def truth(plan: CasePlan, files: list[FilePlan], corrupt_name: str | None) -> dict[str, Any]:
    files = sorted(files, key=lambda f: f.name.lower())
    order: list[int] = []  # plan doc index, in order of first appearance
    located: dict[int, tuple[str, list[int]]] = {}
    for fp in files:
        for n, page in enumerate(fp.pages, start=1):
            if page.doc not in located:
                order.append(page.doc)
                located[page.doc] = (fp.name, [])
            located[page.doc][1].append(n)
    index = {doc: k for k, doc in enumerate(order)}
    documents = [doc_truth(plan.docs[i], k, *located[i]) for k, i in enumerate(order)]
    expected = plan.expected()
    for f in expected["findings"]:
        if f["code"] == "corrupt_file":
            f["file"] = corrupt_name
    return {
        "case_id": plan.case_id, "seed": plan.seed, "claim_type": plan.claim_type,
        "case_json": plan.case_json, "employer_insured": plan.employer_insured,
        "files": [file_truth(fp, index) for fp in files],
        "documents": documents, "expected": expected,
    }


def doc_truth(pd: PlannedDoc, k: int, source: str, pages: list[int]) -> dict[str, Any]:
    return {
        "doc_id": f"d{k + 1}", "doc_type": pd.doc_type, "source_file": source,
        "pages": page_range(pages), "layout": layout_index(pd.doc_type, pd.spec.layout),
        "fields": dict(sorted(pd.spec.fields.items())),
        "line_items": [line_truth(ln, n) for n, ln in enumerate(pd.spec.lines, start=1)],
    }


def file_truth(fp: FilePlan, index: dict[int, int]) -> dict[str, Any]:
    return {
        "name": fp.name, "form": fp.form,
        "pages": [{"page": n, "doc": index[p.doc], "scanned": p.scanned, "scan": p.scan,
                   "unreadable": p.unreadable} for n, p in enumerate(fp.pages, start=1)],
        "corruption": fp.corruption,
    }


# ---- one case -------------------------------------------------------------------------------


def make_namer(plan: CasePlan, rng: random.Random) -> Namer:
    style = rng.choice(("descriptive", "descriptive", "scanner", "phone"))
    return Namer(rng, style, plan.submitted_on.replace("-", ""))


def write_case(sk: CaseSkeleton, seed: int, out_dir: Path, opts: Options = Options()) -> Path:
    plan = build_case(sk, seed)
    rng = random.Random(f"delivery:{seed}:{sk.index}")
    groups, prefs = grouping(plan, sk.delivery, rng)
    flags = digital_flags(plan, sk.delivery, groups, prefs, rng)
    session_dpi = (rng.choice((150, 200, 200, 300))
                   if sk.delivery in ("tiff_packet", "scanned_packet") else None)
    docs = [render_doc(plan, i, flags[i], random.Random(f"scan:{seed}:{sk.index}:{i}"),
                       session_dpi, opts) for i in range(len(plan.docs))]
    namer = make_namer(plan, rng)
    files = plan_files(plan, docs, groups, prefs, namer, rng, opts)
    case_dir = out_dir / plan.case_id
    if case_dir.exists():  # a previous run's packet: start clean
        shutil.rmtree(case_dir)
    case_dir.mkdir(parents=True)
    for fp in files:
        (case_dir / fp.name).write_bytes(file_bytes(fp, docs, rng, opts))
    corrupt_name = None
    if plan.corruption:
        corrupt_name, data = corrupt_file(plan.corruption, namer, docs, rng)
        (case_dir / corrupt_name).write_bytes(data)
        files.append(FilePlan(corrupt_name, "corrupt", [], plan.corruption))
    if plan.case_json is not None:
        (case_dir / "case.json").write_text(json.dumps(plan.case_json, indent=2) + "\n")
    record = truth(plan, files, corrupt_name)
    (out_dir / f"{plan.case_id}.truth.json").write_text(
        json.dumps(record, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    log.debug("wrote %s (%d files, %d documents)", plan.case_id, len(files), len(plan.docs))
    return case_dir


def _write_case_job(args: tuple[CaseSkeleton, int, Path, Options]) -> Path:
    return write_case(*args)


def default_workers(cases: int) -> int:
    return max(1, min(cases, os.cpu_count() or 1, 8))


def generate_samples(out_dir: Path, cases: int, seed: int, *, max_dpi: int | None = None,
                     compact: bool = False, workers: int | None = None) -> list[Path]:
    """Write `cases` claim packets into `out_dir` (one folder per case, plus
    `<case_id>.truth.json` next to it). Returns the case folders in order.

    `max_dpi` and `compact` trade fidelity for size and speed (see `Options`); `workers` defaults
    to one process per CPU (at most 8); the output does not depend on it."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    opts = Options(max_dpi, compact)
    jobs = [(sk, seed, out_dir, opts) for sk in plan_batch(cases, seed)]
    n = default_workers(cases) if workers is None else workers
    if n <= 1:
        return [_write_case_job(job) for job in jobs]
    with ProcessPoolExecutor(max_workers=n) as pool:
        return list(pool.map(_write_case_job, jobs))
