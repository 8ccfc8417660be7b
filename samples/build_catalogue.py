"""Build the sample drug catalogue (`samples/catalogue.csv`) and the printable drug forms
(`samples/data/drug_forms.csv`) from the WHO Model List of Essential Medicines as packaged by
GNU Health (`who_eml_flat.csv`).

Not needed at run time: both outputs are committed. Re-run with

    python -m samples.build_catalogue /work/shared/data/drugs/who_eml_gnuhealth/who_eml_flat.csv

Category rule: the WHO list has a *core* list ("minimum medicine needs for a basic health-care
system": efficacious, safe, cost-effective) and a *complementary* list (medicines for priority
diseases that need specialised diagnosis, monitoring or care, often at higher cost). A medicine
that appears in at least one core section is category `A` (fully covered); a medicine listed only
in complementary sections (section ids ending in `c`) is category `B` (covered with a self-paid
share). This mirrors the Chinese catalogue's split into 甲 (basic, cheap) and 乙 (the rest).
"""

from __future__ import annotations

import csv
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
CATALOGUE = HERE / "catalogue.csv"
DRUG_FORMS = HERE / "data" / "drug_forms.csv"

# WHO note prefix (lower case, before the colon) -> (printed form, unit of sale)
FORM_MAP: dict[str, tuple[str, str]] = {
    "tablet": ("Tablets", "box"),
    "tablet (scored)": ("Tablets", "box"),
    "tablet (chewable)": ("Chewable Tablets", "box"),
    "tablet (dispersible)": ("Dispersible Tablets", "box"),
    "tablet (enteric-coated)": ("Enteric-coated Tablets", "box"),
    "tablet (sublingual)": ("Sublingual Tablets", "box"),
    "tablet (prolonged release)": ("Sustained-release Tablets", "box"),
    "tablet (controlled release)": ("Controlled-release Tablets", "box"),
    "tablet (sugar-coated)": ("Sugar-coated Tablets", "box"),
    "solid oral dosage form": ("Tablets", "box"),  # "Capsules" for odd-length names, see below
    "capsule": ("Capsules", "box"),
    "immediate-release capsule": ("Capsules", "box"),
    "injection": ("Injection", "ampoule"),
    "injectable solution": ("Injection", "bottle"),
    "solution for injection": ("Injection", "ampoule"),
    "parenteral formulation": ("Injection", "ampoule"),
    "solution for iv infusion": ("Injection", "bottle"),
    "concentrate for injection": ("Injection", "vial"),
    "powder for injection": ("for Injection", "vial"),
    "powder for infusion": ("for Injection", "vial"),
    "oral liquid": ("Oral Solution", "bottle"),
    "powder for oral liquid": ("for Oral Suspension", "bottle"),
    "suppository": ("Suppositories", "box"),
    "cream": ("Cream", "tube"),
    "ointment": ("Ointment", "tube"),
    "cream or ointment": ("Ointment", "tube"),
    "eye drops": ("Eye Drops", "bottle"),
    "solution (eye drops)": ("Eye Drops", "bottle"),
    "eye ointment": ("Eye Ointment", "tube"),
    "inhalation (aerosol)": ("Inhalation Aerosol", "canister"),
    "metered dose inhaler (aerosol)": ("Inhalation Aerosol", "canister"),
}

SALTS: dict[str, str] = {
    "hydrochloride": "Hydrochloride",
    "sodium salt": "Sodium",
    "sulfate": "Sulfate",
    "phosphate": "Phosphate",
    "maleate": "Maleate",
    "mesilate": "Mesilate",
}

COMBINATION_RE = re.compile(r"\d\s*(?:mg|g|micrograms|IU)?\s*\+\s*\d")  # "400 mg + 150 mg"
FORM_WORD_RE = re.compile(
    r"^(tablet|capsule|injection|injectable|powder|oral|solution|suppository|cream|ointment|eye"
    r"|inhalation|lotion|gel|nasal|granules|lozenge|pessary|infusion|topical|transdermal|vaginal"
    r"|oily|concentrate|parenteral|depot|chewing|dental|metered|respirator|rectal|aqueous"
    r"|buffered|immediate|water|suspension|detergent|iodized|intramuscular|intravenous"
    r"|subcutaneous|retention)"
)
STRENGTH_RE = re.compile(
    r"(\d+(?:\.\d+)?)\s*(mg|g|micrograms|IU|%)(?![a-z])(?:\s*/\s*(\d+)?\s*ml)?"
)


@dataclass
class Medicine:
    name: str
    core: bool = False
    forms: list[str] = field(default_factory=list)
    restriction: str = ""
    notes: list[str] = field(default_factory=list)


def clean(text: str) -> str:
    text = text.replace("\u2010", "-").replace("\u2013", "-").replace("\u2011", "-")
    return re.sub(r"\s+", " ", text).strip()


def display_name(raw: str) -> str:
    name = clean(raw)
    return name[0].upper() + name[1:] if name[:1].islower() else name


def read_medicines(path: Path) -> dict[str, Medicine]:
    meds: dict[str, Medicine] = {}
    with path.open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            name = display_name(row["active_component"])
            med = meds.setdefault(name.casefold(), Medicine(name))
            med.core = med.core or not row["category_id"].strip().endswith("c")
            med.notes.append(clean(row["notes"]))
    for med in meds.values():
        med.forms = sorted({form for note in med.notes for form, _ in note_forms(note)
                            if FORM_WORD_RE.match(form)})
        med.restriction = restriction_of(med.notes)
    return meds


def note_forms(note: str) -> Iterable[tuple[str, str]]:
    """(lower-case WHO form, rest of the part) for each `Form: details` part of a note."""
    for part in note.split(" | "):
        head, sep, rest = part.partition(":")
        if sep and len(head) < 60:
            yield head.strip().lower(), rest.strip()


def restriction_of(notes: list[str]) -> str:
    for note in notes:
        for part in note.split(" | "):
            if part.startswith("*"):
                text = part.lstrip("* ").strip()
                return text[:157] + "..." if len(text) > 160 else text
    return ""


def strengths(details: str) -> list[str]:
    details = re.sub(r"(\d) (\d{3})\b", r"\1\2", details)
    out: list[str] = []
    for match in STRENGTH_RE.finditer(details):
        num, unit, per_ml = match.groups()
        text = num + ("mcg" if unit == "micrograms" else unit)
        if "/" in match.group(0):
            text += f"/{per_ml or ''}ml"
        if text not in out:
            out.append(text)
    return out[:4]


def salt_of(details: str) -> str:
    low = details.lower()
    for key, printed in SALTS.items():
        if f"({key})" in low or f"(as {key})" in low:
            return printed
    return ""


def printable(name: str) -> bool:
    return re.fullmatch(r"[A-Za-z][A-Za-z -]+", name) is not None and " vaccine" not in name


def drug_form_rows(meds: dict[str, Medicine]) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    for med in sorted(meds.values(), key=lambda m: m.name.casefold()):
        if not printable(med.name):
            continue
        seen: set[tuple[str, str]] = set()
        for note in med.notes:
            for who_form, details in note_forms(note):
                if who_form not in FORM_MAP or COMBINATION_RE.search(details):
                    continue
                form, unit = FORM_MAP[who_form]
                if who_form == "solid oral dosage form" and len(med.name) % 2:
                    form = "Capsules"
                for strength in strengths(details.split("(=")[0]):
                    if (form, strength) in seen or (strength.endswith("/ml") and "Tablet" in form):
                        continue
                    seen.add((form, strength))
                    rows.append({"name": med.name, "form": form, "strength": strength,
                                 "unit": unit, "salt": salt_of(details)})
    return rows


def catalogue_rows(meds: dict[str, Medicine]) -> list[dict[str, str]]:
    ordered = sorted(meds.values(), key=lambda m: m.name.casefold())
    return [
        {"code": f"EML{i:03d}", "name": med.name, "category": "A" if med.core else "B",
         "dosage_form": "; ".join(med.forms), "restriction": med.restriction}
        for i, med in enumerate(ordered, start=1)
    ]


def write_csv(path: Path, rows: list[dict[str, str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def build(source: Path, catalogue: Path = CATALOGUE, drug_forms: Path = DRUG_FORMS) -> None:
    meds = read_medicines(source)
    write_csv(catalogue, catalogue_rows(meds))
    write_csv(drug_forms, drug_form_rows(meds))


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        sys.stderr.write("usage: python -m samples.build_catalogue PATH/who_eml_flat.csv\n")
        return 2
    build(Path(argv[0]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
