"""The sample renderers: every document type and layout renders to images and a digital PDF
whose text layer carries every field as printed; fee lists paginate; scans degrade as asked;
everything is deterministic for a seed."""

from __future__ import annotations

import io
import itertools
import random
import re
from decimal import Decimal

import pdfplumber
import pytest
from PIL import Image

from samples.render import N_LAYOUTS, build_pages, render_pages, render_pdf
from samples.render.values import amount_words, format_field, format_qty
from samples.scan import ScanParams, degrade, destroy, photo_params, random_scan_params
from samples.spec import DocSpec, LineSpec, Style

DOC_TYPES = ("medical_invoice", "fee_list", "discharge_summary", "id_card", "insurance_card",
             "household_register", "out_of_area_registration", "residence_proof",
             "employer_certificate", "reimbursement_form", "other")
VALUES = {
    "patient_name": "Wang Xiaoming", "id_number": "330102198001011234",
    "hospital": "The Second Affiliated Hospital of Zhejiang University School of Medicine",
    "invoice_number": "3301260012345678", "issue_date": "2026-03-14",
    "admission_date": "2026-03-02", "discharge_date": "2026-03-12",
    "diagnosis": "Community-acquired pneumonia", "total_amount": "12345.60",
    "card_number": "A12345678", "filing_date": "2026-02-20", "applicant": "Wang Xiaoming",
    "claimed_amount": "9876.50", "gender": "Male", "birth_date": "1980-01-01",
    "address": "Room 502, Building 3, 88 Wensan Road, Xihu District, Hangzhou",
    "insured_region": "Hangzhou", "treatment_region": "Shanghai",
    "employer": "Hangzhou Xinghe Electronics Co., Ltd.", "department": "Respiratory Medicine",
    "valid_until": "2036-05-20", "bank_account": "6222021202012345678",
}
CARD_FIELDS = {
    "id_card": ["patient_name", "id_number", "gender", "birth_date", "address", "valid_until",
                "department"],
    "insurance_card": ["patient_name", "id_number", "card_number", "insured_region",
                       "valid_until", "employer"],
}
STYLES = (Style("iso", "comma", "plain", "iso"), Style("long", "cny", "plain", "dmy"),
          Style("dmy", "yen", "comma", "ymd_slash"), Style("ymd_slash", "plain", "plain", "long"))
DRUGS = ("Amoxicillin Capsules 0.25g", "Omeprazole Enteric-coated Capsules 20mg",
         "Sodium Chloride Injection 0.9% 250ml", "Metformin Hydrochloride Tablets 0.5g")
SERVICES = (("Ward bed (3-bed room)", "bed", "day"), ("Level II nursing care", "nursing", "day"),
            ("Complete blood count", "test", "time"), ("Chest CT scan", "examination", "time"))


def make_lines(n: int, seed: int = 0, dated: bool = True) -> list[LineSpec]:
    rng = random.Random(seed)
    lines = []
    for i in range(n):
        if i % 2:
            name, row_type, unit = rng.choice(DRUGS), "drug", "box"
        else:
            name, row_type, unit = rng.choice(SERVICES)
        qty, price = Decimal(rng.randint(1, 9)), Decimal(rng.randint(100, 90000)) / 100
        lines.append(LineSpec(name, qty, price, (qty * price).quantize(Decimal("0.01")), row_type,
                              f"2026-03-{rng.randint(2, 12):02d}" if dated else None, unit,
                              code=f"{rng.randint(100000, 999999)}"))
    return sorted(lines, key=lambda ln: ln.row_type)


def make_spec(doc_type: str, layout: int, n_lines: int = 6) -> DocSpec:
    names = CARD_FIELDS.get(doc_type, list(VALUES))
    lines = make_lines(n_lines) if doc_type in ("medical_invoice", "fee_list") else []
    extras = {"hospital_address": "3 East Qingchun Road, Hangzhou 310016",
              "narrative": "Admitted with fever and cough.\nTreated with cefuroxime; recovered.",
              "remarks": "Original documents attached.", "seal_text": "Xinghe Electronics"}
    return DocSpec(doc_type, {k: VALUES[k] for k in names}, STYLES[layout % len(STYLES)],
                   layout, lines, extras)


def pdf_pages(data: bytes) -> list[str]:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return [page.extract_text() or "" for page in pdf.pages]


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


CASES = [(t, i) for t in DOC_TYPES for i in range(N_LAYOUTS[t])]


def test_every_doc_type_has_three_layouts() -> None:
    assert set(N_LAYOUTS) == set(DOC_TYPES)
    assert all(n >= 3 for n in N_LAYOUTS.values())


@pytest.mark.parametrize(("doc_type", "layout"), CASES)
def test_layout_prints_every_field_and_line(doc_type: str, layout: int) -> None:
    spec = make_spec(doc_type, layout)
    images = render_pages(spec, random.Random(layout))
    texts = pdf_pages(render_pdf(spec, random.Random(layout)))
    assert len(images) == len(texts) >= 1
    assert all(img.mode == "RGB" for img in images)
    flat = squash("".join(texts))
    for name, value in spec.fields.items():
        printed = format_field(name, value, spec.style)
        assert squash(printed) in flat, f"{name}={printed!r} missing"
    words = set(" ".join(texts).split())
    for line in spec.lines:  # names may wrap inside their cell: look for every word
        assert set(line.name.split()) <= words, line.name
    if doc_type == "medical_invoice":
        assert squash(format_field("total_amount", VALUES["total_amount"], spec.style)) in flat


@pytest.mark.parametrize("doc_type", ["medical_invoice", "fee_list", "discharge_summary"])
def test_a4_and_bill_pages_are_300_dpi(doc_type: str) -> None:
    images = render_pages(make_spec(doc_type, 0, 4), random.Random(1))
    assert images[0].size in {(2480, 3508), (2846, 1654), (1748, 2480)}


@pytest.mark.parametrize("doc_type", ["id_card", "insurance_card"])
def test_cards_are_photos(doc_type: str) -> None:
    (photo,) = render_pages(make_spec(doc_type, 0), random.Random(2))
    assert photo.width > 1000
    assert photo.size not in {(2480, 3508)}
    corner = photo.getpixel((2, 2))
    assert corner != (255, 255, 255)  # the desk, not paper


@pytest.mark.parametrize("layout", range(N_LAYOUTS["fee_list"]))
def test_long_fee_list_paginates_alike_in_images_and_pdf(layout: int) -> None:
    spec = DocSpec("fee_list", {"patient_name": "Li Na", "total_amount": "1.00"},
                   Style(), layout, make_lines(60, seed=layout))
    images = render_pages(spec, random.Random(5))
    texts = pdf_pages(render_pdf(spec, random.Random(5)))
    assert 2 <= len(images) <= 3
    assert len(texts) == len(images)
    short = DocSpec("fee_list", {"patient_name": "Li Na"}, Style(), layout, make_lines(8))
    assert len(build_pages(short, random.Random(5))) == 1


def test_same_seed_same_bytes() -> None:
    spec = make_spec("fee_list", 1, 30)
    a = [im.tobytes() for im in render_pages(spec, random.Random(9))]
    b = [im.tobytes() for im in render_pages(spec, random.Random(9))]
    assert a == b
    assert render_pdf(spec, random.Random(9)) == render_pdf(spec, random.Random(9))
    card = make_spec("id_card", 2)
    assert render_pages(card, random.Random(3))[0].tobytes() == \
        render_pages(card, random.Random(3))[0].tobytes()


def page_with_band() -> Image.Image:
    img = Image.new("RGB", (600, 900), "white")
    img.paste((0, 0, 0), (0, 0, 600, 60))  # a black band along the top edge
    return img


@pytest.mark.parametrize(("dpi", "rotation"), [(150, 0), (200, 90), (300, 180), (240, 270)])
def test_degrade_gives_requested_dpi_and_rotation(dpi: int, rotation: int) -> None:
    params = ScanParams(dpi, 1.5, rotation, 0.02, 0.5, 80, 0.1)
    out = degrade(page_with_band(), params, random.Random(0))
    w, h = round(600 * dpi / 300), round(900 * dpi / 300)
    assert out.size == ((h, w) if rotation in (90, 270) else (w, h))
    grey = out.convert("L")
    band = {0: (w // 2, 5), 90: (5, w // 2), 180: (w // 2, h - 5), 270: (h - 5, w // 2)}
    assert grey.getpixel(band[rotation]) < 100  # the top band went where the page turned
    assert degrade(page_with_band(), params, random.Random(0)).tobytes() == out.tobytes()


def test_random_scan_params_ranges() -> None:
    rng = random.Random(4)
    params = [random_scan_params(rng) for _ in range(400)]
    assert all(150 <= p.dpi <= 300 and abs(p.skew) <= 3 for p in params)
    assert {p.rotation for p in params} <= {0, 90, 180, 270}
    assert 0.04 < sum(p.rotation != 0 for p in params) / len(params) < 0.2
    assert all(random_scan_params(rng, rotate=False).rotation == 0 for _ in range(100))
    assert set(params[0].to_dict()) >= {"dpi", "skew", "rotation", "noise", "blur",
                                        "jpeg_quality", "uneven_light"}
    photo = photo_params(rng)
    assert photo.rotation == 0 and photo.uneven_light > 0 and photo.jpeg_quality


def test_destroy_leaves_little_to_read() -> None:
    page = render_pages(make_spec("discharge_summary", 0), random.Random(0))[0]
    page = page.resize((page.width // 4, page.height // 4))
    for seed in range(6):
        out = destroy(page, random.Random(seed))
        assert out.size == page.size


def test_value_formatting() -> None:
    assert format_qty(Decimal("2.00")) == "2" and format_qty(Decimal("0.50")) == "0.5"
    assert amount_words("1234.56") == ("One thousand two hundred thirty-four yuan and "
                                       "fifty-six fen")
    assert amount_words("20") == "Twenty yuan only"
    assert format_field("valid_until", "long-term", Style("long")) == "long-term"


def test_subtotals_only_for_lists_grouped_by_category() -> None:
    lines = make_lines(12)
    mixed = [lines[i] for i in (0, 11, 1, 10, 2, 9, 3, 8, 4, 7, 5, 6)]
    seen = []
    for lay, seed in itertools.product(range(N_LAYOUTS["fee_list"]), range(3)):
        for seq in (lines, mixed):
            text = " ".join(pdf_pages(render_pdf(
                DocSpec("fee_list", {}, Style(), lay, seq), random.Random(seed))))
            seen.append((bool(re.search(r"Sub-?total|Category Total", text)), seq is mixed))
    assert not any(sub for sub, is_mixed in seen if is_mixed)
    assert any(sub for sub, is_mixed in seen if not is_mixed)
