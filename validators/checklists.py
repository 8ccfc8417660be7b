"""Which documents each claim type needs, and the claim type a packet points to.

    CHECKLISTS = load_checklists()                  # validators/data/checklists.toml, validated once
    CHECKLISTS.required("inpatient_local", employer_insured=True)
    CHECKLISTS.infer({"discharge_summary", "medical_invoice"})   # -> "inpatient_local"
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from pipeline.models import CLAIM_TYPES, DOC_TYPES

DATA = Path(__file__).with_name("data") / "checklists.toml"


@dataclass(frozen=True)
class Checklists:
    required_docs: dict[str, tuple[str, ...]]
    employer_docs: dict[str, tuple[str, ...]]
    markers: dict[str, tuple[str, ...]]  # claim type -> documents that point to it
    order: tuple[str, ...]  # claim types tried in this order by `infer`
    default: str

    def required(self, claim_type: str, employer_insured: bool = False) -> tuple[str, ...]:
        extra = self.employer_docs.get(claim_type, ()) if employer_insured else ()
        return self.required_docs.get(claim_type, ()) + extra

    def infer(self, doc_types: Iterable[str]) -> tuple[str, str]:
        """The claim type the documents point to, and the document that decided it ("" for the
        default)."""
        present = set(doc_types)
        for claim_type in self.order:
            for marker in self.markers.get(claim_type, ()):
                if marker in present:
                    return claim_type, marker
        return self.default, ""


def _types(raw: object, where: str, allowed: tuple[str, ...]) -> tuple[str, ...]:
    if not isinstance(raw, list) or not all(isinstance(t, str) for t in raw):
        raise ValueError(f"{where}: expected a list of names")
    unknown = [t for t in raw if t not in allowed]
    if unknown:
        raise ValueError(f"{where}: unknown {', '.join(unknown)}")
    return tuple(raw)


def load_checklists(path: Path = DATA) -> Checklists:
    """Read and validate a checklist file; a mistake in it raises ValueError naming the entry."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    types = data.get("claim_types", {})
    missing = set(CLAIM_TYPES) - set(types)
    if missing:
        raise ValueError(f"{path.name}: no checklist for {', '.join(sorted(missing))}")
    required, employer = {}, {}
    for name, entry in types.items():
        _types([name], f"{path.name} [claim_types]", CLAIM_TYPES)
        required[name] = _types(entry.get("required"), f"{path.name} {name}.required", DOC_TYPES)
        employer[name] = _types(entry.get("when_employer_insured", []),
                                f"{path.name} {name}.when_employer_insured", DOC_TYPES)
    inference = data.get("inference", {})
    markers = {k: _types(v, f"{path.name} inference.markers.{k}", DOC_TYPES)
               for k, v in inference.get("markers", {}).items()}
    order = _types(inference.get("order", []), f"{path.name} inference.order", CLAIM_TYPES)
    default = str(inference.get("default", ""))
    _types([default, *markers], f"{path.name} inference", CLAIM_TYPES)
    return Checklists(required, employer, markers, order, default)
