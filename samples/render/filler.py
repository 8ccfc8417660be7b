"""Realistic non-truth values printed around the fields (hospital numbers, cashiers, phone
numbers). They make pages look real; none of them is a truth field."""

from __future__ import annotations

import random

from samples.render.context import Doc


def digits(rng: random.Random, n: int) -> str:
    return "".join(str(rng.randint(0, 9)) for _ in range(n))


def phone(rng: random.Random) -> str:
    return f"0{rng.randint(10, 999)}-{digits(rng, 8)}"


def hospital_number(rng: random.Random, inpatient: bool = True) -> str:
    prefix = rng.choice(("ZY", "", "IP", "H")) if inpatient else rng.choice(("MZ", "OP", ""))
    return f"{prefix}{digits(rng, rng.randint(7, 9))}"


def patient_number(doc: Doc, inpatient: bool = True) -> tuple[str, str]:
    """The hospital's patient number with its label: extras["inpatient_no"] or
    extras["outpatient_no"] when the planner gave one, else a made-up number."""
    labels = {"inpatient_no": ("Inpatient No.", "Hospital No.", "Admission No.", "Case No."),
              "outpatient_no": ("Outpatient No.", "Clinic No.", "Visit No.")}
    for key, options in labels.items():
        if doc.extras.get(key):
            return doc.rng.choice(options), doc.extras[key]
    options = labels["inpatient_no" if inpatient else "outpatient_no"]
    return doc.rng.choice(options), hospital_number(doc.rng, inpatient)


def staff(doc: Doc) -> str:
    return doc.text("staff")


def address_line(doc: Doc) -> str:
    """The issuer's address from extras, with a phone number now and then."""
    address = doc.extras.get("hospital_address", "")
    if address and doc.rng.random() < 0.5:
        address += f"   Tel: {phone(doc.rng)}"
    return address


def issuer_name(doc: Doc, fallback: str = "") -> str:
    """Who heads the page: the hospital, else extras["issuer"], else `fallback`."""
    if doc.fields.has("hospital"):
        return doc.fields.value("hospital")
    return doc.extras.get("issuer", fallback)
