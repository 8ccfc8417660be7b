"""The drug catalogue: loading and validation, matching printed fee-list lines, telling drug lines
from the rest. Fast: no OCR."""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

import pytest

from extractors.model import LineItem
from pipeline.errors import ClaimsError
from samples import items as sample_items
from validators.catalogue import (
    Catalogue,
    CatalogueEntry,
    CatalogueError,
    DrugMatch,
    default_catalogue_path,
    is_drug_line,
    match_line_items,
)

HEADER = "code,name,category,dosage_form,restriction\n"


@pytest.fixture(scope="module")
def who() -> Catalogue:
    return Catalogue.load(default_catalogue_path())


def write(tmp_path: Path, text: str, name: str = "cat.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def code_of(catalogue: Catalogue, name: str) -> str:
    hit = catalogue.match(name)
    return hit.code if hit else ""


def category_of(catalogue: Catalogue, name: str, row_type: str = "") -> str:
    item = LineItem(line_no=1, item_name=name, row_type=row_type)
    match_line_items([item], catalogue)
    return item.category


# ---- loading ---------------------------------------------------------------------------------


def test_load_a_good_csv(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + "D1,Amoxicillin,A,capsule,\nD2,Ceftriaxone,B,injection,Severe only\n")
    cat = Catalogue.load(path)
    assert len(cat) == 2
    assert cat.entries[1] == CatalogueEntry("D2", "Ceftriaxone", "B", "injection", "Severe only")
    assert cat.match("Ceftriaxone Sodium for Injection 1g") == DrugMatch("D2", "Ceftriaxone", "B", 100.0)


def test_load_with_bom_extra_columns_other_order_and_no_optional_columns(tmp_path: Path) -> None:
    text = "\ufeffName, Category ,price,CODE\nAmoxicillin,a,1.20,D1\n\nMetformin,B,0.30,D2\n"
    cat = Catalogue.load(write(tmp_path, text))
    assert [(e.code, e.name, e.category, e.dosage_form) for e in cat.entries] == [
        ("D1", "Amoxicillin", "A", ""), ("D2", "Metformin", "B", "")]


def test_the_sample_catalogue_is_found_through_the_package(who: Catalogue) -> None:
    path = default_catalogue_path()
    assert path.name == "catalogue.csv" and path.is_file()
    assert len(who) == 359
    assert {"A", "B"} == {e.category for e in who.entries}


@pytest.mark.parametrize(("text", "words"), [
    ("code,title,category\nD1,Amoxicillin,A\n", ["line 1", "missing column name", "code,name,category"]),
    ("name\nAmoxicillin\n", ["missing columns code, category"]),
    (HEADER + "D1,Amoxicillin,C,,\n", ["line 2", "'C'", "A or B"]),
    (HEADER + "D1,Amoxicillin,,,\n", ["line 2", "category '' must be A or B"]),
    (HEADER + ",Amoxicillin,A,,\n", ["line 2", "empty code"]),
    (HEADER + "D1,,A,,\n", ["line 2", "empty name"]),
    (HEADER + "D1,Amoxicillin,A,,\nD2,Metformin,B,,\nD1,Ceftriaxone,A,,\n",
     ["line 4", "code D1 is already used on line 2"]),
    ("code,name,category\nD1,Charcoal, activated,A\n", ["line 2", "double quotes"]),
    ("", ["empty", "header"]),
    (HEADER, ["no drugs"]),
    ("code,name,name,category\nD1,A,B,A\n", ["column name appears twice"]),
])
def test_bad_csv_says_what_to_fix(tmp_path: Path, text: str, words: list[str]) -> None:
    path = write(tmp_path, text)
    with pytest.raises(CatalogueError) as err:
        Catalogue.load(path)
    message = str(err.value)
    assert str(path) in message
    for word in words:
        assert word in message


def test_every_bad_line_is_listed_at_once(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + "D1,Amoxicillin,X,,\nD2,,A,,\nD3,Metformin,A,,\n")
    with pytest.raises(CatalogueError, match=r"2 problems") as err:
        Catalogue.load(path)
    assert "line 2" in str(err.value) and "line 3" in str(err.value)


def test_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(CatalogueError, match="not found"):
        Catalogue.load(tmp_path / "missing.csv")
    with pytest.raises(CatalogueError, match="folder"):
        Catalogue.load(tmp_path)
    latin = write(tmp_path, HEADER + "D1,Amoxicillin,A,,\nD2,Sulfat\u00e9,A,,\n", encoding="latin-1")
    with pytest.raises(CatalogueError, match=r"line 3: not UTF-8"):
        Catalogue.load(latin)
    assert issubclass(CatalogueError, ClaimsError)


def test_from_entries_takes_records_tuples_and_dicts_and_validates_them() -> None:
    cat = Catalogue.from_entries([CatalogueEntry("D1", "Amoxicillin", "A"), ("D2", "Metformin", "b"),
                                  {"code": "D3", "name": "Omeprazole", "category": "A"}])
    assert [e.category for e in cat.entries] == ["A", "B", "A"]
    with pytest.raises(CatalogueError, match="already used"):
        Catalogue.from_entries([("D1", "Amoxicillin", "A"), ("D1", "Metformin", "A")])


# ---- matching ----------------------------------------------------------------------------------


@pytest.mark.parametrize("line", [
    "Amoxicillin", "AMOXICILLIN CAPSULES 0.25G", "amoxicillin capsules 250 mg",
    "Capsules Amoxicillin 0.5g x 24",
    "Amoxicillin Capsules 0.25g*24 capsules/box", "Amoxicillin Dispersible Tablets 0.125g",
    "Amoxicillin Sodium for Injection 1.0g", "Amoxicillin (Brand X) Caps 500mg",
    "Western medicine: Amoxicillin Capsules", "[Drug] Amoxicillin Capsules",
    # OCR slips and lost spaces
    "Amoxici1lin Capsu1es O.25g", "AmoxiciIlin Capsules 0.25g", "Arnoxicillin Capsules",
    "Amoxicilin Capsules",
    "AmoxicillinCapsules0.25g", "Amoxicillincapsules 0.25g",
])
def test_one_drug_printed_many_ways(who: Catalogue, line: str) -> None:
    hit = who.match(line)
    assert hit is not None and hit.name == "Amoxicillin", line
    assert 85 <= hit.score <= 100


@pytest.mark.parametrize(("line", "name"), [
    ("Ceftriaxone Sodiurn for Injection 1g", "Ceftriaxone"),
    ("Metf0rmin Hydroch1oride Tab1ets 500mg", "Metformin"),
    ("0meprazole Enteric-coated Capsu1es 20mg", "Omeprazole"),
    ("Sodiumchloride Injection 0.9% 100ml", "Sodium chloride"),
    ("Hydrochlorothiazide Tabiets 25mg", "Hydrochlorothiazide"),
    ("Salbutamol Sulphate Inhalation Aerosol 100mcg x 200 doses", "Salbutamol"),
    ("Dexamethasone Sodium Phosphate Injection 5mg/1ml", "Dexamethasone"),
])
def test_ocr_slips_and_salts(who: Catalogue, line: str, name: str) -> None:
    hit = who.match(line)
    assert hit is not None and hit.name == name


def test_exact_score_is_100_and_a_slip_scores_less(who: Catalogue) -> None:
    exact, slipped = who.match("Ciprofloxacin Tablets 0.25g"), who.match("Ciprofloxacim Tablets 0.25g")
    assert exact is not None and exact.score == 100.0
    assert slipped is not None and slipped.name == "Ciprofloxacin" and 85 <= slipped.score < 100
    strict = Catalogue.from_entries(who.entries, min_score=95)
    assert strict.match("Ciprofloxacim Tablets 0.25g") is None


@pytest.mark.parametrize(("line", "name"), [
    ("Sodium Chloride Injection 0.9% 250ml", "Sodium chloride"),
    ("Potassium Chloride Injection 10ml:1.5g", "Potassium chloride"),
    ("Potassium Chloride Sustained-release Tablets 0.5g", "Potassium chloride"),
    ("Calcium Gluconate Injection 10%", "Calcium gluconate"),
    ("Magnesium Sulfate Injection 25% 10ml", "Magnesium sulfate"),
    ("Glucose Injection 5% 500ml", "Glucose"),
    ("5% Glucose Injection 250 ml", "Glucose"),
    ("Glucose and Sodium Chloride Injection 500ml", "Glucose with sodium chloride"),
    ("Heparin Sodium Injection 12500IU", "Heparin sodium"),
    ("Sodium Bicarbonate Injection 5%", "Sodium hydrogen carbonate"),
])
def test_salts_that_are_the_drug(who: Catalogue, line: str, name: str) -> None:
    hit = who.match(line)
    assert hit is not None and hit.name == name


COMBOS = [("C1", "Amoxicillin", "A"), ("C2", "Amoxicillin + clavulanic acid", "B"), ("C3", "Ampicillin", "A")]


@pytest.mark.parametrize(("line", "code"), [
    ("Amoxicillin Capsules 0.25g", "C1"),
    ("Amoxicillin Sodium for Injection 0.5g", "C1"),
    ("Amoxicillin and Clavulanate Potassium Tablets 0.375g", "C2"),
    ("Amoxicillin/Clavulanate Potassium Tablets 625mg", "C2"),
    ("Amoxicillin Clavulanate Potassium Dispersible Tablets", "C2"),
    ("Clavulanic Acid + Amoxicillin Tablets", "C2"),
    ("Co-amoxiclav Tablets 625mg", "C2"),
    ("Amoxicillin and Sulbactam Sodium for Injection", ""),  # another combination: not listed
    ("Ampicillin and Sulbactam for Injection 1.5g", ""),
])
def test_a_combination_is_not_its_parts(line: str, code: str) -> None:
    assert code_of(Catalogue.from_entries(COMBOS), line) == code


def test_a_single_drug_does_not_match_a_combination_and_back() -> None:
    only_combo = Catalogue.from_entries([("C2", "Amoxicillin + clavulanic acid", "B")])
    only_single = Catalogue.from_entries([("C1", "Amoxicillin", "A")])
    assert only_combo.match("Amoxicillin Capsules 0.25g") is None
    assert only_single.match("Amoxicillin and Clavulanate Potassium Tablets") is None
    assert category_of(only_combo, "Amoxicillin Capsules 0.25g") == "not_listed"


def test_a_drug_in_its_carrier_is_the_drug(who: Catalogue) -> None:
    metronidazole, ciprofloxacin = code_of(who, "Metronidazole"), code_of(who, "Ciprofloxacin")
    assert code_of(who, "Metronidazole and Sodium Chloride Injection 0.5g/100ml") == metronidazole
    assert code_of(who, "Ciprofloxacin Lactate and Sodium Chloride Injection") == ciprofloxacin


@pytest.mark.parametrize("line", [
    "Rivaroxaban Tablets 10mg", "Dapagliflozin Tablets 10mg", "Sitagliptin Phosphate Tablets 100mg",
    "Empagliflozin Tablets 10 mg", "Empagliflozin", "Sitagliptin", "Levofloxacin Tablets 0.5g",
    "Moxifloxacin Hydrochloride Injection 0.4g", "Esomeprazole Magnesium Enteric-coated Tablets 20mg",
    "Levamlodipine Maleate Tablets 2.5mg", "Prednisone Acetate Tablets 5mg", "Nimodipine Tablets 30mg",
    "Insulin Glargine Injection 300IU/3ml", "Tenofovir Alafenamide Fumarate Tablets 25mg",
    "Atorvastatin Calcium Tablets 20mg", "Clopidogrel Bisulfate Tablets 75mg", "Adalimumab Injection 40mg",
])
def test_real_drugs_absent_from_the_catalogue_are_not_listed(who: Catalogue, line: str) -> None:
    assert who.match(line) is None, who.match(line)
    assert category_of(who, line) == "not_listed"
    assert is_drug_line(line)


def test_near_names_stay_apart() -> None:
    cat = Catalogue.from_entries([("V1", "Valaciclovir", "A"), ("O1", "Ofloxacin", "A"),
                                  ("P1", "Prednisolone", "A"), ("H1", "Hepatitis B vaccine", "A"),
                                  ("S1", "Sodium nitrite", "A")])
    for line in ("Valganciclovir Tablets", "Levofloxacin Tablets", "Prednisone Tablets",
                 "Hepatitis A vaccine Injection", "Sodium Chloride Injection"):
        assert cat.match(line) is None, line
    assert code_of(cat, "Hepatitis B Vaccine Injection 10ug") == "H1"


def test_the_printed_dosage_form_picks_between_entries_of_one_name() -> None:
    cat = Catalogue.from_entries([("O", "Omeprazole", "A", "capsule; tablet"),
                                  ("I", "Omeprazole", "B", "powder for injection")])
    assert code_of(cat, "Omeprazole Enteric-coated Capsules 20mg") == "O"
    assert code_of(cat, "Omeprazole Sodium for Injection 40mg") == "I"


@pytest.mark.parametrize(("line", "name"), [
    ("Acetaminophen Tablets 0.5g", "Paracetamol"),
    ("Adrenaline Injection 1mg/1ml", "Epinefrine (adrenaline)"),
    ("Epinephrine Hydrochloride Injection 1mg", "Epinephrine (adrenaline)"),
    ("Aspirin Enteric-coated Tablets 100mg", "Acetylsalicylic acid"),
    ("Co-trimoxazole Tablets 480mg", "Sulfamethoxazole + trimethoprim"),
    ("Vitamin K1 Injection 10mg", "Phytomenadione"),
    ("Methylene Blue Injection 20mg/2ml", "Methylthioninium chloride (methylene blue)"),
    ("Sodium Valproate Tablets 200mg", "Valproic acid (sodium valproate)"),
    ("Povidone-Iodine Solution 5%", "Polyvidone iodine"),
    ("Nitroglycerin Injection 5mg", "Glyceryl trinitrate"),
])
def test_other_names_of_a_drug(who: Catalogue, line: str, name: str) -> None:
    hit = who.match(line)
    assert hit is not None and hit.name == name


# ---- drug lines and the rest ------------------------------------------------------------------------

NON_DRUG = [
    "Injection fee", "Infusion fee (IV push)", "Intravenous infusion", "IV drip (each additional bottle)",
    "Intramuscular injection", "Subcutaneous injection", "Oxygen therapy (4 h)", "Oxygen inhalation per hour",
    "Oxygen mask", "Fasting blood glucose", "Blood glucose monitoring", "Glucose tolerance test",
    "Disposable syringe 5ml", "Infusion set", "Urinary catheter 16Fr", "Sterile gauze 10cm x 10cm",
    "Ward bed (3-bed room)", "Level II nursing care", "Chief physician registration", "Complete blood count",
    "Chest CT (plain scan)", "Colour Doppler ultrasound", "12-lead ECG", "Gastroscopy", "Appendectomy",
    "General anaesthesia", "Dressing change (large)", "Hospital meals", "Western medicine", "Drug fee",
    "Penicillin skin test", "Serum potassium", "Nebulization treatment",
]


@pytest.mark.parametrize("line", NON_DRUG)
def test_non_drug_lines_get_no_category(who: Catalogue, line: str) -> None:
    assert category_of(who, line) == "", line
    assert not is_drug_line(line)


def test_row_type_is_a_strong_hint(who: Catalogue) -> None:
    assert category_of(who, "Zorvex", "drug") == "not_listed"
    assert category_of(who, "Zorvex", "Western medicine") == "not_listed"
    assert category_of(who, "Zorvex", "") == ""
    assert category_of(who, "Sodium Chloride Injection 0.9% 10ml", "Nursing") == ""
    assert category_of(who, "Sodium Chloride Injection 0.9% 10ml", "Medical materials") == ""
    assert category_of(who, "Sodium Chloride Injection 0.9% 10ml", "drug") == "A"
    assert category_of(who, "Amoxicillin Capsules", "Other") == "A"  # an unknown category: the name decides
    assert category_of(who, "Nursing: Level I care") == ""
    assert not is_drug_line("Amoxicillin Capsules", "Examination")
    assert is_drug_line("Bed", "西药")


def test_match_line_items_fills_the_table_columns_in_place(who: Catalogue) -> None:
    rows = [LineItem(line_no=1, item_name="Ceftriaxone Sodium for Injection 1g", row_type="drug"),
            LineItem(line_no=2, item_name="Rivaroxaban Tablets 10mg"),
            LineItem(line_no=3, item_name="Ward bed", catalogue_code="stale", category="A", match_score=1.0),
            LineItem(line_no=4, item_name="Ceftriaxone Sodium for Injection 1g", row_type="drug"),
            LineItem(line_no=5, item_name="Ceftriaxone Sodiurn for lnjection 1g")]
    match_line_items(rows, who)
    first, unlisted, bed, again, slipped = rows
    assert (first.catalogue_code, first.catalogue_name, first.category, first.match_score) == \
        (code_of(who, "Ceftriaxone"), "Ceftriaxone", "A", 100.0)
    assert (unlisted.catalogue_code, unlisted.category) == ("", "not_listed")
    assert unlisted.match_score is None or 0 <= unlisted.match_score < 85
    assert (bed.catalogue_code, bed.catalogue_name, bed.category, bed.match_score) == ("", "", "", None)
    assert (again.catalogue_code, again.category) == (first.catalogue_code, "A")
    assert slipped.catalogue_code == first.catalogue_code


def test_match_many_keeps_order_and_repeats(who: Catalogue) -> None:
    names = ["Metformin Tablets 0.5g", "Ward bed", "Metformin Tablets 0.5g", "Rivaroxaban Tablets"]
    got = who.match_many(names)
    assert len(got) == 4 and got[0] == got[2] and got[0] is not None and got[0].name == "Metformin"
    assert got[1] is None and got[3] is None


# ---- wordings of unseen lists ---------------------------------------------------------------------

# Lines as other hospitals print them (not the sample generator's wording): the WHO entry meant.
UNSEEN_DRUGS = [
    ("Cefazolin Sodium Pentahydrate for Injection 1.0g", "Cefazolin"),
    ("Azithromycin Dispersible Tablets 0.125g", "Azithromycin"),
    ("Clarithromycin Sustained Release Tablets 500 mg", "Clarithromycin"),
    ("10% Potassium Chloride Inj. 10ml", "Potassium chloride"),
    ("Omeprazole Enteric Capsules 20 mg*14", "Omeprazole"),
    ("Ranitidine HCl Tabs 150mg", "Ranitidine"),
    ("Paracetamol Oral Suspension 120mg/5ml 100ml", "Paracetamol"),
    ("Ibuprofen Suspension (for children) 100ml:2g", "Ibuprofen"),
    ("Amlodipine Besilate Tablet 5 mg x 7", "Amlodipine"),
    ("Enalapril Maleate Tabs 10mg", "Enalapril"),
    ("Furosemide Inj 20mg/2ml", "Furosemide"),
    ("Ondansetron HCl Injection 8mg:4ml", "Ondansetron"),
    ("Salbutamol Aerosol 100ug x 200 puffs", "Salbutamol"),
    ("Budesonide Suspension for Inhalation 1mg/2ml", "Budesonide"),
    ("Lidocaine HCl Injection 2% 5ml", "Lidocaine"),
    ("Warfarin Sodium Tablets 2.5mg", "Warfarin"),
    ("Simvastatin Film-coated Tablets 20mg", "Simvastatin"),
    ("Metformin HCl ER Tablets 0.5g", "Metformin"),
    ("Insulin (Human) Injection 100 IU/ml 10ml", "Insulin injection (soluble)"),
    ("Recombinant Human Insulin Injection 400IU/10ml", "Insulin injection (soluble)"),
    ("Tranexamic Acid Injection 0.5g/5ml", "Tranexamic acid"),
    ("Vitamin B6 Tablets 10mg", "Pyridoxine"),
    ("Ceftriaxone Na for Inj. 2g", "Ceftriaxone"),
    ("Mannitol Injection 20% 250ml", "Mannitol"),
    ("Hydrocortisone Sodium Succinate for Injection 100mg", "Hydrocortisone"),
    ("Morphine Hydrochloride Injection 10mg/1ml", "Morphine"),
    ("Fluconazole Capsules 50mg", "Fluconazole"),
    ("Aciclovir Cream 3% 10g", "Aciclovir"),
    ("Chlorhexidine Gluconate Solution 0.5%", "Chlorhexidine"),
    ("Erythromycin Eye Ointment 0.5%", "Erythromycin"),
    ("Timolol Maleate Eye Drops 0.5% 5ml", "Timolol"),
    ("Atropine Sulfate Injection 0.5mg/1ml", "Atropine"),
    ("Magnesium Sulphate Injection 2.5g/10ml", "Magnesium sulfate"),
    ("Calcium Gluconate Inj. 1g/10ml", "Calcium gluconate"),
    ("Folic Acid Tab 5 mg", "Folic acid"),
    ("Ferrous Sulfate Tablets 0.3g", "Ferrous salt"),
    ("Ferrous Succinate Tablets 0.1g", "Ferrous salt"),
    ("Artemether/Lumefantrine Tablets 20/120mg", "Artemether + lumefantrine"),
    ("Levodopa and Carbidopa Tablets 250mg/25mg", "Levodopa + carbidopa"),
    ("Imipenem and Cilastatin Sodium for Injection 0.5g", "Imipenem + cilastatin"),
    ("Lopinavir/Ritonavir Tablets 200mg/50mg", "Lopinavir + ritonavir (LPV/r)"),
    ("Water for Injection 10ml", "Water for injection"),
    ("Oral Rehydration Salts Powder 13.95g", "Oral rehydration salts"),
    # ward abbreviations
    ("Inj. Ceftriaxone 1g", "Ceftriaxone"),
    ("Tab. Paracetamol 500mg", "Paracetamol"),
    ("Syp. Ibuprofen 100mg/5ml", "Ibuprofen"),
    ("NS 0.9% 500ml", "Sodium chloride"),
    ("5% GS 250ml", "Glucose"),
    ("KCl 10% 10ml", "Potassium chloride"),
    ("MgSO4 25% 10ml", "Magnesium sulfate"),
    ("Inj NaHCO3 5% 250ml", "Sodium hydrogen carbonate"),
    ("Vit C 0.1g", "Ascorbic acid"),
    ("Amoxicillin/Clav 625mg", "Amoxicillin + clavulanic acid"),
    ("Ceftriaxone 1g IV stat", "Ceftriaxone"),
    ("Gtt Timolol 0.5%", "Timolol"),
    ("Supp Paracetamol 125mg", "Paracetamol"),
    ("Peritoneal Dialysis Solution (Lactate) 2.5% 2000ml",
     "Intraperitoneal dialysis solution (of appropriate composition)"),
]

UNSEEN_NON_DRUG = [
    "General ward bed fee", "Private room accommodation", "Intensive care unit bed", "First-class nursing",
    "Nursing care level 3", "Attending physician consultation", "Expert clinic registration fee",
    "Liver function tests (ALT, AST)", "Kidney function (urea, creatinine)", "Routine urine test",
    "Lipid profile", "Thyroid function panel (T3, T4, TSH)", "Serum electrolytes (K, Na, Cl)",
    "Blood culture and sensitivity", "Hepatitis B five items", "HIV antibody screening",
    "Coagulation function (PT, APTT)", "D-dimer quantitative", "B-type natriuretic peptide", "Troponin T",
    "Procalcitonin (PCT)", "Arterial blood gases", "Cross-matching", "COVID-19 nucleic acid test",
    "Chest X-ray PA and lateral", "CT head without contrast", "MRI lumbar spine", "Obstetric ultrasound",
    "Dynamic electrocardiogram (24h)", "Bone mineral density scan", "Upper GI endoscopy",
    "Colonoscopy with biopsy", "Ambulatory blood pressure monitoring", "Intravenous drip",
    "Continuous oxygen therapy", "Atomization inhalation", "Wound care", "Suture removal", "Enema",
    "Urethral catheterization", "Sputum suction", "Mechanical ventilation per hour", "Hemodialysis session",
    "Rehabilitation training", "Electroacupuncture", "Cupping therapy", "Local anesthesia",
    "Laparoscopic cholecystectomy", "Open reduction and internal fixation", "Caesarean section",
    "Operating theatre fee", "Disposable infusion set", "Intravenous cannula 22G", "Scalp vein needle",
    "Cotton swabs", "Adhesive tape", "Elastic bandage 10cm", "Examination gloves (pair)", "Surgical mask",
    "Nasal oxygen cannula", "Urine bag", "Central venous catheter kit", "Blood glucose test strips",
    "Lancets", "Surgical drape pack", "Meal fee (3 days)", "Ambulance transfer", "Copy of medical records",
]


@pytest.mark.parametrize(("line", "name"), UNSEEN_DRUGS)
def test_unseen_wordings_of_drug_lines(who: Catalogue, line: str, name: str) -> None:
    item = LineItem(line_no=1, item_name=line)
    match_line_items([item], who)
    assert (item.catalogue_name, item.category in ("A", "B")) == (name, True), line


def test_unseen_wordings_of_non_drug_lines(who: Catalogue) -> None:
    rows = [LineItem(line_no=i, item_name=line) for i, line in enumerate(UNSEEN_NON_DRUG, 1)]
    match_line_items(rows, who)
    assert [r.item_name for r in rows if r.category] == []
    assert [line for line in UNSEEN_NON_DRUG if is_drug_line(line)] == []


# ---- the sample generator's data ----------------------------------------------------------------------


def test_generator_drug_lines_match_their_entry(who: Catalogue) -> None:
    codes = {e.name: e.code for e in who.entries}
    rng = random.Random(11)
    misses = []
    for drug in sample_items.listed_drugs():
        for _ in range(3):
            line = sample_items.printed_drug_name(drug, rng)
            hit = who.match(line)
            if hit is None or hit.code != codes[drug.name] or not is_drug_line(line):
                misses.append((line, hit))
    assert misses == []


def test_generator_unlisted_drugs_are_not_listed(who: Catalogue) -> None:
    rng = random.Random(12)
    for drug in sample_items.unlisted_drugs():
        line = sample_items.printed_drug_name(drug, rng)
        assert category_of(who, line) == "not_listed", (line, who.match(line))
        assert category_of(who, line, "drug") == "not_listed"


def test_generator_non_drug_items_are_not_drugs(who: Catalogue) -> None:
    for item in sample_items.non_drug_items():
        assert not is_drug_line(item.name), item.name
        assert category_of(who, item.name) == "", item.name
        assert category_of(who, item.name, item.row_type) == "", item.name


def test_invoice_category_rows_are_not_drugs(who: Catalogue) -> None:
    for label in sample_items.INVOICE_CATEGORIES.values():  # "Western medicine", "Bed fee", ...
        assert category_of(who, label) == "", label
        assert category_of(who, label, sample_items.SUMMARY_ROW_TYPE) == "", label


def test_validators_need_no_prefect_or_database() -> None:
    code = ("import sys, validators.catalogue; "
            "print(sorted(m for m in ('prefect', 'sqlalchemy') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize(("line", "category"), [
    ("Naloxone Hydrochloride Injection 400mcg a", "A"),  # a stray letter OCR read off a rule
    ("Level III nursing care a", ""),
    ("Intramuscular injection a", ""),
    ("Retinol (vitamin A) Capsules 200000 IU", "A"),  # a letter that is part of the name stays
])
def test_ocr_debris_after_a_name_is_dropped(who: Catalogue, line: str, category: str) -> None:
    assert category_of(who, line) == category
