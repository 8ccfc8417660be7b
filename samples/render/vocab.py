"""Titles, label synonyms and filler texts, loaded once from `samples/data/*.toml`."""

from __future__ import annotations

import random
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent.parent / "data"


@dataclass(frozen=True)
class Vocabulary:
    labels: dict[str, Any]
    texts: dict[str, Any]

    def titles(self, key: str) -> list[str]:
        return list(self.labels["titles"][key])

    def field_labels(self, doc_type: str, field: str) -> list[str]:
        per_type = self.labels["labels"].get(doc_type, {})
        return list(per_type.get(field) or self.labels["labels"]["default"][field])

    def words(self, section: str, key: str) -> list[str]:
        return list(self.labels[section][key])

    def text(self, *path: str) -> Any:
        node: Any = self.texts
        for key in path:
            node = node[key]
        return node

    def pick(self, rng: random.Random, section: str, key: str) -> str:
        return rng.choice(self.words(section, key))


@cache
def vocabulary() -> Vocabulary:
    def load(name: str) -> dict[str, Any]:
        with (DATA_DIR / name).open("rb") as f:
            return tomllib.load(f)

    return Vocabulary(load("labels.toml"), load("texts.toml"))
