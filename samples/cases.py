"""Case plans: what each synthetic claim packet contains, which defects are planted in it and
which findings the pipeline is expected to report.

Two steps, both deterministic:
- `plan_batch(cases, seed)` decides per case the claim type, the planted defects and the delivery
  mode (cheap, sequential; guarantees every finding code and delivery mode occurs in a batch of
  about 30 cases);
- `build_case(skeleton, seed)` writes the story (person, hospital, dates, lines) into `DocSpec`s,
  seeded from (seed, index) only, so cases can be built in any order or in parallel.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import random
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from samples import items, people
from samples.spec import AMOUNT_FORMATS, DATE_FORMATS, DocSpec, LineSpec, Style

DATA = Path(__file__).resolve().parent / "data"

CLAIM_TYPES: tuple[str, ...] = ("outpatient", "inpatient_local", "inpatient_out_of_area")
INPATIENT: tuple[str, ...] = ("inpatient_local", "inpatient_out_of_area")
REQUIRED: dict[str, tuple[str, ...]] = {
    "outpatient": ("medical_invoice", "fee_list", "reimbursement_form", "insurance_card"),
    "inpatient_local": ("discharge_summary", "medical_invoice", "fee_list", "id_card",
                        "insurance_card"),
    "inpatient_out_of_area": ("id_card", "household_register", "insurance_card",
                              "discharge_summary", "medical_invoice", "fee_list",
                              "residence_proof", "out_of_area_registration"),
}
# the order documents usually come in, when a packet is not shuffled
PACKET_ORDER: tuple[str, ...] = (
    "reimbursement_form", "medical_invoice", "fee_list", "discharge_summary",
    "out_of_area_registration", "residence_proof", "employer_certificate", "id_card",
    "insurance_card", "household_register", "other",
)

SEVERITY: dict[str, str] = {
    "missing_document": "error", "unreadable_document": "error", "corrupt_file": "error",
    "identity_mismatch": "error", "total_mismatch": "error", "line_amount_mismatch": "error",
    "date_out_of_stay": "error", "registration_after_admission": "error",
    "excluded_cause": "error", "duplicate_invoice": "error",
    "drug_not_in_catalogue": "warning", "claim_type_inferred": "warning",
    "low_confidence": "warning",
}
# low_confidence depends on the OCR engine, not on the packet: never planted
PLANTABLE: tuple[str, ...] = tuple(c for c in SEVERITY if c != "low_confidence")
DEFECT_CLAIM_TYPES: dict[str, tuple[str, ...]] = {
    "date_out_of_stay": INPATIENT,
    "excluded_cause": INPATIENT,
    "registration_after_admission": ("inpatient_out_of_area",),
}
# documents a defect needs to stay in the packet (so missing_document cannot drop them)
DEFECT_NEEDS: dict[str, tuple[str, ...]] = {
    "total_mismatch": ("medical_invoice", "fee_list"),
    "line_amount_mismatch": ("fee_list",),
    "date_out_of_stay": ("fee_list",),
    "drug_not_in_catalogue": ("fee_list",),
    "registration_after_admission": ("out_of_area_registration",),
    "excluded_cause": ("discharge_summary",),
    "duplicate_invoice": ("medical_invoice",),
    # the claim type must stay inferable from the documents
    "claim_type_inferred": ("discharge_summary", "out_of_area_registration", "fee_list"),
}
CORRUPTIONS: tuple[str, ...] = (
    "empty", "truncated", "encrypted", "text_as_pdf", "not_an_image", "unsupported",
)
DELIVERY_MODES: tuple[str, ...] = (
    "image_files", "tiff_packet", "scanned_packet", "digital_files", "mixed_packet", "bundles",
)
CLEAN_SHARE = 0.4
SECOND_DEFECT_SHARE = 0.25
CARD_TYPES: tuple[str, ...] = ("id_card", "insurance_card")
# documents a hospital or agency may hand out as a digital PDF
DIGITAL_OK: frozenset[str] = frozenset({
    "medical_invoice", "fee_list", "discharge_summary", "reimbursement_form",
    "out_of_area_registration", "other",
})


# ---- batch plan -----------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseSkeleton:
    index: int  # 0-based position in the batch
    case_id: str
    claim_type: str
    defects: tuple[str, ...]
    delivery: str
    duplicate_of: int | None = None  # index of the earlier case whose invoice number is reused


def case_id(seed: int, index: int) -> str:
    return f"S{seed}-{index + 1:04d}"


def invoice_number(seed: int, index: int) -> str:
    digest = hashlib.sha256(f"invoice:{seed}:{index}".encode()).hexdigest()
    return f"{int(digest[:12], 16) % 10**10:010d}"


def plan_batch(cases: int, seed: int) -> list[CaseSkeleton]:
    rng = random.Random(f"batch:{seed}")
    clean = set(rng.sample(range(cases), round(cases * CLEAN_SHARE)))
    codes = _code_cycle(rng, cases)
    deliveries = _cycle(rng, DELIVERY_MODES, cases)
    out: list[CaseSkeleton] = []
    for i in range(cases):
        defects = () if i in clean else _defects_for(i, codes, rng, out)
        claim_type = _claim_type(defects, rng)
        dup = _duplicate_source(out, rng) if "duplicate_invoice" in defects else None
        if "duplicate_invoice" in defects and dup is None:
            defects = tuple(d for d in defects if d != "duplicate_invoice") or ("total_mismatch",)
            claim_type = _claim_type(defects, rng)
        out.append(CaseSkeleton(i, case_id(seed, i), claim_type, defects, deliveries[i], dup))
    return out


def _cycle(rng: random.Random, values: tuple[str, ...], n: int) -> list[str]:
    out: list[str] = []
    while len(out) < n:
        block = list(values)
        rng.shuffle(block)
        out += block
    return out[:n]


def _code_cycle(rng: random.Random, n: int) -> list[str]:
    codes = _cycle(rng, PLANTABLE, n)
    # duplicate_invoice needs an earlier case: never first in the queue
    if codes and codes[0] == "duplicate_invoice":
        codes.append(codes.pop(0))
    return codes


def _defects_for(i: int, queue: list[str], rng: random.Random,
                 earlier: list[CaseSkeleton]) -> tuple[str, ...]:
    first = queue.pop(0) if queue else rng.choice(PLANTABLE)
    if first == "duplicate_invoice" and not earlier:
        queue.append(first)
        first = queue.pop(0)
    defects = [first]
    if rng.random() < SECOND_DEFECT_SHARE:
        options = [c for c in PLANTABLE if c != first and compatible([*defects, c])
                   and (c != "duplicate_invoice" or earlier)]
        defects.append(rng.choice(options))
    return tuple(sorted(defects))


def compatible(defects: list[str]) -> bool:
    return bool(allowed_claim_types(defects))


def allowed_claim_types(defects: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    allowed = set(CLAIM_TYPES)
    for code in defects:
        allowed &= set(DEFECT_CLAIM_TYPES.get(code, CLAIM_TYPES))
    return tuple(t for t in CLAIM_TYPES if t in allowed)


def _claim_type(defects: tuple[str, ...], rng: random.Random) -> str:
    return rng.choice(allowed_claim_types(defects))


def _duplicate_source(earlier: list[CaseSkeleton], rng: random.Random) -> int | None:
    sources = [s.index for s in earlier
               if s.duplicate_of is None and "missing_document" not in s.defects]
    return rng.choice(sources) if sources else None


# ---- case plan ------------------------------------------------------------------------------


@dataclass
class PlannedDoc:
    spec: DocSpec
    render_seed: int
    unreadable: bool = False  # delivered as a destroyed scan

    @property
    def doc_type(self) -> str:
        return self.spec.doc_type

    @property
    def digital_ok(self) -> bool:
        return self.doc_type in DIGITAL_OK and not self.unreadable


@dataclass
class CasePlan:
    skeleton: CaseSkeleton
    seed: int
    employer_insured: bool
    case_json: dict[str, Any] | None
    docs: list[PlannedDoc]
    findings: list[dict[str, Any]]
    corruption: str | None = None  # kind of the extra broken file, if any
    submitted_on: str = ""  # ISO date the packet was put together

    @property
    def case_id(self) -> str:
        return self.skeleton.case_id

    @property
    def claim_type(self) -> str:
        return self.skeleton.claim_type

    def expected(self) -> dict[str, Any]:
        errors = sorted({f["code"] for f in self.findings if f["severity"] == "error"})
        return {"status": "needs_review" if errors else "approved", "reasons": errors,
                "findings": sorted(self.findings, key=_finding_key)}


def _finding_key(f: dict[str, Any]) -> tuple[str, str, str, int]:
    return (f["code"], f.get("doc_type") or "", f.get("field") or "", f.get("line_no", 0))


def finding(code: str, doc_type: str | None = None, field_name: str | None = None,
            **extra: Any) -> dict[str, Any]:
    return {"code": code, "severity": SEVERITY[code], "doc_type": doc_type, "field": field_name,
            **extra}


@dataclass
class Story:
    """The facts of one claim, shared by all its documents."""

    claim_type: str
    person: people.Person
    insured: people.Region
    treatment: people.Region
    hospital: people.Hospital
    employer: str
    employer_insured: bool
    admission: dt.date
    discharge: dt.date
    issue: dt.date
    submitted: dt.date
    filing: dt.date
    residence_address: str
    diagnosis: str
    department: str
    narrative: str
    advice: str
    invoice_number: str
    lines: list[LineSpec] = field(default_factory=list)
    invoice_lines: list[LineSpec] = field(default_factory=list)
    invoice_total: Decimal = Decimal(0)
    styles: dict[str, Style] = field(default_factory=dict)

    @property
    def inpatient(self) -> bool:
        return self.claim_type in INPATIENT

    @property
    def days(self) -> int:
        return (self.discharge - self.admission).days


@cache
def narratives() -> dict[str, Any]:
    with (DATA / "narratives.toml").open("rb") as fh:
        return tomllib.load(fh)


@cache
def leaflets() -> list[dict[str, str]]:
    with (DATA / "leaflets.toml").open("rb") as fh:
        return list(tomllib.load(fh)["leaflet"])


@cache
def diagnoses() -> list[dict[str, str]]:
    return items._read_csv(DATA / "diagnoses.csv")


def iso(d: dt.date) -> str:
    return d.isoformat()


def random_style(rng: random.Random) -> Style:
    return Style(
        date_fmt=rng.choice(DATE_FORMATS),
        amount_fmt=rng.choice(AMOUNT_FORMATS),
        line_amount_fmt=rng.choice(("plain", "plain", "plain", "comma")),
        line_date_fmt=rng.choice(("iso", "iso", "dmy", "ymd_slash")),
    )


def make_story(sk: CaseSkeleton, seed: int, rng: random.Random) -> Story:
    insured = people.make_region(rng)
    treatment = (people.make_region(rng, frozenset({insured.name}))
                 if sk.claim_type == "inpatient_out_of_area" else insured)
    hospital = people.make_hospital(treatment, rng)
    admission = dt.date(2025, 1, 6) + dt.timedelta(days=rng.randint(0, 410))
    diag = rng.choice([d for d in diagnoses()
                       if (d["setting"] == "inpatient") == (sk.claim_type in INPATIENT)])
    stay = rng.randint(int(diag["stay_min"]), int(diag["stay_max"]))
    discharge = admission + dt.timedelta(days=stay)
    issue = discharge + dt.timedelta(days=rng.choice((0, 0, 0, 1, 2)) if stay else 0)
    person = people.make_person(insured, rng, admission)
    return Story(
        claim_type=sk.claim_type, person=person, insured=insured, treatment=treatment,
        hospital=hospital, employer=people.make_employer(insured, rng),
        employer_insured=rng.random() < 0.5, admission=admission, discharge=discharge,
        issue=issue, submitted=issue + dt.timedelta(days=rng.randint(5, 45)),
        filing=admission - dt.timedelta(days=rng.choice((0, 1, 2, 3, 5, 8, 14, 21, 30, 45))),
        residence_address=people.make_address(treatment, rng), diagnosis=diag["diagnosis"],
        department=diag["department"], narrative="", advice=rng.choice(narratives()["advice"]),
        invoice_number=(invoice_number(seed, sk.duplicate_of) if sk.duplicate_of is not None
                        else invoice_number(seed, sk.index)),
        styles={k: random_style(rng) for k in ("hospital", "agency", "police", "employer", "form")},
    )


def fill_narrative(story: Story, rng: random.Random, cause: str | None = None) -> None:
    if not story.inpatient:
        return
    if cause:
        entry = narratives()["excluded"][cause]
        story.diagnosis = rng.choice(entry["diagnoses"])
        departments = {d["diagnosis"]: d["department"] for d in diagnoses()}
        story.department = entry["department"] or departments.get(story.diagnosis,
                                                                  story.department)
        template = rng.choice(entry["narratives"])
    else:
        template = rng.choice(narratives()["clean"])
    story.narrative = template.format(
        diagnosis=story.diagnosis.lower() if not cause else story.diagnosis, days=story.days,
        admission=iso(story.admission), discharge=iso(story.discharge),
    )


def fill_lines(story: Story, rng: random.Random) -> None:
    if story.inpatient:
        n = rng.randint(min(60, max(12, story.days * 2 + 4)), min(60, 14 + story.days * 4))
    else:
        n = rng.randint(8, 20)
    story.lines = items.fee_list_lines(rng, story.admission, story.discharge, n)


def settle_invoice(story: Story, rng: random.Random, mismatch: bool = False) -> None:
    """Invoice rows are the fee list's category sums; a planted difference goes onto the
    largest row, so the invoice stays consistent in itself."""
    rows = items.invoice_summary(story.lines)
    if mismatch:
        k = max(range(len(rows)), key=lambda i: rows[i].amount)
        amount = rows[k].amount + total_delta(rng, rows[k].amount)
        rows[k] = dataclasses.replace(rows[k], unit_price=amount, amount=amount)
    story.invoice_lines = rows
    story.invoice_total = items.lines_total(rows)


# ---- documents ------------------------------------------------------------------------------

DocBuilder = Callable[[Story, random.Random], DocSpec]


def _doc(doc_type: str, story: Story, issuer: str, fields: dict[str, str], rng: random.Random,
         **kw: Any) -> DocSpec:
    return DocSpec(doc_type=doc_type, fields={k: v for k, v in fields.items() if v},
                   style=story.styles[issuer], layout=rng.randrange(60), **kw)


def _maybe(rng: random.Random, p: float, value: str) -> str:
    return value if rng.random() < p else ""


def _stay(story: Story) -> dict[str, str]:
    if not story.inpatient:
        return {}
    return {"admission_date": iso(story.admission), "discharge_date": iso(story.discharge)}


def build_medical_invoice(story: Story, rng: random.Random) -> DocSpec:
    p = story.person
    fields = {
        "patient_name": p.name, "id_number": _maybe(rng, 0.5, p.id_number),
        "hospital": story.hospital.name, "invoice_number": story.invoice_number,
        "issue_date": iso(story.issue if story.inpatient else story.admission),
        "total_amount": items.amount_str(story.invoice_total),
        "department": _maybe(rng, 0.4, story.department), **_stay(story),
    }
    extras = {"hospital_address": story.hospital.address,
              "invoice_code": f"{rng.randrange(10**11, 10**12)}",
              "check_code": f"{rng.randrange(10**5, 10**6)}",
              "seal_text": f"{story.hospital.name} Invoice Seal",
              "payer": p.name, "insurance_type": "Basic medical insurance"}
    return _doc("medical_invoice", story, "hospital", fields, rng,
                lines=list(story.invoice_lines), extras=extras)


def build_fee_list(story: Story, rng: random.Random) -> DocSpec:
    p = story.person
    fields = {
        "patient_name": p.name, "id_number": _maybe(rng, 0.3, p.id_number),
        "hospital": story.hospital.name, "department": _maybe(rng, 0.6, story.department),
        "total_amount": _maybe(rng, 0.85, items.amount_str(items.lines_total(story.lines))),
        "issue_date": "" if story.inpatient else iso(story.admission), **_stay(story),
    }
    number_key = "inpatient_no" if story.inpatient else "outpatient_no"
    extras = {"hospital_address": story.hospital.address,
              number_key: f"{rng.randrange(10**6, 10**7)}",
              "title": "Inpatient Expense Details" if story.inpatient else "Outpatient Fee List"}
    return _doc("fee_list", story, "hospital", fields, rng, lines=list(story.lines), extras=extras)


def build_discharge_summary(story: Story, rng: random.Random) -> DocSpec:
    p = story.person
    fields = {
        "patient_name": p.name, "gender": p.gender, "id_number": _maybe(rng, 0.4, p.id_number),
        "birth_date": _maybe(rng, 0.3, p.birth_date), "hospital": story.hospital.name,
        "department": story.department, "diagnosis": story.diagnosis, **_stay(story),
    }
    extras = {"narrative": story.narrative, "advice": story.advice,
              "inpatient_no": f"{rng.randrange(10**6, 10**7)}",
              "physician": people.make_name(rng), "hospital_address": story.hospital.address}
    return _doc("discharge_summary", story, "hospital", fields, rng, extras=extras)


def build_id_card(story: Story, rng: random.Random) -> DocSpec:
    p = story.person
    fields = {"patient_name": p.name, "gender": p.gender, "birth_date": p.birth_date,
              "address": p.address, "id_number": p.id_number,
              "valid_until": iso(dt.date(story.admission.year + rng.randint(1, 15), 1, 1)
                                 + dt.timedelta(days=rng.randint(0, 364)))}
    extras = {"issuer": f"{story.insured.name} Public Security Bureau", "ethnicity": "Han"}
    return _doc("id_card", story, "police", fields, rng, extras=extras)


def build_insurance_card(story: Story, rng: random.Random) -> DocSpec:
    p = story.person
    fields = {"patient_name": p.name, "id_number": p.id_number, "card_number": p.card_number,
              "insured_region": story.insured.name,
              "valid_until": _maybe(rng, 0.5, iso(story.admission.replace(day=1)
                                                  + dt.timedelta(days=365 * rng.randint(2, 9))))}
    extras = {"issuer": f"{story.insured.name} Medical Security Bureau",
              "title": rng.choice(("Social Security Card", "Medical Insurance Card"))}
    return _doc("insurance_card", story, "agency", fields, rng, extras=extras)


def build_household_register(story: Story, rng: random.Random) -> DocSpec:
    p = story.person
    fields = {"patient_name": p.name, "gender": p.gender, "birth_date": p.birth_date,
              "id_number": p.id_number, "address": p.address}
    extras = {"relationship": rng.choice(people.name_parts()["relationships"]),
              "issuer": f"{story.insured.name} Public Security Bureau"}
    return _doc("household_register", story, "police", fields, rng, extras=extras)


def build_out_of_area_registration(story: Story, rng: random.Random) -> DocSpec:
    p = story.person
    fields = {"patient_name": p.name, "id_number": p.id_number,
              "card_number": _maybe(rng, 0.5, p.card_number), "insured_region": story.insured.name,
              "treatment_region": story.treatment.name, "filing_date": iso(story.filing),
              "hospital": _maybe(rng, 0.6, story.hospital.name),
              "valid_until": _maybe(rng, 0.4, iso(story.filing + dt.timedelta(days=365)))}
    extras = {"issuer": f"{story.insured.name} Medical Security Bureau",
              "filing_no": f"YD{rng.randrange(10**9, 10**10)}"}
    return _doc("out_of_area_registration", story, "agency", fields, rng, extras=extras)


def build_residence_proof(story: Story, rng: random.Random) -> DocSpec:
    p = story.person
    since = story.admission - dt.timedelta(days=rng.randint(90, 1500))
    fields = {"patient_name": p.name, "id_number": p.id_number,
              "address": story.residence_address, "treatment_region": story.treatment.name,
              "issue_date": iso(since), "valid_until": iso(since + dt.timedelta(days=365 * 3))}
    extras = {"issuer": rng.choice((f"{story.treatment.name} Public Security Bureau",
                                    f"{story.treatment.districts[0]} Residents' Committee")),
              "title": rng.choice(("Residence Permit", "Proof of Residence",
                                   "Temporary Residence Permit"))}
    return _doc("residence_proof", story, "police", fields, rng, extras=extras)


def build_employer_certificate(story: Story, rng: random.Random) -> DocSpec:
    p = story.person
    fields = {"patient_name": p.name, "id_number": p.id_number, "employer": story.employer,
              "issue_date": iso(story.discharge + dt.timedelta(days=rng.randint(1, 5)))}
    extras = {"seal_text": story.employer,
              "text": (f"This is to certify that {p.name} is an employee of {story.employer} "
                       "and is covered by the basic medical insurance for employees through "
                       "this company.")}
    return _doc("employer_certificate", story, "employer", fields, rng, extras=extras)


def build_reimbursement_form(story: Story, rng: random.Random) -> DocSpec:
    p = story.person
    fields = {"patient_name": p.name, "id_number": p.id_number,
              "card_number": _maybe(rng, 0.7, p.card_number),
              "insured_region": story.insured.name, "hospital": story.hospital.name,
              "claimed_amount": items.amount_str(story.invoice_total),
              "bank_account": _maybe(rng, 0.8, p.bank_account),
              "diagnosis": _maybe(rng, 0.4, story.diagnosis),
              "issue_date": iso(story.submitted), **_stay(story)}
    extras = {"issuer": f"{story.insured.name} Medical Security Bureau",
              "title": "Medical Expense Reimbursement Application Form"}
    return _doc("reimbursement_form", story, "form", fields, rng, extras=extras)


def build_other(story: Story, rng: random.Random) -> DocSpec:
    leaflet = rng.choice(leaflets())
    return _doc("other", story, "hospital", {}, rng,
                extras={"title": leaflet["title"], "text": leaflet["text"],
                        "issuer": story.hospital.name})


DOC_BUILDERS: dict[str, DocBuilder] = {
    "medical_invoice": build_medical_invoice,
    "fee_list": build_fee_list,
    "discharge_summary": build_discharge_summary,
    "id_card": build_id_card,
    "insurance_card": build_insurance_card,
    "household_register": build_household_register,
    "out_of_area_registration": build_out_of_area_registration,
    "residence_proof": build_residence_proof,
    "employer_certificate": build_employer_certificate,
    "reimbursement_form": build_reimbursement_form,
    "other": build_other,
}


def required_docs(claim_type: str, employer_insured: bool) -> list[str]:
    docs = list(REQUIRED[claim_type])
    if claim_type == "inpatient_local" and employer_insured:
        docs.append("employer_certificate")
    return docs


def packet_types(story: Story, rng: random.Random) -> list[str]:
    types = required_docs(story.claim_type, story.employer_insured)
    extras = {"reimbursement_form": 0.5, "id_card": 0.3, "household_register": 0.1}
    types += [t for t, p in extras.items() if t not in types and rng.random() < p]
    if rng.random() < 0.25:
        types.append("other")
    types.sort(key=PACKET_ORDER.index)
    if rng.random() < 0.3:
        rng.shuffle(types)
    return types


# ---- planted defects ------------------------------------------------------------------------


def plant_line_amount(story: Story, rng: random.Random) -> list[dict[str, Any]]:
    k = rng.randrange(len(story.lines))
    line = story.lines[k]
    if rng.random() < 0.3 and line.amount >= 1:
        wrong = line.amount * 10  # a slipped decimal point
    else:
        wrong = line.amount + rng.choice((-1, 1)) * items.money(rng.uniform(1, 50))
        if wrong <= 0:
            wrong = line.amount + items.money(rng.uniform(1, 50))
    story.lines[k] = dataclasses.replace(line, amount=items.money(wrong))
    return [finding("line_amount_mismatch", "fee_list", "amount", line_no=k + 1)]


def plant_date_out_of_stay(story: Story, rng: random.Random) -> list[dict[str, Any]]:
    candidates = [i for i, ln in enumerate(story.lines) if ln.row_type not in ("bed", "nursing")]
    k = rng.choice(candidates)
    shift = dt.timedelta(days=rng.randint(1, 6))
    when = story.admission - shift if rng.random() < 0.5 else story.discharge + shift
    story.lines[k] = dataclasses.replace(story.lines[k], item_date=iso(when))
    return [finding("date_out_of_stay", "fee_list", "item_date", line_no=k + 1)]


def plant_unlisted_drug(story: Story, rng: random.Random) -> list[dict[str, Any]]:
    drug_idx = [i for i, ln in enumerate(story.lines) if ln.row_type == "drug"]
    other_idx = [i for i, ln in enumerate(story.lines) if ln.row_type not in ("bed", "nursing")]
    pool = drug_idx or other_idx
    out = []
    for k in sorted(rng.sample(pool, min(len(pool), rng.choice((1, 1, 2))))):
        date = dt.date.fromisoformat(story.lines[k].item_date or iso(story.admission))
        story.lines[k] = items.drug_line(rng, date, items.pick_unlisted_drug(rng))
        out.append(finding("drug_not_in_catalogue", "fee_list", "item_name", line_no=k + 1))
    return out


def total_delta(rng: random.Random, row_amount: Decimal) -> Decimal:
    delta = items.money(rng.uniform(5, max(10.0, float(row_amount) * 0.3)))
    return delta if rng.random() < 0.6 or delta >= row_amount / 2 else -delta


def plant_registration_after_admission(story: Story, rng: random.Random) -> None:
    story.filing = story.admission + dt.timedelta(days=rng.randint(1, max(1, min(10, story.days))))


@dataclass
class Planting:
    """State while defects are planted into one case."""

    story: Story
    types: list[str]
    defects: tuple[str, ...]
    rng: random.Random
    findings: list[dict[str, Any]] = field(default_factory=list)
    docs: list[PlannedDoc] = field(default_factory=list)
    corruption: str | None = None


def plant_identity(pl: Planting) -> None:
    rng = pl.rng
    candidates = [d for d in pl.docs if "patient_name" in d.spec.fields and not d.unreadable]
    target = rng.choice(candidates[1:] if len(candidates) > 2 else candidates)
    with_id = "id_number" in target.spec.fields
    key = "id_number" if with_id and rng.random() < 0.5 else "patient_name"
    person = pl.story.person
    new = (people.altered_id_number(person.id_number, rng) if key == "id_number"
           else people.altered_name(person.name, rng))
    target.spec.fields[key] = new
    pl.findings.append(finding("identity_mismatch", target.doc_type, key))


def plant_missing(pl: Planting) -> None:
    needed = {t for code in pl.defects for t in DEFECT_NEEDS.get(code, ())}
    required = required_docs(pl.story.claim_type, pl.story.employer_insured)
    if "claim_type_inferred" in pl.defects:  # the requirement is only known from case.json
        needed.add("employer_certificate")
    options = [t for t in required if t not in needed]
    if "employer_certificate" in options and pl.rng.random() < 0.6:
        drop = "employer_certificate"
    else:
        drop = pl.rng.choice(options)
    pl.types = [t for t in pl.types if t != drop]
    pl.findings.append(finding("missing_document", None, drop))


def plant_unreadable(pl: Planting) -> None:
    """A destroyed page: an extra leaflet or card copy, or (sometimes) a required one-page
    document, which then also counts as missing."""
    rng = pl.rng
    busy = {t for code in pl.defects for t in DEFECT_NEEDS.get(code, ())}
    busy |= {f["doc_type"] for f in pl.findings}
    required = required_docs(pl.story.claim_type, pl.story.employer_insured)
    one_page = [d for d in pl.docs if d.doc_type in (*CARD_TYPES, "household_register",
                                                      "residence_proof", "employer_certificate")
                and d.doc_type in required and d.doc_type not in busy
                and sum(x.doc_type == d.doc_type for x in pl.docs) == 1]
    if one_page and "missing_document" not in pl.defects and rng.random() < 0.3:
        target = rng.choice(one_page)
        pl.findings.append(finding("missing_document", None, target.doc_type))
    else:
        extra_type = rng.choice(("other", "other", *CARD_TYPES))
        target = PlannedDoc(DOC_BUILDERS[extra_type](pl.story, rng), rng.randrange(2**31))
        pl.docs.insert(rng.randint(0, len(pl.docs)), target)
    target.unreadable = True
    pl.findings.append(finding("unreadable_document", target.doc_type, None))


def plant_story_defects(story: Story, defects: tuple[str, ...], rng: random.Random
                        ) -> list[dict[str, Any]]:
    """Defects in the facts (lines, dates, narrative), before documents are written."""
    found: list[dict[str, Any]] = []
    cause = rng.choice(sorted(narratives()["excluded"])) if "excluded_cause" in defects else None
    fill_narrative(story, rng, cause)
    if cause:
        found.append(finding("excluded_cause", "discharge_summary", "narrative", cause=cause))
    if "line_amount_mismatch" in defects:
        found += plant_line_amount(story, rng)
    if "date_out_of_stay" in defects:
        found += plant_date_out_of_stay(story, rng)
    if "drug_not_in_catalogue" in defects:
        found += plant_unlisted_drug(story, rng)
    settle_invoice(story, rng, mismatch="total_mismatch" in defects)
    if "total_mismatch" in defects:
        found.append(finding("total_mismatch", "medical_invoice", "total_amount"))
    if "registration_after_admission" in defects:
        plant_registration_after_admission(story, rng)
        found.append(finding("registration_after_admission", "out_of_area_registration",
                             "filing_date"))
    if "duplicate_invoice" in defects:
        found.append(finding("duplicate_invoice", "medical_invoice", "invoice_number"))
    return found


def make_case_json(story: Story, defects: tuple[str, ...], rng: random.Random
                   ) -> dict[str, Any] | None:
    data: dict[str, Any] = {"claim_type": story.claim_type, "insured_region": story.insured.name,
                            "employer_insured": story.employer_insured,
                            "submitted_on": iso(story.submitted)}
    for key in ("insured_region", "submitted_on"):
        if rng.random() < 0.15:
            del data[key]
    if story.claim_type != "inpatient_local" and rng.random() < 0.3:
        del data["employer_insured"]
    if "claim_type_inferred" in defects:
        if rng.random() < 0.5:
            return None
        del data["claim_type"]
    return data


def build_case(sk: CaseSkeleton, seed: int) -> CasePlan:
    rng = random.Random(f"case:{seed}:{sk.index}")
    story = make_story(sk, seed, rng)
    if "missing_document" in sk.defects and sk.claim_type == "inpatient_local":
        story.employer_insured = story.employer_insured or rng.random() < 0.5
    fill_lines(story, rng)
    findings = plant_story_defects(story, sk.defects, rng)
    pl = Planting(story, packet_types(story, rng), sk.defects, rng, findings)
    if "missing_document" in sk.defects:
        plant_missing(pl)
    pl.docs = [PlannedDoc(DOC_BUILDERS[t](story, rng), rng.randrange(2**31)) for t in pl.types]
    if "identity_mismatch" in sk.defects:
        plant_identity(pl)
    if "unreadable_document" in sk.defects:
        plant_unreadable(pl)
    case_json = make_case_json(story, sk.defects, rng)
    if case_json is None or "claim_type" not in case_json:
        pl.findings.append(finding("claim_type_inferred", None, "claim_type"))
    if "corrupt_file" in sk.defects:
        pl.corruption = rng.choice(CORRUPTIONS)
        pl.findings.append(finding("corrupt_file", None, None))  # generate adds the file name
    return CasePlan(sk, seed, story.employer_insured, case_json, pl.docs, pl.findings,
                    pl.corruption, iso(story.submitted))
